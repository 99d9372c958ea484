/**
 * Real-time safety: no allocation on the audio path. The measurement runs in a child process
 * (test-alloc-probe.ts) so that neither vitest's module wrapper nor other tests running in
 * parallel disturb the heap or the JIT's type feedback.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

interface Probe {
  steady: { blocks: number; bytes: number; voices: number };
  band: { blocks: number; notes: number; bytes: number };
}

describe("real-time safety", () => {
  it("allocates nothing in steady render, nor while notes keep arriving", () => {
    const script = fileURLToPath(new URL("./test-alloc-probe.ts", import.meta.url));
    const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    const probe = JSON.parse(output.trim().split("\n").pop()!) as Probe;
    expect(probe.steady.voices).toBeGreaterThanOrEqual(2);
    // One boxed number (16 bytes) per block would be 32 kB over 2,000 blocks; a boxed number per
    // sample (the usual JIT accident) would be 4 MB.
    expect(probe.steady.bytes, JSON.stringify(probe)).toBeLessThan(20 * 1024);
    // 4,000 blocks and 800 notes of seven instruments. Known residue once the JIT has settled:
    // about 45 bytes per note (a few boxed numbers around noteOn, 35 kB here). One boxed number
    // per block would add 64 kB, one per sample 8 MB.
    expect(probe.band.bytes, JSON.stringify(probe)).toBeLessThan(100 * 1024);
  });
});
