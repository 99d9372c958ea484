/**
 * Sections and form from the runs of bars a chart gives in performance order: runs with the
 * same label and the same bars become one section played again; consecutive plays of one
 * section become one form entry with a repeat count.
 */
import type { BarInput, SectionKind, SongMapInput } from "@performia/protocol";
import { SECTION_KINDS } from "@performia/protocol";

export interface BarRun {
  /** As the chart names it ("Verse 2", "Chorus", "A"), or "" when unnamed. */
  label: string;
  bars: BarInput[];
}

/** A section kind for a chart's label: "Verse 2" → verse, "Pre-chorus" → chorus, "A" → head. */
export function kindOf(label: string): SectionKind {
  const l = label.toLowerCase();
  for (const k of SECTION_KINDS) if (l.includes(k)) return k;
  if (/refrain|hook/.test(l)) return "chorus";
  if (/middle|b$|^b\b/.test(l)) return "bridge";
  if (/ending|coda|tag/.test(l)) return "outro";
  if (/instrumental|interlude|break/.test(l)) return "interlude";
  if (/^[a-z]$/.test(l)) return "head";
  return "verse";
}

function slug(label: string, fallback: string): string {
  const s = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return s || fallback;
}

/** The sections and form of a song whose runs of bars are given in the order they are played. */
export function sectionsAndForm(runs: readonly BarRun[]): Pick<SongMapInput, "sections" | "form"> {
  const sections: NonNullable<SongMapInput["sections"]> = [];
  const form: NonNullable<SongMapInput["form"]> = [];
  const byContent = new Map<string, string>();
  const used = new Set<string>();
  for (const run of runs) {
    if (run.bars.length === 0) continue;
    // "Verse 2" with the chords of "Verse 1" is the verse played again.
    const name = run.label.replace(/\s*\d+$/, "");
    const content = `${name.toLowerCase()}|${JSON.stringify(run.bars)}`;
    let id = byContent.get(content);
    if (!id) {
      const base = slug(name, kindOf(run.label));
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
      byContent.set(content, id);
      sections.push({ id, kind: kindOf(run.label), bars: run.bars });
    }
    const last = form[form.length - 1];
    if (last && last.section === id) last.repeat = (last.repeat ?? 1) + 1;
    else form.push({ section: id, repeat: 1 });
  }
  return { sections, form };
}
