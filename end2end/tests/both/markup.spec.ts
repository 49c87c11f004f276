import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { findInTaskList, sandboxURL, sandboxSecrets, waitHydrated } from "../support";

// Text from TPNS is data, never markup. Tasks are created through TPNS's push API (the sandbox's
// `/v3/push/app`, with the demo app's published sandbox-only key), as any backend holding an
// app's credentials can, with hostile titles, contents, tags and accounts; an operator then
// overrides one with a hostile title of their own, which reaches the audit log and its CSV.

const TITLE = `</title><script>alert(3)</script> "q" 'q'`;
const CONTENT = `<img src=x onerror=alert(1)> </textarea><script>alert(2)</script> javascript:alert(5)`;
const TAGS = [`"><svg onload=alert(4)>`, `' onmouseover='alert(6)`];
const ACCOUNTS = [`<iframe src="javascript:alert(7)">`, `javascript:alert(8)`];
const OVERRIDE_TITLE = `"><img src=y onerror=alert(9)> javascript:alert(10) '`;

const basic = "Basic " + Buffer.from(`1500000101:${sandboxSecrets[0]}`).toString("base64");

function tpnsTime(msFromNow: number): string {
  // TPNS reads `send_time` in UTC+8.
  return new Date(Date.now() + msFromNow + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

async function pushHostile(request: APIRequestContext, body: Record<string, unknown>): Promise<string> {
  const res = await request.post(`${sandboxURL}/v3/push/app`, {
    headers: { Authorization: basic, "Content-Type": "application/json" },
    data: { message_type: "notify", message: { title: TITLE, content: CONTENT }, ...body },
  });
  const answer = await res.json();
  expect(answer.ret_code, JSON.stringify(answer)).toBe(0);
  return String(answer.push_id);
}

/** Fails on anything the hostile text could have become: an element, a handler, a script URL. */
async function expectNoInjection(page: Page, where: string) {
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll("*"))) {
      const tag = el.tagName.toLowerCase();
      if (["img", "svg", "iframe", "object", "embed", "base"].includes(tag)) bad.push(`<${tag}>`);
      if (tag === "script" && !(el as HTMLScriptElement).nonce) bad.push("a script without the nonce");
      for (const a of Array.from(el.attributes)) {
        if (a.name.startsWith("on")) bad.push(`${tag}[${a.name}]`);
        if (["href", "src", "action"].includes(a.name) && /^\s*javascript:/i.test(a.value)) bad.push(`${tag}[${a.name}=javascript:]`);
      }
    }
    return bad;
  });
  expect(found, where).toEqual([]);
}

