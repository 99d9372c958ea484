import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ALSA_PULSE_ONLY, alsaConfigFor, nothingToList, soundCards } from "./alsa.js";

const dir = mkdtempSync(join(tmpdir(), "performia-alsa-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const socket = join(dir, "native");
writeFileSync(socket, "");

describe.runIf(process.platform === "linux")("ALSA's configuration where there is no sound card", () => {
  it("reads the sound cards the kernel lists", () => {
    const cards = join(dir, "cards");
    writeFileSync(
      cards,
      " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n" +
        "                      HDA Intel PCH at 0xf7f10000 irq 32\n" +
        " 1 [Device         ]: USB-Audio - USB Audio Device\n" +
        "                      C-Media USB Audio Device at usb-0000:00:14.0-2, full speed\n",
    );
    expect(soundCards(cards)).toEqual(["HDA-Intel - HDA Intel PCH", "USB-Audio - USB Audio Device"]);
    writeFileSync(cards, "--- no soundcards ---\n");
    expect(soundCards(cards)).toEqual([]);
    expect(soundCards(join(dir, "no-such-file"))).toEqual([]);
  });

  it("is PulseAudio's devices alone with no card and a PulseAudio server, and the system's otherwise", () => {
    const pulse = { PULSE_SERVER: `unix:${socket}` };
    expect(alsaConfigFor(pulse, [])).toBe(ALSA_PULSE_ONLY);
    // A sound card: the system's configuration, which describes it.
    expect(alsaConfigFor(pulse, ["HDA-Intel - HDA Intel PCH"])).toBeNull();
    // No PulseAudio server to play through: nothing to gain.
    expect(alsaConfigFor({ PULSE_SERVER: `unix:${join(dir, "gone")}` }, [])).toBeNull();
    // The user's own configuration is left alone; ours is chosen again.
    expect(alsaConfigFor({ ...pulse, ALSA_CONFIG_PATH: "/etc/my-alsa.conf" }, [])).toBeNull();
    // Once chosen it stays while the server restarts (its socket is briefly gone), until a card comes.
    const chosen = { PULSE_SERVER: `unix:${join(dir, "gone")}`, ALSA_CONFIG_PATH: ALSA_PULSE_ONLY };
    expect(alsaConfigFor(chosen, [])).toBe(ALSA_PULSE_ONLY);
    expect(alsaConfigFor(chosen, ["USB-Audio - USB Audio Device"])).toBeNull();
  });

  it("asks PortAudio for nothing only where it could find nothing at all", () => {
    const places = { home: join(dir, "home"), etc: join(dir, "etc"), shm: join(dir, "shm") };
    for (const d of Object.values(places)) mkdirSync(d, { recursive: true });
    const none = { PULSE_SERVER: `unix:${join(dir, "gone")}` };
    // What PortAudio's own look for JACK leaves behind is no JACK server.
    writeFileSync(join(places.shm, "jack_db-0"), "");
    expect(nothingToList(none, [], places)).toBe(true);
    // A card, a PulseAudio server, or a configuration of the user's own: ask.
    expect(nothingToList(none, ["HDA-Intel - HDA Intel PCH"], places)).toBe(false);
    expect(nothingToList({ PULSE_SERVER: `unix:${socket}` }, [], places)).toBe(false);
    expect(nothingToList({ ...none, ALSA_CONFIG_PATH: "/etc/my-alsa.conf" }, [], places)).toBe(false);
    writeFileSync(join(places.home, ".asoundrc"), "pcm.!default { type bluealsa }\n");
    expect(nothingToList(none, [], places)).toBe(false);
    rmSync(join(places.home, ".asoundrc"));
    // A JACK server running.
    writeFileSync(join(places.shm, "jack_default_0_0"), "");
    expect(nothingToList(none, [], places)).toBe(false);
  });
});
