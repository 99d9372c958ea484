"use client";
/**
 * The live stream in the browser: the engine's frames (about 30 a second) kept in a ref for
 * drawing at the display's rate, and the performance's state polled twice a second. Browser only.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import type { LiveFrame, LiveNote } from "@performia/protocol";
import type { Engine } from "./engine";

export interface LiveView {
  /** The newest frame, and when it arrived (performance.now()). */
  readonly frame: LiveFrame | null;
  readonly receivedAt: number;
  /** How old the frame was when it arrived (ms: the engine's clock to this page's, same machine). */
  readonly ageMs: number;
  /** Notes per agent, newest last (a few seconds' worth), with the frame time they came in. */
  readonly notes: Map<string, LiveNote[]>;
  readonly frames: number;
}

const NOTES_KEPT_SECONDS = 6;

/**
 * The stream's newest view, for components to read: a ref for drawing in requestAnimationFrame,
 * and a subscription for the few that show text (they re-render with each frame; the page does not).
 */
export class LiveStore {
  readonly view: { current: LiveView } = {
    current: { frame: null, receivedAt: 0, ageMs: 0, notes: new Map(), frames: 0 },
  };
  private readonly listeners = new Set<() => void>();
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  frame = (): LiveFrame | null => this.view.current.frame;
  /** The age of the last frames on arrival (about three seconds' worth). */
  private readonly ages = new Float64Array(96);
  private agesAt = 0;
  /** The q-quantile of the recent frames' age on arrival, ms (null before any frame). */
  agePercentile(q: number): number | null {
    const n = Math.min(this.agesAt, this.ages.length);
    if (n === 0) return null;
    const sorted = this.ages.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.floor(q * n))]!;
  }
  push(frame: LiveFrame): void {
    const v = this.view.current;
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
    // A clock a little off (another machine) must not carry the beat far: clamp to [0, 250] ms.
    const ageMs = Math.max(0, Math.min(250, Date.now() - frame.wallMs));
    this.ages[this.agesAt++ % this.ages.length] = ageMs;
    this.view.current = { frame, receivedAt: performance.now(), ageMs, notes, frames: v.frames + 1 };
    for (const l of this.listeners) l();
  }
}

/** Subscribe to `live.stream` for as long as the component is mounted. */
export function useLiveStream(engine: Engine): { store: LiveStore; error: unknown } {
  const [store] = useState(() => new LiveStore());
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let failed = false;
    const sub = engine.client.live.stream.subscribe(undefined, {
      onData: (frame: LiveFrame) => {
        store.push(frame);
        if (failed) {
          failed = false;
          setError(null);
        }
      },
      onError: (e: unknown) => {
        failed = true;
        setError(e);
      },
    });
    return () => sub.unsubscribe();
  }, [engine, store]);
  return { store, error };
}

/** The newest frame; the calling component re-renders with each one (about 30 a second). */
export function useLiveFrame(store: LiveStore): LiveFrame | null {
  return useSyncExternalStore(store.subscribe, store.frame, () => null);
}

/** `live.state`, twice a second. */
export function useLiveState(engine: Engine) {
  return useQuery({
    queryKey: ["live.state"],
    queryFn: () => engine.client.live.state.query(),
    refetchInterval: 500,
  });
}

/**
 * Beats since bar 1 at `now` (performance.now()), carried on at the band's tempo from when the
 * engine made the last frame (frames come every ~33 ms): the beat shown is not behind the engine
 * by the stream's delay.
 */
export function beatsNow(v: LiveView, now: number, playing: boolean): number | null {
  const f = v.frame;
  if (!f) return null;
  if (!playing) return f.position.beats;
  // From when the engine made the frame: its age on arrival, and the time since.
  const ahead = Math.min(0.25, Math.max(0, (v.ageMs + now - v.receivedAt) / 1000));
  return f.position.beats + (ahead * f.tempo) / 60;
}

export type LiveBand = LiveFrame["band"];

/**
 * The band's settings as the engine has them now (while `active`), or null; the calling component
 * re-renders only when they change, not with every frame.
 */
export function useLiveBand(store: LiveStore, active: boolean): LiveBand | null {
  const key = useSyncExternalStore(
    store.subscribe,
    () => (active && store.view.current.frame ? JSON.stringify(store.view.current.frame.band) : ""),
    () => "",
  );
  return useMemo(() => (key ? (JSON.parse(key) as LiveBand) : null), [key]);
}
