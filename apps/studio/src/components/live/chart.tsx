"use client";
/**
 * The Living Chart: the song as a lead sheet, bar by bar as the band plays it (repeats and
 * endings unrolled), each section starting a new line; the bar being played is lit and a bar
 * under it fills with the beat, drawn at the display's rate.
 */
import { memo, useEffect, useRef } from "react";
import type { Chart } from "@performia/engine";
import { beatsNow, type LiveView } from "@/lib/live";

interface Line {
  readonly section: string;
  readonly kind: string;
  readonly pass: number;
  readonly bars: Chart["bars"];
}

function lines(chart: Chart, perLine: number): Line[] {
  const out: Line[] = [];
  for (const b of chart.bars) {
    const last = out.at(-1);
    if (!last || b.sectionStart || last.bars.length >= perLine)
      out.push({ section: b.section, kind: b.sectionKind, pass: b.pass, bars: [b] });
    else last.bars.push(b);
  }
  return out;
}

/** Chord symbols as a lead sheet writes them. */
function symbol(s: string): string {
  return s.replace(/maj7/g, "Δ7").replace(/m7b5/g, "ø7").replace(/dim/g, "°");
}

const Bars = memo(function Bars({ chart, current }: { chart: Chart; current: number }) {
  return (
    <div className="chart-lines">
      {lines(chart, 4).map((line) => (
        <div className="chart-line" key={`${line.bars[0]!.bar}`}>
          <div className="chart-section" title={line.kind}>
            {line.bars[0]!.sectionStart ? (
              <>
                <b>{line.section}</b>
                {line.pass > 1 ? <span> ×{line.pass}</span> : null}
              </>
            ) : null}
          </div>
          {line.bars.map((b) => (
            <div
              key={b.bar}
              className={`chart-bar${b.bar === current ? " now" : ""}${b.ending ? " ending" : ""}`}
              data-bar={b.bar}
              data-section-start={b.sectionStart ? "1" : undefined}
              aria-current={b.bar === current ? "true" : undefined}
            >
              <span className="bar-number">{b.bar}</span>
              {b.ending ? <span className="volta">{b.ending}.</span> : null}
              <span className="chords">
                {b.chords.map((c, i) => (
                  <span key={i} style={{ flexGrow: c.beats }}>
                    {symbol(c.symbol)}
                  </span>
                ))}
              </span>
              {b.bar === current ? <span className="beat-fill" data-beat-fill /> : null}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
});

export function LivingChart({
  chart,
  bar,
  view,
  playing,
}: {
  chart: Chart;
  bar: number;
  view: React.RefObject<LiveView>;
  playing: boolean;
}) {
  const root = useRef<HTMLDivElement>(null);
  // The beat within the bar, at the display's rate (no React render per frame).
  useEffect(() => {
    let raf = 0;
    const draw = (now: number): void => {
      const fill = root.current?.querySelector<HTMLElement>("[data-beat-fill]");
      const b = beatsNow(view.current, now, playing);
      if (fill && b !== null) {
        const inBar = (((b % chart.beatsPerBar) + chart.beatsPerBar) % chart.beatsPerBar) / chart.beatsPerBar;
        fill.style.transform = `scaleX(${b < 0 ? 0 : inBar})`;
      }
      raf = requestAnimationFrame(draw);
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [view, playing, chart.beatsPerBar]);
  useEffect(() => {
    root.current?.querySelector(".chart-bar.now")?.scrollIntoView({ block: "nearest" });
  }, [bar]);
  return (
    <div className="chart" ref={root} aria-label={`Chart of ${chart.song.title}`}>
      <Bars chart={chart} current={bar} />
    </div>
  );
}
