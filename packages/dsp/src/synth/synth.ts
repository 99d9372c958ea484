/**
 * The synthesizer: a fixed pool of voices, each able to play any instrument, mixed into 16
 * channels with smoothed gains. Everything is allocated in the constructor; noteOn, render,
 * setChannelGain and allNotesOff run on the audio path and allocate nothing.
 */
import { DRUM, type Instrument } from "@performia/protocol";
import { Mulberry32 } from "./util.js";
import { BassVoice } from "./voices/bass.js";
import { DrumKit, DrumVoice, isHatChoke } from "./voices/drums.js";
import { EPianoVoice } from "./voices/epiano.js";
import { GuitarVoice } from "./voices/guitar.js";
import { PadVoice } from "./voices/pad.js";
import { VibesVoice } from "./voices/vibes.js";
import { VocalVoice } from "./voices/vocal.js";

export interface SynthOptions {
  /** Frames per second. */
  sampleRate: number;
  /** Size of the voice pool (default 64); the oldest or quietest voice is stolen when full. */
  maxVoices?: number;
  /** Seed of the noise generators: same seed and same notes give bit-identical output. */
  seed: number;
}

/** Number of mixer channels. */
export const CHANNELS = 16;

/** Frames rendered per internal pass; longer render() calls are split. */
const CHUNK = 1024;
/** Time constant of channel gain changes, seconds. */
const GAIN_TAU_S = 0.002;
/** Time constant of the fade applied by allNotesOff, seconds. */
const KILL_TAU_S = 0.003;
/** Time constant of the de-click tail left by a stolen voice, seconds. */
const TAIL_TAU_S = 0.0015;
/** A voice whose block peak stays below this after SILENT_AGE_S is freed (a held but dead note). */
const SILENT_PEAK = 1e-5;
const SILENT_AGE_S = 0.05;
/** Offsets and durations are clamped to this many frames (over 6 hours at 48 kHz). */
const MAX_FRAMES = 0x3fffffff;

const BASS = 0;
const DRUMS = 1;
const EPIANO = 2;
const GUITAR = 3;
const VOICE = 4;
const PAD = 5;
const VIBES = 6;

function kindOf(instrument: Instrument): number {
  switch (instrument) {
    case "bass":
      return BASS;
    case "drums":
      return DRUMS;
    case "epiano":
      return EPIANO;
    case "guitar":
      return GUITAR;
    case "voice":
      return VOICE;
    case "pad":
      return PAD;
    case "vibes":
      return VIBES;
    default:
      return -1;
  }
}

/** One slot of the pool: bookkeeping plus one preallocated kernel per instrument. */
class Slot {
  active = false;
  kind = BASS;
  channel = 0;
  /** Order of noteOn: smaller is older. */
  id = 0;
  /** Frames to wait before the voice starts (the offset into the next block). */
  delay = 0;
  /** Frames left until release, counted from the voice's start. */
  untilRelease = 0;
  released = false;
  /** Rendered at least once (so it has been heard, and stealing it needs a de-click tail). */
  sounded = false;
  killing = false;
  kill = 1;
  /** Peak of the last block, for stealing the quietest voice. */
  level = 0;
  /** Last output sample, continued by a de-click tail if the voice is stolen. */
  lastOut = 0;
  age = 0;
  readonly bass: BassVoice;
  readonly drum: DrumVoice;
  readonly epiano: EPianoVoice;
  readonly guitar: GuitarVoice;
  readonly vocal: VocalVoice;
  readonly pad: PadVoice;
  readonly vibes: VibesVoice;
  constructor(sampleRate: number, kit: DrumKit) {
    this.bass = new BassVoice(sampleRate);
    this.drum = new DrumVoice(kit);
    this.epiano = new EPianoVoice(sampleRate);
    this.guitar = new GuitarVoice(sampleRate);
    this.vocal = new VocalVoice(sampleRate);
    this.pad = new PadVoice(sampleRate);
    this.vibes = new VibesVoice(sampleRate);
    this.prime();
  }

