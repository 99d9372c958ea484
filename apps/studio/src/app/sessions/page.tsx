"use client";
/**
 * Sessions: every recorded session with its date, song, style, duration and whether it ended
 * cleanly; search and filter; delete (after a confirmation), export and import a session file.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useRef, useState } from "react";
import { EngineError } from "@/components/engine-state";
import { Notice, type Message } from "@/components/notice";
import { errorText } from "@/lib/engine";
import { dateTime, duration } from "@/lib/format";
import { useEngine } from "../providers";

type Status = "complete" | "interrupted" | "recording";
const STATUS_TEXT: Record<Status, string> = {
  complete: "ended cleanly",
  interrupted: "interrupted",
  recording: "recording now",
};

export default function SessionsPage() {
  const engine = useEngine();
  const queries = useQueryClient();
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState<Status | "">("");
  const deferred = useDeferredValue(query);
  const input = { query: deferred.trim() || undefined, status: status || undefined };
  const list = useQuery({
    queryKey: ["sessions", input],
    queryFn: () => engine.client.sessions.list.query(input),
    refetchInterval: 5000,
  });
  const [confirming, setConfirming] = useState<string | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const remove = useMutation({
    mutationFn: (name: string) => engine.client.sessions.delete.mutate({ name }),
    onSuccess: (r) => {
      setConfirming(null);
      setMessage({ kind: "ok", text: `Deleted ${r.deleted}.` });
      void queries.invalidateQueries({ queryKey: ["sessions"] });
    },
    onError: (e) => setMessage({ kind: "error", text: `Could not delete: ${errorText(e)}` }),
  });
  const fileInput = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: (file: File) => engine.importFile(file),
    onSuccess: (name) => {
      setMessage({ kind: "ok", text: `Imported as ${name}.` });
      void queries.invalidateQueries({ queryKey: ["sessions"] });
    },
    onError: (e) => setMessage({ kind: "error", text: `Could not import: ${errorText(e)}` }),
  });

  const sessions = list.data?.sessions ?? [];
  const filtering = Boolean(input.query || input.status);
  return (
    <section className="page">
      <div className="page-head">
        <h1>Sessions</h1>
        <div className="tools">
          <input
            type="search"
            placeholder="Search song, style or file"
            aria-label="Search sessions"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <select
            aria-label="Filter by status"
            value={status}
            onChange={(e) => setStatus(e.target.value as Status | "")}
          >
            <option value="">Any status</option>
            <option value="complete">Ended cleanly</option>
            <option value="interrupted">Interrupted</option>
            <option value="recording">Recording now</option>
          </select>
          <button type="button" onClick={() => fileInput.current?.click()} disabled={upload.isPending}>
            {upload.isPending ? "Importing…" : "Import a session file"}
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".performia"
            hidden
            aria-label="Session file to import"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) upload.mutate(f);
              e.target.value = "";
            }}
          />
        </div>
      </div>
      <Notice message={message} />
      {list.error ? <EngineError error={list.error} retry={() => void list.refetch()} /> : null}
      {list.isPending && !list.error ? <p className="muted">Loading sessions…</p> : null}
      {list.data && sessions.length === 0 ? (
        <div className="notice empty">
          {filtering ? (
            <p>No session matches. Clear the search or the filter to see them all.</p>
          ) : (
            <p>
              No sessions yet. Every performance is recorded here: start one with <code>npm start</code> or{" "}
              <code>npx performia perform</code>, or import a session file.
            </p>
          )}
        </div>
      ) : null}
      {sessions.length > 0 ? (
        <table className="sessions">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Song</th>
              <th scope="col">Style</th>
              <th scope="col">Duration</th>
              <th scope="col">Ended</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.name} data-session={s.name}>
                <td>{dateTime(s.createdAt)}</td>
                <td>
                  <Link className="song" href={`/replay/${encodeURIComponent(s.name)}`}>
                    {s.songTitle}
                  </Link>
                  <span className="file">{s.name}</span>
                </td>
                <td>{s.style}</td>
                <td className="num">{duration(s.durationSeconds)}</td>
                <td>
                  <span className={`status ${s.status}`}>{STATUS_TEXT[s.status]}</span>
                </td>
                <td>
                  <div className="actions">
                    <a href={engine.fileUrl(s.name)} download={s.name}>
                      Export
                    </a>
                    {confirming === s.name ? (
                      <span role="group" aria-label={`Delete ${s.name}?`} className="confirm">
                        Delete for good?
                        <button
                          type="button"
                          className="danger"
                          onClick={() => remove.mutate(s.name)}
                          disabled={remove.isPending}
                        >
                          Delete
                        </button>
                        <button type="button" onClick={() => setConfirming(null)} autoFocus>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        onClick={() => setConfirming(s.name)}
                        aria-label={`Delete ${s.name}`}
                      >
                        Delete…
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list.data && list.data.errors.length > 0 ? (
        <div className="notice error" role="alert">
          <p>These files in the sessions folder could not be read:</p>
          <ul>
            {list.data.errors.map((e) => (
              <li key={e.name}>
                <code>{e.name}</code>: {e.error}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
