"use client";
/**
 * The replay timeline: the stage's waveforms (the performer above, the band below: wavesurfer.js
 * over the engine's stereo stage WAV) with playback in the browser, and under them lanes on the
 * same time axis, scrolled and zoomed with them: sections and bars, chords heard, the
 * performer's beats, each agent's notes, and a playhead that follows playback. A coach drags
 * across the waveform to select a time range for a note; notes are shown as regions.
 */
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import type WaveSurfer from "wavesurfer.js";
import type RegionsPlugin from "wavesurfer.js/dist/plugins/regions.esm.js";
import type { Lanes } from "@/lib/session";

export interface TimelineHandle {
  playPause(): void;
  seek(seconds: number): void;
}

export interface TimelineAnnotation {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const AGENT_COLORS = ["#ffc94d", "#6ee7a0", "#7cc4ff", "#ff9ad5", "#c3a6ff", "#ffb86b", "#9ef0f0"];
const ROW = 22;
const AGENT_ROW = 30;
const LABEL_W = 84;

function drawLanes(
  g: CanvasRenderingContext2D,
  w: number,
  h: number,
  lanes: Lanes,
  from: number,
  to: number,
  now: number,
): void {
  const x = (t: number): number => LABEL_W + ((t - from) / (to - from)) * (w - LABEL_W);
  g.clearRect(0, 0, w, h);
  g.font = "12px system-ui, sans-serif";
  g.textBaseline = "middle";
  let y = 0;
  const row = (label: string, height: number, body: () => void): void => {
    g.fillStyle = "#12151b";
    g.fillRect(LABEL_W, y + 1, w - LABEL_W, height - 2);
    g.save();
    g.beginPath();
    g.rect(LABEL_W, y, w - LABEL_W, height);
    g.clip();
    body();
    g.restore();
    g.fillStyle = "#b4bccb";
    g.fillText(label, 6, y + height / 2);
    y += height;
  };
  const visible = (s: number, e: number): boolean => e >= from && s <= to;
  row("sections", ROW, () => {
    for (const s of lanes.sections) {
      if (!visible(s.start, s.end)) continue;
      g.fillStyle = "#2a2514";
      g.fillRect(x(s.start), y + 2, x(s.end) - x(s.start) - 1, ROW - 4);
      g.fillStyle = "#ffc94d";
      g.fillText(s.label, x(s.start) + 4, y + ROW / 2);
    }
    for (const b of lanes.bars) {
      if (b.t < from || b.t > to) continue;
      g.fillStyle = "#6b7280";
      g.fillRect(x(b.t), y, 1, ROW);
      g.fillStyle = "#b4bccb";
      g.fillText(String(b.bar), x(b.t) + 3, y + ROW / 2 + 5);
    }
  });
  row("chords", ROW, () => {
    for (const c of lanes.chords) {
      if (!visible(c.start, c.end)) continue;
      const w = Math.max(1, x(c.end) - x(c.start) - 1);
      g.fillStyle = "#1d2b3a";
      g.fillRect(x(c.start), y + 2, w, ROW - 4);
      // A label only where it fits (zoom in to read a short chord's), never over the next one.
      if (g.measureText(c.label).width + 5 > w) continue;
      g.fillStyle = "#f1f3f7";
      g.fillText(c.label, x(c.start) + 3, y + ROW / 2);
    }
  });
  // The performer's beats (as heard) above, the band's below: where they part, the band is off.
  row("beats", ROW, () => {
    g.fillStyle = "#6ee7a0";
    for (const t of lanes.beats) if (t >= from && t <= to) g.fillRect(x(t) - 1, y + 2, 2, ROW / 2 - 2);
    g.fillStyle = "#ffc94d";
    for (const t of lanes.bandBeats)
      if (t >= from && t <= to) g.fillRect(x(t) - 1, y + ROW / 2, 2, ROW / 2 - 2);
  });
  lanes.agents.forEach((a, i) => {
    row(a.name, AGENT_ROW, () => {
      let lo = 127;
      let hi = 0;
      for (const n of a.notes) {
        lo = Math.min(lo, n.midi);
        hi = Math.max(hi, n.midi);
      }
      const span = Math.max(12, hi - lo + 1);
      g.fillStyle = AGENT_COLORS[i % AGENT_COLORS.length]!;
      for (const n of a.notes) {
        if (!visible(n.start, n.end)) continue;
        const ny = y + AGENT_ROW - 4 - ((n.midi - lo) / span) * (AGENT_ROW - 8);
        g.globalAlpha = 0.35 + (0.65 * n.velocity) / 127;
        g.fillRect(x(n.start), ny - 1.5, Math.max(2, x(n.end) - x(n.start)), 3);
      }
      g.globalAlpha = 1;
    });
  });
  // The playhead.
  if (now >= from && now <= to) {
    g.fillStyle = "#ffffff";
    g.fillRect(x(now) - 1, 0, 2, h);
  }
}

export function lanesHeight(lanes: Lanes): number {
  return 3 * ROW + lanes.agents.length * AGENT_ROW;
}

export function Timeline({
  audioUrl,
  lanes,
  zoom,
  performerGain,
  bandGain,
  annotations,
  onSelect,
  onTime,
  onReady,
  onError,
  ref,
}: {
  audioUrl: string;
  lanes: Lanes;
  /** Pixels per second (0: the whole session fits). */
  zoom: number;
  performerGain: number;
  bandGain: number;
  annotations: readonly TimelineAnnotation[];
  onSelect: (start: number, end: number) => void;
  onTime: (seconds: number, playing: boolean) => void;
  onReady: () => void;
  onError: (message: string) => void;
  ref?: Ref<TimelineHandle>;
}) {
  const waves = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const ws = useRef<WaveSurfer | null>(null);
  const regions = useRef<RegionsPlugin | null>(null);
  const gains = useRef<{ ctx: AudioContext; performer: GainNode; band: GainNode } | null>(null);
  const [ready, setReady] = useState(false);
  const callbacks = useRef({ onSelect, onTime, onReady, onError });
  callbacks.current = { onSelect, onTime, onReady, onError };

  // Wavesurfer over the stage: two channels drawn one above the other, one media element played.
  useEffect(() => {
    let destroyed = false;
    let instance: WaveSurfer | null = null;
    const media = new Audio();
    media.crossOrigin = "anonymous";
    media.preload = "auto";
    void (async () => {
      const [{ default: WS }, { default: Regions }, { default: TimelinePlugin }] = await Promise.all([
        import("wavesurfer.js"),
        import("wavesurfer.js/dist/plugins/regions.esm.js"),
        import("wavesurfer.js/dist/plugins/timeline.esm.js"),
      ]);
      if (destroyed || !waves.current) return;
      const reg = Regions.create();
      instance = WS.create({
        container: waves.current,
        media,
        url: audioUrl,
        height: 64,
        splitChannels: [
          { waveColor: "#7cc4ff", progressColor: "#3b6f99" },
          { waveColor: "#ffc94d", progressColor: "#9c7a2a" },
        ],
        cursorColor: "#ffffff",
        cursorWidth: 2,
        // A drag on the waveform selects a passage (for a note); a click seeks; the lanes scrub.
        dragToSeek: false,
        autoScroll: true,
        autoCenter: false,
        normalize: true,
        plugins: [reg, TimelinePlugin.create({ height: 18, style: { color: "#b4bccb" } })],
      });
      ws.current = instance;
      regions.current = reg;
      reg.enableDragSelection({ color: "rgba(255, 201, 77, 0.25)" });
      reg.on("region-created", (r) => {
        if (r.id.startsWith("annotation-")) return;
        callbacks.current.onSelect(r.start, r.end);
        r.remove();
      });
      instance.on("ready", () => {
        setReady(true);
        callbacks.current.onReady();
      });
      instance.on("error", (e) => callbacks.current.onError(String(e)));
      instance.on("timeupdate", (t) => callbacks.current.onTime(t, instance?.isPlaying() ?? false));
      instance.on("play", () => void gains.current?.ctx.resume());
    })();
    return () => {
      destroyed = true;
      instance?.destroy();
      ws.current = null;
      regions.current = null;
      void gains.current?.ctx.close();
      gains.current = null;
      media.removeAttribute("src");
    };
  }, [audioUrl]);

  // Playback through Web Audio: the performer's and the band's channels with their own gain,
  // summed to both speakers (the stage WAV is performer left, band right).
  const ensureAudio = (): void => {
    const m = ws.current?.getMediaElement();
    if (!m || gains.current) return;
    const ctx = new AudioContext();
    const source = ctx.createMediaElementSource(m);
    const split = ctx.createChannelSplitter(2);
    const performer = ctx.createGain();
    const band = ctx.createGain();
    const sum = ctx.createGain();
    sum.channelCount = 1;
    sum.channelCountMode = "explicit";
    source.connect(split);
    split.connect(performer, 0);
    split.connect(band, 1);
    performer.connect(sum);
    band.connect(sum);
    sum.connect(ctx.destination);
    gains.current = { ctx, performer, band };
  };
  useEffect(() => {
    if (!gains.current) return;
    gains.current.performer.gain.value = performerGain;
    gains.current.band.gain.value = bandGain;
  }, [performerGain, bandGain]);

  useImperativeHandle(ref, () => ({
    playPause: () => {
      ensureAudio();
      if (gains.current) {
        gains.current.performer.gain.value = performerGain;
        gains.current.band.gain.value = bandGain;
      }
      void ws.current?.playPause();
    },
    seek: (s) => ws.current?.setTime(s),
  }));

  useEffect(() => {
    if (ready) ws.current?.zoom(zoom);
  }, [zoom, ready]);

  // The coach's notes as regions on the waveform.
  useEffect(() => {
    const reg = regions.current;
    if (!ready || !reg) return;
    for (const r of reg.getRegions()) if (r.id.startsWith("annotation-")) r.remove();
    for (const a of annotations) {
      reg.addRegion({
        id: `annotation-${a.id}`,
        start: a.start,
        end: Math.max(a.end, a.start + 0.05),
        content: a.text.length > 40 ? `${a.text.slice(0, 39)}…` : a.text,
        color: "rgba(255, 128, 128, 0.22)",
        drag: false,
        resize: false,
      });
    }
  }, [annotations, ready]);

  // Lanes, drawn at the display's rate on the waveform's window of time.
  useEffect(() => {
    let raf = 0;
    const draw = (): void => {
      const c = canvas.current;
      const w = ws.current;
      const g = c?.getContext("2d");
      if (c && g) {
        const width = c.clientWidth;
        if (c.width !== width) c.width = width;
        const duration = w?.getDuration() || lanes.duration;
        const wrapper = w?.getWrapper();
        const total = wrapper ? wrapper.scrollWidth : width;
        const shown = wrapper?.parentElement?.clientWidth ?? width;
        const pxPerSec = total / Math.max(1e-6, duration);
        const from = (w?.getScroll() ?? 0) / pxPerSec;
        const to = from + shown / pxPerSec;
        drawLanes(g, width, c.height, lanes, from, Math.max(from + 0.01, to), w?.getCurrentTime() ?? 0);
      }
      raf = requestAnimationFrame(draw);
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [lanes]);

  // Scrubbing: the playhead follows the pointer across the lanes.
  const scrubbing = useRef(false);
  const scrubTo = (clientX: number): void => {
    const w = ws.current;
    const c = canvas.current;
    if (!w || !c) return;
    const rect = c.getBoundingClientRect();
    const px = clientX - rect.left - LABEL_W;
    if (px < 0) return;
    const wrapper = w.getWrapper();
    const pxPerSec = wrapper.scrollWidth / Math.max(1e-6, w.getDuration());
    const shown = wrapper.parentElement?.clientWidth ?? rect.width;
    const from = w.getScroll() / pxPerSec;
    w.setTime(
      Math.max(0, Math.min(w.getDuration(), from + (px / (rect.width - LABEL_W)) * (shown / pxPerSec))),
    );
  };

  return (
    <div className="timeline">
      <div className="timeline-waves">
        <div className="timeline-names" aria-hidden>
          <span>performer</span>
          <span>band</span>
        </div>
        <div
          className="waves"
          ref={waves}
          data-ready={ready ? "1" : "0"}
          aria-label="Waveforms of the performer and the band"
        />
      </div>
      <canvas
        ref={canvas}
        className="lanes"
        height={lanesHeight(lanes)}
        aria-label="Lanes: sections, chords, beats and each agent's notes"
        onPointerDown={(e) => {
          scrubbing.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          scrubTo(e.clientX);
        }}
        onPointerMove={(e) => {
          if (scrubbing.current) scrubTo(e.clientX);
        }}
        onPointerUp={() => (scrubbing.current = false)}
        onPointerCancel={() => (scrubbing.current = false)}
      />
    </div>
  );
}
