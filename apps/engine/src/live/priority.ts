/**
 * The audio process's CPU priority. On a busy machine (the API flooded, a browser rendering the
 * studio, analysis benchmarks) the blocks compete with everything else for the cores.
 *
 * First choice, as JACK and every desktop sound server do: real-time scheduling (SCHED_FIFO) for
 * every thread of the audio process — the main one (the block loop), V8's and libuv's (which
 * carry naudiodon's reads and writes), and, inherited, the threads it starts later (the analysis
 * pool, the recorder, PortAudio's and libpulse's). A SCHED_FIFO thread runs before every normal
 * one, so a busy machine no longer delays a block; Linux keeps 5 % of each second for normal
 * threads (sched_rt_runtime_us), so a runaway thread cannot lock the machine up. Measured on the
 * virtual device with both cores loaded by analysis benchmarks (load average 7): a minute at
 * 128 frames went from 146 output underflows, 85 ms worst event-loop delay and 65 missed analysis
 * hops (nice −10) to 35, 8.6 ms and 6; with the sound server real-time too
 * (scripts/virtual-audio.sh), to 4 underflows.
 *
 * Node has no call for it: `chrt` (util-linux) sets each thread's policy, once, before the
 * performance. It needs CAP_SYS_NICE or an RLIMIT_RTPRIO (a desktop's audio group usually has
 * one, as for JACK). Without, the threads get a higher nice value instead (Linux keeps one per
 * thread: setpriority given a thread id sets that thread's), and failing that stay where they
 * were; either way the caller is told why.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { setPriority } from "node:os";

/** The nice value the audio process asks for when it cannot be real-time (−20 highest, 0 normal). */
export const AUDIO_NICE = -10;

/**
 * The SCHED_FIFO priority (1–99) of the audio process: below the sound server's (the virtual
 * device's runs at 20; PulseAudio's I/O threads default to 5), as a JACK client's is below JACK.
 */
export const AUDIO_RT_PRIORITY = 10;

/** What the audio process obtained. */
export type AudioPriority =
  | { readonly kind: "realtime"; readonly priority: number }
  | { readonly kind: "nice"; readonly nice: number; readonly why: string }
  | { readonly kind: "normal"; readonly why: string };

const threads = (): number[] =>
  process.platform === "linux" ? readdirSync("/proc/self/task").map(Number) : [process.pid];

/** SCHED_FIFO at `priority` for every thread of this process; null when done, else why not. */
export function setProcessRealtime(priority: number = AUDIO_RT_PRIORITY): string | null {
  if (process.platform !== "linux") return "real-time scheduling is set here only on Linux";
  for (const tid of threads()) {
    const r = spawnSync("chrt", ["--fifo", "--pid", String(priority), String(tid)], { encoding: "utf8" });
    if (r.error) return `chrt is not available (${r.error.message}); it comes with util-linux`;
    if (r.status !== 0) {
      const why = (r.stderr || r.stdout).trim().split("\n").pop() ?? `exit ${r.status}`;
      return `chrt --fifo ${priority} was refused (${why.replace(/^chrt: /, "")})`;
    }
  }
  return null;
}

/** Give every thread of this process `nice`; returns null when done, else why not. */
export function setProcessNice(nice: number = AUDIO_NICE): string | null {
  try {
    if (process.platform !== "linux") {
      setPriority(nice);
      return null;
    }
    for (const tid of threads()) setPriority(tid, nice);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The best priority this process may have: real-time, else a higher nice value, else normal.
 * Main thread, before the performance starts its threads. `realtime: false` skips the first.
 */
export function raiseAudioPriority(realtime = true): AudioPriority {
  const rtWhy = realtime ? setProcessRealtime() : "real-time scheduling was turned off (--no-realtime)";
  if (rtWhy === null) return { kind: "realtime", priority: AUDIO_RT_PRIORITY };
  const niceWhy = setProcessNice(AUDIO_NICE);
  if (niceWhy === null) return { kind: "nice", nice: AUDIO_NICE, why: rtWhy };
  return { kind: "normal", why: `${rtWhy}; and a nice value of ${AUDIO_NICE}: ${niceWhy}` };
}

/** One line for the performance's report. */
export function describePriority(p: AudioPriority): string {
  switch (p.kind) {
    case "realtime":
      return `real-time (SCHED_FIFO ${p.priority})`;
    case "nice":
      return `nice ${p.nice}, not real-time: ${p.why}`;
    case "normal":
      return `normal: ${p.why}`;
  }
}
