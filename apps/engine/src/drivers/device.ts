/**
 * Audio devices through naudiodon (PortAudio): list them, choose input and output by name or id,
 * and open input and output together (full duplex, as two PortAudio streams) in mono float32
 * blocks.
 *
 * naudiodon's native addon is used directly (not its Node stream wrapper): one `read` per block
 * (its highwaterMark is one block), one `write` per block, and the device's status reports
 * (underflow, overflow) come back as values to count instead of ending the stream.
 *
 * On Linux the PortAudio devices are ALSA's; where PulseAudio runs (the virtual device of
 * scripts/virtual-audio.sh), the ALSA devices "pulse" and "default" reach its default source and
 * sink, and a PulseAudio source or sink can be chosen by name (performia_mic.monitor,
 * performia_out): it is opened through "pulse" with PULSE_SOURCE / PULSE_SINK set.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { PerformiaError } from "@performia/protocol";
import { nothingToList, quietAlsa, soundCards } from "./alsa.js";

/** What PortAudio says about a device. */
export interface DeviceInfo {
  readonly id: number;
  readonly name: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
  readonly hostAPIName: string;
}

/** Output blocks that may wait for naudiodon's queue before blocks are dropped. */
const BACKLOG_BLOCKS = 2;

/**
 * Blocks of silence written ahead after an output underflow. PortAudio recovers from an ALSA
 * underrun by filling the device's buffer again from naudiodon's queue, which takes the queue's
 * head start with it: the next block is then late too, and the device underflows every few
 * blocks for seconds (on the virtual device, 290–480 underflows in 6 s in about half of the runs
 * of `performia devices --check`). Putting the head start back ends such a run at once: 4–7
 * underflows in 6 s in each of five runs with 2 blocks (4–16 with 1; with 3 the queue overflows
 * and blocks are dropped). The latency does not grow: the blocks refill what the recovery took.
 */
const REFILL_BLOCKS = 2;

/** The sample rates a live performance may run at. */
export const LIVE_RATES = [44100, 48000, 96000] as const;

/** `rate` (default 48000) when a live performance may run at it, else a PerformiaError saying which may. */
export function liveRate(rate: number | undefined): number {
  const sampleRate = rate ?? 48000;
  if (!(LIVE_RATES as readonly number[]).includes(sampleRate)) {
    throw new PerformiaError(
      `--rate ${sampleRate} is not offered`,
      "BAD_RATE",
      `choose ${LIVE_RATES.join(", ")}`,
    );
  }
  return sampleRate;
}

/** The output queue a live run keeps at this block size: about 6 ms, and at least 2 blocks. */
export function defaultOutputQueue(blockSize: number, sampleRate: number): number {
  return Math.max(2, Math.ceil(6 / ((blockSize / sampleRate) * 1000)));
}

interface NativeAudioOptions {
  deviceId: number;
  sampleRate: number;
  channelCount: number;
  sampleFormat: 1;
  framesPerBuffer: number;
  maxQueue: number;
  closeOnError: boolean;
}

/** The addon's object: reads and writes run on libuv's thread pool and resolve on the main thread. */
export interface NativeAudioIO {
  start(): void;
  read(bytes: number): Promise<{ buf?: Buffer; err?: string; finished?: boolean }>;
  write(chunk: Buffer): Promise<string | undefined>;
  quit(mode: "WAIT" | "ABORT"): Promise<void>;
}

interface NativeBindings {
  getDevices(): DeviceInfo[];
  getHostAPIs(): {
    defaultHostAPI: number;
    HostAPIs: { name: string; defaultInput: number; defaultOutput: number }[];
  };
  create(options: { inOptions?: NativeAudioOptions; outOptions?: NativeAudioOptions }): NativeAudioIO;
}

let bindings: NativeBindings | null = null;

/**
 * naudiodon's addon, loaded once (main thread). Called before each listing or opening of
 * devices, which is when PortAudio reads ALSA's configuration: `quietAlsa` chooses it first.
 */
