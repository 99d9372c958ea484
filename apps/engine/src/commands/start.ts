/**
 * `performia start` (npm start): the engine as a long-running process. It serves the control API
 * (tRPC over WebSocket, on the loopback) and looks for a sound card:
 *
 * - with one, it says so, lists the devices and waits for the studio or a client to start a
 *   performance;
 * - without one, it says so and performs an example song live on the virtual audio device
 *   (apps/engine/scripts/virtual-audio.sh: the example performance is played into the virtual
 *   microphone, the band plays along through naudiodon), records the session, and then serves it;
 * - without a sound card and without PulseAudio, it performs the example to a WAV file instead,
 *   and says how to get the virtual device.
 *
 * Beside the API it serves the studio (apps/studio, `next start`) on http://localhost:3000.
 *
 * It never ends silently: every branch says what it does and what to do next.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { startApiServer, type ApiServer } from "../api/server.js";
import { soundCards } from "../drivers/alsa.js";
import { describeDevices } from "../drivers/device.js";
import { EXAMPLES, examplePath } from "../examples/performances.js";
import { ENGINE_ROOT } from "../paths.js";
import { readSongFile } from "../songs.js";
import { perform, summarizePerform } from "./perform.js";
import { summarizeLive } from "./perform-live.js";
import { AudioProcess } from "../live/audio-process.js";
import { startStudio, type Studio } from "./studio.js";

export const VIRTUAL_AUDIO_SCRIPT = resolve(ENGINE_ROOT, "scripts/virtual-audio.sh");

export interface StartOptions {
  readonly example?: string;
  readonly outDir?: string;
  readonly sessionsDir: string;
  readonly port?: number;
  /** Where the audio goes: auto (a sound card, else the virtual device, else a file), or file. */
  readonly audio?: "auto" | "virtual" | "file";
  /** Live: stop the example after this many seconds (default: the song's end). */
  readonly seconds?: number;
  /** Stop after the example (do not keep serving). */
  readonly once?: boolean;
  /** The studio's port (default 3000; 0: a free one); null: no studio. */
  readonly studioPort?: number | null;
  readonly signal?: AbortSignal;
}

