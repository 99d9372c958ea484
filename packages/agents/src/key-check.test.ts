import { describe, expect, it } from "vitest";
import { checkKey } from "./key-check.js";

describe("the performer's key against the chart's", () => {
  it("hears a singer a tone below the chart and says how to transpose", () => {
    const c = checkKey("A", "G:maj");
    expect(c?.semitones).toBe(-2);
    expect(c?.message).toBe(
      "the performer is in G, a tone below the chart (A): transpose the chart -2 to play along",
    );
  });
  it("takes the shorter way round, and minor keys", () => {
    expect(checkKey("C", "B:maj")?.semitones).toBe(-1);
    expect(checkKey("C", "F:maj")?.semitones).toBe(5);
    expect(checkKey("C", "G:maj")?.semitones).toBe(-5);
    expect(checkKey("D minor", "E:min")?.performerKey).toBe("E minor");
    expect(checkKey("Bb", "A#:maj")).toBeNull();
  });
  it("says nothing when the keys agree or the modes differ (a relative key is no transposition)", () => {
    expect(checkKey("A", "A:maj")).toBeNull();
    expect(checkKey("C", "A:min")).toBeNull();
    expect(checkKey("C", "nonsense")).toBeNull();
  });
});