function native(): NativeBindings {
  quietAlsa();
  if (bindings) return bindings;
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve("naudiodon/package.json"));
  } catch {
    throw new PerformiaError("naudiodon is not installed", "NO_AUDIO", "run npm ci in the repository");
  }
  const fromNaudiodon = createRequire(`${root}/index.js`);
  const load = fromNaudiodon("bindings") as (o: { bindings: string; module_root: string }) => NativeBindings;
  try {
    bindings = load({ bindings: "naudiodon.node", module_root: root });
  } catch (e) {
    throw new PerformiaError(
      `naudiodon's native addon does not load: ${(e as Error).message}`,
      "NO_AUDIO",
      "rebuild it (npm rebuild naudiodon); it needs the ALSA library (libasound2)",
    );
  }
  return bindings;
}

/** Whether a PulseAudio server answers (the virtual device, or a desktop's). */
export function pulseRunning(): boolean {
  const r = spawnSync("pactl", ["info"], { stdio: "ignore", timeout: 3000 });
  return r.status === 0;
}

/** Every device PortAudio sees (none, without asking it, where it could find none: see `nothingToList`). */
export function listDevices(): DeviceInfo[] {
  if (nothingToList(process.env, soundCards())) return [];
  return native().getDevices();
}

/** `performia devices`: the devices, one per line, with the defaults marked. */
export function describeDevices(): string {
  const devices = listDevices();
  if (devices.length === 0) {
    const e = noDevice("");
    return [
      `no audio devices: this machine has no sound card and no virtual device is running`,
      `  → ${e.hint ?? ""}`,
    ].join("\n");
  }
  const apis = native().getHostAPIs();
  const api = apis.HostAPIs[apis.defaultHostAPI];
  const lines: string[] = [];
  for (const d of devices) {
    const marks = [
      d.id === api?.defaultInput ? "default input" : "",
      d.id === api?.defaultOutput ? "default output" : "",
    ].filter(Boolean);
    lines.push(
      `${String(d.id).padStart(3)}  ${d.name}  (${d.hostAPIName}; in ${d.maxInputChannels}, out ${d.maxOutputChannels}; ${d.defaultSampleRate} Hz)${marks.length ? `  ← ${marks.join(", ")}` : ""}`,
    );
  }
  if (devices.some((d) => d.name === "pulse") && pulseRunning()) {
    lines.push("PulseAudio is running: --device-in/--device-out also take its source and sink names");
    const sources = spawnSync("pactl", ["list", "short", "sources"], { encoding: "utf8", timeout: 3000 });
    const sinks = spawnSync("pactl", ["list", "short", "sinks"], { encoding: "utf8", timeout: 3000 });
    for (const [kind, r] of [
      ["source", sources],
      ["sink", sinks],
    ] as const) {
      for (const line of (r.stdout ?? "").split("\n").filter(Boolean)) {
        const [, name, , spec] = line.split("\t");
        lines.push(`       ${kind} ${name}  (${spec ?? ""})`);
      }
    }
  }
  return lines.join("\n");
}

/** A device chosen for one direction: its PortAudio id, and a PulseAudio name when given one. */
export interface ChosenDevice {
  readonly id: number;
  readonly name: string;
  /** A PulseAudio source or sink reached through the "pulse" device. */
  readonly pulse: string | null;
}

/**
 * Choose a device by id, by PortAudio name (exact, then a unique part of it), or by PulseAudio
 * source/sink name; none given: the default device.
 */
