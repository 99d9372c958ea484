/**
 * Golden sessions: short recorded sessions in tests/golden/ that the test suite replays with
 * --check. `performia golden record` re-records them on purpose (after a change to what the
 * band plays that you mean to keep); `performia golden check` replays them all.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { ENGINE_ROOT } from "../paths.js";
import { perform } from "./perform.js";
import { replay } from "./replay.js";

export const GOLDEN_DIR = resolve(ENGINE_ROOT, "../../tests/golden");

const GoldenEntry = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string(),
  song: z.string(),
  /** Input WAV, relative to the manifest. */
  input: z.string(),
  seconds: z.number().positive().max(20),
  seed: z.number().int().min(0),
  mute: z.array(z.string()).default([]),
});
export const GoldenManifest = z.array(GoldenEntry).min(1);
export type GoldenEntry = z.infer<typeof GoldenEntry>;

export function readGoldenManifest(dir = GOLDEN_DIR): GoldenEntry[] {
  const path = resolve(dir, "manifest.json");
  return GoldenManifest.parse(JSON.parse(readFileSync(path, "utf8")));
}

export function goldenSessionPath(entry: GoldenEntry, dir = GOLDEN_DIR): string {
  return resolve(dir, `${entry.name}.performia`);
}

export async function recordGolden(log: (line: string) => void, dir = GOLDEN_DIR): Promise<void> {
  for (const entry of readGoldenManifest(dir)) {
    const sessionPath = goldenSessionPath(entry, dir);
    for (const suffix of ["", "-wal", "-shm"])
      if (existsSync(sessionPath + suffix)) rmSync(sessionPath + suffix);
    const r = await perform({
      song: entry.song,
      input: resolve(dir, entry.input),
      sessionPath,
      seed: entry.seed,
      maxSeconds: entry.seconds,
      mute: entry.mute,
      tailSeconds: 0.5,
      quiet: true,
    });
    const notes = Object.values(r.decisionsByAgent).reduce((a, b) => a + b, 0);
    log(
      `recorded ${sessionPath}: ${r.audioSeconds.toFixed(1)} s, ${notes} decisions, ${r.beats} beats heard`,
    );
  }
}

export async function checkGolden(log: (line: string) => void, dir = GOLDEN_DIR): Promise<boolean> {
  let ok = true;
  for (const entry of readGoldenManifest(dir)) {
    const r = await replay({ session: goldenSessionPath(entry, dir), quiet: true });
    log(r.report);
    ok &&= r.diff.identical;
  }
  log(
    ok
      ? "golden sessions: all identical"
      : `golden sessions differ: if the change is intended, run npm run golden:record (folder ${dirname(goldenSessionPath(readGoldenManifest(dir)[0]!, dir))})`,
  );
  return ok;
}
