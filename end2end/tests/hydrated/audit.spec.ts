import { expect, test } from "@playwright/test";
import { createTask, findInTaskList, users, waitHydrated } from "../support";

test.use({ storageState: { cookies: [], origins: [] } });

test("an operator signs in, acts, and finds the entry in the audit log and the task's timeline", async ({ page, request }) => {
  await page.goto("/login");
  await page.getByLabel("Username").fill(users.terminator.username);
  await page.getByLabel("Password").fill(users.terminator.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/tasks/);
  const id = await createTask(request, { audience: "tag" });
  await findInTaskList(page, "demo-android", id);
  await page.goto(`/tasks/${id}?app=demo-android`);
  await waitHydrated(page);
  // This operator may only Terminate.
  await expect(page.getByRole("button", { name: "Override" })).toHaveAccessibleDescription("Your role does not allow Override.");
  await page.getByRole("button", { name: "Terminate" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Terminate" }).click();
  await expect(page.locator("main [data-status]").first()).toHaveText("Terminated");
  const timeline = page.getByRole("heading", { name: "Action history" }).locator("..");
  await expect(timeline).toContainText("e2e-terminator");
  await expect(timeline).toContainText("Terminate");
  await expect(timeline).toContainText("succeeded");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Task (push ID)").fill(id);
  await page.getByRole("button", { name: "Filter" }).click();
  const entry = page.locator("tbody tr").first();
  await expect(entry).toContainText("e2e-terminator");
  await expect(entry).toContainText("Terminate");
  await expect(entry).toContainText("succeeded");
  const csv = await page.request.get(`/audit.csv?push_id=${id}`);
  const text = await csv.text();
  expect(text).toContain(`,e2e-terminator,`);
  // The values are the log's own codes, whatever the column names' language.
  expect(text).toContain(`,terminate,`);
});
