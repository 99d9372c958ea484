/**
 * Stage 2 of the analysis: the causal tracker. Stateful and cheap; consumes the per-hop
 * features in hop order and produces the analysis frame and the performance events of each hop.
 */
import type { AnalysisFrame, PerformanceEvent, SampleFrame } from "@performia/protocol";
import { frames } from "@performia/protocol";
import { BeatTracker, type BeatStep } from "./beats.js";
import type { AnalysisConfig } from "./config.js";
import { BAND_HIGH_HZ, BAND_LOW_HZ, type HopFeatures } from "./features.js";
import { HarmonyTracker, type HarmonyChange } from "./harmony.js";
import { MelodyTracker } from "./melody.js";
import { NoteOnsets } from "./note-onsets.js";
import { OnsetDetector } from "./onsets.js";

/** What the tracker reports for one hop. */
export interface TrackerOutput {
  frame: AnalysisFrame;
  events: PerformanceEvent[];
}

/**
 * Delay (in seconds) between a sound's onset and the peak of the detection function it causes
 * (the band spectrum is a Hann window over the newest ~23 ms). Onsets and beats are reported
 * this much earlier than the hop at which the detection function peaks.
 */
const ODF_LATENCY_SECONDS = 0.012;
/**
 * Beats lag their onsets by more than ODF_LATENCY_SECONDS says, measured on click tracks at
 * 80–128 BPM and four sub-hop phases (beats.test.ts, "not late"), in hops: a beat on a whole hop
 * (the tracker's cumulative score is kept per hop, so a beat falls on the first hop at or after
 * its detection-function peak) by half a hop; a beat placed between hops (on the sub-hop peak of
 * the detection function, see BeatTracker) by 0.17 hop. Beats are reported that much earlier:
 * without it the band, which plays on them, was 5 ms late.
 */
const BEAT_LAG_WHOLE_HOPS = 0.5;
const BEAT_LAG_SUB_HOPS = 0.17;
/** A pitch change must hold for this many hops before it is reported (at its first hop). */
const PITCH_HOLD_HOPS = 2;

/** Rounded MIDI note of a frequency, or -1 when unvoiced. */
function midiOf(hz: number | null): number {
  return hz === null ? -1 : Math.round(69 + 12 * Math.log2(hz / 440));
}

export class CausalTracker {
  private readonly config: AnalysisConfig;
  private readonly onsets: OnsetDetector;
  private readonly beats: BeatTracker;
  private readonly harmony: HarmonyTracker;
  private readonly melody = new MelodyTracker();
  private readonly noteOnsets: NoteOnsets;
  private readonly latency: number;
  /** Frames a beat on a whole hop, and one between hops, is reported earlier (BEAT_LAG_*). */
  private readonly beatLagWhole: number;
  private readonly beatLagSub: number;
  private readonly beatStep: BeatStep = { tempo: null, beatHop: null };
  private readonly harmonyOut: { chord: HarmonyChange | null; key: HarmonyChange | null } = {
    chord: null,
    key: null,
  };
  /** Number of hops pushed so far. */
  private hops = 0;
  // Pitch reporting.
  private note = -2;
  private pendingNote = -2;
  private pendingFrame = 0;
  private pendingHz: number | null = null;
  private pendingConfidence = 0;
  private pendingCount = 0;

  /** Runs on the pipeline thread. */
  constructor(config: AnalysisConfig) {
    this.config = config;
    const hopRate = config.sampleRate / config.hopSize;
    this.latency = Math.round(ODF_LATENCY_SECONDS * config.sampleRate);
    this.beatLagWhole = Math.round(BEAT_LAG_WHOLE_HOPS * config.hopSize);
    this.beatLagSub = Math.round(BEAT_LAG_SUB_HOPS * config.hopSize);
    this.onsets = new OnsetDetector(config.bandCount, hopRate);
    this.beats = new BeatTracker(hopRate, Math.round(ODF_LATENCY_SECONDS * hopRate));
    this.harmony = new HarmonyTracker(hopRate);
    this.noteOnsets = new NoteOnsets(
      config.bandCount,
      BAND_LOW_HZ,
      Math.min(BAND_HIGH_HZ, config.sampleRate * 0.48),
    );
  }

