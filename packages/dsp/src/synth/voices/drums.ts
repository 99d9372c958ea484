/**
 * Drums: one-shot voices chosen by General MIDI key, in three kernels.
 * - Membrane (kick 35/36, toms 41-50): a sine with a fast downward pitch sweep, plus a click.
 * - Snare (38/40, and every other key as a short generic hit tuned by the key): two tuned body
 *   partials with a small pitch drop, plus band-passed noise (the wires).
 * - Side stick (37): the snare kernel tuned as a short woody click.
 * - Metal (hats 42/44/46, crash 49/57, ride 51/59, ride bell 53, tambourine 54, shaker 70/82):
 *   six detuned square oscillators (the 808 cymbal cluster) mixed with noise, band-passed then high-passed, with a fast and a slow decay;
 *   the ride adds three inharmonic sine partials (the ping). Closed and pedal hats choke open hats.
 * Every key's parameters are computed once per sample rate (DrumKit); noteOn only copies them and
 * scales by velocity. Drum voices ignore the note's duration.
 */
import { DRUM } from "@performia/protocol";
import { NOISE_SCALE, SINE, SINE_SIZE, VELOCITY_GAIN, decayCoef, xorshift } from "../util.js";

const MEMBRANE = 0;
const SNARE = 1;
const METAL = 2;

const END_LEVEL = 1e-4;
const CHOKE_TAU_S = 0.006;

/** The 808 cymbal oscillators, Hz. */
const CLUSTER = [205.3, 304.4, 369.6, 522.7, 540, 800] as const;
/** The ride's ping partials, Hz. */
const RIDE_PING = [2950, 4170, 5610] as const;

/** GM tom keys and their final pitch, Hz (0: not a tom). */
function tomHz(key: number): number {
  switch (key) {
    case 41:
      return 82;
    case 43:
      return 98;
    case 45:
      return 115;
    case 47:
      return 135;
    case 48:
      return 160;
    case 50:
      return 190;
    default:
      return 0;
  }
}

/** True for the hat keys that close (choke) a ringing open hat. */
export function isHatChoke(key: number): boolean {
  return key === DRUM.closedHat || key === DRUM.pedalHat;
}

/** TPT state-variable filter prewarped frequency g = tan(π f / sr), kept below 0.45 sr. */
function svfG(hz: number, sampleRate: number): number {
  return Math.tan((Math.PI * Math.min(hz, 0.45 * sampleRate)) / sampleRate);
}

/** Everything about one key's sound that does not depend on velocity. */
class DrumPreset {
  mode = SNARE;
  /** Gain at velocity 127. */
  gain = 0;
  // Membrane.
  freqEnd = 0;
  freqRange = 0;
  sweepCoef = 0;
  ampCoef = 0;
  clickCoef = 0;
  clickLevel = 0;
  // Snare.
  inc1 = 0;
  inc2 = 0;
  bendCoef = 0;
  bodyCoef = 0;
  bodyLevel = 0;
  noiseCoef = 0;
  // Shared noise level; band-pass g at velocity 1 and 127 (harder is brighter), k = 1/Q.
  noiseLevel = 0;
  bpGSoft = 0;
  bpGHard = 0;
  bpK = 1;
  // Metal.
  readonly incs = new Float64Array(CLUSTER.length);
  metalLevel = 0;
  fast = 0;
  fastCoef = 0;
  slow = 0;
  slowCoef = 0;
  hpG = 0;
  hpK = 1;
  pingLevel = 0;
  pingCoef = 0;
  readonly pingIncs = new Float64Array(RIDE_PING.length);

