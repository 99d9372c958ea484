/**
 * The band through a General MIDI SoundFont (.sf2 or .sf3) instead of the built-in voices, when
 * one is installed (Debian: musescore-general-soundfont-small, fluid-soundfont-gm) and chosen.
 * spessasynth_core (Apache-2.0) plays the SoundFont; this wrapper gives it the built-in synth's
 * interface: notes start at a frame offset inside the next block and are released after their
 * duration, channels have gains, the output is mono. Event queues and buffers are allocated
 * once; render() splits the block at note starts and releases.
 */
import { readFileSync } from "node:fs";
import type { Instrument } from "@performia/protocol";
import type { SpessaSynthProcessor } from "spessasynth_core";

/** What the pipeline needs from a synthesizer (the built-in `Synth` and `SoundFontSynth`). */
export interface BandSynth {
  readonly sampleRate: number;
  noteOn(
    channel: number,
    instrument: Instrument,
    pitch: number,
    velocity: number,
    offset: number,
    durationFrames: number,
  ): void;
  setChannelGain(channel: number, gain: number): void;
  allNotesOff(): void;
  render(out: Float32Array, n: number): void;
}

/** General MIDI programs (0-based) for the instruments; drums play on MIDI channel 10. */
export const GM_PROGRAM: Readonly<Record<string, number>> = {
  bass: 33,
  epiano: 4,
  guitar: 25,
  voice: 52,
  pad: 89,
  strings: 48,
  vibes: 11,
  organ: 16,
};
const DRUM_CHANNEL = 9;
/** Events (starts and releases) that may wait at once. */
const QUEUE = 4096;
/** Frames rendered per pass of the SoundFont synthesizer. */
const MAX_BLOCK = 4096;

/** The standard places Debian puts General MIDI SoundFonts, best first. */
export const SOUNDFONT_PATHS = [
  "/usr/share/sounds/sf2/FluidR3_GM.sf2",
  "/usr/share/sounds/sf3/MuseScore_General.sf3",
  "/usr/share/sounds/sf3/MuseScore_General_Lite.sf3",
  "/usr/share/sounds/sf2/TimGM6mb.sf2",
  "/usr/share/sounds/sf2/default-GM.sf2",
  "/usr/share/sounds/sf3/default-GM.sf3",
] as const;

export class SoundFontSynth implements BandSynth {
  readonly sampleRate: number;
  readonly path: string;
  private readonly processor: SpessaSynthProcessor;
  private readonly left = new Float32Array(MAX_BLOCK);
  private readonly right = new Float32Array(MAX_BLOCK);
  /** Pending events: absolute frame, MIDI channel, key, velocity (0 = release); a slot is free when frame < 0. */
  private readonly evFrame = new Float64Array(QUEUE).fill(-1);
  private readonly evChannel = new Uint8Array(QUEUE);
  private readonly evKey = new Uint8Array(QUEUE);
  private readonly evVelocity = new Uint8Array(QUEUE);
  private readonly programs = new Int16Array(16).fill(-1);
  /** MIDI volume (CC 7) asked for each mixer channel, and the one the drum channel has now. */
  private readonly volumes = new Int16Array(16).fill(100);
  private drumVolume = 100;
  private pending = 0;
  private frame = 0;

  private constructor(processor: SpessaSynthProcessor, sampleRate: number, path: string) {
    this.processor = processor;
    this.sampleRate = sampleRate;
    this.path = path;
  }

