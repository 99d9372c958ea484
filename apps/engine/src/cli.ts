#!/usr/bin/env node
/**
 * The `performia` command line. Errors meant for people (PerformiaError) print their message
 * and what to do next, and exit with status 2; a replay check that diverges exits with 1.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FollowMode, SettingsPatch } from "@performia/protocol";
import {
  describeIssues,
  FOLLOW_MODES,
  PerformiaError,
  SettingsPatch as SettingsPatchSchema,
} from "@performia/protocol";
import { analyze } from "./commands/analyze.js";
import { perform, summarizePerform } from "./commands/perform.js";
import type { PerformResult } from "./commands/perform.js";
import type { ChartFormat } from "./commands/song.js";
import { summarizeLive } from "./commands/perform-live.js";
import { AudioProcess } from "./live/audio-process.js";
import { describeDevices } from "./drivers/device.js";
// Commands load what they need when they run: `analyze`, run once per file by the benchmark
// harness, does not pay for the API server, the chart readers, the MIDI writer or the benches.
const sessionsCommands = () => import("./commands/sessions.js");
import { isKnownStyle, STYLES } from "@performia/agents";
import { EXAMPLES, examplePath, makeExamples } from "./examples/performances.js";
import { ENGINE_VERSION, sessionsDir } from "./paths.js";
import { exampleSongs } from "./songs.js";
import { resolveSoundFont } from "./soundfonts.js";

// naudiodon's reads and writes wait on libuv's thread pool (4 threads by default): give live
// audio room beside file and DNS work. Read when the pool starts, which is later than this.
process.env.UV_THREADPOOL_SIZE ??= "8";

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

function intArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}
function numberArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
    return n;
  };
}

/** `SECONDS:JSON`, e.g. `12.5:{"agents":{"drums":{"enabled":false}}}`: a settings change at a time. */
function changeArg(value: string, previous: { seconds: number; patch: SettingsPatch }[] = []) {
  const at = value.indexOf(":");
  const seconds = Number(value.slice(0, at));
  if (at < 0 || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError(
      `expected SECONDS:JSON, e.g. 12.5:'{"agents":{"drums":{"enabled":false}}}'`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(value.slice(at + 1));
  } catch (e) {
    throw new InvalidArgumentError(`the change at ${seconds} s is not valid JSON (${(e as Error).message})`);
  }
  const patch = SettingsPatchSchema.safeParse(json);
  if (!patch.success)
    throw new InvalidArgumentError(describeIssues(patch.error, `the change at ${seconds} s`));
  return [...previous, { seconds, patch: patch.data }];
}

/** --latency: milliseconds (0–1000) or "measure". */
function latencyArg(value: string): number | "measure" {
  if (value === "measure") return value;
  return numberArg("--latency", 0, 1000)(value);
}

/** SIGINT/SIGTERM end a run cleanly at the next block (the session is marked interrupted). */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) process.exit(130);
    err("\nstopping: finishing the session file (press Ctrl-C again to quit at once)");
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return controller.signal;
}

function summarize(r: PerformResult): void {
  for (const w of r.warnings) err(`warning: ${w}`);
  out(summarizePerform(r));
}

const program = new Command();
program
  .name("performia")
  .description("A band that listens: live accompaniment that follows the performer.")
  .version(ENGINE_VERSION)
  .showHelpAfterError();

program
  .command("start")
  .description(
    "the main job: the engine serves the studio's API; without a sound card it performs an example song on the virtual audio device (or to a file)",
  )
  .addOption(new Option("--example <name>", "example performance").choices(EXAMPLES.map((e) => e.name)))
  .addOption(
    new Option("--audio <where>", "auto: a sound card, else the virtual device, else a file; virtual; file")
      .choices(["auto", "virtual", "file"])
      .default("auto"),
  )
  .option("--out <dir>", "folder for the WAV file (when the band plays to a file)", "out")
  .option("--sessions <dir>", "sessions folder (default ./sessions or $PERFORMIA_SESSIONS)")
  .option("--port <port>", "the API's port", intArg("--port", 0, 65535), 7070)
  .option("--once", "stop after the example performance instead of serving")
  .option(
    "--seconds <s>",
    "stop the example performance after this many seconds (live)",
    numberArg("--seconds", 1, 3600),
  )
  .option(
    "--studio-port <port>",
    "the studio's port (0: any free one)",
    intArg("--studio-port", 0, 65535),
    3000,
  )
  .option("--no-studio", "serve the API alone, without the studio")
  .action(
    async (o: {
      studioPort: number;
      studio: boolean;
      seconds?: number;
      example?: string;
      audio: "auto" | "virtual" | "file";
      out: string;
      sessions?: string;
      port: number;
      once?: boolean;
    }) => {
      const { start } = await import("./commands/start.js");
      await start(
        {
          example: o.example,
          audio: o.audio,
          outDir: o.out,
          sessionsDir: sessionsDir(o.sessions),
          port: o.port,
          once: o.once ?? false,
          studioPort: o.studio ? o.studioPort : null,
          ...(o.seconds ? { seconds: o.seconds } : {}),
          signal: interruptible(),
        },
        out,
      );
    },
  );

