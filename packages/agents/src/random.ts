/**
 * A counter-based random generator: a pure hash of a seed and integer keys. No state, so any
 * agent can ask for "the random number of bar 12, step 3" in any order and always get the same
 * value: that is what keeps agents pure and replays exact.
 */

/** A 32-bit finalizer (murmur3 fmix32 style): every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A number in [0, 1) that depends only on the seed and the keys (integers; fractions are
 * truncated, so pass ticks rather than beats).
 * @example random(42, 1, 12, 3) === random(42, 1, 12, 3) // => true
 * @example random(42, 1, 12, 3) !== random(43, 1, 12, 3) // => true (almost surely)
 */
export function random(seed: number, ...keys: number[]): number {
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  for (let i = 0; i < keys.length; i++) {
    // Mix the position in too, so (1, 2) and (2, 1) differ.
    h = fmix32((h + Math.imul((keys[i]! | 0) ^ (i * 0x27d4eb2d), 0x9e3779b1)) | 0);
  }
  return h / 4294967296;
}

/**
 * A symmetric offset in [-amount, amount], for humanization.
 * @example Math.abs(jitter(5, 1, 2)) <= 5 // => true
 */
export function jitter(amount: number, seed: number, ...keys: number[]): number {
  return (random(seed, ...keys) * 2 - 1) * amount;
}