  /**
   * Plays one sample of every kernel once, off the audio path: a kernel's first note and first
   * block settle the representation of its fields (a number field first written with a double
   * gets its box then), so that none of that happens on the audio path, whichever voice a
   * note later lands on.
   */
  private prime(): void {
    const buf = new Float32Array(2);
    this.bass.start(48, 64);
    this.bass.render(buf, 0, 1);
    this.bass.release();
    this.bass.render(buf, 1, 2);
    this.drum.start(DRUM.ride, 64, 1);
    this.drum.render(buf, 0, 2);
    this.drum.start(DRUM.snare, 64, 1);
    this.drum.render(buf, 0, 2);
    this.drum.start(DRUM.kick, 64, 1);
    this.drum.render(buf, 0, 2);
    this.epiano.start(60, 64);
    this.epiano.render(buf, 0, 1);
    this.epiano.release();
    this.epiano.render(buf, 1, 2);
    this.guitar.start(52, 64, 1);
    this.guitar.render(buf, 0, 1);
    this.guitar.release();
    this.guitar.render(buf, 1, 2);
    this.vocal.start(60, 64, 1);
    this.vocal.render(buf, 0, 1);
    this.vocal.release();
    this.vocal.render(buf, 1, 2);
    this.pad.start(60, 64);
    this.pad.render(buf, 0, 1);
    this.pad.release();
    this.pad.render(buf, 1, 2);
    this.vibes.start(72, 64);
    this.vibes.render(buf, 0, 1);
    this.vibes.release();
    this.vibes.render(buf, 1, 2);
  }
}

/**
 * A deterministic polyphonic synthesizer with built-in voices for every Instrument.
 * @example
 * const synth = new Synth({ sampleRate: 48000, seed: 1 });
 * synth.noteOn(0, "bass", 40, 100, 0, 24000);
 * synth.render(block, 128); // block: the first 128 frames of a bass E2 (82.4 Hz)
 */
export class Synth {
  readonly sampleRate: number = 0;
  private readonly slots: Slot[];
  private readonly tmp = new Float32Array(CHUNK);
  private readonly buses: Float32Array[];
  private readonly busUsed = new Uint8Array(CHANNELS);
  private readonly gains = new Float64Array(CHANNELS);
  private readonly targets = new Float64Array(CHANNELS);
  private readonly tails = new Float64Array(CHANNELS);
  private readonly scores: Float64Array;
  private readonly gainStep: number = 0;
  private readonly gainCoef: number = 0;
  private readonly killCoef: number = 0;
  private readonly tailCoef: number = 0;
  private readonly silentAge: number = 0;
  private readonly rng: Mulberry32;
  private count = 0;
  private nextId = 0;

  constructor(options: SynthOptions) {
    const sr = options.sampleRate;
    if (!Number.isFinite(sr) || sr < 8000 || sr > 384000) {
      throw new RangeError(`Synth: sampleRate must be 8000..384000, got ${sr}`);
    }
    const maxVoices = options.maxVoices ?? 64;
    if (!Number.isInteger(maxVoices) || maxVoices < 1 || maxVoices > 1024) {
      throw new RangeError(`Synth: maxVoices must be an integer 1..1024, got ${maxVoices}`);
    }
    this.sampleRate = sr;
    this.slots = [];
    this.scores = new Float64Array(maxVoices);
    const kit = new DrumKit(sr);
    for (let i = 0; i < maxVoices; i++) this.slots.push(new Slot(sr, kit));
    this.buses = [];
    for (let c = 0; c < CHANNELS; c++) this.buses.push(new Float32Array(CHUNK));
    this.gains.fill(1);
    this.targets.fill(1);
    this.gainCoef = Math.exp(-1 / (GAIN_TAU_S * sr));
    this.gainStep = 1 - this.gainCoef;
    this.killCoef = Math.exp(-1 / (KILL_TAU_S * sr));
    this.tailCoef = Math.exp(-1 / (TAIL_TAU_S * sr));
    this.silentAge = Math.round(SILENT_AGE_S * sr);
    this.rng = new Mulberry32(options.seed);
  }

  /** Voices sounding or scheduled. */
  get activeVoices(): number {
    return this.count;
  }

