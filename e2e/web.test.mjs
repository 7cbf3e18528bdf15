// End-to-end test of the web page served at `/` by auth-server, in Debian's Chromium:
// register, log out, log in, who am I, the silent refresh after the access token expires
// (AUTH_ACCESS_TTL=2s), a second session ended from the first, log out everywhere, and
// the error messages. Run by scripts/e2e.sh, which starts the server and sets
// E2E_BASE_URL.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launch, openPage, screenshot } from './lib/browser.mjs';
import {
  SESSION_ENDED,
  UNAVAILABLE,
  afterAccountLoad,
  assertNoTokenInStorage,
  counter,
  logIn,
  recordApiCalls,
  submitByKeyboard,
  visibleText,
  waitForAccessExpiry,
  waitForView,
} from './lib/ui.mjs';

const BASE_URL = process.env.E2E_BASE_URL;
const USERNAME = `e2e_user_${Date.now()}`;
const PASSWORD = 'correct horse battery staple';

describe('the web page', { concurrency: false }, () => {
  let browser;
  let first;
  let second;

  before(async () => {
    assert.ok(BASE_URL, 'E2E_BASE_URL must name a running auth-server (scripts/e2e.sh sets it)');
    browser = await launch();
    first = await openPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  it('is served with strict security headers and shows the forms', async () => {
    const { page } = first;
    const response = await page.goto(BASE_URL);
    const headers = response.headers();
    assert.equal(response.status(), 200);
    assert.match(headers['content-type'], /^text\/html/);
    assert.match(headers['content-security-policy'], /script-src 'self';/);
    assert.doesNotMatch(headers['content-security-policy'], /unsafe/);
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    assert.equal(headers['x-content-type-options'], 'nosniff');
    await waitForView(page, 'signed-out');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await screenshot(page, '01-signed-out');
  });

  it('registers and shows who I am', async () => {
    const { page } = first;
    await submitByKeyboard(page, 'Create an account', USERNAME, PASSWORD);
    await waitForView(page, 'signed-in');
    assert.equal(await visibleText(page, '#whoami-username'), USERNAME);
    assert.equal(await visibleText(page, '#whoami-role'), 'user');
    await page.locator('#sessions li[data-current="true"]').waitFor();
    await assertNoTokenInStorage(page);
    await screenshot(page, '02-registered');
  });

  it('logs out', async () => {
    const { page, context } = first;
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitForView(page, 'signed-out');
    assert.equal(await visibleText(page, '#notice'), 'You have logged out.');
    const names = (await context.cookies()).map((c) => c.name);
    const left = names.filter((name) => name.endsWith('_token_cookie'));
    assert.deepEqual(left, [], 'the JWT cookies are cleared');
    await screenshot(page, '03-logged-out');
  });

  it('refuses a taken username and a wrong password with the server messages', async () => {
    const { page } = first;
    await submitByKeyboard(page, 'Create an account', USERNAME, PASSWORD);
    assert.equal(await visibleText(page, '#register-error'), 'Username already taken');
    await submitByKeyboard(page, 'Log in', USERNAME, 'not the password');
    assert.equal(await visibleText(page, '#login-error'), 'Bad username or password');
    assert.equal(await page.locator('body').getAttribute('data-view'), 'signed-out');
    await screenshot(page, '04-wrong-password');
    await page.locator('#login-username').fill('');
    await page.locator('#register-username').fill('');
  });

  it('logs in with the keyboard and shows who I am', async () => {
    const { page } = first;
    await logIn(page, USERNAME, PASSWORD);
    assert.equal(await page.locator('#sessions li').count(), 1);
    await assertNoTokenInStorage(page);
    await screenshot(page, '05-logged-in');
  });

  it('refreshes silently, once, when the access token has expired', async () => {
    const { page } = first;
    assert.equal(await counter(page, 'refreshCount'), 0);
    await waitForAccessExpiry(page);
    const recording = recordApiCalls(page);
    await afterAccountLoad(page, () => page.getByRole('button', { name: 'Who am I' }).click());
    const calls = recording.stop();
    assert.equal(await counter(page, 'refreshCount'), 1);
    // Both calls of the view failed as expired, shared one refresh, and were retried.
    assert.deepEqual(calls.filter((c) => c.includes('/refresh')), ['POST /api/v1/auth/refresh 200']);
    for (const path of ['/api/v1/users/me', '/api/v1/auth/sessions']) {
      const seen = calls.filter((c) => c.startsWith(`GET ${path} `));
      assert.deepEqual(seen, [`GET ${path} 401`, `GET ${path} 200`], calls.join('\n'));
    }
    assert.equal(await visibleText(page, '#whoami-username'), USERNAME);
    await assertNoTokenInStorage(page);
    await screenshot(page, '06-after-silent-refresh');
  });

  it('ends a second session from the first; the second is logged out on its next action', async () => {
    second = await openPage(browser);
    await second.page.goto(BASE_URL);
    await waitForView(second.page, 'signed-out');
    await logIn(second.page, USERNAME, PASSWORD);
    await screenshot(second.page, '07-second-session');
    // Let the second session's access token expire first, so that its next action has to
    // try a refresh, and that refresh is what fails once the session has been ended.
    await waitForAccessExpiry(second.page);

    const { page } = first;
    await afterAccountLoad(page, () => page.getByRole('button', { name: 'Who am I' }).click());
    const others = page.locator('#sessions li[data-current="false"]');
    assert.equal(await page.locator('#sessions li').count(), 2);
    assert.equal(await others.count(), 1);
    assert.equal(await page.locator('#sessions li[data-current="true"] .badge').textContent(), 'This session');
    await screenshot(page, '08-two-sessions');
    await afterAccountLoad(page, () => others.getByRole('button').click());
    assert.equal(await page.locator('#sessions li').count(), 1);
    assert.equal(await page.locator('#sessions li[data-current="true"]').count(), 1);

    const calls = recordApiCalls(second.page);
    await second.page.getByRole('button', { name: 'Who am I' }).click();
    await waitForView(second.page, 'signed-out');
    assert.equal(await visibleText(second.page, '#notice'), SESSION_ENDED);
    assert.deepEqual(calls.stop().filter((c) => c.includes('/refresh')), ['POST /api/v1/auth/refresh 401']);
    assert.equal(await counter(second.page, 'refreshCount'), 0);
    await screenshot(second.page, '09-second-session-ended');
  });

  it('logs out everywhere', async () => {
    await logIn(second.page, USERNAME, PASSWORD);
    const { page } = first;
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await waitForView(page, 'signed-out');
    assert.equal(await visibleText(page, '#notice'), 'You have logged out of every session.');
    await screenshot(page, '10-logged-out-everywhere');
    await second.page.getByRole('button', { name: 'Who am I' }).click();
    await waitForView(second.page, 'signed-out');
    assert.equal(await visibleText(second.page, '#notice'), SESSION_ENDED);
    await assertNoTokenInStorage(second.page);
  });

  it('says the server is unavailable on a 503 or a network error', async () => {
    const { page } = first;
    const login = '**/api/v1/auth/login?transport=cookie';
    await page.route(login, (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{"msg":"Service unavailable"}' }),
    );
    await submitByKeyboard(page, 'Log in', USERNAME, PASSWORD);
    assert.equal(await visibleText(page, '#login-error'), UNAVAILABLE);
    await page.unroute(login);
    await page.route(login, (route) => route.abort('connectionrefused'));
    await page.locator('#login-username').fill('');
    await submitByKeyboard(page, 'Log in', USERNAME, PASSWORD);
    assert.equal(await visibleText(page, '#login-error'), UNAVAILABLE);
    await page.unroute(login);
    await screenshot(page, '11-unavailable');
    await page.locator('#login-username').fill('');
  });

  it('shows the wait time after too many failed attempts (runs last: it throttles this client)', async () => {
    const { page } = first;
    let retryAfter = null;
    page.on('response', (response) => {
      if (response.status() === 429) {
        retryAfter = Number(response.headers()['retry-after']);
      }
    });
    for (let attempt = 0; attempt < 10 && retryAfter === null; attempt += 1) {
      const answered = page.waitForResponse((r) => r.url().includes('/api/v1/auth/login'));
      await page.locator('#login-username').fill('');
      await submitByKeyboard(page, 'Log in', USERNAME, `wrong password ${attempt}`);
      await answered;
    }
    assert.ok(retryAfter > 0, 'the server throttled the attempts with a Retry-After');
    const text = await visibleText(page, '#login-error');
    const seconds = `${retryAfter} second${retryAfter === 1 ? '' : 's'}`;
    const wait = retryAfter < 120 ? seconds : `${Math.ceil(retryAfter / 60)} minutes`;
    assert.equal(text, `Too many attempts, please try again in ${wait}.`);
    await screenshot(page, '12-too-many-attempts');
  });

  it('logged no console errors and stored no token', async () => {
    for (const { page, errors } of [first, second]) {
      await assertNoTokenInStorage(page);
      assert.deepEqual(errors, []);
    }
  });
});
