// The admin console: users searched by name and paged with the API's cursor, and one
// dialog per user to edit the profile and role, disable or enable the account, set a
// new password, see and end the user's sessions, or delete the account. Every action
// goes through the admin API (which writes the audit log) and every destructive one is
// confirmed first.

import { api } from './api.js';
import { t } from './i18n.js';
import { renderSessions } from './sessions.js';
import { $, busy, clearErrors, confirmAction, el, formatDate, show, showError, showFieldErrors } from './ui.js';
import { fillProfile, passwordError, profileBody, profileErrors, profileInputs } from './validate.js';

const PAGE_SIZE = 10;

let app;
// The cursors of the pages seen so far: `cursors[i]` fetches page i.
let cursors = [null];
let page = 0;
let nextCursor = null;
let query = '';
let searchTimer = null;
let selected = null;

function usersPath() {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (query) {
    params.set('q', query);
  }
  if (cursors[page]) {
    params.set('cursor', cursors[page]);
  }
  return `/api/v1/users?${params}`;
}

function roleBadge(user) {
  return el('span', { class: user.role === 'admin' ? 'badge' : 'badge muted', text: t(`role.${user.role}`) });
}

function userRow(user) {
  const open = el('button', { type: 'button', class: 'link user-name', text: user.username });
  open.addEventListener('click', () => openUser(user.id));
  const badges = [roleBadge(user)];
  if (user.disabled) {
    badges.push(el('span', { class: 'badge danger', text: t('user.disabled') }));
  }
  return el(
    'li',
    { class: 'user-row', 'data-user-id': user.id, 'data-username': user.username },
    open,
    el('span', { class: 'badges' }, ...badges),
    el('small', { text: t('user.created', { when: formatDate(user.created_at, false) }) }),
  );
}

/** Loads the current page of users. */
export async function loadUsers() {
  try {
    const answer = await api('GET', usersPath());
    const users = answer.users || [];
    nextCursor = answer.next_cursor || null;
    $('users').replaceChildren(...(users.length ? users.map(userRow) : [el('li', { class: 'empty', text: t('users.none') })]));
    $('users-prev').disabled = page === 0;
    $('users-next').disabled = !nextCursor;
    $('users-page').textContent = t('users.page', { n: page + 1 });
    show($('users-error'), '');
    document.body.dataset.usersLoads = String(Number(document.body.dataset.usersLoads || 0) + 1);
  } catch (error) {
    app.failed(error, $('users-error'));
  }
}

function restartSearch() {
  query = $('users-search').value.trim();
  cursors = [null];
  page = 0;
  return loadUsers();
}

// ----- one user ---------------------------------------------------------------------

function renderUser(user) {
  selected = user;
  $('user-dialog-title').textContent = user.username;
  $('user-id').textContent = String(user.id);
  $('user-created').textContent = formatDate(user.created_at);
  $('user-status').textContent = user.disabled ? t('user.disabled') : t('user.active');
  fillProfile(profileInputs('user'), user);
  $('user-role').value = user.role;
  $('user-toggle').textContent = user.disabled ? t('user.enable') : t('user.disable');
  $('user-toggle').className = user.disabled ? 'secondary' : 'danger';
}

async function loadUserSessions() {
  const answer = await api('GET', `/api/v1/users/${selected.id}/sessions`);
  const list = (answer.sessions || []).map((session) => ({ ...session, current: false }));
  renderSessions($('user-sessions'), list, endUserSession);
  $('user-end-all').disabled = list.length === 0;
}

async function openUser(id) {
  const dialog = $('user-dialog');
  clearErrors(dialog);
  show($('user-notice'), '');
  try {
    renderUser(await api('GET', `/api/v1/users/${id}`));
    dialog.showModal();
    $('user-dialog-title').focus();
    await loadUserSessions();
  } catch (error) {
    app.failed(error, dialog.open ? $('user-error') : $('users-error'));
  }
}

/** Runs a confirmed admin action on the selected user and reports `doneKey`; failures
 * go to `onError` (default: the dialog's error box). */
async function act(button, action, doneKey, onError = $('user-error')) {
  show($('user-notice'), '');
  show($('user-error'), '');
  await busy(button, async () => {
    try {
      const params = await action();
      show($('user-notice'), t(doneKey, { name: selected.username, ...params }));
      await loadUserSessions();
      await loadUsers();
    } catch (error) {
      app.failed(error, onError);
    } finally {
      // For tests: an admin action and the reloads after it are over.
      const counters = document.body.dataset;
      counters.userActions = String(Number(counters.userActions || 0) + 1);
    }
  });
}

