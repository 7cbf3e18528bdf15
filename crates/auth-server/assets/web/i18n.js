// The page's two languages. The language comes from the `lang` cookie the switch sets,
// else from the browser's preferred languages (the list its Accept-Language is made
// of); static text carries `data-i18n` keys and is re-rendered on every switch, and
// dynamic text asks `t()`. The choice is remembered in a plain cookie, not in web
// storage: this page keeps nothing in local or session storage.

import { STRINGS } from './strings.js';

const listeners = [];
let current = 'en';

/** `en` or `zh`, from the cookie or the browser's preferences. */
function initialLanguage() {
  const saved = /(?:^|;\s*)lang=(en|zh)\b/.exec(document.cookie);
  if (saved) {
    return saved[1];
  }
  const preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  const first = preferred.find((tag) => /^(en|zh)\b/i.test(tag || ''));
  return first && /^zh/i.test(first) ? 'zh' : 'en';
}

export function language() {
  return current;
}

/** The text of `key` in the current language, `{name}` replaced from `params`; a count
 * `n` of 1 picks the `key.one` variant when there is one. */
export function t(key, params = {}) {
  const table = STRINGS[current];
  const text = (params.n === 1 && table[`${key}.one`]) || table[key] || STRINGS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Renders every `data-i18n` (text), `data-i18n-label` (aria-label) and
 * `data-i18n-placeholder` key under `root`. */
export function translate(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of root.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  }
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  }
}

/** Switches to `lang`, remembers it for a year, and re-renders. */
export function setLanguage(lang, remember = true) {
  current = lang === 'zh' ? 'zh' : 'en';
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  if (remember) {
    document.cookie = `lang=${current}; Path=/; Max-Age=31536000; SameSite=Lax`;
  }
  translate();
  for (const listener of listeners) {
    listener(current);
  }
}

/** Calls `listener(lang)` after every switch (to re-render dynamic text). */
export function onLanguageChange(listener) {
  listeners.push(listener);
}

export function startLanguage() {
  setLanguage(initialLanguage(), false);
}
