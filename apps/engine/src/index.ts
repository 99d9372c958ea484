/**
 * @performia/engine: the engine process and the `performia` CLI. This is what the
 * cross-package tests (tests/) and, later, the studio may import.
 */
export { perform, defaultAgentSettings, newSessionPath } from "./commands/perform.js";
export type { PerformOptions, PerformResult } from "./commands/perform.js";
export { replay } from "./commands/replay.js";
export type { ReplayOptions, ReplayResult } from "./commands/replay.js";
export { analyze } from "./commands/analyze.js";
export {
  GOLDEN_DIR,
  readGoldenManifest,
  goldenSessionPath,
  recordGolden,
  checkGolden,
} from "./commands/golden.js";
export { EXAMPLES, examplePath, renderExample, performerTempoMap } from "./examples/performances.js";
export { diffDecisions, compareBeats, formatDiff } from "./replay/diff.js";
export { Pipeline } from "./pipeline/pipeline.js";
export { AnalysisPool } from "./pipeline/analysis-pool.js";
export { AnalysisStage } from "./pipeline/analysis-stage.js";
export { runOffline } from "./drivers/offline.js";
export type { InputSource, OutputSink } from "./drivers/types.js";
export { WavReader, WavWriter, readWav, writeWav } from "./io/wav.js";
export { SessionReader, SessionWriter, listSessions, listAnnotations } from "./session/index.js";
export { ENGINE_VERSION, ENGINE_ROOT, EXAMPLE_SONGS_DIR } from "./paths.js";
export { readSongFile, exampleSongs } from "./songs.js";
export { startApiServer, type ApiServer, type ApiServerOptions } from "./api/server.js";
export { appRouter, type AppRouter } from "./api/router.js";
export { SessionStore, SESSION_NAME } from "./api/sessions.js";
export type { Chart, ChartBar, SongSummary } from "./api/songs.js";
export { bandAsynchrony, firstSound, matchNear, onBeatNotes, readChannels } from "./measure/stage.js";
export type { StageAsynchrony } from "./measure/stage.js";
