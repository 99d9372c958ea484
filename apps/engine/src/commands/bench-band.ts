/**
 * The band's benchmark (issue 4's measure): the cost of all agents' decisions per block, with
 * the default band and with 16 agents, beside the real-time budget of a block; and the synth's
 * rendering speed per voice for every instrument, as a ratio to real time.
 */
import {
  compileSong,
  Conductor,
  defaultBand,
  playBand,
  type Agent,
  type MusicalContext,
} from "@performia/agents";
import { Synth } from "@performia/dsp";
import { frames, INSTRUMENTS, Settings, type SongMap } from "@performia/protocol";
import { readSongFile } from "../songs.js";

const SR = 48000;
const BLOCK = 128;

interface AgentCost {
  agents: number;
  blocks: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  budgetMs: number;
}

/** A band of `n` agents: the default band, then copies of it with their own seeds (real work, not cached). */
function bandOf(
  n: number,
  base: readonly Agent[],
): { agents: Agent[]; contexts: Map<string, (c: MusicalContext) => MusicalContext> } {
  const agents: Agent[] = [];
  const contexts = new Map<string, (c: MusicalContext) => MusicalContext>();
  for (let k = 0; agents.length < n; k++) {
    for (const a of base) {
      if (agents.length >= n) break;
      if (k === 0) {
        agents.push(a);
        continue;
      }
      const name = `${a.name}-${k}`;
      const memo = new WeakMap<MusicalContext, MusicalContext>();
      const own = (c: MusicalContext): MusicalContext => {
        let m = memo.get(c);
        if (!m) memo.set(c, (m = { ...c, seed: c.seed + 7919 * k }));
        return m;
      };
      contexts.set(name, own);
      agents.push({
        name,
        instrument: a.instrument,
        play: (w, c) => a.play(w, own(c)).map((note) => ({ ...note, agent: name })),
      });
    }
  }
  return { agents, contexts };
}

function agentCost(song: SongMap, n: number): AgentCost {
  const compiled = compileSong(song);
  const settings = Settings.parse({ sampleRate: SR, seed: 11, followMode: "click", blockSize: BLOCK });
  const conductor = new Conductor({ song: compiled, sampleRate: SR, settings });
  const { agents } = bandOf(n, defaultBand());
  const ctx: MusicalContext = { song: compiled, style: song.style ?? "rock", seed: 11 };
  const times: number[] = [];
  for (let at = 0; !conductor.finished(frames(at)); at += BLOCK) {
    const t0 = performance.now();
    const w = conductor.nextWindow(frames(at), BLOCK);
    if (w) playBand(agents, () => true, w, ctx);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return {
    agents: agents.length,
    blocks: times.length,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: times[times.length - 1]!,
    budgetMs: (BLOCK / SR) * 1000,
  };
}

interface VoiceSpeed {
  instrument: string;
  voices: number;
  /** Seconds of one voice rendered per second of CPU. */
  realtimePerVoice: number;
}

function synthSpeed(instrument: (typeof INSTRUMENTS)[number], voices: number, seconds: number): VoiceSpeed {
  const synth = new Synth({ sampleRate: SR, seed: 5, maxVoices: Math.max(64, voices) });
  const out = new Float32Array(BLOCK);
  const total = Math.round(seconds * SR);
  let rendered = 0;
  let cpu = 0;
  // Keep `voices` notes sounding: a new note on each voice slot as its predecessor ends.
  const noteFrames = Math.round(0.5 * SR);
  for (let at = 0; at < total; at += BLOCK) {
    if (at % noteFrames < BLOCK) {
      for (let v = 0; v < voices; v++) {
        const pitch = instrument === "drums" ? [36, 38, 42, 46, 49, 51][v % 6]! : 40 + ((v * 5) % 36);
        synth.noteOn(v % 16, instrument, pitch, 90, 0, noteFrames);
      }
    }
    const t0 = process.cpuUsage();
    synth.render(out, BLOCK);
    const d = process.cpuUsage(t0);
    cpu += (d.user + d.system) / 1e6;
    rendered += BLOCK;
  }
  return { instrument, voices, realtimePerVoice: ((rendered / SR) * voices) / cpu };
}

export function benchBand(log: (line: string) => void): unknown {
  // A long chart: the jazz blues played over and over (about four minutes at its tempo).
  const { song } = readSongFile("jazz-blues-in-f");
  const long: SongMap = { ...song, form: Array.from({ length: 4 }, () => song.form).flat() };
  const base = defaultBand().length;
  log(`bench band: the agents' decisions per 128-frame block at 48 kHz (${base} and 16 agents)…`);
  const costs = [agentCost(long, base), agentCost(long, 16)];
  for (const c of costs) {
    log(
      `  ${String(c.agents).padStart(2)} agents: p50 ${c.p50Ms.toFixed(4)} ms, p99 ${c.p99Ms.toFixed(4)} ms, max ${c.maxMs.toFixed(3)} ms per block over ${c.blocks} blocks; p99 is ${((c.p99Ms / c.budgetMs) * 100).toFixed(2)} % of the block's ${c.budgetMs.toFixed(2)} ms (ratio ${(c.p99Ms / c.budgetMs).toFixed(4)})`,
    );
  }
  log("bench band: the synth's rendering speed per voice (16 voices sounding, 5 s)…");
  const speeds = INSTRUMENTS.map((i) => synthSpeed(i, 16, 5));
  for (const s of speeds) {
    log(
      `  ${s.instrument.padEnd(8)} ${s.realtimePerVoice.toFixed(0).padStart(6)}× real time per voice (a voice costs ${(100 / s.realtimePerVoice).toFixed(3)} % of a core)`,
    );
  }
  return { agents: costs, synth: speeds };
}
