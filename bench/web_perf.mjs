#!/usr/bin/env node
// Web UI performance, measured in Debian's headless Chromium against a real `sluice serve`
// serving web/dist (the API answered by web/e2e/lib/mockApi.mjs):
//
//  1. first contentful paint (performance.getEntriesByType('paint')) and the time until
//     the job list shows its first row, cold (new browser context) and warm (cached);
//  2. the job list with 10,000 jobs: time to page through all of them, then frame times
//     while scrolling the whole list (rows replaced every frame) and at reading speed,
//     with live state updates arriving meanwhile; rows kept in the page.
//
// Usage: node bench/web_perf.mjs [--runs 10] [--jobs 10000] [--json]
// Needs: scripts/build-web.sh (web/dist), a sluice binary (see web/e2e/lib/sluice.mjs),
// /usr/bin/chromium. Writes bench/out/web_perf.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, VIEWPORT } from '../web/e2e/lib/browser.mjs';
import { createMockApi } from '../web/e2e/lib/mockApi.mjs';
import { REPO, startSluice } from '../web/e2e/lib/sluice.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = opt('--runs', 10);
const JOBS = opt('--jobs', 10_000);

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const summary = (xs) => ({
  median: round(quantile(xs, 0.5)),
  p90: round(quantile(xs, 0.9)),
  max: round(Math.max(...xs)),
  n: xs.length,
});

async function firstPaint(browser, url, warm) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await createMockApi({ jobs: 200 }).install(page);
  if (warm) {
    await page.goto(`${url}/jobs`);
    await page.locator('.joblist-scroll [role="row"]').first().waitFor();
  }
  const t0 = Date.now();
  await page.goto(`${url}/jobs`, { waitUntil: 'commit' });
  await page.locator('.joblist-scroll [role="row"]').first().waitFor();
  const wall = Date.now() - t0;
  const m = await page.evaluate(() => {
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    const nav = performance.getEntriesByType('navigation')[0];
    // The UI's own files (the API's answers are the mock's, not the UI's).
    const ui = performance.getEntriesByType('resource').filter((r) => new URL(r.name).pathname.startsWith('/assets/'));
    const bytes = ui.reduce((a, r) => a + (r.transferSize || 0), 0) + (nav?.transferSize ?? 0);
    return {
      fcp: paint['first-contentful-paint'],
      fp: paint['first-paint'],
      dcl: nav?.domContentLoadedEventEnd,
      load: nav?.loadEventEnd,
      bytes,
    };
  });
  await context.close();
  return { ...m, listShown: wall };
}

