// The contract every agent honours: a pure query whose windows compose exactly.
import type { NoteEvent } from "@performia/protocol";
import { beats, NoteEvent as NoteEventSchema } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import type { Agent } from "./agent.js";
import { compareNotes, onGrid, playBand, TICKS_PER_BEAT } from "./agent.js";
import { BAND, defaultBand } from "./index.js";
import { random } from "./random.js";
import type { CompiledSong } from "./song.js";
import { STYLES } from "./styles.js";
import { ALL_SONGS, ctxFor, oddChart, render, sixEight } from "./test-songs.js";

const key = (n: NoteEvent) => JSON.stringify(n);

const CASES: [string, string, CompiledSong][] = [
  ...ALL_SONGS.map(([n, s]): [string, string, CompiledSong] => [n, "rock", s]),
  ...STYLES.map((style): [string, string, CompiledSong] => ["blues-in-a", style, ALL_SONGS[1]![1]]),
  ...STYLES.map((style): [string, string, CompiledSong] => ["odd", style, oddChart]),
  ...STYLES.map((style): [string, string, CompiledSong] => ["six-eight", style, sixEight]),
];

describe.each(defaultBand().map((a): [string, Agent] => [a.name, a]))("agent %s", (_name, agent) => {
  describe.each(CASES)("on %s in %s", (_song, style, song) => {
    const ctx = ctxFor(song, 99, style);
    const whole = render(agent, ctx);

    it("plays valid notes under its own name, on the grid, inside the song", () => {
      expect(whole.length).toBeGreaterThan(0);
      for (const n of whole) {
        expect(NoteEventSchema.safeParse(n).success).toBe(true);
        expect(n.agent).toBe(agent.name);
        expect(n.instrument).toBe(agent.instrument);
        expect(n.start).toBeGreaterThanOrEqual(0);
        expect(n.start + n.duration).toBeLessThanOrEqual(song.totalBeats + 1e-9);
        // On the 1/480 grid: k/480 as a double (onGrid leaves it as it is).
        expect(Math.abs(n.start * TICKS_PER_BEAT - Math.round(n.start * TICKS_PER_BEAT))).toBeLessThan(1e-6);
        expect(onGrid(n.start)).toBe(n.start);
      }
    });

    it("composes over any split of the window", () => {
      const sorted = [...whole].sort(compareNotes).map(key);
      for (let trial = 0; trial < 6; trial++) {
        // Random cut points, some fractional, some on beats; and ranges reaching past both ends.
        const cuts = Array.from({ length: 1 + trial * 3 }, (_, i) => {
          const r = random(trial, i) * song.totalBeats;
          return i % 2 === 0 ? r : Math.round(r);
        }).sort((a, b) => a - b);
        const edges = [-4, ...cuts, song.totalBeats + 4];
        const pieces: NoteEvent[] = [];
        for (let i = 0; i + 1 < edges.length; i++) {
          const part = agent.play({ from: beats(edges[i]!), to: beats(edges[i + 1]!) }, ctx);
          for (const n of part) {
            expect(n.start).toBeGreaterThanOrEqual(edges[i]!);
            expect(n.start).toBeLessThan(edges[i + 1]!);
          }
          pieces.push(...part);
        }
        expect(pieces.sort(compareNotes).map(key)).toEqual(sorted);
      }
    });

    it("is silent before the start and after the end, and for empty windows", () => {
      expect(agent.play({ from: beats(-8), to: beats(0) }, ctx)).toEqual([]);
      expect(agent.play({ from: song.totalBeats, to: beats(song.totalBeats + 8) }, ctx)).toEqual([]);
      expect(agent.play({ from: beats(3), to: beats(3) }, ctx)).toEqual([]);
    });

    it("is deterministic for a seed and different across seeds", () => {
      expect(render(agent, ctxFor(song, 99, style)).map(key)).toEqual(whole.map(key));
      // A fresh agent (an empty cache) decides the same.
      const fresh = defaultBand().find((a) => a.name === agent.name)!;
      expect(render(fresh, ctxFor(song, 99, style)).map(key)).toEqual(whole.map(key));
      const other = render(agent, ctxFor(song, 100, style));
      expect(other.map(key)).not.toEqual(whole.map(key));
    });
  });
});

describe("the default band", () => {
  it("has six agents in a stable order, the first three named as before", () => {
    expect(defaultBand().map((a) => a.name)).toEqual([...BAND]);
    expect(defaultBand().map((a) => a.instrument)).toEqual([
      "bass",
      "drums",
      "epiano",
      "guitar",
      "pad",
      "vibes",
    ]);
  });
});

describe("playBand", () => {
  const [, song] = ALL_SONGS[0]!;
  const ctx = ctxFor(song);
  const window = { from: beats(0), to: beats(8) };

  it("sorts the band's notes by start, agent and pitch", () => {
    const { notes, failures } = playBand(defaultBand(), () => true, window, ctx);
    expect(failures).toEqual([]);
    expect([...notes].sort(compareNotes)).toEqual(notes);
    expect(new Set(notes.map((n) => n.agent))).toEqual(
      new Set(["bass", "drums", "harmony", "guitar", "pad"]),
    );
  });

  it("lets the band play on when an agent throws, and skips disabled agents", () => {
    const broken: Agent = {
      name: "broken",
      instrument: "guitar",
      play: () => {
        throw new Error("string snapped");
      },
    };
    const { notes, failures } = playBand([broken, ...defaultBand()], (n) => n !== "drums", window, ctx);
    expect(failures).toEqual([{ agent: "broken", error: "string snapped" }]);
    expect(notes.some((n) => n.agent === "bass")).toBe(true);
    expect(notes.some((n) => n.agent === "drums")).toBe(false);
  });
});
