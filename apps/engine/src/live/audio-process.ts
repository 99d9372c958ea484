/**
 * The engine's side of the audio process (live/audio-entry.ts): start a live performance in a
 * process of its own, change it, finish or interrupt it, and receive its stream frames and its
 * result. Main thread. Nothing here waits on the audio process except the caller's promises.
 */
import { fork, type ChildProcess } from "node:child_process";
import type { LiveChangeResult, LiveFrame, SettingsPatch } from "@performia/protocol";
import { PerformiaError } from "@performia/protocol";
import type { LivePerformResult } from "../commands/perform-live.js";
import { workerFile } from "../util/worker-file.js";
import { ChatterFilter } from "./chatter.js";
import type { AudioOptions, AudioStart, FromAudio, ThreadError, ToAudio } from "./messages.js";

export type { AudioOptions } from "./messages.js";

function toError(e: ThreadError): Error {
  return e.code
    ? new PerformiaError(e.message.split("\n  → ")[0]!, e.code, e.hint ?? undefined)
    : new Error(e.message);
}

/** How long the audio process may take to exit once it has reported its result. */
const EXIT_GRACE_MS = 1500;

interface Pending {
  ok(r: LiveChangeResult): void;
  fail(e: Error): void;
}

export class AudioProcess {
  /** The session file once everything is open (null when not recording). */
  readonly running: Promise<string | null>;
  /** The first input block has arrived. */
  readonly performing: Promise<void>;
  /** The performance's result when it ends; rejects when it could not start or failed. */
  readonly done: Promise<LivePerformResult>;
  /** Called with each stream frame (about 30 a second), on the main thread. */
  onFrame: ((frame: LiveFrame) => void) | null = null;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private ended = false;

  private constructor(options: AudioOptions, stream: boolean) {
    const start: AudioStart = { options, stream };
    const { filename, execArgv } = workerFile(import.meta.url, "./audio-entry");
    // Structured clone over the IPC channel; the display and ALSA's messages go to our stderr.
    // Its standard output holds nothing but naudiodon's messages: the routine ones are left out
    // (live/chatter.ts), the rest go to ours.
    this.child = fork(filename, [], {
      execArgv,
      serialization: "advanced",
      stdio: ["ignore", "pipe", "inherit", "ipc"],
      // Room in libuv's pool for the threads a lost device keeps (about two per loss).
      env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "16" },
    });
    const chatter = new ChatterFilter((text) => process.stdout.write(text));
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (text: string) => chatter.push(text));
    this.child.stdout?.on("end", () => chatter.end());
    let running!: (p: string | null) => void;
    let performing!: () => void;
    let done!: (r: LivePerformResult) => void;
    let failed!: (e: Error) => void;
    this.running = new Promise((ok) => (running = ok));
    this.performing = new Promise((ok) => (performing = ok));
    this.done = new Promise((ok, ko) => {
      done = ok;
      failed = ko;
    });
    // Whoever only waits for `done` still sees a failure; these two never reject on their own.
    const end = (e: Error | null, r?: LivePerformResult): void => {
      if (this.ended) return;
      this.ended = true;
      // The session is finished. A device that went away can leave naudiodon's calls stuck on
      // libuv's pool, and a process cannot exit while they are: it is ended after a grace period.
      if (this.child.exitCode === null && this.child.signalCode === null)
        setTimeout(() => this.child.kill("SIGKILL"), EXIT_GRACE_MS).unref();
      for (const p of this.pending.values())
        p.fail(new PerformiaError("the performance ended", "NOT_PERFORMING"));
      this.pending.clear();
      if (e) failed(e);
      else done(r!);
    };
    this.child.on("message", (m: FromAudio) => {
      switch (m.type) {
        case "running":
          running(m.sessionPath);
          break;
        case "performing":
          performing();
          break;
        case "frame":
          this.onFrame?.(m.frame);
          break;
        case "changed": {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (m.result) p?.ok(m.result);
          else p?.fail(toError(m.error!));
          break;
        }
        case "done":
          end(null, m.result);
          break;
        case "failed":
          end(toError(m.error));
          break;
      }
    });
    this.child.on("error", (e) => end(new Error(`the audio process failed: ${e.message}`)));
    this.child.on("close", (code, signal) =>
      end(new Error(`the audio process exited (${signal ?? code ?? "?"}) before the end of the performance`)),
    );
    this.post({ type: "start", start });
  }

  /** Start a live performance in its own process; `stream`: send stream frames. */
  static start(options: AudioOptions, stream = true): AudioProcess {
    return new AudioProcess(options, stream);
  }

  /** Change settings live; resolves with the frame at which the change takes effect (and is recorded). */
  change(patch: SettingsPatch): Promise<LiveChangeResult> {
    if (this.ended) return Promise.reject(new PerformiaError("the performance has ended", "NOT_PERFORMING"));
    const id = ++this.nextId;
    return new Promise((ok, fail) => {
      this.pending.set(id, { ok, fail });
      this.post({ type: "change", id, patch });
    });
  }

  /** End at the next block; the session is complete. */
  finish(): void {
    this.post({ type: "finish" });
  }

  /** End at the next block; the session is marked interrupted (Ctrl-C). */
  interrupt(): void {
    this.post({ type: "interrupt" });
  }

  private post(m: ToAudio): void {
    if (!this.ended && this.child.connected) this.child.send(m);
  }
}
