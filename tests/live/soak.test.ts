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
  /** The device alone (a copy loop), 10 s before the soak and 10 s after. */
  deviceAlone: { underflows: number; overflows: number; blocks: number };
  cpuPercent: number;
  rssMb: { settled: number; end: number; lowFirst: number; lowLast: number; growth: number };
  keptMb: { beforeMb: number; afterMb: number; growth: number };
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
    // The reference ran: 10 s of the device alone before the soak and 10 s after.
    expect(soak.deviceAlone.blocks).toBe(7500);
    // The target is none; on a shared 2-core machine PulseAudio's own stalls still cause a few
    // (see the README's Known limits). Bounded here at 0.5 % of the 22,500 blocks, or, when the
    // machine is busier than that, at twice the rate of the device alone (a copy loop at the same
    // priority, on the same server, just before and after the soak): what the engine adds.
    const blocks = (soak.seconds * 48000) / 128;
    const alone = soak.deviceAlone.underflows / Math.max(1, soak.deviceAlone.blocks);
    expect(soak.device.underflows).toBeLessThan(blocks * Math.max(0.005, 2 * alone));
    // Memory: what the performance kept, the audio process's heap and buffers after a full
    // collection before the first block and after the last, grows by under 20 MB (the target).
    expect(soak.keptMb.beforeMb).toBeGreaterThan(0);
    expect(soak.keptMb.growth).toBeLessThan(20);
    // The engine's processes' resident size (workers included), lowest in the last third of the
    // settled run against the lowest in its first third: it rises by about 0.7 MB/s between
    // collections and falls by up to 40 MB at each, every 25-30 s, so a minute's thirds can miss
    // one (CI measured +18.5 MB with nothing kept). Bounded by that sawtooth: a leak outside the
    // main heap of more than about half a MB a second still shows.
    expect(soak.rssMb.lowLast).toBeGreaterThan(0);
    expect(soak.rssMb.growth).toBeLessThan(50);
    // The analysis kept up: at most 1 % of its hops missed their deadline.
    expect(soak.device.missed).toBeLessThan(soak.device.hops * 0.01);
  }, 240_000);
});
