/**
 * The audio process: a child of the engine that runs one live performance (device, block loop,
 * pipeline, synth; the analysis pool and the recorder are threads of its own), so that nothing
 * in the engine's main process (API traffic, large session queries, slow clients) can delay a
 * block.
 *
 * A process, not a worker thread. naudiodon is an N-API addon and does load and run in a worker
 * (checked: 1000 blocks of 128 read and written on the virtual device from a worker), but it
 * keeps its AudioIO constructor in one process-wide static set by whichever thread loaded it
 * last: once the main thread loads it too (to list devices for the studio, say), the worker can
 * no longer open a stream (create returns an empty object), which reopening a lost device needs.
 * A process of its own also has its own heap and garbage collector, its own libuv thread pool
 * (which naudiodon's reads and writes wait on), its own environment (PULSE_SOURCE and PULSE_SINK
 * choose PulseAudio devices; a worker's process.env is a copy libpulse never sees), its own CPU
 * priority, and a crash in PortAudio ends the performance, not the API. Both were measured under
 * the flood of tests/api/live-api.test.ts and behave alike there: blocks stay well within their
 * budget, and a query storm still adds output underflows on a loaded 2-core machine, as many as
 * the same storm sent to another server process (see the test).
 *
 * Messages in (IPC): start, finish (end as complete), interrupt (end as interrupted),
 * change(patch). Out: running, performing, frame (about 30 a second), changed, done or failed.
 * Everything here but `NoteRing.push` runs between blocks, on this process's event loop.
 */
import { defaultBand, isKnownStyle } from "@performia/agents";
import { PerformiaError, type SettingsPatch } from "@performia/protocol";
import { performLive, type RunningPerformance } from "../commands/perform-live.js";
import type { AudioStart, FromAudio, ThreadError, ToAudio } from "./messages.js";
import { AUDIO_NICE, setProcessNice } from "./priority.js";
import { FrameBuilder, NoteRing, STREAM_HZ } from "./stream.js";

const send = (m: FromAudio): void => void process.send?.(m);

const interrupt = new AbortController();
let running: RunningPerformance | null = null;
let finishEarly = false;
const notes = new NoteRing();
let timer: NodeJS.Timeout | null = null;
let builder: FrameBuilder | null = null;
let started: ((s: AudioStart) => void) | null = null;
const startData = new Promise<AudioStart>((ok) => (started = ok));

function threadError(e: unknown): ThreadError {
  if (e instanceof PerformiaError) return { message: e.message, code: e.code, hint: e.hint ?? null };
  return { message: e instanceof Error ? e.message : String(e), code: null, hint: null };
}

/** Why a patch cannot apply to this performance, or null: checked before the pipeline sees it. */
export function patchProblem(patch: SettingsPatch, run: RunningPerformance): string | null {
  const names = defaultBand().map((a) => a.name);
  for (const name of Object.keys(patch.agents ?? {})) {
    if (!names.includes(name)) return `unknown agent "${name}": the agents are ${names.join(", ")}`;
  }
  if (patch.style !== undefined && !isKnownStyle(patch.style)) return `unknown style "${patch.style}"`;
  if (patch.form?.action === "jump") {
    const ids = run.pipeline.compiled.song.sections.map((s) => s.id);
    if (!ids.includes(patch.form.section))
      return `no section "${patch.form.section}" in the song: its sections are ${ids.join(", ")}`;
  }
  return null;
}

process.on("message", (m: ToAudio) => {
  switch (m.type) {
    case "start":
      started?.(m.start);
      started = null;
      break;
    case "finish":
      if (running) running.finish();
      else finishEarly = true;
      break;
    case "interrupt":
      interrupt.abort();
      break;
    case "change": {
      if (!running) {
        send({
          type: "changed",
          id: m.id,
          result: null,
          error: { message: "the performance has not started yet", code: "NOT_PERFORMING", hint: null },
        });
        break;
      }
      const problem = patchProblem(m.patch, running);
      if (problem) {
        send({
          type: "changed",
          id: m.id,
          result: null,
          error: { message: `bad change: ${problem}`, code: "BAD_CHANGE", hint: null },
        });
        break;
      }
      // Between blocks: the next block starts at this frame, and the pipeline applies (and
      // records) the change there.
      const frame = running.pipeline.frame;
      running.pipeline.change(m.patch);
      send({ type: "changed", id: m.id, result: { frame, t: frame / running.sampleRate }, error: null });
      break;
    }
  }
});
// The engine went away (or Ctrl-C reached the whole process group): end the session as interrupted.
process.on("disconnect", () => interrupt.abort());
process.on("SIGINT", () => interrupt.abort());
process.on("SIGTERM", () => interrupt.abort());

function onRunning(run: RunningPerformance, stream: boolean): void {
  running = run;
  if (finishEarly) run.finish();
  send({ type: "running", sessionPath: run.sessionPath });
  if (stream) {
    const name = run.sessionPath ? run.sessionPath.split(/[\\/]/).pop()! : null;
    const b = new FrameBuilder(run, notes, name);
    builder = b;
    timer = setInterval(() => {
      if (run.figures.blocks > 0) send({ type: "frame", frame: b.build() });
    }, 1000 / STREAM_HZ);
  }
}

const start = await startData;
// First, so that the threads this process starts (analysis pool, recorder, PortAudio's) inherit it.
const priority = setProcessNice(AUDIO_NICE);

try {
  const result = await performLive({
    ...start.options,
    display: start.options.display ?? "none",
    signal: interrupt.signal,
    onStart: () => send({ type: "performing" }),
    ...(start.stream ? { onPlay: notes.push } : {}),
    onRunning: (run) => onRunning(run, start.stream),
  });
  if (timer) clearInterval(timer);
  // The last frame: the totals at the end.
  const last = builder as FrameBuilder | null;
  if (last) send({ type: "frame", frame: last.build() });
  if (priority) {
    result.warnings.push(
      `the audio process runs at the normal priority (${priority}): other work on this machine can delay its blocks; allow it a higher one (CAP_SYS_NICE, or an RLIMIT_NICE of ${-AUDIO_NICE})`,
    );
  }
  send({ type: "done", result });
} catch (e) {
  if (timer) clearInterval(timer);
  send({ type: "failed", error: threadError(e) });
}
process.disconnect?.();