export function chooseDevice(spec: string | undefined, direction: "input" | "output"): ChosenDevice {
  const devices = listDevices();
  const usable = devices.filter(
    (d) => (direction === "input" ? d.maxInputChannels : d.maxOutputChannels) > 0,
  );
  if (usable.length === 0) throw noDevice(direction);
  if (spec === undefined || spec === "" || spec === "default") {
    const apis = native().getHostAPIs();
    const api = apis.HostAPIs[apis.defaultHostAPI];
    const id = direction === "input" ? api?.defaultInput : api?.defaultOutput;
    const d = usable.find((x) => x.id === id) ?? usable.find((x) => x.name === "default") ?? usable[0]!;
    return { id: d.id, name: d.name, pulse: null };
  }
  if (/^\d+$/.test(spec)) {
    const d = usable.find((x) => x.id === Number(spec));
    if (!d) throw unknownDevice(spec, direction, usable);
    return { id: d.id, name: d.name, pulse: null };
  }
  const exact = usable.find((x) => x.name === spec);
  if (exact) return { id: exact.id, name: exact.name, pulse: null };
  const partial = usable.filter((x) => x.name.toLowerCase().includes(spec.toLowerCase()));
  if (partial.length === 1) return { id: partial[0]!.id, name: partial[0]!.name, pulse: null };
  const pulse = usable.find((x) => x.name === "pulse");
  if (pulse && pulseRunning()) {
    const kind = direction === "input" ? "sources" : "sinks";
    const r = spawnSync("pactl", ["list", "short", kind], { encoding: "utf8", timeout: 3000 });
    const names = (r.stdout ?? "")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t")[1]);
    if (names.includes(spec)) return { id: pulse.id, name: `pulse:${spec}`, pulse: spec };
  }
  throw unknownDevice(spec, direction, usable);
}

function unknownDevice(spec: string, direction: string, usable: readonly DeviceInfo[]): PerformiaError {
  return new PerformiaError(
    `no ${direction} device "${spec}"`,
    "NO_DEVICE",
    `the ${direction} devices are: ${usable.map((d) => `${d.id} ${d.name}`).join(", ")} (see performia devices)`,
  );
}

/** No device at all: say why and what to do. */
export function noDevice(direction: string): PerformiaError {
  return new PerformiaError(
    `no audio ${direction} device: this machine has no sound card and no virtual device is running`,
    "NO_DEVICE",
    'start the virtual device: apps/engine/scripts/virtual-audio.sh start, then eval "$(apps/engine/scripts/virtual-audio.sh env)" (or perform a WAV file: --input FILE.wav --output OUT.wav)',
  );
}

export interface DuplexOptions {
  readonly input: ChosenDevice;
  readonly output: ChosenDevice;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** Input blocks naudiodon may hold for the engine (absorbs a late block of the pipeline). */
  readonly inputQueue?: number;
  /**
   * Output blocks naudiodon may hold for the device (default 8). It starts full, with the
   * backlog; PortAudio takes what the device's own buffer holds at once, so the round trip starts
   * at the device's own. An underflow's recovery takes blocks from it, which are written again
   * (`REFILL_BLOCKS`); once the queue and the backlog are full, blocks are dropped, so the
   * latency never grows by more than their length.
   */
  readonly outputQueue?: number;
}

/** What the device reported while it ran. */
export interface DeviceCounters {
  /** Output underflows: the device needed a block the engine had not written yet. */
  underflows: number;
  /** Input overflows: the device had input the engine had not read yet and lost some. */
  overflows: number;
  /** Input blocks whose samples were lost with a status report (replaced by silence). */
  lostInput: number;
  /** Other status reports (priming, input underflow). */
  other: number;
  /** Output blocks dropped because the output queue was full (the latency was kept from growing). */
  dropped: number;
  /** Times the device went away (see `abandon`). */
  losses: number;
  /** Times new streams were opened on it again (see `reopen`). */
  reopens: number;
  /** Output streams of lost devices left open (not quit: see `DuplexDevice.retire`). */
  stranded: number;
}

/** A pair of naudiodon streams, and the state of the writes handed to them. */
interface Streams {
  readonly in: NativeAudioIO;
  readonly out: NativeAudioIO;
}

