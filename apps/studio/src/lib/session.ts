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
  /** Every beat of the band. */
  readonly bandBeats: number[];
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
  for (const u of d.conductor) {
    const t = u.frame / sr;
    if (u.beat < 0) continue;
    const prev = sections.at(-1);
    if (!prev || prev.label !== u.section) {
      if (prev) sections[sections.length - 1] = { ...prev, end: t };
      sections.push({ start: t, end: duration, label: u.section });
    }
  }
  const { bars, bandBeats } = grid(d, duration);
  const chords: Span[] = [];
  const beats: number[] = [];
  for (const e of d.events) {
    if (e.kind === "beat") beats.push(e.frame / sr);
    else if (e.kind === "chord") {
      // A change is dated back to where it began, so a later report can date a change at or
      // before the last one (the tracker named A7, then A, at the same frame): it replaces it.
      const t = e.frame / sr;
      while ((chords.at(-1)?.start ?? -Infinity) >= t) chords.pop();
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
  return { duration, sections, bars, bandBeats, chords: chords.filter((c) => c.label !== ""), beats, agents };
}

/**
 * The band's beats and bar lines in seconds: the conductor's updates are points (frame, beat) of
 * its tempo map, and between two of them the beats fall on a straight line.
 */
export function grid(
  d: SessionData,
  duration: number,
): { bars: { t: number; bar: number }[]; bandBeats: number[] } {
  const sr = d.info.sampleRate;
  const bpb = d.song.timeSignature.beats;
  const points = d.conductor.map((u) => ({ t: u.frame / sr, beat: u.beat })).sort((a, b) => a.t - b.t);
  const bars: { t: number; bar: number }[] = [];
  const bandBeats: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1];
    // The last segment carries on at the last tempo to the end of the session.
    const bpm = d.conductor[Math.min(i, d.conductor.length - 1)]!.bpm;
    const endT = b ? b.t : duration;
    const endBeat = b ? b.beat : a.beat + ((duration - a.t) * bpm) / 60;
    if (endBeat <= a.beat || endT <= a.t) continue;
    for (let k = Math.max(0, Math.ceil(a.beat - 1e-9)); k < endBeat - 1e-9; k++) {
      const t = a.t + ((k - a.beat) / (endBeat - a.beat)) * (endT - a.t);
      if (bandBeats.length > 0 && t <= bandBeats[bandBeats.length - 1]! + 1e-6) continue;
      bandBeats.push(t);
      if (k % bpb === 0) bars.push({ t, bar: k / bpb + 1 });
    }
  }
  return { bars, bandBeats };
}
