// End-to-end test of the web page served at `/` by auth-server, in Debian's Chromium, as
// people use it: a plain user's journey (English, desktop), two tabs of one browser, an
// admin's journey (简体中文 on a phone, then English on a desktop in the dark theme), and
// the throttle countdown last (it throttles this client). axe-core runs in every state
// and screenshots go to target/e2e-screenshots/. Run by scripts/e2e.sh, which starts the
// server (AUTH_ACCESS_TTL=2s, an admin account) and sets E2E_BASE_URL.

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { accountJourney } from './journeys/account.mjs';
import { adminJourney } from './journeys/admin.mjs';
import { tabsJourney } from './journeys/tabs.mjs';
import { throttleJourney } from './journeys/throttle.mjs';
import { launch } from './lib/browser.mjs';
import { assertNoTokenInStorage } from './lib/ui.mjs';

describe('the web page', { concurrency: false }, () => {
  const run = { browser: null, pages: [] };

  before(async () => {
    assert.ok(process.env.E2E_BASE_URL, 'E2E_BASE_URL must name a running auth-server (scripts/e2e.sh sets it)');
    run.browser = await launch();
  });

  after(async () => {
    const errors = run.pages.flatMap((session) => session.errors);
    for (const session of run.pages) {
      for (const page of session.context.pages()) {
        await assertNoTokenInStorage(page);
      }
    }
    await run.browser?.close();
    assert.deepEqual(errors, [], 'no console errors or uncaught exceptions');
  });

  describe('a plain user', { concurrency: false }, () => accountJourney(run));
  describe('two tabs', { concurrency: false }, () => tabsJourney(run));
  describe('an admin', { concurrency: false }, () => adminJourney(run));
  describe('throttling', { concurrency: false }, () => throttleJourney(run));
});
