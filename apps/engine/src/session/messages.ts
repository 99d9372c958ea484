/**
 * Messages between the pipeline thread (SessionWriter) and the recorder worker. Typed arrays
 * travel as transfers and come back in `recycle` so the pipeline reuses them.
 */
import type {
  ConductorUpdate,
  Decision,
  DeviceEvent,
  PerformanceEvent,
  SettingsChange,
} from "@performia/protocol";
import type { MetaValue } from "./schema.js";

/** Columns of one analysis row in the packed Float64Array (hz NaN = null, missed 0/1). */
export const ANALYSIS_COLUMNS = 6;

/** Input blocks packed back to back: block i is samples[offsets[i] .. offsets[i] + ns[i]). */
export interface InputBuffers {
  frames: Float64Array;
  ns: Uint32Array;
  offsets: Uint32Array;
  samples: Float32Array;
}

export interface Batch {
  type: "batch";
  inputCount: number;
  input: InputBuffers | null;
  analysisCount: number;
  analysis: Float64Array | null;
  /** Performance events, and the device's comings and goings (kind "device"). */
  events: (PerformanceEvent | DeviceEvent)[];
  conductor: ConductorUpdate[];
  decisions: Decision[];
  settings: SettingsChange[];
  stats: { frame: number; stats: Record<string, number> }[];
}

export type ToWorker =
  Batch | { type: "sync"; id: number } | { type: "close"; id: number; status: "complete" | "interrupted" };

export type FromWorker =
  | { type: "ready" }
  | {
      type: "recycle";
      input: InputBuffers | null;
      analysis: Float64Array | null;
      rows: number;
      dropped: number;
    }
  | { type: "synced"; id: number }
  | { type: "problem"; message: string; fatal: boolean }
  | { type: "closed"; id: number };

export interface WorkerInit {
  path: string;
  meta: Record<string, MetaValue>;
}
