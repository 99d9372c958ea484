/**
 * The device's round trip, measured by the engine with clicks through the virtual device's
 * loopback before a live performance, used to place the band and recorded in the session.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionReader } from "@performia/engine";
import { CLI, REPO, performia, tempDir } from "../support/cli.js";
import { virtualAudio, virtualAudioEnv } from "../support/live.js";

const dir = tempDir("round-trip");
const env = virtualAudioEnv(join(dir, "audio"), 48000);

beforeAll(() => {
  const r = virtualAudio(["start"], env);
  if (r.status !== 0) throw new Error(`virtual-audio.sh start failed: ${r.output}`);
});

afterAll(() => {
  virtualAudio(["stop"], env);
});

describe("perform --latency measure (virtual device, loopback on)", () => {
  it("measures the round trip with clicks, places the band by it and records it in the session", async () => {
    const on = virtualAudio(["loopback", "on"], env);
    expect(on.status, on.output).toBe(0);
    const session = join(dir, "measured.performia");
    const engine = spawn(
      process.execPath,
      [
        ...[CLI, "perform", "--song", "tempo-study", "--input", "mic", "--output", "speakers"],
        ...["--latency", "measure", "--seconds", "4", "--session", session, "--mute", "pad,guitar"],
      ],
      { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    engine.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    const measured = new Promise<void>((ok) =>
      engine.stderr.on("data", (b: Buffer) => {
        stderr += b.toString();
        if (/measured the device's round trip/.test(stderr)) ok();
      }),
    );
    const exit = new Promise<number | null>((ok) => engine.once("exit", ok));
    // Measured: the loopback goes off before the band plays, so the band is not heard as the performer.
    await Promise.race([measured, exit]);
    const off = virtualAudio(["loopback", "off"], env);
    expect(off.status, off.output).toBe(0);
    const code = await exit;
    expect(code, stdout + stderr).toBe(0);
    const said = Number(/measured the device's round trip: ([\d.]+) ms/.exec(stderr)?.[1]);
    // Through PulseAudio and ALSA both ways: more than the engine's own queue, less than 200 ms.
    expect(said).toBeGreaterThan(3);
    expect(said).toBeLessThan(200);
    // The band was placed against it, and the session records it with every click heard.
    expect(stdout).toContain(`the band played ${said.toFixed(1)} ms early`);
    const reader = SessionReader.open(session);
    const info = reader.info();
    reader.close();
    expect(info.latency?.source).toBe("measured");
    // The exact figure, as the run printed it (to 0.1 ms: 12.75 prints as 12.8).
    expect(info.latency?.roundTripMs?.toFixed(1)).toBe(said.toFixed(1));
    expect(info.latency?.clicksMs?.length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it("records a round trip given by the performer as given, and says when no click comes back", () => {
    const session = join(dir, "given.performia");
    const given = performia(
      [
        ...["perform", "--song", "tempo-study", "--input", "mic", "--output", "speakers"],
        ...["--latency", "21.5", "--seconds", "2", "--session", session],
      ],
      { env },
    );
    expect(given.status, given.stdout + given.stderr).toBe(0);
    // Nothing printed but the engine's own: not ALSA's errors for the cards this machine does not
    // have (some 130 lines before), nor naudiodon's stream options (six lines).
    expect(given.stderr).not.toMatch(/cannot find card|Unknown PCM/);
    expect(given.stdout).not.toMatch(/PortAudio V|audio options:|device name is/);
    expect(given.stdout).toMatch(/^performed live 2\.0 s/m);
    const reader = SessionReader.open(session);
    expect(reader.info().latency).toEqual({ roundTripMs: 21.5, source: "given" });
    reader.close();
    // The loopback is off: nothing comes back, and the engine says what to do.
    virtualAudio(["loopback", "off"], env);
    const none = performia(
      [
        ...["perform", "--song", "tempo-study", "--input", "mic", "--output", "speakers"],
        ...["--latency", "measure", "--seconds", "2", "--session", join(dir, "none.performia")],
      ],
      { env },
    );
    expect(none.status, none.stdout + none.stderr).not.toBe(0);
    expect(none.stderr).toMatch(/no click came back/);
    expect(none.stderr).toMatch(/virtual-audio\.sh loopback on/);
  }, 60_000);
});

describe("performia devices --check (virtual device)", () => {
  it("runs the device alone for the seconds asked and says whether it kept up", () => {
    const r = performia(["devices", "--check", "3", "--rate", "48000", "--block", "128"], { env });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    // ALSA told only of PulseAudio's devices: none of its errors for cards that are not there.
    expect(r.stderr).not.toMatch(/cannot find card|Unknown PCM/);
    // 3 s of 128-frame blocks at 48 kHz, counted from the first (the seconds between the first
    // and the last block's arrival are printed as measured: a stall moves them a little).
    expect(r.stdout).toMatch(/the device alone: .*48000 Hz, block 128, [\d.]+ s \(1125 blocks\)/);
    const seconds = Number(/block 128, ([\d.]+) s/.exec(r.stdout)?.[1]);
    expect(seconds).toBeGreaterThan(2.5);
    expect(seconds).toBeLessThan(4);
    const underflows = Number(/(\d+) output underflows/.exec(r.stdout)?.[1]);
    expect(underflows).toBeLessThan(1125);
    expect(r.stdout).toMatch(/0 input overflows/);
    expect(r.stdout).toMatch(
      underflows === 0 ? /no glitch: the device keeps up/ : /glitches with nothing but a copy loop/,
    );
    // A block size the engine does not take is refused with the range.
    const bad = performia(["devices", "--check", "3", "--block", "32"], { env });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--block must be a whole number from 64 to 1024/);
  }, 60_000);
});
