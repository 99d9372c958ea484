/**
 * The session file's schema: pragmas, tables and the migrations that build them. A file's
 * `PRAGMA user_version` is the number of migrations applied to it; `meta.schema_version` repeats it.
 */
import type BetterSqlite3 from "better-sqlite3";
import { PerformiaError, SESSION_SCHEMA_VERSION } from "@performia/protocol";

export type Db = BetterSqlite3.Database;

/** One session, one file with this extension. */
export const SESSION_EXTENSION = ".performia";
/** Set before WAL: larger pages suit the many 512-byte input blobs. */
export const PAGE_SIZE = 16384;

export interface Migration {
  /** The schema version this migration produces (the first is 1). */
  readonly version: number;
  readonly description: string;
  /** Runs inside the migration's transaction. */
  up(db: Db): void;
}

/** Applied in order on creation and when an older file is upgraded. Append; never edit a published one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      "initial schema: meta, input, analysis, events, conductor, decisions, settings, stats, annotations",
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID;
        CREATE TABLE input_blocks (frame INTEGER PRIMARY KEY, n INTEGER NOT NULL, samples BLOB NOT NULL);
        CREATE TABLE analysis (
          id INTEGER PRIMARY KEY, frame INTEGER NOT NULL, hz REAL, confidence REAL, rms REAL,
          onset_strength REAL, missed INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX analysis_frame ON analysis(frame);
        CREATE TABLE events (id INTEGER PRIMARY KEY, frame INTEGER NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL);
        CREATE INDEX events_frame ON events(frame);
        CREATE TABLE conductor (id INTEGER PRIMARY KEY, frame INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE TABLE decisions (
          id INTEGER PRIMARY KEY, agent TEXT NOT NULL, instrument TEXT NOT NULL,
          pitch INTEGER NOT NULL, velocity INTEGER NOT NULL,
          start_beats REAL NOT NULL, duration_beats REAL NOT NULL,
          decided_at INTEGER NOT NULL, start_frame INTEGER NOT NULL, end_frame INTEGER NOT NULL);
        CREATE INDEX decisions_start_frame ON decisions(start_frame);
        CREATE TABLE settings_changes (id INTEGER PRIMARY KEY, frame INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE TABLE block_stats (frame INTEGER PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE annotations (
          id INTEGER PRIMARY KEY, start_seconds REAL NOT NULL, end_seconds REAL NOT NULL,
          text TEXT NOT NULL, author TEXT NOT NULL DEFAULT '',
          created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      `);
    },
  },
];

/** Tables a readable file of the current schema must have. */
export const REQUIRED_TABLES = [
  "meta",
  "input_blocks",
  "analysis",
  "events",
  "conductor",
  "decisions",
  "settings_changes",
  "block_stats",
  "annotations",
] as const;

/** Keys of the meta table. */
export const META_KEYS = [
  "schema_version",
  "engine_version",
  "created_at",
  "status",
  "pid",
  "hostname",
  "song",
  "settings",
  "seed",
  "input_name",
  "sample_rate",
  "block_size",
  "ended_at",
  "frames",
] as const;
export type MetaKey = (typeof META_KEYS)[number];
export type MetaValue = string | number | null;

/** The pragmas of a new file, in this order (page size before WAL). Writer worker only. */
export function initPragmas(db: Db): void {
  db.pragma(`page_size = ${PAGE_SIZE}`);
  const mode = db.pragma("journal_mode = WAL", { simple: true });
  if (mode !== "wal") throw new Error(`could not switch to WAL mode (got ${String(mode)})`);
  db.pragma("synchronous = NORMAL");
}

/** The file's `user_version`. */
export function schemaVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Bring a writable database up to the last of `migrations`, one transaction per migration.
 * @returns the version before and after
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const from = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new PerformiaError(
      `database was written by a newer Performia (schema ${from}); this version knows up to ${latest}`,
      "session-newer",
      "upgrade Performia",
    );
  }
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(m.version);
    })();
  }
  return { from, to: Math.max(from, latest) };
}

/** The schema this code writes; also the last migration's version (checked by a test). */
export const CURRENT_SCHEMA = SESSION_SCHEMA_VERSION;