program
  .command("perform")
  .description("the band plays along with a recorded performance, as fast as the machine allows")
  .requiredOption("--song <song>", `song file, or an example: ${exampleSongs().join(", ")}`)
  .requiredOption(
    "--input <file.wav|mic>",
    "the performance: a WAV file, or mic (live, from an audio device)",
  )
  .option("--output <file.wav|speakers>", "where the band goes: a WAV file (the mix), or speakers (live)")
  .option("--band-only", "write the band alone, without the performer")
  .option(
    "--style <style>",
    `style of the band: ${STYLES.join(", ")}, or auto for the chart's (default: the song's, else rock)`,
  )
  .option(
    "--intensity <1-5>",
    "play every section at this intensity (default: the chart's)",
    intArg("--intensity", 1, 5),
  )
  .addOption(
    new Option(
      "--follow <mode>",
      "click: a fixed tempo; adaptive: follow a steady performer smoothly; free: follow every beat at once",
    )
      .choices([...FOLLOW_MODES, "follow"])
      .default("adaptive"),
  )
  .option("--count-in <bars>", "bars the band counts in before bar 1", intArg("--count-in", 0, 4), 0)
  .option(
    "--soundfont <file|auto>",
    "play the band through a General MIDI SoundFont (.sf2/.sf3; auto: the first one installed) instead of the built-in voices",
  )
  .option("--tempo <bpm>", "start tempo (default: the song's)", numberArg("--tempo", 20, 400))
  .option("--seed <n>", "random seed of the session (humanization)", intArg("--seed", 0, 0xffffffff))
  .option("--block <frames>", "block size in frames", intArg("--block", 64, 1024), 128)
  .option("--start <seconds>", "where bar 1 beat 1 falls in the input", numberArg("--start", 0, 3600), 0)
  .option("--mute <agents>", "agents to switch off, comma-separated", (v: string) =>
    v.split(",").filter(Boolean),
  )
  .option("--sessions <dir>", "sessions folder (default ./sessions or $PERFORMIA_SESSIONS)")
  .option("--session <file>", "record to this session file")
  .option("--no-record", "do not record a session")
  .option(
    "--max-seconds <s>",
    "perform only the first seconds of the input",
    numberArg("--max-seconds", 0.1, 86400),
  )
  .option(
    "--device-in <device>",
    "live: the input device (id, name, or PulseAudio source; default: the default input)",
  )
  .option(
    "--device-out <device>",
    "live: the output device (id, name, or PulseAudio sink; default: the default output)",
  )
  .addOption(
    new Option("--rate <hz>", "live: sample rate").choices(["44100", "48000", "96000"]).default("48000"),
  )
  .option(
    "--seconds <s>",
    "live: stop after this many seconds (default: at the song's end)",
    numberArg("--seconds", 0.1, 86400),
  )
  .option(
    "--latency <ms|measure>",
    "live: the device's round trip in ms, or measure: with clicks before the performance (the output must reach the input: virtual-audio.sh loopback on, or a cable); the band plays that much early to land on the beat, and it is recorded (default: the engine's output queue, about 15 ms)",
    latencyArg,
  )
  .option("--monitor", "live: mix the performer into the speakers too (default: the band alone)")
  .option(
    "--output-queue <blocks>",
    "live: output blocks the device may hold (default: about 6 ms worth); the latency may grow by this much after a glitch",
    intArg("--output-queue", 2, 256),
  )
  .option(
    "--change <seconds:json>",
    `change a setting during the performance (repeatable), e.g. 12:'{"agents":{"drums":{"enabled":false}}}'`,
    changeArg,
  )
  .action(
    async (o: {
      song: string;
      input: string;
      output?: string;
      bandOnly?: boolean;
      style?: string;
      follow: FollowMode | "follow";
      countIn: number;
      intensity?: number;
      soundfont?: string;
      tempo?: number;
      seed?: number;
      block: number;
      start: number;
      mute?: string[];
      sessions?: string;
      session?: string;
      record: boolean;
      maxSeconds?: number;
      change?: { seconds: number; patch: SettingsPatch }[];
      deviceIn?: string;
      deviceOut?: string;
      rate: string;
      seconds?: number;
      latency?: number | "measure";
      monitor?: boolean;
      outputQueue?: number;
    }) => {
      if (o.style !== undefined && o.style !== "auto" && !isKnownStyle(o.style)) {
        throw new PerformiaError(
          `unknown style "${o.style}"`,
          "BAD_STYLE",
          `the styles are: ${STYLES.join(", ")}, or auto`,
        );
      }
      const live = o.input === "mic" || o.output === "speakers";
      // What the band is asked to play, live or from a file alike.
      const band = {
        style: o.style,
        followMode: o.follow === "follow" ? ("adaptive" as const) : o.follow,
        countInBars: o.countIn,
        ...(o.intensity ? { intensity: o.intensity } : {}),
        ...(o.soundfont ? { soundFont: resolveSoundFont(o.soundfont) } : {}),
        tempo: o.tempo ?? null,
        seed: o.seed,
      };
      if (live) {
        if (o.input !== "mic" || (o.output !== undefined && o.output !== "speakers")) {
          throw new PerformiaError(
            "live performance takes --input mic and --output speakers together",
            "BAD_LIVE",
            "perform live with --input mic --output speakers, or a WAV file with --input FILE.wav --output OUT.wav",
          );
        }
        if (o.change || o.maxSeconds !== undefined || o.bandOnly) {
          throw new PerformiaError(
            "--change, --max-seconds and --band-only are for performing a WAV file",
            "BAD_LIVE",
            "live, use --seconds to stop early; the speakers get the band alone unless --monitor",
          );
        }
        // The performance runs in its own process (the audio process), as it does under the API.
        const thread = AudioProcess.start(
          {
            song: o.song,
            deviceIn: o.deviceIn,
            deviceOut: o.deviceOut,
            sampleRate: Number(o.rate),
            blockSize: o.block,
            monitor: o.monitor,
            ...band,
            ...(o.start > 0 ? { startSeconds: o.start } : {}),
            mute: o.mute,
            sessionsDir: o.sessions,
            sessionPath: o.session,
            record: o.record,
            seconds: o.seconds,
            ...(o.latency === "measure"
              ? { measureLatency: true }
              : o.latency !== undefined
                ? { latencyMs: o.latency }
                : {}),
            outputQueue: o.outputQueue,
            display: process.stderr.isTTY ? "tty" : "none",
          },
          false,
        );
        interruptible().addEventListener("abort", () => thread.interrupt());
        void thread.performing.then(() => err("performing live: Ctrl-C stops"));
        const r = await thread.done;
        for (const w of r.warnings) err(`warning: ${w}`);
        out(summarizeLive(r));
        if (r.interrupted) process.exitCode = 130;
        return;
      }
      const r = await perform({
        song: o.song,
        input: o.input,
        output: o.output ?? null,
        bandOnly: o.bandOnly,
        ...band,
        blockSize: o.block,
        startSeconds: o.start,
        mute: o.mute,
        sessionsDir: o.sessions,
        sessionPath: o.session,
        record: o.record,
        maxSeconds: o.maxSeconds,
        changes: o.change,
        signal: interruptible(),
      });
      summarize(r);
      if (r.interrupted) process.exitCode = 130;
    },
  );

