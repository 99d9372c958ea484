"use client";
/**
 * The live stream in the browser: the engine's frames (about 30 a second) kept in a ref for
 * drawing at the display's rate, and the performance's state polled twice a second. Browser only.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { LiveFrame, LiveNote } from "@performia/protocol";
import type { Engine } from "./engine";

export interface LiveView {
  /** The newest frame, and when it arrived (performance.now()). */
  readonly frame: LiveFrame | null;
  readonly receivedAt: number;
  /** Notes per agent, newest last (a few seconds' worth), with the frame time they came in. */
  readonly notes: Map<string, LiveNote[]>;
  readonly frames: number;
}

const NOTES_KEPT_SECONDS = 6;

/**
 * Subscribe to `live.stream`. Returns a ref that always holds the newest view (read it in
 * requestAnimationFrame) and a counter that changes with every frame (for React to re-render
 * the few things that show text).
 */
export function useLiveStream(engine: Engine): {
  view: React.RefObject<LiveView>;
  tick: number;
  error: unknown;
} {
  const view = useRef<LiveView>({ frame: null, receivedAt: 0, notes: new Map(), frames: 0 });
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const sub = engine.client.live.stream.subscribe(undefined, {
      onData: (frame: LiveFrame) => {
        const v = view.current;
        const notes = v.notes;
        // A new performance (its clock went back): forget the last one's notes.
        if (v.frame && frame.t < v.frame.t) notes.clear();
        for (const n of frame.notes) {
          let list = notes.get(n.agent);
          if (!list) notes.set(n.agent, (list = []));
          list.push(n);
        }
        for (const list of notes.values()) {
          let drop = 0;
          while (drop < list.length && list[drop]!.start < frame.t - NOTES_KEPT_SECONDS) drop++;
          if (drop > 0) list.splice(0, drop);
        }
        view.current = { frame, receivedAt: performance.now(), notes, frames: v.frames + 1 };
        setTick((t) => (t + 1) % 1_000_000);
        setError(null);
      },
      onError: (e: unknown) => setError(e),
    });
    return () => sub.unsubscribe();
  }, [engine]);
  return { view, tick, error };
}

/** `live.state`, twice a second. */
export function useLiveState(engine: Engine) {
  return useQuery({
    queryKey: ["live.state"],
    queryFn: () => engine.client.live.state.query(),
    refetchInterval: 500,
  });
}

/** Beats since bar 1 at `now`, carried on from the last frame at its tempo (frames come every ~33 ms). */
export function beatsNow(v: LiveView, now: number, playing: boolean): number | null {
  const f = v.frame;
  if (!f) return null;
  if (!playing) return f.position.beats;
  const ahead = Math.min(0.25, Math.max(0, (now - v.receivedAt) / 1000));
  return f.position.beats + (ahead * f.tempo) / 60;
}