/**
 * Full duplex as two PortAudio streams, input and output, on the same device clock, in mono
 * float32 blocks. Main thread. `read` resolves with one block (naudiodon allocates its Buffer);
 * `write` queues one block and does not wait.
 *
 * Two streams rather than one duplex stream: in a PortAudio duplex stream a late output block
 * stalls the input too, and each glitch (an ALSA xrun, refilled with silence) adds to the round
 * trip for good (measured on the PulseAudio device: about 12 ms per underflow). With separate
 * streams the output queue shows when the device fell behind, and a block is dropped instead.
 *
 * A device that goes away (unplugged, or the sound server stopped): measured with PulseAudio
 * through ALSA's pulse plugin, PortAudio's callback thread ends (it prints "PaAlsaStream_
 * WaitForFrames failed") and nothing is reported to naudiodon: a read waiting for a block never
 * resolves, a write waiting for room waits forever, and naudiodon's `quit` may wait forever too
 * (for one more output callback, or joining a capture thread stuck in ALSA's pulse plugin) — each
 * on a thread of libuv's pool, which `process.exit` joins: such a process cannot exit (the CLI
 * performs live in a child process for that: live/audio-process.ts). The caller notices the silence
 * (no block for a while) and calls `abandon`, which quits the input: the waiting read resolves
 * with null; the output is left as it is.
 * `reopen` then opens new streams on the same devices, rate and block size; PortAudio needs no
 * re-initialising for that (ALSA's pulse plugin connects to the server when a stream opens).
 */
export class DuplexDevice {
  readonly counters: DeviceCounters = {
    underflows: 0,
    overflows: 0,
    lostInput: 0,
    other: 0,
    dropped: 0,
    losses: 0,
    reopens: 0,
    stranded: 0,
  };
  private streams: Streams;
  private readonly bytes: number;
  /**
   * One write at a time is handed to naudiodon (two on its thread pool could reach the device
   * out of order); blocks that come meanwhile wait here, in a ring allocated once.
   */
  private inFlight = false;
  private readonly backlog: Buffer[];
  private backlogHead = 0;
  private backlogCount = 0;
  /** Bumped when the streams are abandoned: a write of older streams that ends later is ignored. */
  private generation = 0;
  private onWritten: (err: string | undefined) => void;
  private onWriteFailed: () => void;
  private closed = false;
  /** Output streams of lost devices, never quit (see `retire`). */
  private readonly leftBehind: NativeAudioIO[] = [];
  /** The streams were abandoned and none are open: reads end, writes are discarded. */
  private gone = false;
  /** Underflows already answered with a refill (see `REFILL_BLOCKS`). */
  private underflowsSeen = 0;
  /** A block of silence, for refills. */
  private readonly silence: Buffer;

  private constructor(
    streams: Streams,
    readonly options: DuplexOptions,
  ) {
    this.streams = streams;
    this.bytes = options.blockSize * 4;
    this.backlog = Array.from({ length: BACKLOG_BLOCKS }, () => Buffer.alloc(this.bytes));
    this.silence = Buffer.alloc(this.bytes);
    [this.onWritten, this.onWriteFailed] = this.writeCallbacks();
  }

  /** The callbacks of one generation's writes (made once per pair of streams). */
  private writeCallbacks(): [(err: string | undefined) => void, () => void] {
    const generation = this.generation;
    const onWritten = (err: string | undefined): void => {
      if (generation !== this.generation) return;
      this.inFlight = false;
      if (err) this.count(err);
      if (this.backlogCount > 0) {
        const next = this.backlog[this.backlogHead]!;
        this.backlogHead = (this.backlogHead + 1) % this.backlog.length;
        this.backlogCount--;
        this.send(next);
      }
    };
    return [onWritten, () => onWritten("write failed")];
  }

  /**
   * Open the stream (not started). A rate the device cannot give fails with the rates it can.
   * Main thread, before the performance.
   */
  static open(options: DuplexOptions): DuplexDevice {
    return new DuplexDevice(openStreams(options), options);
  }

