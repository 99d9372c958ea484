import { describe, expect, it } from "vitest";
import { ChatterFilter, isChatter } from "./chatter.js";

describe("naudiodon's routine messages", () => {
  it("are recognised, and nothing else is", () => {
    for (const line of [
      "PortAudio V19.6.0-devel, revision unknown",
      "Input audio options: device 1, sample rate 48000, channels 1, bits per sample 32, max queue 16, frames per buffer 128, close on error true",
      "Output device name is default",
      "Finishing output - 512 bytes not available to fill the last buffer",
    ])
      expect(isChatter(line), line).toBe(true);
    for (const line of [
      "AudioIO: Invalid sample rate",
      "performed live 4.0 s (default → default, 48000 Hz, block 128)",
      "",
    ])
      expect(isChatter(line), line).toBe(false);
  });

  it("are left out of the audio process's output, which is otherwise passed on whole, line by line", () => {
    let out = "";
    const f = new ChatterFilter((t) => (out += t));
    // Pieces as a pipe delivers them: lines cut anywhere, several in one piece.
    f.push("PortAudio V19.6.0-devel, revision unknown\nInput audio opt");
    f.push("ions: device 1, sample rate 48000\nAudioIO: Invalid ");
    f.push("sample rate\nOutput device name is default\nsomething else");
    expect(out).toBe("AudioIO: Invalid sample rate\n");
    f.end();
    expect(out).toBe("AudioIO: Invalid sample rate\nsomething else");
  });
});
