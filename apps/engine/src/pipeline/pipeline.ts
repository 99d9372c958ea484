/**
 * The block pipeline of DESIGN.md, the same whatever drives it:
 *
 *   input block ─► analysis (pool + CausalTracker) ─► conductor ─► agents ─► scheduler
 *               ─► synth + mix ─► output block          and every step ─► recorder
 *
 * `process` runs on the pipeline thread once per block. It never reads a clock and never
 * waits: the driver makes sure the analysis it needs is there (offline) or lets it miss (live).
 */
import { CausalTracker, Synth, mixInto, type BandSynth } from "@performia/dsp";
import type { Agent, CompiledSong, MusicalContext, PerformerView } from "@performia/agents";
import {
  applyEnding,
  checkKey,
  compileSong,
  Conductor,
  COUNT_IN_AGENT,
  countInNotes,
  defaultBand,
  playBand,
  toPerformerView,
} from "@performia/agents";
import type {
  AnalysisFrame,
  Beats,
  BeatEvent,
  ConductorUpdate,
  Decision,
  FormCommand,
  NoteEvent,
  PerformanceEvent,
  SampleFrame,
  Settings,
  SettingsChange,
  SettingsPatch,
  SongMap,
} from "@performia/protocol";
import { applySettingsPatch, beats, frames } from "@performia/protocol";
import type { SessionWriter } from "../session/index.js";
import type { AnalysisStage } from "./analysis-stage.js";
import { Scheduler } from "./scheduler.js";

/** Performer notes remembered for the responder. */
const HEARD_KEPT = 64;
/** The key heard is compared with the chart's once it is this confident, */
const KEY_CHECK_CONFIDENCE = 0.6;
/** and this far into the performance (the key estimate needs a few phrases). */
const KEY_CHECK_AFTER_SECONDS = 6;

export interface PipelineOptions {
  readonly song: SongMap;
  readonly settings: Settings;
  readonly analysis: AnalysisStage;
  /** Where every step is recorded; none when replaying. */
  readonly recorder?: SessionWriter | null;
  /** Synthesize and mix the band (a replay check only needs the decisions). */
  readonly render?: boolean;
  /** The synthesizer, when not the built-in one (a SoundFont, loaded before the run). */
  readonly synth?: BandSynth;
  /** Settings changes to apply at their frames (a replay applies the recorded ones; not re-recorded). */
  readonly scheduledChanges?: readonly SettingsChange[];
  /**
   * Changes a script makes during the performance (as a person would live): applied at the
   * first block starting at or after their frame, and recorded with that block's frame.
   */
  readonly script?: readonly SettingsChange[];
  /** The band; the default band when not given. */
  readonly band?: readonly Agent[];
  /** Keep every decision, beat and update in memory (replay compares them). */
  readonly keep?: boolean;
  /**
   * Live: render notes this many frames before their decided frame, so that after the device's
   * round trip they sound on the performer's beat (`renderAhead`). Only the rendering moves:
   * decisions (and so replays) are the same.
   */
  readonly renderAheadFrames?: number;
  /** Live: a clock (ms) to time the stages of each block with (measured only, never decides). */
  readonly clock?: () => number;
  /**
   * Live: told of each note as it is handed to the synth (or would be, without one), on the
   * pipeline thread inside `process`: it must only copy what it needs, never allocate or wait.
   */
  readonly onPlay?: (d: Decision) => void;
}

/**
 * How far ahead a live pipeline renders (`renderAheadFrames`) on a device with this round trip.
 * The round trip (`performia latency`) runs from the end of the input block after which an
 * output block is written to the input frame its first sample comes back in; the output block
 * `process` makes from the input block [start, end) starts sounding at `end` + round trip, while
 * its first sample stands for frame `start` + ahead. So the ahead is the round trip and one block:
 * with the round trip alone, every note sounded a block (2.9 ms at 128 frames and 44.1 kHz) late.
 * @example renderAhead(309, 128) // => 437
 */
export function renderAhead(roundTripFrames: number, blockSize: number): number {
  return Math.max(0, Math.round(roundTripFrames)) + blockSize;
}

/** Time spent in the stages of the last block, in ms (when the pipeline has a clock). */
export interface StageTimings {
  /** Taking the analysis results and tracking (onsets, beats, tempo, chords). */
  analysisMs: number;
  /** Conductor, agents and scheduler. */
  agentsMs: number;
  /** Synth and mix. */
  synthMs: number;
}

