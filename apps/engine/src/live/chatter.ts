/**
 * naudiodon's own messages. Its native code prints, on the audio process's standard output,
 * PortAudio's version and every stream's options whenever a stream opens (again at each
 * reconnection), and a line when a stream closes with a part of a buffer unfilled: six lines
 * before the band plays and one after, none of them for the musician. The engine reads the audio
 * process's standard output and passes on everything else (an error of naudiodon's among it).
 * Main thread of the engine, never the audio process's.
 */

/** The lines naudiodon prints as a matter of course (PaContext.cc). */
const CHATTER = [
  /^PortAudio V\d/,
  /^(Input|Output) audio options: /,
  /^(Input|Output) device name is /,
  /^Finishing (input|output) - \d+ bytes not available to fill the last buffer$/,
];

/** Whether a line of the audio process's output is naudiodon's routine message. */
export function isChatter(line: string): boolean {
  return CHATTER.some((re) => re.test(line));
}

/**
 * Cuts a stream of text into lines and writes on those that are not naudiodon's routine
 * messages, line by line (a line that comes in pieces is judged whole).
 */
export class ChatterFilter {
  private partial = "";

  constructor(private readonly write: (text: string) => void) {}

  push(text: string): void {
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop()!;
    for (const line of lines) if (!isChatter(line)) this.write(`${line}\n`);
  }

  /** The stream has ended: the last line, if it had no newline. */
  end(): void {
    if (this.partial !== "" && !isChatter(this.partial)) this.write(this.partial);
    this.partial = "";
  }
}
