/**
 * Styles: one coherent set of choices for every member of the band (which bass line, which
 * groove, which voicings and comping rhythm, which guitar part), plus the time feel: the swing
 * ratio, each agent's place against the beat (ahead, on, behind) and the humanization range.
 * Pure data, read by the agents; unknown names fall back to `DEFAULT_STYLE` (see `styleOf`).
 */

/** The roles of the band, each with its own feel. */
export type Role = "bass" | "drums" | "harmony" | "guitar" | "pad" | "responder";

export type BassPattern = "walking" | "root-fifth" | "driving" | "bossa" | "ballad" | "funk" | "classical";
export type DrumPattern = "swing" | "pop" | "rock" | "bossa" | "ballad" | "funk" | "classical";
export type CompPattern = "charleston" | "pop" | "rock" | "bossa" | "ballad" | "funk" | "classical";
export type GuitarPattern = "strum" | "power" | "arpeggio" | "bossa" | "funk" | "four-to-the-bar";
/** Voicing families: rootless 3-7-9-13 (jazz), triads with added tones, spread (drop 2). */
export type VoicingKind = "rootless" | "triad" | "spread";

export interface Style {
  readonly name: string;
  /**
   * Where the off-beat eighth falls, as a fraction of the beat: 0.5 is straight, 2/3 a triplet
   * swing. Applies in simple meters (beats are quarters); compound meters stay straight.
   */
  readonly swing: number;
  /** Each role's offset from the beat, in beats: negative is ahead (on top), positive behind. */
  readonly feel: Readonly<Record<Role, number>>;
  /** Largest random timing offset, in beats (a few milliseconds at the style's tempos). */
  readonly humanize: number;
  /** Largest random velocity offset. */
  readonly velocitySpread: number;
  readonly bass: BassPattern;
  readonly drums: DrumPattern;
  readonly comp: CompPattern;
  readonly voicing: VoicingKind;
  readonly guitar: GuitarPattern;
  /** The pad's level 0..1 (a multiplier of its velocity); 0 leaves it to intensity ≥ 4 only. */
  readonly pad: number;
}

const on = { bass: 0, drums: 0, harmony: 0, guitar: 0, pad: 0, responder: 0 } as const;

/** The styles, by name. */
export const STYLE_TABLE: Readonly<Record<string, Style>> = {
  jazz: {
    name: "jazz",
    swing: 0.64,
    // The ride and the bass on top of the beat, the comping a hair behind.
    feel: { bass: -0.01, drums: -0.008, harmony: 0.012, guitar: 0, pad: 0.02, responder: 0.01 },
    humanize: 0.012,
    velocitySpread: 7,
    bass: "walking",
    drums: "swing",
    comp: "charleston",
    voicing: "rootless",
    guitar: "four-to-the-bar",
    pad: 0.5,
  },
  pop: {
    name: "pop",
    swing: 0.5,
    feel: on,
    humanize: 0.006,
    velocitySpread: 5,
    bass: "root-fifth",
    drums: "pop",
    comp: "pop",
    voicing: "triad",
    guitar: "strum",
    pad: 0.8,
  },
  rock: {
    name: "rock",
    swing: 0.5,
    // Drums and bass a touch ahead: drive.
    feel: { bass: -0.004, drums: -0.006, harmony: 0, guitar: -0.004, pad: 0, responder: 0 },
    humanize: 0.008,
    velocitySpread: 5,
    bass: "driving",
    drums: "rock",
    comp: "rock",
    voicing: "triad",
    guitar: "power",
    pad: 0,
  },
  classical: {
    name: "classical",
    swing: 0.5,
    feel: { bass: 0, drums: 0, harmony: 0.005, guitar: 0.005, pad: 0.01, responder: 0.01 },
    humanize: 0.015,
    velocitySpread: 6,
    bass: "classical",
    drums: "classical",
    comp: "classical",
    voicing: "spread",
    guitar: "arpeggio",
    pad: 1,
  },
  bossa: {
    name: "bossa",
    swing: 0.5,
    feel: { bass: 0, drums: -0.004, harmony: 0.006, guitar: 0.004, pad: 0.01, responder: 0.01 },
    humanize: 0.008,
    velocitySpread: 5,
    bass: "bossa",
    drums: "bossa",
    comp: "bossa",
    voicing: "rootless",
    guitar: "bossa",
    pad: 0.6,
  },
  funk: {
    name: "funk",
    swing: 0.5,
    // Tight: drums dead on, bass a hair ahead, the stabs on top.
    feel: { bass: -0.004, drums: 0, harmony: -0.004, guitar: -0.002, pad: 0, responder: 0 },
    humanize: 0.004,
    velocitySpread: 6,
    bass: "funk",
    drums: "funk",
    comp: "funk",
    voicing: "rootless",
    guitar: "funk",
    pad: 0,
  },
  ballad: {
    name: "ballad",
    swing: 0.5,
    // Laid back: everyone behind the beat.
    feel: { bass: 0.012, drums: 0.01, harmony: 0.018, guitar: 0.015, pad: 0.02, responder: 0.02 },
    humanize: 0.014,
    velocitySpread: 5,
    bass: "ballad",
    drums: "ballad",
    comp: "ballad",
    voicing: "spread",
    guitar: "arpeggio",
    pad: 1,
  },
};

/** The known style names, in a stable order. */
export const STYLES: readonly string[] = Object.keys(STYLE_TABLE);

/** The style used for an unknown or empty name. */
export const DEFAULT_STYLE = "rock";

/** The largest |feel| + humanize of any style and role, in beats: how far a note may sit off its grid point. */
export const MAX_TIMING_OFFSET = Math.max(
  ...Object.values(STYLE_TABLE).map((s) => Math.max(...Object.values(s.feel).map(Math.abs)) + s.humanize),
);

/**
 * The style of a name (case and spaces ignored; a few aliases), or the default style (rock) for
 * an unknown name: the band always plays something coherent.
 * @example styleOf("Jazz").swing // => 0.64
 * @example styleOf("polka").name // => "rock"
 * @example styleOf("bossa nova").name // => "bossa"
 */
export function styleOf(name: string | undefined | null): Style {
  const key = (name ?? "").trim().toLowerCase();
  const direct = STYLE_TABLE[key];
  if (direct) return direct;
  const alias = ALIASES[key.replace(/[\s_-]+/g, "")];
  return (alias && STYLE_TABLE[alias]) || STYLE_TABLE[DEFAULT_STYLE]!;
}

/** Whether a name is a known style or alias (so a caller can warn about a fallback). */
export function isKnownStyle(name: string): boolean {
  const key = name.trim().toLowerCase();
  return key in STYLE_TABLE || key.replace(/[\s_-]+/g, "") in ALIASES;
}

const ALIASES: Readonly<Record<string, string>> = {
  swing: "jazz",
  bebop: "jazz",
  blues: "jazz",
  jazzwaltz: "jazz",
  bossanova: "bossa",
  samba: "bossa",
  latin: "bossa",
  rnb: "funk",
  soul: "funk",
  baroque: "classical",
  waltz: "classical",
  slow: "ballad",
  rockandroll: "rock",
  punk: "rock",
  folk: "pop",
  country: "pop",
};
