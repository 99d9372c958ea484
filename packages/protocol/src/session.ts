import { z } from "zod";
import type { SampleFrame } from "./units.js";

/** The version of the session file schema this code writes (see apps/engine migrations). */
export const SESSION_SCHEMA_VERSION = 1;

export const SessionStatus = z.enum(["recording", "complete", "interrupted"]);
export type SessionStatus = z.infer<typeof SessionStatus>;

/**
 * The round trip a live session's band was placed against (output to input, ms): measured with
 * clicks before the performance (through the device's loopback or a cable), given by the
 * performer (--latency), or the engine's own output queue when neither.
 */
export const DeviceLatency = z.object({
  roundTripMs: z.number().nonnegative(),
  source: z.enum(["measured", "given", "default"]),
  /** Each click's round trip when measured (ms). */
  clicksMs: z.array(z.number()).optional(),
});
export type DeviceLatency = z.infer<typeof DeviceLatency>;

/** What a session file says about itself. */
export const SessionInfo = z.object({
  id: z.string(),
  path: z.string(),
  schemaVersion: z.number().int(),
  engineVersion: z.string(),
  createdAt: z.string(),
  status: SessionStatus,
  songTitle: z.string(),
  style: z.string(),
  sampleRate: z.number().int(),
  blockSize: z.number().int(),
  seed: z.number().int(),
  /** Frames of input recorded. */
  frames: z.number().int(),
  durationSeconds: z.number(),
  inputName: z.string(),
  decisions: z.number().int(),
  /** Live sessions: the device's round trip the band was placed against. */
  latency: DeviceLatency.nullable().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/**
 * The audio device went away (unplugged, the sound server restarted) or came back, during a
 * live session. Recorded in the session's events (kind "device") beside the performance events,
 * so the studio can show the gap: between "lost" and "restored" the pipeline was fed silence at
 * the block rate (the band's position kept to the wall clock) and its output was discarded.
 */
export const DeviceEvent = z.object({
  kind: z.literal("device"),
  /** The session frame at which the device was lost (first silent block) or restored (first block heard again). */
  frame: z
    .number()
    .int()
    .min(0)
    .transform((n) => n as SampleFrame),
  status: z.enum(["lost", "restored"]),
  /** Wall-clock seconds since the device started, when it was noticed. */
  seconds: z.number().min(0),
  /** The devices, "input → output". */
  device: z.string(),
  /** Why it was declared lost (no block for a while, an error), or how it came back. */
  detail: z.string().default(""),
});
export type DeviceEvent = z.infer<typeof DeviceEvent>;
