/**
 * The Live page, in chromium, against the real engine performing on the virtual audio device
 * while a recorded guitarist plays into its microphone: the chart advances and the beat moves
 * with the performer, an agent switched off (key 2) stops playing while the others go on, the
 * display keeps up (frames drawn, long tasks: measured with the Performance API and reported),
 * space stops it, and the session is in the list, ended cleanly. Then the session itself: played
 * back with a note that survives a reload, compared with a replay of it under the current code
 * (identical), and its latency page with figures from this performance.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { SessionReader } from "@performia/engine";
import { AUDIO_ENV, E2E } from "./env";

const PERFORMANCE = join(E2E.examples, "performances/tempo-study-guitar.wav");

/** The browser's own count of frames drawn and long tasks, from page load. */
const MEASURE = `
  window.__perf = { frames: 0, longTasks: [], since: performance.now() };
  const tick = () => { window.__perf.frames++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__perf.longTasks.push({ at: e.startTime, ms: e.duration });
  }).observe({ type: "longtask", buffered: true });
`;

interface Perf {
  frames: number;
  longTasks: { at: number; ms: number }[];
  since: number;
}

async function perf(page: Page): Promise<Perf & { now: number }> {
  return page.evaluate(() => ({ ...(window as unknown as { __perf: Perf }).__perf, now: performance.now() }));
}

async function bar(page: Page): Promise<number> {
  const b = await page.locator(".chart-bar.now").getAttribute("data-bar");
  return Number(b ?? 0);
}

async function recent(page: Page, agent: string): Promise<number> {
  return Number(await page.locator(`[data-agent="${agent}"] .agent-notes`).getAttribute("data-recent"));
}

