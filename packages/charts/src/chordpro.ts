/**
 * ChordPro (https://www.chordpro.org) chord charts as Song Maps: the metadata directives
 * ({title}, {artist}/{composer}, {key}, {tempo}, {time}), the section environments
 * ({start_of_verse: …} … {end_of_verse}, chorus, bridge, and {start_of_part: Intro}), {chorus}
 * to play the chorus again, {comment: Solo} as a label for the following lines, and chords in
 * brackets inside lyrics. ChordPro has no bar lines of its own: a line that has them
 * (`| C | G | Am F |`, with or without brackets) is read bar by bar, and otherwise every chord
 * starts a new bar (the usual reading of a simple song sheet).
 */
import type { BarInput, SongMapInput } from "@performia/protocol";
import { ChartError } from "./errors.js";
import { sectionsAndForm, type BarRun } from "./form.js";
import type { Imported } from "./ireal.js";
import { normalizeChord } from "./symbols.js";

const DIRECTIVE = /^\{\s*([a-z_]+)\s*(?::\s*(.*?))?\s*\}$/i;
const START = /^(?:start_of_|so)(verse|chorus|bridge|tab|grid|part|v|c|b)$/;
const END = /^(?:end_of_|eo)(verse|chorus|bridge|tab|grid|part|v|c|b)$/;
const ENV_NAMES: Record<string, string> = { v: "verse", c: "chorus", b: "bridge" };

/**
 * A ChordPro text as a Song Map.
 * @example fromChordPro("{title: Song}\n{key: G}\n[G]Hello [C]world").song.sections[0].bars // => ["G", "C"]
 */
export function fromChordPro(text: string, where = "ChordPro chart"): Imported {
  const meta: Record<string, string> = {};
  const runs: BarRun[] = [];
  const warnings: string[] = [];
  let current: BarRun | null = null;
  let label = "";
  let inEnvironment = false;
  let chorus: BarRun | null = null;
  let counts = new Map<string, number>();
  const close = (): void => {
    if (current && current.bars.length > 0) runs.push(current);
    current = null;
  };
  const open = (name: string): BarRun => {
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    current = { label: name, bars: [] };
    return current;
  };
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const at = `${where}, line ${index + 1}`;
    if (line.startsWith("#")) return;
    if (line === "") {
      if (!inEnvironment) close();
      return;
    }
    const d = DIRECTIVE.exec(line);
    if (d) {
      const name = d[1]!.toLowerCase();
      const value = (d[2] ?? "").trim();
      const start = START.exec(name);
      const end = END.exec(name);
      if (start) {
        close();
        const env = ENV_NAMES[start[1]!] ?? start[1]!;
        inEnvironment = true;
        const run = open(value || (env === "part" ? "Part" : env[0]!.toUpperCase() + env.slice(1)));
        if (env === "chorus") chorus = run;
      } else if (end) {
        close();
        inEnvironment = false;
      } else if (name === "chorus") {
        close();
        if (!chorus) warnings.push(`${at}: {chorus} before any chorus was written; ignored`);
        else runs.push({ label: chorus.label, bars: [...chorus.bars] });
      } else if (name === "comment" || name === "c" || name === "comment_italic" || name === "ci") {
        if (!inEnvironment) {
          close();
          label = value;
        }
      } else if (name === "t") meta.title = value;
      else if (name === "st" || name === "subtitle") meta.subtitle ??= value;
      else meta[name] = value;
      return;
    }
    const bars = barsOfLine(line, at, warnings);
    if (bars.length === 0) return;
    const run: BarRun = current ?? open(label || "Verse");
    label = "";
    run.bars.push(...bars);
  });
  close();
  counts = new Map();
  if (runs.length === 0) throw new ChartError("no chords found (chords are written in brackets: [C])", where);
  const tempo = Number(meta.tempo);
  if (!meta.tempo) warnings.push(`${where}: no {tempo}; 100 BPM assumed`);
  const time = /^(\d+)\s*\/\s*(\d+)$/.exec(meta.time ?? "4/4");
  const unit = Number(time?.[2] ?? 4);
  const song: SongMapInput = {
    title: meta.title || "Untitled",
    ...((meta.composer ?? meta.artist) ? { composer: meta.composer ?? meta.artist } : {}),
    key: meta.key || guessKey(runs),
    tempo: Number.isFinite(tempo) && tempo >= 20 && tempo <= 400 ? tempo : 100,
    timeSignature: {
      beats: Number(time?.[1] ?? 4),
      unit: unit === 2 || unit === 8 || unit === 16 ? unit : 4,
    },
    ...sectionsAndForm(runs),
  };
  return { song, warnings };
}

/** Bars of one line: bar lines when it has them, else a bar per chord. */
function barsOfLine(line: string, at: string, warnings: string[]): BarInput[] {
  const chordOf = (raw: string): string => {
    const n = normalizeChord(raw);
    if (n.reduced) warnings.push(`${at}: "${raw}" read as "${n.symbol}"`);
    return n.symbol;
  };
  if (line.includes("|")) {
    return line
      .split("|")
      .map((cell) => cell.replace(/[[\]]/g, " ").trim())
      .filter((cell) => cell !== "")
      .map((cell) => {
        const symbols = cell
          .split(/\s+/)
          .filter((t) => t !== "." && t !== "/")
          .map(chordOf);
        return symbols.length === 1 ? symbols[0]! : symbols.join(" ");
      })
      .filter((bar) => bar !== "");
  }
  const chords = [...line.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!.trim()).filter((c) => c !== "");
  return chords.map(chordOf);
}

/** The key of a sheet without {key}: the root of its first chord (minor when that chord is). */
function guessKey(runs: readonly BarRun[]): string {
  const first = runs[0]?.bars[0];
  const symbol = typeof first === "string" ? first.split(/\s+/)[0]! : (first?.[0]?.chord ?? "C");
  const m = /^([A-G][#b]?)(m(?!aj))?/.exec(symbol);
  return m ? `${m[1]}${m[2] ? " minor" : ""}` : "C";
}
