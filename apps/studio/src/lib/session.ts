/**
 * A session's data as the studio draws it: the engine's `sessions.data` turned into lanes on one
 * time axis (seconds of the session): sections and bars, chords heard, the performer's beats, and
 * each agent's notes. Pure functions.
 */
import type { EngineClient } from "./engine";

export type SessionData = Awaited<ReturnType<EngineClient["sessions"]["data"]["query"]>>;

export interface Span {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export interface NoteSpan {
  readonly start: number;
  readonly end: number;
  readonly midi: number;
  readonly velocity: number;
}

export interface Lanes {
  readonly duration: number;
  readonly sections: Span[];
  /** Bar lines of the band (its bar 1 beats), with the performance bar number. */
  readonly bars: { t: number; bar: number }[];
  readonly chords: Span[];
  /** Beats the engine heard in the performer. */
  readonly beats: number[];
  readonly agents: { name: string; notes: NoteSpan[] }[];
}

/** "C:maj" → "C", "A:min" → "Am". */
export function chordLabel(label: string): string {
  if (label === "N") return "";
  const [root, quality] = label.split(":");
  if (!quality || quality === "maj") return root ?? label;
  if (quality === "min") return `${root}m`;
  return `${root}${quality}`;
}

export function lanes(d: SessionData): Lanes {
  const sr = d.info.sampleRate;
  const duration = d.info.durationSeconds;
  const sections: Span[] = [];
  const bars: { t: number; bar: number }[] = [];
  let lastBar = Number.NaN;
  for (const u of d.conductor) {
    const t = u.frame / sr;
    if (u.beat < 0) continue;
    const prev = sections.at(-1);
    if (!prev || prev.label !== u.section) {
      if (prev) sections[sections.length - 1] = { ...prev, end: t };
      sections.push({ start: t, end: duration, label: u.section });
    }
    const bar = u.performanceBar ?? u.bar;
    if (u.reason === "beat" && u.beatInBar === 1 && bar !== lastBar) {
      bars.push({ t, bar });
      lastBar = bar;
    }
  }
  const chords: Span[] = [];
  const beats: number[] = [];
  for (const e of d.events) {
    if (e.kind === "beat") beats.push(e.frame / sr);
    else if (e.kind === "chord") {
      const t = e.frame / sr;
      const prev = chords.at(-1);
      if (prev) chords[chords.length - 1] = { ...prev, end: t };
      chords.push({ start: t, end: duration, label: chordLabel(e.label) });
    }
  }
  const byAgent = new Map<string, NoteSpan[]>();
  for (const n of d.decisions) {
    let list = byAgent.get(n.agent);
    if (!list) byAgent.set(n.agent, (list = []));
    list.push({ start: n.startFrame / sr, end: n.endFrame / sr, midi: n.pitch, velocity: n.velocity });
  }
  const agents = [...byAgent.entries()].map(([name, notes]) => ({ name, notes }));
  return { duration, sections, bars, chords: chords.filter((c) => c.label !== ""), beats, agents };
}
