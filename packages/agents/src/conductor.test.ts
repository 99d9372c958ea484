import type { BeatEvent, ConductorUpdate, SettingsInput } from "@performia/protocol";
import { beats, frames, Settings } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import type { BeatWindow } from "./agent.js";
import { Conductor, MAX_NUDGE_FAR } from "./conductor.js";
import type { CompiledSong } from "./song.js";
import { loadExample } from "./test-songs.js";

const SR = 48000;
const BLOCK = 128;
const MS10 = SR / 100;
const song = loadExample("tempo-study"); // 96 BPM, 16 bars of 4/4
const longSong: CompiledSong = loadExample("blues-in-a"); // 110 BPM, 16 bars

function settings(over: Partial<SettingsInput> = {}): Settings {
  return Settings.parse({ sampleRate: SR, seed: 1, blockSize: BLOCK, ...over });
}

interface Run {
  conductor: Conductor;
  windows: BeatWindow[];
  /** The frame at which the band passed each integer beat. */
  bandBeat: Map<number, number>;
  updates: ConductorUpdate[];
  /** The band's instantaneous tempo at every block. */
  rates: number[];
}

/** Drive a conductor block by block, delivering each beat event once its `reportedAt` has come. */
function run(c: Conductor, events: BeatEvent[], untilFrame: number): Run {
  const queue = [...events].sort((a, b) => a.reportedAt - b.reportedAt);
  const windows: BeatWindow[] = [];
  const bandBeat = new Map<number, number>();
  const updates: ConductorUpdate[] = [];
  const rates: number[] = [];
  let passed = Math.floor(c.tempoMap.beatAtFrame(frames(0)));
  for (let now = 0; now < untilFrame; now += BLOCK) {
    while (queue.length > 0 && queue[0]!.reportedAt <= now) {
      const u = c.onBeat(queue.shift()!, frames(now));
      if (u) updates.push(u);
    }
    const w = c.nextWindow(frames(now), BLOCK);
    if (w) windows.push(w);
    const end = c.tempoMap.beatAtFrame(frames(now + BLOCK));
    while (passed + 1 <= end) {
      passed++;
      bandBeat.set(passed, c.tempoMap.frameAtBeat(beats(passed)));
    }
    rates.push(c.tempoMap.tempoAt(frames(now), SR));
  }
  return { conductor: c, windows, bandBeat, updates, rates };
}

