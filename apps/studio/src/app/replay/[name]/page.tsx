"use client";
/**
 * Replay: one session on a timeline. The performer's and the band's waveforms with playback,
 * lanes for sections, chords, beats and each agent's notes, a playhead, scrubbing and zoom; and a
 * coach's notes: drag across the waveform to select a time range, write, save; edit and delete.
 * Notes are stored in the session file.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { EngineError } from "@/components/engine-state";
import { Notice, type Message } from "@/components/notice";
import { Timeline, type TimelineHandle } from "@/components/replay/timeline";
import { errorText } from "@/lib/engine";
import { dateTime, duration } from "@/lib/format";
import { lanes as toLanes } from "@/lib/session";
import { useEngine } from "../../providers";

const ZOOMS = [0, 20, 50, 100, 200, 400];

function clock(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, "0")}`;
}

interface Draft {
  id: number | null;
  start: number;
  end: number;
  text: string;
  author: string;
}

export default function ReplayPage() {
  const { name: raw } = useParams<{ name: string }>();
  const name = decodeURIComponent(raw);
  const engine = useEngine();
  const queries = useQueryClient();
  const data = useQuery({
    queryKey: ["sessions.data", name],
    queryFn: () => engine.client.sessions.data.query({ name }),
  });
  const notes = useQuery({
    queryKey: ["annotations", name],
    queryFn: () => engine.client.annotations.list.query({ session: name }),
  });
  const lanes = useMemo(() => (data.data ? toLanes(data.data) : null), [data.data]);
  const timeline = useRef<TimelineHandle>(null);
  const [zoom, setZoom] = useState(0);
  const [performerGain, setPerformerGain] = useState(1);
  const [bandGain, setBandGain] = useState(1);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [audio, setAudio] = useState<string>("loading");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const author = useRef("");
  useEffect(() => {
    author.current = localStorage.getItem("performia.author") ?? "";
  }, []);

  const saved = (text: string) => {
    setMessage({ kind: "ok", text });
    void queries.invalidateQueries({ queryKey: ["annotations", name] });
  };
  const save = useMutation({
    mutationFn: (d: Draft) => {
      const annotation = { startSeconds: d.start, endSeconds: d.end, text: d.text, author: d.author };
      return d.id === null
        ? engine.client.annotations.add.mutate({ session: name, annotation })
        : engine.client.annotations.edit.mutate({ session: name, id: d.id, annotation });
    },
    onSuccess: (_r, d) => {
      localStorage.setItem("performia.author", d.author);
      author.current = d.author;
      setDraft(null);
      saved(d.id === null ? "Note saved." : "Note changed.");
    },
    onError: (e) => setMessage({ kind: "error", text: `Not saved: ${errorText(e)}` }),
  });
  const remove = useMutation({
    mutationFn: (id: number) => engine.client.annotations.delete.mutate({ session: name, id }),
    onSuccess: () => {
      setConfirmDelete(null);
      saved("Note deleted.");
    },
    onError: (e) => setMessage({ kind: "error", text: `Not deleted: ${errorText(e)}` }),
  });

  // Space plays and pauses (not while writing).
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)) return;
      if (e.key === " ") {
        e.preventDefault();
        timeline.current?.playPause();
      } else if (e.key === "n" || e.key === "N") {
        e.preventDefault();
        noteHere.current();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // A note at the playhead (the keyboard's way to select a passage): two seconds from here.
  const noteHere = useRef<() => void>(() => undefined);
  noteHere.current = () => {
    const end = Math.min(data.data?.info.durationSeconds ?? time + 2, time + 2);
    setDraft({ id: null, start: time, end: Math.max(time, end), text: "", author: author.current });
  };

  const annotations = useMemo(
    () =>
      (notes.data ?? []).map((a) => ({ id: a.id, start: a.startSeconds, end: a.endSeconds, text: a.text })),
    [notes.data],
  );

  if (data.error) return <EngineError error={data.error} retry={() => void data.refetch()} />;
  if (!data.data || !lanes) return <p className="muted">Loading the session…</p>;
  const info = data.data.info;
  return (
    <section className="page replay">
      <div className="page-head">
        <div>
          <h1>{info.songTitle}</h1>
          <p className="muted">
            {dateTime(info.createdAt)} · {info.style} · {duration(info.durationSeconds)} ·{" "}
            <span className={`status ${info.status}`}>
              {info.status === "complete" ? "ended cleanly" : info.status}
            </span>{" "}
            · <code>{name}</code>
          </p>
        </div>
        <div className="tools">
          <Link href={`/compare?a=${encodeURIComponent(name)}&rerun=1`}>Compare with a replay now</Link>
          <Link href={`/latency?session=${encodeURIComponent(name)}`}>Latency</Link>
        </div>
      </div>
      {info.status === "interrupted" ? (
        <div className="notice error" role="alert">
          This session was interrupted: it is kept up to where it stopped ({duration(info.durationSeconds)}).
        </div>
      ) : null}
      <Notice message={message} />

      <div className="transport replay-transport">
        <button
          type="button"
          className="big start"
          onClick={() => timeline.current?.playPause()}
          disabled={audio !== "ready"}
          aria-keyshortcuts="Space"
        >
          {playing ? "Pause" : "Play"}
        </button>
        <span className="clock" data-figure="time">
          {clock(time)} / {clock(info.durationSeconds)}
        </span>
        <label>
          Zoom
          <select value={zoom} onChange={(e) => setZoom(Number(e.target.value))} aria-label="Zoom">
            {ZOOMS.map((z) => (
              <option key={z} value={z}>
                {z === 0 ? "whole session" : `${z} px/s`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Performer
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={performerGain}
            onChange={(e) => setPerformerGain(Number(e.target.value))}
            aria-label="Performer volume"
          />
        </label>
        <label>
          Band
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={bandGain}
            onChange={(e) => setBandGain(Number(e.target.value))}
            aria-label="Band volume"
          />
        </label>
        <button
          type="button"
          onClick={() => noteHere.current()}
          aria-keyshortcuts="N"
          disabled={audio !== "ready"}
        >
          Note here
        </button>
        <span className="muted">
          {audio === "loading"
            ? "Rendering the band and loading the audio…"
            : audio === "ready"
              ? "Drag across the waveform to write a note (or N: a note at the playhead)."
              : `The audio could not be loaded: ${audio}`}
        </span>
      </div>

      <Timeline
        ref={timeline}
        audioUrl={engine.stageUrl(name)}
        lanes={lanes}
        zoom={zoom}
        performerGain={performerGain}
        bandGain={bandGain}
        annotations={annotations}
        onSelect={(start, end) => setDraft({ id: null, start, end, text: "", author: author.current })}
        onTime={(t, p) => {
          setTime(t);
          setPlaying(p);
        }}
        onReady={() => setAudio("ready")}
        onError={(m) => setAudio(m)}
      />

      {draft ? (
        <form
          className="annotation-form"
          aria-label={draft.id === null ? "New note" : "Edit note"}
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(draft);
          }}
        >
          <p>{draft.id === null ? "New note" : "Edit note"}</p>
          <div className="tools">
            <label>
              from (s){" "}
              <input
                type="number"
                step="any"
                min={0}
                max={info.durationSeconds}
                value={Number(draft.start.toFixed(2))}
                onChange={(e) => setDraft({ ...draft, start: Number(e.target.value) })}
                aria-label="From (seconds)"
              />
            </label>
            <label>
              to (s){" "}
              <input
                type="number"
                step="any"
                min={0}
                max={info.durationSeconds}
                value={Number(draft.end.toFixed(2))}
                onChange={(e) => setDraft({ ...draft, end: Number(e.target.value) })}
                aria-label="To (seconds)"
              />
            </label>
            <span className="muted">
              {clock(draft.start)}–{clock(draft.end)}
            </span>
          </div>
          <textarea
            value={draft.text}
            onChange={(e) => setDraft({ ...draft, text: e.target.value })}
            aria-label="Note"
            placeholder="What happened here?"
            rows={3}
            autoFocus
          />
          <input
            value={draft.author}
            onChange={(e) => setDraft({ ...draft, author: e.target.value })}
            aria-label="Author"
            placeholder="Your name"
          />
          <div className="tools">
            <button type="submit" disabled={save.isPending}>
              Save note
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}

      <h2>Notes</h2>
      {notes.data && notes.data.length === 0 ? (
        <p className="muted">No notes yet: drag across the waveform to select a passage and write one.</p>
      ) : null}
      <ul className="annotations">
        {(notes.data ?? []).map((a) => (
          <li key={a.id} data-annotation={a.id}>
            <button type="button" className="time" onClick={() => timeline.current?.seek(a.startSeconds)}>
              {clock(a.startSeconds)}–{clock(a.endSeconds)}
            </button>
            <span className="text">{a.text}</span>
            <span className="muted">{a.author ? `— ${a.author}` : ""}</span>
            <span className="actions">
              <button
                type="button"
                onClick={() =>
                  setDraft({
                    id: a.id,
                    start: a.startSeconds,
                    end: a.endSeconds,
                    text: a.text,
                    author: a.author,
                  })
                }
              >
                Edit
              </button>
              {confirmDelete === a.id ? (
                <span className="confirm" role="group" aria-label="Delete this note?">
                  Delete for good?
                  <button type="button" className="danger" onClick={() => remove.mutate(a.id)}>
                    Delete
                  </button>
                  <button type="button" onClick={() => setConfirmDelete(null)}>
                    Keep
                  </button>
                </span>
              ) : (
                <button type="button" onClick={() => setConfirmDelete(a.id)}>
                  Delete…
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
