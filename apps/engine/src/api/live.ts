/**
 * The live performance as the API sees it: one at a time, in the audio process
 * (live/audio-process.ts), started, changed and stopped by messages; its stream frames fanned out
 * to subscribers. A subscriber whose connection cannot keep up has frames dropped for it (never
 * queued without bound): each subscriber holds at most one frame, and none is handed to a
 * connection with more than `MAX_BACKLOG_BYTES` already waiting to be sent. Main thread.
 */
import { basename } from "node:path";
import { defaultBand, isKnownStyle, STYLES } from "@performia/agents";
import type {
  LiveChangeResult,
  LiveFrame,
  LiveStartInput,
  LiveState,
  LiveStatus,
  LiveSummary,
  SettingsPatch,
} from "@performia/protocol";
import { PerformiaError } from "@performia/protocol";
import { newSessionPath } from "../commands/perform.js";
import { AudioProcess } from "../live/audio-process.js";
import { readSongFile } from "../songs.js";

/** Bytes a connection may have waiting before frames are dropped for it (a few dozen frames). */
export const MAX_BACKLOG_BYTES = 64 * 1024;
/** Notes a replaced frame hands on to the frame that replaces it, at most. */
const MAX_CARRIED_NOTES = 512;

/** Codes of errors that mean "not now" rather than "wrong input". */
export const LIVE_CONFLICTS = new Set(["LIVE_BUSY", "NOT_PERFORMING"]);

interface Subscriber {
  readonly backlog: () => number;
  latest: LiveFrame | null;
  skipped: number;
  wake: (() => void) | null;
}

