/**
 * `performia latency`: the round trip of an audio device, measured with clicks. The engine
 * plays a click, listens for it on the input, and reports how long it took from the input block
 * the click was written after to the input frame it came back in: what `perform --latency` makes
 * up for. The output must reach the input: on the virtual device, listen to the output's
 * monitor (`--device-in performia_out.monitor`, the same kind of capture as the microphone's) or
 * use `virtual-audio.sh loopback on` (which adds its own latency); on a sound card, a cable.
 */
import { PerformiaError } from "@performia/protocol";
import { chooseDevice, defaultOutputQueue, DuplexDevice, liveRate } from "../drivers/device.js";

export interface LatencyOptions {
  readonly deviceIn?: string;
  readonly deviceOut?: string;
  readonly sampleRate?: number;
  readonly blockSize?: number;
  readonly outputQueue?: number;
  /**
   * Clicks to hear (default 8, one every half second). Clicks lost on the way (a loopback still
   * starting, a glitch) are sent again, up to twice as many in all.
   */
  readonly clicks?: number;
}

export interface LatencyResult {
  /** Round trip of each click heard, ms. */
  readonly ms: number[];
  /** The median of the later half of the clicks (ms). */
  readonly medianMs: number;
  readonly clicksSent: number;
  /** The engine's own output queue in the measurement (ms): the output's share of the round trip. */
  readonly outputQueueMs: number;
  readonly sampleRate: number;
  readonly blockSize: number;
}

export async function measureLatency(options: LatencyOptions): Promise<LatencyResult> {
  const sampleRate = liveRate(options.sampleRate);
  const blockSize = options.blockSize ?? 128;
  const blockMs = (blockSize / sampleRate) * 1000;
  const input = chooseDevice(options.deviceIn, "input");
  const output = chooseDevice(options.deviceOut, "output");
  const outputQueue = options.outputQueue ?? defaultOutputQueue(blockSize, sampleRate);
  const device = DuplexDevice.open({ input, output, sampleRate, blockSize, outputQueue });
  const clicks = options.clicks ?? 8;
  const every = Math.round((0.5 * sampleRate) / blockSize);
  const silent = Buffer.alloc(blockSize * 4);
  const click = Buffer.alloc(blockSize * 4);
  click.writeFloatLE(0.9, 0);
  const sent: number[] = [];
  const heard: number[] = [];
  let frame = 0;
  const maxClicks = clicks * 2;
  try {
    device.start();
    // Half a second to settle, then a click every half second until enough have come back (or
    // twice as many were sent), and half a second to hear the last.
    for (let block = 0; ; block++) {
      const buf = await device.read();
      if (buf === null) break;
      if (block === 0) device.startOutput();
      if (buf !== "lost") {
        const x = new Float32Array(buf.buffer, buf.byteOffset, blockSize);
        for (let i = 0; i < blockSize; i++) {
          if (
            Math.abs(x[i]!) > 0.45 &&
            (heard.length === 0 || frame + i - heard[heard.length - 1]! > every * blockSize * 0.5)
          ) {
            heard.push(frame + i);
            break;
          }
        }
      }
      frame += blockSize;
      const first = sent[0];
      const back = first === undefined ? 0 : heard.filter((f) => f >= first).length;
      const done = back >= clicks || sent.length >= maxClicks;
      const due = block >= every && block % every === 0 && !done;
      // The click is written after the input block that ends at `frame`.
      if (due) sent.push(frame);
      device.write(due ? click : silent);
      const last = sent[sent.length - 1];
      if (done && last !== undefined && frame - last >= every * blockSize) break;
    }
  } finally {
    await device.close();
  }
  // Each click is the first sound heard after it was sent and before the next.
  const ms: number[] = [];
  for (let i = 0; i < sent.length; i++) {
    const h = heard.find((f) => f >= sent[i]! && f < (sent[i + 1] ?? Infinity));
    if (h !== undefined) ms.push(((h - sent[i]!) / sampleRate) * 1000);
  }
  if (ms.length === 0) {
    throw new PerformiaError(
      `no click came back on ${input.name} from ${output.name}`,
      "NO_LOOPBACK",
      "the output must reach the input: on the virtual device run apps/engine/scripts/virtual-audio.sh loopback on; on a sound card, connect the output to the input",
    );
  }
  // The later half: a device's round trip grows with its first glitches (each adds the silence it
  // played) until the engine's output queue is full, and stays there; that is what a performance meets.
  const later = ms.slice(ms.length >> 1).sort((a, b) => a - b);
  return {
    ms,
    medianMs: later[later.length >> 1]!,
    clicksSent: sent.length,
    outputQueueMs: outputQueue * blockMs,
    sampleRate,
    blockSize,
  };
}
