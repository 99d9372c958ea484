import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SongMap } from "@performia/protocol";
import { EXAMPLES, performia, tempDir } from "../support/cli.js";

/** An iReal Pro link as the app exports it (the music string scrambled the way iReal Pro does). */
function irealLink(title: string, music: string): string {
  const swap = (s: string): string => {
    const n = s.split("");
    for (let i = 0; i < 5; i++) [n[i], n[49 - i]] = [s[49 - i]!, s[i]!];
    for (let i = 10; i < 24; i++) [n[i], n[49 - i]] = [s[49 - i]!, s[i]!];
    return n.join("");
  };
  let rest = music;
  let scrambled = "";
  while (rest.length > 50) {
    const p = rest.slice(0, 50);
    rest = rest.slice(50);
    scrambled += rest.length < 2 ? p : swap(p);
  }
  scrambled += rest;
  const fields = [
    title,
    "Performia Examples",
    "Bossa Nova",
    "D-",
    "n",
    `1r34LbKcu7${scrambled}`,
    "Bossa Nova",
    128,
    1,
  ];
  return `irealb://${encodeURIComponent(fields.join("="))}`;
}

describe("performia song", () => {
  const dir = tempDir("song");

  it("imports an iReal Pro link, transposed, into a song the band can play", () => {
    const link = irealLink(
      "Praia Minor",
      "{*AT44D-7XyQ|Eh7 A7b9XyQ|D-7XyQ|G7XyQ|C^7XyQ|Bh7 E7XyQ|A-6XyQ|A7XyQZ",
    );
    const out = join(dir, "praia.json");
    const r = performia(["song", "import", link, "--transpose", "-2", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    const song = SongMap.parse(JSON.parse(readFileSync(out, "utf8")));
    expect(song.title).toBe("Praia Minor");
    expect(song.key).toBe("C minor");
    expect(song.style).toBe("bossa");
    expect(song.tempo).toBe(128);
    expect(song.sections[0]!.bars.slice(0, 4)).toEqual(["Cm7", "Dm7b5 G7b9", "Cm7", "F7"]);
    const check = performia(["song", "check", out]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/Praia Minor .*C minor, 128 BPM, 4\/4, bossa/);
    expect(check.stdout).toMatch(/8 bars/);
  });

  it("imports a ChordPro sheet to stdout and transposes a song file", () => {
    const sheet = join(dir, "tune.cho");
    writeFileSync(sheet, "{title: Tune}\n{key: C}\n{tempo: 100}\n[C]One [Am]two [F]three [G7]four\n");
    const r = performia(["song", "import", sheet]);
    expect(r.status, r.stderr).toBe(0);
    const song = SongMap.parse(JSON.parse(r.stdout));
    expect(song.sections[0]!.bars).toEqual(["C", "Am", "F", "G7"]);
    const t = performia(["song", "transpose", "blues-in-a", "3"]);
    expect(t.status, t.stderr).toBe(0);
    expect(SongMap.parse(JSON.parse(t.stdout)).key).toBe("C");
  });

  it("says what is wrong with a chart it cannot read, and what to do", () => {
    const bad = join(dir, "notes.txt");
    writeFileSync(bad, "just some words\n");
    const r = performia(["song", "import", bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt: not a chart this tool reads/);
    expect(r.stderr).toMatch(/irealb:\/\/ link, a ChordPro file/);
    const missing = performia(["song", "import", join(dir, "nope.cho")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
  });

  it("hears a singer in G over a chart in A, says so, and the transposed chart agrees", () => {
    const inA = join(dir, "pop-in-a.json");
    expect(performia(["song", "transpose", "pop-anthem", "2", "--out", inA]).status).toBe(0);
    const sung = join(EXAMPLES, "performances", "pop-anthem-sung.wav");
    const r = performia(["perform", "--song", inA, "--input", sung, "--no-record"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /note: at [\d.]+ s, the performer is in G, a tone below the chart \(A\): transpose the chart -2/,
    );
    const back = join(dir, "pop-in-g.json");
    expect(performia(["song", "transpose", inA, "-2", "--out", back]).status).toBe(0);
    const again = performia(["perform", "--song", back, "--input", sung, "--no-record"]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/note: .*the performer is in/);
  });
});
