// Test fixtures: the example songs and small charts that exercise odd corners.
import { readFileSync } from "node:fs";
import type { NoteEvent } from "@performia/protocol";
import { beats } from "@performia/protocol";
import type { Agent, MusicalContext } from "./agent.js";
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

export function ctxFor(song: CompiledSong, seed = 7, style = "rock"): MusicalContext {
  return { song, style, seed };
}

/** Every note of the song from one agent, in one call. */
export function render(agent: Agent, ctx: MusicalContext): NoteEvent[] {
  return agent.play({ from: beats(0), to: ctx.song.totalBeats }, ctx);
}
