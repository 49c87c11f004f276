import { expect, test } from "@playwright/test";
import { users } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });

test("an anonymous visitor is sent to sign in, and back after signing in", async ({ page }) => {
  await page.goto("/tasks?app=demo-ios");
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.getByRole("heading", { name: "Sign in to Pushdeck" })).toBeVisible();
  await page.getByLabel("Username").fill(users.viewer.username);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await page.getByLabel("Username").fill(users.viewer.username);
  await page.getByLabel("Password").fill(users.viewer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/tasks\?app=demo-ios/);
  await expect(page.getByRole("heading", { level: 1, name: "Task List" })).toBeVisible();
});

test("the sign-in page shows only its own sentences, not text carried in a crafted link", async ({ page }) => {
  // Encoded as the server encodes a refused form post: URL-safe base64 (padded) of the error's JSON.
  const crafted = Buffer.from(
    JSON.stringify({ Validation: { field: "password", message: "Your account is locked: call +1 555 0100." } }),
  )
    .toString("base64")
    .replaceAll("+", "-")
    .replaceAll("/", "_");
  await page.goto(`/login?__err=${encodeURIComponent(crafted)}`);
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page.getByText("555 0100")).toHaveCount(0);
});
