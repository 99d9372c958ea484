/**
 * A live performance in a process of its own, so that a device that went away cannot keep the
 * engine from exiting.
 *
 * naudiodon runs each read, write and quit on a thread of libuv's pool, and on a device that went
 * away some never return: a quit joins a PortAudio callback thread that is stuck in ALSA's pulse
 * plugin, or waits for one more callback that never comes. Node's exit joins every thread of the
 * pool, so such a process cannot exit, however cleanly the performance ended. The CLI therefore
 * performs live in a child process: the child reports its exit code once the performance and the
 * session file are finished, and the parent ends a child that cannot exit and exits with that
 * code. Main thread, outside the performance.
 */
import { spawn } from "node:child_process";

const CHILD = "PERFORMIA_LIVE_CHILD";
/** How long a child that reported its result may take to exit before it is ended. */
const EXIT_GRACE_MS = 1500;

/** Whether this process is the child that performs live. */
export function inLiveChild(): boolean {
  return process.env[CHILD] === "1" && typeof process.send === "function";
}

/**
 * Parent: run this same command line in a child process (standard streams shared), pass SIGINT
 * and SIGTERM on, and resolve with its exit code.
 */
export function performInChild(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    // Room in libuv's pool for the threads a lost device keeps (about two per loss).
    env: { ...process.env, [CHILD]: "1", UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "16" },
    // Its own process group: a Ctrl-C reaches the child once, passed on by the parent.
    detached: true,
  });
  const forward = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
  const onInt = forward("SIGINT");
  const onTerm = forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  let reported: number | null = null;
  child.on("message", (m: unknown) => {
    if (typeof m !== "object" || m === null || !("exitCode" in m)) return;
    reported = Number(m.exitCode) || 0;
    setTimeout(() => child.kill("SIGKILL"), EXIT_GRACE_MS).unref();
  });
  return new Promise((ok) => {
    child.once("exit", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      ok(reported ?? code ?? (signal === "SIGINT" ? 130 : 1));
    });
  });
}

/** Child: tell the parent the exit code (the performance and its session file are finished). */
export function reportExit(exitCode: number): void {
  if (inLiveChild()) process.send?.({ exitCode });
}
