"use client";
/**
 * Compare: two sessions, or a session against a fresh replay of it under the current code, on one
 * timeline: the decisions added, removed and changed (per agent, where they fall), the tempo
 * curves overlaid, and the figures side by side.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useMemo, useRef } from "react";
import type uPlot from "uplot";
import { EngineError } from "@/components/engine-state";
import { AXIS, Plot, type PlotOptions } from "@/components/plot";
import type { EngineClient } from "@/lib/engine";
import { errorText } from "@/lib/engine";
import { ms } from "@/lib/format";
import { useEngine } from "../providers";

type Comparison = Awaited<ReturnType<EngineClient["sessions"]["compare"]["query"]>>;
type Divergence = Comparison["diff"]["divergences"][number];

const KIND_COLOR = { added: "#6ee7a0", removed: "#ff8080", changed: "#ffc94d" } as const;

function noteName(midi: number): string {
  const names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
  return `${names[midi % 12]}${Math.floor(midi / 12) - 1}`;
}

function when(d: Divergence, sr: number): number {
  const x = d.expected ?? d.actual;
  return x ? x.startFrame / sr : 0;
}

/** Where the decisions differ: one row per agent, a mark per divergence, coloured by kind. */
function DiffTimeline({ c }: { c: Comparison }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const agents = Object.keys(c.diff.perAgent);
  const sr = c.a.sampleRate;
  const duration = Math.max(
    1,
    ...c.a.tempo.map((p) => p.t),
    ...c.b.tempo.map((p) => p.t),
    ...c.diff.divergences.map((d) => when(d, sr)),
  );
  useEffect(() => {
    const el = canvas.current;
    const g = el?.getContext("2d");
    if (!el || !g) return;
    el.width = el.clientWidth;
    const w = el.width;
    const label = 84;
    g.clearRect(0, 0, w, el.height);
    g.font = "12px system-ui, sans-serif";
    g.textBaseline = "middle";
    agents.forEach((a, i) => {
      const y = i * 24;
      g.fillStyle = "#12151b";
      g.fillRect(label, y + 2, w - label, 20);
      g.fillStyle = "#b4bccb";
      g.fillText(a, 6, y + 12);
    });
    for (const d of c.diff.divergences) {
      const i = agents.indexOf(d.agent);
      if (i < 0) continue;
      const x = label + (when(d, sr) / duration) * (w - label);
      g.fillStyle = KIND_COLOR[d.kind];
      g.fillRect(x - 1.5, i * 24 + 4, 3, 16);
    }
  }, [c, agents, sr, duration]);
  return (
    <canvas
      ref={canvas}
      className="diff-timeline"
      height={Math.max(24, agents.length * 24)}
      role="img"
      aria-label={`Decisions that differ, per agent, over ${duration.toFixed(0)} s`}
    />
  );
}

function tempoPlot(c: Comparison): { options: PlotOptions; data: uPlot.AlignedData } {
  // One x axis for both curves: the union of their times, each curve's own values, gaps spanned.
  const xs = [...new Set([...c.a.tempo.map((p) => p.t), ...c.b.tempo.map((p) => p.t)])].sort((x, y) => x - y);
  const at = (curve: { t: number; bpm: number }[]): (number | null)[] => {
    const m = new Map(curve.map((p) => [p.t, p.bpm]));
    return xs.map((x) => m.get(x) ?? null);
  };
  return {
    options: {
      height: 220,
      scales: { x: { time: false } },
      axes: [
        { ...AXIS, label: "seconds" },
        { ...AXIS, label: "BPM" },
      ],
      series: [
        {},
        { label: "A", stroke: "#7cc4ff", width: 2, spanGaps: true, points: { show: false } },
        { label: "B", stroke: "#ffc94d", width: 2, dash: [6, 3], spanGaps: true, points: { show: false } },
      ],
    },
    data: [xs, at(c.a.tempo), at(c.b.tempo)] as uPlot.AlignedData,
  };
}

/** The sessions to choose from, by song and file name. */
function SessionOptions({ sessions }: { sessions: readonly { name: string; songTitle: string }[] }) {
  return (
    <>
      {sessions.map((s) => (
        <option key={s.name} value={s.name}>
          {s.songTitle} · {s.name}
        </option>
      ))}
    </>
  );
}

