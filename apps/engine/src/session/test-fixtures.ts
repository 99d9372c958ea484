/** Shared fixtures for the session tests (excluded from the build by its name). */
import { mkdtempSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Settings, SongMap } from "@performia/protocol";
import type { SessionHeader } from "./writer.js";

export const SONG = SongMap.parse({
  title: "Test Blues",
  key: "A",
  tempo: 120,
  sections: [{ id: "a", kind: "verse", bars: ["A7", "D7", "A7", "E7 D7"] }],
  form: [{ section: "a", repeat: 2 }],
});

export function header(
  overrides: Partial<Settings> = {},
  createdAt = "2025-01-02T03:04:05.000Z",
): SessionHeader {
  return {
    song: SONG,
    settings: Settings.parse({ sampleRate: 44100, blockSize: 128, seed: 1234, style: "blues", ...overrides }),
    engineVersion: "0.1.0-test",
    inputName: "test.wav",
    createdAt,
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "performia-session-"));
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
