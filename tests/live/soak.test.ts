/**
 * The live soak, short (the benchmark runs ten minutes: npm run bench -- --only live): a minute
 * at 128 frames and 48 kHz on the virtual audio device, all six agents, recording on, a
 * performance played into the virtual microphone. The engine must not glitch and must not grow.
 * CPU and time per block are printed, not asserted: they are the benchmark's to judge.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, REPO, tempDir } from "../support/cli.js";

interface SoakResult {
  seconds: number;
  budgetMs: number;
  device: { underflows: number; overflows: number; blockP99: number; missed: number; hops: number };
  cpuPercent: number;
  rssMb: { settled: number; end: number; growth: number };
}

describe("the live soak (npm run bench -- --only live, short)", () => {
  it("runs a minute live without input overflows, with few output underflows, and does not grow", async () => {
    const out = tempDir("soak");
    // Asynchronously: a minute of a synchronous child would stall this test worker's own messages.
    const child = spawn(
      process.execPath,
      [CLI, "bench", "--only", "live", "--soak-only", "--soak-seconds", "60", "--out", out],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((ok) => child.once("exit", ok));
    expect(code, stdout + stderr).toBe(0);
    process.stdout.write(`${stdout}\n`);
    const soak = (
      JSON.parse(readFileSync(join(out, "live.json"), "utf8")) as { results: { soak: SoakResult } }
    ).results.soak;
    expect(soak.seconds).toBe(60);
    expect(soak.device.overflows).toBe(0);
    // The target is none; on a shared 2-core machine PulseAudio's own stalls still cause a few
    // (see the README's Known limits). Bounded here at 0.5 % of the 22,500 blocks.
    const blocks = (soak.seconds * 48000) / 128;
    expect(soak.device.underflows).toBeLessThan(blocks * 0.005);
    // Memory: the engine's processes' resident size after the first 12 s against the end.
    expect(soak.rssMb.growth).toBeLessThan(20);
    // The analysis kept up: at most 1 % of its hops missed their deadline.
    expect(soak.device.missed).toBeLessThan(soak.device.hops * 0.01);
  }, 180_000);
});
