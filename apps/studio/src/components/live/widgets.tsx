"use client";
/**
 * The live page's instruments: the beat, the tuner, the input level, each agent's notes and the
 * latency strip. Whatever moves with the music is drawn in requestAnimationFrame from the newest
 * frame (carried on at its tempo between frames), not by React renders.
 */
import { useEffect, useRef } from "react";
import type { LiveFrame } from "@performia/protocol";
import { ms } from "@/lib/format";
import { beatsNow, type LiveView } from "@/lib/live";

/** Runs `draw` at the display's rate while mounted. */
function useAnimation(draw: (now: number) => void, deps: unknown[]): void {
  const f = useRef(draw);
  f.current = draw;
  useEffect(() => {
    let raf = 0;
    const loop = (now: number): void => {
      f.current(now);
      raf = requestAnimationFrame(loop);
    };
    raf = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(raf);
  }, deps);
}

/** The beat: one lamp per beat of the bar, the current one lit, flashing on the beat itself. */
export function BeatIndicator({
  view,
  beatsPerBar,
  playing,
}: {
  view: React.RefObject<LiveView>;
  beatsPerBar: number;
  playing: boolean;
}) {
  const lamps = useRef<(HTMLSpanElement | null)[]>([]);
  const number = useRef<HTMLSpanElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useAnimation(
    (now) => {
      const b = beatsNow(view.current, now, playing);
      if (b === null) return;
      const whole = Math.floor(b);
      const inBar = ((whole % beatsPerBar) + beatsPerBar) % beatsPerBar;
      const flash = playing && b - whole < 0.18;
      lamps.current.forEach((l, i) => {
        if (!l) return;
        l.dataset.on = i === inBar ? "1" : "0";
        l.dataset.flash = i === inBar && flash ? "1" : "0";
      });
      if (number.current) number.current.textContent = String(inBar + 1);
      if (box.current) {
        box.current.dataset.beat = String(inBar + 1);
        box.current.dataset.countIn = b < 0 ? "1" : "0";
      }
    },
    [playing, beatsPerBar],
  );
  return (
    <div className="beat" ref={box} aria-label="Beat">
      <span className="beat-number" ref={number}>
        –
      </span>
      <div className="beat-lamps">
        {Array.from({ length: beatsPerBar }, (_, i) => (
          <span
            key={i}
            className="lamp"
            ref={(el) => {
              lamps.current[i] = el;
            }}
          />
        ))}
      </div>
    </div>
  );
}

/** A tuner: the note heard, and a needle for how many cents off it is. */
export function Tuner({ pitch }: { pitch: LiveFrame["pitch"] | null }) {
  const cents = pitch?.cents ?? null;
  const inTune = cents !== null && Math.abs(cents) <= 10;
  return (
    <div className="tuner" aria-label="Pitch">
      <div className={`tuner-note${inTune ? " in-tune" : ""}`} data-note={pitch?.note ?? ""}>
        {pitch?.note ?? "–"}
      </div>
      <div className="tuner-scale" aria-hidden>
        <span className="tuner-centre" />
        {cents !== null ? (
          <span className="tuner-needle" style={{ left: `${50 + Math.max(-50, Math.min(50, cents))}%` }} />
        ) : null}
      </div>
      <div className="tuner-figures">
        {pitch?.hz ? `${pitch.hz.toFixed(1)} Hz` : "no pitch"}
        {cents !== null ? ` · ${cents > 0 ? "+" : ""}${Math.round(cents)} ¢` : ""}
      </div>
    </div>
  );
}

/** The input level, −60 to 0 dBFS. */
export function LevelMeter({ view }: { view: React.RefObject<LiveView> }) {
  const bar = useRef<HTMLDivElement>(null);
  const text = useRef<HTMLSpanElement>(null);
  useAnimation((_now) => {
    const db = view.current.frame?.level.db ?? null;
    const x = db === null ? 0 : Math.max(0, Math.min(1, (db + 60) / 60));
    if (bar.current) {
      bar.current.style.transform = `scaleX(${x})`;
      bar.current.dataset.hot = db !== null && db > -3 ? "1" : "0";
    }
    if (text.current) text.current.textContent = db === null ? "silence" : `${db.toFixed(0)} dBFS`;
  }, []);
  return (
    <div className="level" aria-label="Input level">
      <div className="level-track">
        <div className="level-bar" ref={bar} />
      </div>
      <span className="level-text" ref={text} />
    </div>
  );
}

