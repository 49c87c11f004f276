import { expect, test } from "@playwright/test";

test("the page hydrates: the app switcher navigates as soon as an app is chosen", async ({ page }) => {
  await page.goto("/tasks");
  // Set by an effect, which only runs once the WebAssembly has loaded and hydrated the page.
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  // The Go button of the no-JavaScript form is hidden once hydrated.
  await expect(page.getByRole("button", { name: "Go" })).toBeHidden();
  await page.getByLabel("App").selectOption("demo-ios");
  await expect(page).toHaveURL(/[?&]app=demo-ios/);
});
