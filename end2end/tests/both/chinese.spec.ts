import { expect, test } from "@playwright/test";
import { createTask, findInTaskList, hydratedIfJs, openDetails, statusOf } from "../support";

// The main flows in Chinese, with JavaScript on (the dialogs open in place) and off (the server
// renders them open and the forms post): the browser asks for zh-CN, as a reader in Shenzhen's
// does, and the console answers in the words of TPNS's own Chinese console.
test.use({ locale: "zh-CN" });

test("the Task List speaks Chinese: the frame, the filters, the statuses, the table", async ({ page, request }) => {
  const id = await createTask(request, { audience: "tag" });
  const row = await findInTaskList(page, "demo-android", id);
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { level: 1, name: "任务列表" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "主导航" });
  await expect(nav.getByRole("link", { name: "审计日志" })).toBeVisible();
  await expect(page.getByRole("button", { name: "应用筛选" })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /推送中/ })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "状态" })).toBeVisible();
  await expect(statusOf(row)).toHaveText(/推送中|推送完成/);
  await expect(page.getByText(/本小时剩余上游查询额度/)).toBeVisible();
  // Dates in the reader's conventions: 2026年11月27日.
  await expect(page.locator("main time").first()).toHaveText(/\d{4}年\d{1,2}月\d{1,2}日/);
  // A search that finds nothing says so in Chinese.
  await page.goto("/tasks?app=demo-android&q=no-such-task-anywhere");
  await expect(page.getByText("没有符合筛选条件的任务。")).toBeVisible();
});

test("终止 (Terminate) in Chinese: the impact in numbers, then the status reads 已终止", async ({ page, request }) => {
  const id = await createTask(request, { audience: "tag" });
  await openDetails(page, id, "查看详情");
  await expect(page.getByRole("heading", { name: "推送进度" })).toBeVisible();
  await page.getByRole("button", { name: "终止" }).click();
  const dialog = page.getByRole("dialog", { name: "终止此任务" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(/终止将停止向约 [\d,]+ 台尚未收到的设备下发。此操作无法撤销。/);
  await dialog.getByRole("button", { name: "终止" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").first()).toContainText("终止");
  await expect(statusOf(page.locator("main"))).toHaveText("已终止");
  await expect(page.getByRole("heading", { name: "操作记录" }).locator("..")).toContainText("成功");
});

for (const choice of ["继续下发", "对这些设备不下发"] as const) {
  test(`覆盖 (Override, ${choice}) in Chinese: the choice for devices that cannot replace`, async ({ page, request }) => {
    const id = await createTask(request, { audience: "tag" });
    await openDetails(page, id, "查看详情");
    await expect(async () => {
      await page.reload();
      await expect(page.getByText(/数据截至/)).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await hydratedIfJs(page);
    await page.getByRole("button", { name: "覆盖" }).click();
    const dialog = page.getByRole("dialog", { name: "覆盖此任务" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("group", { name: "不支持覆盖的设备" })).toBeVisible();
    await dialog.getByLabel("新标题").fill("春季大促（已更正）");
    await dialog.getByLabel(choice).check();
    await dialog.getByRole("button", { name: "发送覆盖" }).click();
    await expect(dialog).toBeHidden();
    await expect(statusOf(page.locator("main"))).toHaveText("已覆盖");
  });
}

test("取消推送 (Cancel Push) in Chinese from the Task List, and the audit log names it", async ({ page, request }) => {
  const id = await createTask(request, { audience: "tag", sendInSecs: 3 * 3600 });
  const row = await findInTaskList(page, "demo-android", id);
  await hydratedIfJs(page);
  await expect(statusOf(row)).toHaveText("待推送");
  await row.getByRole("button", { name: "取消推送" }).click();
  const dialog = page.getByRole("dialog", { name: "取消定时推送" });
  await expect(dialog).toContainText("取消推送将取消此定时任务");
  await dialog.getByRole("button", { name: "取消推送" }).click();
  await expect(dialog).toBeHidden();
  await page.goto(`/audit?push_id=${id}`);
  await expect(page.getByRole("heading", { level: 1, name: "审计日志" })).toBeVisible();
  const entry = page.getByRole("row").filter({ hasText: id });
  await expect(entry).toContainText("取消推送");
  await expect(entry).toContainText("成功");
  await expect(page.getByRole("columnheader", { name: /时间（UTC/ })).toBeVisible();
});