program
  .command("devices")
  .description("the audio devices the live engine can use")
  .option(
    "--check <seconds>",
    "run the devices alone for this long (a copy loop, at a performance's priority) and count their glitches",
    numberArg("--check", 1, 3600),
  )
  .option("--device-in <device>", "with --check: the input device")
  .option("--device-out <device>", "with --check: the output device")
  .addOption(
    new Option("--rate <hz>", "with --check: sample rate")
      .choices(["44100", "48000", "96000"])
      .default("48000"),
  )
  .option("--block <frames>", "with --check: block size in frames", intArg("--block", 64, 1024), 128)
  .option("--json", "with --check: print the figures as JSON")
  .action(
    async (o: {
      check?: number;
      deviceIn?: string;
      deviceOut?: string;
      rate: string;
      block: number;
      json?: boolean;
    }) => {
      if (o.check === undefined) {
        out(describeDevices());
        return;
      }
      const { checkDevice, describeCheck } = await import("./commands/device-check.js");
      if (!o.json) err(`checking the devices for ${o.check} s…`);
      const r = await checkDevice({
        deviceIn: o.deviceIn,
        deviceOut: o.deviceOut,
        sampleRate: Number(o.rate),
        blockSize: o.block,
        seconds: o.check,
      });
      out(o.json ? JSON.stringify(r) : describeCheck(r));
    },
  );

