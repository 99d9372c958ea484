// Test fixtures: the example songs and small charts that exercise odd corners.
import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { NoteEvent } from "@performia/protocol";
import { beats } from "@performia/protocol";
import type { Agent, MusicalContext, PerformerView } from "./agent.js";
import type { CompiledSong } from "./song.js";
import { compileSong, loadSong } from "./song.js";

export const EXAMPLES = ["pop-anthem", "blues-in-a", "tempo-study"] as const;

export function exampleFile(name: string): string {
  return new URL(`../../../apps/engine/examples/songs/${name}.json`, import.meta.url).pathname;
}

export function loadExample(name: string): CompiledSong {
  const file = exampleFile(name);
  return compileSong(loadSong(JSON.parse(readFileSync(file, "utf8")), file));
}

/** A waltz with N.C., a slash bass outside the chord and three chords in one bar. */
export const oddChart = compileSong(
  loadSong({
    title: "Odd",
    key: "C",
    tempo: 90,
    timeSignature: { beats: 3, unit: 4 },
    sections: [
      { id: "A", kind: "intro", intensity: 1, bars: ["N.C.", "C/Bb", "F G7 C"] },
      {
        id: "B",
        kind: "verse",
        intensity: 5,
        bars: [
          "Am",
          "%",
          "Dm7/G",
          [
            { chord: "G7", beats: 1.5 },
            { chord: "C", beats: 1.5 },
          ],
        ],
      },
    ],
    form: [{ section: "A" }, { section: "B", repeat: 2 }],
  }),
);

/** A 6/8 chart and a 4/4 chart with chord changes inside bars. */
export const sixEight = compileSong(
  loadSong({
    title: "Six",
    key: "G",
    tempo: 120,
    timeSignature: { beats: 6, unit: 8 },
    sections: [{ id: "A", kind: "verse", bars: ["G", "C D", "Em", "D"] }],
    form: [{ section: "A", repeat: 2 }],
  }),
);

export const ALL_SONGS: [string, CompiledSong][] = [
  ...EXAMPLES.map((n): [string, CompiledSong] => [n, loadExample(n)]),
  ["odd", oddChart],
  ["six-eight", sixEight],
];

/** Every chart of the songbook (apps/engine/examples/songs), by name. */
export function songbook(): [string, CompiledSong][] {
  const folder = dirname(exampleFile("blues-in-a"));
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f): [string, CompiledSong] => {
      const name = f.replace(/\.json$/, "");
      return [name, loadExample(name)];
    });
}

/**
 * A performer who plays a four-note phrase in the middle of the song and then rests: what the
 * engine would hand the responder once the rest has been heard.
 */
export function restingPerformer(song: CompiledSong): PerformerView {
  const at = Math.max(0, Math.floor(song.totalBeats / 2) - 6);
  const notes = [0, 0.5, 1, 2].map((t, i) => ({
    start: beats(at + t),
    end: beats(at + t + 0.45),
    midi: [64, 67, 69, 67][i]!,
  }));
  return { now: beats(at + 4), notes };
}

export function ctxFor(song: CompiledSong, seed = 7, style = "rock"): MusicalContext {
  return { song, style, seed, performer: restingPerformer(song) };
}

/** Every note of the song from one agent, in one call. */
export function render(agent: Agent, ctx: MusicalContext): NoteEvent[] {
  return agent.play({ from: beats(0), to: ctx.song.totalBeats }, ctx);
}
