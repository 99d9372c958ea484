/**
 * Compare what the band played in two runs: decisions matched by agent and musical slot,
 * counted per agent, with the first divergence; and how beat tracking moved.
 */
import type { BeatEvent, Decision } from "@performia/protocol";
import { formatBarBeat, sameDecision } from "@performia/protocol";
import { Note } from "tonal";

export type ChangeKind = "changed" | "added" | "removed";

export interface Divergence {
  readonly kind: ChangeKind;
  readonly agent: string;
  readonly expected: Decision | null;
  readonly actual: Decision | null;
}

export interface AgentCounts {
  same: number;
  changed: number;
  added: number;
  removed: number;
}

export interface DecisionDiff {
  readonly identical: boolean;
  readonly expectedCount: number;
  readonly actualCount: number;
  readonly perAgent: Record<string, AgentCounts>;
  /** Every divergence, earliest first. */
  readonly divergences: readonly Divergence[];
}

const slotKey = (d: Decision): string => `${d.agent}\u0000${d.start}`;

function group(list: readonly Decision[]): Map<string, Decision[]> {
  const m = new Map<string, Decision[]>();
  for (const d of list) {
    const k = slotKey(d);
    const g = m.get(k);
    if (g) g.push(d);
    else m.set(k, [d]);
  }
  for (const g of m.values()) g.sort((a, b) => a.pitch - b.pitch || a.velocity - b.velocity);
  return m;
}

/** Pure. Decisions in the same slot (agent, start beat) are paired in pitch order. */
export function diffDecisions(expected: readonly Decision[], actual: readonly Decision[]): DecisionDiff {
  const e = group(expected);
  const a = group(actual);
  const perAgent: Record<string, AgentCounts> = {};
  const counts = (agent: string): AgentCounts =>
    (perAgent[agent] ??= { same: 0, changed: 0, added: 0, removed: 0 });
  const divergences: Divergence[] = [];
  for (const [key, eg] of e) {
    const ag = a.get(key) ?? [];
    const agent = eg[0]!.agent;
    const c = counts(agent);
    for (let i = 0; i < Math.max(eg.length, ag.length); i++) {
      const x = eg[i] ?? null;
      const y = ag[i] ?? null;
      if (x && y) {
        if (sameDecision(x, y)) c.same++;
        else {
          c.changed++;
          divergences.push({ kind: "changed", agent, expected: x, actual: y });
        }
      } else if (x) {
        c.removed++;
        divergences.push({ kind: "removed", agent, expected: x, actual: null });
      } else if (y) {
        c.added++;
        divergences.push({ kind: "added", agent, expected: null, actual: y });
      }
    }
  }
  for (const [key, ag] of a) {
    if (e.has(key)) continue;
    const agent = ag[0]!.agent;
    for (const y of ag) {
      counts(agent).added++;
      divergences.push({ kind: "added", agent, expected: null, actual: y });
    }
  }
  const at = (d: Divergence): number => (d.expected ?? d.actual)!.startFrame;
  const beat = (d: Divergence): number => (d.expected ?? d.actual)!.start;
  divergences.sort((x, y) => at(x) - at(y) || beat(x) - beat(y) || x.agent.localeCompare(y.agent));
  return {
    identical: divergences.length === 0,
    expectedCount: expected.length,
    actualCount: actual.length,
    perAgent,
    divergences,
  };
}

