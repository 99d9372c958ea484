// The synthesizer's development benchmark runs for every voice (speed is reported by
// `npm run bench`, not asserted: the machine's load decides it).
import { INSTRUMENTS } from "@performia/protocol";
import { describe, expect, it } from "vitest";
import { benchSynthVoices } from "./bench.js";

describe("benchSynthVoices", () => {
  it("reports a real-time ratio for every instrument and for a band", () => {
    const r = benchSynthVoices(0.5);
    expect(r.map((v) => v.voice)).toEqual([...INSTRUMENTS, "band"]);
    for (const v of r) {
      expect(v.realTimeRatio).toBeGreaterThan(1);
      expect(v.usPerBlock).toBeGreaterThan(0);
    }
  });
});