  /**
   * Load a SoundFont. Rejects with a message naming the file when it cannot be read.
   * Runs on the main thread before the performance starts.
   */
  static async load(path: string, sampleRate: number): Promise<SoundFontSynth> {
    // Loaded on first use: the analysis workers and every command without a SoundFont skip it.
    const { SoundBankLoader, SpessaSynthProcessor } = await import("spessasynth_core");
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new Error(`cannot read the SoundFont ${path} (${e instanceof Error ? e.message : String(e)})`);
    }
    let bank;
    try {
      const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      bank = SoundBankLoader.fromArrayBuffer(ab);
    } catch (e) {
      throw new Error(
        `${path} is not a SoundFont this synthesizer reads (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    const processor = new SpessaSynthProcessor(sampleRate, {
      eventsEnabled: false,
      maxBufferSize: MAX_BLOCK,
    });
    processor.soundBankManager.addSoundBank(bank, "performia");
    await processor.processorInitialized;
    return new SoundFontSynth(processor, sampleRate, path);
  }

  /** Our mixer channel (0–15) as a MIDI channel, drums always on channel 10 (index 9). */
  private midiChannel(channel: number, instrument: Instrument): number {
    if (instrument === "drums") return DRUM_CHANNEL;
    const c = Math.max(0, Math.min(14, channel | 0));
    return c >= DRUM_CHANNEL ? c + 1 : c;
  }

  private push(frame: number, channel: number, key: number, velocity: number): void {
    if (this.pending >= QUEUE) return;
    for (let i = 0; i < QUEUE; i++) {
      if (this.evFrame[i]! >= 0) continue;
      this.evFrame[i] = frame;
      this.evChannel[i] = channel;
      this.evKey[i] = key;
      this.evVelocity[i] = velocity;
      this.pending++;
      return;
    }
  }

  /** Runs on the audio path. */
  noteOn(
    channel: number,
    instrument: Instrument,
    pitch: number,
    velocity: number,
    offset: number,
    durationFrames: number,
  ): void {
    if (!(velocity >= 1) || !Number.isFinite(pitch)) return;
    const ch = this.midiChannel(channel, instrument);
    if (ch === DRUM_CHANNEL) {
      // The drum channel takes the volume of the mixer channel its notes come from.
      const v = this.volumes[Math.max(0, Math.min(15, channel | 0))]!;
      if (v !== this.drumVolume) {
        this.processor.controllerChange(DRUM_CHANNEL, 7, v);
        this.drumVolume = v;
      }
    } else {
      const program = GM_PROGRAM[instrument] ?? 0;
      if (this.programs[ch] !== program) {
        this.processor.programChange(ch, program);
        this.programs[ch] = program;
      }
    }
    const key = Math.max(0, Math.min(127, Math.round(pitch)));
    const vel = Math.max(1, Math.min(127, Math.round(velocity)));
    const at = this.frame + Math.max(0, Math.floor(offset));
    this.push(at, ch, key, vel);
    this.push(at + Math.max(1, Math.floor(durationFrames)), ch, key, 0);
  }

  /** MIDI volume (CC 7) for a linear gain (GM: gain = (cc/127)²). Runs on the audio path. */
  setChannelGain(channel: number, gain: number): void {
    if (!Number.isFinite(gain)) return;
    const cc = Math.round(127 * Math.sqrt(Math.max(0, Math.min(1, gain))));
    const c = Math.max(0, Math.min(14, channel | 0));
    this.volumes[c] = cc;
    this.processor.controllerChange(c >= DRUM_CHANNEL ? c + 1 : c, 7, cc);
  }

  /** Releases everything and forgets pending notes. Runs on the audio path. */
  allNotesOff(): void {
    this.evFrame.fill(-1);
    this.pending = 0;
    for (let ch = 0; ch < 16; ch++) this.processor.controllerChange(ch, 123, 0);
  }

  /** The next n frames, mono, into out[0..n) (overwrites). Runs on the audio path. */
  render(out: Float32Array, n: number): void {
    const total = Math.min(out.length, Math.max(0, Math.floor(n)));
    for (let base = 0; base < total; base += MAX_BLOCK) {
      const m = Math.min(MAX_BLOCK, total - base);
      this.renderChunk(out, base, m);
    }
  }

  private renderChunk(out: Float32Array, base: number, m: number): void {
    const L = this.left;
    const R = this.right;
    L.fill(0, 0, m);
    R.fill(0, 0, m);
    const end = this.frame + m;
    let pos = 0;
    while (pos < m) {
      // The earliest event due in this chunk, or the chunk's end.
      let next = end;
      for (let i = 0; i < QUEUE && this.pending > 0; i++) {
        const f = this.evFrame[i]!;
        if (f >= 0 && f < next) next = f;
      }
      const until = Math.max(pos, Math.min(m, Math.floor(next - this.frame)));
      if (until > pos) this.processor.process(L, R, pos, until - pos);
      pos = until;
      if (pos >= m) break;
      // Every event at this frame: releases first, then starts.
      const now = this.frame + pos;
      for (const starts of [false, true]) {
        for (let i = 0; i < QUEUE; i++) {
          const f = this.evFrame[i]!;
          if (f < 0 || f > now) continue;
          const vel = this.evVelocity[i]!;
          if (vel > 0 !== starts) continue;
          if (vel > 0) this.processor.noteOn(this.evChannel[i]!, this.evKey[i]!, vel);
          else if (this.evChannel[i] !== DRUM_CHANNEL)
            this.processor.noteOff(this.evChannel[i]!, this.evKey[i]!);
          this.evFrame[i] = -1;
          this.pending--;
        }
      }
    }
    for (let i = 0; i < m; i++) out[base + i] = 0.5 * (L[i]! + R[i]!);
    this.frame = end;
  }
}
