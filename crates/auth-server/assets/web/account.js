// The signed-in user's own pages: profile (inline validation), change password (asks
// the current one, says how many other sessions were signed out), delete the account
// (asks the password, confirms, signs out everywhere), and the sessions (this device
// first, end one, sign out the others, log out everywhere), each destructive step
// confirmed first.

import { api, freshLogin, ApiError } from './api.js';
import { t } from './i18n.js';
import { renderSessions } from './sessions.js';
import { announce } from './sync.js';
import { $, busy, clearErrors, confirmAction, setFieldError, show, showError, showFieldErrors, refreshStrength } from './ui.js';
import { fillProfile, passwordError, profileBody, profileErrors, profileInputs } from './validate.js';

let app;
let sessions = [];

/** Shows a wrong current password next to its field; other failures via `showError`. */
function passwordFailure(error, input, box, button) {
  if (error instanceof ApiError && error.code === 'invalid_credentials') {
    showFieldErrors([[input, t('err.wrongPassword')]]);
  } else {
    app.failed(error, () => showError(error, { box, button }));
  }
}

export function renderProfile(user) {
  fillProfile(profileInputs('profile'), user);
}

export function showSessions(list) {
  sessions = list;
  renderSessions($('sessions'), list, endSession);
  $('end-others').disabled = !list.some((session) => !session.current);
}

async function endSession(session, button) {
  const ok = await confirmAction(
    session.current ? t('confirm.endThisTitle') : t('confirm.endTitle'),
    session.current ? t('confirm.endThisText') : t('confirm.endText'),
    button.textContent,
  );
  if (!ok) {
    button.focus();
    return;
  }
  await busy(button, async () => {
    try {
      await api('DELETE', `/api/v1/auth/sessions/${encodeURIComponent(session.id)}`);
      if (session.current) {
        announce('signed-out');
        app.signedOut('notice.sessionEnded');
        return;
      }
      await app.reload();
      app.notify(t('notice.sessionEnded.other'));
      $('sessions-title').focus();
    } catch (error) {
      app.failed(error, $('sessions-error'));
    }
  });
}

async function endOthers(button) {
  const others = sessions.filter((session) => !session.current);
  const ok = await confirmAction(t('confirm.othersTitle'), t('confirm.othersText', { n: others.length }), t('sessions.endOthers'));
  if (!ok) {
    return;
  }
  await busy(button, async () => {
    try {
      for (const session of others) {
        await api('DELETE', `/api/v1/auth/sessions/${encodeURIComponent(session.id)}`).catch((error) => {
          if (error.status !== 404) {
            throw error;
          }
        });
      }
      await app.reload();
      app.notify(t('notice.othersEnded', { n: others.length }));
    } catch (error) {
      app.failed(error, $('sessions-error'));
    }
  });
}

async function logoutEverywhere(button) {
  if (!(await confirmAction(t('confirm.everywhereTitle'), t('confirm.everywhereText'), t('sessions.everywhere')))) {
    return;
  }
  await busy(button, async () => {
    try {
      await api('POST', '/api/v1/auth/logout-all');
      announce('signed-out');
      app.signedOut('notice.loggedOutEverywhere');
    } catch (error) {
      app.failed(error, $('sessions-error'));
    }
  });
}

function profileForm() {
  const form = $('profile-form');
  const inputs = profileInputs('profile');
  for (const input of Object.values(inputs)) {
    input.addEventListener('change', () => {
      setFieldError(input, profileErrors(inputs).find(([candidate]) => candidate === input)[1]);
    });
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (showFieldErrors(profileErrors(inputs))) {
      return;
    }
    await busy(form.querySelector('button[type="submit"]'), async () => {
      try {
        const user = await api('PATCH', '/api/v1/users/me', profileBody(inputs));
        app.setUser(user);
        app.notify(t('notice.profileSaved'));
      } catch (error) {
        app.failed(error, () => showError(error, { box: $('profile-error'), inputs }));
      }
    });
  });
}

function passwordForm() {
  const form = $('password-form');
  const current = $('password-current');
  const next = $('password-new');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (showFieldErrors([[current, current.value ? '' : t('err.required')], [next, passwordError(next.value)]])) {
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    await busy(button, async () => {
      try {
        await freshLogin(current.value);
        const answer = await api('PUT', '/api/v1/auth/password', { current_password: current.value, new_password: next.value });
        form.reset();
        refreshStrength();
        await app.reload();
        app.notify(t('notice.passwordChanged', { n: Number(answer.revoked_sessions) || 0 }));
      } catch (error) {
        // A wrong current password is `invalid_credentials`, from fresh-login or the change.
        passwordFailure(error, current, $('password-error'), button);
      }
    });
  });
}

function deleteForm() {
  const form = $('delete-form');
  const password = $('delete-password');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (showFieldErrors([[password, password.value ? '' : t('err.required')]])) {
      return;
    }
    if (!(await confirmAction(t('confirm.deleteMeTitle'), t('confirm.deleteMeText'), t('account.delete')))) {
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    await busy(button, async () => {
      try {
        await freshLogin(password.value);
        await api('DELETE', `/api/v1/users/${app.user().id}`);
        form.reset();
        announce('signed-out');
        app.signedOut('notice.deleted');
      } catch (error) {
        passwordFailure(error, password, $('delete-error'), button);
      }
    });
  });
}

export function initAccount(context) {
  app = context;
  profileForm();
  passwordForm();
  deleteForm();
  $('end-others').addEventListener('click', (event) => endOthers(event.currentTarget));
  $('logout-all-button').addEventListener('click', (event) => logoutEverywhere(event.currentTarget));
  show($('sessions-error'), '');
}
