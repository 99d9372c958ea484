/**
 * `performia sessions list|show|export|import`: the recorded sessions on this disk.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { DeviceEvent, SessionInfo } from "@performia/protocol";
import { PerformiaError } from "@performia/protocol";
import { assertWritable } from "../io/wav.js";
import { listSessions, SessionReader, sessionMidi } from "../session/index.js";

export function formatSessionLine(s: SessionInfo): string {
  const status = s.status === "complete" ? "" : `  [${s.status}]`;
  return `${s.createdAt.slice(0, 19).replace("T", " ")}  ${s.songTitle.padEnd(24)} ${s.style.padEnd(8)} ${s.durationSeconds.toFixed(1).padStart(7)} s  ${String(s.decisions).padStart(6)} notes  ${basename(s.path)}${status}`;
}

export function sessionsList(dir: string): string {
  const { sessions, errors } = listSessions(dir);
  const lines: string[] = [];
  if (sessions.length === 0)
    lines.push(`no sessions in ${dir} yet: run performia perform (or npm start) to record one`);
  for (const s of sessions) lines.push(formatSessionLine(s));
  for (const e of errors) lines.push(`! ${e.path}: ${e.error}`);
  return lines.join("\n");
}

/** A session given by path, or by file name inside the sessions folder (never outside it). */
export function resolveSession(dir: string, name: string): string {
  if (existsSync(name)) return resolve(name);
  const inDir = join(dir, basename(name));
  if (existsSync(inDir)) return inDir;
  if (existsSync(`${inDir}.performia`)) return `${inDir}.performia`;
  throw new PerformiaError(
    `session "${name}" not found`,
    "NO_SESSION",
    `see performia sessions list (folder ${dir})`,
  );
}

export function sessionShow(path: string): string {
  const r = SessionReader.open(path);
  try {
    const info = r.info();
    const h = r.header();
    const byAgent: Record<string, number> = {};
    for (const d of r.decisions()) byAgent[d.agent] = (byAgent[d.agent] ?? 0) + 1;
    const events = r.events();
    const count = (k: string): number => events.filter((e) => e.kind === k).length;
    return [
      `${info.path}`,
      `  song       ${info.songTitle} (${h.song.timeSignature.beats}/${h.song.timeSignature.unit}, ${h.song.tempo} BPM chart)`,
      `  recorded   ${info.createdAt} by engine ${info.engineVersion} (schema ${info.schemaVersion})`,
      `  status     ${info.status}`,
      `  input      ${info.inputName}, ${info.durationSeconds.toFixed(2)} s, ${info.sampleRate} Hz, block ${info.blockSize}`,
      `  settings   style ${h.settings.style}, follow ${h.settings.followMode}, seed ${h.settings.seed}`,
      `  heard      ${count("onset")} onsets, ${count("beat")} beats, ${count("chord")} chord changes`,
      `  played     ${Object.entries(byAgent)
        .map(([a, n]) => `${a} ${n}`)
        .join(", ")} notes`,
      `  changes    ${r.settingsChanges().length} settings changes`,
      ...deviceGaps(r.deviceEvents(), info.sampleRate),
    ].join("\n");
  } finally {
    r.close();
  }
}

/** The device's gaps during a live session, one line (none when it never went away). */
function deviceGaps(events: readonly DeviceEvent[], sampleRate: number): string[] {
  if (events.length === 0) return [];
  const gaps: string[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.status !== "lost") continue;
    const back = events[i + 1]?.status === "restored" ? events[i + 1]! : null;
    const from = (e.frame / sampleRate).toFixed(1);
    gaps.push(back ? `${from}–${(back.frame / sampleRate).toFixed(1)} s` : `${from} s to the end`);
  }
  return [`  device     lost ${gaps.length} time(s): ${gaps.join(", ")} (${events[0]!.device})`];
}

/** Copy a session file with its write-ahead log, if a crash left one (it holds the last batches). */
function copySession(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}

/** Copy a session out, after checking it opens. */
export function sessionExport(path: string, to: string): string {
  SessionReader.open(path).close();
  copySession(path, to);
  return to;
}

/** Validate a session file from elsewhere, then copy it into the sessions folder. */
export function sessionImport(dir: string, from: string): string {
  const reader = SessionReader.open(from);
  reader.close();
  mkdirSync(dir, { recursive: true });
  let to = join(dir, basename(from));
  if (!to.endsWith(".performia")) to += ".performia";
  if (existsSync(to))
    throw new PerformiaError(`${to} already exists`, "EXISTS", "rename the file before importing it");
  copyFileSync(from, to);
  return to;
}

/** The band's parts of a session as a Standard MIDI File at `to`. Returns a one-line summary. */
export function sessionMidiExport(path: string, to: string): string {
  assertWritable(to);
  const r = SessionReader.open(path);
  try {
    const bytes = sessionMidi(r);
    writeFileSync(to, bytes);
    const agents = [...new Set(r.decisions().map((d) => d.agent))];
    return `wrote ${to}: ${agents.length} tracks (${agents.join(", ")}), ${bytes.length} bytes`;
  } finally {
    r.close();
  }
}
