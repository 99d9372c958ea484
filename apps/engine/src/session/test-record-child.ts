/**
 * Test helper run as a child process (`node --import tsx test-record-child.ts FILE`): records
 * input in real time, printing "frames N" after each tick, until it is killed.
 */
import { SessionWriter } from "./writer.js";
import { header } from "./test-fixtures.js";

const path = process.argv[2];
if (!path) throw new Error("usage: test-record-child.ts FILE");
const h = header();
const { sampleRate, blockSize } = h.settings;
const writer = await SessionWriter.create(path, h);
const block = new Float32Array(blockSize);
const t0 = performance.now();
let frame = 0;
setInterval(() => {
  const due = ((performance.now() - t0) / 1000) * sampleRate;
  while (frame + blockSize <= due) {
    for (let i = 0; i < blockSize; i++) block[i] = Math.sin((frame + i) * 0.01);
    writer.recordInput(frame, block, blockSize);
    frame += blockSize;
  }
  process.stdout.write(`frames ${frame}\n`);
}, 5);
