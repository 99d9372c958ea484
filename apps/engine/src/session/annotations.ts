/**
 * A coach's annotations, stored in the session file itself (the `annotations` table): a time
 * range, text and author. The file is validated first (as every read is); only that table is
 * written, in a short transaction, so a recording in progress is not disturbed.
 */
import Database from "better-sqlite3";
import { z } from "zod";
import { PerformiaError } from "@performia/protocol";
import { openChecked } from "./file.js";

export const Annotation = z.object({
  id: z.number().int(),
  startSeconds: z.number().min(0),
  endSeconds: z.number().min(0),
  text: z.string(),
  author: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Annotation = z.infer<typeof Annotation>;

export const AnnotationInput = z
  .object({
    startSeconds: z.number().min(0, "an annotation cannot start before the session"),
    endSeconds: z.number().min(0),
    text: z.string().trim().min(1, "an annotation needs some text").max(10_000),
    author: z.string().trim().max(200).default(""),
  })
  .refine((a) => a.endSeconds >= a.startSeconds, {
    message: "an annotation must end at or after its start",
    path: ["endSeconds"],
  });
export type AnnotationInput = z.input<typeof AnnotationInput>;

interface Row {
  id: number;
  start_seconds: number;
  end_seconds: number;
  text: string;
  author: string;
  created_at: string;
  updated_at: string;
}

const toAnnotation = (r: Row): Annotation => ({
  id: r.id,
  startSeconds: r.start_seconds,
  endSeconds: r.end_seconds,
  text: r.text,
  author: r.author,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function writable(path: string): Database.Database {
  const { file, db } = openChecked(path);
  db.close();
  const w = new Database(file, { fileMustExist: true });
  w.pragma("busy_timeout = 2000");
  return w;
}

export function listAnnotations(path: string): Annotation[] {
  const { db } = openChecked(path);
  try {
    return (db.prepare("SELECT * FROM annotations ORDER BY start_seconds, id").all() as Row[]).map(
      toAnnotation,
    );
  } finally {
    db.close();
  }
}

export function addAnnotation(path: string, input: AnnotationInput, now = new Date()): Annotation {
  const a = AnnotationInput.parse(input);
  const db = writable(path);
  try {
    const at = now.toISOString();
    const r = db
      .prepare(
        "INSERT INTO annotations (start_seconds, end_seconds, text, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(a.startSeconds, a.endSeconds, a.text, a.author, at, at);
    return toAnnotation(db.prepare("SELECT * FROM annotations WHERE id = ?").get(r.lastInsertRowid) as Row);
  } finally {
    db.close();
  }
}

export function editAnnotation(
  path: string,
  id: number,
  input: AnnotationInput,
  now = new Date(),
): Annotation {
  const a = AnnotationInput.parse(input);
  const db = writable(path);
  try {
    const r = db
      .prepare(
        "UPDATE annotations SET start_seconds = ?, end_seconds = ?, text = ?, author = ?, updated_at = ? WHERE id = ?",
      )
      .run(a.startSeconds, a.endSeconds, a.text, a.author, now.toISOString(), id);
    if (r.changes === 0) throw new PerformiaError(`no annotation ${id} in ${path}`, "NO_ANNOTATION");
    return toAnnotation(db.prepare("SELECT * FROM annotations WHERE id = ?").get(id) as Row);
  } finally {
    db.close();
  }
}

export function deleteAnnotation(path: string, id: number): void {
  const db = writable(path);
  try {
    const r = db.prepare("DELETE FROM annotations WHERE id = ?").run(id);
    if (r.changes === 0) throw new PerformiaError(`no annotation ${id} in ${path}`, "NO_ANNOTATION");
  } finally {
    db.close();
  }
}