/** What the pipeline keeps when asked to (for replay checks and summaries). */
export interface PipelineLog {
  readonly decisions: Decision[];
  readonly beats: BeatEvent[];
  readonly updates: ConductorUpdate[];
  readonly agentFailures: { frame: number; agent: string; error: string }[];
  /** Things the performer should know, once each (e.g. singing in another key than the chart). */
  readonly notices: { frame: number; message: string }[];
  /** Form commands and where they took effect (or why they could not). */
  readonly commands: { frame: number; command: FormCommand; at?: Beats; error?: string }[];
}

export class Pipeline {
  readonly compiled: CompiledSong;
  readonly conductor: Conductor;
  readonly log: PipelineLog = {
    decisions: [],
    beats: [],
    updates: [],
    agentFailures: [],
    commands: [],
    notices: [],
  };
  private settings: Settings;
  private readonly tracker: CausalTracker;
  private readonly scheduler: Scheduler;
  private readonly synth: BandSynth | null;
  private readonly band: readonly Agent[];
  private readonly channels = new Map<string, number>();
  private readonly bandBuffer: Float32Array;
  private readonly recorder: SessionWriter | null;
  private readonly keep: boolean;
  private readonly scheduled: SettingsChange[];
  private readonly script: SettingsChange[];
  /** The last key heard, and whether the check at the end of the first seconds has run. */
  private keyHeard: { label: string; confidence: number } | null = null;
  private keyCheckDone = false;
  private readonly keysReported = new Set<string>();
  /** The performer's recent notes in performance beats (the last one open while it sounds). */
  private readonly heard: { start: number; end: number; midi: number }[] = [];
  private heardChanged = false;
  private viewBeat = -Infinity;
  private performerView: PerformerView = { now: beats(0), notes: [] };
  /** Where the chart's last bar starts (in its beats): the ending. */
  private readonly lastBarStart: number;
  /** Agents that threw: logged once and silenced for the rest of the performance. */
  private readonly silenced = new Set<string>();
  /** Whether an agent is switched on (made once: it runs every block). */
  private readonly enabled = (name: string): boolean =>
    !this.silenced.has(name) && (this.settings.agents[name]?.enabled ?? true);
  private readonly live: SettingsPatch[] = [];
  private nextHop: number;
  private frameNow = 0;
  private context: MusicalContext;
  /** Latest performer readings, for the summary and the live display. */
  readonly latest = { bpm: 0, hz: null as number | null, pitchConfidence: 0, chord: "N", key: "", level: 0 };
  readonly counts = { onsets: 0, beats: 0, hops: 0, missed: 0, decisions: 0 };
  /** Decisions made so far, per agent. */
  readonly decisionsByAgent: Record<string, number> = {};
  /** Stage times of the last block (zeros without a clock). */
  readonly timings: StageTimings = { analysisMs: 0, agentsMs: 0, synthMs: 0 };
  private readonly clock: (() => number) | null;
  private readonly ahead: number;

  constructor(private readonly options: PipelineOptions) {
    this.settings = options.settings;
    this.compiled = compileSong(options.song);
    this.lastBarStart = this.compiled.bars[this.compiled.bars.length - 1]?.start ?? Infinity;
    this.conductor = new Conductor({
      song: this.compiled,
      sampleRate: this.settings.sampleRate,
      settings: this.settings,
    });
    this.tracker = new CausalTracker(options.analysis.config);
    this.scheduler = new Scheduler(Math.round(this.settings.sampleRate * 0.05));
    this.band = options.band ?? defaultBand();
    this.band.forEach((a, i) => this.channels.set(a.name, i));
    this.channels.set(COUNT_IN_AGENT, this.channels.get("drums") ?? 0);
    this.bandBuffer = new Float32Array(this.settings.blockSize);
    this.recorder = options.recorder ?? null;
    this.keep = options.keep ?? false;
    this.scheduled = [...(options.scheduledChanges ?? [])].sort((a, b) => a.frame - b.frame);
    this.script = [...(options.script ?? [])].sort((a, b) => a.frame - b.frame);
    this.nextHop = options.analysis.hopSize;
    this.context = this.makeContext();
    this.synth =
      options.render === false
        ? null
        : (options.synth ?? new Synth({ sampleRate: this.settings.sampleRate, seed: this.settings.seed }));
    this.clock = options.clock ?? null;
    this.ahead = Math.max(0, Math.round(options.renderAheadFrames ?? 0));
    this.applyVolumes();
    this.noteUpdate(this.conductor.update(frames(0), "start"));
  }

  /** The frame at which the next block starts. */
  get frame(): SampleFrame {
    return frames(this.frameNow);
  }

  get currentSettings(): Settings {
    return this.settings;
  }

  /** Any thread may queue a change; it takes effect at the next block start. */
  change(patch: SettingsPatch): void {
    this.live.push(patch);
  }

