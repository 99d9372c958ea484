/** Build iReal Pro links for tests: the music string scrambled as iReal Pro does (excluded from the build). */
function obfuscate50(s: string): string {
  const n = s.split("");
  for (let i = 0; i < 5; i++) {
    n[49 - i] = s[i]!;
    n[i] = s[49 - i]!;
  }
  for (let i = 10; i < 24; i++) {
    n[49 - i] = s[i]!;
    n[i] = s[49 - i]!;
  }
  return n.join("");
}

function scramble(music: string): string {
  let rest = music;
  let out = "";
  while (rest.length > 50) {
    const p = rest.substring(0, 50);
    rest = rest.substring(50);
    out += rest.length < 2 ? p : obfuscate50(p);
  }
  return out + rest;
}

export function irealLink(f: {
  title: string;
  composer: string;
  style: string;
  key: string;
  music: string;
  bpm: number;
}): string {
  const fields = [
    f.title,
    f.composer,
    f.style,
    f.key,
    "n",
    `1r34LbKcu7${scramble(f.music)}`,
    f.style,
    f.bpm,
    1,
  ];
  return `irealb://${encodeURIComponent(fields.join("="))}`;
}
