import { expect, test } from "@playwright/test";
import { createTask, findInTaskList, waitHydrated } from "../support";

async function details(page: import("@playwright/test").Page, app: string, id: string) {
  await findInTaskList(page, app, id);
  await page.goto(`/tasks/${id}?app=${app}`);
  await waitHydrated(page);
}

test("Terminate on an iOS task is disabled, saying why", async ({ page, request }) => {
  const id = await createTask(request, { app: "demo-ios", audience: "all" });
  await details(page, "demo-ios", id);
  const b = page.getByRole("button", { name: "Terminate" });
  await expect(b).toBeDisabled();
  await expect(b).toHaveAccessibleDescription("Terminate is not supported for iOS tasks: TPNS cannot stop queued iOS deliveries.");
  await expect(page.getByText("Terminate is not supported for iOS tasks")).toBeVisible();
});

test("an action on a token-audience task is disabled, saying why", async ({ page, request }) => {
  const id = await createTask(request, { audience: "token_list" });
  await details(page, "demo-android", id);
  for (const name of ["Terminate", "Override", "Recall"]) {
    const b = page.getByRole("button", { name });
    await expect(b).toBeDisabled();
    await expect(b).toHaveAccessibleDescription(/this task was pushed to a device list/);
  }
});

test("Recall where the upstream reports it unavailable is disabled, saying why", async ({ page, request }) => {
  const id = await createTask(request, { app: "demo-news", audience: "all" });
  await details(page, "demo-news", id);
  const b = page.getByRole("button", { name: "Recall" });
  await expect(b).toBeDisabled();
  await expect(b).toHaveAccessibleDescription("Recall is not available for this app: TPNS has taken message recall offline.");
  // Terminate stays available on the same task.
  await expect(page.getByRole("button", { name: "Terminate" })).toBeEnabled();
});

test("Cancel Push after the send time is disabled, saying it is too late and offering Terminate", async ({ page, request }) => {
  const id = await createTask(request, { audience: "all", sendInSecs: 6 });
  await details(page, "demo-android", id);
  const b = page.getByRole("button", { name: "Cancel Push" });
  // Enabled while the send time is ahead…
  await expect(b).toBeEnabled();
  // …and disabled once it has passed, without a reload.
  await expect(b).toBeDisabled({ timeout: 30_000 });
  await expect(b).toHaveAccessibleDescription(/^Too late: this task started sending at .*you can Terminate it instead\.$/);
});

test.describe("as a viewer", () => {
  test.use({ storageState: ".auth/viewer.json" });

  test("the action buttons are unusable, saying the role does not allow them", async ({ page, request }) => {
    const id = await createTask(request, { audience: "tag" });
    await details(page, "demo-android", id);
    for (const name of ["Terminate", "Override", "Recall"]) {
      const b = page.getByRole("button", { name });
      await expect(b).toBeDisabled();
      await expect(b).toHaveAccessibleDescription(`Your role does not allow ${name}.`);
    }
    // Refreshing spends the team's query budget: not a viewer's call.
    const refresh = page.getByRole("button", { name: "Refresh now" });
    await expect(refresh).toBeDisabled();
    await expect(refresh).toHaveAttribute("title", "Viewers cannot refresh from TPNS: it spends the team's query budget.");
  });
});
