/**
 * Session folder maintenance for `performia sessions`: listing, marking dead recordings as
 * interrupted, upgrading older files. Main thread. Every writable open is preceded by a
 * read-only check, so a newer or corrupt file is never modified.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { SessionInfo } from "@performia/protocol";
import { PerformiaError, SESSION_SCHEMA_VERSION } from "@performia/protocol";
import { openChecked, readError, readMeta, recordingIsAlive } from "./file.js";
import { SessionReader } from "./reader.js";
import type { Migration } from "./schema.js";
import { MIGRATIONS, SESSION_EXTENSION, migrate } from "./schema.js";

/** The `.performia` files of `dir`, newest first; files that cannot be read are reported, not thrown. */
export function listSessions(dir: string): {
  sessions: SessionInfo[];
  errors: { path: string; error: string }[];
} {
  const folder = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { sessions: [], errors: [] };
    throw new PerformiaError(`cannot list sessions in ${folder}: ${(e as Error).message}`, "session-list");
  }
  const sessions: SessionInfo[] = [];
  const errors: { path: string; error: string }[] = [];
  for (const name of names.filter((n) => n.endsWith(SESSION_EXTENSION)).sort()) {
    const path = join(folder, name);
    try {
      const reader = SessionReader.open(path);
      try {
        sessions.push(reader.info());
      } finally {
        reader.close();
      }
    } catch (e) {
      errors.push({ path, error: e instanceof Error ? e.message : String(e) });
    }
  }
  sessions.sort((a, b) =>
    a.createdAt === b.createdAt ? b.path.localeCompare(a.path) : a.createdAt < b.createdAt ? 1 : -1,
  );
  return { sessions, errors };
}

/**
 * Set a dead recording's status to "interrupted" (and fold its WAL into the file). Only for
 * files of the current schema whose recorder, on this host, no longer runs.
 * @returns true when the file was changed
 */
export function markInterrupted(path: string): boolean {
  const { file, db, version } = openChecked(path, { allowOlder: true });
  let dead: boolean;
  try {
    dead =
      version === SESSION_SCHEMA_VERSION &&
      readMeta(db).get("status") === "recording" &&
      !recordingIsAlive(readMeta(db));
  } finally {
    db.close();
  }
  if (!dead) return false;
  const rw = new Database(file, { fileMustExist: true });
  try {
    const changed = rw
      .prepare("UPDATE meta SET value = 'interrupted' WHERE key = 'status' AND value = 'recording'")
      .run();
    rw.pragma("wal_checkpoint(TRUNCATE)");
    rw.pragma("journal_mode = DELETE");
    return changed.changes > 0;
  } catch (e) {
    throw readError(file, e);
  } finally {
    rw.close();
  }
}

/**
 * Apply the migrations an older session file lacks (one transaction each).
 * @returns the schema versions before and after
 */
export function upgradeSession(
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  const latest = migrations.at(-1)?.version ?? 0;
  const { file, db, version } = openChecked(path, { allowOlder: true, latest });
  const meta = readMeta(db);
  db.close();
  if (version === latest) return { from: version, to: version };
  if (meta.get("status") === "recording" && recordingIsAlive(meta)) {
    throw new PerformiaError(
      `session file ${file} is being recorded`,
      "session-busy",
      "upgrade it once the recording ends",
    );
  }
  const rw = new Database(file, { fileMustExist: true });
  try {
    const result = migrate(rw, migrations);
    rw.pragma("journal_mode = DELETE");
    return result;
  } catch (e) {
    throw readError(file, e);
  } finally {
    rw.close();
  }
}
