/** SoundFonts: found in Debian's standard places or given by path, loaded with clear errors. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { SOUNDFONT_PATHS, SoundFontSynth, type BandSynth } from "@performia/dsp";
import { PerformiaError } from "@performia/protocol";

/** A SoundFont path for `--soundfont`: a file, or `auto` for the first General MIDI one installed. */
export function resolveSoundFont(choice: string): string {
  if (choice === "auto") {
    const found = SOUNDFONT_PATHS.find((p) => existsSync(p));
    if (!found) {
      throw new PerformiaError(
        "no General MIDI SoundFont is installed",
        "NO_SOUNDFONT",
        "install one (apt-get install musescore-general-soundfont-small, or fluid-soundfont-gm) or give the path of a .sf2/.sf3 file",
      );
    }
    return found;
  }
  if (!existsSync(choice)) {
    throw new PerformiaError(
      `SoundFont ${choice} not found`,
      "NO_SOUNDFONT",
      "give the path of a .sf2 or .sf3 file, or auto",
    );
  }
  return resolve(choice);
}

/** The synthesizer for a session: the SoundFont it names, or undefined for the built-in voices. */
export async function loadSynth(
  soundFont: string | null,
  sampleRate: number,
): Promise<BandSynth | undefined> {
  if (soundFont === null) return undefined;
  try {
    return await SoundFontSynth.load(soundFont, sampleRate);
  } catch (e) {
    throw new PerformiaError(
      e instanceof Error ? e.message : String(e),
      "BAD_SOUNDFONT",
      "choose another SoundFont, or leave out --soundfont for the built-in voices",
    );
  }
}
