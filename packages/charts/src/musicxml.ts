/**
 * MusicXML (partwise, uncompressed .musicxml/.xml) chord symbols as Song Maps: the <harmony>
 * elements of the first part that has any, placed in their bars by the durations of the notes
 * before them; the title, composer, key, time signature and tempo; repeats and first and second
 * endings played out in order; rehearsal marks as section names. fast-xml-parser (MIT) parses.
 */
import type { BarInput, ChordSpan, SongMapInput } from "@performia/protocol";
import { NO_CHORD } from "@performia/protocol";
import { XMLParser } from "fast-xml-parser";
import { ChartError } from "./errors.js";
import { sectionsAndForm, type BarRun } from "./form.js";
import type { Imported } from "./ireal.js";
import { normalizeChord } from "./symbols.js";

/** A parsed element in document order: { tag: children[], ":@": attributes }. */
type Node = Record<string, unknown>;

const KIND_SUFFIX: Record<string, string> = {
  major: "",
  minor: "m",
  augmented: "aug",
  diminished: "dim",
  dominant: "7",
  "major-seventh": "maj7",
  "minor-seventh": "m7",
  "diminished-seventh": "dim7",
  "augmented-seventh": "7#5",
  "half-diminished": "m7b5",
  "major-minor": "mMaj7",
  "major-sixth": "6",
  "minor-sixth": "m6",
  "dominant-ninth": "9",
  "major-ninth": "maj9",
  "minor-ninth": "m9",
  "dominant-11th": "11",
  "major-11th": "maj7",
  "minor-11th": "m11",
  "dominant-13th": "13",
  "major-13th": "maj13",
  "minor-13th": "m13",
  "suspended-second": "sus2",
  "suspended-fourth": "sus4",
  power: "5",
  Neapolitan: "",
  Italian: "7",
  French: "7",
  German: "7",
  Tristan: "7",
};

const FIFTHS_MAJOR = ["Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#"];
const FIFTHS_MINOR = ["Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#"];

/** A text or attribute value as a string ("" for anything else). */
function scalar(v: unknown): string {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : "";
}
function tagOf(node: Node): string {
  return Object.keys(node).find((k) => k !== ":@") ?? "";
}
function children(node: Node): Node[] {
  const c = node[tagOf(node)];
  return Array.isArray(c) ? (c as Node[]) : [];
}
function attr(node: Node, name: string): string | undefined {
  const a = node[":@"] as Record<string, unknown> | undefined;
  const v = a?.[`@_${name}`];
  return v === undefined ? undefined : scalar(v);
}
function child(node: Node, tag: string): Node | undefined {
  return children(node).find((c) => tagOf(c) === tag);
}
function all(node: Node, tag: string): Node[] {
  return children(node).filter((c) => tagOf(c) === tag);
}
function text(node: Node | undefined): string {
  if (!node) return "";
  return children(node)
    .map((c) => scalar(c["#text"]))
    .join("")
    .trim();
}
function path(node: Node | undefined, ...tags: string[]): Node | undefined {
  let n = node;
  for (const t of tags) n = n ? child(n, t) : undefined;
  return n;
}

interface Measure {
  number: string;
  /** Chords at positions in quarter notes from the bar start. */
  chords: { at: number; symbol: string }[];
  quarters: number;
  beats: number;
  unit: number;
  forward: boolean;
  backward: number;
  ending: number[] | null;
  rehearsal: string;
}

function stepAlter(step: string, alter: string): string {
  const a = Number(alter || 0);
  return step + (a > 0 ? "#".repeat(a) : "b".repeat(-a));
}

/**
 * A MusicXML document's chord symbols as a Song Map.
 * @example fromMusicXml(xml).song.sections[0].bars[0] // => "Cmaj7"
 */
