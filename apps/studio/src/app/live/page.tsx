"use client";
/**
 * Live: perform with the band. The Living Chart, the beat, tempo and follow mode, the pitch and
 * chord heard, the input level, each agent (on/off, volume, its notes), style and intensity,
 * start, stop and count-in, and the latency strip. Keys for a performer who is not looking:
 * space starts and stops, 1–9 switch agents, arrows change the intensity, R repeats the section.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { LiveSummary, SettingsPatch } from "@performia/protocol";
import type { Chart } from "@performia/engine";
import { EngineError } from "@/components/engine-state";
import { Notice, type Message } from "@/components/notice";
import { LivingChart } from "@/components/live/chart";
import { BeatIndicator, LatencyStrip, LevelMeter, NoteRoll, Tuner } from "@/components/live/widgets";
import { errorText } from "@/lib/engine";
import { useLiveBand, useLiveFrame, useLiveState, useLiveStream, type LiveStore } from "@/lib/live";
import { useEngine } from "../providers";

const FOLLOW = ["adaptive", "free", "click"] as const;
type Follow = (typeof FOLLOW)[number];
const AGENT_COLORS = [
  "#ffc94d",
  "#6ee7a0",
  "#7cc4ff",
  "#ff9ad5",
  "#c3a6ff",
  "#ffb86b",
  "#9ef0f0",
  "#f0e68c",
  "#ff8080",
];

interface AgentControl {
  on: boolean;
  volume: number;
}

export default function LivePage() {
  const engine = useEngine();
  const info = useQuery({ queryKey: ["engine.info"], queryFn: () => engine.client.engine.info.query() });
  const songs = useQuery({ queryKey: ["songs.list"], queryFn: () => engine.client.songs.list.query() });
  const state = useLiveState(engine);
  const { store, error: streamError } = useLiveStream(engine);
  const view = store.view;

  const [song, setSong] = useState("tempo-study");
  const [style, setStyle] = useState(""); // "" = the song's
  const [follow, setFollow] = useState<Follow>("adaptive");
  const [countIn, setCountIn] = useState(1);
  const [intensity, setIntensity] = useState<number | null>(null); // null = the chart's
  const [agents, setAgents] = useState<Record<string, AgentControl>>({});
  const [message, setMessage] = useState<Message | null>(null);
  const [summary, setSummary] = useState<LiveSummary | null>(null);

  const chart = useQuery({
    queryKey: ["songs.chart", song],
    queryFn: () => engine.client.songs.chart.query({ song }),
  });
  const agentNames = info.data?.agents ?? [];

  const live = state.data?.state ?? "idle";
  const performing = live === "performing";
  const busy = live === "starting" || live === "stopping";
  // The stream's values are shown while a performance plays (the last frame stays until the next).
  const active = performing || live === "stopping";
  // While the band plays, its settings are the engine's (whoever changed them), not this page's.
  const band = useLiveBand(store, active);
  const control = (name: string): AgentControl => {
    const a = band?.agents[name];
    if (a) return { on: a.enabled, volume: a.volume };
    return agents[name] ?? { on: true, volume: 0.8 };
  };
  const shownIntensity = band ? band.intensity : intensity;
  const shownStyle = band ? band.style : style;

  const start = useMutation({
    mutationFn: () =>
      engine.client.live.start.mutate({
        song,
        ...(style ? { style } : {}),
        followMode: follow,
        countInBars: countIn,
        ...(intensity !== null ? { intensity } : {}),
        agents: Object.fromEntries(
          agentNames.map((n) => [n, { on: control(n).on, volume: control(n).volume }]),
        ),
      }),
    onMutate: () => {
      setMessage(null);
      setSummary(null);
    },
    onSuccess: (r) => setMessage({ kind: "ok", text: `Recording ${r.session}.` }),
    onError: (e) => setMessage({ kind: "error", text: `Could not start: ${errorText(e)}` }),
    onSettled: () => void state.refetch(),
  });
  const stop = useMutation({
    mutationFn: () => engine.client.live.stop.mutate(),
    onSuccess: (r) => {
      setSummary(r);
      setMessage({
        kind: "ok",
        text: `Stopped after ${r.seconds.toFixed(1)} s; recorded in ${r.session ?? "-"}.`,
      });
    },
    onError: (e) => setMessage({ kind: "error", text: `Could not stop: ${errorText(e)}` }),
    onSettled: () => void state.refetch(),
  });
  const change = useMutation({
    mutationFn: (patch: SettingsPatch) => engine.client.live.change.mutate(patch),
    onError: (e) => setMessage({ kind: "error", text: `Not changed: ${errorText(e)}` }),
  });
  /** A change: kept for the next start, and sent now when the band is playing. */
  const apply = useCallback(
    (patch: SettingsPatch) => {
      if (performing) change.mutate(patch);
    },
    [performing, change],
  );

  const toggleAgent = useCallback(
    (name: string) => {
      const on = !control(name).on;
      setAgents((a) => ({ ...a, [name]: { ...control(name), on } }));
      apply({ agents: { [name]: { enabled: on } } });
    },
    [agents, band, apply],
  );
  const setIntensityTo = useCallback(
    (next: number | null) => {
      setIntensity(next);
      apply({ intensity: next });
    },
    [apply],
  );
  const startStop = useCallback(() => {
    if (busy || start.isPending || stop.isPending) return;
    if (performing) stop.mutate();
    else if (live === "idle") start.mutate();
  }, [busy, performing, live, start, stop]);

  // The performer's keys.
  const keys = useRef({
    startStop,
    toggleAgent,
    setIntensityTo,
    intensity: shownIntensity,
    agentNames,
    apply,
  });
  keys.current = { startStop, toggleAgent, setIntensityTo, intensity: shownIntensity, agentNames, apply };
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const k = keys.current;
      if (e.key === " ") {
        e.preventDefault();
        k.startStop();
      } else if (/^[1-9]$/.test(e.key)) {
        const name = k.agentNames[Number(e.key) - 1];
        if (name) k.toggleAgent(name);
      } else if (e.key === "ArrowUp" || e.key === "ArrowRight") {
        e.preventDefault();
        k.setIntensityTo(Math.min(5, (k.intensity ?? 3) + 1));
      } else if (e.key === "ArrowDown" || e.key === "ArrowLeft") {
        e.preventDefault();
        k.setIntensityTo(Math.max(1, (k.intensity ?? 3) - 1));
      } else if (e.key === "r" || e.key === "R") {
        k.apply({ form: { action: "repeat" } });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const unreachable = info.error ?? state.error;
  if (unreachable) return <EngineError error={unreachable} retry={() => void state.refetch()} />;

  const beatsPerBar = chart.data?.beatsPerBar ?? 4;
  return (
    <section className="page live">
      <div className="live-top">
        <div className="transport">
          <button
            type="button"
            className={`big ${performing ? "stop" : "start"}`}
            onClick={startStop}
            disabled={busy || start.isPending || stop.isPending || (!performing && live !== "idle")}
            aria-keyshortcuts="Space"
          >
            {live === "starting" || start.isPending
              ? "Starting…"
              : live === "stopping" || stop.isPending
                ? "Stopping…"
                : performing
                  ? "Stop"
                  : "Start"}
          </button>
          <span className={`live-state ${live}`} data-state={live}>
            {live}
          </span>
        </div>
        <label>
          Song
          <select value={song} onChange={(e) => setSong(e.target.value)} disabled={live !== "idle"}>
            {(songs.data ?? []).map((s) => (
              <option key={s.name} value={s.name}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Style
          <select
            value={shownStyle}
            onChange={(e) => {
              setStyle(e.target.value);
              if (e.target.value) apply({ style: e.target.value });
            }}
          >
            <option value="">the song&apos;s</option>
            {(info.data?.styles ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Follow
          <select
            value={follow}
            onChange={(e) => {
              const f = e.target.value as Follow;
              setFollow(f);
              apply({ followMode: f });
            }}
          >
            {FOLLOW.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <label>
          Count-in
          <select
            value={countIn}
            onChange={(e) => setCountIn(Number(e.target.value))}
            disabled={live !== "idle"}
          >
            {[0, 1, 2, 3, 4].map((n) => (
              <option key={n} value={n}>
                {n === 0 ? "none" : `${n} bar${n > 1 ? "s" : ""}`}
              </option>
            ))}
          </select>
        </label>
        <div className="intensity" role="group" aria-label="Intensity">
          <span>Intensity</span>
          <button
            type="button"
            onClick={() => setIntensityTo(Math.max(1, (shownIntensity ?? 3) - 1))}
            aria-label="Less intense"
          >
            −
          </button>
          <span className="intensity-value" data-intensity={shownIntensity ?? "chart"}>
            {shownIntensity ?? "chart"}
          </span>
          <button
            type="button"
            onClick={() => setIntensityTo(Math.min(5, (shownIntensity ?? 3) + 1))}
            aria-label="More intense"
          >
            +
          </button>
        </div>
        <button
          type="button"
          onClick={() => apply({ form: { action: "repeat" } })}
          disabled={!performing}
          aria-keyshortcuts="R"
        >
          Repeat section
        </button>
        <label>
          Jump to
          <select
            aria-label="Jump to section"
            value=""
            disabled={!performing}
            onChange={(e) => {
              if (e.target.value) apply({ form: { action: "jump", section: e.target.value } });
            }}
          >
            <option value="">section…</option>
            {(chart.data?.sections ?? []).map((sec) => (
              <option key={sec.id} value={sec.id}>
                {sec.id} ({sec.kind})
              </option>
            ))}
          </select>
        </label>
      </div>

      <Notice message={message} />
      {state.data?.error && live === "idle" ? (
        <div className="notice error" role="alert">
          The last performance ended with an error: {state.data.error}
        </div>
      ) : null}
      <DeviceNotice store={store} active={active} />
      {summary?.interrupted ? (
        <div className="notice error" role="alert">
          The session was interrupted; it is kept up to where it stopped.
        </div>
      ) : null}
      {streamError ? <EngineError error={streamError} /> : null}

      <div className="live-grid">
        <div className="live-main">
          <div className="now-playing">
            <BeatIndicator view={view} beatsPerBar={beatsPerBar} playing={performing} />
            <Readout
              store={store}
              active={active}
              follow={follow}
              chartTempo={chart.data?.song.tempo ?? null}
            />
            <LevelMeter view={view} />
          </div>
          {chart.data ? (
            <LiveChart store={store} chart={chart.data} active={active} playing={performing} />
          ) : chart.error ? (
            <EngineError error={chart.error} />
          ) : (
            <p className="muted">Loading the chart…</p>
          )}
        </div>
        <aside className="agents" aria-label="Agents">
          <h2>Band</h2>
          {agentNames.map((name, i) => {
            const c = control(name);
            return (
              <div className={`agent${c.on ? "" : " off"}`} key={name} data-agent={name}>
                <div className="agent-head">
                  <kbd>{i + 1}</kbd>
                  <button
                    type="button"
                    aria-pressed={c.on}
                    aria-label={`${name} ${c.on ? "on" : "off"}`}
                    aria-keyshortcuts={String(i + 1)}
                    onClick={() => toggleAgent(name)}
                  >
                    {name}
                  </button>
                  <RecentNotes store={store} agent={name} active={active} />
                </div>
                <input
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={c.volume}
                  aria-label={`${name} volume`}
                  onChange={(e) => {
                    const volume = Number(e.target.value);
                    setAgents((a) => ({ ...a, [name]: { ...c, volume } }));
                    apply({ agents: { [name]: { volume } } });
                  }}
                />
                <NoteRoll view={view} agent={name} color={AGENT_COLORS[i % AGENT_COLORS.length]!} />
              </div>
            );
          })}
        </aside>
      </div>
      <LiveLatency store={store} active={active} />
      <p className="keys muted">
        Keys: <kbd>space</kbd> start/stop · <kbd>1</kbd>–<kbd>9</kbd> agents on/off · <kbd>←</kbd>
        <kbd>→</kbd> intensity · <kbd>R</kbd> repeat the section
      </p>
    </section>
  );
}

// The parts of the page that change with every frame of the stream (about 30 a second): each
// re-renders on its own; the rest of the page does not.

function Readout({
  store,
  active,
  follow,
  chartTempo,
}: {
  store: LiveStore;
  active: boolean;
  follow: string;
  chartTempo: number | null;
}) {
  const f = useLiveFrame(store);
  const frame = active ? f : null;
  return (
    <>
      <div className="tempo" aria-label="Tempo">
        <span className="tempo-value" data-figure="tempo">
          {frame ? frame.tempo.toFixed(1) : (chartTempo ?? "–")}
        </span>
        <span className="muted"> BPM · {frame?.followMode ?? follow}</span>
        <div className="position" data-figure="position">
          {frame
            ? frame.position.beats < 0
              ? "count-in"
              : `${frame.position.section} · bar ${frame.position.bar} · beat ${frame.position.beat}`
            : "–"}
        </div>
      </div>
      <div className="chord" aria-label="Chord heard">
        <span className="label">chord heard</span>
        <span className="chord-value" data-figure="chord">
          {frame ? (frame.chord === "N" ? "–" : frame.chord.replace(":maj", "").replace(":min", "m")) : "–"}
        </span>
      </div>
      <Tuner pitch={frame?.pitch ?? null} />
    </>
  );
}

function DeviceNotice({ store, active }: { store: LiveStore; active: boolean }) {
  const f = useLiveFrame(store);
  if (!active || !f || f.device.status === "ok") return null;
  return (
    <div className="notice error" role="alert" data-device={f.device.status}>
      The audio device is {f.device.status === "lost" ? "gone" : "coming back"}: the band keeps its place in
      silence and plays on when the device returns. Check the cable or the sound server.
    </div>
  );
}

function LiveChart({
  store,
  chart,
  active,
  playing,
}: {
  store: LiveStore;
  chart: Chart;
  active: boolean;
  playing: boolean;
}) {
  const f = useLiveFrame(store);
  const bar = active ? (f?.position.bar ?? 0) : 0;
  return <LivingChart chart={chart} bar={bar} view={store.view} playing={playing} />;
}

function RecentNotes({ store, agent, active }: { store: LiveStore; agent: string; active: boolean }) {
  const f = useLiveFrame(store);
  const recent =
    active && f ? (store.view.current.notes.get(agent) ?? []).filter((n) => n.start > f.t - 2).length : 0;
  return (
    <span className="agent-notes" data-recent={recent}>
      {recent} notes / 2 s
    </span>
  );
}

function LiveLatency({ store, active }: { store: LiveStore; active: boolean }) {
  const f = useLiveFrame(store);
  return <LatencyStrip frame={active ? f : null} streamAgeP95={active ? store.agePercentile(0.95) : null} />;
}
