import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const PRIORITY = fileURLToPath(new URL("./priority.ts", import.meta.url));

/** Whether this machine lets a process ask for SCHED_FIFO (root, CAP_SYS_NICE or RLIMIT_RTPRIO). */
const realtimeAllowed = process.platform === "linux" && spawnSync("chrt", ["-f", "10", "true"]).status === 0;

/**
 * Runs raiseAudioPriority in a process of its own (this one must stay as it is), with a few
 * threads started before (as the audio process's are) and one after, and reads every thread's
 * policy and priority from /proc: fields 40 and 41 of stat (rt_priority, policy; 1 = SCHED_FIFO)
 * and 19 (nice).
 */
function raiseInChild(realtime: boolean): {
  result: { kind: string; why?: string };
  threads: { policy: number; rtPriority: number; nice: number }[];
} {
  const script = `
    import { readdirSync, readFileSync } from "node:fs";
    import { Worker } from "node:worker_threads";
    const { raiseAudioPriority } = await import(${JSON.stringify(PRIORITY)});
    const spin = "setTimeout(() => {}, 2000)";
    const before = new Worker(spin, { eval: true });
    await new Promise((ok) => before.once("online", ok));
    const result = raiseAudioPriority(${realtime});
    const after = new Worker(spin, { eval: true });
    await new Promise((ok) => after.once("online", ok));
    const threads = readdirSync("/proc/self/task").map((tid) => {
      const stat = readFileSync("/proc/self/task/" + tid + "/stat", "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return { nice: Number(f[16]), rtPriority: Number(f[37]), policy: Number(f[38]) };
    });
    console.log(JSON.stringify({ result, threads }));
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ReturnType<typeof raiseInChild>;
}

describe.runIf(process.platform === "linux")("the audio process's scheduling", () => {
  it("is real-time (SCHED_FIFO 10) for every thread, those started later too, where the machine allows it; else nice −10 and says why", () => {
    const { result, threads } = raiseInChild(true);
    expect(threads.length).toBeGreaterThanOrEqual(4);
    if (realtimeAllowed) {
      expect(result.kind).toBe("realtime");
      for (const t of threads) expect(t).toMatchObject({ policy: 1, rtPriority: 10 });
    } else {
      expect(result.kind).not.toBe("realtime");
      expect(result.why).toMatch(/chrt/);
      for (const t of threads) expect(t.policy).toBe(0);
    }
  });

  it("keeps to a nice value when real-time is turned off", () => {
    const { result, threads } = raiseInChild(false);
    expect(result.why).toMatch(/--no-realtime/);
    for (const t of threads) expect(t.policy).toBe(0);
    if (result.kind === "nice") for (const t of threads) expect(t.nice).toBe(-10);
  });
});
