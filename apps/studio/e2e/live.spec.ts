/**
 * The Live page, in chromium, against the real engine performing on the virtual audio device
 * while a recorded guitarist plays into its microphone: the chart advances and the beat moves
 * with the performer, an agent switched off (key 2) stops playing while the others go on, the
 * display keeps up (frames drawn, long tasks: measured with the Performance API and reported),
 * space stops it, and the session is in the list, ended cleanly. Then the session itself: played
 * back with a note that survives a reload, compared with a replay of it under the current code
 * (identical), and its latency page with figures from this performance.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import WebSocket from "ws";
import { SessionReader, type AppRouter } from "@performia/engine";
import { AUDIO_ENV, E2E } from "./env";
import { virtualAudio } from "./global-setup";

const PERFORMANCE = join(E2E.examples, "performances/tempo-study-guitar.wav");

/** The engine's beat position in time, as its stream tells it (frames with their wall clock). */
interface EngineBeat {
  wallMs: number;
  beats: number;
  tempo: number;
}

/**
 * How far behind the engine the page's beat lamp turns: for each turn (its wall clock, taken in
 * the page), the engine's beat position at that moment from the newest frame made before it,
 * carried on at its tempo; the lag is that position past the whole beat, in ms.
 */
function lampLags(turns: number[], frames: EngineBeat[]): number[] {
  const lags: number[] = [];
  for (const w of turns) {
    let f: EngineBeat | undefined;
    for (const x of frames) if (x.wallMs <= w) f = x;
    if (!f || f.beats < 0) continue;
    const b = f.beats + ((w - f.wallMs) * f.tempo) / 60_000;
    const k = Math.round(b);
    lags.push(((b - k) * 60_000) / f.tempo);
  }
  return lags;
}

const pct = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

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
  // The device's round trip, measured with clicks through the virtual device's loopback (then
  // off again): the engine hears the performer at most this long after the sound.
  virtualAudio(["loopback", "on"]);
  let measured: string;
  try {
    const r = spawnSync(process.execPath, [E2E.engineCli, "latency"], {
      env: { ...process.env, ...AUDIO_ENV },
      encoding: "utf8",
      timeout: 60_000,
    });
    measured = `${r.stdout}${r.stderr}`;
  } finally {
    virtualAudio(["loopback", "off"]);
  }
  const roundTripMs = Number(/round trip ([\d.]+) ms/.exec(measured)?.[1]);
  expect(roundTripMs, measured).toBeGreaterThan(0);
  // The engine's output queue is the output's share of it, not the input's.
  const queueMs = Number(/output queue ([\d.]+) ms/.exec(measured)?.[1]);
  expect(queueMs, measured).toBeGreaterThan(0);
  const inputShareMs = roundTripMs - queueMs;

  await page.addInitScript(MEASURE);
  // The engine's stream, heard by the test itself (its frames carry the engine's wall clock).
  const frames: EngineBeat[] = [];
  const ws = createWSClient({
    url: E2E.engineUrl.replace(/^http/, "ws"),
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const stream = client.live.stream.subscribe(undefined, {
    onData: (f) => frames.push({ wallMs: f.wallMs, beats: f.position.beats, tempo: f.tempo }),
  });
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

    // The beat lamp against the engine: the wall clock of each turn of the lamp, taken in the page.
    await page.evaluate(() => {
      const w = window as unknown as { __turns: number[] };
      w.__turns = [];
      const beat = document.querySelector(".beat")!;
      // The lamp's attribute is set every display frame: a turn is a change of its value.
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.oldValue !== (r.target as HTMLElement).dataset.beat) w.__turns.push(Date.now());
        }
      }).observe(beat, { attributes: true, attributeFilter: ["data-beat"], attributeOldValue: true });
    });
    await page.waitForTimeout(4_000);
    const turns = await page.evaluate(() => (window as unknown as { __turns: number[] }).__turns);
    const lags = lampLags(turns, frames);
    expect(lags.length).toBeGreaterThan(5);
    console.log(
      `live page: the beat lamp turns ${pct(lags, 0.5).toFixed(1)} ms (median), ${pct(lags, 0.95).toFixed(1)} ms (p95) after the engine's beat, over ${lags.length} beats`,
    );
    expect(pct(lags, 0.95)).toBeLessThan(35); // about two display frames
    expect(pct(lags, 0.5)).toBeGreaterThan(-10); // and not ahead of it
    // Behind the sound: the lamp behind the engine, and the engine behind the sound (at most the
    // round trip less the engine's own output queue: the input's share and the path between).
    console.log(
      `live page: the beat lamp is at most ${(pct(lags, 0.5) + inputShareMs).toFixed(1)} ms behind the sound (median lag ${pct(lags, 0.5).toFixed(1)} ms + round trip ${roundTripMs.toFixed(1)} ms less the output queue's ${queueMs.toFixed(1)} ms)`,
    );
    expect(pct(lags, 0.5) + inputShareMs).toBeLessThan(50);
    expect(await bar(page)).toBeGreaterThan(first);

    // R repeats the section: when it ends, the chart goes back to its first bar.
    const sectionStarts = await page
      .locator('.chart-bar[data-section-start="1"]')
      .evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.bar)));
    expect(sectionStarts).toEqual([1, 5, 9, 13]); // A, A again, B, B again
    const pressedAt = await bar(page);
    const sectionStart = Math.max(...sectionStarts.filter((b) => b <= pressedAt));
    await page.keyboard.press("r");
    // When the section ends (this one, or the next if the band had already gone past this one's
    // end when R came), the chart goes back to that section's first bar.
    let highest = pressedAt;
    let back = 0;
    await expect
      .poll(
        async () => {
          const b = await bar(page);
          if (b < highest) back = b;
          highest = Math.max(highest, b);
          return back;
        },
        { timeout: 25_000 },
      )
      .toBeGreaterThan(0);
    expect(sectionStarts).toContain(back);
    expect(back).toBeGreaterThanOrEqual(sectionStart);
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
    expect(fps).toBeGreaterThan(45);
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
    // Distributions per stage, the engine over time, asynchrony per beat, and across sessions.
    await expect(page.locator(".plot[data-ready]")).toHaveCount(4);
    await page.screenshot({ path: join(E2E.screenshots, "latency.png"), fullPage: true });
  } finally {
    clearTimeout(entry);
    (player as ChildProcess | null)?.kill();
    stream.unsubscribe();
    void ws.close();
  }
});
