import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createTask, findInTaskList } from "../support";

// WCAG 2.1 A and AA, checked by axe-core in Chromium on every page and every dialog, on a desktop
// and on a phone, hydrated and as the server renders it. axe-core is a script, so "without
// JavaScript" here means the console's own scripts are blocked (its JS and WebAssembly never
// load): the page, its forms and its `?confirm=` dialogs are the server's alone, as with
// JavaScript off. A serious or critical violation fails, named with its nodes.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const VIEWPORTS = [
  ["1280", { width: 1280, height: 800 }],
  ["390", { width: 390, height: 844 }],
] as const;

async function expectAccessible(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const described = bad.map(
    (v) =>
      `${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`)
        .join("\n"),
  );
  expect(described, `${what}: axe-core found`).toEqual([]);
  // The check ran on the page, not on an empty document.
  expect(result.passes.length, `${what}: rules that passed`).toBeGreaterThan(10);
}

// Both languages: Chinese text wraps and sizes differently, and its words name the controls.
const LANGS = [
  {
    lang: "en",
    locale: "en-US",
    counters: /Counters as of/,
    dialogs: [
      ["Terminate", "Terminate this task"],
      ["Override", "Override this task"],
      ["Recall", "Recall this task"],
    ],
    cancel: ["Cancel Push", "Cancel the scheduled push"],
  },
  {
    lang: "zh",
    locale: "zh-CN",
    counters: /数据截至/,
    dialogs: [
      ["终止", "终止此任务"],
      ["覆盖", "覆盖此任务"],
      ["撤回", "撤回此任务"],
    ],
    cancel: ["取消推送", "取消定时推送"],
  },
] as const;

const MODES = ["hydrated", "server-rendered"] as const;
type Mode = (typeof MODES)[number];

/** In `server-rendered` mode the console's scripts never load. */
async function useMode(page: Page, mode: Mode) {
  if (mode === "server-rendered") {
    await page.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
  }
}

/** Waits for the hydrated page, or for the rendered one. */
async function settled(page: Page, mode: Mode) {
  await page.waitForLoadState("load");
  if (mode === "hydrated") {
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  } else {
    await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  }
}

/** Opens a dialog: in place when hydrated, or the server-rendered `?confirm=` page without JS. */
async function openDialog(page: Page, scope: ReturnType<Page["locator"]>, button: string, name: string) {
  await scope.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog", { name });
  await expect(dialog).toBeVisible();
  return dialog;
}

for (const L of LANGS) test.describe(`in ${L.lang}`, () => {
  test.use({ locale: L.locale });
  for (const [label, viewport] of VIEWPORTS) for (const mode of MODES) {
  test(`every page and dialog meets WCAG 2.1 AA at ${label} px, ${mode}, ${L.lang}`, async ({ page, request }) => {
    test.setTimeout(120_000);
    await useMode(page, mode);
    await page.setViewportSize(viewport);
    const all = await createTask(request, { audience: "all", title: "Spring sale: 30% off everything" });
    const scheduled = await createTask(request, { audience: "tag", sendInSecs: 3600 });
    // The Task List, once both tasks are in it.
    await findInTaskList(page, "demo-android", scheduled);
    await findInTaskList(page, "demo-android", all);
    await page.goto("/tasks?app=demo-android");
    await settled(page, mode);
    await expectAccessible(page, "the Task List");
    // The push details, with TPNS's counters read (the override dialog counts devices by them).
    await expect(async () => {
      await page.goto(`/tasks/${all}?app=demo-android`);
      await expect(page.getByText(L.counters)).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await settled(page, mode);
    await expectAccessible(page, "the push details");
    for (const [button, name] of L.dialogs) {
      await page.goto(`/tasks/${all}?app=demo-android`);
      await settled(page, mode);
      await openDialog(page, page.locator("main"), button, name);
      await expectAccessible(page, `the ${button} dialog`);
    }
    await page.goto(`/tasks/${scheduled}?app=demo-android`);
    await settled(page, mode);
    await openDialog(page, page.locator("main"), L.cancel[0], L.cancel[1]);
    await expectAccessible(page, "the Cancel Push dialog");
    await page.goto("/audit");
    await settled(page, mode);
    await expectAccessible(page, "the audit log");
    await page.goto("/account");
    await settled(page, mode);
    await expectAccessible(page, "the Account page");
    await page.goto("/api");
    await settled(page, mode);
    await expectAccessible(page, "the API reference");
  });
}
});

test.describe("as an admin", () => {
  test.use({ storageState: ".auth/admin.json" });
  for (const L of LANGS) {
    test.describe(`in ${L.lang}`, () => {
      test.use({ locale: L.locale });
      for (const [label, viewport] of VIEWPORTS) for (const mode of MODES) {
        test(`the Admin page meets WCAG 2.1 AA at ${label} px, ${mode}, ${L.lang}`, async ({ page }) => {
          await useMode(page, mode);
          await page.setViewportSize(viewport);
          await page.goto("/admin");
          await settled(page, mode);
          await expectAccessible(page, "the Admin page");
        });
      }
    });
  }
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  for (const L of LANGS) {
    test.describe(`in ${L.lang}`, () => {
      test.use({ locale: L.locale });
      for (const [label, viewport] of VIEWPORTS) {
        test(`the sign-in page meets WCAG 2.1 AA at ${label} px, ${L.lang}`, async ({ page }) => {
          await page.setViewportSize(viewport);
          // The sign-in page has no islands: nothing hydrates.
          await page.goto("/login");
          await page.waitForLoadState("load");
          await expectAccessible(page, "the sign-in page");
        });
      }
    });
  }
});
