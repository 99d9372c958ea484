import { SongMap, type SongMapInput } from "@performia/protocol";

/**
 * A Song Map as the project's JSON file (validated first; two-space indent, bars one line each).
 * @example songToJson(song).startsWith("{\n  \"title\"") // => true
 */
export function songToJson(song: SongMapInput): string {
  const valid = SongMap.parse(song);
  const ordered = {
    title: valid.title,
    ...(valid.composer ? { composer: valid.composer } : {}),
    key: valid.key,
    tempo: valid.tempo,
    timeSignature: valid.timeSignature,
    ...(valid.style ? { style: valid.style } : {}),
    sections: valid.sections,
    form: valid.form,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
