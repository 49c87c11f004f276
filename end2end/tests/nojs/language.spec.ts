import { expect, test } from "@playwright/test";

// The header's language switch is a plain form, the same with JavaScript as without: this spec
// runs once, without it, as the one user whose stored choice it changes.
test.use({ locale: "zh-CN" });

test.describe("the language switch", () => {
  test.use({ storageState: ".auth/switcher.json" });

  test("a choice in the header is kept with the user and follows them to another browser", async ({ page, browser, baseURL }) => {
    await page.goto("/audit");
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await page.getByRole("button", { name: "English" }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    // Another browser that asks for Chinese and carries no language cookie, signed in as the
    // same user, gets their choice.
    const other = await browser.newContext({ locale: "zh-CN", baseURL, storageState: ".auth/switcher.json" });
    const p2 = await other.newPage();
    await p2.goto("/tasks");
    await expect(p2.locator("html")).toHaveAttribute("lang", "en");
    await expect(p2.getByRole("heading", { level: 1, name: "Task List" })).toBeVisible();
    await other.close();
    // And back, from the sign-in page too: the cookie carries it before sign-in.
    await page.getByRole("button", { name: "中文" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "审计日志" })).toBeVisible();
    const anon = await browser.newContext({ locale: "en-US", baseURL, storageState: { cookies: [], origins: [] } });
    const p3 = await anon.newPage();
    await p3.goto("/login");
    await expect(p3.getByRole("heading", { name: "Sign in to Pushdeck" })).toBeVisible();
    await p3.getByRole("button", { name: "中文" }).click();
    await expect(p3).toHaveURL(/\/login/);
    await expect(p3.getByRole("heading", { name: "登录 Pushdeck" })).toBeVisible();
    await p3.reload();
    await expect(p3.locator("html")).toHaveAttribute("lang", "zh-CN");
    await anon.close();
  });
});
