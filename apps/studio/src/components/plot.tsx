"use client";
/** A uPlot chart that fills its container's width and follows it. Browser only. */
import { useEffect, useRef } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type PlotOptions = Omit<uPlot.Options, "width">;

export function Plot({
  options,
  data,
  label,
}: {
  options: PlotOptions;
  data: uPlot.AlignedData;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let gone = false;
    void import("uplot").then(({ default: UPlot }) => {
      const el = box.current;
      if (gone || !el) return;
      plot = new UPlot({ ...options, width: Math.max(200, el.clientWidth) }, data, el);
      observer = new ResizeObserver(() =>
        plot?.setSize({ width: Math.max(200, el.clientWidth), height: options.height }),
      );
      observer.observe(el);
      el.dataset.ready = "1";
    });
    return () => {
      gone = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [options, data]);
  return <div className="plot" ref={box} role="img" aria-label={label} />;
}

/** Axis and grid colours readable on the dark background. */
export const AXIS: uPlot.Axis = {
  stroke: "#b4bccb",
  grid: { stroke: "#2c313c", width: 1 },
  ticks: { stroke: "#2c313c", width: 1 },
};
