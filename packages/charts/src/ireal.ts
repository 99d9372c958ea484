/**
 * iReal Pro links (`irealb://…`, one song or a playlist) as Song Maps. ireal-reader (MIT) does
 * the unscrambling and expands repeats, endings, D.C. and D.S. into the bars as performed; this
 * module turns its measures, key, time signature, tempo and style into the project's format.
 */
import type { SongMapInput } from "@performia/protocol";
import iRealReader from "ireal-reader";
import { ChartError } from "./errors.js";
import { normalizeChord } from "./symbols.js";

/** An imported chart and what could not be kept exactly. */
export interface Imported {
  song: SongMapInput;
  /** Human-readable notes on chords reduced or values defaulted, e.g. `bar 12: "C7alt" read as "C7"`. */
  warnings: string[];
}

/** iReal's key ("Bb", "F#-") as a Song Map key ("Bb", "F# minor"). */
export function keyFromIReal(key: string): string {
  const m = /^([A-G][#b]?)(-?)$/.exec(key.trim());
  if (!m) return "C";
  return m[2] ? `${m[1]} minor` : m[1]!;
}

/** "44" → 4/4, "34" → 3/4, "68" → 6/8, "128" → 12/8. */
export function timeFromIReal(t: string | null): { beats: number; unit: 2 | 4 | 8 | 16 } {
  const digits = (t ?? "44").replace(/\D/g, "");
  const beats = Number(digits.length >= 3 ? digits.slice(0, 2) : digits.slice(0, 1));
  const unit = Number(digits.length >= 3 ? digits.slice(2) : digits.slice(1));
  if (beats >= 1 && beats <= 16 && (unit === 2 || unit === 4 || unit === 8 || unit === 16))
    return { beats, unit };
  return { beats: 4, unit: 4 };
}

/** A Performia style for an iReal style name ("Medium Swing", "Bossa Nova", "Rock Pop"). */
export function styleFromIReal(style: string): string | undefined {
  const s = style.toLowerCase();
  if (/bossa|samba|latin/.test(s)) return "bossa";
  if (/ballad/.test(s)) return "ballad";
  if (/funk/.test(s)) return "funk";
  if (/rock/.test(s)) return "rock";
  if (/pop|rnb|soul/.test(s)) return "pop";
  if (/swing|bop|jazz|waltz|blues|shuffle/.test(s)) return "jazz";
  if (/classical/.test(s)) return "classical";
  return undefined;
}

const DEFAULT_TEMPO = 120;

/**
 * Every song of an iReal Pro link or of an HTML page holding one.
 * @example fromIReal("irealb://…")[0].song.title // => "All Of Me"
 */
export function fromIReal(link: string): Imported[] {
  if (!/irealb?:\/\//.test(link)) {
    throw new ChartError("not an iReal Pro link: it should contain irealb://", "iReal Pro link");
  }
  let playlist: ReturnType<typeof iRealReader>;
  try {
    playlist = iRealReader(link.replace("irealbook://", "irealb://"));
  } catch (e) {
    throw new ChartError(
      `the iReal Pro link could not be read (${e instanceof Error ? e.message : String(e)})`,
      "iReal Pro link",
    );
  }
  return playlist.songs.map((s, index) => {
    const where = `song ${index + 1} ("${s.title}")`;
    const warnings: string[] = [];
    const bars = s.music.measures
      .filter((m) => m.length > 0)
      .map((measure, i) => {
        const symbols = measure.map((raw) => {
          const n = normalizeChord(raw);
          if (n.reduced) warnings.push(`${where}, bar ${i + 1}: "${raw}" read as "${n.symbol}"`);
          return n.symbol;
        });
        return symbols.length === 1 ? symbols[0]! : symbols.join(" ");
      });
    if (bars.length === 0) throw new ChartError(`${where} has no bars`, "iReal Pro link");
    const tempo = s.bpm && s.bpm >= 20 && s.bpm <= 400 ? s.bpm : DEFAULT_TEMPO;
    if (tempo !== s.bpm) warnings.push(`${where}: no tempo in the link; ${DEFAULT_TEMPO} BPM assumed`);
    const style = styleFromIReal(s.style);
    const song: SongMapInput = {
      title: s.title || `iReal Pro song ${index + 1}`,
      ...(s.composer ? { composer: s.composer } : {}),
      key: keyFromIReal(s.key),
      tempo,
      timeSignature: timeFromIReal(s.music.timeSignature),
      ...(style ? { style } : {}),
      sections: [{ id: "head", kind: "head", bars }],
      form: [{ section: "head" }],
    };
    return { song, warnings };
  });
}
