"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const PAGES = [
  { href: "/live", label: "Live" },
  { href: "/sessions", label: "Sessions" },
  { href: "/compare", label: "Compare" },
  { href: "/latency", label: "Latency" },
] as const;

export function Nav() {
  const path = usePathname();
  return (
    <header className="nav">
      <Link href="/" className="brand">
        Performia <span>Studio</span>
      </Link>
      <nav aria-label="Pages">
        {PAGES.map((p) => (
          <Link key={p.href} href={p.href} aria-current={path.startsWith(p.href) ? "page" : undefined}>
            {p.label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
