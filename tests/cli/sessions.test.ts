import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { readWav, SessionReader, writeWav } from "@performia/engine";
import { EXAMPLES, performia, performiaAsync, tempDir } from "../support/cli.js";

const hash = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");
const guitar = join(EXAMPLES, "performances", "tempo-study-guitar.wav");

describe("sessions", () => {
  const dir = tempDir("sessions");
  const sessions = join(dir, "sessions");

  it("lists, shows, exports and imports sessions", () => {
    const r = performia([
      "perform",
      "--song",
      "tempo-study",
      "--input",
      guitar,
      "--max-seconds",
      "5",
      "--sessions",
      sessions,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const list = performia(["sessions", "list", "--sessions", sessions]);
    expect(list.stdout).toMatch(/Tempo Study.*rock.*\d+\.\d s/);
    const name = /(\S+\.performia)/.exec(list.stdout)![1]!;
    const show = performia(["sessions", "show", name, "--sessions", sessions]);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/status\s+complete/);
    expect(show.stdout).toMatch(/played\s+.*bass \d+/);
    const exported = join(dir, "copy.performia");
    expect(performia(["sessions", "export", name, exported, "--sessions", sessions]).status).toBe(0);
    const other = join(dir, "other");
    const imp = performia(["sessions", "import", exported, "--sessions", other]);
    expect(imp.status, imp.stderr).toBe(0);
    expect(performia(["sessions", "list", "--sessions", other]).stdout).toContain("copy.performia");
  });

  it("refuses a corrupt session file and one from a newer schema, and never modifies them", () => {
    const garbage = join(dir, "garbage.performia");
    writeFileSync(garbage, Buffer.alloc(8192, 7));
    const before = hash(garbage);
    const r = performia(["replay", garbage, "--check"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/garbage\.performia/);
    expect(hash(garbage)).toBe(before);
    expect(performia(["sessions", "import", garbage, "--sessions", sessions]).status).toBe(2);

    const src = join(dir, "src.performia");
    expect(
      performia([
        "perform",
        "--song",
        "tempo-study",
        "--input",
        guitar,
        "--max-seconds",
        "2",
        "--session",
        src,
      ]).status,
    ).toBe(0);
    const newer = join(dir, "newer.performia");
    copyFileSync(src, newer);
    const db = new Database(newer);
    db.pragma("user_version = 99");
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    const newerHash = hash(newer);
    const n = performia(["replay", newer, "--check"]);
    expect(n.status).toBe(2);
    expect(n.stderr).toMatch(/newer/);
    expect(n.stderr).toMatch(/upgrade/i);
    expect(hash(newer)).toBe(newerHash);
  });

  it("leaves an interrupted session that opens and replays up to where it stopped when killed", async () => {
    // A long performance (three minutes), killed with SIGKILL once recording is under way.
    const one = readWav(guitar).samples;
    const long = new Float32Array(one.length * 5);
    for (let i = 0; i < 5; i++) long.set(one, i * one.length);
    const input = join(dir, "long.wav");
    writeWav(input, long, 44100);
    const session = join(dir, "killed.performia");
    const child = performiaAsync([
      "perform",
      "--song",
      "tempo-study",
      "--input",
      input,
      "--session",
      session,
      "--output",
      join(dir, "killed.wav"),
    ]);
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(`${session}-wal`) && statSync(`${session}-wal`).size > 2_000_000) break;
    }
    child.kill("SIGKILL");
    await exited;

    const reader = SessionReader.open(session);
    const info = reader.info();
    expect(info.status).toBe("interrupted");
    expect(info.frames).toBeGreaterThan(44100);
    expect(info.frames).toBeLessThan(long.length);
    reader.close();
    const show = performia(["sessions", "show", session]);
    expect(show.stdout).toMatch(/status\s+interrupted/);
    const r = performia(["replay", session, "--check"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/all \d+ decisions identical/);
  });
});