  constructor(key: number, sr: number) {
    const tom = tomHz(key);
    if (key === DRUM.kick || key === 35 || tom > 0) {
      this.mode = MEMBRANE;
      this.clickCoef = decayCoef(0.0007, sr);
      if (tom > 0) {
        this.gain = 0.4;
        this.freqEnd = tom;
        this.freqRange = tom * 0.6;
        this.sweepCoef = decayCoef(0.04, sr);
        this.ampCoef = decayCoef(0.22, sr);
        this.clickLevel = 0.2;
      } else {
        this.gain = 0.62;
        this.freqEnd = key === 35 ? 45 : 50;
        this.freqRange = 100;
        this.sweepCoef = decayCoef(0.028, sr);
        this.ampCoef = decayCoef(0.14, sr);
        this.clickLevel = 0.45;
      }
      return;
    }

    const metal = (ratio: number, bpHz: number, hpHz: number) => {
      this.mode = METAL;
      for (let j = 0; j < CLUSTER.length; j++) this.incs[j] = (CLUSTER[j]! * ratio) / sr;
      this.bpGSoft = svfG(bpHz * 0.85, sr);
      this.bpGHard = svfG(bpHz, sr);
      this.bpK = 1 / 0.9;
      this.hpG = svfG(hpHz, sr);
      this.hpK = 1 / 0.75;
    };
    switch (key) {
      case DRUM.closedHat:
        metal(1, 10000, 7000);
        this.gain = 0.9;
        this.metalLevel = 0.55;
        this.noiseLevel = 0.6;
        this.fast = 0.6;
        this.fastCoef = decayCoef(0.004, sr);
        this.slow = 0.5;
        this.slowCoef = decayCoef(0.013, sr);
        return;
      case DRUM.pedalHat:
        metal(1, 9000, 7000);
        this.gain = 1.1;
        this.metalLevel = 0.6;
        this.noiseLevel = 0.5;
        this.fast = 0.3;
        this.fastCoef = decayCoef(0.004, sr);
        this.slow = 0.6;
        this.slowCoef = decayCoef(0.02, sr);
        return;
      case DRUM.openHat:
        metal(1, 10000, 7000);
        this.gain = 0.8;
        this.metalLevel = 0.55;
        this.noiseLevel = 0.6;
        this.fast = 0.4;
        this.fastCoef = decayCoef(0.01, sr);
        this.slow = 0.6;
        this.slowCoef = decayCoef(0.095, sr);
        return;
      case DRUM.crash:
      case 57:
        metal(1.47, 6500, 3200);
        this.gain = 0.75;
        this.metalLevel = 0.5;
        this.noiseLevel = 0.75;
        this.fast = 0.8;
        this.fastCoef = decayCoef(0.02, sr);
        this.slow = 0.45;
        this.slowCoef = decayCoef(0.5, sr);
        return;
      case DRUM.ride:
      case 59:
        // A quieter wash, and a ping of inharmonic partials.
        metal(1.21, 8000, 5000);
        this.gain = 0.4;
        this.metalLevel = 0.6;
        this.noiseLevel = 0.35;
        this.fast = 0.35;
        this.fastCoef = decayCoef(0.012, sr);
        this.slow = 0.18;
        this.slowCoef = decayCoef(0.9, sr);
        this.pingLevel = 0.3;
        this.pingCoef = decayCoef(0.3, sr);
        for (let j = 0; j < RIDE_PING.length; j++) this.pingIncs[j] = Math.min(RIDE_PING[j]!, sr * 0.45) / sr;
        return;
      case DRUM.rideBell:
        // The bell: the ride's cluster higher, little wash, a strong and long ping.
        metal(1.35, 9000, 5500);
        this.gain = 0.4;
        this.metalLevel = 0.7;
        this.noiseLevel = 0.15;
        this.fast = 0.3;
        this.fastCoef = decayCoef(0.01, sr);
        this.slow = 0.1;
        this.slowCoef = decayCoef(0.5, sr);
        this.pingLevel = 0.6;
        this.pingCoef = decayCoef(0.45, sr);
        for (let j = 0; j < RIDE_PING.length; j++)
          this.pingIncs[j] = Math.min(RIDE_PING[j]! * 0.8, sr * 0.45) / sr;
        return;
      case DRUM.tambourine:
        // Jingles: a high cluster and bright noise, a quick shimmer.
        metal(2.3, 9500, 6500);
        this.gain = 0.7;
        this.metalLevel = 0.5;
        this.noiseLevel = 0.8;
        this.fast = 0.6;
        this.fastCoef = decayCoef(0.025, sr);
        this.slow = 0.3;
        this.slowCoef = decayCoef(0.11, sr);
        return;
      case DRUM.shaker:
      case 82:
        // Shaker / maracas: band-passed noise only, short.
        metal(1, 7500, 4500);
        this.gain = 0.55;
        this.metalLevel = 0;
        this.noiseLevel = 1;
        this.fast = 0.7;
        this.fastCoef = decayCoef(0.012, sr);
        this.slow = 0.3;
        this.slowCoef = decayCoef(0.035, sr);
        return;
      default:
        break;
    }

    // Side stick: a woody click (high body partials, little noise), very short.
    if (key === DRUM.sideStick) {
      this.mode = SNARE;
      this.gain = 0.55;
      this.inc1 = 520 / sr;
      this.inc2 = 1650 / sr;
      this.bendCoef = decayCoef(0.002, sr);
      this.bodyCoef = decayCoef(0.012, sr);
      this.bodyLevel = 0.9;
      this.noiseCoef = decayCoef(0.008, sr);
      this.noiseLevel = 0.35;
      this.bpGSoft = svfG(3500, sr);
      this.bpGHard = svfG(5000, sr);
      this.bpK = 1 / 1.2;
      return;
    }

    // Snare, and a short generic hit tuned by the key for any other key.
    this.mode = SNARE;
    if (key === DRUM.snare || key === 40) {
      this.gain = 0.5;
      this.inc1 = 180 / sr;
      this.inc2 = 330 / sr;
      this.bendCoef = decayCoef(0.008, sr);
      this.bodyCoef = decayCoef(0.045, sr);
      this.bodyLevel = 0.55;
      this.noiseCoef = decayCoef(0.05, sr);
      this.noiseLevel = 1.3;
      this.bpGSoft = svfG(2800, sr);
      this.bpGHard = svfG(4200, sr);
      this.bpK = 1 / 0.6;
    } else {
      const hz = 180 * Math.pow(2, (key - 38) / 24);
      this.gain = 0.4;
      this.inc1 = hz / sr;
      this.inc2 = (hz * 1.6) / sr;
      this.bendCoef = decayCoef(0.005, sr);
      this.bodyCoef = decayCoef(0.025, sr);
      this.bodyLevel = 0.6;
      this.noiseCoef = decayCoef(0.03, sr);
      this.noiseLevel = 0.8;
      this.bpGSoft = svfG(2000, sr);
      this.bpGHard = svfG(3000, sr);
      this.bpK = 1 / 0.8;
    }
  }
}

