/**
 * @performia/protocol: the contract every part of Performia agrees on: units of time and
 * their conversions, the Song Map, analysis and performance events, decisions, settings,
 * conductor updates and session metadata. Schemas first (zod); types inferred from them.
 */
export * from "./units.js";
export * from "./time.js";
export * from "./song.js";
export * from "./analysis.js";
export * from "./decisions.js";
export * from "./settings.js";
export * from "./conductor.js";
export * from "./session.js";
export * from "./errors.js";
export * from "./live.js";
