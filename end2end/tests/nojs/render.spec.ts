import { expect, test } from "@playwright/test";
import { createTask, findInTaskList } from "../support";

test("with JavaScript off the page is server-rendered and the app switcher works as a form", async ({ page }) => {
  await page.goto("/tasks");
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("heading", { level: 1, name: "Task List" })).toBeVisible();
  const switcher = page.getByLabel("App");
  await switcher.selectOption("demo-ios");
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page).toHaveURL(/[?&]app=demo-ios/);
  await expect(page.getByText("Demo Shop · iOS · Sandbox")).toBeVisible();
});

test("with JavaScript off the filters, search and paging work and live in the URL", async ({ page, request }) => {
  const title = `Nojs paging ${Date.now().toString(36)}`;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push(await createTask(request, { title: `${title} ${i}` }));
  await findInTaskList(page, "demo-android", ids[2]);
  // Search by title, with a status filter.
  await page.goto("/tasks?app=demo-android");
  await page.getByLabel("Search").fill(title);
  await page.getByRole("checkbox", { name: /Pushing/ }).check();
  await page.getByRole("checkbox", { name: /Completed/ }).check();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=pushing/);
  await expect(page).toHaveURL(/q=Nojs/);
  await expect(page.locator("tbody tr")).toHaveCount(3);
  await expect(page.getByRole("checkbox", { name: /Pushing/ })).toBeChecked();
  // Paging: the full list has more than one page of 50 (the sandbox's history).
  await page.goto("/tasks?app=demo-android");
  await expect(page.locator("tbody tr")).toHaveCount(50);
  await page.getByRole("link", { name: "Older →" }).click();
  await expect(page).toHaveURL(/after=/);
  const firstOfPage2 = await page.locator("tbody tr").first().getAttribute("data-push-id");
  await page.getByRole("link", { name: "← Newer" }).click();
  await expect(page).toHaveURL(/before=/);
  await expect(page.locator("tbody tr")).toHaveCount(50);
  await expect(page.locator(`tbody tr[data-push-id="${firstOfPage2}"]`)).toHaveCount(0);
  // A filter that matches nothing says so.
  await page.goto("/tasks?app=demo-android&q=no-such-task-anywhere");
  await expect(page.getByText("No tasks match these filters.")).toBeVisible();
});

test("a date range the server cannot use says why and offers the list without it, keeping the other filters", async ({ page }) => {
  await page.goto("/tasks?app=demo-android&status=completed&from=2026-11-20&to=2026-11-10");
  await expect(page.getByRole("alert")).toHaveText("The end date is before the start date.");
  await page.getByRole("link", { name: "Show the Task List without this filter" }).click();
  await expect(page).not.toHaveURL(/to=/);
  await expect(page).toHaveURL(/from=2026-11-20/);
  await expect(page.getByRole("checkbox", { name: /Completed/ })).toBeChecked();
});

test("with JavaScript off the push details render, with reasons beside disabled buttons", async ({ page, request }) => {
  const id = await createTask(request, { audience: "token_list" });
  const row = await findInTaskList(page, "demo-android", id);
  await row.getByRole("link", { name: "View Details" }).click();
  await expect(page).toHaveURL(new RegExp(`/tasks/${id}`));
  await expect(page.getByRole("heading", { name: "Push Progress" })).toBeVisible();
  await expect(page.getByRole("table").filter({ hasText: "Channel" })).toBeVisible();
  const terminate = page.getByRole("button", { name: "Terminate" });
  await expect(terminate).toBeDisabled();
  await expect(terminate).toHaveAccessibleDescription(/only supported for tasks pushed to all devices/);
});

test("with JavaScript off a confirmed Terminate works as a plain form", async ({ page, request }) => {
  const id = await createTask(request, { audience: "tag" });
  await findInTaskList(page, "demo-android", id);
  await page.goto(`/tasks/${id}?app=demo-android`);
  await page.getByRole("button", { name: "Terminate" }).click();
  await expect(page).toHaveURL(/confirm=terminate/);
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText(/Terminate stops delivery to about/)).toBeVisible();
  await dialog.getByRole("button", { name: "Terminate" }).click();
  await expect(page).toHaveURL(/done=terminate/);
  await expect(page.getByRole("status")).toContainText("Terminate sent");
  await expect(page.locator("[data-status]").first()).toHaveText("Terminated");
});

test("with JavaScript off an all-devices Override with its typed confirmation and choice works as a plain form", async ({ page, request }) => {
  const id = await createTask(request, { audience: "all" });
  await findInTaskList(page, "demo-android", id);
  await page.goto(`/tasks/${id}?app=demo-android&confirm=override`);
  const dialog = page.getByRole("dialog", { name: "Override this task" });
  // Nothing is checked in the browser without JavaScript: the send button is not disabled, the
  // required fields and the server are the checks.
  await expect(dialog.getByRole("button", { name: "Send override" })).toBeEnabled();
  await dialog.getByLabel("New title").fill("Corrected without JavaScript");
  await dialog.getByLabel("Push ID to confirm").fill(id);
  await dialog.getByRole("radio", { name: /Abort for these devices/ }).check();
  await dialog.getByRole("button", { name: "Send override" }).click();
  await expect(page).toHaveURL(/done=override/);
  await expect(page.locator("[data-status]").first()).toHaveText("Overridden");
  await expect(page.getByText("Overridden by task").getByRole("link")).toBeVisible();
});
