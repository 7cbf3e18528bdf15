// Two tabs of one browser share one session: when both find the access token expired
// at once they refresh once between them (Web Locks) and neither is signed out, and a
// sign-out, sign-in or switch of account in one reaches the other at once
// (BroadcastChannel), so a forgotten tab never acts on another account.

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { openPage, screenshot } from '../lib/browser.mjs';
import {
  counter,
  open,
  recordApiCalls,
  registerDirectly,
  signIn,
  uniqueName,
  visibleText,
  waitForAccessExpiry,
  waitForText,
  waitForView,
} from '../lib/ui.mjs';

const PASSWORD = 'two tabs one session';

export function tabsJourney(run) {
  const carol = uniqueName('e2e_carol');
  const dave = uniqueName('e2e_dave');
  let browser;
  let first;
  let second;

  it('a sign-in in one tab signs in the other at once', async () => {
    await registerDirectly(carol, PASSWORD);
    await registerDirectly(dave, PASSWORD);
    browser = await openPage(run.browser);
    run.pages.push(browser);
    first = browser.page;
    second = await browser.newTab();
    await open(first);
    await open(second);
    await signIn(first, carol, PASSWORD);
    await waitForView(second, 'signed-in');
    assert.equal(await visibleText(second, '#whoami-username'), carol);
  });

  it('two tabs whose access token expired together refresh once and both stay signed in', async () => {
    const refreshesBefore = (await counter(first, 'refreshCount')) + (await counter(second, 'refreshCount'));
    await waitForAccessExpiry(first);
    const calls = recordApiCalls(browser.context);
    const loads = await Promise.all([first, second].map((page) => counter(page, 'accountLoads')));
    await Promise.all([first, second].map((page) => page.locator('#tab-sessions').click()));
    await Promise.all(
      [first, second].map((page, i) => page.waitForFunction((n) => Number(document.body.dataset.accountLoads) > n, loads[i])),
    );
    const seen = calls.stop();
    assert.deepEqual(seen.filter((c) => c.includes('/refresh')), ['POST /api/v1/auth/refresh 200'], seen.join('\n'));
    const refreshesAfter = (await counter(first, 'refreshCount')) + (await counter(second, 'refreshCount'));
    assert.equal(refreshesAfter, refreshesBefore + 1);
    for (const page of [first, second]) {
      assert.equal(await page.locator('body').getAttribute('data-view'), 'signed-in');
      assert.equal(await visibleText(page, '#whoami-username'), carol);
    }
  });

  it('a sign-out in one tab signs out the other at once', async () => {
    await first.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForView(first, 'signed-out');
    await waitForView(second, 'signed-out');
    await waitForText(second, '#notice', 'You signed out in another tab.');
  });

  it('an account switch in one tab switches the other at once', async () => {
    await signIn(first, carol, PASSWORD);
    await waitForView(second, 'signed-in');
    await first.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForView(second, 'signed-out');
    await signIn(first, dave, PASSWORD);
    await second.locator('#whoami-username').filter({ hasText: dave }).waitFor();
    await waitForText(second, '#notice', `Signed in as ${dave} in another tab.`);
    await screenshot(second, 'desktop-en-light-08-other-tab-switched');
    await browser.context.close();
  });
}
