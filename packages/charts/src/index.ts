/**
 * @performia/charts: chord charts in and out of the Song Map. Import from iReal Pro links,
 * ChordPro and MusicXML; transpose; write the project's JSON. Pure functions (any thread).
 */
export { fromIReal, keyFromIReal, styleFromIReal, timeFromIReal, type Imported } from "./ireal.js";
export { fromChordPro } from "./chordpro.js";
export { fromMusicXml, playingOrder } from "./musicxml.js";
export { transposeSong } from "./transpose.js";
export { normalizeChord, type NormalizedChord } from "./symbols.js";
export { sectionsAndForm, kindOf, type BarRun } from "./form.js";
export { ChartError } from "./errors.js";
export { songToJson } from "./json.js";
