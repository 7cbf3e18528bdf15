// Every text key the page uses exists in English and in 简体中文, and both languages have
// the same keys (no string left untranslated). Reads the page's own files; no browser.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'crates', 'auth-server', 'assets', 'web');
const { STRINGS } = await import(path.join(WEB, 'strings.js'));

async function usedKeys() {
  const keys = new Set();
  for (const file of (await readdir(WEB)).filter((name) => name !== 'strings.js')) {
    const text = await readFile(path.join(WEB, file), 'utf8');
    for (const match of text.matchAll(/\bt\('([\w.]+)'/g)) {
      keys.add(match[1]);
    }
    for (const match of text.matchAll(/data-i18n(?:-label|-placeholder)?="([\w.]+)"/g)) {
      keys.add(match[1]);
    }
    for (const match of text.matchAll(/'((?:err|notice|strength|confirm|role)\.[\w.]+)'/g)) {
      keys.add(match[1]);
    }
  }
  return keys;
}

describe('the page texts', () => {
  it('exist in both languages for every key the page uses', async () => {
    const keys = await usedKeys();
    assert.ok(keys.size > 100, `found only ${keys.size} keys`);
    for (const lang of ['en', 'zh']) {
      const missing = [...keys].filter((key) => !(key in STRINGS[lang]));
      assert.deepEqual(missing, [], `missing in ${lang}`);
    }
  });

  it('have the same keys in both languages (English-only singular forms aside)', () => {
    const zh = new Set(Object.keys(STRINGS.zh));
    const en = new Set(Object.keys(STRINGS.en).filter((key) => !key.endsWith('.one')));
    assert.deepEqual([...en].filter((key) => !zh.has(key)), [], 'untranslated');
    assert.deepEqual([...zh].filter((key) => !en.has(key)), [], 'Chinese-only');
    for (const key of en) {
      const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(placeholders(STRINGS.zh[key]), placeholders(STRINGS.en[key]), `placeholders of ${key}`);
    }
  });
});
