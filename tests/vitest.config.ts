import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The CLI tests spawn the engine, which uses both cores: one file at a time.
    fileParallelism: false,
  },
});
