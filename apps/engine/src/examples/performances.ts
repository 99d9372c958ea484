/**
 * The example performances that ship with the engine, made by the project's own synth from
 * the example songs, so `npm start` has something to play on a fresh machine. Each is a
 * performer alone (a singer, a guitarist, a drummer), in time with its song's chart, with the
 * tempo changes a real performer makes. `performia examples make` writes them; they are
 * committed, so changing the synth does not change them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { CompiledSong } from "@performia/agents";
import { chordAt, compileSong, random } from "@performia/agents";
import { renderNotes } from "@performia/dsp";
import type { RenderNote } from "@performia/dsp";
import type { TempoSegment } from "@performia/protocol";
import { beats, DRUM, frames, TempoMap } from "@performia/protocol";
import { writeWav } from "../io/wav.js";
import { EXAMPLE_PERFORMANCES_DIR } from "../paths.js";
import { readSongFile } from "../songs.js";

export const EXAMPLE_RATE = 44100;

/** How an example performer plays: its song, its instrument, and its tempo over the song. */
export interface ExampleSpec {
  readonly name: string;
  readonly song: string;
  readonly description: string;
  /** Tempo of each bar (1-based) as a function of the chart tempo. */
  readonly tempoAt: (bar: number, chartTempo: number) => number;
  readonly play: (song: CompiledSong, map: TempoMap) => RenderNote[];
}

/** A tempo map that changes tempo at bar lines, from a tempo per bar. */
export function performerTempoMap(
  song: CompiledSong,
  tempoAt: ExampleSpec["tempoAt"],
  sampleRate: number,
): TempoMap {
  const segments: TempoSegment[] = [];
  let frame = 0;
  for (let bar = 0; bar < song.bars.length + 2; bar++) {
    const bpm = tempoAt(bar + 1, song.song.tempo);
    const fpb = (60 * sampleRate) / bpm;
    segments.push({ frame: frames(frame), beat: beats(bar * song.beatsPerBar), beatsPerFrame: 1 / fpb });
    frame += fpb * song.beatsPerBar;
  }
  return TempoMap.fromSegments(segments);
}

function note(
  map: TempoMap,
  instrument: RenderNote["instrument"],
  pitch: number,
  velocity: number,
  start: number,
  length: number,
): RenderNote {
  const s = map.frameAtBeat(beats(start));
  const e = map.frameAtBeat(beats(start + length));
  return { instrument, pitch, velocity, startFrame: s, durationFrames: Math.max(1, e - s) };
}

/** Nearest MIDI note of pitch class `pc` to `near`. */
function nearestOfClass(pc: number, near: number): number {
  const base = near - ((((near - pc) % 12) + 12) % 12);
  return near - base > 6 ? base + 12 : base;
}

/** A singer: a melody of chord tones, mostly on the beat, phrased in two-bar arcs. */
function sungMelody(song: CompiledSong, map: TempoMap): RenderNote[] {
  const notes: RenderNote[] = [];
  const rhythms: number[][] = [
    [0, 1, 2, 3],
    [0, 1.5, 2, 3],
    [0, 1, 2.5, 3],
    [0, 2, 3],
  ];
  let prev = 67;
  for (const bar of song.bars) {
    const rhythm = rhythms[Math.floor(random(7, bar.index) * rhythms.length)]!;
    const breathe = bar.index % 4 === 3;
    const onsets = breathe ? rhythm.filter((r) => r < 2) : rhythm;
    onsets.forEach((r, i) => {
      const at = bar.start + r;
      const chord = chordAt(song, beats(at));
      if (!chord || chord.root === null) return;
      const tone = chord.tones[Math.floor(random(11, bar.index, i) * chord.tones.length)]!;
      let pitch = nearestOfClass(tone, prev + (random(13, bar.index, i) < 0.5 ? -2 : 2));
      pitch = Math.max(60, Math.min(74, pitch));
      const next = onsets[i + 1] ?? (breathe ? 2.5 : song.beatsPerBar);
      notes.push(
        note(map, "voice", pitch, 90 + Math.floor(random(17, bar.index, i) * 20), at, (next - r) * 0.92),
      );
      prev = pitch;
    });
  }
  return notes;
}