  /** Over streams given (naudiodon's objects, or a unit test's doubles of them). */
  static over(streams: { in: NativeAudioIO; out: NativeAudioIO }, options: DuplexOptions): DuplexDevice {
    return new DuplexDevice(streams, options);
  }

  /** Start listening. The output starts with the first input block (`startOutput`). */
  start(): void {
    this.streams.in.start();
  }

  /**
   * Fill the output queue with silence (the output's head start) and start the output.
   * Called when the first input block has arrived: a device takes its time to deliver the first
   * input (up to a second on the virtual device), and an output started before would have used
   * up its head start by then and run on an empty queue.
   */
  startOutput(): void {
    const silence = Buffer.alloc(this.bytes);
    for (let i = 0; i < this.primeBlocks; i++) this.write(silence);
    this.streams.out.start();
  }

  /** Output blocks naudiodon holds for the device at most. */
  get outputQueue(): number {
    return this.options.outputQueue ?? 8;
  }

  /** Output blocks of silence queued at the start: the whole queue and the backlog. */
  get primeBlocks(): number {
    return this.outputQueue + BACKLOG_BLOCKS;
  }

  /** The devices, "input → output". */
  get name(): string {
    return `${this.options.input.name} → ${this.options.output.name}`;
  }

  /**
   * Main thread: the next input block, as float32 samples in a Buffer; "lost" when naudiodon
   * dropped it with a status report (the caller plays silence in its place); null at the end
   * (closed, or abandoned: see `lost`).
   */
  async read(): Promise<Buffer | "lost" | null> {
    if (this.closed || this.gone) return null;
    const r = await this.streams.in.read(this.bytes);
    if (r.err) {
      this.count(r.err);
      this.counters.lostInput++;
      return "lost";
    }
    if (r.finished || !r.buf || r.buf.length === 0) return null;
    return r.buf;
  }

  /** The streams were abandoned (the device went away) and no new ones are open yet. */
  get lost(): boolean {
    return this.gone;
  }

  /**
   * Main thread: give up on the current streams (the device went away; `isLoss` false: new
   * streams that never delivered). The input is quit without waiting: a read still waiting
   * resolves with null at once; the output is left (see `retire`). Writes are discarded until
   * `reopen`.
   */
  abandon(isLoss = true): void {
    if (this.gone || this.closed) return;
    this.gone = true;
    if (isLoss) this.counters.losses++;
    this.retire(this.streams);
  }

  /**
   * Main thread: open new streams on the same devices, rate and block size, and start listening
   * (the output starts with the first block, `startOutput`). Throws (a PerformiaError) while the
   * device is still away; the caller tries again later.
   */
  reopen(): void {
    if (this.closed) return;
    if (!this.gone) this.abandon(false);
    const streams = create(this.options, this.options.sampleRate); // no probing of other rates

    this.generation++;
    [this.onWritten, this.onWriteFailed] = this.writeCallbacks();
    this.inFlight = false;
    this.backlogHead = 0;
    this.backlogCount = 0;
    this.streams = streams;
    this.gone = false;
    this.counters.reopens++;
    try {
      streams.in.start();
    } catch (e) {
      this.abandon(false);
      throw e;
    }
  }

  /**
   * Main thread: queue one output block; never waits (the block may be reused at once). When
   * naudiodon's queue is full and the backlog too, the device has fallen behind: the block is
   * dropped and counted. Discarded while the device is lost.
   */
  write(block: Buffer): void {
    if (this.gone || this.closed) return;
    if (this.counters.underflows > this.underflowsSeen) {
      // The device underflowed since the last block: put back the head start its recovery took.
      this.underflowsSeen = this.counters.underflows;
      for (let i = 0; i < REFILL_BLOCKS; i++) this.write(this.silence);
    }
    if (!this.inFlight) {
      this.send(block);
      return;
    }
    if (this.backlogCount >= this.backlog.length) {
      this.counters.dropped++;
      return;
    }
    block.copy(this.backlog[(this.backlogHead + this.backlogCount) % this.backlog.length]!);
    this.backlogCount++;
  }

