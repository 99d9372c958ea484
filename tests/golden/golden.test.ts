/**
 * The golden sessions: each is replayed with --check under the current code. A change that
 * alters what the band plays fails here with the replay's diff. To re-record them on purpose:
 * npm run golden:record
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { goldenSessionPath, readGoldenManifest, SessionReader } from "@performia/engine";
import { performia, tempDir } from "../support/cli.js";

const manifest = readGoldenManifest();

describe("golden sessions", () => {
  it("are at least three short sessions: a sung melody, a tempo change, a drum-led one", () => {
    expect(manifest.length).toBeGreaterThanOrEqual(3);
    const kinds = manifest.map((m) => m.description).join(" | ");
    expect(kinds).toMatch(/sung/);
    expect(kinds).toMatch(/tempo/);
    expect(kinds).toMatch(/drum/);
    for (const m of manifest) {
      const r = SessionReader.open(goldenSessionPath(m));
      expect(r.info().durationSeconds).toBeLessThan(20);
      expect(r.info().status).toBe("complete");
      r.close();
    }
  });

  for (const entry of manifest) {
    it(`${entry.name}: replay --check reproduces every decision`, () => {
      const r = performia(["replay", goldenSessionPath(entry), "--check"]);
      expect(r.status, `${r.stdout}\n${r.stderr}\nIf this change is intended: npm run golden:record`).toBe(0);
      expect(r.stdout).toMatch(/✓ all \d+ decisions identical/);
    });
  }

  it("a session whose band played differently fails the check with a readable diff", () => {
    const entry = manifest[0]!;
    const copy = join(tempDir("golden"), "altered.performia");
    copyFileSync(goldenSessionPath(entry), copy);
    const db = new Database(copy);
    const row = db
      .prepare(
        "SELECT id, pitch, start_beats FROM decisions WHERE agent = 'bass' ORDER BY start_frame LIMIT 1 OFFSET 3",
      )
      .get() as { id: number; pitch: number; start_beats: number };
    db.prepare("UPDATE decisions SET pitch = pitch + 2 WHERE id = ?").run(row.id);
    db.close();
    const r = performia(["replay", copy, "--check"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✗ 1 decision differ/);
    expect(r.stdout).toMatch(
      /first divergent decision: bar \d+ beat [\d.]+ \([\d.]+ s\), agent bass, changed/,
    );
    expect(r.stdout).toMatch(new RegExp(`expected: \\S+ \\(${row.pitch + 2}\\)`));
    expect(r.stdout).toMatch(new RegExp(`actual:   \\S+ \\(${row.pitch}\\)`));
    expect(r.stdout).toMatch(/bass\s+\d+\s+1\s+0\s+0/);
    expect(r.stdout).toMatch(/beat tracking: recorded \d+ beats, replayed \d+; F 1\.000/);
  });
});
