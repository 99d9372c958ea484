/**
 * A development benchmark: the cost of the band's decisions per audio block, as the engine asks
 * for them (a window a block long, a beat ahead, a fresh context every block because the
 * performer view changes). Not used by the engine itself; `npm run bench` calls `benchAgents`.
 */
import type { NoteEvent } from "@performia/protocol";
import { beats } from "@performia/protocol";
import type { Agent, MusicalContext, PerformerNote } from "./agent.js";
import { createBassAgent } from "./bass.js";
import { createDrumsAgent } from "./drums.js";
import { createGuitarAgent } from "./guitar.js";
import { createHarmonyAgent } from "./harmony.js";
import { createPadAgent } from "./pad.js";
import { createResponderAgent } from "./responder.js";
import type { CompiledSong } from "./song.js";
import { compileSong, loadSong } from "./song.js";

export interface AgentBench {
  agents: number;
  style: string;
  blocks: number;
  /** Microseconds per block (all agents' decisions for one 128-frame block). */
  p50Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
  /** Notes decided over the run. */
  notes: number;
}

const FACTORIES = [
  createBassAgent,
  createDrumsAgent,
  createHarmonyAgent,
  createGuitarAgent,
  createPadAgent,
  createResponderAgent,
];

/** A 32-bar AABA chart with two chords in some bars, at intensities 2..5. */
export function benchSong(): CompiledSong {
  return compileSong(
    loadSong({
      title: "Bench",
      key: "C",
      tempo: 120,
      sections: [
        {
          id: "A",
          kind: "verse",
          intensity: 3,
          bars: ["Cmaj7", "Am7", "Dm7 G7", "Cmaj7", "Em7 A7", "Dm7 G7", "Cmaj7 A7", "Dm7 G7"],
        },
        { id: "B", kind: "bridge", intensity: 5, bars: ["E7", "%", "A7", "%", "D7", "%", "G7", "G7/B"] },
      ],
      form: [{ section: "A", repeat: 2 }, { section: "B" }, { section: "A" }],
    }),
  );
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Runs `blocks` blocks of 128 frames at 48 kHz and 120 BPM through `agents` agents (the default
 * band repeated), in a style, and reports the cost per block.
 * @example benchAgents(2000, 6).p99Us // => a few tens of microseconds
 */
export function benchAgents(blocks = 20000, agents = 6, style = "jazz"): AgentBench {
  const song = benchSong();
  const band: Agent[] = Array.from({ length: agents }, (_, i) => FACTORIES[i % FACTORIES.length]!());
  const perBlock = (128 / 48000) * 2; // beats per block at 120 BPM
  const lookahead = 1;
  const times = new Float64Array(blocks);
  const performed: PerformerNote[] = [];
  let notes = 0;
  let sink: NoteEvent[] = [];
  for (let b = 0; b < blocks; b++) {
    const now = (b * perBlock) % song.totalBeats;
    // A performer who sings two bars and rests two: a new note every beat while singing.
    const beat = Math.floor(now);
    if (beat % 16 < 8 && (performed.length === 0 || performed[performed.length - 1]!.start < beat)) {
      performed.push({ start: beats(beat), end: beats(beat + 0.8), midi: 60 + ((beat * 5) % 12) });
      if (performed.length > 16) performed.shift();
    }
    const ctx: MusicalContext = {
      song,
      style,
      seed: 1,
      performer: { now: beats(now), notes: performed.slice() },
    };
    const from = beats(now + lookahead);
    const to = beats(now + lookahead + perBlock);
    const t0 = performance.now();
    for (const a of band) {
      sink = a.play({ from, to }, ctx);
      notes += sink.length;
    }
    times[b] = (performance.now() - t0) * 1000;
  }
  let sum = 0;
  for (const t of times) sum += t;
  const sorted = times.slice().sort();
  return {
    agents,
    style,
    blocks,
    p50Us: percentile(sorted, 0.5),
    p99Us: percentile(sorted, 0.99),
    maxUs: sorted[sorted.length - 1] ?? 0,
    meanUs: sum / blocks,
    notes,
  };
}