test("hostile titles, contents, tags and accounts are shown as written and never run", async ({ page, request, javaScriptEnabled }) => {
  test.setTimeout(120_000);
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const tagRules = [{ tag_items: [{ tags: TAGS, is_not: false, tags_operator: "OR", items_operator: "OR", tag_type: "xg_user_define" }], is_not: false }];
  const tagged = await pushHostile(request, { audience_type: "tag", tag_rules: tagRules });
  const listed = await pushHostile(request, { audience_type: "account_list", account_list: ACCOUNTS });
  const scheduled = await pushHostile(request, { audience_type: "tag", tag_rules: tagRules, send_time: tpnsTime(6 * 3600_000) });

  // The Task List.
  const row = await findInTaskList(page, "demo-android", tagged);
  if (javaScriptEnabled) await waitHydrated(page);
  await expect(row.getByRole("link", { name: TITLE, exact: true })).toBeVisible();
  await expectNoInjection(page, "Task List");
  await findInTaskList(page, "demo-android", listed);
  await findInTaskList(page, "demo-android", scheduled);
  await page.goto(`/tasks?app=demo-android&q=${encodeURIComponent("</title><script>")}`);
  await expect(page.locator(`tr[data-push-id="${tagged}"]`)).toBeVisible();
  await expectNoInjection(page, "Task List searched for markup");

  // Push details, with every action dialog.
  const details = `/tasks/${tagged}?app=demo-android`;
  await page.goto(details);
  if (javaScriptEnabled) await waitHydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: TITLE, exact: true })).toBeVisible();
  await expect(page.getByText(CONTENT, { exact: true }).first()).toBeVisible();
  for (const tag of TAGS) await expect(page.locator("main")).toContainText(tag);
  expect(await page.title()).toBe(`${TITLE} · ${tagged} · Pushdeck`);
  await expectNoInjection(page, "push details");
  for (const action of ["Terminate", "Recall", "Override"]) {
    if (javaScriptEnabled) {
      await page.getByRole("button", { name: action, exact: true }).click();
    } else {
      await page.goto(`${details}&confirm=${action.toLowerCase()}`);
    }
    const dialog = page.getByRole("dialog", { name: `${action} this task` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(TITLE);
    if (action === "Override") {
      await expect(dialog.getByLabel("New title")).toHaveValue(TITLE);
      await expect(dialog.getByLabel("New content")).toHaveValue(CONTENT);
      await expect(dialog.getByLabel("Preview")).toContainText(CONTENT);
    }
    await expectNoInjection(page, `the ${action} dialog`);
    if (javaScriptEnabled && action !== "Override") {
      await dialog.getByRole("link", { name: "Back" }).click();
      await expect(dialog).toBeHidden();
    }
  }

  // An override with a hostile title of the operator's own.
  const dialog = page.getByRole("dialog", { name: "Override this task" });
  await dialog.getByLabel("New title").fill(OVERRIDE_TITLE);
  // The preview follows the typing once hydrated; without JavaScript it shows the original.
  if (javaScriptEnabled) await expect(dialog.getByLabel("Preview")).toContainText(OVERRIDE_TITLE);
  await dialog.getByRole("radio", { name: /Continue delivery/ }).check();
  await dialog.getByRole("button", { name: "Send override" }).click();
  const link = page.getByText("Overridden by task").getByRole("link");
  await expect(link).toBeVisible();
  await expectNoInjection(page, "push details after the override");
  const newId = (await link.textContent())!.trim();
  await page.goto(`/tasks/${newId}?app=demo-android`);
  await expect(page.getByRole("heading", { level: 1, name: OVERRIDE_TITLE, exact: true })).toBeVisible();
  await expectNoInjection(page, "the override's new task");

  // The account list, and Cancel Push on the scheduled one.
  await page.goto(`/tasks/${listed}?app=demo-android`);
  await expect(page.getByRole("heading", { level: 1, name: TITLE, exact: true })).toBeVisible();
  await expectNoInjection(page, "account-list task");
  if (javaScriptEnabled) {
    await page.goto(`/tasks/${scheduled}?app=demo-android`);
    await waitHydrated(page);
    await page.getByRole("button", { name: "Cancel Push", exact: true }).click();
  } else {
    await page.goto(`/tasks/${scheduled}?app=demo-android&confirm=cancel`);
  }
  const cancel = page.getByRole("dialog", { name: "Cancel the scheduled push" });
  await expect(cancel).toContainText(TITLE);
  await expectNoInjection(page, "the Cancel Push dialog");

  // The audit log and its CSV: the override's title as sent (JSON-quoted in the request).
  const sent = JSON.stringify(OVERRIDE_TITLE);
  await page.goto(`/audit?push_id=${tagged}`);
  await expect(page.locator("tbody tr").first()).toContainText(sent);
  await expectNoInjection(page, "audit log");
  const csv = await page.request.get(`/audit.csv?push_id=${tagged}`);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(parseCsv(await csv.text()).flat().some((cell) => cell.includes(sent))).toBe(true);

  expect(dialogs, "no alert() ran").toEqual([]);
});

test("every page carries the Content-Security-Policy with a fresh nonce on its scripts", async ({ page }) => {
  const nonces = new Set<string>();
  for (const path of ["/tasks?app=demo-android", "/audit", "/login", "/no/such/page", "/tasks/123?app=demo-android"]) {
    const res = await page.goto(path);
    const csp = res!.headers()["content-security-policy"] ?? "";
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self' 'nonce-"]) {
      expect(csp, path).toContain(d);
    }
    expect(res!.headers()["x-content-type-options"]).toBe("nosniff");
    expect(res!.headers()["referrer-policy"]).toBe("same-origin");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(nonces.has(nonce), "a nonce is never reused").toBe(false);
    nonces.add(nonce);
    const html = await res!.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    for (const s of scripts) expect(s, path).toContain(`nonce="${nonce}"`);
  }
});

/** RFC 4180 cells. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  return rows;
}