export function fromMusicXml(xml: string, where = "MusicXML file"): Imported {
  let doc: Node[];
  try {
    doc = new XMLParser({ preserveOrder: true, ignoreAttributes: false, parseTagValue: false }).parse(
      xml,
    ) as Node[];
  } catch (e) {
    throw new ChartError(`not readable XML (${e instanceof Error ? e.message : String(e)})`, where);
  }
  const score = doc.find((n) => tagOf(n) === "score-partwise");
  if (!score) {
    const timewise = doc.some((n) => tagOf(n) === "score-timewise");
    throw new ChartError(
      timewise
        ? "a timewise score; export it as partwise MusicXML"
        : "no <score-partwise> element: not a MusicXML score (compressed .mxl must be unzipped first)",
      where,
    );
  }
  const warnings: string[] = [];
  const parts = all(score, "part");
  const part = parts.find((p) => all(p, "measure").some((m) => all(m, "harmony").length > 0));
  if (!part) throw new ChartError("no chord symbols (<harmony> elements) in any part", where);

  let divisions = 1;
  let beats = 4;
  let unit = 4;
  let tempo: number | null = null;
  let key = "C";
  const measures: Measure[] = [];
  for (const m of all(part, "measure")) {
    let pos = 0;
    let end = 0;
    const measure: Measure = {
      number: attr(m, "number") ?? String(measures.length + 1),
      chords: [],
      quarters: 0,
      beats,
      unit,
      forward: false,
      backward: 0,
      ending: null,
      rehearsal: "",
    };
    for (const el of children(m)) {
      switch (tagOf(el)) {
        case "attributes": {
          const d = Number(text(child(el, "divisions")));
          if (d > 0) divisions = d;
          const time = child(el, "time");
          if (time) {
            beats = Number(text(child(time, "beats"))) || beats;
            unit = Number(text(child(time, "beat-type"))) || unit;
            measure.beats = beats;
            measure.unit = unit;
          }
          const k = child(el, "key");
          if (k && measures.length === 0) {
            const fifths = Number(text(child(k, "fifths")));
            const minor = text(child(k, "mode")) === "minor";
            const name = (minor ? FIFTHS_MINOR : FIFTHS_MAJOR)[fifths + 7];
            if (name) key = minor ? `${name} minor` : name;
          }
          break;
        }
        case "harmony": {
          const root = child(el, "root");
          const kindNode = child(el, "kind");
          const kind = text(kindNode);
          let symbol: string = NO_CHORD;
          if (root && kind !== "none") {
            const name = stepAlter(text(child(root, "root-step")), text(child(root, "root-alter")));
            const suffix = KIND_SUFFIX[kind];
            if (suffix === undefined)
              warnings.push(`${where}, bar ${measure.number}: chord kind "${kind}" read as major`);
            const bass = child(el, "bass");
            const slash = bass
              ? `/${stepAlter(text(child(bass, "bass-step")), text(child(bass, "bass-alter")))}`
              : "";
            const n = normalizeChord(`${name}${suffix ?? ""}${slash}`);
            if (n.reduced)
              warnings.push(
                `${where}, bar ${measure.number}: "${name}${suffix ?? ""}${slash}" read as "${n.symbol}"`,
              );
            symbol = n.symbol;
          }
          const offset = Number(text(child(el, "offset"))) || 0;
          measure.chords.push({ at: Math.max(0, (pos + offset) / divisions), symbol });
          break;
        }
        case "note": {
          if (child(el, "chord") || child(el, "grace")) break;
          pos += Number(text(child(el, "duration"))) || 0;
          end = Math.max(end, pos);
          break;
        }
        case "backup":
          pos -= Number(text(child(el, "duration"))) || 0;
          break;
        case "forward":
          pos += Number(text(child(el, "duration"))) || 0;
          end = Math.max(end, pos);
          break;
        case "direction": {
          const r = path(el, "direction-type", "rehearsal");
          if (r && !measure.rehearsal) measure.rehearsal = text(r);
          const sound = child(el, "sound");
          const t = sound ? Number(attr(sound, "tempo")) : NaN;
          if (t > 0 && tempo === null) tempo = t;
          break;
        }
        case "sound": {
          const t = Number(attr(el, "tempo"));
          if (t > 0 && tempo === null) tempo = t;
          break;
        }
        case "barline": {
          const repeat = child(el, "repeat");
          const dir = repeat ? attr(repeat, "direction") : undefined;
          if (dir === "forward") measure.forward = true;
          if (dir === "backward") measure.backward = Number(attr(repeat!, "times")) || 2;
          const ending = child(el, "ending");
          const type = ending ? attr(ending, "type") : undefined;
          if (ending && type === "start") {
            measure.ending = (attr(ending, "number") ?? "1")
              .split(/[,\s]+/)
              .map(Number)
              .filter((x) => x > 0);
          }
          break;
        }
      }
    }
    measure.quarters = (measure.beats * 4) / measure.unit;
    measures.push(measure);
  }
  const title = text(path(score, "work", "work-title")) || text(child(score, "movement-title")) || "Untitled";
  const composer = all(child(score, "identification") ?? {}, "creator").find(
    (c) => attr(c, "type") === "composer",
  );
  const order = playingOrder(measures);
  // Chords per bar as spans in the bar's beats; a bar without a chord holds the last one.
  let last: string = NO_CHORD;
  const runs: BarRun[] = [];
  let runStart = -1;
  for (const i of order) {
    const m = measures[i]!;
    const beatQuarters = 4 / m.unit;
    const spans: ChordSpan[] = [];
    if (m.chords.length === 0 || m.chords[0]!.at > 1e-9) spans.push({ chord: last, beats: 0 });
    for (const c of m.chords) spans.push({ chord: c.symbol, beats: 0 });
    const starts = [
      ...(m.chords.length === 0 || m.chords[0]!.at > 1e-9 ? [0] : []),
      ...m.chords.map((c) => c.at),
    ];
    // Boundaries on a twelfth of a beat, the last span filling the bar.
    const at = starts.map((q) => Math.min(m.beats, Math.round((q / beatQuarters) * 12) / 12));
    for (let s = 0; s < spans.length; s++)
      spans[s]!.beats = (s + 1 < at.length ? at[s + 1]! : m.beats) - at[s]!;
    const kept = spans.filter((s) => s.beats > 1e-9);
    if (kept.length > 0) last = kept[kept.length - 1]!.chord;
    const equal = kept.every((s) => Math.abs(s.beats - m.beats / kept.length) < 1e-9);
    const bar: BarInput = equal ? kept.map((s) => s.chord).join(" ") : kept;
    // A rehearsal mark starts a section, except when a repeat goes back to the section's start.
    const label = m.rehearsal;
    const backToRunStart = runStart === i && runs.length > 0;
    if (runs.length === 0 || (label !== "" && !backToRunStart)) {
      runs.push({ label, bars: [] });
      runStart = i;
    }
    runs[runs.length - 1]!.bars.push(bar);
  }
  const first = measures[0]!;
  const song: SongMapInput = {
    title,
    ...(composer && text(composer) ? { composer: text(composer) } : {}),
    key,
    tempo: tempo !== null && tempo >= 20 && tempo <= 400 ? tempo : 100,
    timeSignature: {
      beats: first.beats,
      unit: first.unit === 2 || first.unit === 8 || first.unit === 16 ? first.unit : 4,
    },
    ...sectionsAndForm(runs),
  };
  if (tempo === null) warnings.push(`${where}: no tempo marking; 100 BPM assumed`);
  return { song, warnings };
}

/** The order in which bars are played: repeats taken, first and second endings chosen. */
export function playingOrder(
  measures: readonly Pick<Measure, "forward" | "backward" | "ending">[],
): number[] {
  const out: number[] = [];
  const taken = new Map<number, number>();
  let start = 0;
  let pass = 1;
  let afterRepeat = false;
  for (let i = 0; i < measures.length && out.length < 10_000;) {
    const m = measures[i]!;
    if (m.forward && start !== i) {
      start = i;
      pass = 1;
    }
    if (m.ending === null && afterRepeat) {
      afterRepeat = false;
      pass = 1;
    }
    if (m.ending !== null && !m.ending.includes(pass)) {
      i++;
      continue;
    }
    out.push(i);
    if (m.backward > 0) {
      const n = taken.get(i) ?? 0;
      if (n < m.backward - 1) {
        taken.set(i, n + 1);
        pass++;
        i = start;
        continue;
      }
      afterRepeat = true;
      pass++;
      start = i + 1;
    }
    i++;
  }
  return out;
}
