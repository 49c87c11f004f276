import type { FullConfig } from "@playwright/test";

// `webServer` waits for /readyz already; this also covers PUSHDECK_BASE_URL runs against a
// server started elsewhere, so the first test never races the server's start.
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL as string;
  const deadline = Date.now() + 120_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseURL}/readyz`);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the console at ${baseURL} did not become ready: ${last}`);
}
