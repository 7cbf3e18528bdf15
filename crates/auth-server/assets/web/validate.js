// The API's input rules (crates/auth-server/src/users/validate.rs), checked in the page
// first so most mistakes are explained next to the field before anything is sent. The
// server checks again; its answers are shown the same way (ui.js `showError`). The
// profile fields are built here once for both forms that edit them (the account page
// and the admin's user dialog).

import { t } from './i18n.js';
import { el } from './ui.js';

const USERNAME_CHARS = /^[A-Za-z0-9_.@-]*$/;

function length(value, min, max) {
  const n = [...value].length;
  if (n < min) {
    return t('err.tooShort', { n: min });
  }
  return n > max ? t('err.tooLong', { n: max }) : '';
}

export function usernameError(value) {
  if (!value) {
    return t('err.required');
  }
  return length(value, 3, 64) || (USERNAME_CHARS.test(value) ? '' : t('err.usernameChars'));
}

export function passwordError(value) {
  return value ? length(value, 8, 1024) : t('err.required');
}

function emailError(value) {
  const at = value.indexOf('@');
  const domain = value.slice(at + 1);
  const ok =
    value.length <= 254 &&
    !/\s/.test(value) &&
    at > 0 &&
    !domain.includes('@') &&
    domain.includes('.') &&
    !domain.startsWith('.') &&
    !domain.endsWith('.') &&
    !domain.includes('..');
  return ok ? '' : t('err.email');
}

function mobileError(value) {
  const rest = value.startsWith('+') ? value.slice(1) : value;
  const digits = rest.replace(/\D/g, '').length;
  const ok = /^\d[\d -]*$/.test(rest) && digits >= 5 && digits <= 15 && value.length <= 32;
  return ok ? '' : t('err.mobile');
}

function ageError(value) {
  return /^\d{1,3}$/.test(value) && Number(value) <= 150 ? '' : t('err.age');
}

function birthError(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.getUTCDate() !== Number(match[3]) || date.getUTCMonth() !== Number(match[2]) - 1) {
    return t('err.date');
  }
  if (date.getTime() > Date.now()) {
    return t('err.future');
  }
  return Number(match[1]) < 1850 ? t('err.tooOld') : '';
}

const PROFILE_RULES = { email: emailError, mobile: mobileError, age: ageError, birth: birthError };
export const PROFILE_FIELDS = Object.keys(PROFILE_RULES);

/** `[[input, message]]` for the profile `inputs` (`{email: input, ...}`); empty is fine. */
export function profileErrors(inputs) {
  return PROFILE_FIELDS.map((field) => {
    const value = inputs[field].value.trim();
    return [inputs[field], value ? PROFILE_RULES[field](value) : ''];
  });
}

/** The PATCH body for the profile `inputs`: an emptied field is cleared (`null`). */
export function profileBody(inputs) {
  const body = {};
  for (const field of PROFILE_FIELDS) {
    const value = inputs[field].value.trim();
    body[field] = value === '' ? null : field === 'age' ? Number(value) : value;
  }
  return body;
}

/** Fills the profile `inputs` from a user object. */
export function fillProfile(inputs, user) {
  for (const field of PROFILE_FIELDS) {
    inputs[field].value = user[field] === null || user[field] === undefined ? '' : String(user[field]);
  }
}

// How each profile field is typed; `autocomplete` only where the person edits their own.
const PROFILE_INPUTS = {
  email: { type: 'email', own: 'email', placeholder: 'name@example.com' },
  mobile: { type: 'tel', own: 'tel', placeholder: '+86 138 0013 8000' },
  age: { inputmode: 'numeric', maxlength: '3' },
  birth: { type: 'date', min: '1850-01-01' },
};

/** Fills every `[data-profile-fields=PREFIX]` with the labelled profile inputs whose ids
 * are `PREFIX-email`, ... (before the texts are translated). */
export function buildProfileFields() {
  for (const grid of document.querySelectorAll('[data-profile-fields]')) {
    const prefix = grid.dataset.profileFields;
    const own = prefix === 'profile';
    const fields = PROFILE_FIELDS.map((field) => {
      const { own: autocomplete, ...attributes } = PROFILE_INPUTS[field];
      const id = `${prefix}-${field}`;
      return el(
        'div',
        { class: 'field' },
        el('label', { for: id, 'data-i18n': `field.${field}` }),
        el('input', { id, ...attributes, placeholder: own ? attributes.placeholder : null, autocomplete: own ? autocomplete || 'off' : 'off' }),
      );
    });
    grid.prepend(...fields);
  }
}

/** `{email: input, ...}` for the inputs whose ids are `prefix-email`, .... */
export function profileInputs(prefix) {
  return Object.fromEntries(PROFILE_FIELDS.map((field) => [field, document.getElementById(`${prefix}-${field}`)]));
}
