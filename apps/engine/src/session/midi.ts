/**
 * The band's parts of a session as a Standard MIDI File (@tonejs/midi, MIT): a track per agent
 * (drums on the General MIDI percussion channel), a tempo map rebuilt beat by beat from where
 * the notes sounded (so bars line up with the chart), and every note placed where it sounded
 * (a note decided before a tempo change may sit a little off the beat grid, as it did in the
 * session).
 */
import tonejsMidi from "@tonejs/midi";
import type { Decision, Instrument } from "@performia/protocol";
import type { SessionReader } from "./reader.js";

// A CommonJS package whose named exports Node cannot see from ESM.
const { Midi } = tonejsMidi;
const PPQ = 480;
/** General MIDI programs (0-based) for the synth's voices. */
const PROGRAM: Record<string, number> = {
  bass: 33,
  epiano: 4,
  guitar: 27,
  voice: 52,
  pad: 89,
  vibes: 11,
};
const DRUM_CHANNEL = 9;

/** Frames at beats: linear between the (beat, frame) points the notes give. */
function frameAtBeat(points: readonly [number, number][], beat: number): number {
  let i = 1;
  while (i < points.length - 1 && points[i]![0] < beat) i++;
  const [b0, f0] = points[i - 1]!;
  const [b1, f1] = points[i]!;
  return b1 === b0 ? f0 : f0 + ((beat - b0) * (f1 - f0)) / (b1 - b0);
}

/**
 * The MIDI file of a session's decisions. Runs on the calling thread.
 * @example writeFileSync("band.mid", sessionMidi(SessionReader.open("s.performia")))
 */
export function sessionMidi(reader: SessionReader): Uint8Array {
  const info = reader.info();
  const { song } = reader.header();
  const sr = info.sampleRate;
  const decisions: Decision[] = reader.decisions();
  const bpb = song.timeSignature.beats;
  const midi = new Midi();
  midi.header.name = song.title;
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [bpb, song.timeSignature.unit] });
  // Count-in bars (negative beats) move everything later by whole bars.
  const first = decisions.reduce((m, d) => Math.min(m, d.start), 0);
  const shift = first < 0 ? Math.ceil(-first / bpb) * bpb : 0;
  // The tempo map: where each beat sounded, from the notes (one point per distinct beat).
  const byBeat = new Map<number, number>();
  for (const d of decisions) if (!byBeat.has(d.start)) byBeat.set(d.start, d.startFrame);
  const points = [...byBeat.entries()].sort((a, b) => a[0] - b[0]);
  if (points.length >= 2) {
    let last = 0;
    const lo = Math.ceil(points[0]![0]);
    const hi = Math.floor(points[points.length - 1]![0]);
    for (let b = lo; b < hi; b++) {
      const seconds = (frameAtBeat(points, b + 1) - frameAtBeat(points, b)) / sr;
      if (!(seconds > 0)) continue;
      const bpm = Math.round((60 / seconds) * 100) / 100;
      if (Math.abs(bpm - last) >= 0.05) {
        midi.header.tempos.push({ ticks: Math.round((b + shift) * PPQ), bpm });
        last = bpm;
      }
    }
    // Before the first note: the tempo of the first beat, from tick 0.
    const t0 = midi.header.tempos[0];
    if (t0 && t0.ticks > 0) midi.header.tempos.unshift({ ticks: 0, bpm: t0.bpm });
  } else {
    midi.header.tempos.push({ ticks: 0, bpm: song.tempo });
  }
  midi.header.update();
  // MIDI time 0 is the first (count-in) bar's first beat.
  const frame0 = points.length >= 2 ? frameAtBeat(points, -shift) : 0;
  const agents = [...new Set(decisions.map((d) => d.agent))];
  agents.forEach((agent, i) => {
    const notes = decisions.filter((d) => d.agent === agent);
    const instrument: Instrument = notes[0]!.instrument;
    const track = midi.addTrack();
    track.name = agent;
    const drums = instrument === "drums";
    track.channel = drums ? DRUM_CHANNEL : i >= DRUM_CHANNEL ? i + 1 : i;
    if (!drums) track.instrument.number = PROGRAM[instrument] ?? 0;
    for (const d of notes) {
      track.addNote({
        midi: d.pitch,
        time: Math.max(0, (d.startFrame - frame0) / sr),
        duration: Math.max(1 / PPQ, (d.endFrame - d.startFrame) / sr),
        velocity: d.velocity / 127,
      });
    }
  });
  return midi.toArray();
}
