import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWav, SessionReader, writeWav } from "@performia/engine";
import { EXAMPLES, performia, tempDir } from "../support/cli.js";

const perf = (name: string): string => join(EXAMPLES, "performances", `${name}.wav`);
const truthBeats = (name: string): number[] =>
  (
    JSON.parse(readFileSync(join(EXAMPLES, "performances", `${name}.beats.json`), "utf8")) as {
      beats: number[];
    }
  ).beats;

function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

describe("performia perform", () => {
  const dir = tempDir("perform");

  it("renders the band with the performer, records the session, and follows a tempo change", () => {
    const out = join(dir, "mix.wav");
    const session = join(dir, "guitar.performia");
    const r = performia([
      "perform",
      "--song",
      "tempo-study",
      "--input",
      perf("tempo-study-guitar"),
      "--output",
      out,
      "--session",
      session,
      "--seed",
      "5",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${out}`);

    const input = readWav(perf("tempo-study-guitar"));
    const mix = readWav(out);
    const sr = input.format.sampleRate;
    expect(mix.format.sampleRate).toBe(sr);
    expect(mix.samples.length).toBe(input.samples.length + Math.round(1.5 * sr));
    expect(rms(mix.samples)).toBeGreaterThan(rms(input.samples) * 1.1);

    const reader = SessionReader.open(session);
    const info = reader.info();
    expect(info.status).toBe("complete");
    expect(info.frames).toBe(mix.samples.length);
    const decisions = reader.decisions();
    const agents = new Set(decisions.map((d) => d.agent));
    // The whole band plays (the responder only answers in the performer's gaps).
    for (const a of ["bass", "drums", "harmony", "guitar", "pad"]) expect(agents.has(a), a).toBe(true);
    expect(reader.analysis().length).toBeGreaterThan(info.frames / (sr * 0.011));
    reader.close();

    // In time with the performer: the band's beat n falls on the guitarist's beat n (not merely
    // on some beat: a band a whole beat off would play the chords across the bar lines). The
    // guitarist speeds up by a sixth at bar 5 (beat 16); the band is given four bars to follow.
    const beats = truthBeats("tempo-study-guitar");
    // Bass notes on a beat (within the style's feel and humanization, a few ms).
    const bassOnBeats = decisions.filter(
      (d) => d.agent === "bass" && Math.abs(d.start - Math.round(d.start)) < 0.05,
    );
    expect(bassOnBeats.length).toBeGreaterThan(40);
    const errorMs = (d: (typeof decisions)[number]): number =>
      Math.abs(d.startFrame / sr - beats[Math.round(d.start)]!) * 1000;
    const before = bassOnBeats.filter((d) => d.start < 16).map(errorMs);
    const after = bassOnBeats.filter((d) => d.start >= 32).map(errorMs);
    expect(Math.max(...before)).toBeLessThan(30);
    expect(after.length).toBeGreaterThan(20);
    after.sort((a, b) => a - b);
    expect(after[after.length >> 1]!).toBeLessThan(20);
    expect(Math.max(...after)).toBeLessThan(40);
  });

  it("follows a singer without slipping a beat", () => {
    // A legato voice is the hardest to follow: the beat tracker's phase is loose on it. The band
    // must at least stay on the singer's beat count (no chord a beat early or late).
    const session = join(dir, "sung.performia");
    const r = performia([
      "perform",
      "--song",
      "pop-anthem",
      "--input",
      perf("pop-anthem-sung"),
      "--session",
      session,
      "--seed",
      "3",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const reader = SessionReader.open(session);
    const sr = reader.info().sampleRate;
    const beats = truthBeats("pop-anthem-sung");
    const errors = reader
      .decisions()
      .filter(
        (d) =>
          d.agent === "bass" &&
          Math.abs(d.start - Math.round(d.start)) < 0.05 &&
          beats[Math.round(d.start)] !== undefined,
      )
      .map((d) => Math.abs(d.startFrame / sr - beats[Math.round(d.start)]!));
    reader.close();
    expect(errors.length).toBeGreaterThan(40);
    const period = 60 / 100;
    expect(Math.max(...errors)).toBeLessThan(0.5 * period);
    errors.sort((a, b) => a - b);
    expect(errors[errors.length >> 1]!).toBeLessThan(0.06);
  });

  it("writes the band alone with --band-only; the full mix is the band plus the performer", () => {
    const full = join(dir, "full.wav");
    const band = join(dir, "band.wav");
    const args = [
      "perform",
      "--song",
      "blues-in-a",
      "--input",
      perf("blues-drums"),
      "--max-seconds",
      "8",
      "--seed",
      "9",
      "--no-record",
    ];
    expect(performia([...args, "--output", full]).status).toBe(0);
    expect(performia([...args, "--output", band, "--band-only"]).status).toBe(0);
    const f = readWav(full).samples;
    const b = readWav(band).samples;
    const p = readWav(perf("blues-drums")).samples;
    const n = Math.round(8 * 44100);
    expect(rms(b, 0, n)).toBeGreaterThan(0.01);
    const diff = new Float32Array(n).map((_, i) => f[i]! - b[i]!);
    // full − band is the performer (the limiter only bends the loudest peaks)
    expect(Math.abs(rms(diff) - rms(p, 0, n)) / rms(p, 0, n)).toBeLessThan(0.15);
  });

  it("mixes a stereo file at another rate down to mono and performs at that rate", () => {
    const sr = 22050;
    const src = readWav(perf("pop-anthem-sung")).samples;
    const frames = Math.round(6 * sr);
    const stereo = Buffer.alloc(44 + frames * 4);
    stereo.write("RIFF", 0, "ascii");
    stereo.writeUInt32LE(36 + frames * 4, 4);
    stereo.write("WAVEfmt ", 8, "ascii");
    stereo.writeUInt32LE(16, 16);
    stereo.writeUInt16LE(1, 20);
    stereo.writeUInt16LE(2, 22);
    stereo.writeUInt32LE(sr, 24);
    stereo.writeUInt32LE(sr * 4, 28);
    stereo.writeUInt16LE(4, 32);
    stereo.writeUInt16LE(16, 34);
    stereo.write("data", 36, "ascii");
    stereo.writeUInt32LE(frames * 4, 40);
    for (let i = 0; i < frames; i++) {
      const v = Math.round((src[i * 2] ?? 0) * 30000);
      stereo.writeInt16LE(v, 44 + i * 4);
      stereo.writeInt16LE(v, 46 + i * 4);
    }
    const path = join(dir, "stereo22k.wav");
    writeFileSync(path, stereo);
    const out = join(dir, "stereo-out.wav");
    const session = join(dir, "stereo.performia");
    const r = performia([
      "perform",
      "--song",
      "pop-anthem",
      "--input",
      path,
      "--output",
      out,
      "--session",
      session,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("2 channels mixed down to mono");
    expect(readWav(out).format.sampleRate).toBe(sr);
    const reader = SessionReader.open(session);
    expect(reader.info().sampleRate).toBe(sr);
    expect(reader.decisions().length).toBeGreaterThan(10);
    reader.close();
  });
});

describe("performia perform with bad input", () => {
  const dir = tempDir("bad");
  const sessions = join(dir, "sessions");
  const run = (args: string[]) => performia([...args, "--sessions", sessions]);
  const perform = (song: string, input: string, output = join(dir, "o.wav")) =>
    run(["perform", "--song", song, "--input", input, "--output", output]);

  it("names the line and column of a song file that does not parse", () => {
    const song = join(dir, "broken.json");
    writeFileSync(
      song,
      '{\n  "title": "Broken",\n  "key": "C",\n  "tempo": 100,\n  "sections": [ { "id": "A", }\n  ]\n}\n',
    );
    const r = perform(song, perf("pop-anthem-sung"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: not valid JSON at line 5, column \d+/);
  });

  it("names the field of an invalid song", () => {
    const song = join(dir, "invalid.json");
    writeFileSync(
      song,
      JSON.stringify({
        title: "Bad",
        key: "C",
        tempo: 100,
        sections: [{ id: "A", kind: "verse", bars: ["C", "Xm7"] }],
        form: [{ section: "A" }],
      }),
    );
    const r = perform(song, perf("pop-anthem-sung"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("sections[0].bars[1]");
    expect(r.stderr).toContain("Xm7");
  });

  it("says which songs exist when a song is not found", () => {
    const r = perform("no-such-song", perf("pop-anthem-sung"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/pop-anthem/);
  });

  it("refuses an empty WAV and a file that is not audio", () => {
    const empty = join(dir, "empty.wav");
    writeWav(empty, new Float32Array(0), 44100);
    expect(perform("pop-anthem", empty).stderr).toMatch(/empty/);
    const text = join(dir, "text.wav");
    writeFileSync(text, "this is not a wave file at all, just text");
    const r = perform("pop-anthem", text);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a WAV file/);
  });

  it("performs what a truncated WAV holds, with a warning", () => {
    const whole = readFileSync(perf("pop-anthem-sung"));
    const cut = join(dir, "cut.wav");
    writeFileSync(cut, whole.subarray(0, 44 + 44100 * 2 * 3));
    const r = run(["perform", "--song", "pop-anthem", "--input", cut, "--output", join(dir, "cut-out.wav")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/truncated; performing the 3\.00 s it holds/);
  });

  it("refuses an output path that cannot be written before any work starts", () => {
    const own = join(dir, "unwritable-sessions");
    const r = performia([
      "perform",
      "--song",
      "pop-anthem",
      "--input",
      perf("pop-anthem-sung"),
      "--output",
      join(dir, "missing-dir", "out.wav"),
      "--sessions",
      own,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*out\.wav/);
    expect(existsSync(own) ? readdirSync(own) : []).toEqual([]);
  });
});
