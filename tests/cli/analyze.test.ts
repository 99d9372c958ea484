import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AnalysisReport } from "@performia/protocol";
import { writeWav } from "@performia/engine";
import { clickTrack, steadyBeats } from "../support/signals.js";
import { performia, tempDir } from "../support/cli.js";

describe("performia analyze --json", () => {
  const dir = tempDir("analyze");

  it("prints the contract, and hears a 120 BPM click track at 120 BPM with beats on the clicks", () => {
    const sr = 44100;
    const clicks = steadyBeats(120, 20, 0.25);
    const path = join(dir, "click120.wav");
    writeWav(path, clickTrack(clicks, 20, sr), sr);
    const r = performia(["analyze", path, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const report = AnalysisReport.parse(JSON.parse(r.stdout));
    expect(report.sampleRate).toBe(sr);
    // pitch every 10 ms, and a click track is unvoiced nearly everywhere
    expect(report.pitch.length).toBeGreaterThan(1900);
    expect(report.pitch.filter((p) => p.hz !== null).length / report.pitch.length).toBeLessThan(0.2);
    // onsets on the clicks
    const hits = clicks.filter((c) => report.onsets.some((o) => Math.abs(o - c) < 0.03)).length;
    expect(hits / clicks.length).toBeGreaterThan(0.9);
    // tempo (a step function: each entry holds until the next) and beats, once locked (after 5 s)
    for (let time = 5; time < 20; time += 0.5) {
      const inForce = report.tempo.filter((t) => t.t <= time).pop();
      expect(inForce, `tempo at ${time} s`).toBeDefined();
      expect(Math.abs(inForce!.bpm - 120) / 120).toBeLessThan(0.03);
    }
    const lateBeats = report.beats.filter((b) => b.t > 5);
    expect(lateBeats.length).toBeGreaterThan(25);
    const onClick = lateBeats.filter((b) => clicks.some((c) => Math.abs(c - b.t) < 0.05)).length;
    expect(onClick / lateBeats.length).toBeGreaterThan(0.9);
    for (const b of report.beats) expect(b.reportedAt - b.t).toBeLessThan(0.1);
  });

  it("refuses a file that is not audio, saying so", () => {
    const r = performia(["analyze", join(import.meta.dirname, "analyze.test.ts"), "--json"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a WAV file/);
    expect(r.stdout).toBe("");
  });
});