test("performs live from the Live page, then replays, annotates, compares and measures the session", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.addInitScript(MEASURE);
  await page.goto("/live");
  await expect(page.locator(".chart-bar").first()).toBeVisible();
  await expect(page.locator('[data-agent="drums"]')).toBeVisible();
  await expect(page.locator(".live-state")).toHaveText("idle");

  // Space starts the band (count-in: one bar); the guitarist comes in at bar 1.
  await page.keyboard.press("Space");
  await expect(page.locator(".live-state")).toHaveText("performing", { timeout: 30_000 });
  let player: ChildProcess | null = null;
  const entry = setTimeout(() => {
    player = spawn(E2E.virtualAudio, ["play", PERFORMANCE], {
      env: { ...process.env, ...AUDIO_ENV },
      stdio: "ignore",
    });
  }, 2_950);
  try {
    // The chart advances bar by bar, and the beat goes round the bar.
    await expect.poll(() => bar(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const seen = new Set<string>();
    const first = await bar(page);
    const t0 = Date.now();
    while (Date.now() - t0 < 3_000) {
      seen.add((await page.locator(".beat").getAttribute("data-beat")) ?? "");
      await page.waitForTimeout(40);
    }
    expect([...seen].sort()).toEqual(["1", "2", "3", "4"]);
    expect(await bar(page)).toBeGreaterThan(first);

    // R repeats the section: when it ends, the chart goes back to its first bar.
    const sectionStarts = await page
      .locator('.chart-bar[data-section-start="1"]')
      .evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.bar)));
    expect(sectionStarts).toEqual([1, 5, 9, 13]); // A, A again, B, B again
    const pressedAt = await bar(page);
    const sectionStart = Math.max(...sectionStarts.filter((b) => b <= pressedAt));
    await page.keyboard.press("r");
    await expect.poll(() => bar(page), { timeout: 15_000 }).toBeLessThan(pressedAt);
    expect(await bar(page)).toBe(sectionStart);
    // A jump to the B section: at the next bar line the chart is in B.
    await page.getByLabel("Jump to section").selectOption("B");
    await expect.poll(() => bar(page), { timeout: 10_000 }).toBe(9);
    // The arrows change the intensity (the chart's 3 → 4).
    await page.keyboard.press("ArrowUp");
    await expect(page.locator(".intensity-value")).toHaveText("4");
    // A change made elsewhere (another client of the engine's API) shows on the page too.
    const other = await fetch(`${E2E.engineUrl}/trpc/live.change`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ agents: { pad: { volume: 0.3 } } }),
    });
    expect(other.status).toBe(200);
    await expect(page.getByLabel("pad volume")).toHaveValue("0.3");
    await expect(page.locator('[data-figure="tempo"]')).toHaveText(/^\d+\.\d$/);
    const tempo = Number(await page.locator('[data-figure="tempo"]').textContent());
    expect(tempo).toBeGreaterThan(80);
    expect(tempo).toBeLessThan(125);
    await expect(page.locator('[data-figure="position"]')).toContainText(/bar \d+ · beat \d/);
    await expect(page.locator('[data-figure="block-p99"]')).toHaveText(/ms$/);
    // The stream's frames reach the page within tens of ms; the beat is carried on from when they
    // were made (up to 250 ms), so what the page shows is behind the engine by a display frame.
    const age = Number((await page.locator('[data-figure="stream-age"]').textContent())?.replace(" ms", ""));
    console.log(`live page: stream frames arrive ${age.toFixed(1)} ms after the engine made them (p95)`);
    expect(age).toBeLessThan(100);

    // Every agent plays; the drums are switched off with their key and fall silent, the bass goes on.
    await expect.poll(() => recent(page, "drums"), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => recent(page, "bass")).toBeGreaterThan(0);
    await page.screenshot({ path: join(E2E.screenshots, "live.png"), fullPage: true });
    const before = await perf(page);
    await page.keyboard.press("2");
    await expect(page.getByRole("button", { name: "drums off" })).toHaveAttribute("aria-pressed", "false");
    await expect.poll(() => recent(page, "drums"), { timeout: 6_000 }).toBe(0);
    expect(await recent(page, "bass")).toBeGreaterThan(0);

    // The display kept up while it played: frames drawn, and long tasks, from the Performance API.
    const after = await perf(page);
    const seconds = (after.now - before.now) / 1000;
    const fps = (after.frames - before.frames) / seconds;
    const long = after.longTasks.filter((t) => t.at >= before.now);
    console.log(
      `live page: ${fps.toFixed(1)} frames per second over ${seconds.toFixed(1)} s; ${long.length} long tasks${long.length ? ` (longest ${Math.max(...long.map((t) => t.ms)).toFixed(0)} ms)` : ""}`,
    );
    expect(fps).toBeGreaterThan(30);
    expect(long.filter((t) => t.ms > 50)).toEqual([]);

    // Space stops it; the session is recorded and listed as ended cleanly.
    await page.keyboard.press("Space");
    await expect(page.getByRole("status")).toContainText("Stopped after", { timeout: 20_000 });
    await expect(page.locator(".live-state")).toHaveText("idle");
    const session = /recorded in (\S+)\.$/.exec((await page.getByRole("status").textContent()) ?? "")?.[1];
    expect(session).toMatch(/\.performia$/);
    // Every change made from the page is in the session, with the frame it took effect at.
    const r = SessionReader.open(join(E2E.sessionsDir, session!));
    const changes = r.settingsChanges().map((c) => c.patch);
    r.close();
    expect(changes).toContainEqual({ form: { action: "repeat" } });
    expect(changes).toContainEqual({ form: { action: "jump", section: "B" } });
    expect(changes).toContainEqual({ intensity: 4 });
    expect(changes).toContainEqual({ agents: { drums: { enabled: false } } });
    expect(changes).toContainEqual({ agents: { pad: { volume: 0.3 } } });

    await page.getByRole("link", { name: "Sessions" }).click();
    const row = page.locator(`tr[data-session="${session}"]`);
    await expect(row).toContainText("ended cleanly");

    // Open it, play it back, and leave a note that is still there after a reload.
    await row.getByRole("link", { name: "Tempo Study in D" }).click();
    await expect(page.locator(".waves")).toHaveAttribute("data-ready", "1", { timeout: 60_000 });
    await page.getByRole("button", { name: "Play" }).click();
    await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
    await expect
      .poll(async () => (await page.locator('[data-figure="time"]').textContent())?.slice(0, 6))
      .not.toBe("0:00.0");
    await page.getByRole("button", { name: "Pause" }).click();
    const box = (await page.locator(".waves").boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + 30, { steps: 6 });
    await page.mouse.up();
    await page
      .getByRole("form", { name: "New note" })
      .getByLabel("Note")
      .fill("Live take: the band came in together");
    await page.getByRole("button", { name: "Save note" }).click();
    await expect(page.getByRole("status")).toHaveText("Note saved.");
    await page.reload();
    await expect(page.locator("ul.annotations li")).toContainText("the band came in together");
    await page.screenshot({ path: join(E2E.screenshots, "replay-live-session.png"), fullPage: true });

    // Compare it with a replay of it under the current code: every decision is the same.
    await page.getByRole("link", { name: "Compare with a replay now" }).click();
    await expect(page.locator("[data-identical]")).toHaveAttribute("data-identical", "1", {
      timeout: 60_000,
    });
    await expect(page.locator("[data-identical]")).toContainText(/All \d+ decisions are identical/);
    await expect(page.locator(".plot[data-ready]")).toBeVisible();
    await page.screenshot({ path: join(E2E.screenshots, "compare-rerun.png"), fullPage: true });

    // Its latency: figures from this session.
    await page.getByRole("link", { name: "Latency", exact: true }).first().click();
    await page.goto(`/latency?session=${encodeURIComponent(session!)}`);
    const blocks = Number(await page.locator('[data-figure="blocks"]').textContent());
    expect(blocks).toBeGreaterThan(1000);
    await expect(page.locator('tr[data-stage="engineMs"]')).toContainText("ms");
    await expect(page.locator('[data-figure="underflows"]')).toHaveText(/^\d+$/);
    await expect(page.locator('[data-figure="round-trip"]')).toHaveText(/ms$/);
    await expect(page.locator(".plot[data-ready]").first()).toBeVisible();
    await expect(page.locator(`tr[data-overview="${session}"]`)).toContainText(String(blocks));
    await page.screenshot({ path: join(E2E.screenshots, "latency.png"), fullPage: true });
  } finally {
    clearTimeout(entry);
    (player as ChildProcess | null)?.kill();
  }
});
