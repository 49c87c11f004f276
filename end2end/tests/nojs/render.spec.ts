import { expect, test } from "@playwright/test";

test("with JavaScript off the page is server-rendered and the app switcher works as a form", async ({ page }) => {
  await page.goto("/tasks");
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("heading", { level: 1, name: "Task List" })).toBeVisible();
  const switcher = page.getByLabel("App");
  const options = await switcher.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options.length).toBeGreaterThan(1);
  await switcher.selectOption(options[1]);
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]app=${options[1]}`));
});
