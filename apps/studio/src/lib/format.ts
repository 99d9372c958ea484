/** How times and dates read in the studio. */

/** 83.4 s → "1:23". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

/** An ISO date as the reader's local date and time, to the minute. */
export function dateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Milliseconds as the studio prints them ("–" when unknown); 2 decimals below 10 ms, else 1. */
export function ms(x: number | null | undefined, digits?: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return `${x.toFixed(digits ?? (x < 10 ? 2 : 1))} ms`;
}
