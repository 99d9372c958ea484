"use client";
/**
 * Latency: for one session, each stage's time per block (distribution and percentiles against
 * the block's budget), the engine's time over the session, the device's round trip, asynchrony
 * per beat over time, missed analysis deadlines, overflows and underflows; and every session's
 * figures side by side.
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useMemo } from "react";
import type uPlot from "uplot";
import { EngineError } from "@/components/engine-state";
import { AXIS, Plot, type PlotOptions } from "@/components/plot";
import { dateTime, ms } from "@/lib/format";
import { useEngine } from "../providers";

const STAGE_COLORS = ["#b4bccb", "#7cc4ff", "#6ee7a0", "#c3a6ff", "#ff9ad5", "#ffc94d"];

function LatencyView() {
  const engine = useEngine();
  const router = useRouter();
  const params = useSearchParams();
  const overview = useQuery({
    queryKey: ["sessions.latencyOverview"],
    queryFn: () => engine.client.sessions.latencyOverview.query(),
  });
  const rows = overview.data ?? [];
  const newestLive = [...rows]
    .filter((r) => r.live)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  const name = params.get("session") ?? newestLive?.name ?? rows[0]?.name ?? null;
  const one = useQuery({
    queryKey: ["sessions.latency", name],
    queryFn: () => engine.client.sessions.latency.query({ name: name! }),
    enabled: name !== null,
  });

  const charts = useMemo(() => {
    const l = one.data;
    if (!l) return null;
    const r = l.report;
    const edges = r.histogramEdgesMs;
    // Bins are log-spaced: the x axis is the bin, labelled with its lower edge in ms.
    const bins = r.stages[0]?.histogram.map((_c, i) => i) ?? [];
    const edgeLabel = (i: number): string => {
      const e = edges[Math.round(i)];
      if (e === undefined) return "";
      return e < 0.1 ? e.toFixed(3) : e < 1 ? e.toFixed(2) : e < 10 ? e.toFixed(1) : e.toFixed(0);
    };
    const histogram: { options: PlotOptions; data: uPlot.AlignedData } = {
      options: {
        height: 240,
        scales: { x: { time: false } },
        axes: [
          { ...AXIS, label: "ms per block (log scale)", values: (_u, v) => v.map(edgeLabel) },
          { ...AXIS, label: "blocks" },
        ],
        series: [
          { label: "from ms", value: (_u, v) => (v === null ? "–" : edgeLabel(v)) },
          ...r.stages.map((s, i) => ({
            label: s.name,
            stroke: STAGE_COLORS[i % STAGE_COLORS.length]!,
            width: s.key === "engineMs" ? 2.5 : 1.5,
            points: { show: false },
          })),
        ],
      },
      data: [bins, ...r.stages.map((s) => s.histogram)] as uPlot.AlignedData,
    };
    const times = r.series.map((s) => s.t);
    const overTime: { options: PlotOptions; data: uPlot.AlignedData } = {
      options: {
        height: 200,
        scales: { x: { time: false } },
        axes: [
          { ...AXIS, label: "seconds" },
          { ...AXIS, label: "ms" },
        ],
        series: [
          {},
          { label: "median", stroke: "#6ee7a0", width: 1.5, points: { show: false } },
          { label: "worst", stroke: "#ff8080", width: 1.5, points: { show: false } },
          { label: "budget", stroke: "#ffc94d", dash: [6, 4], width: 1, points: { show: false } },
        ],
      },
      data: [times, r.series.map((s) => s.p50), r.series.map((s) => s.max), times.map(() => r.budgetMs)],
    };
    const beats = l.asynchrony.perBeat;
    const asynchrony: { options: PlotOptions; data: uPlot.AlignedData } = {
      options: {
        height: 200,
        scales: { x: { time: false } },
        axes: [
          { ...AXIS, label: "seconds" },
          { ...AXIS, label: "band − performer, ms" },
        ],
        series: [
          {},
          {
            label: "asynchrony per beat",
            stroke: "#7cc4ff",
            width: 0,
            points: { show: true, size: 6, fill: "#7cc4ff" },
          },
        ],
      },
      data: [beats.map((b) => b.t), beats.map((b) => b.ms)],
    };
    return { histogram, overTime, asynchrony };
  }, [one.data]);

  // Across sessions: each live session's distribution of the engine's time per block, as the
  // share of its blocks per bin (sessions of any length side by side).
  const across = useMemo(() => {
    const live = (overview.data ?? []).filter((s) => s.live && s.blocks > 0).slice(0, 8);
    const first = live[0];
    if (!first) return null;
    const edges = first.histogramEdgesMs;
    const label = (i: number): string => {
      const e = edges[Math.round(i)];
      if (e === undefined) return "";
      return e < 0.1 ? e.toFixed(3) : e < 1 ? e.toFixed(2) : e < 10 ? e.toFixed(1) : e.toFixed(0);
    };
    const plot: { options: PlotOptions; data: uPlot.AlignedData } = {
      options: {
        height: 220,
        scales: { x: { time: false } },
        axes: [
          { ...AXIS, label: "engine ms per block (log scale)", values: (_u, v) => v.map(label) },
          { ...AXIS, label: "% of blocks" },
        ],
        series: [
          { label: "from ms", value: (_u, v) => (v === null ? "–" : label(v)) },
          ...live.map((s, i) => ({
            label: `${s.songTitle} ${dateTime(s.createdAt)}`,
            stroke: STAGE_COLORS[(i + 1) % STAGE_COLORS.length]!,
            width: 1.5,
            points: { show: false },
          })),
        ],
      },
      data: [
        first.engineHistogram.map((_c, i) => i),
        ...live.map((s) => s.engineHistogram.map((c) => (100 * c) / s.blocks)),
      ] as uPlot.AlignedData,
    };
    return plot;
  }, [overview.data]);

  if (overview.error) return <EngineError error={overview.error} retry={() => void overview.refetch()} />;
  if (overview.data && rows.length === 0)
    return (
      <div className="notice empty">
        No sessions yet. Perform live (the Live page, or <code>npm start</code>) to see its latency here.
      </div>
    );
  const l = one.data;
  const r = l?.report;
  return (
    <section className="page latency-page">
      <div className="page-head">
        <h1>Latency</h1>
        <label className="tools">
          Session
          <select
            aria-label="Session"
            value={name ?? ""}
            onChange={(e) => router.push(`/latency?session=${encodeURIComponent(e.target.value)}`)}
          >
            {rows.map((s) => (
              <option key={s.name} value={s.name}>
                {s.songTitle} · {dateTime(s.createdAt)} {s.live ? "(live)" : "(from a file)"}
              </option>
            ))}
          </select>
        </label>
      </div>
      {one.error ? <EngineError error={one.error} /> : null}
      {l && r ? (
        <>
          <p className="muted">
            <Link href={`/replay/${encodeURIComponent(l.name)}`}>{l.songTitle}</Link> ·{" "}
            {dateTime(l.createdAt)} · <code>{l.name}</code>
          </p>
          {!r.live ? (
            <div className="notice">
              This session was played from a file, so it has no per-block timings: only live sessions record
              them.
            </div>
          ) : null}
          <div className="figures" data-figures>
            <div>
              <span className="label">blocks</span>
              <b data-figure="blocks">{r.blocks}</b>
            </div>
            <div>
              <span className="label">budget per block</span>
              <b>{ms(r.budgetMs, 2)}</b>
            </div>
            <div>
              <span className="label">device round trip</span>
              <b data-figure="round-trip">{l.roundTrip ? ms(l.roundTrip.roundTripMs, 1) : "–"}</b>
              {l.roundTrip ? <span className="muted"> ({l.roundTrip.source})</span> : null}
            </div>
            <div>
              <span className="label">underflows</span>
              <b data-figure="underflows">{r.underflows}</b>
            </div>
            <div>
              <span className="label">overflows</span>
              <b data-figure="overflows">{r.overflows}</b>
            </div>
            <div>
              <span className="label">missed analysis deadlines</span>
              <b data-figure="missed">{r.missedHops}</b>
            </div>
            <div>
              <span className="label">asynchrony median / p95</span>
              <b data-figure="asynchrony">
                {ms(l.asynchrony.medianMs, 1)} / {ms(l.asynchrony.p95AbsMs, 1)}
              </b>
            </div>
          </div>
          {r.live ? (
            <>
              <h2>Time per block, by stage</h2>
              <table className="stages">
                <thead>
                  <tr>
                    <th scope="col">stage</th>
                    <th scope="col">p50</th>
                    <th scope="col">p95</th>
                    <th scope="col">p99</th>
                    <th scope="col">max</th>
                    <th scope="col">p99 against the budget</th>
                  </tr>
                </thead>
                <tbody>
                  {r.stages
                    .filter((s) => s.blocks > 0)
                    .map((s) => (
                      <tr key={s.key} data-stage={s.key} title={s.about}>
                        <th scope="row">{s.name}</th>
                        <td>{ms(s.p50, 2)}</td>
                        <td>{ms(s.p95, 2)}</td>
                        <td>{ms(s.p99, 2)}</td>
                        <td>{ms(s.max, 2)}</td>
                        <td>
                          <span className="budget-bar">
                            <span
                              className="used"
                              data-over={s.p99 > r.budgetMs ? "1" : "0"}
                              style={{ transform: `scaleX(${Math.min(1, s.p99 / r.budgetMs)})` }}
                            />
                          </span>{" "}
                          {((100 * s.p99) / r.budgetMs).toFixed(0)} %
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
              {charts ? (
                <>
                  <h2>Distribution per stage</h2>
                  <Plot label="Histogram of the time per block of each stage" {...charts.histogram} />
                  <h2>Engine time over the session</h2>
                  <Plot
                    label="The engine's median and worst time per block, each second"
                    {...charts.overTime}
                  />
                </>
              ) : null}
              {r.deviceEvents.length > 0 ? (
                <p className="muted">
                  The device fell behind at:{" "}
                  {r.deviceEvents
                    .slice(0, 20)
                    .map((e) => `${e.t.toFixed(1)} s (${e.kind})`)
                    .join(", ")}
                  {r.deviceEvents.length > 20 ? ", …" : ""}
                </p>
              ) : null}
            </>
          ) : null}
          {charts && l.asynchrony.perBeat.length > 0 ? (
            <>
              <h2>Asynchrony per beat</h2>
              <Plot
                label="The band's note minus the performer's beat, for each beat"
                {...charts.asynchrony}
              />
            </>
          ) : null}
          {r.missedHops > 0 ? (
            <p className="muted">
              Missed analysis deadlines at:{" "}
              {r.missedAt
                .slice(0, 20)
                .map((t) => `${t.toFixed(2)} s`)
                .join(", ")}
            </p>
          ) : null}
        </>
      ) : null}

      <h2>Across sessions</h2>
      {across ? (
        <Plot
          label="The engine's time per block in each live session, as a share of its blocks"
          {...across}
        />
      ) : null}
      <table className="sessions overview">
        <thead>
          <tr>
            <th scope="col">session</th>
            <th scope="col">blocks</th>
            <th scope="col">engine p50 / p99 / max</th>
            <th scope="col">underflows</th>
            <th scope="col">overflows</th>
            <th scope="col">missed</th>
            <th scope="col">round trip</th>
            <th scope="col">asynchrony median / p95</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.name} data-overview={s.name} aria-current={s.name === name ? "true" : undefined}>
              <td>
                <Link href={`/latency?session=${encodeURIComponent(s.name)}`}>{s.songTitle}</Link>
                <span className="file">{dateTime(s.createdAt)}</span>
              </td>
              <td className="num">{s.live ? s.blocks : "from a file"}</td>
              <td className="num">
                {s.live ? `${ms(s.engineP50, 2)} / ${ms(s.engineP99, 2)} / ${ms(s.engineMax, 1)}` : "–"}
              </td>
              <td className="num">{s.live ? s.underflows : "–"}</td>
              <td className="num">{s.live ? s.overflows : "–"}</td>
              <td className="num">{s.missedHops}</td>
              <td className="num">{ms(s.roundTripMs, 1)}</td>
              <td className="num">
                {ms(s.asynchronyMedianMs, 1)} / {ms(s.asynchronyP95Ms, 1)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export default function LatencyPage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <LatencyView />
    </Suspense>
  );
}
