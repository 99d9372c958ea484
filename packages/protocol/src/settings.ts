/**
 * Session settings, and changes to them (each recorded with the frame at which it happened).
 */
import { z } from "zod";
import { AgentName } from "./decisions.js";
import type { SampleFrame } from "./units.js";

export const BLOCK_SIZE = { min: 64, max: 1024, default: 128 } as const;

/**
 * How the band follows the performer's tempo: `click` keeps a fixed tempo; `adaptive` follows
 * a steady performer smoothly (a ±20 % change within 2–3 beats, missed beats bridged); `free`
 * follows every beat at once (rubato). `follow`, the name of `adaptive` in schema 1 sessions, is
 * read as `adaptive`.
 */
export const FOLLOW_MODES = ["click", "adaptive", "free"] as const;
export const FollowMode = z
  .enum([...FOLLOW_MODES, "follow"])
  .transform((m): (typeof FOLLOW_MODES)[number] => (m === "follow" ? "adaptive" : m));
export type FollowMode = z.output<typeof FollowMode>;

/**
 * A command to the conductor about the form, at the next place it can take effect: `repeat`
 * plays the current section again when it ends (a vamp; each command adds one pass), `jump`
 * goes to the start of a section at the next bar line, `end` goes to the last section of the
 * form when the current one ends. Commands are recorded like settings changes, with their frame.
 */
export const FormCommand = z.discriminatedUnion("action", [
  z.object({ action: z.literal("repeat") }),
  z.object({ action: z.literal("jump"), section: z.string().min(1) }),
  z.object({ action: z.literal("end") }),
]);
export type FormCommand = z.infer<typeof FormCommand>;

export const Intensity = z.number().int().min(1).max(5);

export const AgentSettings = z.object({
  enabled: z.boolean().default(true),
  /** Linear gain, 0..1. */
  volume: z.number().min(0).max(1).default(0.8),
});
export type AgentSettings = z.infer<typeof AgentSettings>;

export const OutputMix = z.enum(["full", "band"]);
export type OutputMix = z.infer<typeof OutputMix>;

export const Settings = z.object({
  sampleRate: z.number().int().min(8000).max(192000),
  blockSize: z.number().int().min(BLOCK_SIZE.min).max(BLOCK_SIZE.max).default(BLOCK_SIZE.default),
  /** Seed of the session's random generator (humanization). */
  seed: z.number().int().min(0).max(0xffffffff),
  style: z.string().min(1).default("rock"),
  followMode: FollowMode.default("adaptive"),
  /** Bars the band counts in before bar 1 (sticks on every beat). */
  countInBars: z.number().int().min(0).max(4).default(0),
  /** A live intensity (1–5) that overrides the sections'; null follows the Song Map. */
  intensity: Intensity.nullable().default(null),
  /** Tempo to start at, in BPM; null takes the Song Map's tempo. */
  tempo: z.number().min(20).max(400).nullable().default(null),
  /** How far ahead of the playhead agents are asked, in beats. */
  lookaheadBeats: z.number().min(0.25).max(4).default(1),
  /** The frame at which bar 1 beat 1 falls (the performer counts the band in before it). */
  startFrame: z.number().int().min(0).default(0),
  agents: z.record(AgentName, AgentSettings).default({}),
  /** "full": performer and band mixed; "band": the band alone. */
  mix: OutputMix.default("full"),
  performerGain: z.number().min(0).max(2).default(1),
  bandGain: z.number().min(0).max(2).default(0.6),
  /** A General MIDI SoundFont (.sf2/.sf3) the band plays through, or null for the built-in voices. */
  soundFont: z.string().min(1).nullable().default(null),
});
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;

/** What may change while a session runs. Sample rate and block size are fixed. */
export const SettingsPatch = z
  .object({
    style: z.string().min(1),
    followMode: FollowMode,
    intensity: Intensity.nullable(),
    /** Not a setting: a command to the conductor, carried (and recorded) with the changes. */
    form: FormCommand,
    tempo: z.number().min(20).max(400).nullable(),
    lookaheadBeats: z.number().min(0.25).max(4),
    /** Only the fields given change (no defaults here: a patch must not re-enable a muted agent). */
    agents: z.record(
      AgentName,
      z.object({ enabled: z.boolean(), volume: z.number().min(0).max(1) }).partial(),
    ),
    mix: OutputMix,
    performerGain: z.number().min(0).max(2),
    bandGain: z.number().min(0).max(2),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const SettingsChange = z.object({
  frame: z
    .number()
    .int()
    .min(0)
    .transform((n) => n as SampleFrame),
  patch: SettingsPatch,
});
export type SettingsChange = z.infer<typeof SettingsChange>;

/** Apply a patch to settings; pure. Agents not named in the patch keep their settings. */
export function applySettingsPatch(settings: Settings, patch: SettingsPatch): Settings {
  const agents = { ...settings.agents };
  for (const [name, a] of Object.entries(patch.agents ?? {})) {
    const prev = agents[name] ?? { enabled: true, volume: 0.8 };
    agents[name] = { enabled: a.enabled ?? prev.enabled, volume: a.volume ?? prev.volume };
  }
  const { agents: _ignored, form: _command, ...rest } = patch;
  return { ...settings, ...rest, agents };
}
