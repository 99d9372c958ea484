/**
 * The audio thread's CPU priority. On a busy machine (the API flooded, a browser rendering the
 * studio, analysis benchmarks) the blocks compete with everything else for the cores; the audio
 * thread asks the scheduler for a higher priority than the rest of the process, and the threads
 * it starts (the analysis pool, the recorder, PortAudio's own) inherit it.
 *
 * Linux applies setpriority to one thread when given a thread id, which `/proc/thread-self`
 * names. naudiodon's reads and writes wait on libuv's thread pool, whose threads the process
 * started long before (at nice 0): they are found by reading `/proc/thread-self` from the pool
 * itself (an asynchronous readlink runs there), and raised too. Raising a priority needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (a desktop's
 * audio group usually has one); without, the thread stays where it was and says why.
 */
import { readlink, readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/** The nice value the audio thread asks for (−20 highest, 0 normal). */
export const AUDIO_NICE = -10;

/** Give the calling thread `nice`; returns null when done, else why not. */
export function setThreadNice(nice: number = AUDIO_NICE): string | null {
  if (process.platform !== "linux")
    return `thread priorities are only set on Linux (this is ${process.platform})`;
  try {
    const tid = Number(/(\d+)$/.exec(readlinkSync("/proc/thread-self"))?.[1]);
    if (!Number.isInteger(tid) || tid <= 0) return "the thread's id is not known";
    setPriority(tid, nice);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Thread ids of libuv's pool threads: each asynchronous readlink of /proc/thread-self runs on one. */
export async function poolThreads(rounds = 4, perRound = 64): Promise<Set<number>> {
  const tids = new Set<number>();
  if (process.platform !== "linux") return tids;
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      Array.from(
        { length: perRound },
        () =>
          new Promise<void>((ok) =>
            readlink("/proc/thread-self", (err, link) => {
              const tid = err ? NaN : Number(/(\d+)$/.exec(link)?.[1]);
              if (Number.isInteger(tid) && tid !== process.pid) tids.add(tid);
              ok();
            }),
          ),
      ),
    );
  }
  return tids;
}

/** Give libuv's pool threads `nice` too (they carry naudiodon's reads and writes); returns why not, or null. */
export async function setPoolNice(nice: number = AUDIO_NICE): Promise<string | null> {
  const tids = await poolThreads();
  if (tids.size === 0) return "the thread pool's threads are not known";
  try {
    for (const tid of tids) setPriority(tid, nice);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
