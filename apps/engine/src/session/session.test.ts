import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type {
  AnalysisFrame,
  ConductorUpdate,
  Decision,
  DeviceEvent,
  PerformanceEvent,
  SampleFrame,
  SettingsChange,
} from "@performia/protocol";
import { PerformiaError } from "@performia/protocol";
import { listSessions, markInterrupted, SessionReader, SessionWriter, upgradeSession } from "./index.js";
import { header, sha256, tempDir } from "./test-fixtures.js";

const dir = tempDir(); // left in the OS temp folder for inspection

const f = (n: number): SampleFrame => n as SampleFrame;

/** Random bit patterns, NaN payloads, infinities, -0 and denormals included. */
function randomBlock(seed: number, n: number): Float32Array {
  const bits = new Uint32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bits[i] = x;
  }
  bits[0] = 0x80000000; // -0
  bits[1] = 0x7fc00001; // a NaN with a payload
  bits[2] = 0x00000001; // the smallest denormal
  return new Float32Array(bits.buffer);
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

describe("SessionWriter and SessionReader", () => {
  it("round-trips everything exactly", async () => {
    const path = join(dir, "roundtrip.performia");
    // A live session's header: the device's round trip, measured with clicks.
    const h = {
      ...header(),
      latency: { roundTripMs: 23.4, source: "measured" as const, clicksMs: [25, 23.4] },
    };
    const writer = await SessionWriter.create(path, h, { maxBatchBlocks: 7 });
    const blockSize = h.settings.blockSize;
    const block = new Float32Array(blockSize); // reused by the caller, as the pipeline does
    const expected: Float32Array[] = [];
    const blocks = 50;
    for (let b = 0; b < blocks; b++) {
      const n = b === blocks - 1 ? 77 : blockSize; // a short last block
      block.set(randomBlock(b + 1, blockSize));
      expected.push(block.slice(0, n));
      writer.recordInput(b * blockSize, block, n);
    }
    const analysis: AnalysisFrame[] = [
      {
        frame: f(512),
        hz: 220 + Math.PI / 1e6,
        confidence: 0.9,
        rms: 0.1,
        onsetStrength: 3.5,
        missed: false,
      },
      { frame: f(1024), hz: null, confidence: 0, rms: 1e-300, onsetStrength: 0, missed: true },
    ];
    writer.recordAnalysis(analysis);
    const events: PerformanceEvent[] = [
      { kind: "onset", frame: f(600), strength: 0.75 },
      { kind: "beat", frame: f(22050), reportedAt: f(23000), bpm: 120 - 2 ** -46 },
      { kind: "chord", frame: f(44100), label: "A:maj", confidence: 0.6 },
      { kind: "pitch", frame: f(700), hz: null, confidence: 0.1 },
    ];
    writer.recordEvents(events);
    const update: ConductorUpdate = {
      frame: f(22050),
      beat: 1 as ConductorUpdate["beat"],
      bpm: 120.5,
      section: "a",
      bar: 1,
      beatInBar: 2,
      phaseError: -0.0123,
      reason: "beat",
    };
    writer.recordConductor(update);
    const decisions: Decision[] = [1, 2, 3].map((i) => ({
      agent: "bass",
      instrument: "bass",
      pitch: 40 + i,
      velocity: 90,
      start: (i / 3) as Decision["start"],
      duration: (0.1 + 0.2) as Decision["duration"],
      decidedAt: f(i * 128),
      startFrame: f(i * 1000 + 7),
      endFrame: f(i * 1000 + 5000),
    }));
    writer.recordDecisions(decisions);
    const change: SettingsChange = {
      frame: f(3000),
      patch: { style: "rock", agents: { bass: { volume: 0.5 } } },
    };
    writer.recordSettingsChange(change);
    writer.recordBlockStats(0, { analysisMs: 0.123456789, lateBlocks: 0 });
    writer.recordBlockStats(128, { analysisMs: 0.2 });
    // The device went away and came back, among the performance events.
    const gap: DeviceEvent[] = [
      { kind: "device", frame: f(2048), status: "lost", seconds: 0.05, device: "mic → out", detail: "" },
      { kind: "device", frame: f(4096), status: "restored", seconds: 0.1, device: "mic → out", detail: "" },
    ];
    for (const e of gap) writer.recordDeviceEvent(e);
    writer.recordEvents(events);

    await writer.flush();
    const live = SessionReader.open(path); // readable while it records
    expect(live.info().status).toBe("recording");
    expect(live.info().frames).toBe((blocks - 1) * blockSize + 77);
    live.close();

    await writer.close();
    expect(writer.writerStats.dropped).toBe(0);
    expect(writer.writerStats.problem).toBeNull();
    expect(readdirSync(dir).filter((n) => n.startsWith("roundtrip"))).toEqual(["roundtrip.performia"]);

    const reader = SessionReader.open(path);
    const got = [...reader.inputBlocks()];
    expect(got.map((g) => g.frame)).toEqual(expected.map((_, b) => b * blockSize));
    expect(got.every((g, b) => bitsEqual(g.samples, expected[b]!))).toBe(true);
    expect(reader.analysis()).toEqual(analysis);
    expect(reader.events()).toEqual([...events, ...events]);
    expect(reader.deviceEvents()).toEqual(gap);
    expect(reader.conductor()).toEqual([update]);
    expect(reader.decisions()).toEqual(decisions);
    expect(reader.settingsChanges()).toEqual([change]);
    expect(reader.blockStats()).toEqual([
      { frame: 0, stats: { analysisMs: 0.123456789, lateBlocks: 0 } },
      { frame: 128, stats: { analysisMs: 0.2 } },
    ]);
    expect(reader.header()).toEqual(h);
    const info = reader.info();
    expect(info).toMatchObject({
      id: "roundtrip",
      status: "complete",
      schemaVersion: 1,
      songTitle: "Test Blues",
      style: "blues",
      sampleRate: 44100,
      blockSize: 128,
      seed: 1234,
      frames: (blocks - 1) * blockSize + 77,
      inputName: "test.wav",
      decisions: 3,
    });
    expect(reader.endedAt()).toMatch(/^\d{4}-\d\d-\d\dT/);
    reader.close();

    const db = new Database(path, { readonly: true });
    expect(db.pragma("page_size", { simple: true })).toBe(16384);
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    const meta = Object.fromEntries(
      (db.prepare("SELECT key, value FROM meta").all() as { key: string; value: unknown }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );
    expect(meta).toMatchObject({ schema_version: 1, status: "complete", pid: process.pid, seed: 1234 });
    db.close();
  });

  it("writes 60 s of blocks at 44.1 kHz / 128 and reads them back", async () => {
    const path = join(dir, "minute.performia");
    const h = header();
    const blocks = Math.ceil((60 * 44100) / 128);
    const block = randomBlock(7, 128);
    const writer = await SessionWriter.create(path, h);
    const t0 = performance.now();
    let record = 0;
    for (let b = 0; b < blocks; b++) {
      const r0 = performance.now();
      writer.recordInput(b * 128, block, 128);
      record += performance.now() - r0;
    }
    await writer.close();
    const seconds = (performance.now() - t0) / 1000;
    const size = statSync(path).size;
    const reader = SessionReader.open(path);
    let count = 0;
    let last = -1;
    for (const { frame, samples } of reader.inputBlocks()) {
      count++;
      last = frame;
      if (samples.length !== 128) throw new Error("short block");
    }
    expect(count).toBe(blocks);
    expect(last).toBe((blocks - 1) * 128);
    expect(reader.info().frames).toBe(blocks * 128);
    reader.close();
    console.log(
      `60 s session: ${blocks} blocks in ${seconds.toFixed(2)} s (${Math.round(blocks / seconds)} blocks/s, ` +
        `${(60 / seconds).toFixed(0)}× real time); recordInput ${((record / blocks) * 1000).toFixed(2)} µs/block; ` +
        `file ${(size / 1e6).toFixed(2)} MB per minute`,
    );
  });

  it("fails early and clearly when the path cannot be written", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const bad = join(file, "sub", "s.performia");
    await expect(SessionWriter.create(bad, header())).rejects.toThrow(PerformiaError);
    await expect(SessionWriter.create(bad, header())).rejects.toThrow(
      /cannot write session file .*a-file.*not writable/,
    );
    if (process.getuid?.() !== 0) {
      const ro = join(dir, "read-only");
      mkdirSync(ro, { mode: 0o555 });
      await expect(SessionWriter.create(join(ro, "s.performia"), header())).rejects.toThrow(
        /read-only.*not writable/,
      );
    }
    await expect(SessionWriter.create(join(dir, "x.sqlite"), header())).rejects.toThrow(
      /must end in \.performia/,
    );
  });

  it("never overwrites an existing session", async () => {
    const path = join(dir, "exists.performia");
    writeFileSync(path, "keep me");
    await expect(SessionWriter.create(path, header())).rejects.toThrow(/already exists/);
    expect(sha256(path)).toBe(sha256(path));
  });

  it("rejects a file from a newer schema without modifying it", async () => {
    const path = join(dir, "newer.performia");
    const writer = await SessionWriter.create(path, header());
    writer.recordInput(0, new Float32Array(128), 128);
    await writer.close();
    const db = new Database(path);
    db.pragma("user_version = 9");
    db.close();
    const before = sha256(path);
    const names = readdirSync(dir).sort();
    expect(() => SessionReader.open(path)).toThrow(
      /session file .*newer\.performia was written by a newer Performia \(schema 9\); this version reads up to 1[\s\S]*upgrade Performia/,
    );
    expect(() => markInterrupted(path)).toThrow(/newer Performia/);
    expect(() => upgradeSession(path)).toThrow(/newer Performia/);
    expect(sha256(path)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(names);
  });

  it("rejects garbage, empty and missing files without modifying them", () => {
    const garbage = join(dir, "garbage.performia");
    writeFileSync(garbage, randomBlock(3, 4096));
    const before = sha256(garbage);
    expect(() => SessionReader.open(garbage)).toThrow(
      /session file .*garbage\.performia is unreadable: not an SQLite/,
    );
    expect(() => markInterrupted(garbage)).toThrow(PerformiaError);
    expect(sha256(garbage)).toBe(before);
    const fake = join(dir, "fake.performia"); // the right magic, garbage after it
    writeFileSync(
      fake,
      Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.from(randomBlock(4, 1024).buffer)]),
    );
    const fakeBefore = sha256(fake);
    expect(() => SessionReader.open(fake)).toThrow(/session file .*fake\.performia is unreadable/);
    expect(sha256(fake)).toBe(fakeBefore);
    const empty = join(dir, "empty.performia");
    writeFileSync(empty, "");
    expect(() => SessionReader.open(empty)).toThrow(/empty\.performia is unreadable/);
    expect(() => SessionReader.open(join(dir, "nope.performia"))).toThrow(/nope\.performia does not exist/);
    expect(existsSync(join(dir, "garbage.performia-wal"))).toBe(false);
  });

  it("lists sessions newest first and reports unreadable files", async () => {
    const list = join(dir, "list");
    for (const [name, at] of [
      ["old", "2024-01-01T00:00:00.000Z"],
      ["new", "2025-06-01T00:00:00.000Z"],
    ] as const) {
      const w = await SessionWriter.create(join(list, `${name}.performia`), header({}, at));
      w.recordInput(0, new Float32Array(128), 128);
      await w.close(name === "old" ? "interrupted" : "complete");
    }
    writeFileSync(join(list, "broken.performia"), "not a session");
    writeFileSync(join(list, "notes.txt"), "ignored");
    const { sessions, errors } = listSessions(list);
    expect(sessions.map((s) => [s.id, s.status])).toEqual([
      ["new", "complete"],
      ["old", "interrupted"],
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe(join(list, "broken.performia"));
    expect(errors[0]?.error).toMatch(/unreadable/);
    expect(listSessions(join(dir, "no-such-folder"))).toEqual({ sessions: [], errors: [] });
  });
});
