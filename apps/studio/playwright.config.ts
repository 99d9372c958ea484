/**
 * The studio in a real browser (Debian's chromium) against the real engine: `performia serve`
 * on a sessions folder the tests fill with real recordings, and the built studio (`next start`).
 */
import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";
import { AUDIO_ENV, E2E } from "./e2e/env";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  throw new Error(
    `the studio's browser tests need Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium), or set CHROMIUM_PATH to another build`,
  );
}

export default defineConfig({
  testDir: "e2e",
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results/artifacts",
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: E2E.studioUrl,
    acceptDownloads: true,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--disable-component-update",
        "--no-first-run",
        "--autoplay-policy=no-user-gesture-required",
      ],
    },
  },
  webServer: [
    {
      command: `node "${E2E.engineCli}" serve --sessions "${E2E.sessionsDir}" --port ${E2E.enginePort}`,
      url: `${E2E.engineUrl}/health`,
      env: { ...AUDIO_ENV },
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${E2E.studioPort}`,
      url: E2E.studioUrl,
      env: { PERFORMIA_ENGINE_URL: E2E.engineUrl, NEXT_TELEMETRY_DISABLED: "1" },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
