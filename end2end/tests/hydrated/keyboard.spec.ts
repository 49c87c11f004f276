import { expect, test, type Locator, type Page } from "@playwright/test";
import { createTask, findInTaskList, waitHydrated } from "../support";

// Every dialog by keyboard alone: reached with Tab, opened with Enter or Space, used, and
// closed with Escape; while it is open, Tab never leaves it, and closing gives focus back to the
// control that opened it.

/** Presses Tab until `target` has focus (at most `max` times). */
async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Tab and Shift+Tab, many times round: focus stays inside the dialog. */
async function focusStaysIn(page: Page, dialog: Locator) {
  for (const key of ["Tab", "Shift+Tab"]) {
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(key);
      expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `${key} × ${i + 1}`).toBe(true);
    }
  }
}

/** Focus stays in the open dialog; Escape closes it and gives focus back to its opener. */
async function usedAndClosed(page: Page, dialog: Locator, opener: Locator) {
  await expect(dialog).toBeVisible();
  await focusStaysIn(page, dialog);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
}

for (const [lang, locale, dialogs] of [
  [
    "en",
    "en-US",
    [
      ["Terminate", "Terminate this task", "Enter"],
      ["Recall", "Recall this task", " "],
      ["Override", "Override this task", "Enter"],
    ],
  ],
  [
    "zh",
    "zh-CN",
    [
      ["终止", "终止此任务", "Enter"],
      ["撤回", "撤回此任务", " "],
      ["覆盖", "覆盖此任务", "Enter"],
    ],
  ],
] as const) {
  test.describe(`in ${lang}`, () => {
    test.use({ locale });
    for (const [button, name, key] of dialogs) {
      test(`the ${button} dialog by keyboard: open, stay inside, close, focus back`, async ({ page, request }) => {
        const id = await createTask(request, { audience: "tag" });
        await findInTaskList(page, "demo-android", id);
        await page.goto(`/tasks/${id}?app=demo-android`);
        await waitHydrated(page);
        const opener = page.locator("main").getByRole("button", { name: button, exact: true });
        await tabTo(page, opener);
        await page.keyboard.press(key === " " ? "Space" : key);
        const dialog = page.getByRole("dialog", { name });
        await expect(dialog).toBeVisible();
        expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
        await usedAndClosed(page, dialog, opener);
      });
    }
  });
}

test("Terminate by keyboard alone, from Tab to the new status", async ({ page, request }) => {
  const id = await createTask(request, { audience: "tag" });
  await findInTaskList(page, "demo-android", id);
  await page.goto(`/tasks/${id}?app=demo-android`);
  await waitHydrated(page);
  await tabTo(page, page.locator("main").getByRole("button", { name: "Terminate", exact: true }));
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Terminate this task" });
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByRole("button", { name: "Terminate" }), 10);
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.locator("main [data-status]").first()).toHaveText("Terminated");
});

for (const [lang, locale, button, name] of [
  ["en", "en-US", "Cancel Push", "Cancel the scheduled push"],
  ["zh", "zh-CN", "取消推送", "取消定时推送"],
] as const) {
  test.describe(`in ${lang}`, () => {
    test.use({ locale });
    test(`${button} from the Task List row by keyboard`, async ({ page, request }) => {
      const id = await createTask(request, { audience: "tag", sendInSecs: 3600 });
      const row = await findInTaskList(page, "demo-android", id);
      await waitHydrated(page);
      const opener = row.getByRole("button", { name: button });
      await tabTo(page, opener, 200);
      await page.keyboard.press("Space");
      await usedAndClosed(page, page.getByRole("dialog", { name }), opener);
    });
  });
}

test("a dialog the server rendered open (?confirm=) keeps focus inside once hydrated", async ({ page, request }) => {
  const id = await createTask(request, { audience: "tag" });
  await findInTaskList(page, "demo-android", id);
  await page.goto(`/tasks/${id}?app=demo-android&confirm=terminate`);
  await waitHydrated(page);
  const dialog = page.getByRole("dialog", { name: "Terminate this task" });
  await expect(dialog).toBeVisible();
  await expect.poll(() => dialog.evaluate((d) => d.matches(":modal"))).toBe(true);
  await dialog.getByRole("button", { name: "Terminate" }).focus();
  await focusStaysIn(page, dialog);
});
