/**
 * The studio's connection to the engine: a tRPC client (queries and mutations over HTTP,
 * subscriptions over WebSocket) and the engine's plain HTTP routes (a session's audio, its file
 * for export, an import). Browser only.
 */
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from "@trpc/client";
import type { AppRouter } from "@performia/engine";

export type EngineClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/** Where the engine listens unless told otherwise (`performia start` and `performia serve`). */
export const DEFAULT_ENGINE_URL = "http://127.0.0.1:7070";

/**
 * The engine's URL: `?engine=` on the page's address (kept for the visit), else what the studio
 * was started with (PERFORMIA_ENGINE_URL), else the default.
 */
export function engineUrl(configured: string): string {
  if (typeof window === "undefined") return configured;
  const fromQuery = new URL(window.location.href).searchParams.get("engine");
  if (fromQuery) {
    sessionStorage.setItem("performia.engine", fromQuery);
    return fromQuery;
  }
  return sessionStorage.getItem("performia.engine") ?? configured;
}

export interface Engine {
  readonly url: string;
  readonly client: EngineClient;
  /** A session's recorded input as a WAV file. */
  audioUrl(name: string): string;
  /** A session's file, as a download. */
  fileUrl(name: string): string;
  /** A session's stage as stereo WAV: the performer left, the band (replayed now) right. */
  stageUrl(name: string): string;
  /** Send a session file from this computer to the engine's sessions folder; its name there. */
  importFile(file: File): Promise<string>;
  close(): void;
}

export function connectEngine(url: string): Engine {
  const base = url.replace(/\/+$/, "");
  const ws = createWSClient({ url: base.replace(/^http/, "ws"), lazy: { enabled: true, closeMs: 10_000 } });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: ws }),
        false: httpBatchLink({ url: `${base}/trpc` }),
      }),
    ],
  });
  return {
    url: base,
    client,
    audioUrl: (name) => `${base}/sessions/${encodeURIComponent(name)}/input.wav`,
    fileUrl: (name) => `${base}/sessions/${encodeURIComponent(name)}/file`,
    stageUrl: (name) => `${base}/sessions/${encodeURIComponent(name)}/stage.wav`,
    async importFile(file) {
      const res = await fetch(`${base}/sessions/import?filename=${encodeURIComponent(file.name)}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: file,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(text.trim() || `the engine answered ${res.status}`);
      return (JSON.parse(text) as { name: string }).name;
    },
    close: () => void ws.close(),
  };
}

/** The message a person should read for an error from the engine (its own words when it has them). */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    if (/fetch|network|ECONNREFUSED|Failed to fetch|NetworkError/i.test(e.message)) return NOT_RUNNING;
    return e.message;
  }
  return String(e);
}

export const NOT_RUNNING = "The engine is not running.";

/** True when an error means the engine could not be reached at all. */
export function isUnreachable(e: unknown): boolean {
  return errorText(e) === NOT_RUNNING;
}
