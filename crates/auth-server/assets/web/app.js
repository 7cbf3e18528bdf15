// The auth-server web page: sign in or up, then the account (profile, password,
// deletion), the sessions, the admin console for admins, and the tutorials' items.
//
// This entry module owns the views and the state shared by the others (who is signed
// in); the API plumbing is in api.js, the tab synchronisation in sync.js, the texts in
// i18n.js/strings.js. Nothing is kept in web storage. For tests, <body> says which view
// is shown (`data-view`) and counts refreshes (`data-refresh-count`) and completed loads
// of the signed-in view (`data-account-loads`).

import { api, hasSession, SessionEnded, ApiError } from './api.js';
import { initAccount, renderProfile, showSessions } from './account.js';
import { initAdmin, loadUsers } from './admin.js';
import { onLanguageChange, setLanguage, startLanguage, t, language } from './i18n.js';
import { initItems, loadItems } from './items.js';
import { initSignIn } from './signin.js';
import { announce, listen } from './sync.js';
import { $, describe, enhancePasswords, formatDate, refreshStrength, show } from './ui.js';
import { buildProfileFields } from './validate.js';

const PANELS = ['account', 'sessions', 'users', 'items'];

let me = null;

function closeDialogs() {
  for (const dialog of document.querySelectorAll('dialog[open]')) {
    dialog.close();
  }
}

function setView(view, notice) {
  document.body.dataset.view = view;
  $('signed-out').hidden = view !== 'signed-out';
  $('signed-in').hidden = view !== 'signed-in';
  show($('notice'), notice);
  for (const box of document.querySelectorAll('.view .error')) {
    show(box, '');
  }
  if (view === 'signed-out') {
    me = null;
    closeDialogs();
    for (const input of document.querySelectorAll('input[type="password"], #signed-in input')) {
      input.value = '';
    }
    refreshStrength();
    $('login-username').focus();
  }
}

function renderWho() {
  $('whoami-username').textContent = me.username;
  $('whoami-id').textContent = String(me.id);
  $('whoami-role').textContent = t(`role.${me.role}`);
  $('whoami-created').textContent = formatDate(me.created_at);
  $('tab-users').hidden = me.role !== 'admin';
  renderProfile(me);
}

function currentPanel() {
  const wanted = location.hash.slice(1);
  if (wanted === 'users' && me?.role !== 'admin') {
    return 'account';
  }
  return PANELS.includes(wanted) ? wanted : 'account';
}

/** Shows the panel the address names and fetches its data (a person who opens a tab
 * expects what is current); `reloadAccount: false` when the account was just loaded. */
function showPanel(reloadAccount = true) {
  const panel = currentPanel();
  for (const name of PANELS) {
    $(`panel-${name}`).hidden = name !== panel;
    const tab = $(`tab-${name}`);
    if (name === panel) {
      tab.setAttribute('aria-current', 'page');
    } else {
      tab.removeAttribute('aria-current');
    }
  }
  if (panel === 'users') {
    loadUsers();
  } else if (panel === 'items') {
    loadItems();
  } else if (reloadAccount) {
    loadAccount().catch((error) => app.failed(error, $('account-error')));
  }
}

/** Loads who-am-I and the sessions together (two concurrent calls, one shared refresh). */
async function loadAccount() {
  const [user, list] = await Promise.all([api('GET', '/api/v1/users/me'), api('GET', '/api/v1/auth/sessions')]);
  me = user;
  renderWho();
  showSessions(list.sessions || []);
  const counters = document.body.dataset;
  counters.accountLoads = String(Number(counters.accountLoads || 0) + 1);
}

async function showAccount(notice) {
  try {
    await loadAccount();
    const wasSignedIn = document.body.dataset.view === 'signed-in';
    setView('signed-in', notice);
    showPanel(false);
    if (!wasSignedIn) {
      $('welcome').focus();
    }
  } catch (error) {
    app.failed(error, (failure) => setView('signed-out', describe(failure)));
  }
}

