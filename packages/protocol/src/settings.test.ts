import { describe, expect, it } from "vitest";
import { applySettingsPatch, Settings, SettingsPatch } from "./settings.js";

describe("settings patches", () => {
  const settings = Settings.parse({
    sampleRate: 48000,
    seed: 1,
    agents: { bass: { enabled: false, volume: 0.5 } },
  });

  it("change only what they name", () => {
    const patch = SettingsPatch.parse({ agents: { bass: { volume: 0.9 } } });
    expect(patch).toEqual({ agents: { bass: { volume: 0.9 } } });
    const next = applySettingsPatch(settings, patch);
    expect(next.agents.bass).toEqual({ enabled: false, volume: 0.9 });
    expect(next.followMode).toBe("adaptive");
  });

  it('read the follow mode of schema-1 sessions, "follow", as adaptive', () => {
    expect(Settings.parse({ sampleRate: 48000, seed: 1, followMode: "follow" }).followMode).toBe("adaptive");
    expect(SettingsPatch.parse({ followMode: "free" }).followMode).toBe("free");
    expect(SettingsPatch.safeParse({ followMode: "loose" }).success).toBe(false);
  });

  it("carry form commands without making them settings", () => {
    const patch = SettingsPatch.parse({ form: { action: "jump", section: "chorus" }, intensity: 5 });
    const next = applySettingsPatch(settings, patch);
    expect(next.intensity).toBe(5);
    expect("form" in next).toBe(false);
    expect(SettingsPatch.safeParse({ form: { action: "jump" } }).success).toBe(false);
    expect(SettingsPatch.safeParse({ intensity: 6 }).success).toBe(false);
  });

  it("refuse what may not change during a session", () => {
    expect(SettingsPatch.safeParse({ sampleRate: 44100 }).success).toBe(false);
    expect(SettingsPatch.safeParse({ agents: { bass: { volume: 2 } } }).success).toBe(false);
  });
});
