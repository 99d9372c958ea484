/**
 * The final mix: performer plus band, through a soft limiter that is transparent below 0.7 and
 * bends smoothly (tanh) towards ±1 above it, so the output never exceeds ±1 and is never NaN.
 */

/** Level below which the limiter leaves the signal untouched. */
export const LIMITER_KNEE = 0.7;
const HEADROOM = 1 - LIMITER_KNEE;

/**
 * The soft limiter's curve: identity up to the knee, then a tanh shoulder to ±1 with matching
 * slope. NaN becomes 0; ±Infinity becomes ±1.
 * @example softLimit(0.5) // => 0.5
 * @example softLimit(100) // => 1
 */
export function softLimit(x: number): number {
  if (x !== x) return 0;
  if (x > LIMITER_KNEE) return LIMITER_KNEE + HEADROOM * Math.tanh((x - LIMITER_KNEE) / HEADROOM);
  if (x < -LIMITER_KNEE) return -LIMITER_KNEE - HEADROOM * Math.tanh((-x - LIMITER_KNEE) / HEADROOM);
  return x;
}

/**
 * Mixes performer and band into out[0..n) (overwrites) with linear gains and the soft limiter.
 * `performer` may be null (band only). Non-finite gains count as 0. Runs on the audio path.
 */
export function mixInto(
  out: Float32Array,
  performer: Float32Array | null,
  performerGain: number,
  band: Float32Array,
  bandGain: number,
  n: number,
): void {
  const count = Math.min(out.length, band.length, performer ? performer.length : Infinity, Math.max(0, n));
  const pg = Number.isFinite(performerGain) ? performerGain : 0;
  const bg = Number.isFinite(bandGain) ? bandGain : 0;
  if (performer) {
    for (let i = 0; i < count; i++) out[i] = softLimit(performer[i]! * pg + band[i]! * bg);
  } else {
    for (let i = 0; i < count; i++) out[i] = softLimit(band[i]! * bg);
  }
  for (let i = count; i < n && i < out.length; i++) out[i] = 0;
}
