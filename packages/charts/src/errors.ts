import { PerformiaError } from "@performia/protocol";

/** A chart that cannot be read: what was wrong and where, and what to do. */
export class ChartError extends PerformiaError {
  constructor(message: string, where: string, hint = "check the chart, or write it as a Song Map (JSON)") {
    super(`${where}: ${message}`, "chart-invalid", hint);
  }
}
