// Browser plumbing for the end-to-end tests: Debian's Chromium driven by playwright-core
// (no downloaded browser), contexts sized like a phone or a desktop in either language,
// pages whose console errors are collected, and screenshots under
// target/e2e-screenshots/.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = path.resolve(here, '..', '..', 'target', 'e2e-screenshots');

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 320, height: 720 };

/** Starts headless Chromium from /usr/bin/chromium (or $CHROMIUM). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

// Chromium itself logs every failed resource load as a console error, including the
// responses the test provokes on purpose (401s while the access token expires, the
// wrong password, 404/409/429/503). Such a line is ignored only when it names a URL
// this page really loaded with exactly that status, or whose request really failed
// with exactly that network error; every other console error is a failure.
const FAILED_STATUS = /^Failed to load resource: the server responded with a status of (\d{3})\b/;
const FAILED_NETWORK = /^Failed to load resource: (net::ERR_[A-Z_]+)$/;

/** Collects `page`'s unexpected console errors and uncaught exceptions into `errors`. */
export function watch(page, errors) {
  const statuses = new Map();
  const networkFailures = new Map();
  const remember = (map, url, value) => map.set(url, new Set([...(map.get(url) || []), value]));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      remember(statuses, response.url(), String(response.status()));
    }
  });
  page.on('requestfailed', (request) => {
    remember(networkFailures, request.url(), request.failure()?.errorText);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') {
      return;
    }
    const text = message.text();
    const url = message.location().url;
    const status = FAILED_STATUS.exec(text)?.[1];
    const network = FAILED_NETWORK.exec(text)?.[1];
    const provoked = (status && statuses.get(url)?.has(status)) || (network && networkFailures.get(url)?.has(network));
    if (!provoked) {
      errors.push(`console.error: ${text} (${url})`);
    }
  });
  return page;
}

/** A new browser context (its own cookies: another device) with one watched page.
 * `options`: `viewport` (DESKTOP), `locale` ('en-US'), `colorScheme` ('light'). */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport || DESKTOP,
    locale: options.locale || 'en-US',
    colorScheme: options.colorScheme || 'light',
  });
  const errors = [];
  const page = watch(await context.newPage(), errors);
  return { context, page, errors, newTab: async () => watch(await context.newPage(), errors) };
}

/** A full-page screenshot as target/e2e-screenshots/<name>.png. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
