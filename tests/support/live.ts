/**
 * Live tests on the virtual audio device (apps/engine/scripts/virtual-audio.sh): start it, and
 * measure from a recording of its stage (performer left, band right, one clock) when the band's
 * notes sounded against the performer's beats.
 */
import { spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./cli.js";

export const VIRTUAL_AUDIO = join(REPO, "apps/engine/scripts/virtual-audio.sh");

/** The environment of a virtual device in its own folder, at a rate. */
export function virtualAudioEnv(dir: string, rate: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    VIRTUAL_AUDIO_DIR: dir,
    VIRTUAL_AUDIO_RATE: String(rate),
    PULSE_SERVER: `unix:${dir}/run/pulse/native`,
  };
}

/** Run the script; returns its status and output. */
export function virtualAudio(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { status: number | null; output: string } {
  const r = spawnSync(VIRTUAL_AUDIO, args, { env, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** Resolves when the child's stderr has matched `marker` (within 30 s); rejects if it exits first. */
export function started(child: ChildProcess, marker: RegExp): Promise<void> {
  return new Promise((ok, ko) => {
    let text = "";
    const timer = setTimeout(() => ko(new Error(`no "${marker.source}" within 30 s: ${text}`)), 30_000);
    child.stderr!.on("data", (b: Buffer) => {
      text += b.toString();
      if (marker.test(text)) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once("exit", () => ko(new Error(`exited before "${marker.source}": ${text}`)));
  });
}

/** The child's exit code, once it has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok(child.exitCode);
    else child.once("exit", (code) => ok(code));
  });
}

// Measuring the stage recording: the engine's own functions, which its live benchmark uses too.
export { bandAsynchrony, firstSound, matchNear, readChannels } from "@performia/engine";
export type { StageAsynchrony as Asynchrony } from "@performia/engine";
