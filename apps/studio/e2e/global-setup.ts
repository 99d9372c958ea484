/**
 * Before the browser tests: a sessions folder with real recordings, made by the real CLI from
 * the example performances (seconds each, as fast as the machine allows); and the virtual audio
 * device started (stopped by global-teardown).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { readWav, writeWav } from "@performia/engine";
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

/**
 * A session interrupted for real: a long performance whose process is killed (SIGKILL) once
 * its recording is under way. The file stays "recording" with a dead recorder: read as interrupted.
 */
async function interruptedSession(path: string, input: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [E2E.engineCli, "perform", "--song", "tempo-study", "--input", input, "--session", path],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 50));
    if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 1_000_000) break;
  }
  child.kill("SIGKILL");
  await exited;
}

export default async function globalSetup(): Promise<void> {
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
  // Five times the guitarist (a minute and a half): long enough to be killed half way.
  const one = readWav(join(perf, "tempo-study-guitar.wav"));
  const long = new Float32Array(one.samples.length * 5);
  for (let i = 0; i < 5; i++) long.set(one.samples, i * one.samples.length);
  const longInput = join(E2E.workDir, "long.wav");
  writeWav(longInput, long, one.format.sampleRate);
  await interruptedSession(join(E2E.sessionsDir, "tempo-study-killed.performia"), longInput);
}
