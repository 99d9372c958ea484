/** What a listener would notice about each voice: its pitch, its spectrum, its decay. */
import { describe, expect, it } from "vitest";
import { DRUM, type Instrument } from "@performia/protocol";
import { renderNotes } from "./render-notes.js";
import { autocorrHz, centroid, energyFraction, peakAbs, peakHz, rms } from "./test-util.js";

const SR = 48000;

function one(
  instrument: Instrument,
  pitch: number,
  seconds: number,
  held = seconds,
  velocity = 100,
): Float32Array {
  return renderNotes(
    [{ instrument, pitch, velocity, startFrame: 0, durationFrames: Math.round(held * SR) }],
    Math.round(seconds * SR),
    { sampleRate: SR, seed: 1 },
  );
}

function cents(hz: number, ref: number): number {
  return 1200 * Math.log2(hz / ref);
}

describe("bass", () => {
  it("has its fundamental at 82.4 Hz for MIDI 40", () => {
    const x = one("bass", 40, 1);
    expect(peakHz(x.subarray(0, SR), SR, 30, 1000)).toBeCloseTo(82.41, 0);
    expect(autocorrHz(x, SR, SR / 4, 4096, 40, 500)).toBeCloseTo(82.41, 0);
  });

  it("is tuned across its range (MIDI 28 to 60)", () => {
    for (const pitch of [28, 33, 45, 52, 60]) {
      const hz = 440 * 2 ** ((pitch - 69) / 12);
      const x = one("bass", pitch, 0.6);
      // After the filter sweep (which bends the phase, as a real pluck does).
      expect(Math.abs(cents(autocorrHz(x, SR, 0.3 * SR, 6000, 30, 600), hz))).toBeLessThan(3);
    }
  });

  it("is plucky: brighter at the attack than in the sustain", () => {
    const x = one("bass", 40, 1);
    const attack = energyFraction(x.subarray(0, 2400), SR, 400, SR / 2);
    const sustain = energyFraction(x.subarray(SR / 2, SR / 2 + 2400), SR, 400, SR / 2);
    expect(attack).toBeGreaterThan(4 * sustain);
  });

  it("peaks in a mixable range at velocity 100, and louder with velocity", () => {
    const loud = peakAbs(one("bass", 40, 0.5));
    expect(loud).toBeGreaterThan(0.2);
    expect(loud).toBeLessThan(0.5);
    expect(peakAbs(one("bass", 40, 0.5, 0.5, 40))).toBeLessThan(0.4 * loud);
  });
});

describe("epiano", () => {
  it("A4 peaks near 440 Hz and decays", () => {
    const x = one("epiano", 69, 2);
    expect(peakHz(x, SR, 100, 4000)).toBeGreaterThan(437);
    expect(peakHz(x, SR, 100, 4000)).toBeLessThan(443);
    const early = rms(x, 0.1 * SR, 0.3 * SR);
    expect(rms(x, SR, 1.2 * SR)).toBeLessThan(0.8 * early);
    expect(rms(x, 1.8 * SR, 2 * SR)).toBeLessThan(0.5 * early);
  });

  it("is brighter when played harder", () => {
    const soft = one("epiano", 60, 0.3, 0.3, 40);
    const hard = one("epiano", 60, 0.3, 0.3, 120);
    expect(centroid(hard.subarray(0, 4800), SR)).toBeGreaterThan(1.3 * centroid(soft.subarray(0, 4800), SR));
  });
});

describe("guitar", () => {
  it("is a plucked string tuned to its note, whose highs die first", () => {
    for (const pitch of [40, 52, 64]) {
      const hz = 440 * 2 ** ((pitch - 69) / 12);
      const x = one("guitar", pitch, 1);
      expect(Math.abs(cents(autocorrHz(x, SR, SR / 4, 4096, 60, 1000), hz))).toBeLessThan(5);
    }
    const x = one("guitar", 45, 1);
    expect(centroid(x.subarray(SR / 2, SR / 2 + 4096), SR)).toBeLessThan(centroid(x.subarray(0, 4096), SR));
    expect(rms(x, SR / 2, SR)).toBeLessThan(0.6 * rms(x, 0, SR / 4));
  });
});

