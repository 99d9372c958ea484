/**
 * SessionReader: reads a session file, read-only, for replay, listing and the studio. Main thread
 * (or any thread that is not the audio path). JSON columns are parsed with the protocol's schemas.
 */
import { endianness } from "node:os";
import { basename } from "node:path";
import type { AnalysisFrame, SampleFrame, SessionInfo } from "@performia/protocol";
import {
  ConductorUpdate,
  DeviceLatency,
  Decision,
  describeIssues,
  DeviceEvent,
  PerformanceEvent,
  Settings,
  SettingsChange,
  SongMap,
} from "@performia/protocol";
import type { Db, MetaValue } from "./schema.js";
import { SESSION_EXTENSION } from "./schema.js";
import type { SessionHeader } from "./writer.js";
import { corrupt, effectiveStatus, openChecked, readError, readMeta } from "./file.js";

/** The part of a protocol (zod) schema used here; zod itself is not a dependency of the engine. */
interface Schema<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: Parameters<typeof describeIssues>[0] };
}

/** Input blocks read per query while streaming. */
const INPUT_PAGE = 256;
const littleEndian = endianness() === "LE";

interface AnalysisRow {
  frame: number;
  hz: number | null;
  confidence: number | null;
  rms: number | null;
  onset_strength: number | null;
  missed: number;
}

interface DecisionRow {
  agent: string;
  instrument: string;
  pitch: number;
  velocity: number;
  start_beats: number;
  duration_beats: number;
  decided_at: number;
  start_frame: number;
  end_frame: number;
}

export class SessionReader {
  readonly path: string;
  private readonly db: Db;
  private readonly version: number;
  private readonly meta: Map<string, MetaValue>;

  private constructor(path: string, db: Db, version: number) {
    this.path = path;
    this.db = db;
    this.version = version;
    this.meta = readMeta(db);
  }

  /**
   * Open and validate a session file, read-only: it exists, is SQLite, has a schema this version
   * reads and the tables and meta it needs. Throws a PerformiaError naming the file otherwise.
   */
  static open(path: string): SessionReader {
    const { file, db, version } = openChecked(path);
    try {
      return new SessionReader(file, db, version);
    } catch (e) {
      db.close();
      throw readError(file, e);
    }
  }

  /** What the file says about itself; a "recording" whose recorder is gone reads "interrupted". */
  info(): SessionInfo {
    return this.guard(() => {
      const header = this.header();
      const frames = this.num("frames");
      const decisions = (this.db.prepare("SELECT count(*) AS n FROM decisions").get() as { n: number }).n;
      return {
        id: basename(this.path, SESSION_EXTENSION),
        path: this.path,
        schemaVersion: this.version,
        engineVersion: header.engineVersion,
        createdAt: header.createdAt,
        status: effectiveStatus(this.meta),
        songTitle: header.song.title,
        style: header.settings.style,
        sampleRate: header.settings.sampleRate,
        blockSize: header.settings.blockSize,
        seed: header.settings.seed,
        frames,
        durationSeconds: frames / header.settings.sampleRate,
        inputName: header.inputName,
        decisions,
        latency: header.latency ?? null,
      };
    });
  }

  /** The song, settings at the start, engine version, input name and creation time. */
  header(): SessionHeader {
    return {
      song: this.json(SongMap, this.str("song"), "meta song"),
      settings: this.json(Settings, this.str("settings"), "meta settings"),
      engineVersion: this.str("engine_version"),
      inputName: this.str("input_name"),
      createdAt: this.str("created_at"),
      latency: this.meta.has("latency")
        ? this.json(DeviceLatency, this.str("latency"), "meta latency")
        : null,
    };
  }

  /** When the recording ended (ISO), or null when it did not end cleanly. */
  endedAt(): string | null {
    const v = this.meta.get("ended_at");
    return typeof v === "string" ? v : null;
  }

  /** Settings changes in the order they happened. */
  settingsChanges(): SettingsChange[] {
    return this.jsonRows(SettingsChange, "settings_changes");
  }

  /**
   * The input blocks in frame order, exactly as the pipeline saw them, read a page at a time
   * (never all in memory). Each block is a fresh Float32Array the caller may keep.
   */
  *inputBlocks(): IterableIterator<{ frame: SampleFrame; samples: Float32Array }> {
    const page = this.db.prepare(
      "SELECT frame, n, samples FROM input_blocks WHERE frame > ? ORDER BY frame LIMIT ?",
    );
    let after = -1;
    for (;;) {
      const rows = this.guard(
        () => page.all(after, INPUT_PAGE) as { frame: number; n: number; samples: Buffer }[],
      );
      for (const r of rows) {
        if (r.samples.length !== r.n * 4)
          throw corrupt(this.path, `input block at frame ${r.frame} has the wrong size`);
        yield { frame: r.frame as SampleFrame, samples: toFloat32(r.samples, r.n) };
      }
      const last = rows.at(-1);
      if (!last || rows.length < INPUT_PAGE) return;
      after = last.frame;
    }
  }

