/**
 * The Live page when the audio device vanishes mid-song (the virtual device's sound server is
 * stopped, then started again): the page says the device is gone and that the band keeps its
 * place, the latency strip shows it, and both clear when the device is back; the performance
 * goes on and ends cleanly.
 */
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { virtualAudio } from "./global-setup";
import { E2E } from "./env";

test("says when the audio device is lost and when it is back, and the performance goes on", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto("/live");
  await expect(page.locator(".chart-bar").first()).toBeVisible();
  await page.keyboard.press("Space");
  await expect(page.locator(".live-state")).toHaveText("performing", { timeout: 30_000 });
  await expect(page.locator('[data-figure="device"]')).toContainText("ok");

  virtualAudio(["stop"]);
  try {
    const notice = page.locator("[data-device]");
    await expect(notice).toBeVisible({ timeout: 10_000 });
    await expect(notice).toContainText("the band keeps its place");
    await expect(page.locator('[data-figure="device"]')).toContainText(/lost|reconnecting/);
    await page.screenshot({ path: join(E2E.screenshots, "live-device-lost.png"), fullPage: true });
  } finally {
    virtualAudio(["start"]);
  }
  await expect(page.locator("[data-device]")).toHaveCount(0, { timeout: 20_000 });
  await expect(page.locator('[data-figure="device"]')).toContainText("ok");
  await expect(page.locator('[data-figure="device"]')).toContainText(/lost 1×/);
  await expect(page.locator(".live-state")).toHaveText("performing");

  await page.keyboard.press("Space");
  await expect(page.getByRole("status")).toContainText("Stopped after", { timeout: 20_000 });
});
