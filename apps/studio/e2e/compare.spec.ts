/**
 * The Compare page on two different sessions: the decisions that differ per agent and where,
 * the two tempo curves overlaid, and the figures side by side.
 */
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { E2E } from "./env";

test("compares two sessions: what the band played differently, and their tempo curves", async ({ page }) => {
  await page.goto("/compare");
  await expect(page.getByText("Choose a session A")).toBeVisible();
  await page.getByLabel("Session A").selectOption("tempo-study-bossa.performia");
  await expect(page).toHaveURL(/a=tempo-study-bossa\.performia/);
  await page.getByLabel("Session B").selectOption("blues-drums-rock.performia");
  await expect(page).toHaveURL(/a=tempo-study-bossa\.performia&b=blues-drums-rock\.performia/);
  const verdict = page.locator("[data-identical]");
  await expect(verdict).toHaveAttribute("data-identical", "0");
  await expect(verdict).toContainText("decisions differ");
  // Every agent of either session has a row, and the bass changed.
  const bass = page.locator('tr[data-agent="bass"]');
  await expect(bass).toBeVisible();
  const cells = await bass.locator("td").allTextContents();
  const [same, changed, added, removed] = cells.map(Number);
  expect(changed! + added! + removed!).toBeGreaterThan(0);
  expect(same! + changed! + removed!).toBe(Number(cells[4])); // A's notes, every one accounted for
  await expect(page.locator("ul.divergences li").first()).toBeVisible();
  await expect(page.locator(".plot[data-ready]")).toBeVisible();
  await expect(page.locator(".plot .u-legend")).toContainText("A");
  await page.screenshot({ path: join(E2E.screenshots, "compare.png"), fullPage: true });
});