/** The parameters of all 128 keys at one sample rate; built once per Synth, shared by its voices. */
export class DrumKit {
  readonly sampleRate: number = 0;
  readonly presets: readonly DrumPreset[];
  readonly chokeCoef: number = 0;
  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    const presets: DrumPreset[] = [];
    for (let key = 0; key < 128; key++) presets.push(new DrumPreset(key, sampleRate));
    this.presets = presets;
    this.chokeCoef = decayCoef(CHOKE_TAU_S, sampleRate);
  }
}

export class DrumVoice {
  done = false;
  /** GM key of the current hit. */
  key = 0;
  private readonly kit: DrumKit;
  private readonly noiseScale = NOISE_SCALE;
  private preset: DrumPreset;
  private rng = 1;
  private gain = 0;
  // Membrane.
  private phase = 0;
  private sweep = 0;
  private amp = 0;
  private click = 0;
  private clickLp = 0;
  // Snare.
  private p1 = 0;
  private p2 = 0;
  private bend = 0;
  private body = 0;
  private noiseEnv = 0;
  // Metal.
  private readonly phases = new Float64Array(CLUSTER.length);
  private fast = 0;
  private fastCoef = 0;
  private slow = 0;
  private slowCoef = 0;
  private ping = 0;
  private readonly pingPhases = new Float64Array(RIDE_PING.length);
  // Band-pass (snare, metal) and high-pass (metal) filters: coefficients and state.
  private bpA1 = 0;
  private bpA2 = 0;
  private bpA3 = 0;
  private b1 = 0;
  private b2 = 0;
  private h1 = 0;
  private h2 = 0;

  constructor(kit: DrumKit) {
    this.kit = kit;
    this.preset = kit.presets[DRUM.kick]!;
  }

