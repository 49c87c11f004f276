import { expect, test, type Page } from "@playwright/test";
import { createTask, findInTaskList, openDetails, sandboxURL, statusOf, waitHydrated } from "../support";

/** The Task List filtered to one task, left open in its own tab to watch the Status column. */
async function watchList(page: Page, pushId: string) {
  const list = await page.context().newPage();
  const row = await findInTaskList(list, "demo-android", pushId);
  await waitHydrated(list);
  return { list, row };
}

test("Terminate: confirm with the impact spelled out, then the status changes everywhere without a reload", async ({ page, request }) => {
  const id = await createTask(request, { audience: "tag" });
  const { row } = await watchList(page, id);
  await openDetails(page, id);
  await page.getByRole("button", { name: "Terminate" }).click();
  const dialog = page.getByRole("dialog", { name: "Terminate this task" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(/Terminate stops delivery to about [\d,]+ devices that have not received it yet. This cannot be undone./);
  await dialog.getByRole("button", { name: "Terminate" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").first()).toContainText("Terminate succeeded");
  await expect(statusOf(page.locator("main"))).toHaveText("Terminated");
  await expect(statusOf(row)).toHaveText("Terminated");
  await expect(page.getByRole("heading", { name: "Action history" }).locator("..")).toContainText("e2e-operator");
});

for (const choice of ["Continue delivery", "Abort for these devices"] as const) {
  test(`Override (${choice}): edit, preview, choose, and both tasks link to each other`, async ({ page, request }) => {
    const id = await createTask(request, { audience: "all" });
    const { row } = await watchList(page, id);
    await openDetails(page, id);
    // The dialog counts devices per channel: wait until TPNS's counters have been read.
    await expect(async () => {
      await page.reload();
      await expect(page.getByText(/Counters as of/)).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await waitHydrated(page);
    await page.getByRole("button", { name: "Override" }).click();
    const dialog = page.getByRole("dialog", { name: "Override this task" });
    await expect(dialog.getByLabel("New title")).not.toHaveValue("");
    await dialog.getByLabel("New title").fill("Spring sale — corrected link");
    await expect(dialog.getByLabel("Preview")).toContainText("Spring sale — corrected link");
    // Every channel TPNS's page does not name as replacing in place, Honor and FCM included.
    await expect(dialog).toContainText(/[\d,]+ of this task's devices are on channels that cannot replace a notification \(Huawei below EMUI 10 \(estimated\) [\d,]+, Honor [\d,]+, OPPO [\d,]+, vivo [\d,]+, FCM [\d,]+\)/);
    // Neither choice is preselected, and sending needs one.
    await expect(dialog.getByRole("radio", { name: /Continue delivery/ })).not.toBeChecked();
    await expect(dialog.getByRole("radio", { name: /Abort for these devices/ })).not.toBeChecked();
    await dialog.getByLabel("Push ID to confirm").fill(id);
    await expect(dialog.getByRole("button", { name: "Send override" })).toBeDisabled();
    await dialog.getByRole("radio", { name: new RegExp(choice) }).check();
    await dialog.getByRole("button", { name: "Send override" }).click();
    await expect(dialog).toBeHidden();
    await expect(statusOf(page.locator("main"))).toHaveText("Overridden");
    await expect(statusOf(row)).toHaveText("Overridden");
    const link = page.getByText("Overridden by task").getByRole("link");
    const newId = (await link.textContent())!.trim();
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/tasks/${newId}`));
    await expect(page.getByRole("heading", { level: 1, name: "Spring sale — corrected link" })).toBeVisible();
    await expect(page.getByText("Overrides").locator("..").getByRole("link", { name: id })).toBeVisible();
  });
}

test("Recall: the task is recalled and the list shows it", async ({ page, request }) => {
  const id = await createTask(request, { audience: "account_list" });
  const { row } = await watchList(page, id);
  await openDetails(page, id);
  await page.getByRole("button", { name: "Recall" }).click();
  const dialog = page.getByRole("dialog", { name: "Recall this task" });
  await expect(dialog).toContainText(/removes it from about [\d,]+ devices where it is shown and not clicked/);
  await dialog.getByRole("button", { name: "Recall" }).click();
  await expect(statusOf(page.locator("main"))).toHaveText("Recalled");
  await expect(statusOf(row)).toHaveText("Recalled");
});

test("Cancel Push: from the Task List row, before the send time; the row turns Canceled", async ({ page, request }) => {
  const id = await createTask(request, { audience: "all", sendInSecs: 3600 });
  const row = await findInTaskList(page, "demo-android", id);
  await waitHydrated(page);
  await expect(statusOf(row)).toHaveText("Scheduled");
  await row.getByRole("button", { name: "Cancel Push" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel the scheduled push" });
  await expect(dialog).toContainText("it will never be sent");
  // An all-devices task needs its push ID typed.
  await expect(dialog.getByRole("button", { name: "Cancel Push" })).toBeDisabled();
  await dialog.getByLabel("Push ID to confirm").fill(id);
  await dialog.getByRole("button", { name: "Cancel Push" }).click();
  await expect(dialog).toBeHidden();
  await expect(statusOf(row)).toHaveText("Canceled");
  await expect(row.getByRole("button", { name: "Cancel Push" })).toHaveCount(0);
  await openDetails(page, id);
  await expect(statusOf(page.locator("main"))).toHaveText("Canceled");
});

test("Override: correct a wrong link; the preview shows the new address before sending, and the push carries it", async ({ page, request }) => {
  const wrong = "https://shop.example/sprnig-sale";
  const fixed = "https://shop.example/spring-sale?utm=push";
  const id = await createTask(request, {
    audience: "tag",
    android: { custom_content: '{"order":"A-7"}', action: { action_type: 2, browser: { url: wrong, confirm: 0 } } },
  });
  await openDetails(page, id);
  await page.getByRole("button", { name: "Override" }).click();
  const dialog = page.getByRole("dialog", { name: "Override this task" });
  const preview = dialog.getByLabel("Preview");
  // The dialog starts from the original's link, shown on both sides of the preview.
  await expect(dialog.getByRole("radio", { name: "Open a web page" })).toBeChecked();
  await expect(dialog.getByLabel("Web address (for a web page)")).toHaveValue(wrong);
  await expect(preview.getByText(`Tapping opens ${wrong}`)).toHaveCount(2);

  // Not a web address: the preview says so and sending waits.
  await dialog.getByLabel("Web address (for a web page)").fill("shop.example/spring-sale");
  await dialog.getByRole("radio", { name: /Continue delivery/ }).check();
  await expect(preview).toContainText("Enter a web address that starts with https:// or http://");
  await expect(dialog.getByRole("button", { name: "Send override" })).toBeDisabled();

  await dialog.getByLabel("Web address (for a web page)").fill(fixed);
  await expect(preview.getByTestId("preview-click")).toHaveText(`Tapping opens ${fixed}`);
  await expect(preview).toContainText(`Tapping opens ${wrong}`);
  await dialog.getByRole("button", { name: "Send override" }).click();
  await expect(dialog).toBeHidden();
  await expect(statusOf(page.locator("main"))).toHaveText("Overridden");

  // What TPNS received: the corrected address and the original's custom content.
  const newId = (await page.getByText("Overridden by task").getByRole("link").textContent())!.trim();
  const res = await request.get(`${sandboxURL}/_sandbox/pushes/demo-android`);
  expect(res.ok()).toBeTruthy();
  const pushes: Array<Record<string, any>> = await res.json();
  const sent = pushes.find((p) => p._push_id === newId);
  expect(sent, `the push of ${newId}`).toBeTruthy();
  expect(sent!.message.android.action.browser.url).toBe(fixed);
  expect(sent!.message.android.custom_content).toBe('{"order":"A-7"}');
});
