// The auth-server web page: register, log in, who am I, sessions, log out.
//
// Tokens live only in the HttpOnly cookies the server sets with `?transport=cookie`;
// this script never sees them and never writes anything to web storage (local or
// session). It reads the readable `csrf_access_token` / `csrf_refresh_token`
// cookies and echoes them in `X-CSRF-TOKEN` on state-changing requests. When a call fails
// with `Token has expired`, `api()` refreshes once (concurrent calls share one refresh,
// because each refresh consumes the rotating refresh token) and retries the call once.
// For tests, <body> counts refreshes in `data-refresh-count` and completed loads of the
// signed-in view in `data-account-loads`; `data-view` names the view shown.

const SESSION_ENDED = 'Your session has ended, please log in again.';
const UNAVAILABLE = 'The server is unavailable, please try again later.';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A failed API call: `status` is 0 when the server could not be reached. */
class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body && typeof body.msg === 'string' ? body.msg : `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.retryAfter = retryAfter;
  }

  get expired() {
    return this.status === 401 && this.message === 'Token has expired';
  }
}

/** The refresh failed: the session is over and the user must log in again. */
class SessionEnded extends Error {}

function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return null;
}

/** One HTTP call, no refresh. `csrfCookie` names the CSRF value to echo. */
async function request(method, path, body, csrfCookie = 'csrf_access_token') {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const csrf = UNSAFE_METHODS.has(method) ? readCookie(csrfCookie) : null;
  if (csrf) {
    headers['X-CSRF-TOKEN'] = csrf;
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { msg: UNAVAILABLE }, null);
  }
  const text = await response.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = {};
  }
  if (!response.ok) {
    throw new ApiError(response.status, data, response.headers.get('Retry-After'));
  }
  return data;
}

// Silent refresh. `generation` counts the times new tokens arrived (a refresh or a log
// in): a call that was sent before the latest ones and failed as expired just retries
// with the new cookie. A refresh the server refused answers every call of its
// generation: when two concurrent calls find their token expired and the first call's
// refresh has already failed by the time the second's answer arrives, the second must
// not try the ended session's refresh token again.
let refreshing = null;
let generation = 0;
let refusedGeneration = -1;

function refreshOnce() {
  if (refusedGeneration === generation) {
    return Promise.reject(new SessionEnded(SESSION_ENDED));
  }
  if (!refreshing) {
    refreshing = request('POST', '/api/v1/auth/refresh?transport=cookie', undefined, 'csrf_refresh_token')
      .then(() => {
        generation += 1;
        document.body.dataset.refreshCount = String(Number(document.body.dataset.refreshCount || 0) + 1);
      })
      .catch((error) => {
        if (error.status === 0 || error.status >= 500) {
          throw error;
        }
        refusedGeneration = generation;
        throw new SessionEnded(SESSION_ENDED);
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

/** An authenticated call: refreshes once on an expired access token and retries once. */
async function api(method, path, body) {
  const sentAt = generation;
  try {
    return await request(method, path, body);
  } catch (error) {
    if (!(error instanceof ApiError) || !error.expired) {
      throw error;
    }
    if (generation === sentAt) {
      await refreshOnce();
    }
    return request(method, path, body);
  }
}

// ----- rendering -------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

function show(element, text) {
  element.textContent = text || '';
  element.hidden = !text;
}

function setView(view, notice) {
  document.body.dataset.view = view;
  $('signed-out').hidden = view !== 'signed-out';
  $('signed-in').hidden = view !== 'signed-in';
  show($('notice'), notice);
  for (const id of ['login-error', 'register-error', 'account-error']) {
    show($(id), '');
  }
  if (view === 'signed-out') {
    $('login-password').value = '';
    $('register-password').value = '';
    $('login-username').focus();
  }
}

function waitText(retryAfter) {
  let seconds = Number(retryAfter);
  if (!Number.isFinite(seconds)) {
    const date = Date.parse(retryAfter || '');
    seconds = Number.isNaN(date) ? 0 : Math.ceil((date - Date.now()) / 1000);
  }
  if (seconds <= 0) {
    return 'Too many attempts, please wait a moment and try again.';
  }
  if (seconds < 120) {
    return `Too many attempts, please try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  }
  return `Too many attempts, please try again in ${Math.ceil(seconds / 60)} minutes.`;
}

/** The message to show for a failed call. */
function describe(error) {
  if (!(error instanceof ApiError)) {
    return error && error.message ? error.message : UNAVAILABLE;
  }
  if (error.status === 0 || error.status >= 500) {
    return UNAVAILABLE;
  }
  if (error.status === 429) {
    return waitText(error.retryAfter);
  }
  const fields = error.body.errors;
  if (error.status === 400 && fields && typeof fields === 'object') {
    return Object.entries(fields)
      .map(([field, messages]) => `${field}: ${[].concat(messages).join(', ')}`)
      .join('; ');
  }
  return error.message;
}

/** Handles a failure of a signed-in action: an ended session returns to the login form. */
function failed(error) {
  const ended = error instanceof SessionEnded || (error instanceof ApiError && error.status === 401);
  if (ended) {
    setView('signed-out', SESSION_ENDED);
  } else if (document.body.dataset.view === 'signed-in') {
    show($('account-error'), describe(error));
  } else {
    setView('signed-out', describe(error));
  }
}

