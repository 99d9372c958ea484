/**
 * The engine performing live on the virtual audio device: a recorded performance is played into
 * the virtual microphone in real time, the engine plays along through naudiodon, and the stage
 * (performer left, band right, one clock) is recorded. The band must be in time with the
 * performer, the session must replay exactly, and the device must not have glitched much.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onBeatNotes, readWav, SessionReader } from "@performia/engine";
import { CLI, EXAMPLES, performia, REPO, tempDir } from "../support/cli.js";
import {
  bandAsynchrony,
  exited,
  readChannels,
  started,
  VIRTUAL_AUDIO,
  virtualAudio,
  virtualAudioEnv,
} from "../support/live.js";

const RATE = 44100; // the example performances' rate: no resampling anywhere
const NAME = "tempo-study-guitar";
const SECONDS = 30;
const START = 1.5; // bar 1 beat 1, seconds after the device starts

const dir = tempDir("live");
const env = virtualAudioEnv(join(dir, "audio"), RATE);
beforeAll(() => {
  // No skipping: without the virtual device (.ci/run installs its Debian packages) this fails
  // and says what is missing.
  const r = virtualAudio(["start"], env);
  if (r.status !== 0) throw new Error(`virtual-audio.sh start failed: ${r.output}`);
});

afterAll(() => {
  virtualAudio(["stop"], env);
});

describe("performia perform --input mic --output speakers (virtual device)", () => {
  it("plays along in time with a performer, records a session that replays exactly, without glitches", async () => {
    const perf = join(EXAMPLES, "performances", `${NAME}.wav`);
    const beats = (
      JSON.parse(readFileSync(join(EXAMPLES, "performances", `${NAME}.beats.json`), "utf8")) as {
        beats: number[];
      }
    ).beats;
    const session = join(dir, "live.performia");
    const stage = join(dir, "stage.wav");

    // The device's round trip, with clicks: the engine listens to its own output on the monitor
    // of performia_out, the same kind of capture as the microphone's.
    const lat = performia(
      ["latency", "--rate", String(RATE), "--clicks", "12", "--device-in", "performia_out.monitor"],
      { env },
    );
    expect(lat.status, lat.stdout + lat.stderr).toBe(0);
    const roundTrip = Number(/round trip ([\d.]+) ms/.exec(lat.stdout)?.[1]);
    process.stdout.write(`${lat.stdout.split("\n").find((l) => l.startsWith("round trip"))}\n`);
    expect(roundTrip).toBeGreaterThan(0);

    const recorder = spawn(VIRTUAL_AUDIO, ["record-stage", stage, String(SECONDS + 6)], {
      env,
      stdio: "ignore",
    });
    const engine = spawn(
      process.execPath,
      [
        CLI,
        "perform",
        "--song",
        "tempo-study",
        "--input",
        "mic",
        "--output",
        "speakers",
        "--rate",
        String(RATE),
        "--start",
        String(START),
        "--seconds",
        String(SECONDS),
        "--session",
        session,
        "--seed",
        "7",
        // Bass, drums and keys: the beat is found in the recording from the bass and drums, which
        // the sustained parts (guitar, pad) would blur.
        "--mute",
        "guitar,pad,responder",
        "--latency",
        roundTrip.toFixed(1),
      ],
      { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    engine.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    engine.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    await started(engine, /performing live/);
    // The performer comes in on bar 1 (paplay takes a moment to start: the conductor follows).
    await new Promise((ok) => setTimeout(ok, (START - 0.05) * 1000));
    const player = spawn(VIRTUAL_AUDIO, ["play", perf], { env, stdio: "ignore" });
    const code = await exited(engine);
    player.kill();
    await exited(recorder);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    process.stdout.write(
      `${stdout
        .split("\n")
        .filter((l) => /^(performed| {2})/.test(l))
        .join("\n")}\n`,
    );

    // The session is complete and replays exactly, missed analysis included.
    const reader = SessionReader.open(session);
    const info = reader.info();
    const decisions = reader.decisions();
    const stats = reader.blockStats();
    reader.close();
    expect(info.status).toBe("complete");
    expect(info.frames).toBe(SECONDS * RATE);
    // A row of block stats per block: arrival, analysis round trip, stage times, output queue.
    const blocks = Math.ceil((SECONDS * RATE) / 128);
    expect(stats.length).toBe(blocks);
    expect(Object.keys(stats[100]!.stats)).toEqual(
      expect.arrayContaining([
        "arrivalMs",
        "analysisWaitMs",
        "agentsMs",
        "synthMs",
        "engineMs",
        "writesPending",
      ]),
    );
    const band = join(dir, "band.wav");
    const replay = performia(["replay", session, "--check", "--out", band]);
    expect(replay.status, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toContain("decisions identical");

    // In time: the band's note on each of the performer's beats, found in the stage recording.
    const onBeat = onBeatNotes(decisions).frames;
    const room = readChannels(stage);
    expect(room.sampleRate).toBe(RATE);
    const a = bandAsynchrony({
      stageLeft: room.channels[0]!,
      stageRight: room.channels[1]!,
      performance: readWav(perf).samples,
      beatSeconds: beats,
      bandRender: readWav(band).samples,
      onBeat,
      sampleRate: RATE,
      fromBeat: 4,
    });
    // Steady tempo, once the band has found the performer: bars 3–4 (the player starts within
    // about 200 ms of bar 1, which the band corrects in a few beats), and from four bars after the
    // performer's change of tempo (bar 5) on.
    const steady = a.beats.flatMap((beat, i) => ((beat >= 8 && beat < 16) || beat >= 32 ? [a.ms[i]!] : []));
    const abs = steady.map(Math.abs).sort((x, y) => x - y);
    const medianAbs = abs[abs.length >> 1]!;
    const p95Abs = abs[Math.min(abs.length - 1, Math.floor(abs.length * 0.95))]!;
    const underflows = Number(/(\d+) output underflows/.exec(stdout)?.[1]);
    // The event loop's delay and the GC's pauses are measured during the performance.
    const loop =
      /event loop delay p50 ([\d.]+) ms, p99 ([\d.]+) ms, worst ([\d.]+) ms; GC (\d+) pauses, longest ([\d.]+) ms/.exec(
        stdout,
      );
    expect(loop, stdout).not.toBeNull();
    expect(Number(loop![3])).toBeGreaterThanOrEqual(Number(loop![2]));
    const dropped = Number(/(\d+) output blocks dropped/.exec(stdout)?.[1]);
    process.stdout.write(
      `live asynchrony (band − performer) over ${a.ms.length} beats: median ${a.median.toFixed(1)} ms, median |·| ${a.medianAbs.toFixed(1)} ms, p95 |·| ${a.p95Abs.toFixed(1)} ms; ${a.unmatched} unmatched; underflows ${underflows}\n` +
        `  ${a.ms.map((x) => x.toFixed(0)).join(" ")}\n`,
    );
    process.stdout.write(
      `  steady beats (${steady.length}): median |·| ${medianAbs.toFixed(1)} ms, p95 |·| ${p95Abs.toFixed(1)} ms\n`,
    );
    expect(steady.length).toBeGreaterThanOrEqual(15);
    expect(medianAbs).toBeLessThan(40);
    // Device glitches: few (printed above). Each underflow is a gap the device filled with
    // silence; the blocks dropped afterwards take the latency it added back out.
    // The bound is loose for shared CI machines (measured here: 5–66 in 10,336 blocks); the
    // target is none (see the README's Live section).
    expect(underflows).toBeLessThan(blocks * 0.02);
    expect(dropped).toBeLessThan(blocks * 0.1);
  }, 90_000);
});
