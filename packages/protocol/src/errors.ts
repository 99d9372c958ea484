import type { z } from "zod";

/**
 * A readable, located message from a zod error: one line per problem, each naming the field
 * path, e.g. `sections[1].bars[3]: unknown chord symbol "Hm7"`.
 */
export function describeIssues(error: z.ZodError, where?: string): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join("");
    return `  ${path || "(top level)"}: ${issue.message}`;
  });
  return `${where ? `${where}: ` : ""}${error.issues.length} problem${error.issues.length === 1 ? "" : "s"}\n${lines.join("\n")}`;
}

/** An error with a message meant for a person at the CLI or in the studio. */
export class PerformiaError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message}\n  → ${hint}` : message);
    this.name = "PerformiaError";
  }
}