describe("voice", () => {
  it("sings A4 with a clear f0 and a 5.5 Hz vibrato of about ±25 cents", () => {
    const x = one("voice", 69, 2);
    const hop = 240; // 5 ms
    const track: number[] = [];
    for (let start = Math.round(0.8 * SR); start + 1024 + 1000 < 1.9 * SR; start += hop) {
      track.push(cents(autocorrHz(x, SR, start, 1024, 200, 1000), 440));
    }
    const mean = track.reduce((a, b) => a + b, 0) / track.length;
    expect(Math.abs(mean)).toBeLessThan(5);
    const depth = (Math.max(...track) - Math.min(...track)) / 2;
    expect(depth).toBeGreaterThan(10);
    expect(depth).toBeLessThan(40);
    let crossings = 0;
    for (let i = 1; i < track.length; i++) if (track[i - 1]! - mean < 0 !== track[i]! - mean < 0) crossings++;
    const rate = crossings / 2 / ((track.length * hop) / SR);
    expect(rate).toBeGreaterThan(4.8);
    expect(rate).toBeLessThan(6.2);
  });

  it("starts without vibrato and with a soft attack", () => {
    const x = one("voice", 69, 0.4);
    const early = [0.06, 0.09, 0.12, 0.15].map((t) =>
      cents(autocorrHz(x, SR, Math.round(t * SR), 1024, 200, 1000), 440),
    );
    for (const c of early) expect(Math.abs(c)).toBeLessThan(4);
    expect(peakAbs(x, 0, 0.005 * SR)).toBeLessThan(0.3 * peakAbs(x, 0.1 * SR, 0.2 * SR));
  });

  it("has the formants of 'ah' (energy around 800-1200 Hz above that of 1.5-2.5 kHz)", () => {
    const x = one("voice", 57, 1).subarray(SR / 4, SR);
    expect(energyFraction(x, SR, 650, 1300)).toBeGreaterThan(3 * energyFraction(x, SR, 1500, 2500));
  });
});

describe("drums", () => {
  const hit = (key: number) => one("drums", key, 0.5, 0.01);

  it("kick lives below 150 Hz, hats above 5 kHz, the snare in between", () => {
    const kick = hit(DRUM.kick);
    const snare = hit(DRUM.snare);
    const hat = hit(DRUM.closedHat);
    expect(energyFraction(kick, SR, 0, 150)).toBeGreaterThan(0.7);
    expect(energyFraction(hat, SR, 5000, SR / 2)).toBeGreaterThan(0.8);
    expect(energyFraction(snare, SR, 0, 150)).toBeLessThan(0.2);
    expect(energyFraction(snare, SR, 5000, SR / 2)).toBeLessThan(0.5);
    const c = [kick, snare, hat].map((x) => centroid(x, SR));
    expect(c[0]!).toBeLessThan(c[1]!);
    expect(c[1]!).toBeLessThan(c[2]!);
  });

  it("kick sweeps down in pitch", () => {
    const kick = hit(DRUM.kick);
    expect(peakHz(kick.subarray(0, 1024), SR, 30, 400)).toBeGreaterThan(
      peakHz(kick.subarray(4800, 14400), SR, 30, 400) + 20,
    );
  });

  it("each cymbal rings for its own length: closed < pedal < open < crash", () => {
    const tail = (key: number) => {
      const x = one("drums", key, 2.5, 0.01);
      const p = peakAbs(x);
      let last = 0;
      for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) > 0.01 * p) last = i;
      return last / SR;
    };
    const closed = tail(DRUM.closedHat);
    const pedal = tail(DRUM.pedalHat);
    const open = tail(DRUM.openHat);
    const crash = tail(DRUM.crash);
    expect(closed).toBeLessThan(0.08);
    expect(pedal).toBeGreaterThan(closed);
    expect(open).toBeGreaterThan(0.2);
    expect(open).toBeLessThan(0.6);
    expect(crash).toBeGreaterThan(1.2);
    expect(tail(DRUM.ride)).toBeGreaterThan(open);
  });

  it("the band's percussion keys: side stick short and woody, shaker and tambourine bright, ride bell pinging", () => {
    const length = (x: Float32Array) => {
      const p = peakAbs(x);
      let last = 0;
      for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) > 0.01 * p) last = i;
      return last / SR;
    };
    for (const key of Object.values(DRUM)) expect(peakAbs(hit(key)), `key ${key}`).toBeGreaterThan(0.05);
    const stick = hit(DRUM.sideStick);
    const snare = hit(DRUM.snare);
    expect(length(stick)).toBeLessThan(0.6 * length(snare));
    expect(energyFraction(stick, SR, 300, 3000)).toBeGreaterThan(energyFraction(snare, SR, 300, 3000));
    const shaker = hit(DRUM.shaker);
    const tambourine = hit(DRUM.tambourine);
    expect(energyFraction(shaker, SR, 3000, SR / 2)).toBeGreaterThan(0.7);
    expect(length(shaker)).toBeLessThan(0.15);
    expect(energyFraction(tambourine, SR, 4000, SR / 2)).toBeGreaterThan(0.7);
    expect(length(tambourine)).toBeGreaterThan(length(shaker));
    const bell = one("drums", DRUM.rideBell, 2, 0.01);
    const ride = one("drums", DRUM.ride, 2, 0.01);
    // The bell's ping stands out of its wash more than the ride's.
    const tonal = (x: Float32Array) => peakAbs(x.subarray(SR / 2, SR)) / peakAbs(x.subarray(0, 2400));
    expect(tonal(bell)).toBeGreaterThan(tonal(ride));
  });

  it("every key sounds, including unknown ones, and drums ignore the duration", () => {
    for (let key = 27; key <= 90; key += 7) expect(peakAbs(hit(key))).toBeGreaterThan(0.05);
    const short = one("drums", DRUM.crash, 1, 0.001);
    const long = one("drums", DRUM.crash, 1, 1);
    expect(short).toEqual(long);
  });
});

