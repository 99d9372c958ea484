"use client";
/** Browser: the engine's client and the query cache, for every page. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { connectEngine, engineUrl, isUnreachable, type Engine } from "@/lib/engine";

const EngineContext = createContext<Engine | null>(null);

export function useEngine(): Engine {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error("useEngine outside <Providers>");
  return engine;
}

export function Providers({ configuredUrl, children }: { configuredUrl: string; children: ReactNode }) {
  const [engine, setEngine] = useState<Engine | null>(null);
  const [queries] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // An engine that is not running is retried by the page (it says so), not silently.
          queries: { retry: (n, e) => !isUnreachable(e) && n < 2, refetchOnWindowFocus: true },
        },
      }),
  );
  useEffect(() => {
    const e = connectEngine(engineUrl(configuredUrl));
    setEngine(e);
    return () => e.close();
  }, [configuredUrl]);
  if (!engine) return null;
  return (
    <EngineContext.Provider value={engine}>
      <QueryClientProvider client={queries}>{children}</QueryClientProvider>
    </EngineContext.Provider>
  );
}
