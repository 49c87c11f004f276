import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

// The console and its sandbox as scripts/serve-for-tests.sh starts them.
export const port = Number(process.env.PUSHDECK_E2E_PORT ?? 3400);
export const sandboxURL = process.env.PUSHDECK_SANDBOX_URL ?? `http://127.0.0.1:${port + 1}`;

// Users created by scripts/serve-for-tests.sh (test fixtures, not real credentials).
export const users = {
  admin: { username: "e2e-admin", password: "admin-password-e2e" },
  operator: { username: "e2e-operator", password: "operator-password-e2e" },
  viewer: { username: "e2e-viewer", password: "viewer-password-e2e" },
  terminator: { username: "e2e-terminator", password: "terminator-password-e2e" },
  switcher: { username: "e2e-switcher", password: "switcher-password-e2e" },
} as const;
export type Who = keyof typeof users;

export const stateFile = (who: Who) => `.auth/${who}.json`;

// The sandbox's published, sandbox-only demo SecretKeys: they must never reach a browser.
export const sandboxSecrets = [
  "sandbox0demo0android0not0secret0",
  "sandbox0demo0ios00000not0secret0",
  "sandbox0demo0news0000not0secret0",
];

export type TaskOptions = {
  app?: string;
  audience?: "all" | "tag" | "token_list" | "account_list" | "package_account_push";
  title?: string;
  sendInSecs?: number;
  /** The push's `android` body (click action, custom content), as the app's backend sent it. */
  android?: Record<string, unknown>;
};

let counter = 0;

/** Creates a task in the sandbox, as the app's own backend would; returns its push ID. */
export async function createTask(request: APIRequestContext, o: TaskOptions = {}): Promise<string> {
  counter += 1;
  const res = await request.post(`${sandboxURL}/_sandbox/tasks`, {
    data: {
      app: o.app ?? "demo-android",
      audience: o.audience ?? "tag",
      title: o.title ?? `E2E ${Date.now().toString(36)}-${counter} spring sale`,
      send_in_secs: o.sendInSecs,
      android: o.android,
    },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  const body = await res.json();
  return String(body.push_ids[0]);
}

/** Opens the Task List searched for one task and waits until the sync worker has imported it. */
export async function findInTaskList(page: Page, app: string, pushId: string) {
  await expect(async () => {
    await page.goto(`/tasks?app=${app}&q=${pushId}`);
    await expect(page.locator(`tr[data-push-id="${pushId}"]`)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  return page.locator(`tr[data-push-id="${pushId}"]`);
}

/** The status badge of a row or page region. */
export function statusOf(scope: ReturnType<Page["locator"]>) {
  return scope.locator("[data-status]").first();
}

export async function waitHydrated(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** Waits for the WebAssembly where the project loads it (the no-js project never hydrates). */
export async function hydratedIfJs(page: Page) {
  if (test.info().project.name === "hydrated") await waitHydrated(page);
}

/** Opens a task's push details from its Task List row, by the row's details link. */
export async function openDetails(page: Page, pushId: string, linkName = "View Details") {
  const row = await findInTaskList(page, "demo-android", pushId);
  await hydratedIfJs(page);
  await row.getByRole("link", { name: linkName }).click();
  await expect(page).toHaveURL(new RegExp(`/tasks/${pushId}`));
  await hydratedIfJs(page);
}
