/** Where the browser tests' engine, studio and sessions live (one run at a time). */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const enginePort = Number(process.env.E2E_ENGINE_PORT ?? 7171);
const studioPort = Number(process.env.E2E_STUDIO_PORT ?? 3171);

export const E2E = {
  studioDir: root,
  engineCli: fileURLToPath(new URL("../../engine/dist/cli.js", import.meta.url)),
  examples: fileURLToPath(new URL("../../engine/examples/", import.meta.url)),
  sessionsDir: `${root}.e2e/sessions`,
  workDir: `${root}.e2e/work`,
  screenshots: `${root}test-results/screenshots`,
  enginePort,
  studioPort,
  engineUrl: `http://127.0.0.1:${enginePort}`,
  studioUrl: `http://127.0.0.1:${studioPort}`,
} as const;
