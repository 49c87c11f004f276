import { expect, test } from "@playwright/test";
import { waitHydrated } from "../support";

// The Content-Security-Policy as Chromium enforces it: a script that made it into a page without
// this response's nonce does not run, while the console's own hydration (which carries the
// nonce) still does.
test("an inline script without the nonce is blocked, and the page still hydrates", async ({ page }) => {
  const refused: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  await page.route("**/tasks?app=demo-android", async (route) => {
    const res = await route.fetch();
    const html = (await res.text()).replace(
      "<body",
      `<script>window.__injected = true; document.title = "pwned";</script><body`,
    );
    await route.fulfill({ response: res, body: html, headers: res.headers() });
  });
  await page.goto("/tasks?app=demo-android");
  await waitHydrated(page);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  expect(await page.title()).not.toBe("pwned");
  await expect.poll(() => refused.length).toBeGreaterThan(0);
  expect(refused.join("\n")).toContain("inline script");
});

test("a script added at run time without the nonce does not run either", async ({ page }) => {
  await page.goto("/tasks?app=demo-android");
  await waitHydrated(page);
  const ran = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) =>
      document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true }),
    );
    const s = document.createElement("script");
    s.textContent = "window.__added = true";
    document.body.append(s);
    const directive = await violation;
    return { added: (window as unknown as { __added?: boolean }).__added ?? false, directive };
  });
  expect(ran.added).toBe(false);
  expect(ran.directive).toContain("script-src");
});
