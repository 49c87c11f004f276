import { expect, test } from "@playwright/test";
import { createTask, findInTaskList, waitHydrated } from "../support";

// Screenshots for people to look at (end2end/screenshots/, not committed): the Task List, the
// push details and the override dialog, in English and in Chinese, on a desktop and on a phone.
for (const [lang, locale, override] of [
  ["en", "en-US", "Override"],
  ["zh", "zh-CN", "覆盖"],
] as const) {
  test.describe(`in ${lang}`, () => {
    test.use({ locale });
    for (const [label, viewport] of [
      ["1280", { width: 1280, height: 800 }],
      ["390", { width: 390, height: 844 }],
    ] as const) {
      test(`screenshots at ${label} px (${lang})`, async ({ page, request }) => {
        await page.setViewportSize(viewport);
        const id = await createTask(request, { audience: "all", title: "Spring sale: 30% off everything" });
        await findInTaskList(page, "demo-android", id);
        await page.goto("/tasks?app=demo-android");
        await waitHydrated(page);
        await page.screenshot({ path: `screenshots/${lang}-task-list-${label}.png` });
        await page.goto(`/tasks/${id}?app=demo-android`);
        await waitHydrated(page);
        await page.screenshot({ path: `screenshots/${lang}-details-${label}.png`, fullPage: true });
        await page.getByRole("button", { name: override, exact: true }).click();
        await expect(page.getByRole("dialog")).toBeVisible();
        await page.screenshot({ path: `screenshots/${lang}-override-dialog-${label}.png` });
        // The page does not scroll sideways on a phone, and no button's text overflows it.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(1);
        const clipped = await page.evaluate(() =>
          [...document.querySelectorAll("button, a[role=button], [data-status]")]
            .filter((el) => (el as HTMLElement).offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
            .map((el) => el.textContent),
        );
        expect(clipped).toEqual([]);
      });
    }
  });
}

test.describe("as an admin", () => {
  test.use({ storageState: ".auth/admin.json" });
  for (const [label, viewport] of [
    ["1280", { width: 1280, height: 800 }],
    ["390", { width: 390, height: 844 }],
  ] as const) {
    test(`the Admin page at ${label} px: role, permissions, a new password, disable or enable`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.goto("/admin");
      await waitHydrated(page);
      const row = page.getByRole("row").filter({ hasText: "e2e-viewer" });
      await expect(row.getByLabel("New password for e2e-viewer")).toBeVisible();
      await expect(row.getByRole("button", { name: "Disable" })).toBeVisible();
      await page.screenshot({ path: `screenshots/admin-${label}.png`, fullPage: true });
    });
  }
});
