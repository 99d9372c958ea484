import { z } from "zod";

/** The version of the session file schema this code writes (see apps/engine migrations). */
export const SESSION_SCHEMA_VERSION = 1;

export const SessionStatus = z.enum(["recording", "complete", "interrupted"]);
export type SessionStatus = z.infer<typeof SessionStatus>;

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
});
export type SessionInfo = z.infer<typeof SessionInfo>;
