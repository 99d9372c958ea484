/**
 * The Replay page, in chromium, on a real session: the performer's and the band's waveforms,
 * lanes for sections, chords, beats and the agents' notes, playback that moves the playhead,
 * zoom; and a coach's note: select a passage, write, save, reload and see it, edit, delete.
 */
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { listAnnotations, SessionReader } from "@performia/engine";
import { E2E } from "./env";

const NAME = "tempo-study-bossa.performia";

/** The notes as the session file holds them. */
function annotationsInFile() {
  return listAnnotations(join(E2E.sessionsDir, NAME));
}

/** Seconds shown on the clock ("0:03.2 / 0:09.5" → 3.2). */
async function shownTime(page: Page): Promise<number> {
  const m = /^(\d+):(\d+\.\d)/.exec((await page.locator('[data-figure="time"]').textContent()) ?? "");
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

test("replays a session: waveforms, lanes, playback, zoom, and a coach's note that survives a reload", async ({
  page,
}) => {
  await page.goto("/sessions");
  await page.locator(`tr[data-session="${NAME}"]`).getByRole("link", { name: "Tempo Study in D" }).click();
  await expect(page).toHaveURL(new RegExp(`/replay/${NAME}`));
  await expect(page.getByRole("heading", { name: "Tempo Study in D" })).toBeVisible();
  await expect(page.locator(".waves")).toHaveAttribute("data-ready", "1", { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Play" })).toBeEnabled();

  // The lanes are drawn: the canvas has colour in the agents' rows (not a blank picture).
  const painted = await page.locator("canvas.lanes").evaluate((c: HTMLCanvasElement) => {
    const g = c.getContext("2d")!;
    const d = g.getImageData(90, 66, c.width - 90, c.height - 66).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 300) n++;
    return n;
  });
  expect(painted).toBeGreaterThan(200);

  // Playback moves the playhead; pause stops it.
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => shownTime(page), { timeout: 10_000 }).toBeGreaterThan(1);
  await page.getByRole("button", { name: "Pause" }).click();
  const paused = await shownTime(page);
  await page.waitForTimeout(600);
  expect(await shownTime(page)).toBeCloseTo(paused, 1);

  // Scrubbing: dragging across the lanes moves the playhead with the pointer.
  const lanesBox = (await page.locator("canvas.lanes").boundingBox())!;
  const at = (f: number) => lanesBox.x + 84 + (lanesBox.width - 84) * f;
  await page.mouse.move(at(0.2), lanesBox.y + 40);
  await page.mouse.down();
  await page.mouse.move(at(0.8), lanesBox.y + 40, { steps: 6 });
  await page.mouse.up();
  const r = SessionReader.open(join(E2E.sessionsDir, NAME));
  const duration = r.info().durationSeconds;
  r.close();
  await expect.poll(() => shownTime(page)).toBeGreaterThan(duration * 0.7);

  // Zoom in: the waveform grows wider than the window and scrolls.
  await page.getByLabel("Zoom").selectOption("200");
  const widths = await page.locator(".waves").evaluate((el) => {
    const host = el.firstElementChild as HTMLElement;
    const wrapper = host.shadowRoot?.querySelector(".wrapper") as HTMLElement | null;
    return { inner: wrapper?.scrollWidth ?? 0, outer: el.clientWidth };
  });
  expect(widths.inner).toBeGreaterThan(widths.outer * 1.5);
  await page.getByLabel("Zoom").selectOption("0");
  await page.screenshot({ path: join(E2E.screenshots, "replay.png"), fullPage: true });

  // A note on a passage: drag across the waveform, write, save.
  const box = (await page.locator(".waves").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + 30);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, box.y + 30, { steps: 8 });
  await page.mouse.up();
  const form = page.getByRole("form", { name: "New note" });
  await expect(form).toBeVisible();
  await form.getByLabel("Note").fill("Rushing into bar 3: listen to the bass");
  await form.getByLabel("Author").fill("Coach Ana");
  await form.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByRole("status")).toHaveText("Note saved.");
  const saved = annotationsInFile();
  expect(saved).toHaveLength(1);
  expect(saved[0]!.text).toBe("Rushing into bar 3: listen to the bass");
  expect(saved[0]!.author).toBe("Coach Ana");
  expect(saved[0]!.endSeconds - saved[0]!.startSeconds).toBeGreaterThan(0.5);

  // It survives a reload, on the list and on the timeline.
  await page.reload();
  await expect(page.locator(".waves")).toHaveAttribute("data-ready", "1", { timeout: 30_000 });
  const item = page.locator("ul.annotations li");
  await expect(item).toHaveCount(1);
  await expect(item).toContainText("Rushing into bar 3");
  await expect(item).toContainText("Coach Ana");
  await expect(page.locator(".waves")).toContainText("Rushing into bar 3");

  // Edit it.
  await item.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: "Edit note" });
  await edit.getByLabel("Note").fill("Rushing into bar 3: the bass holds back");
  await edit.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByRole("status")).toHaveText("Note changed.");
  await expect(item).toContainText("the bass holds back");
  expect(annotationsInFile()[0]!.text).toBe("Rushing into bar 3: the bass holds back");

  // Without a mouse: N writes a note at the playhead, its passage can be typed.
  await page.locator("h1").click(); // focus on the page, not a control
  await page.keyboard.press("n");
  const keyed = page.getByRole("form", { name: "New note" });
  await keyed.getByLabel("From (seconds)").fill("1.5");
  await keyed.getByLabel("To (seconds)").fill("3");
  await keyed.getByLabel("Note").fill("Count-in: steady");
  await keyed.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByRole("status")).toHaveText("Note saved.");
  const typed = annotationsInFile().find((a) => a.text === "Count-in: steady");
  expect(typed).toMatchObject({ startSeconds: 1.5, endSeconds: 3 });
  await page
    .locator("ul.annotations li", { hasText: "Count-in: steady" })
    .getByRole("button", { name: "Delete…" })
    .click();
  await page
    .locator("ul.annotations li", { hasText: "Count-in: steady" })
    .getByRole("button", { name: "Delete", exact: true })
    .click();
  await expect(page.locator("ul.annotations li")).toHaveCount(1);

  // Delete it, after a confirmation.
  await item.getByRole("button", { name: "Delete…" }).click();
  await item.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("Note deleted.");
  await expect(page.locator("ul.annotations li")).toHaveCount(0);
  expect(annotationsInFile()).toHaveLength(0);
});
