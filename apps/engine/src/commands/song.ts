/**
 * `performia song …`: chord charts in and out of the Song Map. Import an iReal Pro link (or a
 * file holding one), a ChordPro sheet or a MusicXML lead sheet; transpose; check a song file.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { compileSong, loadSong } from "@performia/agents";
import {
  fromChordPro,
  fromIReal,
  fromMusicXml,
  songToJson,
  transposeSong,
  type Imported,
} from "@performia/charts";
import { PerformiaError, type SongMapInput } from "@performia/protocol";
import { readSongFile } from "../songs.js";

export type ChartFormat = "ireal" | "chordpro" | "musicxml";

const CHORDPRO_EXTENSIONS = [".cho", ".chordpro", ".chopro", ".crd", ".pro"];
const MUSICXML_EXTENSIONS = [".musicxml", ".xml"];

/** The format of a source: a link, or a file by its extension or content. */
export function formatOf(source: string, text: string): ChartFormat {
  const ext = extname(source).toLowerCase();
  if (/^irealb?(ook)?:\/\//.test(source) || /irealb?:\/\//.test(text.slice(0, 100_000))) return "ireal";
  if (CHORDPRO_EXTENSIONS.includes(ext)) return "chordpro";
  if (MUSICXML_EXTENSIONS.includes(ext) || /<score-(partwise|timewise)/.test(text.slice(0, 4096)))
    return "musicxml";
  if (ext === ".mxl") {
    throw new PerformiaError(
      `${source}: a compressed MusicXML file (.mxl)`,
      "BAD_CHART",
      "unzip it (it holds a .musicxml file) or export uncompressed MusicXML",
    );
  }
  if (/\[[A-G][^\]]*\]|\{\s*(title|t)\s*:/.test(text)) return "chordpro";
  throw new PerformiaError(
    `${source}: not a chart this tool reads`,
    "BAD_CHART",
    "give an irealb:// link, a ChordPro file (.cho, .chordpro, .crd, .pro) or a MusicXML file (.musicxml, .xml)",
  );
}

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "song"
  );
}

export interface SongImportResult {
  /** Files written (empty when printing to stdout). */
  written: string[];
  /** The JSON of each song, in order. */
  json: string[];
  warnings: string[];
}

/**
 * Import a chart. With `out` a folder (or several songs), one file per song named after its title.
 */
export function songImport(
  source: string,
  options: { format?: ChartFormat; transpose?: number; out?: string } = {},
): SongImportResult {
  const isLink = /^irealb?(ook)?:\/\//.test(source);
  if (!isLink && !existsSync(source)) {
    throw new PerformiaError(`${source}: no such file`, "NO_CHART", "give a chart file or an irealb:// link");
  }
  const text = isLink ? source : readFileSync(source, "utf8");
  const format = options.format ?? formatOf(source, text);
  const where = isLink ? "the iReal Pro link" : source;
  let imported: Imported[];
  switch (format) {
    case "ireal":
      imported = fromIReal(text);
      break;
    case "chordpro":
      imported = [fromChordPro(text, where)];
      break;
    case "musicxml":
      imported = [fromMusicXml(text, where)];
      break;
  }
  const songs = imported.map(({ song }): SongMapInput => {
    const moved = options.transpose ? transposeSong(song, options.transpose) : song;
    // Validate through the same path as every song file (errors name the field).
    loadSong(moved, `${where}: "${song.title}"`);
    return moved;
  });
  const json = songs.map(songToJson);
  const written: string[] = [];
  if (options.out) {
    const out = resolve(options.out);
    const toFolder =
      songs.length > 1 || (existsSync(out) && statSync(out).isDirectory()) || !out.endsWith(".json");
    if (toFolder) {
      mkdirSync(out, { recursive: true });
      const used = new Set<string>();
      songs.forEach((s, i) => {
        let name = slug(s.title);
        for (let n = 2; used.has(name); n++) name = `${slug(s.title)}-${n}`;
        used.add(name);
        const path = join(out, `${name}.json`);
        writeFileSync(path, json[i]!);
        written.push(path);
      });
    } else {
      writeFileSync(out, json[0]!);
      written.push(out);
    }
  } else if (songs.length > 1) {
    throw new PerformiaError(
      `${where} holds ${songs.length} songs`,
      "MANY_SONGS",
      "give --out FOLDER to write one file per song",
    );
  }
  return { written, json, warnings: imported.flatMap((i) => i.warnings) };
}

/** A song file transposed by `semitones`, as JSON (written to `out` when given). */
export function songTranspose(song: string, semitones: number, out?: string): string {
  const { song: parsed } = readSongFile(song);
  const json = songToJson(transposeSong(parsed, semitones));
  if (out) writeFileSync(out, json);
  return json;
}

/** A one-screen summary of a valid song file: what the band will play. */
export function songCheck(song: string): string {
  const { path, song: parsed } = readSongFile(song);
  const c = compileSong(parsed);
  const ts = parsed.timeSignature;
  const seconds = (c.totalBeats * 60) / parsed.tempo;
  const lines = [
    `${path}: a valid Song Map`,
    `  ${parsed.title}${parsed.composer ? ` (${parsed.composer})` : ""}: ${parsed.key}, ${parsed.tempo} BPM, ${ts.beats}/${ts.unit}${parsed.style ? `, ${parsed.style}` : ""}`,
    `  sections: ${parsed.sections.map((s) => `${s.id} (${s.kind}, ${s.bars.length} bars${s.endings ? `, ${s.endings.length} endings` : ""}, intensity ${s.intensity})`).join("; ")}`,
    `  form: ${parsed.form.map((f) => (f.repeat > 1 ? `${f.section} ×${f.repeat}` : f.section)).join(" → ")}`,
    `  ${c.bars.length} bars, ${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")} at the chart tempo`,
  ];
  return lines.join("\n");
}