// Frame times while the page scrolls the list by `pxPerFrame` every animation frame.
async function scrollFrames(page, pxPerFrame, maxMs) {
  return page.evaluate(
    ({ pxPerFrame, maxMs }) =>
      new Promise((resolve) => {
        const el = document.querySelector('.joblist-scroll');
        const frames = [];
        const longTasks = [];
        const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
        try {
          obs.observe({ type: 'longtask', buffered: false });
        } catch {
          // not supported
        }
        el.scrollTop = 0;
        let last = performance.now();
        const start = last;
        let maxRows = 0;
        const step = (now) => {
          frames.push(now - last);
          last = now;
          maxRows = Math.max(maxRows, el.querySelectorAll('[role="row"]').length);
          const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
          if (end || now - start > maxMs) {
            obs.disconnect();
            resolve({
              frames: frames.slice(1),
              longTasks,
              maxRows,
              scrolled: el.scrollTop,
              duration: now - start,
            });
            return;
          }
          el.scrollTop += pxPerFrame;
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    { pxPerFrame, maxMs },
  );
}

function frameStats(r) {
  const f = r.frames;
  return {
    frames: f.length,
    fps: round((1000 * f.length) / f.reduce((a, b) => a + b, 0)),
    frameMs: {
      p50: round(quantile(f, 0.5)),
      p95: round(quantile(f, 0.95)),
      p99: round(quantile(f, 0.99)),
      max: round(Math.max(...f)),
    },
    framesOver25ms: round((100 * f.filter((x) => x > 16.7 * 1.5).length) / f.length, 2) + '%',
    over33ms: f.filter((x) => x > 33.4).length,
    longTasks: r.longTasks.length,
    longestTaskMs: r.longTasks.length ? round(Math.max(...r.longTasks)) : 0,
    rowsInPage: r.maxRows,
    scrolledPx: Math.round(r.scrolled),
  };
}

const sluice = await startSluice();
const browser = await launchChromium();
const results = {
  date: new Date().toISOString(),
  chromium: browser.version(),
  viewport: VIEWPORT,
  runs: RUNS,
  jobs: JOBS,
};
try {
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) cold.push(await firstPaint(browser, sluice.url, false));
  for (let i = 0; i < RUNS; i++) warm.push(await firstPaint(browser, sluice.url, true));
  results.firstPaint = {
    cold: {
      fcpMs: summary(cold.map((r) => r.fcp)),
      listShownMs: summary(cold.map((r) => r.listShown)),
      domContentLoadedMs: summary(cold.map((r) => r.dcl)),
      transferredKB: round(cold[0].bytes / 1024),
    },
    warm: {
      fcpMs: summary(warm.map((r) => r.fcp)),
      listShownMs: summary(warm.map((r) => r.listShown)),
    },
  };

  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const mock = createMockApi({
    jobs: JOBS,
    pageSize: 200,
    eventsPerBurst: Number(process.env.WEB_PERF_EVENTS ?? 100),
    retryMs: 1000,
  });
  await mock.install(page);
  await page.goto(`${sluice.url}/jobs`);
  await page.locator('.joblist-scroll [role="row"]').first().waitFor();
  // Page through everything the way a user scrolling to the end would.
  const t0 = Date.now();
  for (;;) {
    const count = await page.evaluate(() => {
      const el = document.querySelector('.joblist-scroll');
      el.scrollTop = el.scrollHeight;
      return document.querySelector('.filters .count')?.textContent ?? '';
    });
    if (count.startsWith(`${JOBS} `)) break;
    if (Date.now() - t0 > 120_000) throw new Error(`the list did not reach ${JOBS} jobs: ${count}`);
    await page.waitForTimeout(20);
  }
  results.list = {
    allPagesLoadedMs: Date.now() - t0,
    pages: Math.ceil(JOBS / 200),
  };
  await page.waitForTimeout(500);
  // The whole list in about 5 s (about 1,300 px, 33 rows, a frame): every frame new rows.
  results.list.fastScroll = frameStats(await scrollFrames(page, Math.ceil((JOBS * 40) / 300), 10_000));
  // Reading speed: one row (40 px) a frame for 4 s.
  results.list.readingScroll = frameStats(await scrollFrames(page, 40, 4_000));
  results.list.liveEventsReceived = mock.state.eventsSent;
  results.list.domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  await context.close();
} finally {
  await browser.close();
  await sluice.stop();
}

mkdirSync(join(REPO, 'bench/out'), { recursive: true });
writeFileSync(join(REPO, 'bench/out/web_perf.json'), JSON.stringify(results, null, 2) + '\n');
if (args.includes('--json')) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const fp = results.firstPaint;
  console.log(`web_perf: Chromium ${results.chromium}, ${VIEWPORT.width}x${VIEWPORT.height}, ${RUNS} runs each`);
  console.log(
    `  first contentful paint, cold: median ${fp.cold.fcpMs.median} ms, p90 ${fp.cold.fcpMs.p90} ms, max ${fp.cold.fcpMs.max} ms (${fp.cold.transferredKB} KB of UI files transferred)`,
  );
  console.log(`  first contentful paint, warm: median ${fp.warm.fcpMs.median} ms, p90 ${fp.warm.fcpMs.p90} ms`);
  console.log(`  job list with rows shown, cold: median ${fp.cold.listShownMs.median} ms, p90 ${fp.cold.listShownMs.p90} ms`);
  const l = results.list;
  console.log(`  ${JOBS} jobs: all ${l.pages} pages loaded in ${l.allPagesLoadedMs} ms; ${l.domNodes} DOM nodes in the page`);
  for (const [label, s] of [
    ['fast scroll (whole list in ~5 s)', l.fastScroll],
    ['reading-speed scroll (1 row/frame)', l.readingScroll],
  ]) {
    console.log(
      `  ${label}: ${s.fps} fps, frame p50 ${s.frameMs.p50} ms, p95 ${s.frameMs.p95} ms, p99 ${s.frameMs.p99} ms, max ${s.frameMs.max} ms, frames >25 ms ${s.framesOver25ms}, long tasks ${s.longTasks} (longest ${s.longestTaskMs} ms), rows in page ≤ ${s.rowsInPage}`,
    );
  }
  console.log(`  live state events received while scrolling: ${l.liveEventsReceived}`);
  console.log('  (bench/out/web_perf.json has every figure)');
}