export class LiveController {
  private state: LiveState = "idle";
  private thread: AudioProcess | null = null;
  private session: string | null = null;
  private song: string | null = null;
  private error: string | null = null;
  private framesDropped = 0;
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly sessionsDir: string) {}

  status(): LiveStatus {
    return {
      state: this.state,
      session: this.session,
      song: this.song,
      error: this.error,
      stream: { subscribers: this.subscribers.size, framesDropped: this.framesDropped },
    };
  }

  /** Start a performance; resolves with its session's name once the device delivers input. */
  async start(input: LiveStartInput): Promise<{ session: string }> {
    if (this.state !== "idle") {
      throw new PerformiaError(
        `a performance is already ${this.state} (session ${this.session ?? "-"}, song ${this.song ?? "-"})`,
        "LIVE_BUSY",
        "stop it first (live.stop)",
      );
    }
    // What can be checked here is, before a thread starts: the song, the style, the agents.
    const { song } = readSongFile(input.song);
    if (input.style !== undefined && !isKnownStyle(input.style)) {
      throw new PerformiaError(
        `unknown style "${input.style}"`,
        "BAD_STYLE",
        `the styles are: ${STYLES.join(", ")}`,
      );
    }
    const names = defaultBand().map((a) => a.name);
    for (const name of Object.keys(input.agents ?? {})) {
      if (!names.includes(name))
        throw new PerformiaError(
          `unknown agent "${name}"`,
          "BAD_AGENT",
          `the agents are: ${names.join(", ")}`,
        );
    }
    const sessionPath = newSessionPath(this.sessionsDir, song.title);
    const session = basename(sessionPath);
    const agents = Object.fromEntries(
      Object.entries(input.agents ?? {}).map(([n, a]) => [
        n,
        {
          ...(a.on !== undefined ? { enabled: a.on } : {}),
          ...(a.volume !== undefined ? { volume: a.volume } : {}),
        },
      ]),
    );
    this.state = "starting";
    this.session = session;
    this.song = song.title;
    this.error = null;
    const thread = AudioProcess.start({
      song: input.song,
      sessionPath,
      agents,
      ...(input.input !== undefined ? { deviceIn: input.input } : {}),
      ...(input.output !== undefined ? { deviceOut: input.output } : {}),
      ...(input.style !== undefined ? { style: input.style } : {}),
      ...(input.followMode !== undefined ? { followMode: input.followMode } : {}),
      ...(input.tempo !== undefined ? { tempo: input.tempo } : {}),
      ...(input.countInBars !== undefined ? { countInBars: input.countInBars } : {}),
      ...(input.intensity !== undefined ? { intensity: input.intensity } : {}),
      ...(input.seconds !== undefined ? { seconds: input.seconds } : {}),
      ...(input.sampleRate !== undefined ? { sampleRate: input.sampleRate } : {}),
      ...(input.blockSize !== undefined ? { blockSize: input.blockSize } : {}),
      ...(input.startSeconds !== undefined ? { startSeconds: input.startSeconds } : {}),
      ...(input.latencyMs !== undefined ? { latencyMs: input.latencyMs } : {}),
      ...(input.measureLatency ? { measureLatency: true } : {}),
      ...(input.monitor !== undefined ? { monitor: input.monitor } : {}),
      ...(input.seed !== undefined ? { seed: input.seed } : {}),
      display: "none",
    });
    this.thread = thread;
    thread.onFrame = (f) => this.broadcast(f);
    const ended = thread.done.then(
      () => null,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    let opened = false;
    void thread.running.then(() => (opened = true));
    void ended.then((e) => {
      if (this.thread !== thread) return;
      this.thread = null;
      this.state = "idle";
      if (e) this.error = e.message;
      if (e && !opened) this.session = null; // nothing was recorded
    });
    const first = await Promise.race([thread.performing.then(() => null), ended]);
    if (first) throw first;
    if (this.thread === thread && this.state === "starting") this.state = "performing";
    return { session };
  }

  /** Change the running performance; the change is recorded at the frame it answers with. */
  async change(patch: SettingsPatch): Promise<LiveChangeResult> {
    if (!this.thread || this.state !== "performing") {
      throw new PerformiaError(
        `no performance is playing (${this.state})`,
        "NOT_PERFORMING",
        "start one (live.start)",
      );
    }
    return this.thread.change(patch);
  }

  /** End the performance at the next block (its session is complete) and say how it went. */
  async stop(): Promise<LiveSummary> {
    const thread = this.thread;
    if (!thread)
      throw new PerformiaError("no performance is running", "NOT_PERFORMING", "start one (live.start)");
    const session = this.session;
    this.state = "stopping";
    thread.finish();
    const r = await thread.done;
    return {
      session,
      seconds: r.audioSeconds,
      interrupted: r.interrupted,
      notesByAgent: r.decisionsByAgent,
      underflows: r.device.underflows,
      overflows: r.device.overflows,
      blockMs: r.blockMs,
      budgetMs: (r.blockSize / r.sampleRate) * 1000,
      missedHops: r.missedHops,
      hops: r.hops,
      warnings: r.warnings,
    };
  }

  /**
   * The frames of the performances, as they come, for one subscriber; `backlog` says how many
   * bytes its connection has waiting. Ends when `signal` aborts.
   */
  async *stream(backlog: () => number, signal?: AbortSignal): AsyncGenerator<LiveFrame, void, unknown> {
    const sub: Subscriber = { backlog, latest: null, skipped: 0, wake: null };
    const onAbort = (): void => sub.wake?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.subscribers.add(sub);
    try {
      while (!signal?.aborted) {
        if (sub.latest === null) {
          await new Promise<void>((ok) => (sub.wake = ok));
          sub.wake = null;
        }
        const f = sub.latest;
        sub.latest = null;
        if (f) yield sub.skipped === 0 ? f : { ...f, skipped: sub.skipped };
      }
    } finally {
      this.subscribers.delete(sub);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Finish a running performance (the server is closing). */
  async close(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    thread.finish();
    await thread.done.catch(() => undefined);
  }

  private broadcast(frame: LiveFrame): void {
    for (const sub of this.subscribers) {
      if (sub.backlog() > MAX_BACKLOG_BYTES) {
        // The connection is behind: this frame is dropped for it.
        sub.skipped++;
        this.framesDropped++;
        continue;
      }
      const waiting = sub.latest;
      if (waiting !== null) {
        // The last frame is still waiting to be sent: the newest replaces it (a display wants
        // now), keeping the notes the waiting one carried (a few at most: it waited milliseconds).
        sub.skipped++;
        this.framesDropped++;
        const notes =
          waiting.notes.length > 0
            ? [...waiting.notes, ...frame.notes].slice(-MAX_CARRIED_NOTES)
            : frame.notes;
        sub.latest = notes === frame.notes ? frame : { ...frame, notes };
      } else sub.latest = frame;
      sub.wake?.();
    }
  }
}
