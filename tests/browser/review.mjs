// Open the review page (a file: URL) in headless Chromium; report each igv.js view's tracks and their data.
//
// usage: node review.mjs URL OUT.json [OUT.png]
// OUT.json: {"error": null | "...", "views": [[{"name", "type", "features"}, ...], ...]}
import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";

const [url, json, png] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
let result = { error: null, views: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("pageerror", (error) => process.stderr.write(`page error: ${error}\n`));
  await page.route((url) => url.protocol !== "file:" && url.protocol !== "data:",
                   (route) => route.abort());  // no network: everything must be in the page
  await page.goto(url);
  await page.waitForFunction(() => window.igvReady || window.igvError, null, { timeout: 60000 });
  result.error = await page.evaluate(() => window.igvError || null);
  result.views = await page.evaluate(async () => Promise.all(window.igvBrowsers.map(async (browser) => {
    const frame = browser.referenceFrameList[0];
    return Promise.all(browser.trackViews.map(async (view) => {
      const track = view.track;
      let features = null;
      if (track.featureSource && track.type !== "sequence") {
        const found = await track.featureSource.getFeatures({chr: frame.chr, start: frame.start, end: frame.end,
                                                            bpPerPixel: frame.bpPerPixel});
        features = found ? found.length : 0;
      }
      return { name: track.name || "", type: track.type || "", features: features, chr: frame.chr };
    }));
  })));
  if (png) {
    await page.waitForTimeout(1000);
    await page.screenshot({ path: png, fullPage: true });
  }
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
}
writeFileSync(json, JSON.stringify(result, null, 2));