  /**
   * Schedules a note in the next render() call, `offset` frames into it, released after
   * `durationFrames` (drums ignore it). Takes a voice from the pool, stealing one when it is full
   * (with a short de-click tail). Invalid input is clamped; velocity < 1 is ignored. Allocates
   * nothing. Runs on the audio path.
   */
  noteOn(
    channel: number,
    instrument: Instrument,
    pitch: number,
    velocity: number,
    offset: number,
    durationFrames: number,
  ): void {
    const kind = kindOf(instrument);
    if (kind < 0 || !(velocity >= 1) || !Number.isFinite(pitch)) return;
    // Integers as int32 (`| 0`), which V8 passes unboxed to the kernels.
    const vel = velocity > 127 ? 127 : (velocity + 0.5) | 0;
    const ch = channel >= 0 && channel < CHANNELS ? channel | 0 : 0;
    const p = pitch < 0 ? 0 : pitch > 127 ? 127 : pitch;
    const key = (p + 0.5) | 0;

    if (kind === DRUMS && isHatChoke(key)) this.chokeOpenHats(ch);

    const slot = this.allocate();
    slot.active = true;
    slot.kind = kind;
    slot.channel = ch;
    slot.id = this.nextId++;
    // Frame counts stay small integers (V8 Smis): a double here would be boxed on every call
    // that passes it to a kernel. Drums ignore their release, so their duration does no harm.
    slot.delay = offset > 0 ? Math.min(Math.floor(offset), MAX_FRAMES) : 0;
    slot.released = false;
    slot.untilRelease = durationFrames > 0 ? Math.min(Math.floor(durationFrames), MAX_FRAMES) : 0;
    slot.sounded = false;
    slot.killing = false;
    slot.kill = 1;
    slot.level = 0;
    slot.lastOut = 0;
    slot.age = 0;
    switch (kind) {
      case BASS:
        slot.bass.start(p, vel);
        break;
      case DRUMS:
        slot.drum.start(key, vel, this.rng.nextInt());
        break;
      case EPIANO:
        slot.epiano.start(p, vel);
        break;
      case GUITAR:
        slot.guitar.start(p, vel, this.rng.nextInt());
        break;
      case PAD:
        slot.pad.start(p, vel);
        break;
      case VIBES:
        slot.vibes.start(p, vel);
        break;
      default:
        slot.vocal.start(p, vel, this.rng.nextInt());
    }
  }

  /**
   * Sets a channel's linear gain; it glides there in a few ms (at once if the channel was silent
   * in the last block). Runs on the audio path.
   */
  setChannelGain(channel: number, gain: number): void {
    if (!(channel >= 0 && channel < CHANNELS) || !Number.isFinite(gain)) return;
    const c = channel | 0;
    this.targets[c] = gain < 0 ? 0 : gain;
    // A channel that made no sound in the last block has nothing to click: set it at once.
    if (this.busUsed[c] === 0 && this.tails[c] === 0) this.gains[c] = this.targets[c]!;
  }

