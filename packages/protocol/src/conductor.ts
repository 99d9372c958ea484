import { z } from "zod";
import type { Beats, SampleFrame } from "./units.js";

/** A change in the conductor's model: tempo, position in the Song Map, and why. */
export const ConductorUpdate = z.object({
  frame: z
    .number()
    .int()
    .transform((n) => n as SampleFrame),
  /** Beat position at `frame` (0 = bar 1 beat 1; negative during the count-in). */
  beat: z.number().transform((n) => n as Beats),
  bpm: z.number().positive(),
  /** Form position: index into the expanded form, section id, bar (1-based, in the song), beat in bar (1-based). */
  section: z.string(),
  bar: z.number().int(),
  /** The bar of the performance, 1-based (differs from `bar` once a section is repeated or jumped to). */
  performanceBar: z.number().int().optional(),
  beatInBar: z.number().int(),
  /** The performer's beat minus the band's, in beats, when the update follows a beat. */
  phaseError: z.number().nullable(),
  reason: z.enum(["start", "beat", "setting", "end"]),
});
export type ConductorUpdate = z.infer<typeof ConductorUpdate>;
