/**
 * Units of time, named as types. Every conversion between them lives in `time.ts`.
 *
 * - `SampleFrame`: integer frames since the session started (engine, scheduler, recorder).
 * - `Seconds`: at the edges (CLI, files, UI).
 * - `Beats`: musical time (agents, Song Map); one beat is one beat of the time signature.
 */
declare const unitTag: unique symbol;
type Unit<T extends string> = number & { readonly [unitTag]: T };

export type SampleFrame = Unit<"SampleFrame">;
export type Seconds = Unit<"Seconds">;
export type Beats = Unit<"Beats">;
export type Hertz = Unit<"Hertz">;
export type Bpm = Unit<"Bpm">;

/** Tag a number as a frame count. Frames are integers: the value is rounded. @example frames(44100.4) // => 44100 */
export const frames = (n: number): SampleFrame => Math.round(n) as SampleFrame;
export const seconds = (n: number): Seconds => n as Seconds;
export const beats = (n: number): Beats => n as Beats;
export const hertz = (n: number): Hertz => n as Hertz;
export const bpm = (n: number): Bpm => n as Bpm;