program
  .command("latency")
  .description(
    "the round trip of the audio device, measured with clicks (the output must reach the input: virtual-audio.sh loopback on); use it as perform --latency",
  )
  .option("--device-in <device>", "the input device")
  .option("--device-out <device>", "the output device")
  .addOption(new Option("--rate <hz>", "sample rate").choices(["44100", "48000", "96000"]).default("48000"))
  .option("--block <frames>", "block size in frames", intArg("--block", 64, 1024), 128)
  .option("--clicks <n>", "clicks to measure", intArg("--clicks", 1, 100), 8)
  .action(
    async (o: { deviceIn?: string; deviceOut?: string; rate: string; block: number; clicks: number }) => {
      const { measureLatency } = await import("./commands/latency.js");
      const r = await measureLatency({
        deviceIn: o.deviceIn,
        deviceOut: o.deviceOut,
        sampleRate: Number(o.rate),
        blockSize: o.block,
        clicks: o.clicks,
      });
      out(
        `round trip ${r.medianMs.toFixed(1)} ms (median of the later half of ${r.ms.length}/${r.clicksSent} clicks: ${r.ms.map((m) => m.toFixed(1)).join(", ")}; ${r.sampleRate} Hz, block ${r.blockSize}; the engine's output queue ${r.outputQueueMs.toFixed(1)} ms of it)`,
      );
      out(`  perform with --latency ${r.medianMs.toFixed(0)}`);
    },
  );

program
  .command("analyze")
  .description("causal analysis of a WAV file: pitch, onsets, beats, tempo, key, chords")
  .argument("<file.wav>")
  .option("--json", "print the analysis as JSON (the contract in DESIGN.md)")
  .option("--block <frames>", "block size in frames", intArg("--block", 64, 1024), 128)
  .option("--out <file.json>", "write the JSON to a file instead of standard output")
  .action(async (file: string, o: { json?: boolean; block: number; out?: string }) => {
    const report = await analyze({ input: file, blockSize: o.block, quiet: !process.stderr.isTTY });
    if (o.json || o.out) {
      const text = JSON.stringify(report);
      if (o.out) writeFileSync(o.out, `${text}\n`);
      else out(text);
      return;
    }
    const voiced = report.pitch.filter((p) => p.hz !== null).length;
    const last = report.tempo[report.tempo.length - 1];
    out(
      `${file}: ${report.pitch.length} pitch frames (${voiced} voiced), ${report.onsets.length} onsets, ${report.beats.length} beats`,
    );
    out(
      `  tempo ${last ? `${last.bpm.toFixed(1)} BPM` : "unknown"}, key ${report.key ?? "unknown"}, ${report.chords.length} chord changes`,
    );
  });

program
  .command("replay")
  .description("re-run a recorded session through the current code; --check compares every decision")
  .argument("<session>", "a session file, or its name in the sessions folder")
  .option("--check", "exit 1 with a readable diff when any decision differs")
  .option("--out <file.wav>", "render the replay to a WAV file")
  .option("--sessions <dir>", "sessions folder")
  .action(async (session: string, o: { check?: boolean; out?: string; sessions?: string }) => {
    const { resolveSession } = await sessionsCommands();
    const { replay } = await import("./commands/replay.js");
    const path = resolveSession(sessionsDir(o.sessions), session);
    const r = await replay({
      session: path,
      out: o.out ?? null,
      quiet: !process.stderr.isTTY,
      onWarning: (w) => err(`warning: ${w}`),
    });
    out(r.report);
    if (o.out) out(`  wrote ${o.out}`);
    if (o.check && !r.diff.identical) process.exitCode = 1;
  });

