/**
 * Opening an existing session file safely: always read-only first, checked for being SQLite,
 * of a schema this code knows, with the tables and meta it needs. Main thread (never the audio path).
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import Database from "better-sqlite3";
import type { SessionStatus } from "@performia/protocol";
import { PerformiaError, SESSION_SCHEMA_VERSION } from "@performia/protocol";
import type { Db, MetaValue } from "./schema.js";
import { META_KEYS, REQUIRED_TABLES, schemaVersion } from "./schema.js";

const SQLITE_MAGIC = "SQLite format 3\0";

export function corrupt(file: string, why: string): PerformiaError {
  return new PerformiaError(
    `session file ${file} is unreadable: ${why}`,
    "session-corrupt",
    "it is not a Performia session, or it is damaged; it was left as it is",
  );
}

/** A PerformiaError for errors thrown by SQLite while reading `file`; others pass through. */
export function readError(file: string, e: unknown): Error {
  if (e instanceof PerformiaError) return e;
  if (e instanceof Error && "code" in e && String((e as { code: unknown }).code).startsWith("SQLITE_")) {
    return corrupt(file, e.message);
  }
  return e instanceof Error ? e : new Error(String(e));
}

export interface CheckedFile {
  file: string;
  db: Db;
  version: number;
}

export interface CheckOptions {
  /** Let an older schema through (for upgrades); otherwise it is an error telling how to upgrade. */
  allowOlder?: boolean;
  /** The newest schema accepted (default: the one this code writes). */
  latest?: number;
}

/** Open `path` read-only and check it; the caller closes `db`. */
export function openChecked(path: string, options: CheckOptions = {}): CheckedFile {
  const latest = options.latest ?? SESSION_SCHEMA_VERSION;
  const file = resolve(path);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw corrupt(file, "it is not a regular file");
    size = st.size;
  } catch (e) {
    if (e instanceof PerformiaError) throw e;
    throw new PerformiaError(`session file ${file} does not exist`, "session-missing");
  }
  if (size < 100 || readHead(file) !== SQLITE_MAGIC) throw corrupt(file, "not an SQLite database");
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw corrupt(file, (e as Error).message);
  }
  try {
    const version = schemaVersion(db);
    if (version > latest) {
      throw new PerformiaError(
        `session file ${file} was written by a newer Performia (schema ${version}); this version reads up to ${latest}`,
        "session-newer",
        "upgrade Performia",
      );
    }
    if (version === 0) throw corrupt(file, "it has no Performia schema (schema 0)");
    if (version < latest && !options.allowOlder) {
      throw new PerformiaError(
        `session file ${file} has schema ${version}, older than this version's ${latest}`,
        "session-older",
        `upgrade it with \`performia sessions upgrade ${file}\` (reading never modifies a file)`,
      );
    }
    if (version === latest) checkTables(file, db);
    return { file, db, version };
  } catch (e) {
    db.close();
    throw readError(file, e);
  }
}

function readHead(file: string): string {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    return head.toString("latin1");
  } finally {
    closeSync(fd);
  }
}

function checkTables(file: string, db: Db): void {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  const names = new Set(rows.map((r) => r.name));
  const missing = REQUIRED_TABLES.filter((t) => !names.has(t));
  if (missing.length > 0)
    throw corrupt(file, `missing table${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  const meta = readMeta(db);
  const absent = META_KEYS.filter((k) => !meta.has(k));
  if (absent.length > 0) throw corrupt(file, `missing meta ${absent.join(", ")}`);
}

export function readMeta(db: Db): Map<string, MetaValue> {
  const rows = db.prepare("SELECT key, value FROM meta").all() as { key: string; value: MetaValue }[];
  return new Map(rows.map((r) => [r.key, r.value]));
}

/** True when a process with this id exists on this host. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a "recording" file is really still being recorded: its process lives, on this host. */
export function recordingIsAlive(meta: Map<string, MetaValue>): boolean {
  return meta.get("hostname") === hostname() && pidAlive(Number(meta.get("pid")));
}

/** The status a person should see: a "recording" file whose recorder is gone is interrupted. */
export function effectiveStatus(meta: Map<string, MetaValue>): SessionStatus {
  const status = meta.get("status");
  if (status === "complete" || status === "interrupted") return status;
  return recordingIsAlive(meta) ? "recording" : "interrupted";
}