  /** Fades every voice out in a few ms and drops notes not yet started. Runs on the audio path. */
  allNotesOff(): void {
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (!slot.active) continue;
      if (!slot.sounded) this.free(slot);
      else slot.killing = true;
    }
  }

  /** Renders the next n frames into out[0..n) (overwrites). Runs on the audio path. */
  render(out: Float32Array, n: number): void {
    const total = Math.min(out.length, Math.max(0, Math.floor(n)));
    for (let base = 0; base < total; base += CHUNK) {
      this.renderChunk(out, base, Math.min(CHUNK, total - base));
    }
  }

  /** Runs on the audio path. */
  private renderChunk(out: Float32Array, base: number, m: number): void {
    const tmp = this.tmp;
    this.busUsed.fill(0);
    for (let s = 0; s < this.slots.length; s++) {
      const slot = this.slots[s]!;
      if (!slot.active) continue;
      let start = 0;
      if (slot.delay > 0) {
        if (slot.delay >= m) {
          slot.delay -= m;
          continue;
        }
        start = slot.delay;
        slot.delay = 0;
      }

      // Render, splitting the block at the release frame.
      let pos = start;
      if (!slot.released) {
        if (slot.untilRelease <= m - pos) {
          this.run(slot, pos, pos + slot.untilRelease);
          pos += slot.untilRelease;
          slot.untilRelease = 0;
          slot.released = true;
          this.release(slot);
        } else {
          slot.untilRelease -= m - pos;
        }
      }
      if (pos < m) this.run(slot, pos, m);

      // Accumulate into the channel bus.
      const ch = slot.channel;
      const bus = this.buses[ch]!;
      if (this.busUsed[ch] === 0) {
        bus.fill(0, 0, m);
        this.busUsed[ch] = 1;
      }
      let peak = 0;
      let last = 0;
      if (slot.killing) {
        const kc = this.killCoef;
        let k = slot.kill;
        for (let i = start; i < m; i++) {
          last = tmp[i]! * k;
          k *= kc;
          bus[i] = bus[i]! + last;
          const a = last < 0 ? -last : last;
          if (a > peak) peak = a;
        }
        slot.kill = k;
      } else {
        for (let i = start; i < m; i++) {
          last = tmp[i]!;
          bus[i] = bus[i]! + last;
          const a = last < 0 ? -last : last;
          if (a > peak) peak = a;
        }
      }
      slot.lastOut = last;
      slot.level = peak;
      slot.sounded = true;
      if (slot.age < MAX_FRAMES) slot.age += m - start;
      if (
        this.finished(slot) ||
        (slot.killing && slot.kill < 1e-4) ||
        (slot.age > this.silentAge && peak < SILENT_PEAK)
      ) {
        this.free(slot);
      }
    }

    // Mix the channels with smoothed gains, plus any de-click tails of stolen voices.
    out.fill(0, base, base + m);
    const step = this.gainStep;
    const tailCoef = this.tailCoef;
    for (let c = 0; c < CHANNELS; c++) {
      let g = this.gains[c]!;
      const target = this.targets[c]!;
      let tail = this.tails[c]!;
      if (this.busUsed[c] === 0 && tail === 0) {
        if (g !== target) {
          g = target + (g - target) * Math.pow(this.gainCoef, m);
          if (Math.abs(g - target) < 1e-6) g = target;
          this.gains[c] = g;
        }
        continue;
      }
      const bus = this.buses[c]!;
      if (this.busUsed[c] === 0) bus.fill(0, 0, m);
      for (let i = 0; i < m; i++) {
        g += (target - g) * step;
        out[base + i] = out[base + i]! + (bus[i]! + tail) * g;
        tail *= tailCoef;
      }
      if (Math.abs(g - target) < 1e-6) g = target;
      this.gains[c] = g;
      this.tails[c] = Math.abs(tail) < 1e-7 ? 0 : tail;
    }
  }

  /** Runs on the audio path. */
  private run(slot: Slot, from: number, to: number): void {
    if (from >= to) return;
    const tmp = this.tmp;
    switch (slot.kind) {
      case BASS:
        slot.bass.render(tmp, from, to);
        break;
      case DRUMS:
        slot.drum.render(tmp, from, to);
        break;
      case EPIANO:
        slot.epiano.render(tmp, from, to);
        break;
      case GUITAR:
        slot.guitar.render(tmp, from, to);
        break;
      case PAD:
        slot.pad.render(tmp, from, to);
        break;
      case VIBES:
        slot.vibes.render(tmp, from, to);
        break;
      default:
        slot.vocal.render(tmp, from, to);
    }
  }

  /** Runs on the audio path. */
  private release(slot: Slot): void {
    switch (slot.kind) {
      case BASS:
        slot.bass.release();
        break;
      case DRUMS:
        slot.drum.release();
        break;
      case EPIANO:
        slot.epiano.release();
        break;
      case GUITAR:
        slot.guitar.release();
        break;
      case PAD:
        slot.pad.release();
        break;
      case VIBES:
        slot.vibes.release();
        break;
      default:
        slot.vocal.release();
    }
  }

  private finished(slot: Slot): boolean {
    switch (slot.kind) {
      case BASS:
        return slot.bass.done;
      case DRUMS:
        return slot.drum.done;
      case EPIANO:
        return slot.epiano.done;
      case GUITAR:
        return slot.guitar.done;
      case PAD:
        return slot.pad.done;
      case VIBES:
        return slot.vibes.done;
      default:
        return slot.vocal.done;
    }
  }

  private free(slot: Slot): void {
    slot.active = false;
    this.count--;
  }

  /**
   * A free slot, or the one to steal: a fading (allNotesOff) voice first, then the quietest
   * released or one-shot voice, then the oldest held voice; notes not yet started go last.
   * Scores go through a typed array so that no loop variable holds a boxed double.
   * Runs on the audio path.
   */
  private allocate(): Slot {
    const scores = this.scores;
    let best = 0;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (!slot.active) {
        this.count++;
        return slot;
      }
      if (!slot.sounded) scores[i] = 4e15 + slot.id;
      else if (slot.killing) scores[i] = slot.level - 1;
      else if (slot.released || slot.kind === DRUMS) scores[i] = slot.level;
      else scores[i] = 2e15 + slot.id;
      if (scores[i]! < scores[best]!) best = i;
    }
    const victim = this.slots[best]!;
    if (victim.sounded) this.tails[victim.channel] = this.tails[victim.channel]! + victim.lastOut;
    return victim;
  }

  /** Runs on the audio path. */
  private chokeOpenHats(channel: number): void {
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (
        slot.active &&
        slot.sounded &&
        slot.kind === DRUMS &&
        slot.channel === channel &&
        slot.drum.key === DRUM.openHat
      ) {
        slot.drum.choke();
      }
    }
  }
}
