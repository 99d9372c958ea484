/**
 * Figures a coach compares between sessions, from what a session recorded. Pure functions.
 */
import type { BeatEvent, ConductorUpdate, Decision } from "@performia/protocol";

export interface Asynchrony {
  /** Performer beats the band answered (a band note on a beat within ±120 ms). */
  beats: number;
  /** Band minus performer, ms: median, 95th percentile of |value|, and every value with its time. */
  medianMs: number | null;
  p95AbsMs: number | null;
  perBeat: { t: number; ms: number }[];
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * For each beat the performer played (the tracker's beats), the nearest note the band put on a
 * whole beat (bass and drums mark the beat), and the difference.
 */
export function beatAsynchrony(
  performerBeats: readonly BeatEvent[],
  decisions: readonly Decision[],
  sampleRate: number,
): Asynchrony {
  const onBeats = decisions
    .filter(
      (d) => (d.agent === "drums" || d.agent === "bass") && Math.abs(d.start - Math.round(d.start)) < 0.02,
    )
    .map((d) => d.startFrame)
    .sort((a, b) => a - b);
  const tol = 0.12 * sampleRate;
  const perBeat: { t: number; ms: number }[] = [];
  let j = 0;
  for (const b of performerBeats) {
    while (j < onBeats.length && onBeats[j]! < b.frame - tol) j++;
    let best: number | null = null;
    for (let k = j; k < onBeats.length && onBeats[k]! <= b.frame + tol; k++) {
      if (best === null || Math.abs(onBeats[k]! - b.frame) < Math.abs(best - b.frame)) best = onBeats[k]!;
    }
    if (best !== null) perBeat.push({ t: b.frame / sampleRate, ms: ((best - b.frame) / sampleRate) * 1000 });
  }
  const values = perBeat.map((p) => p.ms).sort((a, b) => a - b);
  const abs = perBeat.map((p) => Math.abs(p.ms)).sort((a, b) => a - b);
  return {
    beats: perBeat.length,
    medianMs: values.length ? quantile(values, 0.5) : null,
    p95AbsMs: abs.length ? quantile(abs, 0.95) : null,
    perBeat,
  };
}

/** The band's tempo over time, from the conductor's updates: [seconds, BPM] points. */
export function tempoCurve(
  updates: readonly ConductorUpdate[],
  sampleRate: number,
): { t: number; bpm: number }[] {
  return updates.map((u) => ({ t: u.frame / sampleRate, bpm: u.bpm }));
}

/** Notes per agent. */
export function notesPerAgent(decisions: readonly Decision[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of decisions) out[d.agent] = (out[d.agent] ?? 0) + 1;
  return out;
}
