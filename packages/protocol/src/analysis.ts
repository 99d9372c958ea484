/**
 * What the ears report: one analysis frame per hop, and performance events as they happen.
 * All times are `SampleFrame`s since the session started.
 */
import { z } from "zod";
import type { SampleFrame } from "./units.js";

const Frame = z
  .number()
  .int()
  .min(0)
  .transform((n) => n as SampleFrame);

/** One hop of analysis (pitch, level, onset strength), stamped with the frame at its end. */
export const AnalysisFrame = z.object({
  frame: Frame,
  /** Fundamental frequency in Hz, or null when unvoiced. */
  hz: z.number().positive().nullable(),
  /** How sure the pitch tracker is that the frame is voiced at `hz` (0..1). */
  confidence: z.number().min(0).max(1),
  /** Root-mean-square level of the hop (linear, 0..1). */
  rms: z.number().min(0),
  /** Onset detection function value (spectral flux, non-negative). */
  onsetStrength: z.number().min(0),
  /** True when live analysis missed its deadline: the pipeline went on without this frame. */
  missed: z.boolean().default(false),
});
export type AnalysisFrame = z.infer<typeof AnalysisFrame>;

export const OnsetEvent = z.object({ kind: z.literal("onset"), frame: Frame, strength: z.number().min(0) });
export const PitchEvent = z.object({
  kind: z.literal("pitch"),
  frame: Frame,
  hz: z.number().positive().nullable(),
  confidence: z.number().min(0).max(1),
});
/** A beat at `frame`, emitted by the causal tracker at stream time `reportedAt` (≥ frame, or < frame when predicted). */
export const BeatEvent = z.object({
  kind: z.literal("beat"),
  frame: Frame,
  reportedAt: Frame,
  bpm: z.number().positive(),
});
export const TempoEvent = z.object({ kind: z.literal("tempo"), frame: Frame, bpm: z.number().positive() });
/** A chord label in `ROOT:QUALITY` form (e.g. "C:maj", "A:min"), or "N" for no chord. */
export const ChordEvent = z.object({
  kind: z.literal("chord"),
  frame: Frame,
  label: z.string(),
  confidence: z.number().min(0).max(1),
});
/** A key label in `TONIC:MODE` form (e.g. "A:min"). */
export const KeyEvent = z.object({
  kind: z.literal("key"),
  frame: Frame,
  label: z.string(),
  confidence: z.number().min(0).max(1),
});

export const PerformanceEvent = z.discriminatedUnion("kind", [
  OnsetEvent,
  PitchEvent,
  BeatEvent,
  TempoEvent,
  ChordEvent,
  KeyEvent,
]);
export type PerformanceEvent = z.infer<typeof PerformanceEvent>;
export type OnsetEvent = z.infer<typeof OnsetEvent>;
export type PitchEvent = z.infer<typeof PitchEvent>;
export type BeatEvent = z.infer<typeof BeatEvent>;
export type TempoEvent = z.infer<typeof TempoEvent>;
export type ChordEvent = z.infer<typeof ChordEvent>;
export type KeyEvent = z.infer<typeof KeyEvent>;

/** The `performia analyze --json` contract (DESIGN.md), in seconds. */
export const AnalysisReport = z.object({
  sampleRate: z.number().int().positive(),
  pitch: z.array(
    z.object({ t: z.number(), hz: z.number().nullable(), confidence: z.number().min(0).max(1) }),
  ),
  onsets: z.array(z.number()),
  beats: z.array(z.object({ t: z.number(), reportedAt: z.number() })),
  tempo: z.array(z.object({ t: z.number(), bpm: z.number() })),
  key: z.string().nullable(),
  chords: z.array(z.object({ t: z.number(), label: z.string() })),
});
export type AnalysisReport = z.infer<typeof AnalysisReport>;
