// Runs last, since it throttles this client: repeated wrong passwords disable the sign-in
// button and count down the server's Retry-After in words.

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { assertAccessible } from '../lib/axe.mjs';
import { openPage, screenshot } from '../lib/browser.mjs';
import { open, registerDirectly, uniqueName, visibleText } from '../lib/ui.mjs';

export function throttleJourney(run) {
  it('counts down while throttled, with the sign-in button disabled', async () => {
    const username = uniqueName('e2e_throttled');
    await registerDirectly(username, 'the right password');
    const session = await openPage(run.browser);
    run.pages.push(session);
    const { page } = session;
    await open(page);
    let retryAfter = null;
    page.on('response', (response) => {
      if (response.status() === 429) {
        retryAfter = Number(response.headers()['retry-after']);
      }
    });
    const button = page.locator('#login-form button[type="submit"]');
    for (let attempt = 0; attempt < 15 && retryAfter === null; attempt += 1) {
      const answered = page.waitForResponse((r) => r.url().includes('/api/v1/auth/login'));
      await page.locator('#login-username').fill(username);
      await page.locator('#login-password').fill(`wrong password ${attempt}`);
      await button.click();
      await answered;
    }
    assert.ok(retryAfter > 0, 'the server throttled the attempts with a Retry-After');
    const first = await visibleText(page, '#login-error');
    assert.match(first, /^Too many attempts\. Try again in (\d+ min )?\d+ s\.$/);
    assert.ok(await button.isDisabled(), 'the button waits with the user');
    // The countdown moves: the text changes without any action.
    await page.waitForFunction((before) => document.getElementById('login-error').textContent !== before, first);
    assert.ok(await button.isDisabled());
    await assertAccessible(page, 'throttled, en');
    await screenshot(page, 'desktop-en-light-12-throttled');
  });
}
