// Musical facts over whole rendered songs: the songbook in its own styles, and every style over
// small charts. These are the acceptance facts of the band (issue 4).
import type { NoteEvent } from "@performia/protocol";
import { DRUM } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import type { Agent, MusicalContext } from "./agent.js";
import { createBassAgent } from "./bass.js";
import { createDrumsAgent, FILL_KEYS } from "./drums.js";
import { meterOf, swung } from "./feel.js";
import { createGuitarAgent, STRUM_SPREAD } from "./guitar.js";
import { createHarmonyAgent } from "./harmony.js";
import { defaultBand } from "./index.js";
import { createPadAgent } from "./pad.js";
import type { ChordInfo, CompiledBar, CompiledSong } from "./song.js";
import { chordAt, compileSong, loadSong } from "./song.js";
import type { Role } from "./styles.js";
import { STYLES, styleOf } from "./styles.js";
import { chordScale, voiceMovement } from "./theory.js";
import { ALL_SONGS, ctxFor, oddChart, render, sixEight, songbook } from "./test-songs.js";

const BOOK = songbook();
/** The songbook in the chart's own style (rock when it names none). */
const BOOK_CASES: [string, string, CompiledSong][] = BOOK.map(([n, s]) => [n, s.song.style ?? "rock", s]);
/** Every style over a 4/4 chart with slash chords and changes inside bars, a waltz and a 6/8. */
const fiveFour = BOOK.find(([n]) => n === "five-four-study")![1];
const STYLE_CASES: [string, string, CompiledSong][] = STYLES.flatMap((style) => [
  ["blues-in-a", style, ALL_SONGS[1]![1]] as [string, string, CompiledSong],
  ["odd (3/4)", style, oddChart] as [string, string, CompiledSong],
  ["six-eight", style, sixEight] as [string, string, CompiledSong],
  ["five-four-study", style, fiveFour] as [string, string, CompiledSong],
]);
const CASES = [...BOOK_CASES, ...STYLE_CASES];

/** How far from its grid point a note may start: the style's feel for the role plus humanization. */
function tolerance(style: string, role: Role): number {
  const s = styleOf(style);
  return Math.abs(s.feel[role]) + s.humanize + 2 / 480;
}
const swingOf = (style: string, song: CompiledSong) => (meterOf(song).compound ? 0.5 : styleOf(style).swing);
const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

function notesNear(notes: readonly NoteEvent[], t: number, tol: number): NoteEvent[] {
  return notes.filter((n) => near(n.start, t, tol));
}

function inBar(notes: readonly NoteEvent[], bar: CompiledBar, bpb: number, tol: number): NoteEvent[] {
  return notes.filter((n) => n.start >= bar.start - tol && n.start < bar.start + bpb - tol);
}

/** The chord at a beat, a little way in (a note played ahead of the beat belongs to the next chord). */
function chordFor(song: CompiledSong, start: number, tol: number): ChordInfo {
  return chordAt(song, (start + tol) as never) ?? chordAt(song, start as never)!;
}

