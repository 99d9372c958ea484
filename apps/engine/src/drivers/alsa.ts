/**
 * ALSA's configuration, on a machine with no sound card. PortAudio opens every device ALSA's
 * system configuration describes to list them, and where there is no card each of those opens
 * prints ALSA errors (130-170 lines of "cannot find card '0'" and "Unknown PCM
 * cards.pcm.front" before `performia devices` said anything). With no card and a PulseAudio
 * server to play through (the virtual device), the engine points ALSA at a configuration of
 * PulseAudio's devices alone (config/alsa-pulse-only.conf): the same devices, and nothing
 * printed. With a sound card, or an ALSA_CONFIG_PATH of the user's own, nothing is changed.
 * Main thread, before each time PortAudio lists or opens devices (it reads the configuration
 * then).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ENGINE_ROOT } from "../paths.js";

/** The configuration of PulseAudio's devices alone. */
export const ALSA_PULSE_ONLY = resolve(ENGINE_ROOT, "config/alsa-pulse-only.conf");

/**
 * The sound cards the kernel knows (from /proc/asound/cards): their names, [] when there is
 * none, null where the system cannot tell (not Linux).
 */
export function soundCards(cardsFile = "/proc/asound/cards"): string[] | null {
  if (process.platform !== "linux") return null;
  if (!existsSync(cardsFile)) return [];
  const cards: string[] = [];
  for (const line of readFileSync(cardsFile, "utf8").split("\n")) {
    const m = /^\s*\d+\s+\[[^\]]*\]:\s*(.+)$/.exec(line);
    if (m) cards.push(m[1]!.trim());
  }
  return cards;
}

/** Whether a PulseAudio server's socket is there to connect to (PULSE_SERVER's, or the user's own). */
export function pulseSocket(env: NodeJS.ProcessEnv): boolean {
  const server = env.PULSE_SERVER;
  if (server) {
    // Only a local socket can be checked; a server on the network is taken to be there.
    const unix = /^unix:(.+)$/.exec(server);
    return unix ? existsSync(unix[1]!) : true;
  }
  const runtime = env.XDG_RUNTIME_DIR ?? (process.getuid ? `/run/user/${process.getuid()}` : "");
  return [`${runtime}/pulse/native`, "/var/run/pulse/native", "/run/pulse/native"].some((p) => existsSync(p));
}

/**
 * The ALSA configuration file the engine should use, or null for the system's: PulseAudio's
 * devices alone on a Linux machine with no sound card and a PulseAudio socket (or already
 * chosen), unless the user chose a configuration (ALSA_CONFIG_PATH other than ours). Pure but
 * for the file checks.
 */
export function alsaConfigFor(env: NodeJS.ProcessEnv, cards: string[] | null): string | null {
  const own = env.ALSA_CONFIG_PATH;
  if (own !== undefined && own !== ALSA_PULSE_ONLY) return null;
  if (cards === null || cards.length > 0) return null;
  // Once chosen, it stays while the server restarts (the engine reconnects through it).
  return own === ALSA_PULSE_ONLY || pulseSocket(env) ? ALSA_PULSE_ONLY : null;
}

/**
 * Points ALSA at the configuration `alsaConfigFor` chooses (or back at the system's) in this
 * process's environment, which PortAudio's next listing or opening of devices reads; a child
 * process inherits it. Returns the file, or null.
 */
export function quietAlsa(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = alsaConfigFor(env, soundCards());
  if (file !== null) env.ALSA_CONFIG_PATH = file;
  else if (env.ALSA_CONFIG_PATH === ALSA_PULSE_ONLY) delete env.ALSA_CONFIG_PATH;
  return file;
}

/**
 * Whether PortAudio could find no device at all: a Linux machine with no sound card, no
 * PulseAudio server, no JACK server and no ALSA configuration of the user's own (~/.asoundrc,
 * /etc/asound.conf, ALSA_CONFIG_PATH). The engine then does not ask PortAudio: its look at
 * every card the system's configuration describes printed 166 lines of ALSA errors before the
 * engine could say that there is no device and what to do. Pure but for the file checks.
 */
export function nothingToList(
  env: NodeJS.ProcessEnv,
  cards: string[] | null,
  places: { home: string; etc: string; shm: string } = { home: homedir(), etc: "/etc", shm: "/dev/shm" },
): boolean {
  if (cards === null || cards.length > 0) return false;
  if (env.ALSA_CONFIG_PATH !== undefined || pulseSocket(env)) return false;
  if (existsSync(join(places.home, ".asoundrc")) || existsSync(join(places.etc, "asound.conf"))) return false;
  // A JACK server's socket and shared memory (jack_default_UID_0, jack-UID/); not jack_db-UID,
  // which any program that looks for JACK leaves behind (PortAudio's listing does).
  try {
    if (readdirSync(places.shm).some((n) => n.startsWith("jack_default") || n.startsWith("jack-")))
      return false;
  } catch {
    // no /dev/shm to look in: nothing to say about JACK
  }
  return true;
}
