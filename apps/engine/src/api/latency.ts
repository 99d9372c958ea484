/**
 * The latency dashboard's figures from what a live session recorded per block (stage timings,
 * device counters), per beat (asynchrony) and per hop (missed analysis deadlines): percentiles,
 * a histogram and a time series per stage, and when the device fell behind. Computed on the
 * engine so that a ten-minute session (225,000 blocks) reaches the studio as a few kilobytes.
 * Pure functions.
 */

/** The stages of a block, in the order a block goes through them. */
export const STAGES = [
  { key: "gapMs", name: "input interval", about: "time between two input blocks (the device's pace)" },
  { key: "analysisWaitMs", name: "analysis wait", about: "waiting for the analysis pool's answer" },
  { key: "analysisMs", name: "tracker", about: "the causal tracker and events" },
  { key: "agentsMs", name: "conductor + agents", about: "the conductor and the band's decisions" },
  { key: "synthMs", name: "synth + mix", about: "rendering and mixing the band" },
  { key: "engineMs", name: "engine total", about: "everything the engine does for a block" },
] as const;

export type StageKey = (typeof STAGES)[number]["key"];

export interface StageFigures {
  readonly key: StageKey;
  readonly name: string;
  readonly about: string;
  readonly blocks: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Blocks per bin; bins are log-spaced from HIST_MIN to HIST_MAX ms (edges in `histogramEdgesMs`). */
  readonly histogram: number[];
}

export interface LatencyReport {
  /** True when the session recorded per-block timings (a live session). */
  readonly live: boolean;
  readonly blocks: number;
  readonly budgetMs: number;
  readonly histogramEdgesMs: number[];
  readonly stages: StageFigures[];
  /** Engine time per block over the session: per second, the median and the worst. */
  readonly series: { t: number; p50: number; max: number }[];
  readonly underflows: number;
  readonly overflows: number;
  readonly dropped: number;
  /** When the device fell behind (first 500 of each). */
  readonly deviceEvents: { t: number; kind: "underflow" | "overflow" }[];
  readonly missedHops: number;
  readonly missedAt: number[];
}

const HIST_MIN = 0.005;
const HIST_MAX = 100;
const BINS = 48;

export function histogramEdges(): number[] {
  const edges: number[] = [];
  for (let i = 0; i <= BINS; i++) edges.push(HIST_MIN * (HIST_MAX / HIST_MIN) ** (i / BINS));
  return edges;
}

function bin(ms: number): number {
  if (!(ms > HIST_MIN)) return 0;
  const i = Math.floor((Math.log(ms / HIST_MIN) / Math.log(HIST_MAX / HIST_MIN)) * BINS);
  return Math.min(BINS - 1, Math.max(0, i));
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function latencyReport(
  blockStats: readonly { frame: number; stats: Record<string, number> }[],
  sampleRate: number,
  blockSize: number,
  missedFrames: readonly number[],
): LatencyReport {
  const n = blockStats.length;
  const stages = STAGES.map((s): StageFigures => {
    const values = new Float64Array(n);
    const histogram = new Array<number>(BINS).fill(0);
    let count = 0;
    for (const b of blockStats) {
      const v = b.stats[s.key];
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      values[count++] = v;
      histogram[bin(v)]!++;
    }
    const sorted = values.subarray(0, count).sort();
    return {
      key: s.key,
      name: s.name,
      about: s.about,
      blocks: count,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
      max: count ? sorted[count - 1]! : 0,
      histogram,
    };
  });
  // Per second of the session: the median and the worst engine time.
  const series: { t: number; p50: number; max: number }[] = [];
  let second = -1;
  let bucket: number[] = [];
  const flush = (): void => {
    if (bucket.length === 0) return;
    bucket.sort((a, b) => a - b);
    series.push({ t: second, p50: bucket[Math.floor(bucket.length / 2)]!, max: bucket[bucket.length - 1]! });
    bucket = [];
  };
  const deviceEvents: { t: number; kind: "underflow" | "overflow" }[] = [];
  let under = 0;
  let over = 0;
  let lastUnder = 0;
  let lastOver = 0;
  let dropped = 0;
  for (const b of blockStats) {
    const t = b.frame / sampleRate;
    const s = Math.floor(t);
    if (s !== second) {
      flush();
      second = s;
    }
    const e = b.stats.engineMs;
    if (typeof e === "number" && Number.isFinite(e)) bucket.push(e);
    const u = b.stats.underflows ?? lastUnder;
    const o = b.stats.overflows ?? lastOver;
    if (u > lastUnder && under < 500) {
      deviceEvents.push({ t, kind: "underflow" });
      under++;
    }
    if (o > lastOver && over < 500) {
      deviceEvents.push({ t, kind: "overflow" });
      over++;
    }
    lastUnder = Math.max(lastUnder, u);
    lastOver = Math.max(lastOver, o);
    dropped = Math.max(dropped, b.stats.dropped ?? 0);
  }
  flush();
  return {
    live: n > 0,
    blocks: n,
    budgetMs: (blockSize / sampleRate) * 1000,
    histogramEdgesMs: histogramEdges(),
    stages,
    series,
    underflows: lastUnder,
    overflows: lastOver,
    dropped,
    deviceEvents,
    missedHops: missedFrames.length,
    missedAt: missedFrames.slice(0, 1000).map((f) => f / sampleRate),
  };
}
