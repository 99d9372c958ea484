/**
 * `performia start` (npm start). Until the live engine and the studio exist, it performs an
 * example song with an example performance to a WAV file, records the session, and says
 * where both went.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { EXAMPLES, examplePath } from "../examples/performances.js";
import { perform } from "./perform.js";
import type { PerformResult } from "./perform.js";

export interface StartOptions {
  readonly example?: string;
  readonly outDir?: string;
  readonly sessionsDir?: string;
  readonly signal?: AbortSignal;
}

export async function start(options: StartOptions, log: (line: string) => void): Promise<PerformResult> {
  const name = options.example ?? "tempo-study-guitar";
  const spec = EXAMPLES.find((e) => e.name === name);
  if (!spec)
    throw new Error(`no example "${name}": the examples are ${EXAMPLES.map((e) => e.name).join(", ")}`);
  const outDir = resolve(options.outDir ?? "out");
  mkdirSync(outDir, { recursive: true });
  const output = resolve(outDir, `${spec.name}-with-band.wav`);
  log(`Performia: no live audio yet in this version, so the band plays along with an example performance.`);
  log(`  song: ${spec.song}; performer: ${spec.description} (${examplePath(spec.name)})`);
  return perform({
    song: spec.song,
    input: examplePath(spec.name),
    output,
    seed: 1,
    sessionsDir: options.sessionsDir,
    signal: options.signal,
  });
}
