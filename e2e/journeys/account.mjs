// A plain user's journey in English at desktop size: sign up (plain-words field errors,
// show password, caps lock, strength hint, busy button), the account page (profile with
// inline validation, change password), sessions (this device first, sign out the others,
// confirmations), keep me signed in, the silent refresh, and deleting the account.

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { assertAccessible } from '../lib/axe.mjs';
import { openPage, screenshot } from '../lib/browser.mjs';
import {
  BASE_URL,
  afterCount,
  answerConfirm,
  assertNoTokenInStorage,
  counter,
  goTo,
  holdRequests,
  open,
  recordApiCalls,
  signIn,
  uniqueName,
  visibleText,
  waitForAccessExpiry,
  waitForText,
  waitForView,
} from '../lib/ui.mjs';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a much longer passphrase now';

export function accountJourney(run) {
  const username = uniqueName('e2e_user');
  let me;

  /** The same user signed in on another device (its own cookies). */
  async function signInElsewhere() {
    const other = await openPage(run.browser);
    run.pages.push(other);
    await open(other.page);
    await signIn(other.page, username, PASSWORD);
    return other;
  }

  it('is served with strict security headers and passes axe signed out', async () => {
    me = await openPage(run.browser);
    run.pages.push(me);
    const response = await me.page.goto(BASE_URL);
    const headers = response.headers();
    assert.equal(response.status(), 200);
    assert.equal(await me.page.title(), 'Example Auth', 'the --page-title of scripts/e2e.sh');
    assert.match(headers['content-security-policy'], /script-src 'self';/);
    assert.doesNotMatch(headers['content-security-policy'], /unsafe/);
    assert.equal(headers['x-frame-options'], 'DENY');
    await waitForView(me.page, 'signed-out');
    await me.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await assertAccessible(me.page, 'signed out, en');
    await screenshot(me.page, 'desktop-en-light-01-signed-out');
  });

  it('explains sign-up mistakes next to each field in plain words', async () => {
    const { page } = me;
    const form = page.locator('#register-form');
    await form.getByLabel('Username').fill('ab');
    await form.getByLabel('Password', { exact: true }).fill('short');
    await form.getByRole('button', { name: 'Create account' }).click();
    await waitForText(page, '#register-username-error', 'Use at least 3 characters.');
    await waitForText(page, '#register-password-error', 'Use at least 8 characters.');
    assert.equal(await form.getByLabel('Username').getAttribute('aria-invalid'), 'true');
    assert.ok(await form.getByLabel('Username').evaluate((input) => input === document.activeElement), 'focus on the first mistake');
    await form.getByLabel('Username').fill('has space');
    await form.getByRole('button', { name: 'Create account' }).click();
    await waitForText(page, '#register-username-error', 'Use only letters, digits, and _ . - @ (no spaces).');
    await assertAccessible(page, 'sign-up field errors, en');
    await screenshot(page, 'desktop-en-light-02-field-errors');
  });

  it('shows the password on request, warns about caps lock, and rates the length', async () => {
    const { page } = me;
    const password = page.locator('#register-password');
    const strength = page.locator('#register-password-strength');
    await password.fill('');
    await password.focus();
    await page.keyboard.type('abcdefghij');
    assert.equal((await strength.textContent()).trim(), 'Strength: fair. A longer password is stronger.');
    await page.keyboard.type('klmnopq');
    assert.equal((await strength.textContent()).trim(), 'Strength: strong.');
    const toggle = page.locator('#register-form').getByRole('button', { name: 'Show password' });
    await toggle.click();
    assert.equal(await password.getAttribute('type'), 'text');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await toggle.click();
    assert.equal(await password.getAttribute('type'), 'password');
    const caps = page.locator('#register-password-caps');
    assert.equal(await caps.isVisible(), false);
    // Chromium reports the Caps Lock state of each key event in getModifierState().
    await password.dispatchEvent('keydown', { key: 'A', modifierCapsLock: true });
    await waitForText(page, '#register-password-caps', 'Caps Lock is on.');
    await password.dispatchEvent('keyup', { key: 'a', modifierCapsLock: false });
    await caps.waitFor({ state: 'hidden' });
  });

  it('signs up with a busy button, then shows the account', async () => {
    const { page } = me;
    const form = page.locator('#register-form');
    await form.getByLabel('Username').fill(username);
    await page.locator('#register-password').fill(PASSWORD);
    const held = await holdRequests(page, '**/api/v1/auth/register*');
    await form.getByRole('button', { name: 'Create account' }).click();
    await held.arrived;
    const button = form.locator('button[type="submit"]');
    assert.equal(await button.textContent(), 'Working…');
    assert.ok(await button.isDisabled());
    await held.release();
    await waitForView(page, 'signed-in');
    assert.equal(await visibleText(page, '#whoami-username'), username);
    assert.ok(await page.locator('#welcome').evaluate((h) => h === document.activeElement), 'focus moves to the heading');
    assert.equal(await visibleText(page, '#whoami-role'), 'User');
    await assertNoTokenInStorage(page);
    await assertAccessible(page, 'account, en');
    await screenshot(page, 'desktop-en-light-03-account');
  });

  it('switches language and theme, and remembers both', async () => {
    const { page } = me;
    await page.locator('#language').selectOption('zh');
    await page.locator('#tab-account').filter({ hasText: '账号' }).waitFor();
    await page.getByRole('button', { name: '深色主题' }).click();
    await page.reload();
    await waitForView(page, 'signed-in');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    assert.equal(await visibleText(page, '#tab-account'), '账号');
    await assertAccessible(page, 'account, zh, desktop, dark');
    await screenshot(page, 'desktop-zh-dark-03-account');
    await page.locator('#language').selectOption('en');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    assert.equal(await visibleText(page, '#tab-account'), 'Account');
  });

  it('validates the profile inline and saves it', async () => {
    const { page } = me;
    const form = page.locator('#profile-form');
    await form.getByLabel('Email').fill('not an email');
    await form.getByLabel('Mobile').fill('12');
    await form.getByLabel('Age').fill('200');
    await form.getByRole('button', { name: 'Save profile' }).click();
    await waitForText(page, '#profile-email-error', 'Enter an email address like name@example.com.');
    await waitForText(page, '#profile-mobile-error', 'Enter a phone number: an optional + and 5 to 15 digits.');
    await waitForText(page, '#profile-age-error', 'Enter a whole number from 0 to 150.');
    await assertAccessible(page, 'profile errors, en');
    await screenshot(page, 'desktop-en-light-04-profile-errors');
    await form.getByLabel('Email').fill('me@example.com');
    await form.getByLabel('Mobile').fill('+86 138 0013 8000');
    await form.getByLabel('Age').fill('36');
    await form.getByLabel('Date of birth').fill('1990-04-23');
    await form.getByRole('button', { name: 'Save profile' }).click();
    await waitForText(page, '#notice', 'Your profile is saved.');
    await page.reload();
    await waitForView(page, 'signed-in');
    assert.equal(await form.getByLabel('Email').inputValue(), 'me@example.com');
    assert.equal(await form.getByLabel('Date of birth').inputValue(), '1990-04-23');
  });

  it('lists this device first, signs out the others after a confirmation', async () => {
    const other = await signInElsewhere();
    const { page } = me;
    await afterCount(page, 'accountLoads', () => goTo(page, 'sessions'));
    const rows = page.locator('#sessions > li');
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.first().getAttribute('data-current'), 'true');
    assert.match(await rows.first().textContent(), /This device/);
    assert.match(await rows.first().textContent(), /From 127\.0\.0\.1/);
    await page.getByRole('button', { name: /^End this session/ }).waitFor();
    await assertAccessible(page, 'sessions, en');
    await screenshot(page, 'desktop-en-light-05-sessions');
    await page.getByRole('button', { name: 'Sign out other sessions' }).click();
    await assertAccessible(page, 'confirmation, en');
    await screenshot(page, 'desktop-en-light-06-confirm');
    await answerConfirm(page, false);
    assert.equal(await rows.count(), 2, 'cancel keeps the sessions');
    await page.getByRole('button', { name: 'Sign out other sessions' }).click();
    await answerConfirm(page, true);
    await waitForText(page, '#notice', 'One other session was signed out.');
    assert.equal(await rows.count(), 1);
    await other.page.reload();
    await waitForView(other.page, 'signed-out');
  });

  it('keeps me signed in only when asked: persistent cookies and a badge', async () => {
    const kept = await openPage(run.browser);
    const plain = await openPage(run.browser);
    run.pages.push(kept, plain);
    for (const [session, remember] of [[kept, true], [plain, false]]) {
      await open(session.page);
      await signIn(session.page, username, PASSWORD, { remember });
    }
    const now = Date.now() / 1000;
    for (const cookie of await kept.context.cookies()) {
      assert.ok(cookie.expires > now + 29 * 24 * 3600, `${cookie.name} persists for the refresh lifetime (${cookie.expires})`);
    }
    for (const cookie of await plain.context.cookies()) {
      if (cookie.name.endsWith('login_device')) {
        // The device cookie names the browser, not the session: it outlives the browser
        // either way, and only the login route ever sees it (docs/security.md).
        assert.ok(cookie.expires > now + 29 * 24 * 3600, `the device cookie persists (${cookie.expires})`);
        assert.equal(cookie.path, '/api/v1/auth/login');
        assert.ok(cookie.httpOnly, 'the device cookie is HttpOnly');
        assert.equal(cookie.sameSite, 'Strict');
        continue;
      }
      assert.equal(cookie.expires, -1, `${cookie.name} is a browser-session cookie`);
    }
    assert.ok((await plain.context.cookies()).some((c) => c.name.endsWith('login_device')), 'a login sets the device cookie');
    await goTo(kept.page, 'sessions');
    const current = kept.page.locator('#sessions > li[data-current="true"]');
    assert.match(await current.textContent(), /Kept signed in/);
    for (const session of [kept, plain]) {
      await session.page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await waitForView(session.page, 'signed-out');
      await session.context.close();
    }
  });

  it('refreshes silently, once, when the access token has expired', async () => {
    const { page } = me;
    const before = await counter(page, 'refreshCount');
    await waitForAccessExpiry(page);
    const recording = recordApiCalls(page);
    await afterCount(page, 'accountLoads', () => goTo(page, 'account'));
    const calls = recording.stop();
    assert.equal(await counter(page, 'refreshCount'), before + 1);
    assert.deepEqual(calls.filter((c) => c.includes('/refresh')), ['POST /api/v1/auth/refresh 200']);
    assert.equal(await visibleText(page, '#whoami-username'), username);
    await assertNoTokenInStorage(page);
  });

  it('changes the password with the current one and says the other sessions were signed out', async () => {
    const other = await signInElsewhere();
    const { page } = me;
    await afterCount(page, 'accountLoads', () => goTo(page, 'sessions'));
    const others = (await page.locator('#sessions > li').count()) - 1;
    assert.ok(others >= 1);
    await goTo(page, 'account');
    const form = page.locator('#password-form');
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await waitForText(page, '#password-current-error', 'That password is not right.');
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    const signedOut = others === 1 ? 'One other session was signed out.' : `${others} other sessions were signed out.`;
    await waitForText(page, '#notice', `Your password is changed. ${signedOut}`);
    await other.page.reload();
    await waitForView(other.page, 'signed-out');
    await other.context.close();
  });

  it('deletes the account after the password and a confirmation, signed out everywhere', async () => {
    const { page } = me;
    const form = page.locator('#delete-form');
    await form.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Delete my account' }).click();
    await answerConfirm(page, true);
    await waitForView(page, 'signed-out');
    await waitForText(page, '#notice', 'Your account has been deleted.');
    await page.locator('#login-username').fill(username);
    await page.locator('#login-password').fill(NEW_PASSWORD);
    await page.locator('#login-password').press('Enter');
    await waitForText(page, '#login-error', 'The username or password is not right.');
    await screenshot(page, 'desktop-en-light-07-deleted');
  });
}