describe.each(CASES)("the band on %s in %s", (_name, style, song) => {
  const ctx = ctxFor(song, 3, style);
  const bpb = song.beatsPerBar;
  const meter = meterOf(song);
  const bass = render(createBassAgent(), ctx);
  const drums = render(createDrumsAgent(), ctx);
  const harmony = render(createHarmonyAgent(), ctx);
  const tolB = tolerance(style, "bass");
  const tolD = tolerance(style, "drums");
  const tolH = tolerance(style, "harmony");

  it("bass: the chord's bass (root or slash bass) on every beat 1 and chord change, in 28..55", () => {
    for (const n of bass) {
      expect(n.pitch).toBeGreaterThanOrEqual(28);
      expect(n.pitch).toBeLessThanOrEqual(55);
    }
    let total = 0;
    let right = 0;
    for (const bar of song.bars) {
      for (const chord of bar.chords) {
        // A chord on an off-beat eighth starts where the swing puts it.
        const at = notesNear(bass, bar.start + swung(chord.start - bar.start, swingOf(style, song)), tolB);
        if (chord.bass === null) {
          expect(at).toEqual([]);
          continue;
        }
        expect(at).toHaveLength(1);
        total++;
        if (at[0]!.pitch % 12 === chord.bass) right++;
      }
    }
    expect(right / total).toBeGreaterThanOrEqual(0.98);
  });

  it("harmony: chord tones and the chord's tensions, inside the chord, voice-led", () => {
    for (const n of harmony) {
      const chord = chordFor(song, n.start, tolH);
      const allowed = styleOf(style).voicing === "rootless" ? chordScale(chord) : chord.tones;
      const tones = [...allowed, ((chord.root ?? 0) + 2) % 12]; // the added 9th
      expect(tones).toContain(n.pitch % 12);
      expect(n.pitch).toBeGreaterThanOrEqual(40);
      expect(n.pitch).toBeLessThanOrEqual(84);
      expect(n.start + n.duration).toBeLessThanOrEqual(chord.end + tolH);
    }
  });

  it("harmony: moves less than half as much per chord change as root-position block chords", () => {
    const chords = song.bars.flatMap((b) => b.chords).filter((c) => c.tones.length > 0);
    let led = 0;
    let block = 0;
    let changes = 0;
    const voicing = (c: ChordInfo) =>
      [
        ...new Set(
          harmony.filter((n) => n.start >= c.start - tolH && n.start < c.end - tolH).map((n) => n.pitch),
        ),
      ]
        .slice(0, 8)
        .sort((x, y) => x - y);
    const first = (c: ChordInfo) => {
      const ns = harmony.filter((n) => n.start >= c.start - tolH && n.start < c.end - tolH);
      const t0 = Math.min(...ns.map((n) => n.start));
      // The voices (an octave doubling of a lower voice is orchestration, not a voice).
      return ns
        .filter((n) => n.start <= t0 + 0.1)
        .map((n) => n.pitch)
        .sort((x, y) => x - y)
        .filter((p, i, all) => !all.slice(0, i).some((q) => (p - q) % 12 === 0));
    };
    const rootPosition = (c: ChordInfo) => {
      const out = [48 + c.root!];
      for (const pc of c.tones.slice(1, 4))
        out.push(out[out.length - 1]! + ((pc - out[out.length - 1]! + 120) % 12 || 12));
      return out;
    };
    for (let i = 1; i < chords.length; i++) {
      const [a, b] = [chords[i - 1]!, chords[i]!];
      if (a.symbol === b.symbol || voicing(a).length === 0 || voicing(b).length === 0) continue;
      led += voiceMovement(first(a), first(b));
      block += voiceMovement(rootPosition(a), rootPosition(b));
      changes++;
    }
    if (changes === 0) return;
    expect(led / changes).toBeLessThan((block / changes) * 0.5);
  });

  it("drums: a fill in the last bar of every section pass, a crash on every section start after the first", () => {
    for (const bar of song.bars) {
      const notes = inBar(drums, bar, bpb, tolD);
      const crash = notes.some((n) => n.pitch === DRUM.crash && near(n.start, bar.start, tolD));
      expect(crash, `bar ${bar.index}`).toBe(bar.isSectionStart && bar.index > 0);
      // A fill: several snare/tom hits in the last beat(s), toms or a roll off the beat.
      const last = notes.filter((n) => n.start >= bar.start + bpb - 1 - tolD && FILL_KEYS.includes(n.pitch));
      const toms = notes.filter(
        (n) => FILL_KEYS.includes(n.pitch) && n.pitch !== DRUM.snare && n.start > bar.start + 0.5,
      );
      const isFill = last.length >= 3 && (toms.length > 0 || last.length >= 4);
      expect(isFill, `bar ${bar.index} (${bar.sectionId}${bar.isSectionEnd ? ", end" : ""})`).toBe(
        bar.isSectionEnd,
      );
    }
  });

  it("drums: no two neighbouring bars play the same pattern (variation)", () => {
    const pattern = (bar: CompiledBar) =>
      inBar(drums, bar, bpb, tolD)
        .map((n) => `${n.pitch}@${Math.round((n.start - bar.start) * 8)}`)
        .sort()
        .join(" ");
    for (let i = 1; i < song.bars.length; i++) {
      expect(pattern(song.bars[i]!), `bars ${i - 1} and ${i}`).not.toBe(pattern(song.bars[i - 1]!));
    }
  });

  it("every note falls on the (swung) sixteenth grid within the feel and humanization", () => {
    const s = styleOf(style);
    const swing = meter.compound ? 0.5 : s.swing;
    const grid: number[] = [];
    for (let k = 0; k < 4; k++) grid.push(swung(k / 4, swing));
    grid.push(1);
    const band: [Role, NoteEvent[], number][] = [
      ["bass", bass, 0],
      ["drums", drums, 0],
      ["harmony", harmony, 0],
      ["guitar", render(createGuitarAgent(), ctx), STRUM_SPREAD * 5],
      ["pad", render(createPadAgent(), ctx), 0],
    ];
    for (const [role, notes, extra] of band) {
      const tol = s.humanize + 2 / 480 + extra;
      for (const n of notes) {
        if (n.start === 0) continue;
        const t = n.start - s.feel[role];
        const f = t - Math.floor(t);
        const off = Math.min(...grid.map((g) => Math.abs(f - g)));
        expect(off, `${role} at ${n.start}`).toBeLessThanOrEqual(tol);
      }
    }
  });

  it("every bar is filled: drums in every beat, bass on beat 1, harmony in every bar with a chord", () => {
    // Classical percussion is sparse by design (timpani): there the band as a whole fills the bar.
    const pulse =
      style === "classical"
        ? [
            ...drums,
            ...bass,
            ...harmony,
            ...render(createGuitarAgent(), ctx),
            ...render(createPadAgent(), ctx),
          ]
        : drums;
    for (const bar of song.bars) {
      if (style === "classical" && bar.chords.every((c) => c.root === null)) continue;
      for (let b = 0; b < bpb; b++) {
        const inBeat = pulse.some(
          (n) => n.start >= bar.start + b - 0.04 && n.start < bar.start + b + 1 - 0.04,
        );
        expect(inBeat, `bar ${bar.index} beat ${b + 1}`).toBe(true);
      }
      if (bar.chords[0]?.bass !== null) expect(notesNear(bass, bar.start, tolB).length).toBe(1);
      if (bar.chords.some((c) => c.tones.length > 0))
        expect(harmony.some((n) => n.start >= bar.start - tolH && n.start < bar.start + bpb)).toBe(true);
    }
  });

  it("the meter's accents: the kick (or timpani) on beat 1, louder group starts", () => {
    const strong = new Set(meter.groups);
    let strongVel = 0;
    let strongN = 0;
    let weakVel = 0;
    let weakN = 0;
    for (const bar of song.bars) {
      if (bar.isSectionEnd) continue;
      const low = inBar(drums, bar, bpb, tolD).filter(
        (n) => n.pitch === DRUM.kick || n.pitch === DRUM.lowFloorTom,
      );
      expect(
        low.some((n) => near(n.start, bar.start, tolD)),
        `bar ${bar.index}`,
      ).toBe(true);
      for (const n of inBar(bass, bar, bpb, tolB)) {
        const b = Math.round(n.start - bar.start);
        if (!near(n.start - bar.start, b, tolB)) continue;
        if (strong.has(b)) {
          strongVel += n.velocity;
          strongN++;
        } else {
          weakVel += n.velocity;
          weakN++;
        }
      }
    }
    if (weakN > 0) expect(strongVel / strongN).toBeGreaterThan(weakVel / weakN);
  });
});

