import { describe, expect, it } from "vitest";
import type { Agent } from "@performia/agents";
import { defaultBand } from "@performia/agents";
import { Settings, type SongMap } from "@performia/protocol";
import analyzeHops from "./analysis-worker.js";
import type { HopBatch } from "./analysis-worker.js";
import { AnalysisStage } from "./analysis-stage.js";
import { Pipeline, renderAhead } from "./pipeline.js";

const SR = 44100;
const BLOCK = 128;
const inline = { run: (batch: HopBatch) => Promise.resolve(analyzeHops(batch)) };
const song: SongMap = {
  title: "T",
  key: "C",
  tempo: 120,
  timeSignature: { beats: 4, unit: 4 },
  sections: [{ id: "A", kind: "verse", intensity: 3, bars: ["C", "F", "G", "C"] }],
  form: [{ section: "A", repeat: 1 }],
};

describe("the pipeline", () => {
  it("silences an agent that throws, logs it once, and the rest of the band plays on", async () => {
    const [bass, drums, harmony] = defaultBand();
    let calls = 0;
    let callsAtFailure = -1;
    const broken: Agent = {
      name: "broken",
      instrument: "guitar",
      play(window, ctx) {
        calls++;
        if (window.to > 4) {
          callsAtFailure = calls;
          throw new Error("a string snapped");
        }
        return bass!.play(window, ctx).map((n) => ({ ...n, agent: "broken", instrument: "guitar" }));
      },
    };
    const settings = Settings.parse({ sampleRate: SR, seed: 3, followMode: "click" });
    const stage = new AnalysisStage(inline, SR, { batchHops: 8 });
    const pipeline = new Pipeline({
      song,
      settings,
      analysis: stage,
      band: [bass!, drums!, harmony!, broken],
      keep: true,
    });
    const input = new Float32Array(BLOCK);
    const out = new Float32Array(BLOCK);
    for (let at = 0; at < 9 * SR; at += BLOCK) {
      stage.push(input, BLOCK);
      await stage.ready(at + BLOCK);
      pipeline.process(input, BLOCK, out);
    }
    expect(pipeline.log.agentFailures).toHaveLength(1);
    expect(pipeline.log.agentFailures[0]).toMatchObject({ agent: "broken", error: "a string snapped" });
    // Its notes before the failure stand; none after; the others played the whole song.
    const byAgent = (a: string) => pipeline.log.decisions.filter((d) => d.agent === a);
    expect(byAgent("broken").length).toBeGreaterThan(0);
    expect(Math.max(...byAgent("broken").map((d) => d.start))).toBeLessThan(4);
    // Everyone else played on into the last bar (its downbeat may be humanized a hair early).
    for (const a of ["bass", "drums", "harmony"])
      expect(Math.max(...byAgent(a).map((d) => d.start))).toBeGreaterThan(11.5);
    // Never asked again after it threw.
    expect(calls).toBe(callsAtFailure);
  });

  it("live, renders a round trip and one block ahead: through a device with that round trip, the band sounds where the file driver puts it", async () => {
    // The device as `performia latency` measures it: the output block written after the input
    // block that ends at frame `end` comes back (its first sample) at input frame `end` + RT.
    const RT = 309; // 7 ms
    const render = async (ahead: number, device: boolean): Promise<Float32Array> => {
      // Bar 1 at 0.3 s (a note at frame 0 could not be rendered ahead).
      const settings = Settings.parse({ sampleRate: SR, seed: 3, followMode: "click", startFrame: 13230 });
      const stage = new AnalysisStage(inline, SR, { batchHops: 8 });
      const pipeline = new Pipeline({ song, settings, analysis: stage, renderAheadFrames: ahead });
      const input = new Float32Array(BLOCK);
      const out = new Float32Array(BLOCK);
      const heard = new Float32Array(2 * SR);
      for (let at = 0; at + BLOCK <= SR; at += BLOCK) {
        stage.push(input, BLOCK);
        await stage.ready(at + BLOCK);
        pipeline.process(input, BLOCK, out);
        heard.set(out, device ? at + BLOCK + RT : at);
      }
      return heard;
    };
    const first = (x: Float32Array) => x.findIndex((v) => Math.abs(v) > 1e-4);
    const offline = first(await render(0, false));
    expect(offline).toBeGreaterThan(0);
    expect(first(await render(renderAhead(RT, BLOCK), true))).toBe(offline);
  });
});
