// Small building blocks every view shares: creating elements without HTML strings (the
// page never parses markup from data, so no injection), busy buttons, field errors in plain
// words, the throttle countdown, confirmations, password fields (show, caps lock,
// strength), and dates and devices in words.

import { ApiError, SessionEnded } from './api.js';
import { t } from './i18n.js';

export const $ = (id) => document.getElementById(id);

/** `<tag>` with `props` (`class`, `text`, `on<event>`, attributes) and `children`. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** Shows `text` in `element`, or hides it when there is none. */
export function show(element, text) {
  element.textContent = text || '';
  element.hidden = !text;
}

/** Runs `action` with `button` disabled and saying it is working. */
export async function busy(button, action) {
  const label = button.textContent;
  const working = t('busy');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = working;
  try {
    return await action();
  } finally {
    button.removeAttribute('aria-busy');
    if (button.textContent === working) {
      // Unless the action relabelled it (Disable becomes Enable).
      button.textContent = button.dataset.i18n ? t(button.dataset.i18n) : label;
    }
    if (!button.dataset.waitUntil) {
      button.disabled = false;
    }
  }
}

// ----- field errors -------------------------------------------------------------

// The API's field messages (users/validate.rs), as keys of plain-words text.
const FIELD_MESSAGES = [
  [/at least (\d+) characters/, 'err.tooShort'],
  [/at most (\d+) characters/, 'err.tooLong'],
  [/may contain only/, 'err.usernameChars'],
  [/email address/, 'err.email'],
  [/phone number/, 'err.mobile'],
  [/between 0 and 150/, 'err.age'],
  [/date like/, 'err.date'],
  [/in the future/, 'err.future'],
  [/after 1850/, 'err.tooOld'],
  [/required/, 'err.required'],
  [/own account/, 'err.notYourself'],
];

/** A server field message in the current language. */
export function fieldMessage(message) {
  for (const [pattern, key] of FIELD_MESSAGES) {
    const match = pattern.exec(message);
    if (match) {
      return t(key, { n: Number(match[1]) });
    }
  }
  return t('err.invalid');
}

function errorSlot(input) {
  const id = `${input.id}-error`;
  let slot = document.getElementById(id);
  if (!slot) {
    slot = el('p', { id, class: 'field-error', hidden: true });
    (input.closest('.field') || input.parentElement).append(slot);
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    input.setAttribute('aria-describedby', [...described, id].join(' '));
  }
  return slot;
}

/** Shows `message` under `input` (none: clears it). */
export function setFieldError(input, message) {
  show(errorSlot(input), message);
  if (message) {
    input.setAttribute('aria-invalid', 'true');
  } else {
    input.removeAttribute('aria-invalid');
  }
}

export function clearErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    setFieldError(input, '');
  }
  for (const box of form.querySelectorAll('.error')) {
    show(box, '');
  }
}

/** Shows each `{input: message}` and focuses the first; whether there was any. */
export function showFieldErrors(errors) {
  const failed = errors.filter(([, message]) => message);
  for (const [input, message] of errors) {
    setFieldError(input, message);
  }
  failed[0]?.[0].focus();
  return failed.length > 0;
}

// ----- errors in words ----------------------------------------------------------

const CODES = {
  invalid_credentials: 'err.credentials',
  account_disabled: 'err.disabled',
  registration_closed: 'err.registrationClosed',
  fresh_token_required: 'err.fresh',
  forbidden: 'err.forbidden',
  csrf_failed: 'err.sessionEnded',
  token_revoked: 'err.sessionEnded',
  payload_too_large: 'err.tooLarge',
};

const CONFLICTS = [
  [/Username/, 'err.usernameTaken'],
  [/item/, 'err.itemTaken'],
];

const NOT_FOUND = [
  [/User/, 'err.userGone'],
  [/Session/, 'err.sessionGone'],
  [/Item/, 'err.itemGone'],
];

function matchKey(table, message, fallback) {
  return (table.find(([pattern]) => pattern.test(message)) || [null, fallback])[1];
}

/** The seconds a `Retry-After` value asks to wait (0 when unreadable). */
export function retrySeconds(retryAfter) {
  let seconds = Number(retryAfter);
  if (!Number.isFinite(seconds)) {
    const date = Date.parse(retryAfter || '');
    seconds = Number.isNaN(date) ? 0 : (date - Date.now()) / 1000;
  }
  return Math.max(0, Math.ceil(seconds));
}

export function waitText(seconds) {
  if (seconds <= 0) {
    return t('err.waitMoment');
  }
  const time = seconds < 60 ? t('time.s', { s: seconds }) : t('time.ms', { m: Math.floor(seconds / 60), s: seconds % 60 });
  return t('err.wait', { time });
}

/** What to tell the user about a failed call. */
export function describe(error) {
  if (error instanceof SessionEnded) {
    return t('err.sessionEnded');
  }
  if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500) {
    return t('err.unavailable');
  }
  if (error.status === 429) {
    return waitText(retrySeconds(error.retryAfter));
  }
  if (CODES[error.code]) {
    return t(CODES[error.code]);
  }
  if (error.status === 409) {
    return t(matchKey(CONFLICTS, error.message, 'err.conflict'));
  }
  if (error.status === 404) {
    return t(matchKey(NOT_FOUND, error.message, 'err.notFound'));
  }
  if (error.status === 400 && /yourself|own/i.test(error.message)) {
    return t('err.notYourself');
  }
  if (error.status === 401) {
    return t('err.sessionEnded');
  }
  const first = Object.values(error.fields)[0];
  return first ? fieldMessage([].concat(first)[0]) : t('err.refused');
}

