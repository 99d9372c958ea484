/**
 * The control API (tRPC 11): sessions, their data and annotations, comparison and re-runs.
 * Every input is validated with zod; a bad call gets a clear error and changes nothing. Runs on
 * the engine's main thread, never on the audio path.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  describeIssues,
  LiveStartInput,
  PerformiaError,
  SessionStatus,
  SettingsPatch,
} from "@performia/protocol";
import { ENGINE_VERSION } from "../paths.js";
import { AnnotationInput } from "../session/index.js";
import { LIVE_CONFLICTS, type LiveController } from "./live.js";
import { SESSION_NAME, type SessionStore } from "./sessions.js";
import { catalog, songChart, songList } from "./songs.js";

export interface ApiContext {
  readonly sessions: SessionStore;
  readonly live: LiveController;
  /** Bytes the caller's connection has waiting to be sent (a slow client's grows). */
  readonly backlog: () => number;
}

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // A bad input says which field and why, one line each (not zod's JSON).
      ...(cause instanceof z.ZodError ? { message: describeIssues(cause, "bad input") } : {}),
      data: {
        ...shape.data,
        performia: cause instanceof PerformiaError ? { code: cause.code, hint: cause.hint ?? null } : null,
      },
    };
  },
});

/**
 * PerformiaErrors (a person's mistake) become BAD_REQUEST with their message, or CONFLICT when
 * the call is right but not now (a performance already running, none to stop); others are bugs.
 */
const errors = t.middleware(async ({ next }) => {
  const r = await next();
  if (!r.ok && r.error.cause instanceof PerformiaError) {
    const code = LIVE_CONFLICTS.has(r.error.cause.code) ? "CONFLICT" : "BAD_REQUEST";
    throw new TRPCError({ code, message: r.error.cause.message, cause: r.error.cause });
  }
  return r;
});
const procedure = t.procedure.use(errors);

const SessionName = z.string().regex(SESSION_NAME, "a session name is a file name ending in .performia");
const AnnotationId = z.number().int().positive();

export const appRouter = t.router({
  engine: t.router({
    info: procedure.query(({ ctx }) => ({
      version: ENGINE_VERSION,
      sessionsDir: ctx.sessions.dir,
      ...catalog(),
    })),
  }),
  songs: t.router({
    /** The example songs. */
    list: procedure.query(() => songList()),
    /** A song's chart bar by bar as the band plays it (the bars `live.stream` counts). */
    chart: procedure
      .input(z.object({ song: z.string().min(1).max(500) }))
      .query(({ input }) => songChart(input.song)),
  }),
  sessions: t.router({
    list: procedure
      .input(z.object({ query: z.string().max(200).optional(), status: SessionStatus.optional() }).optional())
      .query(({ ctx, input }) => ctx.sessions.list(input ?? {})),
    data: procedure
      .input(z.object({ name: SessionName }))
      .query(({ ctx, input }) => ctx.sessions.data(input.name)),
    delete: procedure.input(z.object({ name: SessionName })).mutation(({ ctx, input }) => {
      ctx.sessions.delete(input.name);
      return { deleted: input.name };
    }),
    import: procedure
      .input(z.object({ path: z.string().min(1) }))
      .mutation(({ ctx, input }) => ({ name: ctx.sessions.import(input.path) })),
    /** The latency dashboard of one session: stage timings, the device, asynchrony per beat. */
    latency: procedure
      .input(z.object({ name: SessionName }))
      .query(({ ctx, input }) => ctx.sessions.latency(input.name)),
    /** Every session's latency in one line, for comparison across sessions. */
    latencyOverview: procedure.query(({ ctx }) => ctx.sessions.latencyOverview()),
    compare: procedure
      .input(z.object({ a: SessionName, b: SessionName }))
      .query(({ ctx, input }) => ctx.sessions.compare(input.a, input.b)),
    rerun: procedure
      .input(z.object({ name: SessionName }))
      .mutation(({ ctx, input }) => ctx.sessions.rerun(input.name)),
  }),
  live: t.router({
    /** Start a performance on the audio device; answers with its session's name once it plays. */
    start: procedure.input(LiveStartInput).mutation(({ ctx, input }) => ctx.live.start(input)),
    /** End it at the next block; its session is complete. */
    stop: procedure.mutation(({ ctx }) => ctx.live.stop()),
    /** Change settings while it plays; recorded with the frame it answers with. */
    change: procedure.input(SettingsPatch).mutation(({ ctx, input }) => ctx.live.change(input)),
    state: procedure.query(({ ctx }) => ctx.live.status()),
    /** About 30 frames a second while a performance plays (WebSocket); a slow client misses frames. */
    stream: procedure.subscription(({ ctx, signal }) => ctx.live.stream(ctx.backlog, signal)),
  }),
  annotations: t.router({
    list: procedure
      .input(z.object({ session: SessionName }))
      .query(({ ctx, input }) => ctx.sessions.annotations(input.session)),
    add: procedure
      .input(z.object({ session: SessionName, annotation: AnnotationInput }))
      .mutation(({ ctx, input }) => ctx.sessions.annotate(input.session, input.annotation)),
    edit: procedure
      .input(z.object({ session: SessionName, id: AnnotationId, annotation: AnnotationInput }))
      .mutation(({ ctx, input }) => ctx.sessions.editAnnotation(input.session, input.id, input.annotation)),
    delete: procedure
      .input(z.object({ session: SessionName, id: AnnotationId }))
      .mutation(({ ctx, input }) => {
        ctx.sessions.deleteAnnotation(input.session, input.id);
        return { deleted: input.id };
      }),
  }),
});

export type AppRouter = typeof appRouter;