  /**
   * Starts a hit (velocity: an integer 1..127; seed: a non-zero 32-bit noise seed).
   * Runs on the audio path.
   */
  start(key: number, velocity: number, seed: number): void {
    const p = this.kit.presets[key] ?? this.kit.presets[0]!;
    const v = velocity / 127;
    this.preset = p;
    this.key = key;
    this.done = false;
    this.rng = seed | 0 || 1;
    this.gain = p.gain * VELOCITY_GAIN[velocity]!;
    this.b1 = this.b2 = this.h1 = this.h2 = 0;
    this.phase = 0;
    this.sweep = 1;
    this.amp = 1;
    this.click = 1;
    this.clickLp = 0;
    this.p1 = 0;
    this.p2 = 0;
    this.bend = 1;
    this.body = 1;
    this.noiseEnv = 1;
    this.fast = p.fast;
    this.fastCoef = p.fastCoef;
    this.slow = p.slow;
    this.slowCoef = p.slowCoef;
    this.ping = p.pingLevel > 0 ? 1 : 0;
    for (let j = 0; j < CLUSTER.length; j++) this.phases[j] = (j * 0.37) % 1;
    this.pingPhases.fill(0);
    // Harder hits are brighter: the band-pass moves up with velocity.
    const g = p.bpGSoft + (p.bpGHard - p.bpGSoft) * v;
    this.bpA1 = 1 / (1 + g * (g + p.bpK));
    this.bpA2 = g * this.bpA1;
    this.bpA3 = g * this.bpA2;
  }

  /** Drums are one-shots: a note's end does nothing. Runs on the audio path. */
  release(): void {}

  /** Chokes a ringing hat quickly (a closed hat closes the open one). Runs on the audio path. */
  choke(): void {
    const c = this.kit.chokeCoef;
    if (this.fastCoef > c) this.fastCoef = c;
    if (this.slowCoef > c) this.slowCoef = c;
  }

  /** Writes samples [from, to) of this voice into buf (overwrites). Runs on the audio path. */
  render(buf: Float32Array, from: number, to: number): void {
    const mode = this.preset.mode;
    if (mode === MEMBRANE) this.renderMembrane(buf, from, to);
    else if (mode === SNARE) this.renderSnare(buf, from, to);
    else this.renderMetal(buf, from, to);
  }

  private renderMembrane(buf: Float32Array, from: number, to: number): void {
    const p = this.preset;
    const invSr = 1 / this.kit.sampleRate;
    const { freqEnd, freqRange, sweepCoef, ampCoef, clickCoef, clickLevel } = p;
    const gain = this.gain;
    const table = SINE;
    const noiseScale = this.noiseScale;
    let { phase, sweep, amp, click, clickLp, rng } = this;
    for (let i = from; i < to; i++) {
      const sx = phase * SINE_SIZE;
      const si = sx | 0;
      const tone = table[si]! + (table[si + 1]! - table[si]!) * (sx - si);
      phase += (freqEnd + freqRange * sweep) * invSr;
      if (phase >= 1) phase -= 1;
      sweep *= sweepCoef;
      rng = xorshift(rng);
      // The click: a decaying impulse with a little noise, softened by a one-pole low-pass.
      const c = click * (0.7 + 0.3 * rng * noiseScale);
      clickLp += 0.5 * (c - clickLp);
      click *= clickCoef;
      buf[i] = (tone * amp + clickLp * clickLevel) * gain;
      amp *= ampCoef;
    }
    this.phase = phase;
    this.sweep = sweep;
    this.amp = amp;
    this.click = click;
    this.clickLp = clickLp;
    this.rng = rng;
    if (amp < END_LEVEL) this.done = true;
  }

