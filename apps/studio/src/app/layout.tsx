import type { Metadata } from "next";
import type { ReactNode } from "react";
import { DEFAULT_ENGINE_URL } from "@/lib/engine";
import { Nav } from "./nav";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Performia Studio",
  description: "Perform with a band that listens; replay, annotate and compare sessions.",
};

// The engine's address is read when a page is served (PERFORMIA_ENGINE_URL), not when it is built.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  const engine = process.env.PERFORMIA_ENGINE_URL ?? DEFAULT_ENGINE_URL;
  return (
    <html lang="en">
      <body>
        <Providers configuredUrl={engine}>
          <Nav />
          <main>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
