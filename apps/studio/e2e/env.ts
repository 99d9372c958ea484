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
  /** The virtual audio device (the engine's scripts/virtual-audio.sh), its own PulseAudio server. */
  audioDir: `${root}.e2e/audio`,
  virtualAudio: fileURLToPath(new URL("../../engine/scripts/virtual-audio.sh", import.meta.url)),
  audioRate: 48000,
  workDir: `${root}.e2e/work`,
  screenshots: `${root}test-results/screenshots`,
  enginePort,
  studioPort,
  engineUrl: `http://127.0.0.1:${enginePort}`,
  studioUrl: `http://127.0.0.1:${studioPort}`,
} as const;

/** The environment that reaches the virtual device (the engine's audio process inherits it). */
export const AUDIO_ENV: Record<string, string> = {
  VIRTUAL_AUDIO_DIR: E2E.audioDir,
  VIRTUAL_AUDIO_RATE: String(E2E.audioRate),
  PULSE_SERVER: `unix:${E2E.audioDir}/run/pulse/native`,
};