export interface BeatFigures {
  readonly recorded: number;
  readonly replayed: number;
  /** Replayed beats within ±70 ms of a recorded beat, as an F-measure. */
  readonly fMeasure: number;
  readonly meanShiftMs: number;
  readonly recordedMedianBpm: number;
  readonly replayedMedianBpm: number;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Pure. How the beat tracker's output moved between two runs. */
export function compareBeats(
  recorded: readonly BeatEvent[],
  replayed: readonly BeatEvent[],
  sampleRate: number,
): BeatFigures {
  const tol = 0.07 * sampleRate;
  const used = new Uint8Array(recorded.length);
  let hits = 0;
  let shift = 0;
  let j = 0;
  for (const b of replayed) {
    while (j < recorded.length && recorded[j]!.frame < b.frame - tol) j++;
    let best = -1;
    for (let k = j; k < recorded.length && recorded[k]!.frame <= b.frame + tol; k++) {
      if (
        !used[k] &&
        (best < 0 || Math.abs(recorded[k]!.frame - b.frame) < Math.abs(recorded[best]!.frame - b.frame))
      )
        best = k;
    }
    if (best >= 0) {
      used[best] = 1;
      hits++;
      shift += Math.abs(recorded[best]!.frame - b.frame);
    }
  }
  const p = replayed.length ? hits / replayed.length : recorded.length ? 0 : 1;
  const r = recorded.length ? hits / recorded.length : replayed.length ? 0 : 1;
  return {
    recorded: recorded.length,
    replayed: replayed.length,
    fMeasure: p + r > 0 ? (2 * p * r) / (p + r) : 0,
    meanShiftMs: hits ? (shift / hits / sampleRate) * 1000 : 0,
    recordedMedianBpm: median(recorded.map((b) => b.bpm)),
    replayedMedianBpm: median(replayed.map((b) => b.bpm)),
  };
}

function describeNote(d: Decision, beatsPerBar: number, sampleRate: number): string {
  const name = d.instrument === "drums" ? `key ${d.pitch}` : `${Note.fromMidi(d.pitch)} (${d.pitch})`;
  return `${name} vel ${d.velocity}, ${formatBarBeat(d.start, beatsPerBar)}, ${d.duration.toFixed(3)} beats long, frames ${d.startFrame}–${d.endFrame} (${(d.startFrame / sampleRate).toFixed(3)} s), decided at frame ${d.decidedAt}`;
}

/** The report a person reads when a replay diverges. */
export function formatDiff(
  diff: DecisionDiff,
  beatsPerBar: number,
  sampleRate: number,
  maxListed = 5,
): string {
  const lines: string[] = [];
  if (diff.identical) {
    lines.push(`✓ all ${diff.expectedCount} decisions identical`);
  } else {
    lines.push(
      `✗ ${diff.divergences.length} decision${diff.divergences.length === 1 ? "" : "s"} differ (recorded ${diff.expectedCount}, replayed ${diff.actualCount})`,
    );
    const first = diff.divergences[0]!;
    const ref = (first.expected ?? first.actual)!;
    lines.push(
      `  first divergent decision: ${formatBarBeat(ref.start, beatsPerBar)} (${(ref.startFrame / sampleRate).toFixed(3)} s), agent ${first.agent}, ${first.kind}`,
    );
    lines.push(
      `    expected: ${first.expected ? describeNote(first.expected, beatsPerBar, sampleRate) : "(no note)"}`,
    );
    lines.push(
      `    actual:   ${first.actual ? describeNote(first.actual, beatsPerBar, sampleRate) : "(no note)"}`,
    );
    if (diff.divergences.length > 1) {
      lines.push(`  next divergences:`);
      for (const d of diff.divergences.slice(1, maxListed)) {
        const r = (d.expected ?? d.actual)!;
        lines.push(
          `    ${d.kind.padEnd(8)} ${d.agent.padEnd(8)} ${formatBarBeat(r.start, beatsPerBar)} (${(r.startFrame / sampleRate).toFixed(3)} s)`,
        );
      }
    }
  }
  lines.push(`  per agent      same  changed    added  removed`);
  for (const [agent, c] of Object.entries(diff.perAgent).sort()) {
    lines.push(
      `    ${agent.padEnd(10)}${String(c.same).padStart(6)}${String(c.changed).padStart(9)}${String(c.added).padStart(9)}${String(c.removed).padStart(9)}`,
    );
  }
  return lines.join("\n");
}

export function formatBeats(b: BeatFigures): string {
  return `  beat tracking: recorded ${b.recorded} beats, replayed ${b.replayed}; F ${b.fMeasure.toFixed(3)} (±70 ms), mean shift ${b.meanShiftMs.toFixed(1)} ms, median tempo ${b.recordedMedianBpm.toFixed(1)} → ${b.replayedMedianBpm.toFixed(1)} BPM`;
}