const sessions = program.command("sessions").description("recorded sessions: list, show, export, import");
sessions
  .command("list", { isDefault: true })
  .option("--sessions <dir>", "sessions folder")
  .action(async (o: { sessions?: string }) => {
    const { sessionsList } = await sessionsCommands();
    out(sessionsList(sessionsDir(o.sessions)));
  });
sessions
  .command("show")
  .argument("<session>")
  .option("--sessions <dir>", "sessions folder")
  .action(async (s: string, o: { sessions?: string }) => {
    const { sessionShow, resolveSession } = await sessionsCommands();
    out(sessionShow(resolveSession(sessionsDir(o.sessions), s)));
  });
sessions
  .command("export")
  .argument("<session>")
  .argument("<to>", "where to write the copy")
  .option("--sessions <dir>", "sessions folder")
  .action(async (s: string, to: string, o: { sessions?: string }) => {
    const { sessionExport, resolveSession } = await sessionsCommands();
    out(`exported to ${sessionExport(resolveSession(sessionsDir(o.sessions), s), to)}`);
  });
sessions
  .command("midi")
  .description("the band's parts as a Standard MIDI File (a track per agent, the performance's tempo)")
  .argument("<session>")
  .argument("<to>", "the .mid file to write")
  .option("--sessions <dir>", "sessions folder")
  .action(async (s: string, to: string, o: { sessions?: string }) => {
    const { sessionMidiExport, resolveSession } = await sessionsCommands();
    out(sessionMidiExport(resolveSession(sessionsDir(o.sessions), s), to));
  });
sessions
  .command("import")
  .argument("<file>", "a session file from elsewhere (validated before it is copied in)")
  .option("--sessions <dir>", "sessions folder")
  .action(async (f: string, o: { sessions?: string }) => {
    const { sessionImport } = await sessionsCommands();
    out(`imported as ${sessionImport(sessionsDir(o.sessions), f)}`);
  });

const song = program
  .command("song")
  .description("chord charts: import from iReal Pro, ChordPro or MusicXML; transpose; check");
song
  .command("import")
  .description("a chart as a Song Map (JSON on stdout, or files with --out)")
  .argument(
    "<source>",
    "an irealb:// link or a file holding one, a ChordPro file (.cho, .chordpro, .crd, .pro) or a MusicXML file (.musicxml, .xml)",
  )
  .addOption(
    new Option("--format <format>", "read as this format").choices(["ireal", "chordpro", "musicxml"]),
  )
  .option("--transpose <semitones>", "transpose while importing", intArg("--transpose", -11, 11))
  .option("--out <path>", "a .json file, or a folder (one file per song of a playlist)")
  .action(async (source: string, o: { format?: ChartFormat; transpose?: number; out?: string }) => {
    const { songImport } = await import("./commands/song.js");
    const r = songImport(source, o);
    for (const w of r.warnings) err(`warning: ${w}`);
    if (r.written.length > 0) for (const p of r.written) out(`wrote ${p}`);
    else process.stdout.write(r.json[0]!);
  });
song
  .command("transpose")
  .description("a song file transposed (JSON on stdout, or --out)")
  .argument("<song>", "a song file or an example song's name")
  .argument("<semitones>", "up (positive) or down (negative)", intArg("semitones", -11, 11))
  .option("--out <file>", "where to write the transposed song")
  .action(async (s: string, semitones: number, o: { out?: string }) => {
    const { songTranspose } = await import("./commands/song.js");
    const json = songTranspose(s, semitones, o.out);
    if (o.out) out(`wrote ${o.out}`);
    else process.stdout.write(json);
  });
song
  .command("check")
  .description("validate a song file and summarise what the band will play")
  .argument("<song>", "a song file or an example song's name")
  .action(async (s: string) => {
    const { songCheck } = await import("./commands/song.js");
    out(songCheck(s));
  });

