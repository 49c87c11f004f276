import { expect, test } from "@playwright/test";
import { sandboxSecrets } from "../support";

test("the layout offers the Task List, the audit log and who is signed in", async ({ page }) => {
  await page.goto("/tasks");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Task List" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit log" })).toBeVisible();
  // Admin is for admins only.
  await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
  await expect(page.getByText("e2e-operator")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Task List" })).toBeVisible();
});

test("an unknown address answers 404 with a page that leads back", async ({ page }) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to the Task List" })).toHaveAttribute("href", "/tasks");
});

test("the built stylesheet contains a class that only the app's views use", async ({ request }) => {
  const res = await request.get("/pkg/pushdeck.css");
  expect(res.ok()).toBeTruthy();
  const css = await res.text();
  // `max-w-[1440px]` appears in app/src only; Tailwind must have scanned the views to emit it.
  expect(css).toContain(".max-w-\\[1440px\\]");
});

test("no SecretKey reaches the browser: not in the WebAssembly, the script or a page", async ({ request }) => {
  const bodies = [
    await (await request.get("/pkg/pushdeck.wasm")).body(),
    await (await request.get("/pkg/pushdeck.js")).body(),
    await (await request.get("/tasks?app=demo-android")).body(),
    await (await request.get("/api/session")).body(),
  ];
  for (const body of bodies) {
    expect(body.length).toBeGreaterThan(100);
    for (const secret of sandboxSecrets) expect(body.includes(secret)).toBe(false);
  }
});
