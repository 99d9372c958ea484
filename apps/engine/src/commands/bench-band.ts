/**
 * The band's benchmark (issue 4's measure): the cost of all agents' decisions per block with 6
 * and with 16 agents in every style (agents' own `benchAgents`: a block-long window a beat ahead,
 * a fresh context every block as the engine gives), beside the real-time budget of a block; and
 * the synth's rendering speed per voice for every instrument, as a ratio to real time.
 */
import { benchAgents, STYLES, type AgentBench } from "@performia/agents";
import { Synth } from "@performia/dsp";
import { INSTRUMENTS } from "@performia/protocol";

const SR = 48000;
const BLOCK = 128;

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
  const budgetMs = (BLOCK / SR) * 1000;
  log(`bench band: all agents' decisions per 128-frame block at 48 kHz, 6 and 16 agents, in every style…`);
  const costs: AgentBench[] = [];
  for (const agents of [6, 16]) {
    for (const style of STYLES) {
      const c = benchAgents(20000, agents, style);
      costs.push(c);
      log(
        `  ${String(agents).padStart(2)} agents, ${style.padEnd(9)} p50 ${(c.p50Us / 1000).toFixed(4)} ms, p99 ${(c.p99Us / 1000).toFixed(4)} ms per block; p99 is ${((c.p99Us / 1000 / budgetMs) * 100).toFixed(2)} % of the block's ${budgetMs.toFixed(2)} ms (ratio ${(c.p99Us / 1000 / budgetMs).toFixed(4)})`,
      );
    }
  }
  log("bench band: the synth's rendering speed per voice (16 voices sounding, 5 s)…");
  const speeds = INSTRUMENTS.map((i) => synthSpeed(i, 16, 5));
  for (const s of speeds) {
    log(
      `  ${s.instrument.padEnd(8)} ${s.realtimePerVoice.toFixed(0).padStart(6)}× real time per voice (a voice costs ${(100 / s.realtimePerVoice).toFixed(3)} % of a core)`,
    );
  }
  return { budgetMs, agents: costs, synth: speeds };
}
