import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTRPCClient, createWSClient, httpBatchLink, wsLink, type TRPCClient } from "@trpc/client";
import WebSocket from "ws";
import { startApiServer, type ApiServer, type AppRouter } from "@performia/engine";
import { EXAMPLES, performia, tempDir } from "../support/cli.js";

const dir = tempDir("api");
const sessions = join(dir, "sessions");
let server: ApiServer;
let client: TRPCClient<AppRouter>;
let closeWs: () => void;

function record(name: string, seed: number): void {
  const r = performia([
    "perform",
    "--song",
    "blues-in-a",
    "--input",
    join(EXAMPLES, "performances", "blues-drums.wav"),
    "--session",
    join(sessions, name),
    "--seed",
    String(seed),
    "--max-seconds",
    "10",
  ]);
  expect(r.status, r.stderr).toBe(0);
}

beforeAll(async () => {
  record("first.performia", 1);
  record("second.performia", 2);
  server = await startApiServer({ sessionsDir: sessions });
  const ws = createWSClient({
    url: server.wsUrl,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  closeWs = () => void ws.close();
  client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
}, 120_000);

afterAll(async () => {
  closeWs();
  await server.close();
});

describe("the control API: sessions", () => {
  it("listens on the loopback only, and lists the sessions by name with their song and state", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { sessions: list } = await client.sessions.list.query();
    expect(list.map((s) => s.name).sort()).toEqual(["first.performia", "second.performia"]);
    expect(list[0]).toMatchObject({ songTitle: "Blues in A", status: "complete" });
    expect(JSON.stringify(list)).not.toContain(dir);
    expect((await client.sessions.list.query({ query: "nothing like it" })).sessions).toEqual([]);
  });

  it("reads a session's data for replay, and serves its input as a WAV file", async () => {
    const d = await client.sessions.data.query({ name: "first.performia" });
    expect(d.decisions.length).toBeGreaterThan(50);
    expect(d.events.some((e) => e.kind === "beat")).toBe(true);
    expect(d.song.title).toBe("Blues in A");
    expect(d.figures.asynchrony.beats).toBeGreaterThan(5);
    expect(Math.abs(d.figures.asynchrony.medianMs!)).toBeLessThan(60);
    const res = await fetch(`${server.url}/sessions/first.performia/input.wav`);
    expect(res.status).toBe(200);
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.readUInt32LE(24)).toBe(d.info.sampleRate);
    expect((wav.length - 44) / 2).toBe(d.info.frames);
  });

  it("adds, edits and deletes a coach's annotations, which live in the session file", async () => {
    const a = await client.annotations.add.mutate({
      session: "first.performia",
      annotation: { startSeconds: 2, endSeconds: 4.5, text: "rushing into bar 3", author: "coach" },
    });
    expect(a).toMatchObject({
      startSeconds: 2,
      endSeconds: 4.5,
      text: "rushing into bar 3",
      author: "coach",
    });
    // Another client (over HTTP) sees it: it is in the file.
    const http = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    expect(await http.annotations.list.query({ session: "first.performia" })).toHaveLength(1);
    const e = await client.annotations.edit.mutate({
      session: "first.performia",
      id: a.id,
      annotation: { startSeconds: 2, endSeconds: 5, text: "rushing into bar 3: listen to the hi-hat" },
    });
    expect(e.text).toBe("rushing into bar 3: listen to the hi-hat");
    await client.annotations.delete.mutate({ session: "first.performia", id: a.id });
    expect(await client.annotations.list.query({ session: "first.performia" })).toEqual([]);
  });

  it("refuses bad calls with a clear error and changes nothing", async () => {
    await expect(
      client.annotations.add.mutate({
        session: "first.performia",
        annotation: { startSeconds: 5, endSeconds: 1, text: "backwards" },
      }),
    ).rejects.toThrow(/must end at or after its start/);
    await expect(client.sessions.data.query({ name: "../../etc/passwd.performia" })).rejects.toThrow(
      /session name/,
    );
    await expect(client.sessions.delete.mutate({ name: "missing.performia" })).rejects.toThrow(
      /no session "missing\.performia"/,
    );
    await expect(client.annotations.delete.mutate({ session: "first.performia", id: 999 })).rejects.toThrow(
      /no annotation 999/,
    );
    expect((await client.sessions.list.query()).sessions).toHaveLength(2);
    expect(await client.annotations.list.query({ session: "first.performia" })).toEqual([]);
    const res = await fetch(`${server.url}/sessions/..%2F..%2Fetc%2Fpasswd/input.wav`);
    expect(res.status).toBe(404);
  });

  it("compares two sessions, and a session with a fresh replay of it under the current code", async () => {
    const c = await client.sessions.compare.query({ a: "first.performia", b: "second.performia" });
    expect(c.diff.identical).toBe(false);
    expect(c.a.tempo.length).toBeGreaterThan(0);
    const r = await client.sessions.rerun.mutate({ name: "first.performia" });
    expect(r.diff.identical).toBe(true);
    expect(r.b.notesPerAgent).toEqual(r.a.notesPerAgent);
  }, 60_000);

  it("imports a valid session file from elsewhere and deletes a session", async () => {
    const copy = join(dir, "from-elsewhere.performia");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(copy, readFileSync(join(sessions, "second.performia")));
    expect(await client.sessions.import.mutate({ path: copy })).toEqual({ name: "from-elsewhere.performia" });
    const junk = join(dir, "junk.performia");
    writeFileSync(junk, "not a session");
    await expect(client.sessions.import.mutate({ path: junk })).rejects.toThrow(/not an SQLite database/);
    expect(existsSync(join(sessions, "junk.performia"))).toBe(false);
    await client.sessions.delete.mutate({ name: "from-elsewhere.performia" });
    expect(existsSync(join(sessions, "from-elsewhere.performia"))).toBe(false);
  });
});

describe("the control API beyond the loopback", () => {
  it("will not listen beyond the loopback without a token, and with one asks for it on every call", async () => {
    await expect(startApiServer({ sessionsDir: sessions, host: "0.0.0.0" })).rejects.toThrow(
      /without a token/,
    );
    const s = await startApiServer({ sessionsDir: sessions, host: "0.0.0.0", token: "s3cret" });
    try {
      const base = `http://127.0.0.1:${s.port}`;
      expect((await fetch(`${base}/health`)).status).toBe(401);
      expect((await fetch(`${base}/health?token=wrong`)).status).toBe(401);
      expect((await fetch(`${base}/health`, { headers: { authorization: "Bearer s3cret" } })).status).toBe(
        200,
      );
      const http = createTRPCClient<AppRouter>({
        links: [httpBatchLink({ url: `${base}/trpc`, headers: { authorization: "Bearer s3cret" } })],
      });
      expect((await http.sessions.list.query()).sessions.length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