describe("levels", () => {
  it("every instrument at velocity 100 peaks between 0.15 and 0.5", () => {
    const cases: [Instrument, number][] = [
      ["bass", 40],
      ["drums", DRUM.kick],
      ["drums", DRUM.snare],
      ["drums", DRUM.closedHat],
      ["epiano", 60],
      ["guitar", 52],
      ["voice", 64],
      ["vibes", 72],
    ];
    for (const [instrument, pitch] of cases) {
      const p = peakAbs(one(instrument, pitch, 0.5));
      expect(p, `${instrument} ${pitch}`).toBeGreaterThan(0.15);
      expect(p, `${instrument} ${pitch}`).toBeLessThan(0.55);
    }
  });

  it("a held pad sits under the band: about as loud (RMS) as an electric piano note, a lower peak", () => {
    const held = (instrument: Instrument, pitch: number) => one(instrument, pitch, 1);
    const pad = held("pad", 60);
    const epiano = held("epiano", 60);
    expect(rms(pad, 0, SR)).toBeGreaterThan(0.3 * rms(epiano, 0, SR));
    expect(rms(pad, 0, SR)).toBeLessThan(1.2 * rms(epiano, 0, SR));
    expect(peakAbs(pad)).toBeLessThan(peakAbs(epiano));
  });
});

describe("pad", () => {
  it("A3 sounds at 220 Hz with a slow attack, sustains while held and fades after", () => {
    const x = one("pad", 57, 3, 2);
    expect(autocorrHz(x, SR, SR, 8192, 100, 1000)).toBeCloseTo(220, 0);
    expect(rms(x, 0, 0.02 * SR)).toBeLessThan(0.2 * rms(x, 0.5 * SR, 0.6 * SR));
    expect(rms(x, 1.8 * SR, 1.9 * SR)).toBeGreaterThan(0.8 * rms(x, 0.9 * SR, 1 * SR));
    expect(rms(x, 2.5 * SR, 2.6 * SR)).toBeLessThan(0.5 * rms(x, 1.8 * SR, 1.9 * SR));
    expect(peakAbs(x, 0, 2 * SR)).toBeGreaterThan(0.05);
    expect(peakAbs(x, 0, 2 * SR)).toBeLessThan(0.6);
  });

  it("is a filtered saw: rich in harmonics, but dark (little above 5 kHz)", () => {
    const x = one("pad", 57, 1.5).subarray(SR, 1.5 * SR);
    expect(energyFraction(x, SR, 300, 5000)).toBeGreaterThan(0.1);
    expect(energyFraction(x, SR, 5000, SR / 2)).toBeLessThan(0.05);
  });

  it("beats: three detuned saws make the level move slowly (chorus)", () => {
    const x = one("pad", 57, 2.5);
    const levels = [];
    for (let i = SR; i + 2400 < 2.4 * SR; i += 2400) levels.push(rms(x, i, i + 2400));
    expect(Math.max(...levels) / Math.min(...levels)).toBeGreaterThan(1.05);
  });
});

describe("vibes", () => {
  it("C5 sounds at 523 Hz, rings and is damped at the note's end", () => {
    const x = one("vibes", 72, 2, 1);
    expect(peakHz(x.subarray(0.2 * SR, 0.7 * SR), SR, 200, 2000)).toBeCloseTo(523.25, -1);
    expect(rms(x, 0.8 * SR, 0.9 * SR)).toBeGreaterThan(0.3 * rms(x, 0.05 * SR, 0.15 * SR));
    expect(peakAbs(x, 1.4 * SR)).toBeLessThan(0.01 * peakAbs(x));
  });

  it("has the motor's tremolo (~5.5 Hz)", () => {
    const x = one("vibes", 72, 1.5);
    const env: number[] = [];
    const hop = SR / 100;
    for (let i = 0.2 * SR; i + hop < 1.2 * SR; i += hop) env.push(rms(x, i, i + hop));
    // Count the envelope's peaks over one second (a peak: the largest within ±40 ms).
    let peaks = 0;
    for (let i = 4; i + 4 < env.length; i++) {
      const around = env.slice(i - 4, i + 5);
      if (env[i] === Math.max(...around)) peaks++;
    }
    expect(peaks).toBeGreaterThanOrEqual(4);
    expect(peaks).toBeLessThanOrEqual(7);
  });
});
