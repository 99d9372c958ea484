/**
 * Session files: one SQLite file per session (`.performia`), written off the audio path by a
 * recorder worker, read back for replay, listed and maintained.
 */
export { SessionWriter } from "./writer.js";
export type { SessionHeader, SessionWriterOptions, SessionWriterStats } from "./writer.js";
export { SessionReader } from "./reader.js";
export { sessionMidi } from "./midi.js";
export { listSessions, markInterrupted, upgradeSession } from "./maintenance.js";
export { MIGRATIONS, SESSION_EXTENSION, migrate } from "./schema.js";
export type { Migration } from "./schema.js";
export {
  Annotation,
  AnnotationInput,
  addAnnotation,
  deleteAnnotation,
  editAnnotation,
  listAnnotations,
} from "./annotations.js";
