import { expect, test } from "@playwright/test";

// The Account page makes an API token with a plain form and shows it once; the token opens the
// JSON API and nothing else; revoking it closes it at once. The API reference page lists the
// document's operations.
test("a token is made on the Account page, shown once, used and revoked", async ({ page, playwright, baseURL }, info) => {
  const name = `e2e-${info.project.name}-${Date.now()}`;
  await page.goto("/tasks");
  await page.getByRole("link", { name: /e2e-operator/ }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Expires").selectOption("30");
  await page.getByRole("checkbox", { name: "Recall" }).uncheck();
  await page.getByRole("button", { name: "Make the token" }).click();
  const shown = page.getByTestId("fresh-token");
  await expect(shown).toBeVisible();
  const secret = (await shown.textContent())!.trim();
  expect(secret).toMatch(/^pdk_[0-9a-f]{64}$/);
  await page.screenshot({ path: `screenshots/account-new-token-${info.project.name}.png`, fullPage: true });

  const api = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const headers = { Authorization: `Bearer ${secret}` };
  const apps = await api.get("/api/v1/apps", { headers });
  expect(apps.status()).toBe(200);
  expect((await apps.json()).map((a: { id: string }) => a.id)).toContain("demo-android");
  // The token is not a session: the pages still ask to sign in.
  const pageWithToken = await api.get("/tasks", { headers, maxRedirects: 0 });
  expect(pageWithToken.status()).toBe(303);

  // Shown once: the next visit lists the token by its prefix only.
  await page.goto("/account");
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(secret.slice(0, 10));
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(row).not.toContainText("Recall");
  await row.getByRole("button", { name: `Revoke token ${name}` }).click();
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("revoked");
  const after = await api.get("/api/v1/apps", { headers });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("token_revoked");
  await api.dispose();
});

test("the API reference page lists the document's operations", async ({ page }, info) => {
  await page.goto("/api");
  await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
  await expect(page.getByRole("heading", { name: /\/api\/v1\/apps\/\{app\}\/tasks\/\{push_id\}\/actions$/ })).toBeVisible();
  await expect(page.getByText("Idempotency-Key").first()).toBeVisible();
  await page.screenshot({ path: `screenshots/api-reference-${info.project.name}.png` });
  const doc = await page.request.get("/api/v1/openapi.json");
  expect((await doc.json()).openapi).toMatch(/^3\.1/);
});
