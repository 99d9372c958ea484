/**
 * Progress of long work on a terminal: percentage, speed against real time, and the time
 * left. On a TTY one line is redrawn; otherwise a line is printed every tenth of the work.
 */
export class Progress {
  private readonly startedAt = performance.now();
  private lastTenth = -1;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly sampleRate: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY) && process.env.CI === undefined;
  }

  update(doneFrames: number, totalFrames: number | null): void {
    const elapsed = (performance.now() - this.startedAt) / 1000;
    const audio = doneFrames / this.sampleRate;
    const speed = elapsed > 0 ? audio / elapsed : 0;
    let text = `${this.label}: ${audio.toFixed(1)} s of audio, ${speed.toFixed(0)}× real time`;
    let tenth = Math.floor(audio / 10);
    if (totalFrames) {
      const fraction = Math.min(1, doneFrames / totalFrames);
      const left = speed > 0 ? (totalFrames - doneFrames) / this.sampleRate / speed : 0;
      text = `${this.label}: ${(fraction * 100).toFixed(0).padStart(3)}%  ${audio.toFixed(1)} / ${(totalFrames / this.sampleRate).toFixed(1)} s  ${speed.toFixed(0)}× real time  ~${left.toFixed(1)} s left`;
      tenth = Math.floor(fraction * 10);
    }
    if (this.tty) this.stream.write(`\r${text}\x1b[K`);
    else if (tenth !== this.lastTenth) this.stream.write(`${text}\n`);
    this.lastTenth = tenth;
  }

  done(): void {
    if (this.tty) this.stream.write("\r\x1b[K");
  }
}
