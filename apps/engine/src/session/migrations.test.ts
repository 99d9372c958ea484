import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SESSION_SCHEMA_VERSION } from "@performia/protocol";
import type { Migration } from "./index.js";
import { MIGRATIONS, migrate, SessionReader, SessionWriter, upgradeSession } from "./index.js";
import { openChecked } from "./file.js";
import { REQUIRED_TABLES } from "./schema.js";
import { header, sha256, tempDir } from "./test-fixtures.js";

const tables = (db: Database.Database): string[] =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

/** A hypothetical next schema: decisions learn whether they were humanized. */
const V2: Migration = {
  version: SESSION_SCHEMA_VERSION + 1,
  description: "decisions.humanized",
  up(db) {
    db.exec("ALTER TABLE decisions ADD COLUMN humanized INTEGER NOT NULL DEFAULT 0");
  },
};

async function v1Fixture(path: string): Promise<void> {
  const w = await SessionWriter.create(path, header());
  w.recordInput(0, new Float32Array(128).fill(0.25), 128);
  w.recordDecisions([
    {
      agent: "bass",
      instrument: "bass",
      pitch: 40,
      velocity: 100,
      start: 0 as never,
      duration: 1 as never,
      decidedAt: 0 as never,
      startFrame: 10 as never,
      endFrame: 22060 as never,
    },
  ]);
  await w.close();
}

describe("migrations", () => {
  it("are numbered 1..SESSION_SCHEMA_VERSION in order", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(
      Array.from({ length: SESSION_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  });

  it("build the whole schema from a v0 (empty) database", () => {
    const db = new Database(join(tempDir(), "v0.performia"));
    expect(db.pragma("user_version", { simple: true })).toBe(0);
    expect(migrate(db)).toEqual({ from: 0, to: SESSION_SCHEMA_VERSION });
    expect(tables(db)).toEqual([...REQUIRED_TABLES].sort());
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
      SESSION_SCHEMA_VERSION,
    );
    expect(migrate(db)).toEqual({ from: SESSION_SCHEMA_VERSION, to: SESSION_SCHEMA_VERSION }); // idempotent
    db.close();
  });

  it("upgrade an older (v1) file in place, keeping its data", async () => {
    const path = join(tempDir(), "v1.performia");
    await v1Fixture(path);
    expect(upgradeSession(path)).toEqual({ from: 1, to: 1 }); // already current: untouched
    expect(upgradeSession(path, [...MIGRATIONS, V2])).toEqual({ from: 1, to: 2 });
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(2);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(2);
    expect(db.prepare("SELECT pitch, humanized FROM decisions").all()).toEqual([{ pitch: 40, humanized: 0 }]);
    expect(db.prepare("SELECT count(*) FROM input_blocks").pluck().get()).toBe(1);
    expect(db.pragma("journal_mode", { simple: true })).toBe("delete");
    db.close();
    // This version reads up to schema 1: the upgraded file is now "newer".
    expect(() => SessionReader.open(path)).toThrow(/newer Performia \(schema 2\)/);
  });

  it("roll a failed migration back entirely", async () => {
    const path = join(tempDir(), "v1-bad.performia");
    await v1Fixture(path);
    const before = sha256(path);
    const broken: Migration = {
      version: 2,
      description: "fails halfway",
      up(db) {
        db.exec("CREATE TABLE half (x)");
        throw new Error("boom");
      },
    };
    expect(() => upgradeSession(path, [...MIGRATIONS, broken])).toThrow(/boom/);
    const reader = SessionReader.open(path);
    expect(reader.info().schemaVersion).toBe(1);
    expect(reader.decisions()).toHaveLength(1);
    reader.close();
    const db = new Database(path, { readonly: true });
    expect(tables(db)).not.toContain("half");
    db.close();
    expect(sha256(path)).toBe(before);
  });

  it("refuse an older file for reading, naming the upgrade command, and a v0 file", async () => {
    const dir = tempDir();
    const v1 = join(dir, "v1.performia");
    await v1Fixture(v1);
    // As a version that writes schema 2 would see it:
    expect(() => openChecked(v1, { latest: 2 })).toThrow(
      /schema 1, older than this version's 2[\s\S]*performia sessions upgrade/,
    );

    const path = join(dir, "v0.performia");
    const db = new Database(path);
    db.exec("CREATE TABLE stray (x)");
    db.close();
    expect(() => SessionReader.open(path)).toThrow(/no Performia schema/);
    expect(() => upgradeSession(path)).toThrow(/no Performia schema/);
  });
});