  /** Output blocks waiting to be handed to naudiodon (its queue is full or busy). */
  get writesPending(): number {
    return this.backlogCount + (this.inFlight ? 1 : 0);
  }

  // naudiodon copies the block before `write` returns.
  private send(block: Buffer): void {
    this.inFlight = true;
    this.streams.out.write(block).then(this.onWritten, this.onWriteFailed);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    if (this.gone) return; // already quit
    // Stops and closes the stream (a read still waiting is released); a device that hangs is left after 2 s.
    await new Promise<void>((ok) => {
      Promise.all([this.streams.in.quit("ABORT"), this.streams.out.quit("ABORT")]).then(() => ok(), ok);
      setTimeout(ok, 2000).unref();
    });
  }

  /**
   * Let go of a lost device's streams. The input is quit (its waiting read resolves with null).
   * The output is not: naudiodon's quit waits for a PortAudio callback that a dead stream never
   * runs, on a thread of libuv's pool that the process's exit waits for in turn. It is kept
   * (not collected: its callback thread may still be alive when the loss was a false alarm).
   */
  private retire(streams: Streams): void {
    this.generation++;
    const ignore = (): void => undefined;
    streams.in.quit("ABORT").then(ignore, ignore);
    this.leftBehind.push(streams.out);
    this.counters.stranded = this.leftBehind.length;
  }

  private count(status: string): void {
    if (status.includes("output underflow")) this.counters.underflows++;
    if (status.includes("input overflow")) this.counters.overflows++;
    if (!status.includes("output underflow") && !status.includes("input overflow")) this.counters.other++;
  }
}

/** New streams on the devices of `options`, or a PerformiaError that says why not. */
function openStreams(options: DuplexOptions): Streams {
  const env = process.env;
  if (options.input.pulse) env.PULSE_SOURCE = options.input.pulse;
  if (options.output.pulse) env.PULSE_SINK = options.output.pulse;
  try {
    return create(options, options.sampleRate);
  } catch (e) {
    const message = (e as Error).message;
    if (/sample rate|format not supported/i.test(message)) {
      const rates = LIVE_RATES.filter((r) => r !== options.sampleRate && supports(options, r));
      throw new PerformiaError(
        `the device ${options.input.name} → ${options.output.name} cannot run at ${options.sampleRate} Hz (${message})`,
        "BAD_RATE",
        rates.length > 0
          ? `it offers ${rates.join(", ")} Hz: choose one with --rate`
          : "it offers none of 44100, 48000, 96000 Hz in full duplex; choose other devices (performia devices)",
      );
    }
    throw new PerformiaError(
      `cannot open the audio device ${options.input.name} → ${options.output.name}: ${message}`,
      "NO_DEVICE",
      "check the device (performia devices); on a machine without a sound card start the virtual device: apps/engine/scripts/virtual-audio.sh start",
    );
  }
}

function create(options: DuplexOptions, sampleRate: number): { in: NativeAudioIO; out: NativeAudioIO } {
  const common = {
    sampleRate,
    channelCount: 1,
    sampleFormat: 1 as const,
    framesPerBuffer: options.blockSize,
    closeOnError: true,
  };
  const input = native().create({
    inOptions: { ...common, deviceId: options.input.id, maxQueue: options.inputQueue ?? 16 },
  });
  try {
    const output = native().create({
      outOptions: {
        ...common,
        deviceId: options.output.id,
        maxQueue: options.outputQueue ?? 8,
      },
    });
    return { in: input, out: output };
  } catch (e) {
    void input.quit("ABORT");
    throw e;
  }
}

function supports(options: DuplexOptions, rate: number): boolean {
  try {
    const io = create(options, rate);
    void io.in.quit("ABORT");
    void io.out.quit("ABORT");
    return true;
  } catch {
    return false;
  }
}
