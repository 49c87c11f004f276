import { request, type FullConfig } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { stateFile, users, type Who } from "./tests/support";

// Waits for the console (webServer waits for /readyz too; this covers PUSHDECK_BASE_URL runs),
// then signs each test user in once and saves their cookies for the specs.
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL as string;
  const deadline = Date.now() + 120_000;
  let last = "";
  for (;;) {
    try {
      const res = await fetch(`${baseURL}/readyz`);
      if (res.ok) break;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    if (Date.now() > deadline) throw new Error(`the console at ${baseURL} did not become ready: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  mkdirSync(".auth", { recursive: true });
  for (const who of Object.keys(users) as Who[]) {
    const ctx = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
    const res = await ctx.post("/api/login", {
      form: { username: users[who].username, password: users[who].password },
      maxRedirects: 0,
    });
    if (res.status() >= 400) throw new Error(`signing in ${who} failed: ${res.status()} ${await res.text()}`);
    await ctx.storageState({ path: stateFile(who) });
    await ctx.dispose();
  }
}