  /** Analysis frames in recorded order (NULL measures read back as NaN, as recorded). */
  analysis(): AnalysisFrame[] {
    return this.guard(() =>
      (
        this.db
          .prepare("SELECT frame, hz, confidence, rms, onset_strength, missed FROM analysis ORDER BY id")
          .all() as AnalysisRow[]
      ).map((r) => ({
        frame: r.frame as SampleFrame,
        hz: r.hz,
        confidence: r.confidence ?? Number.NaN,
        rms: r.rms ?? Number.NaN,
        onsetStrength: r.onset_strength ?? Number.NaN,
        missed: r.missed !== 0,
      })),
    );
  }

  /** Performance events in recorded order (the device's events are kept apart: `deviceEvents`). */
  events(): PerformanceEvent[] {
    return this.jsonRows(PerformanceEvent, "events", "kind <> 'device'");
  }

  /**
   * The device's comings and goings during a live session, in recorded order: each "lost" is
   * followed by a "restored" unless the device never came back. None in older files.
   */
  deviceEvents(): DeviceEvent[] {
    return this.jsonRows(DeviceEvent, "events", "kind = 'device'");
  }

  /** Conductor updates in recorded order. */
  conductor(): ConductorUpdate[] {
    return this.jsonRows(ConductorUpdate, "conductor");
  }

  /** Decisions in recorded order, every field exactly as recorded. */
  decisions(): Decision[] {
    return this.guard(() =>
      (this.db.prepare("SELECT * FROM decisions ORDER BY id").all() as DecisionRow[]).map((r, i) =>
        this.parse(
          Decision,
          {
            agent: r.agent,
            instrument: r.instrument,
            pitch: r.pitch,
            velocity: r.velocity,
            start: r.start_beats,
            duration: r.duration_beats,
            decidedAt: r.decided_at,
            startFrame: r.start_frame,
            endFrame: r.end_frame,
          },
          `decisions row ${i + 1}`,
        ),
      ),
    );
  }

  /** Per-block timing figures, by frame. */
  blockStats(): { frame: number; stats: Record<string, number> }[] {
    return this.guard(() =>
      (
        this.db.prepare("SELECT frame, json FROM block_stats ORDER BY frame").all() as {
          frame: number;
          json: string;
        }[]
      ).map((r) => ({ frame: r.frame, stats: JSON.parse(r.json) as Record<string, number> })),
    );
  }

  close(): void {
    this.db.close();
  }

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw readError(this.path, e);
    }
  }

  private str(key: string): string {
    const v = this.meta.get(key);
    if (typeof v !== "string") throw corrupt(this.path, `meta ${key} is not text`);
    return v;
  }

  private num(key: string): number {
    const v = this.meta.get(key);
    if (typeof v !== "number") throw corrupt(this.path, `meta ${key} is not a number`);
    return v;
  }

  private parse<T>(schema: Schema<T>, value: unknown, where: string): T {
    const r = schema.safeParse(value);
    if (!r.success) throw corrupt(this.path, describeIssues(r.error, where));
    return r.data;
  }

  private json<T>(schema: Schema<T>, text: string, where: string): T {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw corrupt(this.path, `${where} is not JSON`);
    }
    // Validated, but returned as recorded: parsing would fill defaults (zod 4 keeps `.default()`
    // under `.partial()`, so a patch `{ volume }` would gain `enabled: true`) and a replay must
    // apply exactly what the live session applied.
    this.parse(schema, value, where);
    return value as T;
  }

  private jsonRows<T>(schema: Schema<T>, table: string, where = "1"): T[] {
    return this.guard(() =>
      (
        this.db.prepare(`SELECT json FROM ${table} WHERE ${where} ORDER BY id`).all() as { json: string }[]
      ).map((r, i) => this.json(schema, r.json, `${table} row ${i + 1}`)),
    );
  }
}

/** Float32 little-endian bytes to a fresh Float32Array, bit for bit. */
function toFloat32(bytes: Buffer, n: number): Float32Array {
  const out = new Float32Array(n);
  const view = new Uint8Array(out.buffer);
  view.set(bytes);
  if (!littleEndian) Buffer.from(out.buffer).swap32();
  return out;
}
