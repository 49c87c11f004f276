import { defineConfig } from "@playwright/test";

// The console under test: a release build started by scripts/serve-for-tests.sh with its own
// SQLite file and a fast, admin-enabled sandbox. PUSHDECK_BASE_URL points the suite elsewhere.
const port = Number(process.env.PUSHDECK_E2E_PORT ?? 3400);
const baseURL = process.env.PUSHDECK_BASE_URL ?? `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./global-setup.ts",
  outputDir: "test-results",
  use: {
    baseURL,
    // Most specs act as the operator; a spec that needs another role says so.
    storageState: ".auth/operator.json",
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's chromium; Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    {
      name: "no-js",
      testMatch: ["both/**/*.spec.ts", "nojs/**/*.spec.ts"],
      use: { javaScriptEnabled: false },
    },
    {
      name: "hydrated",
      testMatch: ["both/**/*.spec.ts", "hydrated/**/*.spec.ts"],
      use: { javaScriptEnabled: true },
    },
  ],
  webServer: process.env.PUSHDECK_BASE_URL
    ? undefined
    : {
        command: "bash scripts/serve-for-tests.sh",
        url: `${baseURL}/readyz`,
        reuseExistingServer: false,
        timeout: 120_000,
        stdout: "pipe",
        stderr: "pipe",
        env: { PUSHDECK_E2E_PORT: String(port) },
      },
});