/** Shows a failed call: field messages next to their `inputs` (`{apiField: input}`),
 * anything else in `box`; a 429 disables `button` and counts down. */
export function showError(error, { box, inputs = {}, button } = {}) {
  const perField = Object.entries(error instanceof ApiError ? error.fields : {})
    .filter(([field]) => inputs[field])
    .map(([field, messages]) => [inputs[field], fieldMessage([].concat(messages)[0])]);
  if (perField.length) {
    showFieldErrors(perField);
    return;
  }
  if (error instanceof ApiError && error.status === 429 && button) {
    countdown(button, box, retrySeconds(error.retryAfter));
    return;
  }
  show(box, describe(error));
  box.focus?.();
}

/** Disables `button` for `seconds`, saying in `box` how long is left. */
export function countdown(button, box, seconds) {
  const until = Date.now() + seconds * 1000;
  button.dataset.waitUntil = String(until);
  button.disabled = true;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0 && button.dataset.waitUntil === String(until)) {
      show(box, waitText(left));
      setTimeout(tick, 250);
      return;
    }
    if (button.dataset.waitUntil === String(until)) {
      delete button.dataset.waitUntil;
      button.disabled = false;
      show(box, t('err.tryAgain'));
    }
  };
  tick();
}

// ----- confirmations -------------------------------------------------------------

/** Asks before something destructive; resolves to whether the user confirmed. */
export function confirmAction(title, text, actionLabel) {
  const dialog = $('confirm-dialog');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = actionLabel;
  dialog.returnValue = '';
  dialog.showModal();
  $('confirm-cancel').focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
  });
}

// ----- password fields -------------------------------------------------------------

/** Strength 0–3 by length alone (no dictionary, no network): too short, fair, good, strong. */
export function strength(password) {
  const n = [...password].length;
  if (n < 8) {
    return 0;
  }
  return n < 12 ? 1 : n < 16 ? 2 : 3;
}

const STRENGTH_KEYS = ['strength.short', 'strength.fair', 'strength.good', 'strength.strong'];

function renderStrength(input, meter) {
  const level = strength(input.value);
  meter.dataset.level = input.value ? String(level) : '';
  meter.querySelector('span').textContent = input.value ? t(STRENGTH_KEYS[level]) : t('strength.hint');
}

/** Adds the show toggle and caps-lock warning to every password field under `root`, and
 * the strength hint to those marked `data-strength`. */
export function enhancePasswords(root = document) {
  for (const input of root.querySelectorAll('input[type="password"]:not([data-enhanced])')) {
    input.dataset.enhanced = 'true';
    const field = input.closest('.field');
    const toggle = el('button', {
      type: 'button',
      class: 'reveal',
      'aria-pressed': 'false',
      'aria-controls': input.id,
      'data-i18n': 'password.show',
      text: t('password.show'),
    });
    toggle.addEventListener('click', () => {
      const visible = input.type === 'password';
      input.type = visible ? 'text' : 'password';
      toggle.setAttribute('aria-pressed', String(visible));
    });
    const wrap = el('div', { class: 'password-wrap' });
    input.replaceWith(wrap);
    wrap.append(input, toggle);
    const caps = el('p', { id: `${input.id}-caps`, class: 'caps', 'data-i18n': 'password.caps', hidden: true, text: t('password.caps') });
    field.append(caps);
    const checkCaps = (event) => {
      if (event.getModifierState) {
        caps.hidden = !event.getModifierState('CapsLock');
      }
    };
    input.addEventListener('keydown', checkCaps);
    input.addEventListener('keyup', checkCaps);
    input.addEventListener('blur', () => {
      caps.hidden = true;
    });
    if ('strength' in input.dataset) {
      const meter = el('p', { id: `${input.id}-strength`, class: 'strength', 'aria-live': 'polite' }, el('span'));
      field.append(meter);
      input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} ${meter.id}`.trim());
      input.addEventListener('input', () => renderStrength(input, meter));
      meter.rerender = () => renderStrength(input, meter);
      renderStrength(input, meter);
    }
  }
}

/** Re-renders the strength hints (after a language switch or a form reset). */
export function refreshStrength() {
  for (const meter of document.querySelectorAll('.strength')) {
    meter.rerender?.();
  }
}

// ----- words for dates and devices ----------------------------------------------------

export function formatDate(value, withTime = true) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return String(value ?? '');
  }
  const locale = document.documentElement.lang || 'en';
  return withTime ? date.toLocaleString(locale) : date.toLocaleDateString(locale);
}

const BROWSERS = [
  ['Edge', /Edg\/(\d+)/],
  ['Firefox', /Firefox\/(\d+)/],
  ['Headless Chrome', /HeadlessChrome\/(\d+)/],
  ['Chrome', /Chrome\/(\d+)/],
  ['Safari', /Version\/(\d+).*Safari/],
];
const SYSTEMS = [
  ['Android', /Android/],
  ['iOS', /iPhone|iPad/],
  ['Windows', /Windows/],
  ['macOS', /Mac OS X/],
  ['Linux', /Linux/],
];

/** A short name for a User-Agent, e.g. "Chrome 156 · Linux"; the raw text otherwise. */
export function deviceName(agent) {
  if (!agent) {
    return t('session.unknownDevice');
  }
  const browser = BROWSERS.map(([name, re]) => [name, re.exec(agent)]).find(([, match]) => match);
  if (!browser) {
    return agent;
  }
  const system = SYSTEMS.find(([, re]) => re.test(agent));
  return system ? t('session.device', { browser: `${browser[0]} ${browser[1][1]}`, system: system[0] }) : `${browser[0]} ${browser[1][1]}`;
}
