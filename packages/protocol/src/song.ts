/**
 * The Song Map: a chord chart the band plays from. Schemas first; types are inferred.
 *
 * A bar is written the way a lead sheet reads: `"C"`, `"Dm7 G7"` (chords share the bar
 * equally), `"%"` (repeat the previous bar), `"N.C."` (no chord), or explicitly as
 * `[{ "chord": "C", "beats": 3 }, { "chord": "G7", "beats": 1 }]`.
 */
import { Chord } from "tonal";
import { z } from "zod";
import { Intensity } from "./settings.js";

export const SECTION_KINDS = [
  "intro",
  "verse",
  "chorus",
  "bridge",
  "solo",
  "outro",
  "head",
  "interlude",
] as const;
export const SectionKind = z.enum(SECTION_KINDS);
export type SectionKind = z.infer<typeof SectionKind>;

export const NO_CHORD = "N.C.";

/** True when tonal understands the symbol (slash chords included) or it is "N.C.". */
export function isChordSymbol(symbol: string): boolean {
  if (symbol === NO_CHORD) return true;
  const c = Chord.get(symbol);
  return !c.empty && c.tonic !== null;
}

export const ChordSymbol = z
  .string()
  .min(1)
  .refine(isChordSymbol, { error: (issue) => `unknown chord symbol "${String(issue.input)}"` });

export const TimeSignature = z.object({
  beats: z
    .number()
    .int("the beats in a bar must be a whole number")
    .min(1, "a bar needs at least 1 beat")
    .max(16, "at most 16 beats in a bar"),
  unit: z.union([z.literal(2), z.literal(4), z.literal(8), z.literal(16)], {
    error: "the time signature's unit (the lower number) must be 2, 4, 8 or 16",
  }),
});
export type TimeSignature = z.infer<typeof TimeSignature>;

export const ChordSpan = z.object({
  chord: ChordSymbol,
  beats: z.number().positive(),
});
export type ChordSpan = z.infer<typeof ChordSpan>;

/** A bar as written: a string of symbols or explicit spans. */
export const BarInput = z.union([
  z
    .string()
    .trim()
    .min(1)
    .refine((s) => s === "%" || s.split(/\s+/).every(isChordSymbol), {
      error: (issue) => {
        const s = String(issue.input);
        const symbols = s.split(/\s+/);
        const unknown = symbols
          .map((t, i) => [t, i] as const)
          .filter(([t]) => !isChordSymbol(t))
          .map(([t, i]) => `"${t}" (chord ${i + 1} of ${symbols.length})`);
        return `bar "${s}" has an unknown chord symbol: ${unknown.join(", ")}`;
      },
    }),
  z.array(ChordSpan).min(1),
]);
export type BarInput = z.infer<typeof BarInput>;

export const Section = z.object({
  id: z.string().min(1),
  kind: SectionKind,
  bars: z.array(BarInput).min(1, "a section needs at least one bar"),
  intensity: Intensity.default(3),
  /**
   * First, second, ... endings (voltas): on pass n through the section (its form entry's
   * repeats), ending n is played after `bars`; passes beyond the last ending play the last one.
   */
  endings: z.array(z.array(BarInput).min(1)).min(1).optional(),
});
export type Section = z.infer<typeof Section>;

export const FormEntry = z.object({
  section: z.string().min(1),
  repeat: z.number().int().min(1).max(64).default(1),
});
export type FormEntry = z.infer<typeof FormEntry>;

export const SongMap = z
  .object({
    title: z.string().min(1),
    composer: z.string().optional(),
    /** Tonic and mode, e.g. "C", "A minor", "Bb major". */
    key: z.string().min(1),
    /** The chart tempo in beats per minute (beats of the time signature). */
    tempo: z
      .number()
      .min(20, "the tempo must be at least 20 BPM")
      .max(400, "the tempo must be at most 400 BPM"),
    timeSignature: TimeSignature.default({ beats: 4, unit: 4 }),
    /** The style the chart suggests ("jazz", "bossa", ...); the performer's choice wins. */
    style: z.string().min(1).optional(),
    sections: z.array(Section).min(1),
    form: z.array(FormEntry).min(1),
  })
  .superRefine((song, ctx) => {
    const ids = new Set<string>();
    song.sections.forEach((s, i) => {
      if (ids.has(s.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["sections", i, "id"],
          message: `duplicate section id "${s.id}"`,
        });
      }
      ids.add(s.id);
      s.bars.forEach((bar, j) => {
        if (j === 0 && bar === "%") {
          ctx.addIssue({
            code: "custom",
            path: ["sections", i, "bars", j],
            message: `"%" repeats the previous bar, but this is the first bar of section "${s.id}"`,
          });
        }
        checkBar(bar, ["sections", i, "bars", j]);
      });
      s.endings?.forEach((ending, e) =>
        ending.forEach((bar, j) => checkBar(bar, ["sections", i, "endings", e, j])),
      );
    });
    function checkBar(bar: BarInput, path: (string | number)[]): void {
      if (Array.isArray(bar)) {
        const total = bar.reduce((a, c) => a + c.beats, 0);
        if (Math.abs(total - song.timeSignature.beats) > 1e-9) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `chord beats add up to ${total}, but a bar of ${song.timeSignature.beats}/${song.timeSignature.unit} has ${song.timeSignature.beats}`,
          });
        }
      }
    }
    song.form.forEach((f, i) => {
      if (!ids.has(f.section)) {
        ctx.addIssue({
          code: "custom",
          path: ["form", i, "section"],
          message: `form names section "${f.section}", which is not among the sections (${[...ids].join(", ")})`,
        });
      }
    });
  });
export type SongMap = z.infer<typeof SongMap>;
export type SongMapInput = z.input<typeof SongMap>;

/** Normalize one written bar into chord spans that fill the bar. "%" needs the previous bar. */
export function barSpans(bar: BarInput, beatsPerBar: number, previous?: readonly ChordSpan[]): ChordSpan[] {
  if (Array.isArray(bar)) return bar.map((c) => ({ ...c }));
  if (bar === "%") {
    if (!previous) throw new Error(`"%" has no previous bar to repeat`);
    return previous.map((c) => ({ ...c }));
  }
  const symbols = bar.trim().split(/\s+/);
  const share = beatsPerBar / symbols.length;
  return symbols.map((chord) => ({ chord, beats: share }));
}