  /**
   * Runs on the pipeline thread, once per block: `input[0..n)` in, `out[0..n)` out.
   */
  process(input: Float32Array, n: number, out: Float32Array): void {
    const start = frames(this.frameNow);
    const end = this.frameNow + n;
    const clock = this.clock;
    const t0 = clock ? clock() : 0;
    this.applyDueChanges(start);
    this.recorder?.recordInput(start, input, n);

    // Analysis: every hop that ends inside this block, in order.
    let analysed: AnalysisFrame[] | null = null;
    let events: PerformanceEvent[] | null = null;
    for (; this.nextHop <= end; this.nextHop += this.options.analysis.hopSize) {
      const features = this.options.analysis.take(this.nextHop);
      const result = this.tracker.push(frames(this.nextHop), features);
      this.counts.hops++;
      if (result.frame.missed) this.counts.missed++;
      (analysed ??= []).push(result.frame);
      this.latest.level = result.frame.rms;
      for (const ev of result.events) {
        (events ??= []).push(ev);
        this.onEvent(ev, start);
      }
    }
    if (analysed) this.recorder?.recordAnalysis(analysed);
    if (events) this.recorder?.recordEvents(events);
    if (!this.keyCheckDone && start >= KEY_CHECK_AFTER_SECONDS * this.settings.sampleRate) {
      this.keyCheckDone = true;
      this.checkPerformerKey(start);
    }

    const t1 = clock ? clock() : 0;
    // Agents, asked ahead of the playhead; the scheduler places their notes at frames.
    // The window is in performance beats; agents are asked in the chart's (the form may repeat or
    // jump), and their notes moved back. Before beat 0: the count-in.
    const window = this.conductor.nextWindow(start, n);
    if (window) {
      this.updatePerformerView(start);
      const notes: NoteEvent[] = [];
      if (window.from < 0) countInNotes(window, this.compiled.beatsPerBar, notes);
      for (const piece of this.conductor.songWindows(window)) {
        const played = playBand(this.band, this.enabled, piece.song, this.contextFor(piece.offset));
        for (const f of played.failures) {
          this.silenced.add(f.agent);
          this.log.agentFailures.push({ frame: start, agent: f.agent, error: f.error });
        }
        // The song's last bar is an ending: the band lands together on its downbeat.
        const chosen =
          piece.song.to > this.lastBarStart ? applyEnding(played.notes, this.compiled) : played.notes;
        for (const note of chosen) {
          notes.push(piece.offset === 0 ? note : { ...note, start: beats(note.start + piece.offset) });
        }
      }
      if (notes.length > 0) {
        const made = this.scheduler.schedule(notes, this.conductor.tempoMap, start);
        this.counts.decisions += made.length;
        for (const d of made) this.decisionsByAgent[d.agent] = (this.decisionsByAgent[d.agent] ?? 0) + 1;
        if (made.length > 0) {
          this.recorder?.recordDecisions(made);
          if (this.keep) for (const d of made) this.log.decisions.push(d);
        }
      }
    }

    // Synth and mix (live, `ahead` frames early: the device's round trip).
    const t2 = clock ? clock() : 0;
    const synth = this.synth;
    const onPlay = this.options.onPlay;
    if (synth) {
      const ahead = this.ahead;
      this.scheduler.due(start + ahead, end + ahead, (d, offset) => {
        onPlay?.(d);
        synth.noteOn(
          this.channels.get(d.agent) ?? 0,
          d.instrument,
          d.pitch,
          d.velocity,
          offset,
          d.endFrame - d.startFrame,
        );
      });
      synth.render(this.bandBuffer, n);
      const performer = this.settings.mix === "full" ? input : null;
      mixInto(out, performer, this.settings.performerGain, this.bandBuffer, this.settings.bandGain, n);
    } else {
      this.scheduler.due(start + this.ahead, end + this.ahead, onPlay ?? noop);
    }
    this.frameNow = end;
    if (clock) {
      const t3 = clock();
      this.timings.analysisMs = t1 - t0;
      this.timings.agentsMs = t2 - t1;
      this.timings.synthMs = t3 - t2;
    }
  }

  /** Record the end of the performance. */
  finish(): void {
    this.noteUpdate(this.conductor.update(this.frame, "end"));
  }

  private onEvent(ev: PerformanceEvent, now: SampleFrame): void {
    switch (ev.kind) {
      case "beat": {
        this.counts.beats++;
        this.latest.bpm = ev.bpm;
        if (this.keep) this.log.beats.push(ev);
        const u = this.conductor.onBeat(ev, now);
        if (u) this.noteUpdate(u);
        break;
      }
      case "onset":
        this.counts.onsets++;
        break;
      case "pitch":
        this.latest.hz = ev.hz;
        this.latest.pitchConfidence = ev.confidence;
        this.hearPitch(ev);
        break;
      case "chord":
        this.latest.chord = ev.label;
        break;
      case "key":
        this.latest.key = ev.label;
        this.keyHeard = { label: ev.label, confidence: ev.confidence };
        this.checkPerformerKey(ev.frame);
        break;
      case "tempo":
        break;
    }
  }