describe.each(BOOK_CASES.filter(([, s]) => s === "jazz"))("walking bass on %s", (_name, style, song) => {
  it("approaches each new root by step or half step (at least 80 %)", () => {
    const ctx = ctxFor(song, 5, style);
    const tol = tolerance(style, "bass");
    const bass = render(createBassAgent(), ctx).sort((a, b) => a.start - b.start);
    const chords = song.bars.flatMap((b) => b.chords);
    let changes = 0;
    let steps = 0;
    for (let i = 1; i < chords.length; i++) {
      const [a, b] = [chords[i - 1]!, chords[i]!];
      if (a.root === null || b.root === null || a.bass === b.bass) continue;
      const k = bass.findIndex((n) => near(n.start, b.start, tol));
      if (k <= 0) continue;
      changes++;
      if (Math.abs(bass[k]!.pitch - bass[k - 1]!.pitch) <= 2) steps++;
    }
    expect(changes).toBeGreaterThan(10);
    expect(steps / changes).toBeGreaterThanOrEqual(0.8);
  });

  it("walks in quarter notes: a note on every beat, chord tones on the strong beats", () => {
    const ctx = ctxFor(song, 5, style);
    const tol = tolerance(style, "bass");
    const bass = render(createBassAgent(), ctx);
    let strong = 0;
    let tones = 0;
    for (const bar of song.bars) {
      for (let b = 0; b < song.beatsPerBar; b++) {
        const at = notesNear(bass, bar.start + b, tol);
        expect(at.length, `bar ${bar.index} beat ${b + 1}`).toBe(1);
        if (meterOf(song).groups.includes(b)) {
          strong++;
          const chord = chordFor(song, bar.start + b, tol);
          if (chord.tones.includes(at[0]!.pitch % 12)) tones++;
        }
      }
    }
    expect(tones / strong).toBeGreaterThan(0.85);
  });
});

