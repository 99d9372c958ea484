import { z } from "zod";

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