/** Performer beats: beat k at `at(k)`, reported `latency` frames later, with the tracker's bpm. */
function performer(
  at: (k: number) => number,
  ks: number[],
  bpmAt: (k: number) => number,
  latency = 2048,
): BeatEvent[] {
  return ks.map((k) => ({
    kind: "beat",
    frame: frames(at(k)),
    reportedAt: frames(at(k) + latency),
    bpm: bpmAt(k),
  }));
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

function expectTiling(windows: BeatWindow[], total: number) {
  expect(windows[0]!.from).toBe(0);
  for (let i = 1; i < windows.length; i++) expect(windows[i]!.from).toBe(windows[i - 1]!.to);
  for (const w of windows) expect(w.to).toBeGreaterThan(w.from);
  expect(windows[windows.length - 1]!.to).toBe(total);
}

describe("Conductor in click mode", () => {
  it("tiles [0, totalBeats) with windows and maps beats to frames at the chart tempo", () => {
    const start = 2 * 30000; // two beats of count-in at 96 BPM
    const c = new Conductor({
      song,
      sampleRate: SR,
      settings: settings({ followMode: "click", startFrame: start }),
    });
    const r = run(
      c,
      performer(
        (k) => k * 20000,
        range(0, 40),
        () => 144,
      ),
      80 * 30000,
    );
    expect(r.updates).toEqual([]); // beats are ignored in click mode
    expectTiling(r.windows, song.totalBeats);
    expect(c.tempoMap.frameAtBeat(beats(0))).toBe(start);
    expect(c.tempoMap.frameAtBeat(beats(10))).toBe(start + 10 * 30000);
    expect(c.tempoMap.frameAtBeat(beats(-1))).toBe(start - 30000);
    // Nothing is asked for during the count-in, until the lookahead reaches beat 0.
    const first = r.windows[0]!;
    expect(c.tempoMap.beatAtFrame(frames(start - 30000))).toBe(-1);
    expect(first.from).toBe(0);
    expect(c.position(frames(start + 5.5 * 30000))).toMatchObject({
      beat: 5.5,
      bar: 2,
      beatInBar: 2,
      section: "A",
      bpm: 96,
    });
    expect(c.position(frames(start - 30000))).toMatchObject({ bar: 0, beatInBar: 4 });
    expect(c.finished(frames(start + 64 * 30000 - 1))).toBe(false);
    expect(c.finished(frames(start + 64 * 30000))).toBe(true);
  });

  it("takes a tempo setting over the chart tempo, and a live tempo change from now", () => {
    const c = new Conductor({
      song,
      sampleRate: SR,
      settings: settings({ followMode: "click", tempo: 120 }),
    });
    expect(c.tempoMap.frameAtBeat(beats(1))).toBe(24000);
    const u = c.applySettings(settings({ followMode: "click", tempo: 60 }), frames(48000));
    expect(u).toMatchObject({ reason: "setting", bpm: 60, beat: 2 });
    expect(c.tempoMap.frameAtBeat(beats(1))).toBe(24000); // the past stays
    expect(c.tempoMap.frameAtBeat(beats(3))).toBe(96000);
    expect(c.applySettings(settings({ followMode: "click", tempo: 60 }), frames(50000))).toBeNull();
  });
});

describe("Conductor in follow mode", () => {
  it("locks to a performer 10% faster and out of phase within about 4 beats", () => {
    const chart = 96;
    const tempo = chart * 1.1;
    const fpb = (60 * SR) / tempo;
    const offset = 0.07 * SR; // 70 ms late
    const c = new Conductor({ song, sampleRate: SR, settings: settings() });
    const r = run(
      c,
      performer(
        (k) => offset + k * fpb,
        range(0, 60),
        () => tempo,
      ),
      70 * fpb,
    );
    for (let k = 5; k < 55; k++) {
      expect(Math.abs(r.bandBeat.get(k)! - (offset + k * fpb))).toBeLessThan(MS10);
    }
    expect(c.bpm).toBeCloseTo(tempo, 1);
    expectTiling(r.windows, song.totalBeats);
    const u = r.updates[r.updates.length - 1]!;
    expect(u.reason).toBe("beat");
    expect(Math.abs(u.phaseError!)).toBeLessThan(0.01);
  });

  it("follows a step from 100 to 120 BPM within 3–4 beats without overshoot", () => {
    const sr = SR;
    const p100 = (60 * sr) / 100;
    const p120 = (60 * sr) / 120;
    const at = (k: number) => (k <= 8 ? k * p100 : 8 * p100 + (k - 8) * p120);
    const c = new Conductor({ song, sampleRate: sr, settings: settings({ tempo: 100 }) });
    const r = run(
      c,
      performer(at, range(0, 50), (k) => (k <= 8 ? 100 : 120)),
      at(50),
    );
    const bpms = r.updates.map((u) => u.bpm);
    // The tempo is taken within two beats of the change and never overshoots.
    const after = r.updates.filter((u) => u.beat > 10.5);
    for (const u of after) expect(Math.abs(u.bpm / 120 - 1)).toBeLessThan(0.01);
    expect(Math.max(...bpms)).toBeLessThan(120 * 1.01);
    // The band's rate, phase nudge included, stays within the catch-up cap after a change.
    expect(Math.max(...r.rates)).toBeLessThan(120 * (1 + MAX_NUDGE_FAR) + 0.5);
    // Beats are back in step within 4 beats of the change (and stay there).
    for (let k = 12; k < 48; k++) expect(Math.abs(r.bandBeat.get(k)! - at(k))).toBeLessThan(MS10);
  });

  it("keeps a steady tempo on steady input, also with a few ms of detection jitter", () => {
    const fpb = (60 * SR) / 96;
    const c = new Conductor({ song, sampleRate: SR, settings: settings() });
    const exact = run(
      c,
      performer(
        (k) => k * fpb,
        range(0, 60),
        () => 96,
      ),
      60 * fpb,
    );
    expect(new Set(exact.updates.map((u) => u.bpm.toFixed(6)))).toEqual(new Set(["96.000000"]));
    expect(Math.max(...exact.rates) - Math.min(...exact.rates)).toBeLessThan(0.01);

    // ±5 ms of jitter (a detector working on 512-sample hops), deterministic.
    const jit = (k: number) => ((((k * 7919) % 11) - 5) / 1000) * SR;
    const c2 = new Conductor({ song, sampleRate: SR, settings: settings() });
    const noisy = run(
      c2,
      performer(
        (k) => k * fpb + jit(k),
        range(0, 60),
        () => 96,
      ),
      60 * fpb,
    );
    for (const u of noisy.updates) expect(Math.abs(u.bpm / 96 - 1)).toBeLessThan(0.02);
    for (const rate of noisy.rates) expect(Math.abs(rate / 96 - 1)).toBeLessThan(0.03);
  });

  it("does not flip on half-time or double-time detections", () => {
    const fpb = (60 * SR) / 96;
    const half = new Conductor({ song, sampleRate: SR, settings: settings() });
    const h = run(
      half,
      performer(
        (k) => k * fpb,
        range(0, 30).map((i) => 2 * i),
        () => 48,
      ),
      60 * fpb,
    );
    for (const u of h.updates) expect(u.bpm).toBeCloseTo(96, 3);
    for (let k = 2; k < 58; k++) expect(Math.abs(h.bandBeat.get(k)! - k * fpb)).toBeLessThan(MS10);

    const dbl = new Conductor({ song, sampleRate: SR, settings: settings() });
    const d = run(
      dbl,
      performer(
        (k) => (k / 2) * fpb,
        range(0, 120),
        () => 192,
      ),
      60 * fpb,
    );
    for (const u of d.updates) expect(u.bpm).toBeCloseTo(96, 3);
    for (let k = 2; k < 58; k++) expect(Math.abs(d.bandBeat.get(k)! - k * fpb)).toBeLessThan(MS10);
  });

  it("is not derailed by a missing beat, an off-grid beat or an absurd tempo", () => {
    const fpb = (60 * SR) / 106;
    const ks = range(0, 60).filter((k) => k !== 12 && k !== 20);
    const events = [
      ...performer(
        (k) => k * fpb,
        ks,
        () => 106,
      ),
      ...performer(
        (k) => k * fpb,
        [14.5, 30.4],
        () => 106,
      ), // off the grid
      ...performer(
        (k) => k * fpb,
        [33],
        () => 390,
      ), // absurd tempo, beat on time
    ];
    const c = new Conductor({ song: longSong, sampleRate: SR, settings: settings({ tempo: 106 }) });
    const r = run(c, events, 60 * fpb);
    for (const u of r.updates) expect(Math.abs(u.bpm / 106 - 1)).toBeLessThan(0.005);
    for (let k = 1; k < 58; k++) expect(Math.abs(r.bandBeat.get(k)! - k * fpb)).toBeLessThan(MS10);
  });

  it("re-locks when the performer really moves (a sequence of off-grid beats)", () => {
    const fpb = (60 * SR) / 96;
    const at = (k: number) => (k < 10 ? k * fpb : (k + 0.4) * fpb); // jumps 0.4 beat late at beat 10
    const c = new Conductor({ song, sampleRate: SR, settings: settings() });
    const r = run(
      c,
      performer(at, range(0, 60), () => 96),
      at(60),
    );
    for (let k = 30; k < 58; k++) expect(Math.abs(r.bandBeat.get(k)! - at(k))).toBeLessThan(MS10);
  });

  it("switches to the click from follow at the set tempo", () => {
    const c = new Conductor({ song, sampleRate: SR, settings: settings() });
    const fpb = (60 * SR) / 110;
    run(
      c,
      performer(
        (k) => k * fpb,
        range(0, 8),
        () => 110,
      ),
      8 * fpb,
    );
    expect(c.bpm).toBeCloseTo(110, 2);
    const u = c.applySettings(settings({ followMode: "click" }), frames(10 * fpb));
    expect(u?.bpm).toBe(96);
    expect(
      c.onBeat(
        performer(
          (k) => k * fpb,
          [11],
          () => 110,
        )[0]!,
        frames(11 * fpb),
      ),
    ).toBeNull();
  });
});

describe("Conductor counting beats through a tempo change", () => {
  it("does not slip a beat when the tracker needs two seconds to find the new tempo", () => {
    // The performer steps from 96 to 112 BPM at beat 16. Like a real causal tracker, ours keeps
    // reporting beats at the old tempo for about two seconds, then jumps to the new tempo and
    // phase. By then the band is more than half a beat behind: the nearest beat is the wrong one.
    const sr = SR;
    const p96 = (60 * sr) / 96;
    const p112 = (60 * sr) / 112;
    const truth = (k: number) => (k <= 16 ? k * p96 : 16 * p96 + (k - 16) * p112);
    const events: BeatEvent[] = [];
    for (let k = 0; k <= 16; k++)
      events.push({ kind: "beat", frame: frames(truth(k)), reportedAt: frames(truth(k) + 512), bpm: 96 });
    for (let j = 1; j <= 3; j++) {
      const f = truth(16) + j * p96; // the tracker still believes the old tempo
      events.push({ kind: "beat", frame: frames(f), reportedAt: frames(f + 512), bpm: 96 });
    }
    for (let k = 21; k < 60; k++)
      events.push({ kind: "beat", frame: frames(truth(k)), reportedAt: frames(truth(k) + 512), bpm: 112 });
    const c = new Conductor({ song, sampleRate: sr, settings: settings({ tempo: 96 }) });
    const r = run(c, events, truth(60));
    for (let k = 34; k < 58; k++)
      expect(Math.abs(r.bandBeat.get(k)! - truth(k)), `beat ${k}`).toBeLessThan(MS10);
  });

  it("holds its tempo and phase when the detected beats are not steady", () => {
    // A legato singer at the chart tempo: the tracker's beats wander by a fifth of a beat.
    const sr = SR;
    const p = (60 * sr) / 100;
    const wobble = [0, 0.2, -0.15, 0.25, -0.2, 0.1, -0.25, 0.18];
    const events: BeatEvent[] = range(0, 40).map((k) => {
      const f = (k + wobble[k % wobble.length]!) * p;
      return { kind: "beat", frame: frames(f), reportedAt: frames(f + 512), bpm: 100 };
    });
    const c = new Conductor({ song, sampleRate: sr, settings: settings({ tempo: 100 }) });
    const r = run(c, events, 40 * p);
    for (let k = 1; k < 38; k++) expect(Math.abs(r.bandBeat.get(k)! - k * p), `beat ${k}`).toBeLessThan(MS10);
  });
});

describe("Conductor and a tracker on the wrong metrical level", () => {
  it("does not count beats at a 4:3 level the performer never played", () => {
    // The performer stays at 100 BPM; for a while the tracker reports beats every 1.5 beats,
    // at "67 BPM" (which maps to 134 at the band's level, 4:3 of the truth).
    const sr = SR;
    const p = (60 * sr) / 100;
    const events: BeatEvent[] = [];
    for (let k = 0; k <= 20; k++)
      events.push({ kind: "beat", frame: frames(k * p), reportedAt: frames(k * p + 512), bpm: 100 });
    for (let k = 21.5; k < 32; k += 1.5)
      events.push({ kind: "beat", frame: frames(k * p), reportedAt: frames(k * p + 512), bpm: 67 });
    for (let k = 33; k < 50; k++)
      events.push({ kind: "beat", frame: frames(k * p), reportedAt: frames(k * p + 512), bpm: 100 });
    const c = new Conductor({ song, sampleRate: sr, settings: settings({ tempo: 100 }) });
    const r = run(c, events, 50 * p);
    for (let k = 1; k < 48; k++) expect(Math.abs(r.bandBeat.get(k)! - k * p), `beat ${k}`).toBeLessThan(MS10);
  });
});

describe("Conductor count-in, form commands and free mode", () => {
  it("counts in the bars before bar 1, which falls at startFrame", () => {
    const start = 2 * SR;
    const c = new Conductor({
      song,
      sampleRate: SR,
      settings: settings({ countInBars: 1, startFrame: start }),
    });
    const r = run(c, [], start + SR);
    expect(r.windows[0]!.from).toBe(-4);
    expect(c.tempoMap.frameAtBeat(beats(0))).toBe(start);
    // The count-in starts a bar (4 beats at 96 BPM = 2.5 s) before bar 1.
    expect(c.tempoMap.frameAtBeat(beats(-4))).toBe(start - 2.5 * SR);
    expect(c.update(frames(start - SR), "start").bar).toBeLessThanOrEqual(0);
    expect(c.update(frames(start), "start").bar).toBe(1);
  });

  it("hands out the repeated section's beats and reports the chart bar and the performance bar", () => {
    const c = new Conductor({ song, sampleRate: SR, settings: settings({ followMode: "click" }) });
    const fpb = (60 * SR) / 96;
    run(c, [], 5 * fpb); // the band has handed out beats up to about 6 (lookahead 1)
    // Tempo Study: A ×2 (4 bars each), B ×2. In A's first pass; the repeat comes after bar 4.
    expect(c.command({ action: "repeat" })).toEqual({ at: 16 });
    expect(c.totalBeats).toBe(song.totalBeats + 16);
    const u = c.update(frames(Math.round(17 * fpb)), "beat");
    expect(u.section).toBe("A");
    expect(u.bar).toBe(1);
    expect(u.performanceBar).toBe(5);
  });

  it("in free mode takes a 20 % change at once and is in step on the next beats", () => {
    const p100 = (60 * SR) / 100;
    const p120 = (60 * SR) / 120;
    const at = (k: number) => (k <= 8 ? k * p100 : 8 * p100 + (k - 8) * p120);
    const make = (followMode: "free" | "adaptive") =>
      run(
        new Conductor({ song, sampleRate: SR, settings: settings({ tempo: 100, followMode }) }),
        performer(at, range(0, 30), (k) => (k <= 8 ? 100 : 120)),
        at(30),
      );
    const free = make("free");
    const adaptive = make("adaptive");
    const stepError = (r: Run, k: number) => Math.abs(r.bandBeat.get(k)! - at(k));
    // Free is back within 10 ms by beat 12; adaptive takes longer but is there by beat 13.
    for (let k = 12; k < 28; k++) expect(stepError(free, k)).toBeLessThan(MS10);
    for (let k = 13; k < 28; k++) expect(stepError(adaptive, k)).toBeLessThan(MS10);
    const sumFree = [9, 10, 11].reduce((a, k) => a + stepError(free, k), 0);
    const sumAdaptive = [9, 10, 11].reduce((a, k) => a + stepError(adaptive, k), 0);
    expect(sumFree).toBeLessThan(sumAdaptive);
  });

  it("in free mode follows an unsteady (rubato) performer that adaptive mode would ignore", () => {
    const fpb = (60 * SR) / 96;
    // Beats that drift: each interval 6 % longer than the last for a while (a ritardando).
    const times: number[] = [0];
    for (let k = 1; k < 14; k++) times.push(times[k - 1]! + fpb * (k < 6 ? 1 : 1.06 ** (k - 5)));
    const events = performer(
      (k) => times[k]!,
      range(0, 14),
      () => 96,
    );
    const free = run(
      new Conductor({ song, sampleRate: SR, settings: settings({ followMode: "free" }) }),
      events,
      times[13]!,
    );
    const adaptive = run(
      new Conductor({ song, sampleRate: SR, settings: settings({ followMode: "adaptive" }) }),
      events,
      times[13]!,
    );
    const last = (r: Run) => r.conductor.bpm;
    expect(last(free)).toBeLessThan(80);
    expect(last(free)).toBeLessThan(last(adaptive));
  });
});

/**
 * Drive a conductor as the pipeline does, and return the frame at which the band's note on each
 * integer beat was scheduled: the tempo map's frame for it when its window was handed out (the
 * agents decide a lookahead ahead; a later correction does not move a note already scheduled).
 */
function scheduled(c: Conductor, events: BeatEvent[], untilFrame: number): Map<number, number> {
  const queue = [...events].sort((a, b) => a.reportedAt - b.reportedAt);
  const at = new Map<number, number>();
  for (let now = 0; now < untilFrame; now += BLOCK) {
    while (queue.length > 0 && queue[0]!.reportedAt <= now) c.onBeat(queue.shift()!, frames(now));
    const w = c.nextWindow(frames(now), BLOCK);
    if (!w) continue;
    for (let b = Math.ceil(w.from); b < w.to; b++) at.set(b, c.tempoMap.frameAtBeat(beats(b)));
  }
  return at;
}

const sd = (xs: readonly number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe("Conductor on a steady performer heard with detection jitter", () => {
  const fpb = (60 * SR) / 96;
  /** Band minus performer (ms) on beats 12..56, as scheduled. */
  function asynchrony(detected: (k: number) => number): number[] {
    const c = new Conductor({ song, sampleRate: SR, settings: settings() });
    const events = range(0, 62).map((k) => ({
      kind: "beat" as const,
      frame: frames(Math.round(detected(k))),
      reportedAt: frames(Math.round(detected(k) + 0.007 * SR)),
      bpm: 96,
    }));
    const at = scheduled(c, events, 62 * fpb);
    return range(12, 56).map((k) => ((at.get(k)! - k * fpb) / SR) * 1000);
  }

  it("plays with a standard deviation under 3 ms when the beats come with ±5 ms of jitter", () => {
    // Uniform within ±5 ms, deterministic (a linear congruential sequence), no pattern to follow.
    const u = new Array<number>(62);
    let x = 12345;
    for (let k = 0; k < u.length; k++) u[k] = (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const jit = (k: number) => ((u[k]! - 0.5) * 2 * 5 * SR) / 1000;
    const ms = asynchrony((k) => k * fpb + jit(k));
    expect(sd(ms)).toBeLessThan(3);
    // A beat's own jitter is not followed: the band varies less than the detected beats do.
    const detected = range(12, 56).map((k) => (jit(k) / SR) * 1000);
    expect(sd(ms)).toBeLessThan(0.8 * sd(detected));
    expect(Math.max(...ms.map(Math.abs))).toBeLessThan(6);
  });

  it("smooths a tracker's 10 ms hops: beats falling on and between hops (alternately ±2.5 ms) move the band under 1 ms", () => {
    // 96 BPM is 62.5 hops of 10 ms: every other beat falls half a hop off the hop grid, and the
    // tracker (which places beats on hops) reports it 5 ms later than the beat before.
    const hop = 0.01 * SR;
    const ms = asynchrony((k) => Math.ceil((k * fpb) / hop) * hop - hop / 2 + 1);
    expect(sd(ms)).toBeLessThan(1);
    // On the beats' mean (which the band cannot know better than the tracker).
    const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
    expect(Math.abs(mean)).toBeLessThan(3);
  });
});

describe("Conductor in adaptive mode: a ±20 % change", () => {
  for (const [from, to] of [
    [100, 120],
    [120, 96],
  ] as const) {
    it(`follows ${from} → ${to} BPM: the tempo within 3 beats, without overshoot or oscillation, bridging a missed beat`, () => {
      const pa = (60 * SR) / from;
      const pb = (60 * SR) / to;
      const at = (k: number) => (k <= 8 ? k * pa : 8 * pa + (k - 8) * pb);
      // Beat 11 is not heard (a rest, a soft note): the band bridges it.
      const ks = range(0, 40).filter((k) => k !== 11);
      const c = new Conductor({ song: longSong, sampleRate: SR, settings: settings({ tempo: from }) });
      const r = run(
        c,
        performer(at, ks, (k) => (k <= 8 ? from : to)),
        at(40),
      );
      const after = r.updates.filter((u) => u.beat >= 8);
      // The new tempo within 3 beats of the change (the beat at 11 reports it), then steady.
      for (const u of after.filter((u) => u.beat > 11)) expect(Math.abs(u.bpm / to - 1)).toBeLessThan(0.01);
      // No overshoot beyond the new tempo, no swing back past the old.
      const bpms = after.map((u) => u.bpm);
      if (to > from) expect(Math.max(...bpms)).toBeLessThan(to * 1.01);
      else expect(Math.min(...bpms)).toBeGreaterThan(to * 0.99);
      // Within 25 ms of the performer by the fourth beat after the change, within 10 ms from the
      // fifth, and it stays there.
      expect(Math.abs(r.bandBeat.get(12)! - at(12))).toBeLessThan(2.5 * MS10);
      for (let k = 13; k < 38; k++) expect(Math.abs(r.bandBeat.get(k)! - at(k))).toBeLessThan(MS10);
    });
  }
});
