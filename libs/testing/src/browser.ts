import type { Browser } from 'playwright-core';

/** Debian's Chromium (scripts/machine-setup.sh installs it); no browser is downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

/** Launches headless Chromium through playwright-core; close it in afterAll. */
export async function launchChromium(): Promise<Browser> {
  // Loaded here, not at import: most tests that import @quire/testing drive no browser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}
