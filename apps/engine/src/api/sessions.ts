/**
 * The sessions folder as the API sees it: names, never paths (a name given to the API cannot
 * reach outside the folder), session data for replay and comparison, annotations, deletion,
 * import after validation, and a fresh replay under the current code. Runs on the engine's main
 * thread, never on the audio path.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve, sep } from "node:path";
import type { BeatEvent, Decision, SessionInfo } from "@performia/protocol";
import { PerformiaError } from "@performia/protocol";
import { replay } from "../commands/replay.js";
import { readWav } from "../io/wav.js";
import { sessionImport } from "../commands/sessions.js";
import { diffDecisions, type DecisionDiff } from "../replay/diff.js";
import {
  addAnnotation,
  deleteAnnotation,
  editAnnotation,
  listAnnotations,
  listSessions,
  SessionReader,
  type Annotation,
  type AnnotationInput,
} from "../session/index.js";
import { beatAsynchrony, notesPerAgent, tempoCurve, type Asynchrony } from "./figures.js";
import { latencyReport, type LatencyReport } from "./latency.js";

/** A session's name: a file name in the folder, ending in .performia. */
export const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.performia$/;

export type SessionSummary = Omit<SessionInfo, "path"> & { name: string };

/** Where rendered bands are kept (outside the sessions folder: a cache, safe to delete). */
const RENDER_CACHE = join(tmpdir(), "performia-renders");

export class SessionStore {
  readonly dir: string;
  private readonly rendering = new Map<string, Promise<string>>();
  private readonly overview = new Map<string, LatencyOverviewRow>();

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The file of a session name; refuses anything that is not a plain name inside the folder. */
  path(name: string): string {
    if (!SESSION_NAME.test(name) || name.includes("..")) {
      throw new PerformiaError(
        `"${name}" is not a session name (a file name ending in .performia, no folders)`,
        "BAD_NAME",
      );
    }
    const file = resolve(this.dir, name);
    if (!file.startsWith(this.dir + sep))
      throw new PerformiaError(`"${name}" is outside the sessions folder`, "BAD_NAME");
    if (!existsSync(file))
      throw new PerformiaError(`no session "${name}"`, "NO_SESSION", "list the sessions to see their names");
    return file;
  }

  list(filter: { query?: string; status?: SessionInfo["status"] } = {}): {
    sessions: SessionSummary[];
    errors: { name: string; error: string }[];
  } {
    const { sessions, errors } = listSessions(this.dir);
    const q = filter.query?.trim().toLowerCase() ?? "";
    return {
      sessions: sessions
        .filter((s) => (filter.status ? s.status === filter.status : true))
        .filter(
          (s) =>
            q === "" ||
            [s.songTitle, s.style, basename(s.path), s.inputName].some((f) => f.toLowerCase().includes(q)),
        )
        .map(({ path, ...rest }) => ({ ...rest, name: basename(path) })),
      errors: errors.map((e) => ({ name: basename(e.path), error: e.error })),
    };
  }

  private read<T>(name: string, f: (r: SessionReader) => T): T {
    const r = SessionReader.open(this.path(name));
    try {
      return f(r);
    } finally {
      r.close();
    }
  }

  /** Everything a replay page shows, but the audio (see `inputWav`). */
  data(name: string) {
    return this.read(name, (r) => {
      const info = r.info();
      const { path: _path, ...summary } = info;
      const header = r.header();
      const events = r.events();
      const decisions = r.decisions();
      const beats = events.filter((e): e is BeatEvent => e.kind === "beat");
      const conductor = r.conductor();
      return {
        info: { ...summary, name },
        song: header.song,
        settings: header.settings,
        settingsChanges: r.settingsChanges(),
        analysis: r.analysis(),
        events,
        conductor,
        decisions,
        /** Per-block stage timings and the device, summarised (see `latency`). */
        latency: sessionLatency(r),
        annotations: listAnnotations(this.path(name)),
        figures: {
          asynchrony: beatAsynchrony(beats, decisions, info.sampleRate),
          tempo: tempoCurve(conductor, info.sampleRate),
          notesPerAgent: notesPerAgent(decisions),
          onsets: events.filter((e) => e.kind === "onset").length,
          beats: beats.length,
          missedHops: r.analysis().filter((a) => a.missed).length,
        },
      };
    });
  }

  /** The latency dashboard of one session: stage timings, the device, asynchrony per beat. */
  latency(name: string): SessionLatency {
    return this.read(name, (r) => {
      const info = r.info();
      const beats = r.events().filter((e): e is BeatEvent => e.kind === "beat");
      return {
        name,
        songTitle: info.songTitle,
        createdAt: info.createdAt,
        roundTrip: info.latency ?? null,
        report: sessionLatency(r),
        asynchrony: beatAsynchrony(beats, r.decisions(), info.sampleRate),
      };
    });
  }

