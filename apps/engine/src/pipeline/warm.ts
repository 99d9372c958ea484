/**
 * Warming the analysis before a live performance. V8 compiles a function well only after it has
 * run a while; the first hops of a performance would pay for it in the block they land in (a
 * measured 16 ms block, the tracker's first tempo estimate, 2 s into a live run, and 2–4 ms for
 * the next few; the budget of a 128-frame block is 2.67 ms). So the same code runs first on a
 * few seconds of a made-up performance: a plucked tone changing every half second and a click
 * on every beat at 120 BPM, with a little noise, all deterministic. Results are discarded: the
 * performance's own tracker starts fresh.
 */
import { analysisConfig, CausalTracker, createHopFeatures, extractFeaturesInto } from "@performia/dsp";
import { frames } from "@performia/protocol";

/** `seconds` of the made-up performance at `sampleRate` (mono float32). */
export function warmSignal(sampleRate: number, seconds: number): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  const beat = Math.round(sampleRate / 2); // 120 BPM
  const notes = [220, 277.18, 329.63, 440, 392, 293.66];
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    const inBeat = i % beat;
    const hz = notes[Math.floor(i / beat) % notes.length]!;
    const tone = 0.3 * Math.exp(-inBeat / (0.4 * sampleRate)) * Math.sin((2 * Math.PI * hz * i) / sampleRate);
    const click = inBeat < 64 ? 0.6 * (1 - inBeat / 64) : 0;
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = tone + click + 0.002 * (seed / 0x80000000 - 1);
  }
  return out;
}

/** What the tracker heard while warming: the paths it ran through. */
export interface WarmedTracker {
  readonly hops: number;
  /** Hops with a pitch (the pitch path ran). */
  readonly voiced: number;
  readonly onsets: number;
  readonly beats: number;
  /** The last tempo reported (the tempo estimate ran), BPM. */
  readonly bpm: number | null;
}

/**
 * Pipeline thread, before a live performance: run the causal tracker (and the hop features,
 * which the pool's workers run in the performance) over `seconds` of the made-up performance.
 * About 25 ms per second of it on the development machine.
 */
export function warmTracker(sampleRate: number, seconds = 8): WarmedTracker {
  const config = analysisConfig(sampleRate);
  const signal = warmSignal(sampleRate, seconds);
  const tracker = new CausalTracker(config);
  const features = createHopFeatures(config);
  let hops = 0;
  let voiced = 0;
  let onsets = 0;
  let beats = 0;
  let bpm: number | null = null;
  for (let end = config.windowSize; end <= signal.length; end += config.hopSize) {
    const window = signal.subarray(end - config.windowSize, end);
    const out = tracker.push(frames(end), extractFeaturesInto(window, config, features));
    hops++;
    if (out.frame.hz !== null) voiced++;
    for (const e of out.events) {
      if (e.kind === "onset") onsets++;
      else if (e.kind === "beat") beats++;
      else if (e.kind === "tempo") bpm = e.bpm;
    }
  }
  return { hops, voiced, onsets, beats, bpm };
}
