import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { onsetAgreement, sharedDir } from "./bench-analysis.js";

const shared = sharedDir();
const root = mkdtempSync(join(tmpdir(), "performia-agreement-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("bench analysis: human agreement on the real recordings' onsets", () => {
  it.runIf(shared !== null)(
    "scores a second annotator against the first, and our onsets against each (scorer in ../shared/bench)",
    () => {
      const real = join(root, "real");
      const pred = join(root, "pred");
      mkdirSync(real);
      mkdirSync(pred);
      // The second annotator puts one of four onsets 200 ms off: F 0.75 against the first.
      const common = {
        sampleRate: 44100,
        tasks: ["onsets"],
        onsets: [1, 2, 3, 4],
        onsetsAlt: [1, 2, 3.2, 4],
      };
      writeFileSync(join(real, "sung.json"), JSON.stringify(common));
      // A file without a second annotator has no row.
      writeFileSync(
        join(real, "other.json"),
        JSON.stringify({ sampleRate: 44100, tasks: ["onsets"], onsets: [1] }),
      );
      // Ours: three of the first annotator's (F 0.75), two of the second's (F 0.5).
      const ours = { sampleRate: 44100, pitch: [], beats: [], tempo: [], onsets: [1, 2, 3, 5] };
      writeFileSync(join(pred, "sung.json"), JSON.stringify(ours));
      writeFileSync(join(pred, "other.json"), JSON.stringify(ours));
      const rows = onsetAgreement(shared!, real, pred, join(root, "out"));
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row?.file).toBe("sung");
      expect(row?.humans).toBeCloseTo(0.75, 6);
      expect(row?.ours).toBeCloseTo(0.75, 6);
      expect(row?.oursAlt).toBeCloseTo(0.5, 6);
    },
  );
});