function CompareView() {
  const engine = useEngine();
  const router = useRouter();
  const params = useSearchParams();
  const a = params.get("a");
  const b = params.get("b");
  const rerun = params.get("rerun") === "1";
  const list = useQuery({
    queryKey: ["sessions", {}],
    queryFn: () => engine.client.sessions.list.query({}),
  });
  const two = useQuery({
    queryKey: ["sessions.compare", a, b],
    queryFn: () => engine.client.sessions.compare.query({ a: a!, b: b! }),
    enabled: Boolean(a && b && !rerun),
  });
  const replayNow = useMutation({
    mutationFn: (name: string) => engine.client.sessions.rerun.mutate({ name }),
  });
  const { mutate } = replayNow;
  useEffect(() => {
    if (a && rerun) mutate(a);
  }, [a, rerun, mutate]);
  const c: Comparison | undefined = rerun ? replayNow.data : two.data;
  const tempo = useMemo(() => (c ? tempoPlot(c) : null), [c]);

  const go = (next: { a?: string | null; b?: string | null; rerun?: boolean }): void => {
    const q = new URLSearchParams();
    const na = next.a !== undefined ? next.a : a;
    const nb = next.b !== undefined ? next.b : b;
    const nr = next.rerun ?? rerun;
    if (na) q.set("a", na);
    if (nr) q.set("rerun", "1");
    else if (nb) q.set("b", nb);
    router.push(`/compare?${q.toString()}`);
  };

  if (list.error) return <EngineError error={list.error} retry={() => void list.refetch()} />;
  const sessions = list.data?.sessions ?? [];
  const error = rerun ? replayNow.error : two.error;
  return (
    <section className="page compare">
      <div className="page-head">
        <h1>Compare</h1>
        <div className="tools">
          <label>
            A{" "}
            <select
              aria-label="Session A"
              value={a ?? ""}
              onChange={(e) => go({ a: e.target.value || null })}
            >
              <option value="">choose a session</option>
              <SessionOptions sessions={sessions} />
            </select>
          </label>
          <label>
            B{" "}
            <select
              aria-label="Session B"
              value={rerun ? "::rerun" : (b ?? "")}
              onChange={(e) =>
                e.target.value === "::rerun"
                  ? go({ rerun: true })
                  : go({ b: e.target.value || null, rerun: false })
              }
            >
              <option value="">choose a session</option>
              <option value="::rerun">A replayed now, under the current code</option>
              <SessionOptions sessions={sessions} />
            </select>
          </label>
        </div>
      </div>
      {!a ? <p className="muted">Choose a session A, and B: another session, or A replayed now.</p> : null}
      {rerun && replayNow.isPending ? <p className="muted">Replaying {a} under the current code…</p> : null}
      {error ? (
        <div className="notice error" role="alert">
          Could not compare: {errorText(error)}
        </div>
      ) : null}
      {c ? (
        <>
          <div
            className={`notice ${c.diff.identical ? "ok" : "error"}`}
            role="status"
            data-identical={c.diff.identical ? "1" : "0"}
          >
            {c.diff.identical
              ? `All ${c.diff.expectedCount} decisions are identical.`
              : `${c.diff.divergences.length} decisions differ (A ${c.diff.expectedCount}, B ${c.diff.actualCount}).`}
          </div>
          <h2>Decisions, per agent</h2>
          <table className="sessions diff">
            <thead>
              <tr>
                <th scope="col">agent</th>
                <th scope="col">same</th>
                <th scope="col" style={{ color: KIND_COLOR.changed }}>
                  changed
                </th>
                <th scope="col" style={{ color: KIND_COLOR.added }}>
                  added
                </th>
                <th scope="col" style={{ color: KIND_COLOR.removed }}>
                  removed
                </th>
                <th scope="col">notes A</th>
                <th scope="col">notes B</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(c.diff.perAgent).map(([agent, n]) => (
                <tr key={agent} data-agent={agent}>
                  <th scope="row">{agent}</th>
                  <td className="num">{n.same}</td>
                  <td className="num">{n.changed}</td>
                  <td className="num">{n.added}</td>
                  <td className="num">{n.removed}</td>
                  <td className="num">{c.a.notesPerAgent[agent] ?? 0}</td>
                  <td className="num">{c.b.notesPerAgent[agent] ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <DiffTimeline c={c} />
          {c.diff.divergences.length > 0 ? (
            <ul className="divergences">
              {c.diff.divergences.slice(0, 30).map((d, i) => (
                <li key={i} data-kind={d.kind}>
                  <span className="kind" style={{ color: KIND_COLOR[d.kind] }}>
                    {d.kind}
                  </span>{" "}
                  {when(d, c.a.sampleRate).toFixed(2)} s · {d.agent}:{" "}
                  {d.expected ? `${noteName(d.expected.pitch)} vel ${d.expected.velocity}` : "–"} →{" "}
                  {d.actual ? `${noteName(d.actual.pitch)} vel ${d.actual.velocity}` : "–"}
                </li>
              ))}
            </ul>
          ) : null}
          <h2>Tempo</h2>
          {tempo ? <Plot label="Tempo curves of A and B, overlaid" {...tempo} /> : null}
          <h2>Figures</h2>
          <table className="sessions figures-table">
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">A: {c.a.name}</th>
                <th scope="col">B: {c.b.name}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">beats the band answered</th>
                <td className="num">{c.a.asynchrony.beats}</td>
                <td className="num">{c.b.asynchrony.beats}</td>
              </tr>
              <tr>
                <th scope="row">asynchrony median</th>
                <td className="num" data-figure="a-median">
                  {ms(c.a.asynchrony.medianMs, 1)}
                </td>
                <td className="num">{ms(c.b.asynchrony.medianMs, 1)}</td>
              </tr>
              <tr>
                <th scope="row">asynchrony p95 |·|</th>
                <td className="num">{ms(c.a.asynchrony.p95AbsMs, 1)}</td>
                <td className="num">{ms(c.b.asynchrony.p95AbsMs, 1)}</td>
              </tr>
              <tr>
                <th scope="row">beats heard</th>
                <td className="num">{c.a.analysis.beats}</td>
                <td className="num">{c.b.analysis.beats}</td>
              </tr>
              <tr>
                <th scope="row">onsets heard</th>
                <td className="num">{c.a.analysis.onsets ?? "–"}</td>
                <td className="num">{c.b.analysis.onsets ?? "not kept by a replay"}</td>
              </tr>
              <tr>
                <th scope="row">missed analysis deadlines</th>
                <td className="num">{c.a.analysis.missedHops}</td>
                <td className="num">{c.b.analysis.missedHops}</td>
              </tr>
            </tbody>
          </table>
          <p className="muted">
            {a ? <Link href={`/replay/${encodeURIComponent(a)}`}>Open A</Link> : null}
            {b && !rerun ? (
              <>
                {" · "}
                <Link href={`/replay/${encodeURIComponent(b)}`}>Open B</Link>
              </>
            ) : null}
          </p>
        </>
      ) : null}
    </section>
  );
}

export default function ComparePage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <CompareView />
    </Suspense>
  );
}
