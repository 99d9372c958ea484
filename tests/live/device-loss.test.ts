/**
 * A device that vanishes mid-song: the engine performs live on the virtual audio device while a
 * recorded performance is played into the virtual microphone; mid-song the test stops the
 * PulseAudio server (every stream dies, as when a device is unplugged or the sound server
 * restarts), waits, starts it again and plays the rest of the performance. The performance and
 * the session must go on: the band comes back in at the place the wall clock says, the gap is in
 * the session, and the session ends complete at the song's end.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWav, SessionReader, writeWav } from "@performia/engine";
import { CLI, EXAMPLES, performia, REPO, tempDir } from "../support/cli.js";
import {
  exited,
  readChannels,
  started,
  VIRTUAL_AUDIO,
  virtualAudio,
  virtualAudioEnv,
} from "../support/live.js";

const RATE = 44100; // the example performance's rate
const SONG = "blues-in-a"; // 4 + 12 bars of 4/4 at 110 BPM: the performance plays it steadily
const BPM = 110;
const BARS = 16;
const START = 1.5; // bar 1 beat 1, seconds after the device starts
const KILL_AT = 12; // seconds after the engine started listening
const AWAY = 2; // seconds the server stays down

const dir = tempDir("device-loss");
const env = virtualAudioEnv(join(dir, "audio"), RATE);
beforeAll(() => {
  const r = virtualAudio(["start"], env);
  if (r.status !== 0) throw new Error(`virtual-audio.sh start failed: ${r.output}`);
});

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  virtualAudio(["stop"], env);
});

const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, Math.max(0, ms)));

describe("a device that vanishes mid-song (virtual device, server stopped and restarted)", () => {
  it("goes on through the gap, records it, and comes back in at the right place", async () => {
    const performance = readWav(join(EXAMPLES, "performances", "blues-drums.wav")).samples;
    const session = join(dir, "gap.performia");
    const engine = spawn(
      process.execPath,
      [
        CLI,
        "perform",
        "--song",
        SONG,
        "--input",
        "mic",
        "--output",
        "speakers",
        "--rate",
        String(RATE),
        "--start",
        String(START),
        "--session",
        session,
        "--seed",
        "11",
      ],
      { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(engine);
    engine.stdout.pipe(createWriteStream(join(dir, "engine.out")));
    engine.stderr.pipe(createWriteStream(join(dir, "engine.err")));
    let stdout = "";
    let stderr = "";
    engine.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    engine.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    let exitedAt = Infinity;
    const code = exited(engine).then((c) => {
      exitedAt = Date.now();
      return c;
    });
    await started(engine, /performing live/);
    const t0 = Date.now(); // about frame 0
    const since = (): number => (Date.now() - t0) / 1000;

    // The performer, from bar 1.
    await sleep((START - 0.05) * 1000);
    const player = spawn(VIRTUAL_AUDIO, ["play", join(EXAMPLES, "performances", "blues-drums.wav")], {
      env,
      stdio: "ignore",
    });

    // Mid-song, the server goes away, and comes back.
    await sleep((KILL_AT - since()) * 1000);
    const killedAt = since();
    const stop = virtualAudio(["stop"], env);
    expect(stop.status, stop.output).toBe(0);
    player.kill();
    await sleep((killedAt + AWAY - since()) * 1000);
    const restart = virtualAudio(["start"], env);
    expect(restart.status, restart.output).toBe(0);
    const restartedAt = since();
    expect(exitedAt, `the engine exited while the device was away:\n${stdout}\n${stderr}`).toBe(Infinity);

    // The rest of the performance, from where the performer is by now; the band, recorded.
    const from = Math.round((since() + 0.05 - START) * RATE);
    const rest = join(dir, "rest.wav");
    writeWav(rest, performance.subarray(from), RATE, "float32");
    const second = spawn(VIRTUAL_AUDIO, ["play", rest], { env, stdio: "ignore" });
    const bandFile = join(dir, "band-after.wav");
    const recordFrom = since();
    const recorder = spawn(VIRTUAL_AUDIO, ["record", bandFile, "12"], { env, stdio: "ignore" });

    expect(await code, `${stdout}\n${stderr}`).toBe(0);
    second.kill();
    await exited(recorder);
    const ranSeconds = (exitedAt - t0) / 1000;
    process.stdout.write(
      `${stdout
        .split("\n")
        .filter((l) => /^(performed| {2})/.test(l))
        .join("\n")}\n`,
    );

    // The engine played to the song's end (16 bars and one to ring out), not an early exit: about
    // 38.6 s at the chart's tempo (the band follows the performer, a little faster or slower).
    const songEnd = START + ((BARS + 1) * 4 * 60) / BPM;
    expect(stdout).toMatch(/^performed live/m);
    expect(ranSeconds).toBeGreaterThan(songEnd - 3);
    expect(stdout).toMatch(/the device went away \d+ time/);

    // The session: valid, complete, the gap recorded where the test made it.
    const reader = SessionReader.open(session);
    const info = reader.info();
    const gap = reader.deviceEvents();
    const decisions = reader.decisions();
    const conductor = reader.conductor();
    const stats = reader.blockStats();
    const startFrame = reader.header().settings.startFrame;
    reader.close();
    expect(info.status).toBe("complete");
    // Lost and restored in turn (a busy machine may add a false alarm: the gap is the one at the kill).
    expect(gap.map((e) => e.status)).toEqual(gap.map((_, i) => (i % 2 === 0 ? "lost" : "restored")));
    const at = gap.findIndex((e, i) => i % 2 === 0 && (gap[i + 1]?.frame ?? Infinity) / RATE > killedAt);
    expect(at, JSON.stringify(gap)).toBeGreaterThanOrEqual(0);
    const [lost, restored] = [gap[at]!, gap[at + 1]!];
    expect(restored, JSON.stringify(gap)).toBeDefined();
    process.stdout.write(
      `${JSON.stringify(gap)}\nkilled at ${killedAt.toFixed(2)} s, restarted at ${restartedAt.toFixed(2)} s; ` +
        `the session: lost at ${(lost.frame / RATE).toFixed(2)} s (${lost.detail}), restored at ` +
        `${(restored.frame / RATE).toFixed(2)} s (${restored.detail}); ${(info.frames / RATE).toFixed(2)} s ` +
        `recorded in ${ranSeconds.toFixed(2)} s\n`,
    );
    expect(Math.abs(lost.frame / RATE - killedAt)).toBeLessThan(1);
    // Back once the server is: new streams are tried every 0.5 s, and a new stream on a server
    // that has just started takes 0.3–1 s to bring its first block (measured here).
    expect(restored.frame / RATE).toBeGreaterThan(restartedAt - 0.5);
    expect(restored.frame / RATE - restartedAt).toBeLessThan(2.5);
    expect(lost.device).toBe(restored.device);
    // Frames kept to the wall clock through the gap (silent blocks paced at the block rate): the
    // last block's frame against when it arrived, from the first block's arrival.
    const first = stats[0]!;
    const last = stats.at(-1)!;
    const wall = (last.stats.arrivalMs! - first.stats.arrivalMs!) / 1000;
    expect(Math.abs(last.frame / RATE - wall), `frame ${last.frame / RATE} s at ${wall} s`).toBeLessThan(0.5);

    // Bars kept counting through the gap: where the conductor is when the device is back is where
    // its tempo before the gap puts it; and, with the performer again, about where 110 BPM from
    // bar 1 does (the rest of the performance starts as soon as a player can after the restart,
    // within a beat of its place; the band then follows it).
    const lastBefore = conductor.filter((u) => u.frame <= lost.frame).at(-1)!;
    const after = conductor.filter((u) => u.frame > restored.frame && u.reason === "beat").slice(0, 8);
    expect(after.length).toBeGreaterThan(4);
    const firstAfter = after[0]!;
    const carried = lastBefore.beat + ((firstAfter.frame - lastBefore.frame) / RATE) * (lastBefore.bpm / 60);
    expect(Math.abs(firstAfter.beat - carried), `beat ${firstAfter.beat}, carried ${carried}`).toBeLessThan(
      0.5,
    );
    expect(firstAfter.bar - lastBefore.bar).toBeGreaterThanOrEqual(
      Math.floor(((restored.frame - lost.frame) / RATE) * (BPM / 60 / 4)),
    );
    for (const u of after) {
      const expected = ((u.frame - startFrame) / RATE) * (BPM / 60);
      expect(Math.abs(u.beat - expected), `beat ${u.beat} at ${u.frame / RATE} s`).toBeLessThan(1.5);
    }
    expect(conductor.at(-1)!.beat).toBeGreaterThanOrEqual(BARS * 4);

    // The band came back in: decisions after the gap, and its sound on the restarted device.
    const resumed = decisions.filter((d) => d.startFrame > restored.frame);
    expect(resumed.filter((d) => d.agent === "bass").length).toBeGreaterThan(4);
    expect(resumed.filter((d) => d.agent === "drums").length).toBeGreaterThan(4);
    const band = readChannels(bandFile).channels[0]!;
    const heard = (t0s: number, t1s: number): number => {
      const a = Math.round(t0s * RATE);
      const b = Math.min(band.length, Math.round(t1s * RATE));
      let s = 0;
      for (let i = a; i < b; i++) s += band[i]! * band[i]!;
      return Math.sqrt(s / Math.max(1, b - a));
    };
    // From a second after the restart (the engine reconnects within it) for five seconds.
    const restoredIn = restored.frame / RATE - recordFrom;
    expect(heard(Math.max(0, restoredIn) + 0.5, Math.max(0, restoredIn) + 5.5)).toBeGreaterThan(1e-3);

    // The gap is shown with the session.
    const show = performia(["sessions", "show", session]);
    expect(show.stdout).toMatch(/device\s+lost \d+ time\(s\): .*\d+\.\d–\d+\.\d s/);

    // The session replays exactly, gap included (the silence was recorded as input).
    const replay = performia(["replay", session, "--check"]);
    expect(replay.status, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toContain("decisions identical");
  }, 120_000);
});
