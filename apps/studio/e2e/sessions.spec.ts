/**
 * The Sessions page, in chromium, against the real engine and real session files: the list
 * with date, song, style, duration and status; search and filter; export (the same bytes),
 * import (a good file appears, a broken one is refused with a clear message), delete after a
 * confirmation (the file is gone); and what it says when the engine is not running.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { SessionReader } from "@performia/engine";
import { duration } from "../src/lib/format";
import { E2E } from "./env";

const A = "tempo-study-bossa.performia";
const KILLED = "tempo-study-killed.performia";
const B = "blues-drums-rock.performia";

const row = (page: Page, name: string) => page.locator(`tr[data-session="${name}"]`);
/** The page's own notices (Next.js keeps an empty route announcer with the alert role too). */
const alert = (page: Page) => page.locator(".notice[role=alert]");

/** A session's length as the file says, as the page should show it. */
function length(name: string): string {
  const r = SessionReader.open(join(E2E.sessionsDir, name));
  try {
    return duration(r.info().durationSeconds);
  } finally {
    r.close();
  }
}

test.describe("Sessions", () => {
  test("lists every recorded session with its date, song, style, duration and how it ended", async ({
    page,
  }) => {
    await page.goto("/sessions");
    await expect(row(page, A)).toBeVisible();
    await expect(row(page, B)).toBeVisible();
    await expect(row(page, A)).toContainText("Tempo Study");
    await expect(row(page, A)).toContainText("bossa");
    await expect(row(page, A)).toContainText(length(A));
    await expect(row(page, A)).toContainText("ended cleanly");
    await expect(row(page, B)).toContainText("Blues in A");
    await expect(row(page, B)).toContainText("rock");
    await expect(row(page, B)).toContainText(length(B));
    await expect(row(page, A).locator("td").first()).toHaveText(/\d{4}/); // a date with its year
    await page.screenshot({ path: join(E2E.screenshots, "sessions.png"), fullPage: true });
  });

  test("searches by song and filters by how the session ended", async ({ page }) => {
    await page.goto("/sessions");
    await expect(row(page, B)).toBeVisible();
    await page.getByLabel("Search sessions").fill("tempo");
    await expect(row(page, A)).toBeVisible();
    await expect(row(page, B)).toHaveCount(0);
    await page.getByLabel("Search sessions").fill("no such song");
    await expect(page.getByText("No session matches")).toBeVisible();
    await page.getByLabel("Search sessions").fill("");
    await expect(row(page, B)).toBeVisible();
    await page.getByLabel("Filter by status").selectOption("recording");
    await expect(page.getByText("No session matches")).toBeVisible();
    await page.getByLabel("Filter by status").selectOption("complete");
    await expect(row(page, A)).toBeVisible();
    await expect(row(page, B)).toBeVisible();
  });

  test("exports a session file byte for byte, and imports it back under a new name", async ({ page }) => {
    await page.goto("/sessions");
    const downloading = page.waitForEvent("download");
    await row(page, A).getByRole("link", { name: "Export" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(A);
    const saved = join(E2E.workDir, `exported-${A}`);
    await download.saveAs(saved);
    expect(readFileSync(saved).equals(readFileSync(join(E2E.sessionsDir, A)))).toBe(true);

    await page.getByLabel("Session file to import").setInputFiles(saved);
    await expect(page.getByRole("status")).toContainText(`Imported as exported-${A}`);
    await expect(row(page, `exported-${A}`)).toContainText("Tempo Study");
    expect(statSync(join(E2E.sessionsDir, `exported-${A}`)).size).toBe(statSync(saved).size);

    // The same file again: kept beside the first, not over it.
    await page.getByLabel("Session file to import").setInputFiles(saved);
    await expect(page.getByRole("status")).toContainText(
      "Imported as exported-tempo-study-bossa-2.performia",
    );
  });

  test("refuses a broken session file with a message that says what is wrong", async ({ page }) => {
    const broken = join(E2E.workDir, "broken.performia");
    writeFileSync(broken, "this is not a session file\n".repeat(100));
    await page.goto("/sessions");
    await expect(row(page, A)).toBeVisible();
    await page.getByLabel("Session file to import").setInputFiles(broken);
    await expect(alert(page)).toContainText("Could not import");
    await expect(alert(page)).toContainText("broken.performia is unreadable");
    await expect(alert(page)).not.toContainText("/tmp");
    expect(existsSync(join(E2E.sessionsDir, "broken.performia"))).toBe(false);
  });

  test("deletes a session only after a confirmation", async ({ page }) => {
    await page.goto("/sessions");
    await row(page, B)
      .getByRole("button", { name: `Delete ${B}` })
      .click();
    await expect(row(page, B).getByText("Delete for good?")).toBeVisible();
    await row(page, B).getByRole("button", { name: "Keep" }).click();
    await expect(row(page, B)).toBeVisible();
    expect(existsSync(join(E2E.sessionsDir, B))).toBe(true);

    await row(page, B)
      .getByRole("button", { name: `Delete ${B}` })
      .click();
    await row(page, B).getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page.getByRole("status")).toContainText(`Deleted ${B}`);
    await expect(row(page, B)).toHaveCount(0);
    expect(existsSync(join(E2E.sessionsDir, B))).toBe(false);
  });

  test("shows a session whose recording was killed as interrupted, and replays what was kept", async ({
    page,
  }) => {
    await page.goto("/sessions");
    await expect(row(page, KILLED)).toContainText("interrupted");
    await page.getByLabel("Filter by status").selectOption("interrupted");
    await expect(row(page, KILLED)).toBeVisible();
    await expect(row(page, A)).toHaveCount(0);
    await row(page, KILLED).getByRole("link", { name: "Tempo Study in D" }).click();
    await expect(alert(page)).toContainText("This session was interrupted");
    await expect(page.locator(".waves")).toHaveAttribute("data-ready", "1", { timeout: 60_000 });
    await page.screenshot({ path: join(E2E.screenshots, "replay-interrupted.png") });
  });

  test("says there are no sessions yet, and how to make one, on an empty folder", async ({ page }) => {
    const empty = join(E2E.workDir, "empty-sessions");
    mkdirSync(empty, { recursive: true });
    const port = E2E.enginePort + 3;
    const engine = spawn(
      process.execPath,
      [E2E.engineCli, "serve", "--sessions", empty, "--port", String(port)],
      {
        stdio: "ignore",
      },
    );
    try {
      await expect
        .poll(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status ?? 0)
        .toBe(200);
      await page.goto(`/sessions?engine=http://127.0.0.1:${port}`);
      await expect(page.getByText("No sessions yet")).toBeVisible();
      await expect(page.locator(".notice.empty")).toContainText("npm start");
      await page.screenshot({ path: join(E2E.screenshots, "sessions-empty.png") });
    } finally {
      engine.kill();
    }
  });

  test("says the engine is not running, and how to start it, when it cannot be reached", async ({ page }) => {
    await page.goto("/sessions?engine=http://127.0.0.1:9");
    await expect(alert(page)).toContainText("The engine is not running");
    await expect(alert(page)).toContainText("npm start");
    await expect(alert(page).getByRole("button", { name: "Try again" })).toBeVisible();
    await page.screenshot({ path: join(E2E.screenshots, "sessions-no-engine.png") });
  });
});