  /**
   * A confident key on another tonic than the chart's: say so once per key heard. Checked when a
   * key is heard, and once when the first seconds have passed (a key heard early and kept).
   */
  private checkPerformerKey(frame: number): void {
    if (frame < KEY_CHECK_AFTER_SECONDS * this.settings.sampleRate) return;
    const k = this.keyHeard;
    if (!k || k.confidence < KEY_CHECK_CONFIDENCE) return;
    const c = checkKey(this.compiled.song.key, k.label);
    if (c && !this.keysReported.has(c.performerKey)) {
      this.keysReported.add(c.performerKey);
      this.log.notices.push({ frame, message: c.message });
    }
  }

  private applyDueChanges(start: SampleFrame): void {
    while (this.scheduled.length > 0 && this.scheduled[0]!.frame <= start) {
      this.apply(this.scheduled.shift()!.patch, start, false);
    }
    while (this.script.length > 0 && this.script[0]!.frame <= start) {
      this.apply(this.script.shift()!.patch, start, true);
    }
    while (this.live.length > 0) this.apply(this.live.shift()!, start, true);
  }

  private apply(patch: SettingsPatch, frame: SampleFrame, record: boolean): void {
    const before = this.settings;
    this.settings = applySettingsPatch(before, patch);
    if (record) this.recorder?.recordSettingsChange({ frame, patch });
    for (const [name, a] of Object.entries(this.settings.agents)) {
      if (before.agents[name]?.enabled !== false && !a.enabled) this.scheduler.cancel(name);
    }
    this.context = this.makeContext();
    this.applyVolumes();
    const u = this.conductor.applySettings(this.settings, frame);
    if (u) this.noteUpdate(u);
    if (patch.form) {
      const r = this.conductor.command(patch.form);
      this.log.commands.push({
        frame,
        command: patch.form,
        ...("at" in r ? { at: r.at } : { error: r.error }),
      });
    }
  }

  /** The context in the chart's beats of a window piece (the performer's notes moved with it). */
  private contextFor(offset: number): MusicalContext {
    if (offset === 0) return this.context;
    const v = this.performerView;
    return {
      ...this.context,
      performer: {
        now: beats(v.now - offset),
        notes: v.notes.map((x) => ({ ...x, start: beats(x.start - offset), end: beats(x.end - offset) })),
      },
    };
  }

  /** The agents' context: the song, style, seed, live intensity and what the performer played. */
  private makeContext(): MusicalContext {
    return {
      song: this.compiled,
      style: this.settings.style,
      seed: this.settings.seed,
      intensity: this.settings.intensity,
      performer: this.performerView,
    };
  }

  /**
   * What the performer played, for the responder: pitch events become notes in performance beats.
   * The view is rebuilt when a note starts or ends, or when `now` moves by a sixteenth (not every
   * block). Runs on the pipeline thread.
   */
  private hearPitch(ev: { frame: number; hz: number | null }): void {
    const beat = this.conductor.tempoMap.beatAtFrame(frames(ev.frame));
    const open = this.heard[this.heard.length - 1];
    if (open && open.end === Infinity) open.end = beat;
    if (ev.hz !== null && ev.hz > 0)
      this.heard.push({ start: beat, end: Infinity, midi: 69 + 12 * Math.log2(ev.hz / 440) });
    if (this.heard.length > HEARD_KEPT) this.heard.splice(0, this.heard.length - HEARD_KEPT);
    this.heardChanged = true;
  }

  private updatePerformerView(now: SampleFrame): void {
    const beat = Math.floor(this.conductor.tempoMap.beatAtFrame(now) * 4) / 4;
    if (!this.heardChanged && beat === this.viewBeat) return;
    this.heardChanged = false;
    this.viewBeat = beat;
    const notes = this.heard.map((n) => (n.end === Infinity ? { ...n, end: Math.max(n.start, beat) } : n));
    this.performerView = toPerformerView(notes, beat);
    this.context = this.makeContext();
  }

  private applyVolumes(): void {
    if (!this.synth) return;
    for (const [name, ch] of this.channels) {
      this.synth.setChannelGain(ch, this.settings.agents[name]?.volume ?? 0.8);
    }
  }

  private noteUpdate(u: ConductorUpdate): void {
    this.recorder?.recordConductor(u);
    if (this.keep) this.log.updates.push(u);
  }
}

function noop(): void {}
