import { defineConfig } from "vitest/config";

// Unit tests of the studio's pure functions (src/**/*.test.ts); the pages are tested in a real
// browser by Playwright (e2e/).
export default defineConfig({
  test: { include: ["src/**/*.test.ts"] },
  resolve: { alias: { "@": new URL("./src", import.meta.url).pathname } },
});