program
  .command("serve")
  .description("the control API (tRPC over WebSocket and HTTP) for the studio and other clients")
  .option("--sessions <dir>", "sessions folder (default ./sessions or $PERFORMIA_SESSIONS)")
  .option("--host <host>", "where to listen (beyond 127.0.0.1 a token is required)", "127.0.0.1")
  .option("--port <port>", "port (0: any free one)", intArg("--port", 0, 65535), 7070)
  .option("--token <token>", "the token every call must carry (default $PERFORMIA_TOKEN)")
  .action(async (o: { sessions?: string; host: string; port: number; token?: string }) => {
    const token = o.token ?? process.env.PERFORMIA_TOKEN;
    const { startApiServer } = await import("./api/server.js");
    const server = await startApiServer({
      sessionsDir: sessionsDir(o.sessions),
      host: o.host,
      port: o.port,
      ...(token ? { token } : {}),
    });
    out(
      `performia API on ${server.url} (tRPC at ${server.url}/trpc, WebSocket ${server.wsUrl}); Ctrl-C to stop`,
    );
    await new Promise<void>((done) => {
      const stop = (): void => void server.close().then(done);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  });

const golden = program.command("golden").description("the golden sessions the tests replay");
golden
  .command("record")
  .description("re-record tests/golden/*.performia on purpose (after an intended change to the band)")
  .action(async () => (await import("./commands/golden.js")).recordGolden(out));
golden
  .command("check")
  .description("replay every golden session with --check")
  .action(async () => {
    const { checkGolden } = await import("./commands/golden.js");
    if (!(await checkGolden(out))) process.exitCode = 1;
  });

const examples = program.command("examples").description("the example songs and performances");
examples.command("list", { isDefault: true }).action(() => {
  out(`songs: ${exampleSongs().join(", ")}`);
  for (const e of EXAMPLES)
    out(`performance ${e.name}: ${e.description}, on ${e.song} (${examplePath(e.name)})`);
});
examples
  .command("make")
  .description("re-render the example performances with the project's synth")
  .action(() => makeExamples(out));

program
  .command("bench")
  .description(
    "speed of perform and replay --check, session size, and the analysis scored against aubio; JSON in bench-results/",
  )
  .option("--seconds <s>", "length of the benchmark performance", numberArg("--seconds", 5, 3600), 60)
  .option(
    "--long-seconds <s>",
    "length of the long session whose replay check is timed (0: skip)",
    numberArg("--long-seconds", 0, 7200),
    600,
  )
  .addOption(new Option("--only <part>", "run one part").choices(["engine", "analysis", "band", "live"]))
  .option(
    "--soak-seconds <s>",
    "length of the live soak on the virtual device",
    numberArg("--soak-seconds", 10, 7200),
    600,
  )
  .option("--soak-only", "live: the soak alone (not the band against the performer)")
  .option("--out <dir>", "where the JSON results go", "bench-results")
  .action(
    async (o: {
      seconds: number;
      longSeconds: number;
      soakSeconds: number;
      soakOnly?: boolean;
      only?: string;
      out: string;
    }) => {
      if (o.only === undefined || o.only === "band") {
        const { benchBand } = await import("./commands/bench-band.js");
        const results = benchBand(out);
        mkdirSync(resolve(o.out), { recursive: true });
        const path = join(resolve(o.out), "band.json");
        writeFileSync(path, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
        out(`bench: band results in ${path}`);
      }
      if (o.only === undefined || o.only === "engine") {
        const { bench } = await import("./commands/bench.js");
        await bench({ seconds: o.seconds, longSeconds: o.longSeconds, outDir: o.out }, out);
      }
      if (o.only === undefined || o.only === "analysis") {
        const { benchAnalysis } = await import("./commands/bench-analysis.js");
        const results = benchAnalysis(resolve(o.out), out, { longSeconds: o.longSeconds });
        if (results) {
          const path = join(resolve(o.out), "analysis.json");
          writeFileSync(path, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
          out(`bench: analysis results in ${path}`);
        }
      }
      if (o.only === undefined || o.only === "live") {
        const { benchLive } = await import("./commands/bench-live.js");
        const results = await benchLive({ soakSeconds: o.soakSeconds, soakOnly: o.soakOnly ?? false }, out);
        mkdirSync(resolve(o.out), { recursive: true });
        const path = join(resolve(o.out), "live.json");
        writeFileSync(path, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
        out(`bench: live results in ${path}`);
      }
    },
  );

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof PerformiaError) {
    err(`error: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  err(`performia: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  err("  → this is a bug; please report it with the command you ran");
  process.exitCode = 1;
});