describe("styles", () => {
  const song = ALL_SONGS[1]![1];
  const tol = 0.03;

  it("jazz swings its off-beat eighths (ride at ~0.64 of the beat); pop plays them straight", () => {
    const offbeats = (style: string) =>
      render(createDrumsAgent(), ctxFor(song, 1, style))
        .filter((n) => n.pitch === DRUM.ride || n.pitch === DRUM.closedHat)
        .map((n) => n.start - Math.floor(n.start))
        .filter((f) => f > 0.4 && f < 0.7);
    const jazz = offbeats("jazz");
    expect(jazz.length).toBeGreaterThan(10);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(jazz)).toBeGreaterThan(0.6);
    expect(mean(jazz)).toBeLessThan(0.68);
    expect(Math.abs(mean(offbeats("pop")) - 0.5)).toBeLessThan(tol);
  });

  it("the feel: a ballad sits behind the beat, jazz bass on top of it", () => {
    const offset = (style: string, agent: Agent) => {
      const ns = render(agent, ctxFor(song, 1, style)).filter((n) => n.start > 0);
      const d = ns.map((n) => n.start - Math.round(n.start * 4) / 4);
      return d.reduce((a, b) => a + b, 0) / d.length;
    };
    expect(offset("ballad", createPadAgent())).toBeGreaterThan(0.01);
    expect(offset("ballad", createDrumsAgent())).toBeGreaterThan(0.005);
    expect(offset("jazz", createBassAgent())).toBeLessThan(-0.005);
  });

  it("each style is its own band: the parts differ between every pair of styles", () => {
    const parts = STYLES.map((style) =>
      defaultBand()
        .slice(0, 5)
        .map((a) =>
          JSON.stringify(render(a, ctxFor(song, 1, style)).map((n) => [n.pitch, Math.round(n.start * 4)])),
        ),
    );
    for (let i = 0; i < STYLES.length; i++)
      for (let j = i + 1; j < STYLES.length; j++)
        for (let a = 0; a < 5; a++) {
          if (a === 4) continue; // pads may agree: sustained chords in both
          expect(parts[i]![a], `${STYLES[i]} vs ${STYLES[j]}, agent ${a}`).not.toBe(parts[j]![a]);
        }
  });

  it('"auto" plays the chart\'s suggested style (rock when it has none)', () => {
    const bossa = BOOK.find(([n]) => n === "praia-bossa")![1];
    for (const a of defaultBand())
      expect(render(a, ctxFor(bossa, 1, "auto"))).toEqual(render(a, ctxFor(bossa, 1, "bossa")));
    expect(render(createDrumsAgent(), ctxFor(song, 1, "auto"))).toEqual(
      render(createDrumsAgent(), ctxFor(song, 1, "rock")),
    );
  });

  it("an unknown style plays the default (rock), clearly", () => {
    expect(styleOf("polka").name).toBe("rock");
    expect(styleOf("Bossa Nova").name).toBe("bossa");
    for (const a of defaultBand())
      expect(render(a, ctxFor(song, 1, "polka"))).toEqual(render(a, ctxFor(song, 1, "rock")));
  });

  it("bossa: the bass plays 1, the 'and' of 2 and 3; the drums a cross-stick clave and shaker eighths", () => {
    const ctx = ctxFor(song, 1, "bossa");
    const bass = render(createBassAgent(), ctx);
    const drums = render(createDrumsAgent(), ctx);
    const bar = song.bars.find(
      (b) => b.chords.length === 1 && !b.isSectionEnd && b.chords[0]!.root !== null,
    )!;
    const at = (ns: NoteEvent[], t: number) => notesNear(ns, bar.start + t, 0.02).length > 0;
    expect([0, 1.5, 2].every((t) => at(bass, t))).toBe(true);
    expect(drums.filter((n) => n.pitch === DRUM.sideStick).length).toBeGreaterThan(song.bars.length);
    expect(drums.filter((n) => n.pitch === DRUM.shaker).length).toBeGreaterThan(song.bars.length * 4);
  });

  it("funk: sixteenth hats, ghost notes on the snare, syncopated octaves in the bass", () => {
    const ctx = ctxFor(song, 1, "funk");
    const drums = render(createDrumsAgent(), ctx);
    const hats = drums.filter((n) => n.pitch === DRUM.closedHat);
    expect(hats.some((n) => near((n.start * 4) % 2, 1, 0.02))).toBe(true);
    const snares = drums.filter((n) => n.pitch === DRUM.snare);
    expect(snares.filter((n) => n.velocity < 45).length).toBeGreaterThan(song.bars.length);
    const bass = render(createBassAgent(), ctx);
    expect(bass.some((n) => near((n.start * 4) % 2, 1, 0.02))).toBe(true);
    const pcs = new Map<number, number[]>();
    for (const n of bass) pcs.set(n.pitch % 12, [...(pcs.get(n.pitch % 12) ?? []), n.pitch]);
    expect([...pcs.values()].some((ps) => ps.some((p) => ps.includes(p + 12)))).toBe(true);
  });

  it("jazz: rootless voicings with tensions; pop and rock: triads", () => {
    const jazz = render(createHarmonyAgent(), ctxFor(song, 1, "jazz"));
    let rootless = 0;
    let ninths = 0;
    let chords = 0;
    for (const bar of song.bars)
      for (const c of bar.chords) {
        const ps = jazz.filter((n) => near(n.start, c.start, 0.05)).map((n) => n.pitch % 12);
        if (ps.length === 0 || c.root === null) continue;
        chords++;
        if (!ps.includes(c.root)) rootless++;
        if (ps.includes((c.root + 2) % 12)) ninths++;
      }
    expect(rootless / chords).toBeGreaterThan(0.9);
    expect(ninths / chords).toBeGreaterThan(0.9);
    const rock = render(createHarmonyAgent(), ctxFor(song, 1, "rock"));
    for (const n of rock) expect(chordFor(song, n.start, 0.03).tones).toContain(n.pitch % 12);
  });

  it("guitar: strums (spread strings) in pop, single-note arpeggios in a ballad", () => {
    const pop = render(createGuitarAgent(), ctxFor(song, 1, "pop"));
    const chordStarts = new Map<number, number[]>();
    for (const n of pop) {
      const k = Math.round(n.start * 4);
      chordStarts.set(k, [...(chordStarts.get(k) ?? []), n.start]);
    }
    const strums = [...chordStarts.values()].filter((s) => s.length >= 3);
    expect(strums.length).toBeGreaterThan(song.bars.length);
    expect(strums.some((s) => Math.max(...s) - Math.min(...s) >= STRUM_SPREAD * 2 - 1e-9)).toBe(true);
    // Down strokes sound low to high, up strokes high to low.
    let down = 0;
    let up = 0;
    for (const [k] of chordStarts) {
      const stroke = pop.filter((n) => Math.round(n.start * 4) === k).sort((a, b) => a.start - b.start);
      if (stroke.length < 3) continue;
      const pitches = stroke.map((n) => n.pitch);
      if (pitches.every((p, i) => i === 0 || p > pitches[i - 1]!)) down++;
      else if (pitches.every((p, i) => i === 0 || p < pitches[i - 1]!)) up++;
      else throw new Error(`a scrambled strum at ${k / 4}: ${pitches.join(" ")}`);
    }
    expect(down).toBeGreaterThan(song.bars.length);
    expect(up).toBeGreaterThan(0);
    const ballad = render(createGuitarAgent(), ctxFor(song, 1, "ballad"));
    const perEighth = new Map<number, number>();
    for (const n of ballad)
      perEighth.set(Math.round(n.start * 2), (perEighth.get(Math.round(n.start * 2)) ?? 0) + 1);
    expect(Math.max(...perEighth.values())).toBe(1);
  });

  it("pad: sustained chords, each held to its end (or tied over the bar line)", () => {
    const pad = render(createPadAgent(), ctxFor(song, 1, "ballad"));
    const mean = pad.reduce((s, n) => s + n.duration, 0) / pad.length;
    expect(mean).toBeGreaterThan(2);
  });
});

