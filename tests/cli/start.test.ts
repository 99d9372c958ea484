/**
 * `performia start` (npm start): the engine serves its API and, without a sound card, performs an
 * example song live on the virtual audio device, or to a file; it says which, and records the
 * session.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SessionReader } from "@performia/engine";
import { CLI, performia, REPO, tempDir } from "../support/cli.js";
import { virtualAudio, virtualAudioEnv } from "../support/live.js";

const dir = tempDir("start");
const env = virtualAudioEnv(join(dir, "audio"), 48000);

afterAll(() => {
  virtualAudio(["stop"], env);
});

function sessionsIn(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith(".performia")) : [];
}

describe("performia start", () => {
  it("without a sound card, starts the virtual device and performs the example live, recording the session", () => {
    const sessions = join(dir, "live-sessions");
    const r = performia(["start", "--once", "--audio", "virtual", "--seconds", "8", "--sessions", sessions], {
      env,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no sound card on this machine: starting the virtual audio device/);
    expect(r.stdout).toMatch(/performed live 8\.0 s/);
    const files = sessionsIn(sessions);
    expect(files).toHaveLength(1);
    const reader = SessionReader.open(join(sessions, files[0]!));
    const info = reader.info();
    const decisions = reader.decisions();
    reader.close();
    expect(info.status).toBe("complete");
    // The count-in and the band's first bars: drums and bass play.
    expect(decisions.filter((d) => d.agent === "drums").length).toBeGreaterThan(4);
    expect(decisions.filter((d) => d.agent === "bass").length).toBeGreaterThan(2);
  }, 60_000);

  it("without audio, performs the example into a WAV file and says where it went", () => {
    const sessions = join(dir, "file-sessions");
    const out = join(dir, "out");
    const r = performia(["start", "--once", "--audio", "file", "--out", out, "--sessions", sessions]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/into a WAV file/);
    expect(r.stdout).toContain(join(out, "tempo-study-guitar-with-band.wav"));
    expect(existsSync(join(out, "tempo-study-guitar-with-band.wav"))).toBe(true);
    expect(sessionsIn(sessions)).toHaveLength(1);
  }, 60_000);

  it("keeps serving the control API after the example, until it is stopped", async () => {
    const sessions = join(dir, "serve-sessions");
    const child = spawn(
      process.execPath,
      [
        ...[CLI, "start", "--audio", "file", "--port", "0", "--studio-port", "0"],
        ...["--out", join(dir, "out2"), "--sessions", sessions],
      ],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    const url = await new Promise<string>((ok, ko) => {
      const timer = setTimeout(() => ko(new Error(`not serving within 60 s: ${stdout}`)), 60_000);
      child.stdout.on("data", () => {
        if (/keeps serving/.test(stdout)) {
          clearTimeout(timer);
          ok(/control API is on (http:\/\/\S+?) /.exec(stdout)![1]!);
        }
      });
    });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    // The studio is served beside it, pointed at this engine.
    const studio = /open (http:\/\/localhost:\d+) in a browser/.exec(stdout)?.[1];
    expect(studio, stdout).toBeDefined();
    const page = await fetch(`${studio!.replace("localhost", "127.0.0.1")}/sessions`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Performia");
    // The session the example recorded is listed by the API.
    const list = (await (await fetch(`${url}/trpc/sessions.list`)).json()) as {
      result: { data: { sessions: { name: string }[] } };
    };
    expect(list.result.data.sessions.map((s) => s.name)).toEqual(sessionsIn(sessions).map((f) => f));
    // A second engine on the same port says what is wrong and what to do.
    const port = new URL(url).port;
    const second = performia(["start", "--audio", "file", "--port", port, "--sessions", sessions]);
    expect(second.status).not.toBe(0);
    expect(second.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(second.stderr).toMatch(/choose another port with --port/);
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((ok) => child.once("exit", ok));
    expect(code).toBe(0);
  }, 90_000);
});
