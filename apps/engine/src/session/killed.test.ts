import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { listSessions, markInterrupted, SessionReader } from "./index.js";
import { sha256, tempDir } from "./test-fixtures.js";

const child = fileURLToPath(new URL("./test-record-child.ts", import.meta.url));
const engineDir = fileURLToPath(new URL("../..", import.meta.url));

describe("a recording process killed with SIGKILL", () => {
  it("leaves a readable file of whole blocks, reported interrupted, missing at most the last ~250 ms", async () => {
    const dir = tempDir();
    const path = join(dir, "killed.performia");
    const proc = spawn(process.execPath, ["--import", "tsx", child, path], {
      cwd: engineDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((ok) => proc.once("exit", () => ok()));
    const sampleRate = 44100;
    // Kill once it reports 1.5 s of input recorded; `reported` is what it had recorded by then.
    const reported = await new Promise<number>((ok, ko) => {
      let buf = "";
      proc.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split("\n");
        buf = lines.pop() ?? "";
        const last = lines.at(-1);
        const n = last ? Number(/^frames (\d+)$/.exec(last)?.[1] ?? 0) : 0;
        if (n >= 1.5 * sampleRate) {
          proc.kill("SIGKILL");
          ok(n);
        }
      });
      proc.once("exit", (code) => ko(new Error(`child exited (${code}) before it was killed: ${stderr}`)));
    });
    await exited; // reaped: its pid is gone

    expect(existsSync(`${path}-wal`)).toBe(true);
    const before = sha256(path);
    const reader = SessionReader.open(path);
    const info = reader.info();
    expect(info.status).toBe("interrupted");
    let blocks = 0;
    let end = 0;
    for (const b of reader.inputBlocks()) {
      expect(b.frame).toBe(blocks * 128);
      blocks++;
      end = b.frame + b.samples.length;
    }
    // Each block's analysis and decision were committed with its input: a batch holds whole
    // blocks, so the file replays exactly up to where it stopped.
    const decided = reader.decisions().map((d) => d.decidedAt);
    expect(decided.length).toBe(blocks);
    expect(decided.at(-1)).toBe(end - 128);
    expect(reader.analysis().length).toBe(blocks);
    reader.close();
    expect(info.frames).toBe(end); // meta.frames is updated in the same transaction as the input
    const lostMs = ((reported - end) / sampleRate) * 1000;
    console.log(
      `killed writer: ${end} frames on disk, ${reported} reported before the kill (lost ≤ ${lostMs.toFixed(0)} ms)`,
    );
    expect(end).toBeGreaterThan(0.5 * sampleRate);
    expect(lostMs).toBeLessThan(350); // 250 ms + scheduling slack on a loaded machine
    expect(sha256(path)).toBe(before); // reading did not checkpoint or modify it

    expect(listSessions(dir).sessions.map((s) => s.status)).toEqual(["interrupted"]);
    expect(markInterrupted(path)).toBe(true);
    expect(markInterrupted(path)).toBe(false);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'status'").pluck().get()).toBe("interrupted");
    expect(db.prepare("SELECT count(*) FROM input_blocks").pluck().get()).toBe(blocks);
    db.close();
  });
});