/** A guitarist strumming the chords on every beat (down-up on the and of 2 and 4). */
function strummedGuitar(song: CompiledSong, map: TempoMap): RenderNote[] {
  const notes: RenderNote[] = [];
  for (const bar of song.bars) {
    const strokes = [0, 1, 1.5, 2, 3, 3.5].filter((s) => s < song.beatsPerBar);
    for (const s of strokes) {
      const at = bar.start + s;
      const chord = chordAt(song, beats(at));
      if (!chord || chord.root === null) continue;
      const down = Number.isInteger(s);
      const voicing = [chord.bass ?? chord.root, ...chord.tones].map((pc, i) =>
        nearestOfClass(pc, 48 + i * 5),
      );
      voicing.sort((a, b) => a - b);
      const order = down ? voicing : [...voicing].reverse().slice(0, 3);
      order.forEach((p, i) => {
        const vel = (down ? (s === 0 ? 110 : 95) : 70) - i * 3;
        notes.push(note(map, "guitar", p, vel, at + i * 0.02, down ? 0.9 : 0.4));
      });
    }
  }
  return notes;
}

/** A drummer: a shuffle-free rock groove with a fill at every fourth bar. */
function drumGroove(song: CompiledSong, map: TempoMap): RenderNote[] {
  const notes: RenderNote[] = [];
  for (const bar of song.bars) {
    const b = bar.start;
    const fill = bar.index % 4 === 3;
    for (let e = 0; e < 8; e++) {
      const at = b + e / 2;
      if (fill && e >= 6) continue;
      notes.push(note(map, "drums", DRUM.closedHat, e % 2 === 0 ? 90 : 60, at, 0.1));
    }
    notes.push(note(map, "drums", DRUM.kick, 115, b, 0.25));
    notes.push(note(map, "drums", DRUM.kick, 105, b + 2, 0.25));
    if (random(3, bar.index) < 0.5) notes.push(note(map, "drums", DRUM.kick, 90, b + 2.5, 0.25));
    notes.push(note(map, "drums", DRUM.snare, 110, b + 1, 0.25));
    notes.push(note(map, "drums", DRUM.snare, 112, b + 3, 0.25));
    if (fill)
      for (const f of [3.25, 3.5, 3.75]) notes.push(note(map, "drums", DRUM.snare, 80 + f * 8, b + f, 0.2));
    if (bar.isSectionStart) notes.push(note(map, "drums", DRUM.crash, 110, b, 1));
  }
  return notes;
}

export const EXAMPLES: readonly ExampleSpec[] = [
  {
    name: "pop-anthem-sung",
    song: "pop-anthem",
    description: "a singer, steady at the chart tempo",
    tempoAt: (_bar, t) => t,
    play: sungMelody,
  },
  {
    name: "tempo-study-guitar",
    song: "tempo-study",
    description: "a guitarist who speeds up by a sixth from bar 5",
    tempoAt: (bar, t) => (bar >= 5 ? t * (7 / 6) : t),
    play: strummedGuitar,
  },
  {
    name: "blues-drums",
    song: "blues-in-a",
    description: "a drummer who pushes the tempo up through the chorus (ramp of +8 %)",
    tempoAt: (bar, t) => t * (1 + 0.08 * Math.min(1, Math.max(0, (bar - 5) / 12))),
    play: drumGroove,
  },
];

/** Render one example performance; returns the samples and the performer's beat frames. */
export function renderExample(
  spec: ExampleSpec,
  sampleRate = EXAMPLE_RATE,
): { samples: Float32Array; beatFrames: number[] } {
  const { song } = readSongFile(spec.song);
  const compiled = compileSong(song);
  const map = performerTempoMap(compiled, spec.tempoAt, sampleRate);
  const notes = spec.play(compiled, map);
  const endFrame = map.frameAtBeat(compiled.totalBeats);
  const length = endFrame + Math.round(sampleRate * 1.5);
  const samples = renderNotes(notes, length, { sampleRate, seed: 2026 });
  const beatFrames: number[] = [];
  for (let b = 0; b < compiled.totalBeats; b++) beatFrames.push(map.frameAtBeat(beats(b)));
  return { samples, beatFrames };
}

export function examplePath(name: string): string {
  return resolve(EXAMPLE_PERFORMANCES_DIR, `${name}.wav`);
}

/** Write every example performance (and its beat times, as ground truth) into the examples folder. */
export function makeExamples(log: (line: string) => void): void {
  mkdirSync(EXAMPLE_PERFORMANCES_DIR, { recursive: true });
  for (const spec of EXAMPLES) {
    const { samples, beatFrames } = renderExample(spec);
    const path = examplePath(spec.name);
    writeWav(path, samples, EXAMPLE_RATE);
    const truth = {
      song: spec.song,
      sampleRate: EXAMPLE_RATE,
      beats: beatFrames.map((f) => f / EXAMPLE_RATE),
    };
    writeFileSync(path.replace(/\.wav$/, ".beats.json"), `${JSON.stringify(truth)}\n`);
    log(
      `${path}: ${(samples.length / EXAMPLE_RATE).toFixed(1)} s, ${spec.description}, ${beatFrames.length} beats`,
    );
  }
}
