// Every call to the auth-server API from the page, and the silent refresh.
//
// Tokens live only in the HttpOnly cookies the server sets with `?transport=cookie`; this
// module never sees them. It echoes the readable `csrf_access_token` /
// `csrf_refresh_token` cookies in `X-CSRF-TOKEN` on state-changing requests. When a call
// fails with `Token has expired` it refreshes and retries once. All tabs share the
// cookies, so they must also share the refresh: it runs under a Web Lock
// (`navigator.locks`, one holder across every tab of this origin), and a caller that
// gets the lock after another tab (or call) already rotated the tokens sees that the
// CSRF cookie changed since its request was sent and just retries, instead of
// presenting the spent refresh token, which the server would treat as theft.

import { announce } from './sync.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFRESH_PATH = '/api/v1/auth/refresh?transport=cookie';
const REFRESH_LOCK = 'auth-server-refresh';

/** A failed API call: `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body && typeof body.msg === 'string' ? body.msg : `HTTP ${status}`);
    this.status = status;
    this.body = body && typeof body === 'object' ? body : {};
    this.retryAfter = retryAfter;
  }

  /** The API's stable error code (`invalid_credentials`, `rate_limited`, ...). */
  get code() {
    return typeof this.body.error === 'string' ? this.body.error : '';
  }

  /** Per-field messages of a validation failure, `{field: [message]}`. */
  get fields() {
    const fields = this.body.fields || this.body.errors;
    return fields && typeof fields === 'object' ? fields : {};
  }

  get expired() {
    return this.status === 401 && (this.code === 'token_expired' || this.message === 'Token has expired');
  }
}

/** The refresh was refused: the session is over and the user must sign in again. */
export class SessionEnded extends Error {}

/** A readable cookie's value. With `--cookie-secure` the server names its cookies with the
 *  `__Host-` prefix, so that spelling is read too. */
export function readCookie(name) {
  const names = [name, `__Host-${name}`];
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && names.includes(part.slice(0, eq).trim())) {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return null;
}

/** Whether this browser holds a cookie session at all (its CSRF cookies are readable). */
export function hasSession() {
  return Boolean(readCookie('csrf_access_token') || readCookie('csrf_refresh_token'));
}

/** One HTTP call, no refresh. `csrfCookie` names the CSRF value to echo. */
export async function request(method, path, body, csrfCookie = 'csrf_access_token') {
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
    throw new ApiError(0, {}, null);
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

// The CSRF value of the access token whose refresh the server refused: calls that fail
// with that same token do not ask again (the session is over).
let refusedCsrf = null;
// Without Web Locks (a page served over plain HTTP to another host), refreshes are at
// least serialised within this tab.
let localQueue = Promise.resolve();

function exclusively(task) {
  if (navigator.locks) {
    return navigator.locks.request(REFRESH_LOCK, task);
  }
  const run = localQueue.then(task);
  localQueue = run.catch(() => {});
  return run;
}

/** Makes sure the tokens are newer than those whose access CSRF value was `staleCsrf`. */
function refreshAfter(staleCsrf) {
  return exclusively(async () => {
    const current = readCookie('csrf_access_token');
    if (current && current !== staleCsrf) {
      return; // another call or tab already rotated the tokens
    }
    if (refusedCsrf !== null && refusedCsrf === staleCsrf) {
      throw new SessionEnded();
    }
    try {
      await request('POST', REFRESH_PATH, undefined, 'csrf_refresh_token');
    } catch (error) {
      if (error.status === 0 || error.status >= 500) {
        throw error;
      }
      refusedCsrf = staleCsrf;
      throw new SessionEnded();
    }
    const counters = document.body.dataset;
    counters.refreshCount = String(Number(counters.refreshCount || 0) + 1);
    announce('refreshed');
  });
}

/** An authenticated call: refreshes once on an expired access token and retries once. */
export async function api(method, path, body) {
  const sentCsrf = readCookie('csrf_access_token');
  try {
    return await request(method, path, body);
  } catch (error) {
    if (!(error instanceof ApiError) || !error.expired) {
      throw error;
    }
    await refreshAfter(sentCsrf);
    return request(method, path, body);
  }
}

/** Re-enters the password for a fresh access token (needed to change the password,
 * delete the account or add an item). */
export function freshLogin(password) {
  return api('POST', '/api/v1/auth/fresh-login?transport=cookie', { password });
}