  /**
   * Every session's latency in one line (for the dashboard's comparison across sessions); kept
   * until a file changes.
   */
  latencyOverview(): LatencyOverviewRow[] {
    const rows: LatencyOverviewRow[] = [];
    for (const s of listSessions(this.dir).sessions) {
      const name = basename(s.path);
      const st = statSync(s.path);
      const key = `${name}-${Math.round(st.mtimeMs)}-${st.size}`;
      let row = this.overview.get(key);
      if (!row) {
        const l = this.latency(name);
        const engine = l.report.stages.find((x) => x.key === "engineMs");
        row = {
          name,
          songTitle: l.songTitle,
          createdAt: l.createdAt,
          live: l.report.live,
          blocks: l.report.blocks,
          budgetMs: l.report.budgetMs,
          engineP50: engine?.p50 ?? 0,
          engineP99: engine?.p99 ?? 0,
          engineMax: engine?.max ?? 0,
          engineHistogram: engine?.histogram ?? [],
          histogramEdgesMs: l.report.histogramEdgesMs,
          underflows: l.report.underflows,
          overflows: l.report.overflows,
          missedHops: l.report.missedHops,
          roundTripMs: l.roundTrip?.roundTripMs ?? null,
          asynchronyMedianMs: l.asynchrony.medianMs,
          asynchronyP95Ms: l.asynchrony.p95AbsMs,
        };
        this.overview.set(key, row);
      }
      rows.push(row);
    }
    return rows;
  }

  /** The recorded input as a 16-bit WAV file (for playback in the browser). */
  inputWav(name: string): Buffer {
    return this.read(name, (r) => {
      const info = r.info();
      const chunks: Buffer[] = [];
      let frames = 0;
      for (const block of r.inputBlocks()) {
        const b = Buffer.alloc(block.samples.length * 2);
        for (let i = 0; i < block.samples.length; i++) b.writeInt16LE(pcm16(block.samples[i]!), 2 * i);
        chunks.push(b);
        frames += block.samples.length;
      }
      return Buffer.concat([wavHeader(info.sampleRate, frames), ...chunks]);
    });
  }

  /**
   * The band of a session as a WAV file, rendered by replaying it under the current code (the
   * band is not recorded as audio: it is decided again, exactly) and kept in a cache folder
   * outside the sessions folder, until the session changes. Resolves with the file's path.
   */
  bandWav(name: string): Promise<string> {
    const file = this.path(name);
    const st = statSync(file);
    const key = `${name}-${Math.round(st.mtimeMs)}-${st.size}.wav`;
    const cached = join(RENDER_CACHE, key);
    if (existsSync(cached)) return Promise.resolve(cached);
    let pending = this.rendering.get(key);
    if (!pending) {
      mkdirSync(RENDER_CACHE, { recursive: true });
      const partial = `${cached}.${process.pid}.part`;
      pending = replay({ session: file, out: partial, quiet: true, mix: "band" })
        .then(() => {
          renameSync(partial, cached);
          return cached;
        })
        .finally(() => this.rendering.delete(key));
      this.rendering.set(key, pending);
    }
    return pending;
  }

  /**
   * The stage of a session as a stereo WAV file: the performer (the recorded input) left, the
   * band (rendered, see `bandWav`) right, on one clock; the studio plays and draws it. Cached
   * beside the band. Resolves with the file's path.
   */
  async stageWav(name: string): Promise<string> {
    const band = await this.bandWav(name);
    const stage = band.replace(/\.wav$/, "-stage.wav");
    if (existsSync(stage)) return stage;
    const right = readWav(band).samples;
    const { left, sampleRate } = this.read(name, (r) => {
      const info = r.info();
      const input = new Float32Array(info.frames);
      for (const b of r.inputBlocks())
        input.set(b.samples.subarray(0, Math.max(0, info.frames - b.frame)), b.frame);
      return { left: input, sampleRate: info.sampleRate };
    });
    const frames = Math.max(left.length, right.length);
    const body = Buffer.alloc(frames * 4);
    for (let i = 0; i < frames; i++) {
      body.writeInt16LE(pcm16(left[i] ?? 0), 4 * i);
      body.writeInt16LE(pcm16(right[i] ?? 0), 4 * i + 2);
    }
    const partial = `${stage}.${process.pid}.part`;
    writeFileSync(partial, Buffer.concat([wavHeader(sampleRate, frames, 2), body]));
    renameSync(partial, stage);
    return stage;
  }

  delete(name: string): void {
    const file = this.path(name);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }

  /** A session file from elsewhere, validated before it is copied in. Returns its name. */
  import(from: string): string {
    if (!existsSync(from) || !statSync(from).isFile())
      throw new PerformiaError(`no file ${from} to import`, "NO_FILE");
    mkdirSync(this.dir, { recursive: true });
    return basename(sessionImport(this.dir, from));
  }

