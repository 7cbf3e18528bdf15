// Sign in and sign up. Mistakes are explained next to their field in plain words, the
// submit button says it is working, a throttled form counts down the server's
// `Retry-After`, and "Keep me signed in" asks the server for persistent cookies.

import { ApiError, request } from './api.js';
import { t } from './i18n.js';
import { announce } from './sync.js';
import { $, busy, clearErrors, refreshStrength, showError, showFieldErrors } from './ui.js';
import { passwordError, usernameError } from './validate.js';

let app;

/** Wires a credentials form: `check()` lists client-side problems, `send()` posts it. */
function credentialsForm(form, check, send, onError) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (showFieldErrors(check())) {
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    await busy(button, async () => {
      try {
        await send();
        form.reset();
        refreshStrength();
        announce('signed-in');
        await app.signedIn();
      } catch (error) {
        onError(error, button);
      }
    });
  });
}

function loginForm() {
  const form = $('login-form');
  const username = $('login-username');
  const password = $('login-password');
  credentialsForm(
    form,
    () => [
      [username, username.value.trim() ? '' : t('err.required')],
      [password, password.value ? '' : t('err.required')],
    ],
    () =>
      request('POST', '/api/v1/auth/login?transport=cookie', {
        username: username.value.trim(),
        password: password.value,
        remember: $('login-remember').checked,
      }),
    (error, button) => {
      showError(error, { box: $('login-error'), inputs: { username, password }, button });
      if (error instanceof ApiError && error.code === 'invalid_credentials') {
        password.select();
        password.focus();
      }
    },
  );
}

function registerForm() {
  const form = $('register-form');
  const username = $('register-username');
  const password = $('register-password');
  credentialsForm(
    form,
    () => [
      [username, usernameError(username.value.trim())],
      [password, passwordError(password.value)],
    ],
    () => request('POST', '/api/v1/auth/register?transport=cookie', { username: username.value.trim(), password: password.value }),
    (error, button) => {
      if (error instanceof ApiError && error.status === 409) {
        showFieldErrors([[username, t('err.usernameTaken')]]);
        return;
      }
      showError(error, { box: $('register-error'), inputs: { username, password }, button });
    },
  );
}

export function initSignIn(context) {
  app = context;
  loginForm();
  registerForm();
}
