// Open a page that loads an IGV session in igv.js, wait for the tracks, take a screenshot.
//
// usage: node snapshot.mjs URL OUT.png OUT.json
// OUT.json: {"error": null | "...", "tracks": [{"name", "type", "x", "y", "width", "height"}, ...]}
// Chromium: $CHROMIUM or /usr/bin/chromium, headless, fresh profile, no network beyond localhost.
import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";

const [url, png, json] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
let result = { error: null, tracks: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("console", (message) => process.stderr.write(`console: ${message.text()}\n`));
  page.on("pageerror", (error) => process.stderr.write(`page error: ${error}\n`));
  await page.goto(url);
  await page.waitForFunction(() => window.igvReady || window.igvError, null, { timeout: 45000 });
  result.error = await page.evaluate(() => window.igvError || null);
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1500);
  result.tracks = await page.evaluate(() => (window.igvBrowser ? window.igvBrowser.trackViews : []).map((view) => {
    const box = view.viewports[0].viewportElement.getBoundingClientRect();
    return { name: view.track.name || "", type: view.track.type || "", x: box.x, y: box.y, width: box.width, height: box.height };
  }));
  await page.screenshot({ path: png, fullPage: true });
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
}
writeFileSync(json, JSON.stringify(result, null, 2));
