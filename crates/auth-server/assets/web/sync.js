// Tabs of this page follow each other. A sign-in, sign-out or account switch in one tab
// is announced on a BroadcastChannel so the others update at once: a tab left open must
// never act on an account that is no longer the one signed in.

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('auth-server-page') : null;

/** Tells the other tabs that `type` happened (`signed-in`, `signed-out`, `refreshed`). */
export function announce(type, detail = {}) {
  channel?.postMessage({ type, ...detail });
}

/** Calls `handler({type, ...})` for each announcement of another tab. */
export function listen(handler) {
  channel?.addEventListener('message', (event) => {
    if (event.data && typeof event.data.type === 'string') {
      handler(event.data);
    }
  });
}
