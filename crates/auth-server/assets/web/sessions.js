// A list of sessions in words (device, address, last use, whether it stays signed in),
// this device first, each with its "End session" button. Used for the signed-in user's
// own sessions and, in the admin console, for another user's.

import { t } from './i18n.js';
import { el, formatDate, deviceName } from './ui.js';

function sessionItem(session, onEnd) {
  const titleId = `session-${session.id}-title`;
  const badges = [];
  if (session.current) {
    badges.push(el('span', { class: 'badge', text: t('session.thisDevice') }));
  }
  badges.push(
    el('span', {
      class: 'badge muted',
      text: session.persistent ? t('session.persistent') : t('session.browserOnly'),
    }),
  );
  const details = [
    session.ip ? t('session.from', { ip: session.ip }) : null,
    t('session.lastUsed', { when: formatDate(session.last_used_at) }),
    t('session.started', { when: formatDate(session.created_at) }),
  ].filter(Boolean);
  const end = el('button', {
    type: 'button',
    class: 'secondary end-session',
    'aria-describedby': titleId,
    text: session.current ? t('session.endThis') : t('session.end'),
  });
  end.addEventListener('click', () => onEnd(session, end));
  return el(
    'li',
    { class: session.current ? 'session current' : 'session', 'data-session-id': session.id, 'data-current': String(Boolean(session.current)) },
    el(
      'div',
      { class: 'session-about' },
      el('strong', { id: titleId, title: session.user_agent || '', text: deviceName(session.user_agent) }),
      el('span', { class: 'badges' }, ...badges),
      el('small', { text: details.join(' · ') }),
    ),
    end,
  );
}

/** Fills `list` with `sessions`, the current one first. */
export function renderSessions(list, sessions, onEnd) {
  const sorted = [...sessions].sort((a, b) => Number(Boolean(b.current)) - Number(Boolean(a.current)));
  if (!sorted.length) {
    list.replaceChildren(el('li', { class: 'empty', text: t('session.none') }));
    return;
  }
  list.replaceChildren(...sorted.map((session) => sessionItem(session, onEnd)));
}
