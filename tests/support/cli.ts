/** Run the real `performia` CLI (the built engine) as a user would. */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const CLI = join(REPO, "apps/engine/dist/cli.js");
export const EXAMPLES = join(REPO, "apps/engine/examples");

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function performia(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function performiaAsync(args: readonly string[], options: { cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `performia-${prefix}-`));
}
