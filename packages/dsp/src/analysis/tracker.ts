/**
 * Stage 2 of the analysis: the causal tracker. Stateful and cheap; consumes the per-hop
 * features in hop order and produces the analysis frame and the performance events of each hop.
 */
import type { AnalysisFrame, PerformanceEvent, SampleFrame } from "@performia/protocol";
import { frames } from "@performia/protocol";
import { BeatTracker, type BeatStep } from "./beats.js";
import type { AnalysisConfig } from "./config.js";
import type { HopFeatures } from "./features.js";
import { HarmonyTracker, type HarmonyChange } from "./harmony.js";
import { MelodyTracker } from "./melody.js";
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
 * A beat's hop index (the tracker's cumulative score is kept per hop) stands for the hop it ends:
 * the detection function at a hop is the change from the hop before, so a beat found there lies
 * in that hop, half a hop before its end on average. Beats are reported at the hop's middle.
 * Measured on click tracks at 80–128 BPM and four sub-hop phases (beats.test.ts, "phase"): beats
 * stamped at the hop's end were 5 ms (half a 10 ms hop) late in the median, and the band that
 * follows them as late.
 */
const BEAT_HOP_CENTER = 0.5;
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
  private readonly latency: number;
  /** Frames a beat is reported before its hop's end (BEAT_HOP_CENTER). */
  private readonly beatCenter: number;
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
    this.beatCenter = Math.round(BEAT_HOP_CENTER * config.hopSize);
    this.onsets = new OnsetDetector(config.bandCount, hopRate);
    this.beats = new BeatTracker(hopRate, Math.round(ODF_LATENCY_SECONDS * hopRate));
    this.harmony = new HarmonyTracker(hopRate);
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
    if (peak >= 0) {
      events.push({
        kind: "onset",
        frame: frames(Math.max(0, frameOfHop(peak) - this.latency)),
        strength: this.onsets.strength(),
      });
    }

    // Pitch: the melody line chosen among the stage-1 candidates.
    const melody = this.melody;
    melody.push(features);
    if (features !== null) this.trackPitch(hopEndFrame, melody, events);

    // Tempo and beats.
    const step = this.beats.push(odf, this.beatStep, this.onsets.bass(), this.onsets.kickLikeness());
    if (step.tempo !== null) events.push({ kind: "tempo", frame: hopEndFrame, bpm: step.tempo });
    if (step.beatHop !== null) {
      const beatFrame = frames(
        Math.max(0, hopEndFrame + (step.beatHop - hop) * hopSize - this.latency - this.beatCenter),
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
