// Accessibility checks with axe-core, run inside the page. The page's CSP allows only
// its own origin's scripts, so the test serves axe itself under a path of that origin
// (intercepted, never reaching the server) instead of loosening the policy.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const AXE_FILE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const AXE_PATH = '/__e2e__/axe.min.js';

/** Runs axe on the whole page as it is now and fails on any violation. */
export async function assertAccessible(page, state) {
  await page.route(`**${AXE_PATH}`, (route) => route.fulfill({ path: AXE_FILE, contentType: 'text/javascript' }));
  if (!(await page.evaluate(() => Boolean(window.axe)))) {
    await page.addScriptTag({ url: AXE_PATH });
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  });
  assert.deepEqual(violations, [], `axe violations in state "${state}":\n${violations.join('\n')}`);
}
