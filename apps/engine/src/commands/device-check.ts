/**
 * `performia devices --check SECONDS`: the device alone. Opens the input and output as a
 * performance does (same rate, block size, output queue, and the audio process's priority), reads
 * every block and writes silence back, and counts what the device reports: output underflows,
 * input overflows, and how far apart the blocks came.
 *
 * What it is for: telling a glitch of the machine or the device from one of the engine. A device
 * that underflows with nothing but a copy loop behind it will underflow under the band too; the
 * live benchmark runs it beside its soak as the reference for the engine's underflows.
 * Main thread; nothing else runs in the process meanwhile.
 */
import { chooseDevice, defaultOutputQueue, DuplexDevice, liveRate } from "../drivers/device.js";
import { AUDIO_NICE, setProcessNice } from "../live/priority.js";

export interface DeviceCheckOptions {
  readonly deviceIn?: string;
  readonly deviceOut?: string;
  readonly sampleRate?: number;
  readonly blockSize?: number;
  readonly seconds: number;
}

export interface DeviceCheckResult {
  readonly device: string;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** Blocks read (after the first, which starts the output). */
  readonly blocks: number;
  readonly seconds: number;
  readonly underflows: number;
  readonly overflows: number;
  /** Output blocks dropped because the device fell behind (the latency was kept). */
  readonly dropped: number;
  /** The longest time between two blocks, ms (the block period when all is well). */
  readonly maxGapMs: number;
  /** The priority the check ran at: null when raised as a performance's is, else why not. */
  readonly priority: string | null;
}

export async function checkDevice(options: DeviceCheckOptions): Promise<DeviceCheckResult> {
  const sampleRate = liveRate(options.sampleRate);
  const blockSize = options.blockSize ?? 128;
  const priority = setProcessNice(AUDIO_NICE);
  const input = chooseDevice(options.deviceIn, "input");
  const output = chooseDevice(options.deviceOut, "output");
  // The output queue a performance uses at this block size.
  const outputQueue = defaultOutputQueue(blockSize, sampleRate);
  const device = DuplexDevice.open({ input, output, sampleRate, blockSize, outputQueue });
  const silence = Buffer.alloc(blockSize * 4);
  const want = Math.ceil((options.seconds * sampleRate) / blockSize);
  let blocks = 0;
  let maxGapMs = 0;
  let last = 0;
  let started = 0;
  try {
    device.start();
    for (;;) {
      const buf = await device.read();
      if (buf === null) break;
      const now = performance.now();
      if (started === 0) {
        device.startOutput();
        started = now;
      } else {
        maxGapMs = Math.max(maxGapMs, now - last);
        blocks++;
      }
      last = now;
      device.write(silence);
      if (blocks >= want) break;
    }
  } finally {
    await device.close();
  }
  return {
    device: device.name,
    sampleRate,
    blockSize,
    blocks,
    seconds: (last - started) / 1000,
    underflows: device.counters.underflows,
    overflows: device.counters.overflows,
    dropped: device.counters.dropped,
    maxGapMs,
    priority,
  };
}

/** The check's result for people. */
export function describeCheck(r: DeviceCheckResult): string {
  const glitches = r.underflows + r.overflows;
  const verdict =
    glitches === 0
      ? "no glitch: the device keeps up at this block size"
      : `${glitches} glitches with nothing but a copy loop behind them: the band will meet them too; try a larger --block, or a quieter machine`;
  return [
    `the device alone: ${r.device}, ${r.sampleRate} Hz, block ${r.blockSize}, ${r.seconds.toFixed(1)} s (${r.blocks} blocks)`,
    `  ${r.underflows} output underflows, ${r.overflows} input overflows, ${r.dropped} output blocks dropped; blocks came at most ${r.maxGapMs.toFixed(1)} ms apart (the block is ${((r.blockSize / r.sampleRate) * 1000).toFixed(2)} ms)`,
    `  ${verdict}`,
    ...(r.priority ? [`  ran at the normal priority (${r.priority})`] : []),
  ].join("\n");
}
