/**
 * A full garbage collection on demand, for measuring what a run keeps. Never during a
 * performance: a full collection of the audio process's heap stops its thread for tens of ms.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Collect all garbage now (this thread's heap). */
export function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/** What this thread keeps after a full collection (MB): its heap in use and its buffers outside it. */
export function keptMb(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return (m.heapUsed + m.external) / 2 ** 20;
}