  /** The running key estimate ("A:min"), or null before the first one. Runs on the pipeline thread. */
  key(): string | null {
    return this.harmony.keyLabel();
  }

  /** The current tempo estimate in BPM, or null before the first one. Runs on the pipeline thread. */
  tempo(): number | null {
    const t = this.beats.tempo();
    return t > 0 ? t : null;
  }

  /**
   * One hop, in hop order. `features` is null when live analysis missed its deadline for this
   * hop: no information, time still advances. Runs on the pipeline thread.
   */
  push(hopEndFrame: SampleFrame, features: HopFeatures | null): TrackerOutput {
    const hop = this.hops++;
    const events: PerformanceEvent[] = [];
    const hopSize = this.config.hopSize;
    const frameOfHop = (h: number): SampleFrame => frames(Math.max(0, hopEndFrame - (hop - h) * hopSize));

    // Onsets.
    const odf = this.onsets.push(
      features === null ? null : features.bands,
      features === null ? 0 : features.hf,
    );
    const peak = this.onsets.peakHop();

    // Pitch: the melody line chosen among the stage-1 candidates.
    const melody = this.melody;
    melody.push(features);
    // Onsets, placed at the voicing start or the glide start of a sung note (see note-onsets.ts).
    const notes = this.noteOnsets;
    notes.push(
      melody.hz,
      features === null ? null : features.bands,
      peak,
      peak >= 0 ? this.onsets.strength() : 0,
    );
    for (let i = 0; i < notes.count; i++) {
      events.push({
        kind: "onset",
        frame: frames(Math.max(0, frameOfHop(notes.hops[i]!) - this.latency)),
        strength: notes.strengths[i]!,
      });
    }
    if (features !== null) this.trackPitch(hopEndFrame, melody, events);

    // Tempo and beats.
    const step = this.beats.push(odf, this.beatStep, this.onsets.bass(), this.onsets.kickLikeness());
    if (step.tempo !== null) events.push({ kind: "tempo", frame: hopEndFrame, bpm: step.tempo });
    if (step.beatHop !== null) {
      const lag = Number.isInteger(step.beatHop) ? this.beatLagWhole : this.beatLagSub;
      const beatFrame = frames(
        Math.max(0, hopEndFrame + (step.beatHop - hop) * hopSize - this.latency - lag),
      );
      events.push({ kind: "beat", frame: beatFrame, reportedAt: hopEndFrame, bpm: this.beats.tempo() });
    }

    // Chords and key.
    const h = this.harmonyOut;
    this.harmony.push(
      features === null ? null : features.chroma,
      features === null ? null : features.low,
      features === null ? 0 : features.rms,
      h,
    );
    if (h.chord !== null) {
      events.push({
        kind: "chord",
        frame: frameOfHop(h.chord.hop),
        label: h.chord.label,
        confidence: h.chord.confidence,
      });
    }
    if (h.key !== null) {
      events.push({
        kind: "key",
        frame: frameOfHop(h.key.hop),
        label: h.key.label,
        confidence: h.key.confidence,
      });
    }

    const frame: AnalysisFrame = {
      frame: hopEndFrame,
      hz: melody.hz,
      confidence: melody.confidence,
      rms: features === null ? 0 : features.rms,
      onsetStrength: odf,
      missed: features === null,
    };
    return { frame, events };
  }

  private trackPitch(
    hopEndFrame: SampleFrame,
    f: { hz: number | null; confidence: number },
    events: PerformanceEvent[],
  ): void {
    const m = midiOf(f.hz);
    if (m === this.note) {
      this.pendingNote = -2;
      this.pendingCount = 0;
      return;
    }
    if (m !== this.pendingNote) {
      this.pendingNote = m;
      this.pendingFrame = hopEndFrame;
      this.pendingHz = f.hz;
      this.pendingConfidence = f.confidence;
      this.pendingCount = 0;
    }
    this.pendingCount++;
    if (this.pendingCount >= PITCH_HOLD_HOPS) {
      this.note = m;
      events.push({
        kind: "pitch",
        frame: frames(this.pendingFrame),
        hz: this.pendingHz,
        confidence: this.pendingConfidence,
      });
      this.pendingNote = -2;
      this.pendingCount = 0;
    }
  }
}
