/**
 * The recorder worker: owns the session file's only write connection. Every message is handled
 * on this worker thread; each batch is one transaction.
 */
import { endianness, hostname } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { Batch, FromWorker, ToWorker, WorkerInit } from "./messages.js";
import { ANALYSIS_COLUMNS } from "./messages.js";
import type { Db } from "./schema.js";
import { initPragmas, migrate } from "./schema.js";

if (!parentPort) throw new Error("recorder-worker must run in a worker thread");
const port = parentPort;
const init = workerData as WorkerInit;
const littleEndian = endianness() === "LE";

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(msg, transfer);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// Worker thread: create the file, set pragmas, build the schema, write the header.
function create(): Db {
  const db = new Database(init.path);
  try {
    initPragmas(db);
    migrate(db);
    const put = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    db.transaction(() => {
      for (const [k, v] of Object.entries(init.meta)) put.run(k, v);
      put.run("pid", process.pid);
      put.run("hostname", hostname());
    })();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

let created: Db | null = null;
try {
  created = create();
} catch (e) {
  // The thread then ends; the writer has the reason.
  send({ type: "problem", message: message(e), fatal: true });
  port.close();
}
if (created) serve(created);

// Worker thread: answer the writer's messages until it asks to close.
function serve(db: Db): void {
  const insertInput = db.prepare("INSERT OR REPLACE INTO input_blocks (frame, n, samples) VALUES (?, ?, ?)");
  const insertAnalysis = db.prepare(
    "INSERT INTO analysis (frame, hz, confidence, rms, onset_strength, missed) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const insertEvent = db.prepare("INSERT INTO events (frame, kind, json) VALUES (?, ?, ?)");
  const insertConductor = db.prepare("INSERT INTO conductor (frame, json) VALUES (?, ?)");
  const insertDecision = db.prepare(
    `INSERT INTO decisions (agent, instrument, pitch, velocity, start_beats, duration_beats, decided_at, start_frame, end_frame)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSettings = db.prepare("INSERT INTO settings_changes (frame, json) VALUES (?, ?)");
  const insertStats = db.prepare("INSERT OR REPLACE INTO block_stats (frame, json) VALUES (?, ?)");
  const setMeta = db.prepare("UPDATE meta SET value = ? WHERE key = ?");
  let framesEnd = 0;

  /** NaN (which SQLite would store as NULL anyway) as null, explicitly. */
  const real = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : x);

  // Worker thread: the bytes of one block, float32 little-endian whatever the host.
  function blob(samples: Float32Array, offset: number, n: number): Buffer {
    const bytes = Buffer.from(samples.buffer, samples.byteOffset + offset * 4, n * 4);
    return littleEndian ? bytes : Buffer.from(bytes).swap32();
  }

  // Worker thread: write one batch in one transaction; a row that fails is dropped and counted.
  const writeBatch = db.transaction(
    (b: Batch): { rows: number; dropped: number; firstError: string | null } => {
      let rows = 0;
      let dropped = 0;
      let firstError: string | null = null;
      const row = (f: () => void): void => {
        try {
          f();
          rows++;
        } catch (e) {
          dropped++;
          firstError ??= message(e);
        }
      };
      const input = b.input;
      if (input) {
        for (let i = 0; i < b.inputCount; i++) {
          const frame = input.frames[i] ?? 0;
          const n = input.ns[i] ?? 0;
          const offset = input.offsets[i] ?? 0;
          row(() => insertInput.run(frame, n, blob(input.samples, offset, n)));
          if (frame + n > framesEnd) framesEnd = frame + n;
        }
      }
      const a = b.analysis;
      if (a) {
        for (let i = 0; i < b.analysisCount; i++) {
          const o = i * ANALYSIS_COLUMNS;
          row(() =>
            insertAnalysis.run(
              a[o],
              real(a[o + 1]),
              real(a[o + 2]),
              real(a[o + 3]),
              real(a[o + 4]),
              a[o + 5] ? 1 : 0,
            ),
          );
        }
      }
      for (const e of b.events) row(() => insertEvent.run(e.frame, e.kind, JSON.stringify(e)));
      for (const c of b.conductor) row(() => insertConductor.run(c.frame, JSON.stringify(c)));
      for (const d of b.decisions) {
        row(() =>
          insertDecision.run(
            d.agent,
            d.instrument,
            d.pitch,
            d.velocity,
            d.start,
            d.duration,
            d.decidedAt,
            d.startFrame,
            d.endFrame,
          ),
        );
      }
      for (const s of b.settings) row(() => insertSettings.run(s.frame, JSON.stringify(s)));
      for (const s of b.stats) row(() => insertStats.run(s.frame, JSON.stringify(s.stats)));
      setMeta.run(framesEnd, "frames");
      return { rows, dropped, firstError };
    },
  );

  // Worker thread: final status, end time, checkpoint; the file is left as one self-contained file.
  function close(status: "complete" | "interrupted"): void {
    db.transaction(() => {
      setMeta.run(status, "status");
      setMeta.run(new Date().toISOString(), "ended_at");
      setMeta.run(framesEnd, "frames");
    })();
    db.pragma("wal_checkpoint(TRUNCATE)");
    // Out of WAL once complete: readers then never need (or litter) -wal/-shm files beside it.
    db.pragma("journal_mode = DELETE");
    db.close();
  }

  port.on("message", (msg: ToWorker) => {
    switch (msg.type) {
      case "batch": {
        let result: { rows: number; dropped: number; firstError: string | null };
        try {
          result = writeBatch(msg);
        } catch (e) {
          const all =
            msg.inputCount +
            msg.analysisCount +
            msg.events.length +
            msg.conductor.length +
            msg.decisions.length +
            msg.settings.length +
            msg.stats.length;
          result = { rows: 0, dropped: all, firstError: message(e) };
        }
        if (result.firstError !== null) {
          send({ type: "problem", message: `recording: ${result.firstError}`, fatal: false });
        }
        const transfer: ArrayBuffer[] = [];
        if (msg.input) {
          const i = msg.input;
          transfer.push(
            i.frames.buffer as ArrayBuffer,
            i.ns.buffer as ArrayBuffer,
            i.offsets.buffer as ArrayBuffer,
            i.samples.buffer as ArrayBuffer,
          );
        }
        if (msg.analysis) transfer.push(msg.analysis.buffer as ArrayBuffer);
        send(
          {
            type: "recycle",
            input: msg.input,
            analysis: msg.analysis,
            rows: result.rows,
            dropped: result.dropped,
          },
          transfer,
        );
        break;
      }
      case "sync":
        send({ type: "synced", id: msg.id });
        break;
      case "close":
        try {
          close(msg.status);
        } catch (e) {
          send({ type: "problem", message: `closing: ${message(e)}`, fatal: false });
        }
        send({ type: "closed", id: msg.id });
        port.close(); // delivers "closed", then nothing keeps the thread alive: it exits
        break;
    }
  });
  send({ type: "ready" });
}
