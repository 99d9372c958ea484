/**
 * The engine's server: tRPC over WebSocket (and plain HTTP for queries), and the recorded
 * input of a session as a WAV file for playback. Bound to 127.0.0.1 unless configured
 * otherwise; bound beyond the loopback, every request needs the token.
 */
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
        const msg = e instanceof Error ? e.message : String(e);
        return void res
          .writeHead(e instanceof PerformiaError ? 404 : 500, { "content-type": "text/plain" })
          .end(`${msg}\n`);
      }
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
