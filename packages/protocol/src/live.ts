/**
 * The live control API: starting and stopping a performance, changing it while it plays, and
 * the stream of what the engine hears and the band plays (about 30 frames a second). Times are
 * `Seconds` of the performance (frame 0 = the first input block) at this edge.
 */
import { z } from "zod";
import { AgentName } from "./decisions.js";
import { FollowMode, Intensity } from "./settings.js";

/** Where a live performance is: none, opening its device, playing, or closing its session. */
export const LIVE_STATES = ["idle", "starting", "performing", "stopping"] as const;
export const LiveState = z.enum(LIVE_STATES);
export type LiveState = z.infer<typeof LiveState>;

/** The sample rates a live performance may run at. */
export const LiveRate = z.union([z.literal(44100), z.literal(48000), z.literal(96000)]);

/** `live.start`: what to perform and how. Absent fields take the song's or the engine's defaults. */
export const LiveStartInput = z
  .object({
    /** An example song's name, or a song file. */
    song: z.string().min(1).max(500),
    /** Input and output devices: an id, a name, or a PulseAudio source/sink name (default devices when absent). */
    input: z.string().min(1).max(200).optional(),
    output: z.string().min(1).max(200).optional(),
    style: z.string().min(1).max(50).optional(),
    followMode: FollowMode.optional(),
    /** Start tempo in BPM (default: the song's). */
    tempo: z.number().min(20).max(400).optional(),
    countInBars: z.number().int().min(0).max(4).optional(),
    /** A live intensity (1–5) for every section (default: the chart's). */
    intensity: Intensity.optional(),
    /** Agents switched on or off and their volume (0..1) at the start; the others play at their defaults. */
    agents: z
      .record(
        AgentName,
        z
          .object({ on: z.boolean(), volume: z.number().min(0).max(1) })
          .partial()
          .strict(),
      )
      .optional(),
    /** Stop after this many seconds (default: at the song's end, or `live.stop`). */
    seconds: z.number().positive().max(86400).optional(),
    sampleRate: LiveRate.optional(),
    blockSize: z.number().int().min(64).max(1024).optional(),
    /** Where bar 1 beat 1 falls, in seconds from the start (default: after the count-in). */
    startSeconds: z.number().min(0).max(3600).optional(),
    /** The device's round trip in ms: the band plays that much early (default: the engine's output queue). */
    latencyMs: z.number().min(0).max(1000).optional(),
    /** Measure the round trip with clicks before the performance (the output must reach the input); recorded. */
    measureLatency: z.boolean().optional(),
    /** Mix the performer into the output too. */
    monitor: z.boolean().optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict();
export type LiveStartInput = z.infer<typeof LiveStartInput>;

/** `live.state`: the performance now, and what the stream has had to drop for slow clients. */
export const LiveStatus = z.object({
  state: LiveState,
  /** The session being recorded, or the last one recorded (a name in the sessions folder). */
  session: z.string().nullable(),
  song: z.string().nullable(),
  /** Why the last performance failed to start or ended early, if it did. */
  error: z.string().nullable(),
  stream: z.object({
    subscribers: z.number().int().min(0),
    /** Frames not sent to clients that could not keep up (dropped, never queued without bound). */
    framesDropped: z.number().int().min(0),
  }),
});
export type LiveStatus = z.infer<typeof LiveStatus>;

/** The device: `ok`, or lost (unplugged) and being reopened. */
export const DEVICE_STATUSES = ["ok", "lost", "reconnecting"] as const;
export const DeviceStatus = z.enum(DEVICE_STATUSES);
export type DeviceStatus = z.infer<typeof DeviceStatus>;

const Percentiles = z.object({ p50: z.number().min(0), p99: z.number().min(0) });

/** A note an agent played, in performance seconds. */
export const LiveNote = z.object({
  agent: AgentName,
  midi: z.number().int().min(0).max(127),
  velocity: z.number().int().min(1).max(127),
  start: z.number(),
  duration: z.number().min(0),
});
export type LiveNote = z.infer<typeof LiveNote>;

/** One frame of `live.stream`, about 30 a second while a performance plays. */
export const LiveFrame = z.object({
  /** Performance time of the frame (seconds since the first input block). */
  t: z.number().min(0),
  /**
   * The engine's wall clock (ms since the epoch) when it made the frame: a client on the same
   * machine knows how old a frame is on arrival, and carries the beat on from then.
   */
  wallMs: z.number(),
  session: z.string().nullable(),
  position: z.object({
    section: z.string(),
    /** Bar of the chart (repeats and jumps go back; 0 or less during the count-in). */
    bar: z.number().int(),
    /** Bar of the performance (counts on through repeats and jumps). */
    performanceBar: z.number().int(),
    /** 1-based beat in the bar. */
    beat: z.number().int(),
    /** Beats since bar 1 beat 1 (negative during the count-in). */
    beats: z.number(),
  }),
  /** The band's tempo (BPM). */
  tempo: z.number(),
  followMode: FollowMode,
  /** The band as it is set now (whoever changed it: this client, another, the CLI). */
  band: z.object({
    style: z.string(),
    /** The live intensity, or null when the chart's sections decide. */
    intensity: Intensity.nullable(),
    agents: z.record(AgentName, z.object({ enabled: z.boolean(), volume: z.number().min(0).max(1) })),
  }),
  pitch: z.object({
    hz: z.number().positive().nullable(),
    /** Nearest note, e.g. "A4"; null when unvoiced. */
    note: z.string().nullable(),
    /** Cents from that note (−50..50). */
    cents: z.number().nullable(),
    confidence: z.number().min(0).max(1),
  }),
  /** The chord heard, `ROOT:QUALITY` or "N". */
  chord: z.string(),
  /** Input level of the last block: RMS (linear) and dBFS. */
  level: z.object({ rms: z.number().min(0), db: z.number().nullable() }),
  /** Notes the agents played since the last frame. */
  notes: z.array(LiveNote),
  latency: z.object({
    /** Engine time per block over the last blocks (ms), and a block's budget. */
    blockMs: Percentiles.extend({ max: z.number().min(0) }),
    budgetMs: z.number().positive(),
    /** Analysis round trip per hop over the last hops (ms): a block waits for it, up to one block. */
    analysisWaitMs: Percentiles,
    /** The device's round trip the band is rendered early by (ms, the setting). */
    roundTripMs: z.number().min(0),
  }),
  device: z.object({
    status: DeviceStatus,
    /** Totals since the start of the performance. */
    underflows: z.number().int().min(0),
    overflows: z.number().int().min(0),
    lostInput: z.number().int().min(0),
    dropped: z.number().int().min(0),
    /** Times the device went away during the performance, and the seconds played without it. */
    losses: z.number().int().min(0),
    lostSeconds: z.number().min(0),
  }),
  /** Frames the server dropped for this client so far because it did not keep up. */
  skipped: z.number().int().min(0),
});
export type LiveFrame = z.infer<typeof LiveFrame>;

/** `live.change`'s answer: the frame (and time) at which the change took effect. */
export const LiveChangeResult = z.object({ frame: z.number().int().min(0), t: z.number().min(0) });
export type LiveChangeResult = z.infer<typeof LiveChangeResult>;

/** `live.stop`'s answer: how the performance went. */
export const LiveSummary = z.object({
  session: z.string().nullable(),
  seconds: z.number().min(0),
  interrupted: z.boolean(),
  notesByAgent: z.record(z.string(), z.number().int().min(0)),
  underflows: z.number().int().min(0),
  overflows: z.number().int().min(0),
  blockMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  budgetMs: z.number().positive(),
  missedHops: z.number().int().min(0),
  hops: z.number().int().min(0),
  warnings: z.array(z.string()),
});
export type LiveSummary = z.infer<typeof LiveSummary>;
