/**
 * Test helper run as a child process (`node --import tsx test-record-child.ts FILE`): records
 * blocks in real time as the pipeline does (input, then an analysis frame and a decision made in
 * that block), printing "frames N" after each tick, until it is killed. Small batches (16 blocks)
 * so that batches fill between the writer's timed posts.
 */
import { beats, frames } from "@performia/protocol";
import { SessionWriter } from "./writer.js";
import { header } from "./test-fixtures.js";

const path = process.argv[2];
if (!path) throw new Error("usage: test-record-child.ts FILE");
const h = header();
const { sampleRate, blockSize } = h.settings;
const writer = await SessionWriter.create(path, h, { maxBatchBlocks: 16 });
const block = new Float32Array(blockSize);
const t0 = performance.now();
let frame = 0;
setInterval(() => {
  const due = ((performance.now() - t0) / 1000) * sampleRate;
  while (frame + blockSize <= due) {
    for (let i = 0; i < blockSize; i++) block[i] = Math.sin((frame + i) * 0.01);
    writer.recordInput(frame, block, blockSize);
    writer.recordAnalysis([
      { frame: frames(frame), hz: 440, confidence: 0.9, rms: 0.5, onsetStrength: 0, missed: false },
    ]);
    writer.recordDecisions([
      {
        agent: "bass",
        instrument: "bass",
        pitch: 45,
        velocity: 90,
        start: beats(frame / 22050),
        duration: beats(1),
        decidedAt: frames(frame),
        startFrame: frames(frame + 1024),
        endFrame: frames(frame + 23074),
      },
    ]);
    frame += blockSize;
  }
  process.stdout.write(`frames ${frame}\n`);
}, 5);
