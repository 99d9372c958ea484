/**
 * Starting the recorder worker, compiled or from source. Main thread.
 *
 * From dist/ the entry is a `.js` file and is started directly. From source (vitest, tsx) it is a
 * `.ts` file; Node 20 ignores `--import tsx` given in a worker's `execArgv` ("Unknown file
 * extension .ts"), so the worker is started from a two-line bootstrap that registers tsx's ESM
 * hooks inside the worker and then imports the entry.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { WorkerOptions } from "node:worker_threads";
import { Worker } from "node:worker_threads";
import { workerFile } from "../util/worker-file.js";

/** @param base `import.meta.url` of the module asking; @param name the entry, without extension */
export function startWorker(base: string, name: string, options: WorkerOptions): Worker {
  const { filename, execArgv } = workerFile(base, name);
  if (execArgv.length === 0) return new Worker(filename, options);
  const entry = pathToFileURL(filename).href;
  const code = `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { ...options, eval: true });
}

/** The file URL of tsx's ESM API (its `import` export), found from this module. */
function tsxEsmApi(): string {
  const pkgFile = createRequire(import.meta.url).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as {
    exports?: Record<string, { import?: { default?: string } | string }>;
  };
  const entry = pkg.exports?.["./esm/api"]?.import;
  const rel = typeof entry === "string" ? entry : (entry?.default ?? "./dist/esm/api/index.mjs");
  return pathToFileURL(join(dirname(pkgFile), rel)).href;
}
