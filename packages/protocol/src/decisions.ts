/**
 * What the band decides: note events in musical time (from agents), and decisions (the same
 * notes placed at frames by the scheduler, with the frame at which each was decided).
 */
import { z } from "zod";
import type { Beats, SampleFrame } from "./units.js";

const BeatsSchema = z.number().transform((n) => n as Beats);
const Frame = z
  .number()
  .int()
  .transform((n) => n as SampleFrame);

export const AgentName = z.string().regex(/^[a-z][a-z0-9-]*$/, "agent names are lower-case words");
export type AgentName = z.infer<typeof AgentName>;

/** An instrument voice of the synthesizer. */
export const INSTRUMENTS = ["bass", "drums", "epiano", "guitar", "voice", "pad", "vibes"] as const;
export const Instrument = z.enum(INSTRUMENTS);
export type Instrument = z.infer<typeof Instrument>;

/** General MIDI percussion keys used by the drum agent and the drum voice. */
export const DRUM = {
  kick: 36,
  sideStick: 37,
  snare: 38,
  lowFloorTom: 41,
  closedHat: 42,
  highFloorTom: 43,
  pedalHat: 44,
  lowTom: 45,
  openHat: 46,
  lowMidTom: 47,
  highMidTom: 48,
  crash: 49,
  highTom: 50,
  ride: 51,
  rideBell: 53,
  tambourine: 54,
  shaker: 70,
} as const;

/** A note an agent wants played, in beats. Pure data, no frames. */
export const NoteEvent = z.object({
  agent: AgentName,
  instrument: Instrument,
  /** MIDI note number (for drums: the GM percussion key). */
  pitch: z.number().int().min(0).max(127),
  velocity: z.number().int().min(1).max(127),
  start: BeatsSchema,
  duration: BeatsSchema.refine((d) => d > 0, "duration must be positive"),
});
export type NoteEvent = z.infer<typeof NoteEvent>;

/** A note event placed in frames by the scheduler. */
export const Decision = NoteEvent.extend({
  /** The frame (start of the block) at which the decision was made. */
  decidedAt: Frame,
  /** The frame at which the note sounds. */
  startFrame: Frame,
  /** The frame at which the note is released. */
  endFrame: Frame,
});
export type Decision = z.infer<typeof Decision>;

/** Two decisions are the same decision when every field matches exactly. */
export function sameDecision(a: Decision, b: Decision): boolean {
  return (
    a.agent === b.agent &&
    a.instrument === b.instrument &&
    a.pitch === b.pitch &&
    a.velocity === b.velocity &&
    a.start === b.start &&
    a.duration === b.duration &&
    a.decidedAt === b.decidedAt &&
    a.startFrame === b.startFrame &&
    a.endFrame === b.endFrame
  );
}
