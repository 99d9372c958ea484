/** Measurement helpers for the synth tests (not part of the build). */

/** Power spectrum (|X|², Hann window, zero-padded to a power of two) of x. */
export function powerSpectrum(x: Float32Array): {
  power: Float64Array;
  binHz: (sampleRate: number) => number;
} {
  let size = 1;
  while (size < x.length) size *= 2;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < x.length; i++) {
    re[i] = x[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / Math.max(1, x.length - 1)));
  }
  // Iterative radix-2 FFT.
  for (let i = 1, j = 0; i < size; i++) {
    let bit = size >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= size; len *= 2) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < size; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
  const power = new Float64Array(size / 2);
  for (let k = 0; k < size / 2; k++) power[k] = re[k]! ** 2 + im[k]! ** 2;
  return { power, binHz: (sampleRate) => sampleRate / size };
}

/** Fraction of the signal's energy in [loHz, hiHz). */
export function energyFraction(x: Float32Array, sampleRate: number, loHz: number, hiHz: number): number {
  const { power, binHz } = powerSpectrum(x);
  const hz = binHz(sampleRate);
  let inBand = 0;
  let total = 0;
  for (let k = 0; k < power.length; k++) {
    total += power[k]!;
    const f = k * hz;
    if (f >= loHz && f < hiHz) inBand += power[k]!;
  }
  return total > 0 ? inBand / total : 0;
}

/** Spectral centroid in Hz. */
export function centroid(x: Float32Array, sampleRate: number): number {
  const { power, binHz } = powerSpectrum(x);
  const hz = binHz(sampleRate);
  let num = 0;
  let den = 0;
  for (let k = 0; k < power.length; k++) {
    num += k * hz * power[k]!;
    den += power[k]!;
  }
  return den > 0 ? num / den : 0;
}

/** Frequency of the strongest spectral peak in [loHz, hiHz], refined by parabolic interpolation. */
export function peakHz(x: Float32Array, sampleRate: number, loHz: number, hiHz: number): number {
  const { power, binHz } = powerSpectrum(x);
  const hz = binHz(sampleRate);
  let best = -1;
  for (let k = Math.max(1, Math.ceil(loHz / hz)); k <= Math.min(power.length - 2, hiHz / hz); k++) {
    if (best < 0 || power[k]! > power[best]!) best = k;
  }
  const a = Math.log(power[best - 1]! + 1e-30);
  const b = Math.log(power[best]! + 1e-30);
  const c = Math.log(power[best + 1]! + 1e-30);
  const shift = (0.5 * (a - c)) / (a - 2 * b + c);
  return (best + (Number.isFinite(shift) ? shift : 0)) * hz;
}

/**
 * Fundamental frequency of the frame x[start, start+size) by normalized autocorrelation: the first
 * lag whose correlation is within 10 % of the best in [minHz, maxHz], refined by a parabola.
 */
export function autocorrHz(
  x: Float32Array,
  sampleRate: number,
  start: number,
  size: number,
  minHz = 60,
  maxHz = 1200,
): number {
  const minLag = Math.floor(sampleRate / maxHz);
  const maxLag = Math.ceil(sampleRate / minHz);
  const r = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let s = 0;
    let e1 = 0;
    let e2 = 0;
    for (let i = 0; i < size; i++) {
      const a = x[start + i]!;
      const b = x[start + i + lag]!;
      s += a * b;
      e1 += a * a;
      e2 += b * b;
    }
    r[lag] = s / Math.sqrt(e1 * e2 + 1e-30);
  }
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) best = Math.max(best, r[lag]!);
  for (let lag = minLag; lag <= maxLag; lag++) {
    if (r[lag]! >= 0.9 * best && r[lag]! >= r[lag - 1]! && r[lag]! >= r[lag + 1]!) {
      const a = r[lag - 1]!;
      const b = r[lag]!;
      const c = r[lag + 1]!;
      const shift = (0.5 * (a - c)) / (a - 2 * b + c);
      return sampleRate / (lag + (Number.isFinite(shift) ? shift : 0));
    }
  }
  return 0;
}

/** RMS of x[from, to). */
export function rms(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Largest |x[i]| over [from, to). */
export function peakAbs(x: Float32Array, from = 0, to = x.length): number {
  let p = 0;
  for (let i = from; i < to; i++) p = Math.max(p, Math.abs(x[i]!));
  return p;
}

/** Index of the first sample with x[i] !== 0, or -1. */
export function firstNonZero(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) return i;
  return -1;
}
