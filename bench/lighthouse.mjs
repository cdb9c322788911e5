// Runs Lighthouse on a list of pages in one Chromium, one after the other, and
// writes each report as JSON. bench/audit.py starts the portal and calls this; run
// it alone only against a server that is already up:
//
//   node bench/lighthouse.mjs jobs.json
//
// jobs.json: {"chromeFlags": [...], "jobs": [{"url": "...", "output": "....json"}]}.
// Lighthouse's defaults otherwise: a mobile phone, simulated slow 4G and a 4x
// slower CPU. One browser for every page saves starting Node, Lighthouse's
// configuration and Chromium once per page. CHROME_PATH names the browser.
import { readFileSync, writeFileSync } from "node:fs";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const { chromeFlags, jobs } = JSON.parse(readFileSync(process.argv[2], "utf8"));
let chrome = await chromeLauncher.launch({ chromeFlags });
// Stopped from outside (bench/audit.py's time limit, CI's): close the browser too,
// which chrome-launcher starts in a process group of its own.
process.on("SIGTERM", async () => {
  await chrome.kill();
  process.exit(143);
});
const TRIES = 3;
let failed = 0;

function audit(url) {
  return lighthouse(url, {
    port: chrome.port,
    output: "json",
    logLevel: "error",
    onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    // Screenshots and the back/forward cache check go into no category's score
    // and cost seconds per page.
    disableFullPageScreenshot: true,
    skipAudits: ["bf-cache", "screenshot-thumbnails", "final-screenshot"],
  });
}

try {
  for (const [index, job] of jobs.entries()) {
    const started = Date.now();
    let result = await audit(job.url);
    // A trace Chromium failed to record (NO_NAVSTART and the like, on a busy
    // machine) is Lighthouse asking to be run again, not a finding about the page:
    // up to two more tries, each in a new browser.
    for (let tries = 1; result?.lhr.runtimeError && tries < TRIES; tries += 1) {
      console.log(`${job.url}: ${result.lhr.runtimeError.code}, running it again`);
      await chrome.kill();
      chrome = await chromeLauncher.launch({ chromeFlags });
      result = await audit(job.url);
    }
    if (!result) {
      failed += 1;
      console.error(`lighthouse gave no result for ${job.url}`);
      continue;
    }
    writeFileSync(job.output, result.report);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`[${index + 1}/${jobs.length}] ${job.url} (${seconds} s)`);
  }
} finally {
  await chrome.kill();
}
process.exitCode = failed ? 1 : 0;
