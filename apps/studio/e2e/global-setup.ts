/**
 * Before the browser tests: a sessions folder with real recordings, made by the real CLI from
 * the example performances (seconds each, as fast as the machine allows); and the virtual audio
 * device started (stopped by global-teardown).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AUDIO_ENV, E2E } from "./env";

function perform(args: string[]): void {
  execFileSync(process.execPath, [E2E.engineCli, "perform", ...args], { stdio: "pipe", timeout: 120_000 });
}

/** The virtual audio device the live tests perform on. */
export function virtualAudio(args: string[]): string {
  return execFileSync(E2E.virtualAudio, args, {
    env: { ...process.env, ...AUDIO_ENV },
    encoding: "utf8",
    timeout: 120_000,
  });
}

export default function globalSetup(): void {
  virtualAudio(["start"]);
  // The engine may already serve the folder: empty it, do not replace it.
  mkdirSync(E2E.sessionsDir, { recursive: true });
  rmSync(E2E.workDir, { recursive: true, force: true });
  for (const f of readdirSync(E2E.sessionsDir)) rmSync(join(E2E.sessionsDir, f), { force: true });
  mkdirSync(E2E.workDir, { recursive: true });
  mkdirSync(E2E.screenshots, { recursive: true });
  const perf = join(E2E.examples, "performances");
  perform([
    ...["--song", "tempo-study", "--style", "bossa"],
    ...["--input", join(perf, "tempo-study-guitar.wav"), "--max-seconds", "8"],
    ...["--session", join(E2E.sessionsDir, "tempo-study-bossa.performia")],
    ...["--output", join(E2E.workDir, "a.wav")],
  ]);
  perform([
    ...["--song", "blues-in-a", "--style", "rock"],
    ...["--input", join(perf, "blues-drums.wav"), "--max-seconds", "6"],
    ...["--session", join(E2E.sessionsDir, "blues-drums-rock.performia")],
    ...["--output", join(E2E.workDir, "b.wav")],
  ]);
}
