/**
 * What the engine's main process and the audio process say to each other (structured clone
 * over the IPC channel). The first message to the audio process is `start`.
 */
import type { LiveChangeResult, LiveFrame, SettingsPatch } from "@performia/protocol";
import type { LivePerformOptions, LivePerformResult } from "../commands/perform-live.js";

/** Live perform options that cross to the audio process (no functions, no signal). */
export type AudioOptions = Omit<
  LivePerformOptions,
  "signal" | "onStart" | "beforeOpen" | "onPlay" | "onRunning"
>;

export interface AudioStart {
  readonly options: AudioOptions;
  /** Build stream frames (about 30 a second) and send them. */
  readonly stream: boolean;
}

/** Main → audio process. */
export type ToAudio =
  | { readonly type: "start"; readonly start: AudioStart }
  | { readonly type: "finish" }
  | { readonly type: "interrupt" }
  | { readonly type: "change"; readonly id: number; readonly patch: SettingsPatch };

/** An error as it crosses threads: a PerformiaError keeps its code and hint. */
export interface ThreadError {
  readonly message: string;
  readonly code: string | null;
  readonly hint: string | null;
}

/** Audio process → main. */
export type FromAudio =
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
