/** Where the engine finds its own files and keeps sessions. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** apps/engine/, whether running from dist/ or src/. */
export const ENGINE_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const EXAMPLES_DIR = resolve(ENGINE_ROOT, "examples");
export const EXAMPLE_SONGS_DIR = resolve(EXAMPLES_DIR, "songs");
export const EXAMPLE_PERFORMANCES_DIR = resolve(EXAMPLES_DIR, "performances");

export const ENGINE_VERSION: string = (
  JSON.parse(readFileSync(resolve(ENGINE_ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** The sessions folder: --sessions, else $PERFORMIA_SESSIONS, else ./sessions. */
export function sessionsDir(option?: string): string {
  return resolve(option ?? process.env.PERFORMIA_SESSIONS ?? "sessions");
}