/** What every view may ask of the page. */
const app = {
  user: () => me,
  setUser(user) {
    me = user;
    renderWho();
  },
  notify(text) {
    show($('notice'), text);
  },
  reload: loadAccount,
  signedIn: () => showAccount(''),
  signedOut(noticeKey) {
    setView('signed-out', noticeKey ? t(noticeKey) : '');
  },
  /** A failed signed-in action: an ended session returns to the sign-in form; anything
   * else goes to `target` (an element to show the message in, or a function). */
  failed(error, target) {
    const ended =
      error instanceof SessionEnded ||
      (error instanceof ApiError && error.status === 401 && !['invalid_credentials', 'fresh_token_required'].includes(error.code));
    if (ended) {
      setView('signed-out', t('err.sessionEnded'));
    } else if (typeof target === 'function') {
      target(error);
    } else {
      show(target, describe(error));
    }
  },
};

/** Loads the account again and shows it, saying so when it is another account than the
 * one this tab showed (closing what showed the previous one). */
async function recheck() {
  const before = me?.username;
  try {
    await loadAccount();
  } catch (error) {
    app.failed(error, (failure) => setView('signed-out', describe(failure)));
    return;
  }
  const switched = before !== me.username;
  if (switched) {
    closeDialogs();
  }
  if (switched || document.body.dataset.view !== 'signed-in') {
    setView('signed-in', switched ? t('notice.signedInElsewhere', { name: me.username }) : '');
    showPanel(false);
  }
}

/** Another tab signed in, out, or as someone else: follow it at once. A tab that was
 * frozen in the background (and may have missed the message) checks again when it is
 * shown, so it never acts on an account that is no longer the one signed in. */
function followOtherTabs() {
  listen((message) => {
    if (message.type === 'signed-out' && document.body.dataset.view !== 'signed-out') {
      setView('signed-out', t('notice.signedOutElsewhere'));
    } else if (message.type === 'signed-in') {
      recheck();
    }
  });
  const shown = () => {
    if (document.visibilityState === 'visible' && (me || hasSession())) {
      recheck();
    }
  };
  document.addEventListener('visibilitychange', shown);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) {
      shown();
    }
  });
}

// ----- theme and language -------------------------------------------------------------

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

function applyTheme(choice) {
  const theme = choice || (darkQuery.matches ? 'dark' : 'light');
  document.documentElement.dataset.theme = theme;
  $('theme').setAttribute('aria-pressed', String(theme === 'dark'));
}

function savedTheme() {
  return (/(?:^|;\s*)theme=(light|dark)\b/.exec(document.cookie) || [])[1];
}

function preferences() {
  applyTheme(savedTheme());
  darkQuery.addEventListener('change', () => applyTheme(savedTheme()));
  $('theme').addEventListener('click', () => {
    const theme = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    document.cookie = `theme=${theme}; Path=/; Max-Age=31536000; SameSite=Lax`;
    applyTheme(theme);
  });
  const select = $('language');
  select.value = language();
  select.addEventListener('change', () => setLanguage(select.value));
  onLanguageChange(() => {
    select.value = language();
    refreshStrength();
    if (me) {
      showPanel();
    }
  });
}

function start() {
  buildProfileFields();
  startLanguage();
  preferences();
  enhancePasswords();
  initSignIn(app);
  initAccount(app);
  initAdmin(app);
  initItems(app);
  followOtherTabs();
  window.addEventListener('hashchange', () => {
    if (me) {
      showPanel();
    }
  });
  $('logout-button').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      await api('POST', '/api/v1/auth/logout');
      announce('signed-out');
      setView('signed-out', t('notice.loggedOut'));
    } catch (error) {
      app.failed(error, $('account-error'));
    } finally {
      button.disabled = false;
    }
  });
  // Without a CSRF cookie there is no cookie session: skip the call that would fail.
  if (hasSession()) {
    showAccount('');
  } else {
    setView('signed-out', '');
  }
}

start();