  /**
   * A session file sent by a client (the studio's import): validated like `import`, under its own
   * name made safe, with -2, -3… added when a session of that name is already here. Its name.
   */
  importBytes(filename: string, bytes: Buffer): string {
    const stem =
      basename(filename)
        .replace(/\.performia$/i, "")
        .replace(/[^A-Za-z0-9._-]+/g, "-")
        .replace(/^[^A-Za-z0-9]+/, "")
        .slice(0, 180) || "imported";
    mkdirSync(this.dir, { recursive: true });
    let name = `${stem}.performia`;
    for (let i = 2; existsSync(resolve(this.dir, name)); i++) name = `${stem}-${i}.performia`;
    const staging = mkdtempSync(join(tmpdir(), "performia-import-"));
    try {
      const file = join(staging, name);
      writeFileSync(file, bytes);
      return basename(sessionImport(this.dir, file));
    } catch (e) {
      // The sender knows the file by its own name, not by where it was staged here.
      if (e instanceof PerformiaError)
        throw new PerformiaError(e.message.split(join(staging, name)).join(filename), e.code);
      throw e;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /** The file's bytes, for export. */
  export(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  annotations(name: string): Annotation[] {
    return listAnnotations(this.path(name));
  }
  annotate(name: string, a: AnnotationInput): Annotation {
    return addAnnotation(this.path(name), a);
  }
  editAnnotation(name: string, id: number, a: AnnotationInput): Annotation {
    return editAnnotation(this.path(name), id, a);
  }
  deleteAnnotation(name: string, id: number): void {
    deleteAnnotation(this.path(name), id);
  }

  /** Two sessions on one timeline: decisions added, removed and changed, tempo and figures. */
  compare(a: string, b: string): Comparison {
    const da = this.read(a, comparable);
    const db = this.read(b, comparable);
    return { a: da.side, b: db.side, diff: diffDecisions(da.decisions, db.decisions) };
  }

  /** The session replayed under the current code, compared with what was recorded. */
  async rerun(name: string): Promise<Comparison> {
    const recorded = this.read(name, comparable);
    const r = await replay({ session: this.path(name), quiet: true });
    const sr = recorded.side.sampleRate;
    return {
      a: recorded.side,
      b: {
        name: `${name} (replayed now)`,
        sampleRate: sr,
        tempo: tempoCurve(r.replayedUpdates, sr),
        notesPerAgent: notesPerAgent(r.replayed),
        asynchrony: beatAsynchrony(r.replayedBeats, r.replayed, sr),
        analysis: {
          beats: r.replayedBeats.length,
          onsets: null, // a replay does not keep its onsets
          missedHops: recorded.side.analysis.missedHops, // reproduced exactly
        },
      },
      diff: r.diff,
    };
  }
}

export interface ComparisonSide {
  name: string;
  sampleRate: number;
  tempo: { t: number; bpm: number }[];
  notesPerAgent: Record<string, number>;
  asynchrony: Asynchrony;
  /** What the analysis heard: beats and onsets, and hops that missed their deadline. */
  analysis: { beats: number; onsets: number | null; missedHops: number };
}

export interface Comparison {
  a: ComparisonSide;
  b: ComparisonSide;
  diff: DecisionDiff;
}

function comparable(r: SessionReader): { side: ComparisonSide; decisions: Decision[] } {
  const info = r.info();
  const decisions = r.decisions();
  const events = r.events();
  const beats = events.filter((e): e is BeatEvent => e.kind === "beat");
  return {
    side: {
      name: basename(info.path),
      sampleRate: info.sampleRate,
      tempo: tempoCurve(r.conductor(), info.sampleRate),
      notesPerAgent: notesPerAgent(decisions),
      asynchrony: beatAsynchrony(beats, decisions, info.sampleRate),
      analysis: {
        beats: beats.length,
        onsets: events.filter((e) => e.kind === "onset").length,
        missedHops: r.analysis().filter((a) => a.missed).length,
      },
    },
    decisions,
  };
}

/** The block timings a session recorded, summarised, with its missed analysis deadlines. */
function sessionLatency(r: SessionReader): LatencyReport {
  const info = r.info();
  const missed = r
    .analysis()
    .filter((a) => a.missed)
    .map((a) => a.frame as number);
  return latencyReport(r.blockStats(), info.sampleRate, info.blockSize, missed);
}

export interface SessionLatency {
  name: string;
  songTitle: string;
  createdAt: string;
  roundTrip: SessionInfo["latency"] | null;
  report: LatencyReport;
  asynchrony: Asynchrony;
}

export interface LatencyOverviewRow {
  name: string;
  songTitle: string;
  createdAt: string;
  live: boolean;
  blocks: number;
  budgetMs: number;
  engineP50: number;
  engineP99: number;
  engineMax: number;
  /** The engine's time per block as a distribution (blocks per bin; bins `histogramEdgesMs`). */
  engineHistogram: number[];
  histogramEdgesMs: number[];
  underflows: number;
  overflows: number;
  missedHops: number;
  roundTripMs: number | null;
  asynchronyMedianMs: number | null;
  asynchronyP95Ms: number | null;
}

function wavHeader(sampleRate: number, frames: number, channels = 1): Buffer {
  const bytes = frames * channels * 2;
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + bytes, 4);
  h.write("WAVE", 8, "ascii");
  h.write("fmt ", 12, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(bytes, 40);
  return h;
}

/** A sample as 16-bit PCM. */
function pcm16(x: number): number {
  return Math.round(Math.max(-1, Math.min(1, x)) * 32767);
}
