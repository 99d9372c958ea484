/**
 * What the main thread and the audio thread say to each other (structured clone over the
 * worker's port). The main thread starts the worker with `AudioThreadStart` as its workerData.
 */
import type { LiveChangeResult, LiveFrame, SettingsPatch } from "@performia/protocol";
import type { LivePerformOptions, LivePerformResult } from "../commands/perform-live.js";

/** Live perform options that cross to the audio thread (no functions, no signal). */
export type AudioThreadOptions = Omit<
  LivePerformOptions,
  "signal" | "onStart" | "beforeOpen" | "onPlay" | "onRunning"
>;

export interface AudioThreadStart {
  readonly options: AudioThreadOptions;
  /** Build stream frames (about 30 a second) and send them. */
  readonly stream: boolean;
}

/** Main → audio thread. */
export type ToAudio =
  | { readonly type: "finish" }
  | { readonly type: "interrupt" }
  | { readonly type: "change"; readonly id: number; readonly patch: SettingsPatch }
  | { readonly type: "env-set"; readonly id: number };

/** An error as it crosses threads: a PerformiaError keeps its code and hint. */
export interface ThreadError {
  readonly message: string;
  readonly code: string | null;
  readonly hint: string | null;
}

/** Audio thread → main. */
export type FromAudio =
  /** Set these environment variables for real (a worker's process.env is a copy), then answer `env-set`. */
  | { readonly type: "setenv"; readonly id: number; readonly vars: Readonly<Record<string, string>> }
  /** Everything is open; the session being recorded. */
  | { readonly type: "running"; readonly sessionPath: string | null }
  /** The first input block has arrived: performing. */
  | { readonly type: "performing" }
  | { readonly type: "frame"; readonly frame: LiveFrame }
  | {
      readonly type: "changed";
      readonly id: number;
      readonly result: LiveChangeResult | null;
      readonly error: ThreadError | null;
    }
  | { readonly type: "done"; readonly result: LivePerformResult }
  | { readonly type: "failed"; readonly error: ThreadError };