describe("intensity", () => {
  const song = ALL_SONGS[1]![1];
  const stats = (agent: Agent, ctx: MusicalContext) => {
    const ns = render(agent, ctx);
    return { count: ns.length, velocity: ns.reduce((s, n) => s + n.velocity, 0) / Math.max(1, ns.length) };
  };

  it.each(STYLES)("a live override (1 vs 5) raises density or velocity of every agent, in %s", (style) => {
    for (const agent of defaultBand().slice(0, 5)) {
      const soft = stats(agent, { ...ctxFor(song, 1, style), intensity: 1 });
      const loud = stats(agent, { ...ctxFor(song, 1, style), intensity: 5 });
      expect(loud.velocity, agent.name).toBeGreaterThan(soft.velocity + 5);
      expect(loud.count, agent.name).toBeGreaterThanOrEqual(soft.count);
    }
  });

  it.each(STYLES)("loud keys sit higher than soft ones, in %s", (style) => {
    const mean = (i: number) => {
      const ns = render(createHarmonyAgent(), { ...ctxFor(song, 1, style), intensity: i });
      return ns.reduce((s, n) => s + n.pitch, 0) / ns.length;
    };
    expect(mean(5)).toBeGreaterThan(mean(1) + 2);
  });

  it("the override changes the notes, a null override plays the chart's", () => {
    const drums = createDrumsAgent();
    const base = render(drums, ctxFor(song, 1, "rock"));
    expect(render(drums, { ...ctxFor(song, 1, "rock"), intensity: null })).toEqual(base);
    expect(render(drums, { ...ctxFor(song, 1, "rock"), intensity: 5 })).not.toEqual(base);
  });
});

