import { expect, test } from "@playwright/test";

test("the page hydrates: the app switcher navigates as soon as an app is chosen", async ({ page }) => {
  await page.goto("/tasks");
  // Set by an effect, which only runs once the WebAssembly has loaded and hydrated the page.
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const switcher = page.getByLabel("App");
  // The Go button of the no-JavaScript form is hidden once hydrated.
  await expect(page.getByRole("button", { name: "Go" })).toBeHidden();
  const options = await switcher.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options.length).toBeGreaterThan(1);
  await switcher.selectOption(options[1]);
  await expect(page).toHaveURL(new RegExp(`[?&]app=${options[1]}`));
});
