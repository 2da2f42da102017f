// Debian's Chromium driven by playwright-core. No browser is ever downloaded; the flags
// keep Chromium off the network (this machine has none) so that it does not stall.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Playwright gives every launch a fresh temporary --user-data-dir of its own.
export async function launchChromium() {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing; install it with scripts/install-deps.sh web (Debian package chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export const VIEWPORT = { width: 1280, height: 800 };

// A page that fails the test on uncaught exceptions and records console errors.
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000); // generous: shared 2-core machines, ASan builds
  const problems = { exceptions: [], console: [] };
  page.on('pageerror', (e) => problems.exceptions.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.console.push(m.text()));
  return { context, page, problems };
}
