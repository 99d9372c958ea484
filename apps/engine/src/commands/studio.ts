/**
 * The studio beside the engine (`performia start`): the built Next.js app of apps/studio, served
 * by `next start` on the loopback and pointed at the engine's API. Main thread; a child process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { ENGINE_ROOT } from "../paths.js";

/** Where the studio is in the repository (beside the engine). */
export const STUDIO_DIR = resolve(ENGINE_ROOT, "../studio");

export interface Studio {
  readonly url: string;
  close(): Promise<void>;
}

/** A port nobody listens on now (for port 0). */
function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const s = createServer();
    s.once("error", ko);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => ok(port));
    });
  });
}

/**
 * Start the studio on `port` (0: a free one), talking to the engine at `engineUrl`. Resolves once
 * it answers; rejects with what to do when it is not built or cannot start.
 */
export async function startStudio(port: number, engineUrl: string): Promise<Studio> {
  if (!existsSync(resolve(STUDIO_DIR, ".next/BUILD_ID"))) {
    throw new Error(
      `the studio is not built (${STUDIO_DIR}): run npm run build, or npm start, which builds it`,
    );
  }
  const next = createRequire(resolve(STUDIO_DIR, "package.json")).resolve("next/dist/bin/next");
  const chosen = port === 0 ? await freePort() : port;
  const url = `http://localhost:${chosen}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [next, "start", "-H", "127.0.0.1", "-p", String(chosen)],
    {
      cwd: STUDIO_DIR,
      env: { ...process.env, PERFORMIA_ENGINE_URL: engineUrl, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  const stopOnExit = (): void => void child.kill("SIGTERM");
  process.once("exit", stopOnExit);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      const inUse = /EADDRINUSE/.test(stderr);
      throw new Error(
        inUse
          ? `port ${chosen} is already in use, so the studio did not start: choose another with --studio-port`
          : `the studio did not start: ${stderr.trim() || `next exited with ${child.exitCode}`}`,
      );
    }
    try {
      const r = await fetch(`http://127.0.0.1:${chosen}/sessions`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the studio did not answer on ${url} within 60 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    close: async () => {
      process.off("exit", stopOnExit);
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
