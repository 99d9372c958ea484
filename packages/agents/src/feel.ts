/**
 * The shared craft of every agent: the meter's groups and accents, the intensity in force, and
 * where a note sounds (swing, the style's feel, seeded humanization, on the 1/480 grid). Pure;
 * pipeline thread.
 */
import type { Beats, NoteEvent } from "@performia/protocol";
import type { Instrument } from "@performia/protocol";
import { onGrid, ticks, velocity } from "./agent.js";
import type { MusicalContext } from "./agent.js";
import { jitter, random } from "./random.js";
import type { CompiledBar, CompiledSong } from "./song.js";
import type { Role, Style } from "./styles.js";
import { styleOf } from "./styles.js";

/**
 * The style a context asks for: its `style`, or the chart's suggested style when that is "auto"
 * or empty (rock when the chart suggests none).
 * @example styleFor({ ...ctx, style: "auto" }).name // => "bossa" for praia-bossa
 */
export function styleFor(ctx: MusicalContext): Style {
  const name = ctx.style.trim();
  return styleOf(name === "" || name.toLowerCase() === "auto" ? ctx.song.song.style : name);
}

/** How a bar divides: its beats, whether beats are eighths of a compound meter, its groups. */
export interface Meter {
  beats: number;
  /** 6/8, 9/8, 12/8: beats are eighths, felt in groups of three; no swing. */
  compound: boolean;
  /** The beats (0-based) that start a group and carry an accent, the first strongest. */
  groups: readonly number[];
}

/**
 * The meter of a song.
 * @example meterOf(song in 5/4).groups // => [0, 3]  (3 + 2)
 * @example meterOf(song in 6/8) // => { beats: 6, compound: true, groups: [0, 3] }
 */
export function meterOf(song: CompiledSong): Meter {
  const n = song.beatsPerBar;
  const unit = song.song.timeSignature.unit;
  const compound = unit === 8 && n % 3 === 0 && n > 3;
  let groups: number[];
  if (compound || (n % 3 === 0 && n > 3)) groups = Array.from({ length: n / 3 }, (_, i) => 3 * i);
  else if (n === 4) groups = [0, 2];
  else if (n === 5) groups = [0, 3];
  else if (n === 7) groups = [0, 2, 4];
  else if (n % 2 === 0 && n > 4) groups = Array.from({ length: n / 2 }, (_, i) => 2 * i);
  else groups = [0];
  return { beats: n, compound, groups };
}

/** The length in beats of the group starting at `g` (to the next group or the bar's end). */
export function groupLength(meter: Meter, g: number): number {
  const i = meter.groups.indexOf(g);
  return (meter.groups[i + 1] ?? meter.beats) - g;
}

/**
 * The intensity in force for a bar: the live override when given, else the section's; 1..5.
 * @example intensityOf(bar, { ...ctx, intensity: 5 }) // => 5
 */
export function intensityOf(bar: CompiledBar, ctx: MusicalContext): number {
  const v = ctx.intensity ?? bar.intensity;
  return Math.max(1, Math.min(5, Math.round(Number.isFinite(v) ? v : 3)));
}

/**
 * A straight position inside a beat moved to the swung one: the off-beat eighth (0.5) goes to
 * `swing`, the rest of the beat stretches or shrinks around it.
 * @example swung(1.5, 0.64) // => 1.64
 * @example swung(2, 0.64) // => 2
 */
export function swung(t: number, swing: number): number {
  const beat = Math.floor(t + 1e-9);
  const f = t - beat;
  if (swing === 0.5 || f < 1e-9) return t;
  return beat + (f <= 0.5 ? f * 2 * swing : swing + (f - 0.5) * 2 * (1 - swing));
}

/**
 * One agent's view of the time feel for a context: builds notes at musical positions and places
 * them (swing, feel, humanization), all drawn from the seeded generator.
 */
export class Player {
  readonly style: Style;
  readonly meter: Meter;
  readonly swing: number;
  readonly feel: number;
  readonly humanize: number;
  readonly out: NoteEvent[] = [];

  constructor(
    readonly agent: string,
    readonly instrument: Instrument,
    readonly role: Role,
    /** A number unique to the agent, the first key of its random draws. */
    readonly key: number,
    readonly bar: CompiledBar,
    readonly ctx: MusicalContext,
  ) {
    this.style = styleFor(ctx);
    this.meter = meterOf(ctx.song);
    this.swing = this.meter.compound ? 0.5 : this.style.swing;
    this.feel = this.style.feel[role];
    this.humanize = this.style.humanize;
  }

  /** A random number in [0, 1) for this bar and the given keys. */
  rand(...keys: number[]): number {
    return random(this.ctx.seed, this.key, this.bar.index, ...keys);
  }

  /** Where a note at `offset` beats into the bar sounds (absolute beats, on the grid, ≥ 0). */
  at(offset: number, salt = 0): Beats {
    const t =
      this.bar.start +
      swung(offset, this.swing) +
      this.feel +
      jitter(this.humanize, this.ctx.seed, this.key, this.bar.index, ticks(offset), salt, 7);
    return onGrid(Math.max(0, t));
  }

  /**
   * Adds a note at `offset` beats into the bar lasting `duration` beats (of straight time; the
   * end is placed like the start, so a note ending on a later beat ends with it), with a seeded
   * velocity spread. `spread` adds a deliberate delay (a strum) after the placement; notes with
   * the same `salt` at one offset share their timing offset (the strings of one strum).
   */
  note(pitch: number, offset: number, duration: number, vel: number, spread = 0, salt = pitch): void {
    const start = onGrid(this.at(offset, salt) + spread);
    const end = this.bar.start + swung(offset + duration, this.swing) + this.feel;
    const v =
      vel +
      jitter(this.style.velocitySpread, this.ctx.seed, this.key, this.bar.index, ticks(offset), pitch, 11);
    this.out.push({
      agent: this.agent,
      instrument: this.instrument,
      pitch: Math.max(0, Math.min(127, Math.round(pitch))),
      velocity: velocity(v),
      start,
      duration: onGrid(Math.max(1 / 480, end - start)),
    });
  }
}