  private renderSnare(buf: Float32Array, from: number, to: number): void {
    const { inc1, inc2, bendCoef, bodyCoef, bodyLevel, noiseCoef, noiseLevel } = this.preset;
    const { gain, bpA1, bpA2, bpA3 } = this;
    const table = SINE;
    const noiseScale = this.noiseScale;
    let { p1, p2, bend, body, noiseEnv, rng, b1, b2 } = this;
    for (let i = from; i < to; i++) {
      const pitch = 1 + 0.3 * bend;
      bend *= bendCoef;
      const x1 = p1 * SINE_SIZE;
      const i1 = x1 | 0;
      const x2 = p2 * SINE_SIZE;
      const i2 = x2 | 0;
      const s1 = table[i1]! + (table[i1 + 1]! - table[i1]!) * (x1 - i1);
      const s2 = table[i2]! + (table[i2 + 1]! - table[i2]!) * (x2 - i2);
      const tone = (s1 + 0.5 * s2) * body;
      p1 += inc1 * pitch;
      if (p1 >= 1) p1 -= 1;
      p2 += inc2 * pitch;
      if (p2 >= 1) p2 -= 1;
      body *= bodyCoef;

      rng = xorshift(rng);
      const v3 = rng * noiseScale - b2;
      const v1 = bpA1 * b1 + bpA2 * v3;
      const v2 = b2 + bpA2 * b1 + bpA3 * v3;
      b1 = 2 * v1 - b1;
      b2 = 2 * v2 - b2;
      buf[i] = (tone * bodyLevel + v1 * noiseEnv * noiseLevel) * gain;
      noiseEnv *= noiseCoef;
    }
    this.p1 = p1;
    this.p2 = p2;
    this.bend = bend;
    this.body = body;
    this.noiseEnv = noiseEnv;
    this.rng = rng;
    this.b1 = b1;
    this.b2 = b2;
    if (body < END_LEVEL && noiseEnv < END_LEVEL) this.done = true;
  }

  private renderMetal(buf: Float32Array, from: number, to: number): void {
    const p = this.preset;
    const phases = this.phases;
    const incs = p.incs;
    const pp = this.pingPhases;
    const pi = p.pingIncs;
    const { metalLevel, noiseLevel, pingCoef, pingLevel, hpG, hpK } = p;
    const { gain, fastCoef, slowCoef, bpA1, bpA2, bpA3 } = this;
    const hpA1 = 1 / (1 + hpG * (hpG + hpK));
    const hpA2 = hpG * hpA1;
    const hpA3 = hpG * hpA2;
    const metalScale = metalLevel / CLUSTER.length;
    const withPing = pingLevel > 0;
    const table = SINE;
    const noiseScale = this.noiseScale;
    let { fast, slow, ping, rng, b1, b2, h1, h2 } = this;
    for (let i = from; i < to; i++) {
      let m = 0;
      for (let j = 0; j < CLUSTER.length; j++) {
        let ph = phases[j]!;
        m += ph < 0.5 ? 1 : -1;
        ph += incs[j]!;
        phases[j] = ph >= 1 ? ph - 1 : ph;
      }
      rng = xorshift(rng);
      const x = m * metalScale + rng * noiseScale * noiseLevel;

      // Band-pass, then high-pass.
      let v3 = x - b2;
      const v1 = bpA1 * b1 + bpA2 * v3;
      const v2 = b2 + bpA2 * b1 + bpA3 * v3;
      b1 = 2 * v1 - b1;
      b2 = 2 * v2 - b2;
      v3 = v1 - h2;
      const w1 = hpA1 * h1 + hpA2 * v3;
      const w2 = h2 + hpA2 * h1 + hpA3 * v3;
      h1 = 2 * w1 - h1;
      h2 = 2 * w2 - h2;
      let y = (v1 - hpK * w1 - w2) * (fast + slow);
      fast *= fastCoef;
      slow *= slowCoef;

      if (withPing) {
        let s = 0;
        for (let j = 0; j < RIDE_PING.length; j++) {
          const ph = pp[j]!;
          const sx = ph * SINE_SIZE;
          const si = sx | 0;
          s += table[si]! + (table[si + 1]! - table[si]!) * (sx - si);
          const next = ph + pi[j]!;
          pp[j] = next >= 1 ? next - 1 : next;
        }
        y += s * ping * pingLevel;
        ping *= pingCoef;
      }
      buf[i] = y * gain;
    }
    this.fast = fast;
    this.slow = slow;
    this.ping = ping;
    this.rng = rng;
    this.b1 = b1;
    this.b2 = b2;
    this.h1 = h1;
    this.h2 = h2;
    if (fast + slow < END_LEVEL && ping < END_LEVEL) this.done = true;
  }
}