const ROLL_SECONDS = 4;

/** An agent's notes over the last seconds, as a small piano roll (newest at the right). */
export function NoteRoll({
  view,
  agent,
  color,
}: {
  view: React.RefObject<LiveView>;
  agent: string;
  color: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useAnimation(
    (now) => {
      const c = canvas.current;
      const v = view.current;
      if (!c || !v.frame) return;
      const g = c.getContext("2d");
      if (!g) return;
      const w = c.width;
      const h = c.height;
      g.clearRect(0, 0, w, h);
      const notes = v.notes.get(agent);
      if (!notes || notes.length === 0) return;
      const t = v.frame.t + Math.min(0.25, (now - v.receivedAt) / 1000);
      let lo = 127;
      let hi = 0;
      for (const n of notes) {
        lo = Math.min(lo, n.midi);
        hi = Math.max(hi, n.midi);
      }
      const span = Math.max(12, hi - lo + 1);
      const mid = (lo + hi) / 2;
      g.fillStyle = color;
      for (const n of notes) {
        const x = w - ((t - n.start) / ROLL_SECONDS) * w;
        const len = Math.max(2, (n.duration / ROLL_SECONDS) * w);
        if (x + len < 0 || x > w) continue;
        const y = h / 2 - ((n.midi - mid) / span) * (h - 4) - 2;
        g.globalAlpha = 0.35 + (0.65 * n.velocity) / 127;
        g.fillRect(x, y, len, 4);
      }
      g.globalAlpha = 1;
    },
    [agent, color],
  );
  return <canvas ref={canvas} className="roll" width={320} height={44} aria-hidden />;
}

/** Latency: the engine's time per block against its budget, the analysis wait, the round trip, the device. */
export function LatencyStrip({
  frame,
  streamAgeP95,
}: {
  frame: LiveFrame | null;
  streamAgeP95: number | null;
}) {
  if (!frame) return <div className="latency muted">Latency figures appear while the band plays.</div>;
  const l = frame.latency;
  const d = frame.device;
  const share = Math.min(1, l.blockMs.p99 / l.budgetMs);
  return (
    <div className="latency" aria-label="Latency">
      <div className="latency-block" title="engine time per block, p99, against the block's real-time budget">
        <span className="label">block p99</span>
        <span className="value" data-figure="block-p99">
          {ms(l.blockMs.p99)}
        </span>
        <span className="budget">
          <span
            className="used"
            style={{ transform: `scaleX(${share})` }}
            data-over={share >= 1 ? "1" : "0"}
          />
        </span>
        <span className="muted">of {ms(l.budgetMs)}</span>
      </div>
      <div>
        <span className="label">p50</span> {ms(l.blockMs.p50)} <span className="label">max</span>{" "}
        {ms(l.blockMs.max)}
      </div>
      <div>
        <span className="label">analysis</span> {ms(l.analysisWaitMs.p50)} / {ms(l.analysisWaitMs.p99)}
      </div>
      <div>
        <span className="label">round trip</span> {ms(l.roundTripMs)}
      </div>
      <div title="how old the stream's frames are when they reach this page (95th percentile); the beat shown is carried on from when the engine made them">
        <span className="label">stream</span>{" "}
        <span data-figure="stream-age">{streamAgeP95 === null ? "–" : ms(streamAgeP95, 1)}</span>
      </div>
      <div data-figure="device">
        <span className="label">device</span> {d.status} · {d.underflows} underflows · {d.overflows} overflows
        {d.losses > 0 ? ` · lost ${d.losses}× (${d.lostSeconds.toFixed(1)} s)` : ""}
      </div>
    </div>
  );
}
