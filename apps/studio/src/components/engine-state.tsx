"use client";
/** What a page shows when the engine cannot be reached or answered with an error. */
import { errorText, isUnreachable } from "@/lib/engine";
import { useEngine } from "@/app/providers";

export function EngineError({ error, retry }: { error: unknown; retry?: () => void }) {
  const engine = useEngine();
  const unreachable = isUnreachable(error);
  return (
    <div className="notice error" role="alert">
      <h2>{unreachable ? "The engine is not running" : "The engine answered with an error"}</h2>
      {unreachable ? (
        <p>
          The studio could not reach the engine at <code>{engine.url}</code>. Start it with{" "}
          <code>npm start</code> (or <code>npx performia serve</code>), then try again.
        </p>
      ) : (
        <p>{errorText(error)}</p>
      )}
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
