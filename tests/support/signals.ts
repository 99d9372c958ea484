/** Test signals the tests make themselves. */

/** A click track: short decaying noise bursts at the given beat times (seconds). */
export function clickTrack(beatTimes: readonly number[], seconds: number, sampleRate: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * sampleRate));
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 31 - 1;
  };
  for (const t of beatTimes) {
    const at = Math.round(t * sampleRate);
    const len = Math.round(0.03 * sampleRate);
    for (let i = 0; i < len && at + i < x.length; i++) {
      x[at + i]! += 0.8 * noise() * Math.exp(-i / (0.005 * sampleRate));
    }
  }
  return x;
}

/** Beat times at a steady tempo. */
export function steadyBeats(bpm: number, seconds: number, offset = 0): number[] {
  const out: number[] = [];
  for (let t = offset; t < seconds; t += 60 / bpm) out.push(t);
  return out;
}
