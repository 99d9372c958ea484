/**
 * The engine's server: tRPC over WebSocket (and plain HTTP for queries), and the recorded
 * input of a session as a WAV file for playback. Bound to 127.0.0.1 unless configured
 * otherwise; bound beyond the loopback, every request needs the token.
 */
import { createReadStream, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { PerformiaError } from "@performia/protocol";
import { LiveController } from "./live.js";
import { appRouter, type ApiContext } from "./router.js";
import { SessionStore } from "./sessions.js";

export interface ApiServerOptions {
  readonly sessionsDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Required beyond the loopback: clients send it as `?token=` or `Authorization: Bearer`. */
  readonly token?: string;
}

export interface ApiServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function tokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7);
  return new URL(req.url ?? "/", "http://x").searchParams.get("token");
}

/** The largest session file a client may send (about three hours of 48 kHz input). */
const IMPORT_LIMIT_BYTES = 2 * 1024 ** 3 - 1;

/**
 * A person's mistake (a PerformiaError) gets `status` (400 unless said) with its message and what
 * to do; anything else is a 500.
 */
function fail(res: ServerResponse, e: unknown, status = 400): void {
  const bad = e instanceof PerformiaError;
  const msg = e instanceof Error ? e.message : String(e);
  if (!res.headersSent) res.writeHead(bad ? status : 500, { "content-type": "text/plain" });
  res.end(`${msg}\n`);
}

/** A request's body, refused past `limit` bytes. */
function receive(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((ok, ko) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        ko(new PerformiaError(`the file is larger than ${limit} bytes`, "TOO_LARGE"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => ok(Buffer.concat(chunks)));
    req.on("error", ko);
  });
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host) && !options.token) {
    throw new PerformiaError(
      `the API would listen on ${host}, beyond this machine, without a token`,
      "NO_TOKEN",
      "set a token (--token or PERFORMIA_TOKEN), or listen on 127.0.0.1",
    );
  }
  const sessions = new SessionStore(options.sessionsDir);
  const live = new LiveController(sessions.dir);
  // The bytes waiting on the caller's connection: a WebSocket's buffer, or an HTTP response's.
  const createContext = ({ res }: { res: WebSocket | ServerResponse }): ApiContext => ({
    sessions,
    live,
    backlog: "bufferedAmount" in res ? () => res.bufferedAmount : () => res.writableLength,
  });
  const allowed = (req: IncomingMessage): boolean => !options.token || tokenOf(req) === options.token;
  const trpcHttp = createHTTPHandler({ router: appRouter, createContext, basePath: "/trpc/" });

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Headers", "content-type, authorization");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    if (!allowed(req))
      return void res.writeHead(401, { "content-type": "text/plain" }).end("token required\n");
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/health")
      return void res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    const wav = /^\/sessions\/([^/]+)\/input\.wav$/.exec(url.pathname);
    if (wav) {
      try {
        const body = sessions.inputWav(decodeURIComponent(wav[1]!));
        return void res
          .writeHead(200, { "content-type": "audio/wav", "content-length": body.length })
          .end(body);
      } catch (e) {
        return void fail(res, e, 404);
      }
    }
    const band = /^\/sessions\/([^/]+)\/(band|stage)\.wav$/.exec(url.pathname);
    if (band && req.method === "GET") {
      let name: string;
      try {
        name = decodeURIComponent(band[1]!);
        sessions.path(name); // a bad name is refused before any work
      } catch (e) {
        return void fail(res, e);
      }
      void (band[2] === "band" ? sessions.bandWav(name) : sessions.stageWav(name)).then(
        (path) => {
          const size = statSync(path).size;
          res.writeHead(200, { "content-type": "audio/wav", "content-length": size });
          createReadStream(path).pipe(res);
        },
        (e: unknown) => fail(res, e),
      );
      return;
    }
    const file = /^\/sessions\/([^/]+)\/file$/.exec(url.pathname);
    if (file && req.method === "GET") {
      try {
        const name = decodeURIComponent(file[1]!);
        const body = sessions.export(name);
        return void res
          .writeHead(200, {
            "content-type": "application/vnd.sqlite3",
            "content-length": body.length,
            "content-disposition": `attachment; filename="${name}"`,
          })
          .end(body);
      } catch (e) {
        return void fail(res, e);
      }
    }
    if (url.pathname === "/sessions/import" && req.method === "POST") {
      void receive(req, IMPORT_LIMIT_BYTES).then(
        (body) => {
          try {
            const name = sessions.importBytes(url.searchParams.get("filename") ?? "imported.performia", body);
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name }));
          } catch (e) {
            fail(res, e);
          }
        },
        (e: unknown) => fail(res, e),
      );
      return;
    }
    if (url.pathname.startsWith("/trpc/")) return void trpcHttp(req, res);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });

  const wss = new WebSocketServer({ noServer: true });
  const wsHandler = applyWSSHandler({ wss, router: appRouter, createContext });
  server.on("upgrade", (req, socket, head) => {
    if (!allowed(req)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  await new Promise<void>((ok, fail) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      fail(
        e.code === "EADDRINUSE"
          ? new PerformiaError(
              `port ${options.port ?? 0} on ${host} is already in use (another Performia engine?)`,
              "PORT_IN_USE",
              "stop the other engine, or choose another port with --port",
            )
          : e,
      ),
    );
    server.listen(options.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    wsUrl: `ws://${shown}:${port}`,
    port,
    close: async () => {
      await live.close();
      wsHandler.broadcastReconnectNotification();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
