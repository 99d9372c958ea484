/**
 * Where a worker thread's entry file is. Compiled, it is the `.js` beside the asking module in
 * dist/. Under vitest (running src/*.ts) it is the `.ts` file, and `execArgv` says it needs tsx:
 * Node 20 ignores `--import tsx` in a worker's execArgv, so a plain Worker must be started
 * through the bootstrap in session/spawn.ts. The analysis pool (piscina) runs from dist only;
 * the tests that drive it run the built engine.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface WorkerFile {
  /** Absolute path of the entry file. */
  readonly filename: string;
  /** Extra node flags the worker needs (tsx when running from source). */
  readonly execArgv: string[];
}

/**
 * @param base `import.meta.url` of the module asking
 * @param name the worker module's path relative to `base`, without extension ("./analysis-worker")
 */
export function workerFile(base: string, name: string): WorkerFile {
  const js = fileURLToPath(new URL(`${name}.js`, base));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  const ts = fileURLToPath(new URL(`${name}.ts`, base));
  if (existsSync(ts)) return { filename: ts, execArgv: ["--import", "tsx"] };
  throw new Error(`worker entry ${name} not found beside ${fileURLToPath(base)} (run npm run build)`);
}