async function endUserSession(session, button) {
  if (!(await confirmAction(t('confirm.endTitle'), t('confirm.endUserText', { name: selected.username }), button.textContent))) {
    return;
  }
  await act(button, () => api('DELETE', `/api/v1/users/${selected.id}/sessions/${encodeURIComponent(session.id)}`), 'notice.userSessionEnded');
}

function saveForm() {
  const form = $('user-form');
  const inputs = profileInputs('user');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (showFieldErrors(profileErrors(inputs))) {
      return;
    }
    const body = profileBody(inputs);
    const role = $('user-role').value;
    if (role !== selected.role) {
      const key = role === 'admin' ? 'confirm.promoteText' : 'confirm.demoteText';
      if (!(await confirmAction(t('confirm.roleTitle'), t(key, { name: selected.username }), t('user.save')))) {
        return;
      }
      body.role = role;
    }
    await act(
      form.querySelector('button[type="submit"]'),
      async () => {
        renderUser(await api('PATCH', `/api/v1/users/${selected.id}`, body));
        return {};
      },
      'notice.userSaved',
      (error) => showError(error, { box: $('user-error'), inputs: { ...inputs, role: $('user-role'), disabled: $('user-toggle') } }),
    );
  });
}

async function toggleDisabled(button) {
  const disable = !selected.disabled;
  if (disable && !(await confirmAction(t('confirm.disableTitle'), t('confirm.disableText', { name: selected.username }), t('user.disable')))) {
    return;
  }
  await act(
    button,
    async () => {
      renderUser(await api('PATCH', `/api/v1/users/${selected.id}`, { disabled: disable }));
      return {};
    },
    disable ? 'notice.userDisabled' : 'notice.userEnabled',
  );
}

function passwordForm() {
  const form = $('user-password-form');
  const input = $('user-password');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (showFieldErrors([[input, passwordError(input.value)]])) {
      return;
    }
    if (!(await confirmAction(t('confirm.setPasswordTitle'), t('confirm.setPasswordText', { name: selected.username }), t('user.setPassword')))) {
      return;
    }
    await act(
      form.querySelector('button[type="submit"]'),
      async () => {
        await api('PUT', `/api/v1/users/${selected.id}/password`, { new_password: input.value });
        form.reset();
        return {};
      },
      'notice.userPasswordSet',
    );
  });
}

async function endAll(button) {
  if (!(await confirmAction(t('confirm.endAllTitle'), t('confirm.endAllText', { name: selected.username }), t('user.endAll')))) {
    return;
  }
  await act(button, async () => ({ n: Number((await api('DELETE', `/api/v1/users/${selected.id}/sessions`)).revoked) || 0 }), 'notice.userSessionsEnded');
}

async function deleteUser(button) {
  const name = selected.username;
  if (!(await confirmAction(t('confirm.deleteUserTitle'), t('confirm.deleteUserText', { name }), t('user.delete')))) {
    return;
  }
  await busy(button, async () => {
    try {
      await api('DELETE', `/api/v1/users/${selected.id}`);
      $('user-dialog').close();
      if (selected.id === app.user().id) {
        app.signedOut('notice.deleted');
        return;
      }
      app.notify(t('notice.userDeleted', { name }));
      await loadUsers();
    } catch (error) {
      app.failed(error, $('user-error'));
    }
  });
}

export function initAdmin(context) {
  app = context;
  $('users-search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    restartSearch();
  });
  $('users-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(restartSearch, 300);
  });
  $('users-prev').addEventListener('click', () => {
    page = Math.max(0, page - 1);
    loadUsers();
  });
  $('users-next').addEventListener('click', () => {
    cursors[page + 1] = nextCursor;
    page += 1;
    loadUsers();
  });
  saveForm();
  passwordForm();
  $('user-toggle').addEventListener('click', (event) => toggleDisabled(event.currentTarget));
  $('user-end-all').addEventListener('click', (event) => endAll(event.currentTarget));
  $('user-delete').addEventListener('click', (event) => deleteUser(event.currentTarget));
  $('user-close').addEventListener('click', () => $('user-dialog').close());
}
