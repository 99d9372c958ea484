/**
 * Every page, checked with axe-core in chromium: readable contrast, every control named, the
 * structure a screen reader and the keyboard need. Serious and critical findings fail.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

async function check(page: Page, what: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const lines = bad.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  console.log(
    `${what}: ${r.passes.length} rules pass, ${r.violations.length} findings (${bad.length} serious)`,
  );
  expect(lines, `${what}:\n${lines.join("\n")}`).toEqual([]);
}

test("the pages have readable contrast and named controls (axe-core, WCAG 2 AA)", async ({ page }) => {
  await page.goto("/live");
  await expect(page.locator(".chart-bar").first()).toBeVisible();
  await check(page, "live");
  await page.goto("/sessions");
  await expect(page.locator("tr[data-session]").first()).toBeVisible();
  await check(page, "sessions");
  await page.goto("/replay/tempo-study-bossa.performia");
  await expect(page.locator(".waves")).toHaveAttribute("data-ready", "1", { timeout: 30_000 });
  await check(page, "replay");
  await page.goto("/compare?a=tempo-study-bossa.performia&b=blues-drums-rock.performia");
  await expect(page.locator("[data-identical]")).toBeVisible();
  await check(page, "compare");
  await page.goto("/latency?session=tempo-study-bossa.performia");
  await expect(page.locator('[data-figure="blocks"]')).toBeVisible();
  await check(page, "latency");
});