describe("meters", () => {
  const waltz = compileSong(
    loadSong({
      title: "W",
      key: "C",
      tempo: 120,
      timeSignature: { beats: 3, unit: 4 },
      sections: [
        { id: "A", kind: "verse", intensity: 3, bars: ["C", "Am", "Dm", "G7", "C", "Am", "Dm7", "G7"] },
      ],
      form: [{ section: "A", repeat: 2 }],
    }),
  );

  it.each(STYLES)("3/4 in %s: kick on 1, back beats on 2 and 3, nothing past the bar", (style) => {
    const drums = render(createDrumsAgent(), ctxFor(waltz, 1, style));
    const tol = tolerance(style, "drums");
    for (const bar of waltz.bars) {
      if (bar.isSectionEnd) continue;
      const ns = inBar(drums, bar, 3, tol);
      expect(ns.every((n) => n.start < bar.start + 3)).toBe(true);
      expect(
        ns.some(
          (n) => (n.pitch === DRUM.kick || n.pitch === DRUM.lowFloorTom) && near(n.start, bar.start, tol),
        ),
      ).toBe(true);
    }
  });

  it("6/8: accents on 1 and 4 (the dotted-quarter pulse)", () => {
    const drums = render(createDrumsAgent(), ctxFor(sixEight, 1, "pop"));
    const hats = drums.filter((n) => n.pitch === DRUM.closedHat);
    const vel = (b: number) => {
      const v = hats.filter((n) => Math.round(n.start) % 6 === b).map((n) => n.velocity);
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    expect(vel(3)).toBeGreaterThan(vel(1) + 4);
    expect(vel(3)).toBeGreaterThan(vel(4) + 4);
    const snares = drums.filter((n) => n.pitch === DRUM.snare && n.velocity > 50);
    expect(snares.some((n) => Math.round(n.start) % 6 === 3)).toBe(true);
  });

  it("5/4: grouped 3 + 2, kicks on 1 and 4", () => {
    const drums = render(createDrumsAgent(), ctxFor(fiveFour, 1, "rock"));
    for (const bar of fiveFour.bars.filter((b) => !b.isSectionEnd)) {
      const kicks = inBar(drums, bar, 5, 0.02).filter((n) => n.pitch === DRUM.kick);
      expect(kicks.some((n) => near(n.start, bar.start + 3, 0.02))).toBe(true);
    }
  });
});

describe("variation over a long section", () => {
  const vamp = (beats: number, unit: number) =>
    compileSong(
      loadSong({
        title: "Vamp",
        key: "C",
        tempo: 100,
        timeSignature: { beats, unit },
        sections: [{ id: "A", kind: "verse", intensity: 3, bars: Array.from({ length: 32 }, () => "C7") }],
        form: [{ section: "A" }],
      }),
    );
  const meters: [string, CompiledSong][] = [
    ["4/4", vamp(4, 4)],
    ["3/4", vamp(3, 4)],
    ["6/8", vamp(6, 8)],
    ["5/4", vamp(5, 4)],
  ];
  describe.each(meters)("32 bars of one chord in %s", (_m, song) => {
    it.each(STYLES)("the drums never repeat the previous bar exactly, in %s", (style) => {
      const drums = render(createDrumsAgent(), ctxFor(song, 11, style));
      const bpb = song.beatsPerBar;
      const pattern = (bar: CompiledBar) =>
        inBar(drums, bar, bpb, 0.03)
          .map((n) => `${n.pitch}@${Math.round((n.start - bar.start) * 8)}`)
          .sort()
          .join(" ");
      const patterns = song.bars.map(pattern);
      for (let i = 1; i < patterns.length; i++) expect(patterns[i], `bar ${i}`).not.toBe(patterns[i - 1]);
      // And more than two patterns in all: variation, not a two-bar loop.
      expect(new Set(patterns).size).toBeGreaterThan(4);
    });
  });
});
