/**
 * The audio process's CPU priority. On a busy machine (the API flooded, a browser rendering the
 * studio, analysis benchmarks) the blocks compete with everything else for the cores; the audio
 * process asks the scheduler for a higher priority than normal for each of its threads (the
 * main one, V8's and libuv's, which carry naudiodon's reads and writes), and the threads it
 * starts later (the analysis pool, the recorder, PortAudio's own) inherit it.
 *
 * Linux keeps a nice value per thread (setpriority given a thread id sets that thread's).
 * Raising a priority needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (a desktop's audio
 * group usually has one); without, the threads stay where they were and it says why.
 */
import { readdirSync } from "node:fs";
import { setPriority } from "node:os";

/** The nice value the audio process asks for (−20 highest, 0 normal). */
export const AUDIO_NICE = -10;

/** Give every thread of this process `nice`; returns null when done, else why not. */
export function setProcessNice(nice: number = AUDIO_NICE): string | null {
  try {
    if (process.platform !== "linux") {
      setPriority(nice);
      return null;
    }
    for (const tid of readdirSync("/proc/self/task")) setPriority(Number(tid), nice);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
