// Driving the web page the way a person does (labels, keyboard, buttons) and reading its
// state from what it shows and from the counters it exposes on <body>.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

export const BASE_URL = process.env.E2E_BASE_URL;
export const ADMIN = { username: process.env.E2E_ADMIN_USERNAME || 'e2e_admin', password: process.env.E2E_ADMIN_PASSWORD || 'admin password for e2e' };

/** A username unique to this run. */
export function uniqueName(prefix) {
  return `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Waits until the page shows `view` ('signed-in' or 'signed-out'). */
export async function waitForView(page, view) {
  await page.locator(`body[data-view="${view}"]`).waitFor();
}

/** A numeric counter on <body> (`refreshCount`, `accountLoads`, `usersLoads`). */
export async function counter(page, name) {
  return Number(await page.evaluate((key) => document.body.dataset[key] || 0, name));
}

/** Runs `action` and waits until the counter `name` went up. */
export async function afterCount(page, name, action) {
  const before = await counter(page, name);
  await action();
  await page.waitForFunction(([key, n]) => Number(document.body.dataset[key] || 0) > n, [name, before]);
}

/** The text of an element, once it is visible. */
export async function visibleText(page, selector) {
  const locator = typeof selector === 'string' ? page.locator(selector) : selector;
  await locator.waitFor({ state: 'visible' });
  return (await locator.textContent()).trim();
}

/** Waits until the element `selector` is shown with exactly `text`. */
export async function waitForText(page, selector, text) {
  await page.waitForFunction(
    ([wanted, expected]) => {
      const element = document.querySelector(wanted);
      return Boolean(element && !element.hidden && element.textContent.trim() === expected);
    },
    [selector, text],
  );
}

/** Opens the page and waits for a view. */
export async function open(page, view = 'signed-out') {
  await page.goto(BASE_URL);
  await waitForView(page, view);
}

/** Types into the field with `label` inside `form` (a locator), replacing its value. */
export async function fill(form, label, value) {
  const input = form.getByLabel(label, { exact: true });
  await input.fill('');
  await input.focus();
  await input.page().keyboard.type(value);
}

/** Signs in through the form (English or Chinese labels) and waits for the account. */
export async function signIn(page, username, password, { remember = false } = {}) {
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  if (remember) {
    await page.locator('#login-remember').check();
  }
  await page.locator('#login-password').press('Enter');
  await waitForView(page, 'signed-in');
  await page.locator('#whoami-username').filter({ hasText: username }).waitFor();
}

/** Answers the open confirmation dialog (`true`: the destructive action). */
export async function answerConfirm(page, confirm) {
  const dialog = page.locator('#confirm-dialog');
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator(confirm ? '#confirm-ok' : '#confirm-cancel').click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Goes to a section of the signed-in page by its tab. */
export async function goTo(page, panel) {
  await page.locator(`#tab-${panel}`).click();
  await page.locator(`#panel-${panel}`).waitFor({ state: 'visible' });
}

/** Polls the server (plain fetch from the page, not the page's wrapper) until the access
 * cookie is answered with 401 `Token has expired`; bounded by `timeoutMs`. */
export async function waitForAccessExpiry(page, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/v1/users/me', { cache: 'no-store' });
      return { status: response.status, body: await response.json() };
    });
    if (answer.status === 401 && answer.body.msg === 'Token has expired') {
      return;
    }
    assert.equal(answer.status, 200, `unexpected answer while waiting for expiry: ${JSON.stringify(answer)}`);
    assert.ok(Date.now() < deadline, 'the access token did not expire in time (is AUTH_ACCESS_TTL=2s?)');
    await sleep(100);
  }
}

/** Storage holds nothing, and script can read no JWT cookie. */
export async function assertNoTokenInStorage(page) {
  const seen = await page.evaluate(() => ({
    local: Object.entries(localStorage),
    session: Object.entries(sessionStorage),
    cookie: document.cookie,
  }));
  assert.deepEqual(seen.local, [], 'localStorage is empty');
  assert.deepEqual(seen.session, [], 'sessionStorage is empty');
  assert.doesNotMatch(seen.cookie, /access_token_cookie|refresh_token_cookie|eyJ/, 'JWT cookies are HttpOnly');
}

/** Records the API answers seen by `target` (a page or a context) as "METHOD /path
 * STATUS" until `stop()` returns them. */
export function recordApiCalls(target) {
  const calls = [];
  const record = (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/')) {
      calls.push(`${response.request().method()} ${url.pathname} ${response.status()}`);
    }
  };
  target.on('response', record);
  return {
    stop() {
      target.off('response', record);
      return calls;
    },
  };
}

/** Holds every request to `pattern` until `release()` is called (to see busy states
 * without sleeping). */
export async function holdRequests(page, pattern) {
  let release;
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  let arrived;
  const seen = new Promise((resolve) => {
    arrived = resolve;
  });
  await page.route(pattern, async (route) => {
    arrived();
    await gate;
    await route.continue();
  });
  return {
    arrived: seen,
    release: async () => {
      release();
      await page.unroute(pattern);
    },
  };
}

/** Calls the API from node (not a browser): registration of the accounts the admin
 * console lists. */
export async function registerDirectly(username, password) {
  const response = await fetch(`${BASE_URL}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const text = await response.text();
  assert.equal(response.status, 201, `registering ${username}: ${text}`);
  return JSON.parse(text);
}
