// The end-to-end suites: a real `sluice serve` (fresh data directory, free port) serving
// web/dist, driven in Debian's Chromium by playwright-core. Screenshots at 1280×800 go to
// web/e2e-out/.
//
//   node e2e/run.mjs                  every suite
//   node e2e/run.mjs --only page-tour

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, newPage } from './lib/browser.mjs';
import { REPO, findSluice, startSluice } from './lib/sluice.mjs';
import loginPage from './specs/login-page.mjs';
import pageTour from './specs/page-tour.mjs';
import sqlJobFlow from './specs/sql-job-flow.mjs';

const SUITES = [loginPage, pageTour, sqlJobFlow];

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = arg('--only');
const out = join(REPO, 'web/e2e-out');
mkdirSync(out, { recursive: true });
// This run's screenshots only (a FAILED-*.png of an earlier run would mislead); with
// --only, the other suites' screenshots stay.
for (const f of readdirSync(out)) if (f.endsWith('.png') && (!only || f.startsWith('FAILED-'))) rmSync(join(out, f));

const suites = SUITES.filter((s) => !only || s.name === only);
if (suites.length === 0) {
  console.error(`e2e: no suite matches --only ${only}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const started = Date.now();
const bin = findSluice();
console.log(`e2e: sluice ${bin}, ${suites.length} suite(s), screenshots in ${out}`);
const sluice = await startSluice({ bin });
console.log(`e2e: sluice serve at ${sluice.url}`);
let browser;
let failed = 0;
try {
  browser = await launchChromium();
  console.log(`e2e: chromium ${browser.version()}`);
  for (const suite of suites) {
    const t0 = Date.now();
    const pages = [];
    const open = async () => {
      const p = await newPage(browser);
      pages.push(p);
      return p;
    };
    const shot = async (page, name) => {
      await page.screenshot({ path: join(out, `${name}.png`) });
    };
    try {
      await suite.run({ sluice, browser, open, shot });
      console.log(`e2e: PASS ${suite.name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${suite.description}`);
    } catch (e) {
      failed++;
      console.error(`e2e: FAIL ${suite.name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${e?.stack ?? e}`);
      for (const [i, p] of pages.entries()) {
        await p.page.screenshot({ path: join(out, `FAILED-${suite.name}-${i}.png`) }).catch(() => undefined);
        if (p.problems.exceptions.length) console.error(`e2e:   page exceptions: ${p.problems.exceptions.join('; ')}`);
        if (p.problems.console.length) console.error(`e2e:   console errors: ${p.problems.console.slice(0, 10).join('; ')}`);
      }
      console.error(`e2e:   last server log lines:\n${sluice.log.slice(-15).join('\n')}`);
    } finally {
      for (const p of pages) await p.context.close().catch(() => undefined);
    }
  }
} finally {
  await browser?.close().catch(() => undefined);
  await sluice.stop();
}
console.log(`e2e: ${suites.length - failed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
