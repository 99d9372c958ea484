import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SessionReader } from "@performia/engine";
import { EXAMPLES, performia, tempDir } from "../support/cli.js";

const input = join(EXAMPLES, "performances", "blues-drums.wav");

describe("settings changes and replay --out", () => {
  const dir = tempDir("replay");
  const mix = join(dir, "mix.wav");
  const session = join(dir, "changes.performia");

  it("records changes made during a performance at their frames, and the band obeys them", () => {
    const r = performia([
      "perform",
      "--song",
      "blues-in-a",
      "--input",
      input,
      "--output",
      mix,
      "--session",
      session,
      "--seed",
      "11",
      "--max-seconds",
      "24",
      "--change",
      '8:{"agents":{"harmony":{"enabled":false}}}',
      "--change",
      '16:{"agents":{"harmony":{"enabled":true},"bass":{"volume":0.3}}}',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const reader = SessionReader.open(session);
    const sr = reader.info().sampleRate;
    const changes = reader.settingsChanges();
    expect(changes.map((c) => c.frame)).toEqual([
      Math.ceil((8 * sr) / 128) * 128,
      Math.ceil((16 * sr) / 128) * 128,
    ]);
    expect(changes[0]!.patch).toEqual({ agents: { harmony: { enabled: false } } });
    const harmony = reader.decisions().filter((d) => d.agent === "harmony");
    expect(harmony.some((d) => d.decidedAt < 8 * sr)).toBe(true);
    expect(harmony.some((d) => d.decidedAt >= 16 * sr)).toBe(true);
    expect(harmony.filter((d) => d.decidedAt >= 8 * sr && d.decidedAt < 16 * sr)).toEqual([]);
    reader.close();
  });

  it("replays the changes exactly, and --out renders the same mix sample for sample", () => {
    const again = join(dir, "again.wav");
    const r = performia(["replay", session, "--check", "--out", again]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("2 settings changes applied");
    expect(r.stdout).toMatch(/✓ all \d+ decisions identical/);
    expect(readFileSync(again).equals(readFileSync(mix))).toBe(true);
  });

  it.each(["64", "1024"])("performs and replays exactly with blocks of %s frames", (block) => {
    const s = join(dir, `block${block}.performia`);
    const r = performia([
      "perform",
      "--song",
      "blues-in-a",
      "--input",
      input,
      "--max-seconds",
      "6",
      "--block",
      block,
      "--session",
      s,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const reader = SessionReader.open(s);
    expect(reader.info().blockSize).toBe(Number(block));
    expect(reader.decisions().length).toBeGreaterThan(20);
    reader.close();
    const check = performia(["replay", s, "--check"]);
    expect(check.status, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/✓ all \d+ decisions identical/);
  });

  it("refuses a block size outside 64–1024", () => {
    const r = performia([
      "perform",
      "--song",
      "blues-in-a",
      "--input",
      input,
      "--no-record",
      "--block",
      "32",
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--block must be a whole number from 64 to 1024/);
  });

  it("refuses a change that is not a valid setting, saying which", () => {
    const r = performia([
      "perform",
      "--song",
      "blues-in-a",
      "--input",
      input,
      "--no-record",
      "--change",
      '5:{"agents":{"bass":{"volume":3}}}',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/the change at 5 s.*\n.*agents\.bass\.volume|agents\.bass\.volume/);
  });
});
