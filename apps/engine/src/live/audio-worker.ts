/**
 * The audio thread: a worker that runs one live performance (device, block loop, pipeline,
 * synth; the analysis pool and the recorder are threads of their own), so that nothing on the
 * main thread (API traffic, large session queries, slow clients) can delay a block.
 *
 * naudiodon is an N-API addon, so it loads in a worker; it keeps its AudioIO constructor in one
 * process-wide static, set by whichever thread loaded it last, so only the audio thread may
 * open streams (the main thread never loads it while a performance runs).
 *
 * Messages in: finish (end as complete), interrupt (end as interrupted), change(patch). Out:
 * running, performing, frame (about 30 a second), changed, done or failed. Everything here but
 * `NoteRing.push` runs between blocks, on this thread's event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { defaultBand, isKnownStyle } from "@performia/agents";
import { PerformiaError, type SettingsPatch } from "@performia/protocol";
import { performLive, type RunningPerformance } from "../commands/perform-live.js";
import type { ChosenDevice } from "../drivers/device.js";
import type { AudioThreadStart, FromAudio, ThreadError, ToAudio } from "./messages.js";
import { AUDIO_NICE, setPoolNice, setThreadNice } from "./priority.js";
import { FrameBuilder, NoteRing, STREAM_HZ } from "./stream.js";

const port = parentPort!;
const start = workerData as AudioThreadStart;
const send = (m: FromAudio): void => port.postMessage(m);

const interrupt = new AbortController();
let running: RunningPerformance | null = null;
let finishEarly = false;
const notes = new NoteRing();
let timer: NodeJS.Timeout | null = null;
let builder: FrameBuilder | null = null;
let envId = 0;
const envWaits = new Map<number, () => void>();

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

port.on("message", (m: ToAudio) => {
  switch (m.type) {
    case "finish":
      if (running) running.finish();
      else finishEarly = true;
      break;
    case "interrupt":
      interrupt.abort();
      break;
    case "env-set":
      envWaits.get(m.id)?.();
      envWaits.delete(m.id);
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

/** PulseAudio names reach libpulse through the real environment, which only the main thread sets. */
async function beforeOpen(input: ChosenDevice, output: ChosenDevice): Promise<void> {
  const vars: Record<string, string> = {};
  if (input.pulse) vars.PULSE_SOURCE = input.pulse;
  if (output.pulse) vars.PULSE_SINK = output.pulse;
  if (Object.keys(vars).length === 0) return;
  const id = ++envId;
  await new Promise<void>((ok) => {
    envWaits.set(id, ok);
    send({ type: "setenv", id, vars });
  });
}

function onRunning(run: RunningPerformance): void {
  running = run;
  if (finishEarly) run.finish();
  send({ type: "running", sessionPath: run.sessionPath });
  if (start.stream) {
    const name = run.sessionPath ? run.sessionPath.split(/[\\/]/).pop()! : null;
    const b = new FrameBuilder(run, notes, name);
    builder = b;
    timer = setInterval(() => {
      if (run.figures.blocks > 0) send({ type: "frame", frame: b.build() });
    }, 1000 / STREAM_HZ);
  }
}

// First, so that the threads this one starts (analysis pool, recorder, PortAudio's) inherit it.
const priority = setThreadNice(AUDIO_NICE) ?? (await setPoolNice(AUDIO_NICE));

try {
  const result = await performLive({
    ...start.options,
    display: start.options.display ?? "none",
    signal: interrupt.signal,
    onStart: () => send({ type: "performing" }),
    beforeOpen,
    ...(start.stream ? { onPlay: notes.push } : {}),
    onRunning,
  });
  if (timer) clearInterval(timer);
  // The last frame: the totals at the end.
  const last = builder as FrameBuilder | null;
  if (last) send({ type: "frame", frame: last.build() });
  if (priority) {
    result.warnings.push(
      `the audio thread runs at the normal priority (${priority}): other work on this machine can delay its blocks; allow it a higher one (CAP_SYS_NICE, or an RLIMIT_NICE of ${-AUDIO_NICE})`,
    );
  }
  send({ type: "done", result });
} catch (e) {
  if (timer) clearInterval(timer);
  send({ type: "failed", error: threadError(e) });
}
port.close();
