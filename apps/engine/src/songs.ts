/** Song files: found by path or by example name, parsed with errors that name the field. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { loadSong } from "@performia/agents";
import type { SongMap } from "@performia/protocol";
import { PerformiaError } from "@performia/protocol";
import { EXAMPLE_SONGS_DIR } from "./paths.js";

/** Names of the example songs that ship with the engine. */
export function exampleSongs(): string[] {
  if (!existsSync(EXAMPLE_SONGS_DIR)) return [];
  return readdirSync(EXAMPLE_SONGS_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => basename(f, ".json"))
    .sort();
}

/** A path to a song file, or the name of an example song. */
export function resolveSongPath(song: string): string {
  if (existsSync(song)) return resolve(song);
  const example = resolve(EXAMPLE_SONGS_DIR, `${song}.json`);
  if (/^[a-z0-9-]+$/i.test(song) && existsSync(example)) return example;
  throw new PerformiaError(
    `song "${song}" not found`,
    "NO_SONG",
    `give a path to a song file, or one of the example songs: ${exampleSongs().join(", ")}`,
  );
}

/** Read and validate a song file. Syntax errors name the line and column. */
export function readSongFile(song: string): { path: string; song: SongMap } {
  const path = resolveSongPath(song);
  const text = readFileSync(path, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let where = "";
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos).split("\n");
      where = ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    }
    throw new PerformiaError(
      `${path}: not valid JSON${where} (${msg})`,
      "BAD_SONG",
      "fix the song file's syntax",
    );
  }
  return { path, song: loadSong(json, path) };
}
