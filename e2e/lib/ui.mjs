// Driving the web page the way a user does (labels, keyboard, buttons) and reading its
// state from what it shows and from the counters it exposes on <body>.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

export const SESSION_ENDED = 'Your session has ended, please log in again.';
export const UNAVAILABLE = 'The server is unavailable, please try again later.';

/** Waits until the page shows `view` ('signed-in' or 'signed-out'). */
export async function waitForView(page, view) {
  await page.locator(`body[data-view="${view}"]`).waitFor();
}

/** A numeric counter on <body> (`refreshCount`, `accountLoads`). */
export async function counter(page, name) {
  return Number(await page.evaluate((key) => document.body.dataset[key], name));
}

/** Runs `action` and waits until the page finished loading the signed-in view once more. */
export async function afterAccountLoad(page, action) {
  const before = await counter(page, 'accountLoads');
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.accountLoads) > n, before);
}

/** Fills a form by its labels and submits it with Enter. */
export async function submitByKeyboard(page, formName, username, password) {
  const form = page.locator('form', { has: page.getByRole('heading', { name: formName }) });
  await form.getByLabel('Username').focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await expectFocused(page, form.getByLabel('Password'));
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

async function expectFocused(page, locator) {
  const focused = await locator.evaluate((element) => element === document.activeElement);
  assert.ok(focused, 'Tab moves from the username to the password field');
}

/** Logs in through the form and waits for the signed-in view. */
export async function logIn(page, username, password) {
  await submitByKeyboard(page, 'Log in', username, password);
  await waitForView(page, 'signed-in');
  assert.equal(await page.locator('#whoami-username').textContent(), username);
}

/** The text of an element, once it is visible. */
export async function visibleText(page, selector) {
  const locator = page.locator(selector);
  await locator.waitFor({ state: 'visible' });
  return (await locator.textContent()).trim();
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

/** Records the page's API answers as "METHOD /path STATUS" until `stop()` returns them. */
export function recordApiCalls(page) {
  const calls = [];
  const record = (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/')) {
      calls.push(`${response.request().method()} ${url.pathname} ${response.status()}`);
    }
  };
  page.on('response', record);
  return {
    stop() {
      page.off('response', record);
      return calls;
    },
  };
}