function virtualAudio(args: string[], env: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const r = spawnSync(VIRTUAL_AUDIO_SCRIPT, args, { env, encoding: "utf8", timeout: 120_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

/** Start (or find) the virtual device; its PULSE_SERVER goes into this process's environment. */
function startVirtualDevice(log: (line: string) => void): boolean {
  const hasPulse = spawnSync("sh", ["-c", "command -v pulseaudio && command -v pactl"], {
    encoding: "utf8",
  });
  if (hasPulse.status !== 0 && process.getuid?.() !== 0) return false;
  const r = virtualAudio(["start"], process.env);
  if (!r.ok) {
    log(`  the virtual device did not start: ${r.output}`);
    return false;
  }
  const env = virtualAudio(["env"], process.env).output;
  const m = /PULSE_SERVER=(\S+)/.exec(env);
  if (m) process.env.PULSE_SERVER = m[1];
  log(`  ${r.output.split("\n").pop() ?? "virtual device running"}`);
  return true;
}

export async function start(options: StartOptions, log: (line: string) => void): Promise<void> {
  const name = options.example ?? "tempo-study-guitar";
  const spec = EXAMPLES.find((e) => e.name === name);
  if (!spec)
    throw new Error(`no example "${name}": the examples are ${EXAMPLES.map((e) => e.name).join(", ")}`);

  let server: ApiServer | null = null;
  if (!options.once) {
    server = await startApiServer({ sessionsDir: options.sessionsDir, port: options.port ?? 7070 });
    log(
      `Performia engine: the control API is on ${server.url} (WebSocket ${server.wsUrl}), this machine only.`,
    );
  }
  let studio: Studio | null = null;
  if (server && options.studioPort !== null) {
    try {
      studio = await startStudio(options.studioPort ?? 3000, server.url);
      log(`Performia studio: open ${studio.url} in a browser (sessions, and the engine's state).`);
    } catch (e) {
      log(`  the studio is not running: ${(e as Error).message}`);
    }
  }
  log(`  sessions are recorded in ${options.sessionsDir}`);

  const audio = options.audio ?? "auto";
  // Where the system cannot tell (not Linux), assume a sound card.
  const cards = audio === "auto" ? soundCards() : [];
  let mode: "card" | "virtual" | "file" =
    audio === "auto" ? (cards === null || cards.length > 0 ? "card" : "virtual") : audio;

  if (mode === "card") {
    log(`  sound card${cards && cards.length > 1 ? "s" : ""}: ${cards?.join("; ") ?? "(this system's)"}`);
    log(describeDevices());
    log(
      `  perform live: npx performia perform --song ${spec.song} --input mic --output speakers   (performia latency measures the round trip first)`,
    );
  } else {
    if (mode === "virtual") {
      log(`  no sound card on this machine: starting the virtual audio device (${VIRTUAL_AUDIO_SCRIPT})`);
      if (!startVirtualDevice(log)) {
        log(
          `  no PulseAudio either, so the band plays to a file. For live audio without a sound card install the Debian packages pulseaudio pulseaudio-utils libasound2-plugins (or run ${VIRTUAL_AUDIO_SCRIPT} start as root).`,
        );
        mode = "file";
      }
    }
    if (mode === "virtual")
      await performOnVirtualDevice(spec.name, spec.song, spec.description, options, log);
    else await performToFile(spec.name, spec.song, spec.description, options, log);
  }

  if (!server) return;
  log(
    `The engine keeps serving ${server.url}${studio ? ` and the studio ${studio.url}` : " for the studio and other clients"}; Ctrl-C stops it.`,
  );
  await new Promise<void>((done) => {
    const stop = (): void => void Promise.all([server.close(), studio?.close()]).then(() => done());
    if (options.signal?.aborted) return stop();
    options.signal?.addEventListener("abort", stop, { once: true });
  });
}

async function performOnVirtualDevice(
  example: string,
  song: string,
  description: string,
  options: StartOptions,
  log: (line: string) => void,
): Promise<void> {
  const countInBars = 1;
  log(`  song: ${song}; performer: ${description}, played into the virtual microphone`);
  log(`  the band counts in one bar, then follows the performer; Ctrl-C stops the performance`);
  let player: ChildProcess | null = null;
  let timer: NodeJS.Timeout | null = null;
  // In its own process (the audio process), as every live performance runs.
  const audio = AudioProcess.start(
    {
      song,
      sessionsDir: options.sessionsDir,
      countInBars,
      seed: 1,
      display: process.stderr.isTTY ? "tty" : "lines",
      ...(options.seconds ? { seconds: options.seconds } : {}),
    },
    false,
  );
  const stop = (): void => audio.interrupt();
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    await audio.performing;
    // Bar 1 falls after the count-in (perform-live's default start): the performer comes in there.
    timer = setTimeout(
      () => {
        player = spawn(VIRTUAL_AUDIO_SCRIPT, ["play", examplePath(example)], {
          env: process.env,
          stdio: "ignore",
        });
      },
      startDelayMs(song, countInBars),
    );
    const r = await audio.done;
    for (const w of r.warnings) log(`  warning: ${w}`);
    log(summarizeLive(r));
  } finally {
    options.signal?.removeEventListener("abort", stop);
    if (timer) clearTimeout(timer);
    (player as ChildProcess | null)?.kill();
  }
}

/** perform-live's default: bar 1 half a second plus the count-in after the first block (ms). */
function startDelayMs(song: string, countInBars: number): number {
  const { song: s } = readSongFile(song);
  return (0.5 + (countInBars * s.timeSignature.beats * 60) / s.tempo) * 1000 - 50;
}

async function performToFile(
  example: string,
  song: string,
  description: string,
  options: StartOptions,
  log: (line: string) => void,
): Promise<void> {
  const outDir = resolve(options.outDir ?? "out");
  mkdirSync(outDir, { recursive: true });
  const output = resolve(outDir, `${example}-with-band.wav`);
  log(`  the band plays along with an example performance, into a WAV file`);
  log(`  song: ${song}; performer: ${description} (${examplePath(example)})`);
  const r = await perform({
    song,
    input: examplePath(example),
    output,
    seed: 1,
    sessionsDir: options.sessionsDir,
    signal: options.signal,
  });
  log(summarizePerform(r));
  log(`  listen: play ${r.outputPath ?? output} (with aplay, sox's play, or any audio player)`);
}