function formatDate(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value ?? '') : date.toLocaleString();
}

function renderUser(user) {
  $('whoami-username').textContent = user.username;
  $('whoami-id').textContent = String(user.id);
  $('whoami-role').textContent = user.role;
  $('whoami-created').textContent = formatDate(user.created_at);
}

/** A short name for a User-Agent, e.g. "Chrome 156 on Linux"; the raw text otherwise. */
function deviceName(agent) {
  if (!agent) {
    return 'Unknown device';
  }
  const browsers = [
    ['Edge', /Edg\/(\d+)/],
    ['Firefox', /Firefox\/(\d+)/],
    ['Headless Chrome', /HeadlessChrome\/(\d+)/],
    ['Chrome', /Chrome\/(\d+)/],
    ['Safari', /Version\/(\d+).*Safari/],
  ];
  const systems = [
    ['Android', /Android/],
    ['iOS', /iPhone|iPad/],
    ['Windows', /Windows/],
    ['macOS', /Mac OS X/],
    ['Linux', /Linux/],
  ];
  const browser = browsers.map(([name, re]) => [name, re.exec(agent)]).find(([, match]) => match);
  if (!browser) {
    return agent;
  }
  const system = systems.find(([, re]) => re.test(agent));
  return `${browser[0]} ${browser[1][1]}${system ? ` on ${system[0]}` : ''}`;
}

function sessionItem(session) {
  const item = document.createElement('li');
  item.className = session.current ? 'session current' : 'session';
  item.dataset.sessionId = session.id;
  item.dataset.current = String(Boolean(session.current));

  const about = document.createElement('div');
  const title = document.createElement('strong');
  title.textContent = deviceName(session.user_agent);
  title.title = session.user_agent || '';
  about.append(title);
  if (session.current) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'This session';
    about.append(' ', badge);
  }
  const details = document.createElement('small');
  const from = session.ip ? ` from ${session.ip}` : '';
  const used = formatDate(session.last_used_at);
  details.textContent = `Logged in ${formatDate(session.created_at)}${from}, last used ${used}`;
  about.append(details);

  const end = document.createElement('button');
  end.type = 'button';
  end.className = 'secondary end-session';
  end.textContent = session.current ? 'End this session' : 'End session';
  const which = session.current ? '(this one) ' : '';
  end.setAttribute('aria-label', `End session ${which}started ${formatDate(session.created_at)}`);
  end.addEventListener('click', () => endSession(session, end));

  item.append(about, end);
  return item;
}

function renderSessions(sessions) {
  $('sessions').replaceChildren(...sessions.map(sessionItem));
}

// ----- actions ---------------------------------------------------------------------

/** Loads who-am-I and the sessions together (two concurrent calls, one shared refresh). */
async function loadAccount() {
  const [user, list] = await Promise.all([api('GET', '/api/v1/users/me'), api('GET', '/api/v1/auth/sessions')]);
  renderUser(user);
  renderSessions(list.sessions || []);
  show($('account-error'), '');
  const body = document.body.dataset;
  body.accountLoads = String(Number(body.accountLoads || 0) + 1);
}

async function showAccount(notice) {
  try {
    await loadAccount();
    setView('signed-in', notice);
  } catch (error) {
    failed(error);
  }
}

async function endSession(session, button) {
  button.disabled = true;
  try {
    await api('DELETE', `/api/v1/auth/sessions/${encodeURIComponent(session.id)}`);
    if (session.current) {
      setView('signed-out', 'This session has ended.');
      return;
    }
    await loadAccount();
    show($('notice'), 'The session has ended.');
  } catch (error) {
    button.disabled = false;
    failed(error);
  }
}

async function logout(path, notice) {
  try {
    await api('POST', path);
    setView('signed-out', notice);
  } catch (error) {
    failed(error);
  }
}

/** Register and log-in forms: both end in the signed-in view. */
function credentialsForm(formId, path, errorId) {
  const form = $(formId);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const username = String(data.get('username') || '').trim();
    const password = String(data.get('password') || '');
    if (!username || !password) {
      show($(errorId), 'Please enter a username and a password.');
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    show($(errorId), '');
    show($('notice'), '');
    try {
      await request('POST', path, { username, password });
      generation += 1; // new tokens: an earlier refusal does not concern them
      form.reset();
      await showAccount('');
    } catch (error) {
      show($(errorId), describe(error));
    } finally {
      button.disabled = false;
    }
  });
}

function start() {
  credentialsForm('login-form', '/api/v1/auth/login?transport=cookie', 'login-error');
  credentialsForm('register-form', '/api/v1/auth/register?transport=cookie', 'register-error');
  $('whoami-button').addEventListener('click', async () => {
    try {
      await loadAccount();
      show($('notice'), '');
    } catch (error) {
      failed(error);
    }
  });
  $('logout-button').addEventListener('click', () => logout('/api/v1/auth/logout', 'You have logged out.'));
  $('logout-all-button').addEventListener('click', () =>
    logout('/api/v1/auth/logout-all', 'You have logged out of every session.'),
  );
  // Without a CSRF cookie there is no cookie session: skip the call that would fail.
  if (readCookie('csrf_access_token') || readCookie('csrf_refresh_token')) {
    showAccount('');
  } else {
    setView('signed-out', '');
  }
}

start();
