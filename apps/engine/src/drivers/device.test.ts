import { describe, expect, it } from "vitest";
import { DuplexDevice, type NativeAudioIO } from "./device.js";

/** naudiodon's output stream, as a double: each write resolves when the test says, with a status. */
function fakeOutput() {
  const written: number[] = [];
  const pending: ((status: string | undefined) => void)[] = [];
  const io: NativeAudioIO = {
    start: () => undefined,
    read: () => new Promise(() => undefined),
    write: (chunk: Buffer) => {
      written.push(chunk.readFloatLE(0));
      return new Promise((ok) => pending.push(ok));
    },
    quit: () => Promise.resolve(),
  };
  /** Let naudiodon take the oldest write, reporting `status` (an underflow, say). */
  const take = async (status?: string): Promise<void> => {
    pending.shift()?.(status);
    await new Promise((ok) => setImmediate(ok));
  };
  return { io, written, take };
}

const side = { id: 0, name: "test", pulse: null };
const options = { input: side, output: side, sampleRate: 48000, blockSize: 128, outputQueue: 3 };

function block(value: number): Buffer {
  const b = Buffer.alloc(128 * 4);
  b.writeFloatLE(value, 0);
  return b;
}

describe("DuplexDevice: the output after an underflow", () => {
  it("writes the head start the device's recovery took back (two blocks of silence), once per underflow", async () => {
    const out = fakeOutput();
    const device = DuplexDevice.over({ in: fakeOutput().io, out: out.io }, options);
    device.write(block(1));
    await out.take();
    device.write(block(2));
    // The device reports an underflow with the write of block 2.
    await out.take("portAudio status - output underflow ");
    expect(device.counters.underflows).toBe(1);
    device.write(block(3));
    for (let i = 0; i < 3; i++) await out.take();
    device.write(block(4));
    await out.take();
    // 1, 2, then two blocks of silence ahead of 3, and 4 with nothing before it.
    expect(out.written).toEqual([1, 2, 0, 0, 3, 4]);
    expect(device.counters.dropped).toBe(0);
  });

  it("adds nothing while the device keeps up", async () => {
    const out = fakeOutput();
    const device = DuplexDevice.over({ in: fakeOutput().io, out: out.io }, options);
    for (let i = 1; i <= 5; i++) {
      device.write(block(i));
      await out.take();
    }
    expect(out.written).toEqual([1, 2, 3, 4, 5]);
  });
});
