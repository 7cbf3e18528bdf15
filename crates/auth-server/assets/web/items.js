// The tutorials' items as a small panel: anyone signed in sees the list, adding one
// asks for the password again (the API wants a fresh login for it), and admins can
// delete (confirmed first).

import { api, freshLogin, ApiError } from './api.js';
import { t } from './i18n.js';
import { $, busy, clearErrors, confirmAction, el, show, showError, showFieldErrors } from './ui.js';

let app;

function itemRow(item) {
  const price = new Intl.NumberFormat(document.documentElement.lang || 'en', { maximumFractionDigits: 2 }).format(item.price);
  const row = el(
    'li',
    { class: 'item-row', 'data-item': item.name },
    el('strong', { id: `item-${encodeURIComponent(item.name)}`, text: item.name }),
    el('span', { text: price }),
  );
  if (app.user()?.role === 'admin') {
    const remove = el('button', {
      type: 'button',
      class: 'danger small',
      'aria-describedby': `item-${encodeURIComponent(item.name)}`,
      text: t('items.delete'),
    });
    remove.addEventListener('click', () => deleteItem(item, remove));
    row.append(remove);
  }
  return row;
}

export async function loadItems() {
  try {
    const items = (await api('GET', '/api/v1/items')).items || [];
    $('items').replaceChildren(...(items.length ? items.map(itemRow) : [el('li', { class: 'empty', text: t('items.none') })]));
  } catch (error) {
    app.failed(error, $('items-error'));
  }
}

async function deleteItem(item, button) {
  if (!(await confirmAction(t('confirm.deleteItemTitle'), t('confirm.deleteItemText', { name: item.name }), t('items.delete')))) {
    return;
  }
  await busy(button, async () => {
    try {
      await api('DELETE', `/api/v1/items/${encodeURIComponent(item.name)}`);
      app.notify(t('notice.itemDeleted', { name: item.name }));
      await loadItems();
    } catch (error) {
      app.failed(error, $('items-error'));
    }
  });
}

function addForm() {
  const form = $('item-form');
  const name = $('item-name');
  const price = $('item-price');
  const password = $('item-password');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const priceValue = Number(price.value);
    const problems = [
      [name, name.value.trim() ? ([...name.value.trim()].length > 100 ? t('err.tooLong', { n: 100 }) : '') : t('err.required')],
      [price, price.value.trim() !== '' && Number.isFinite(priceValue) && priceValue >= 0 ? '' : t('err.price')],
      [password, password.value ? '' : t('err.required')],
    ];
    if (showFieldErrors(problems)) {
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    await busy(button, async () => {
      try {
        await freshLogin(password.value);
        await api('POST', '/api/v1/items', { name: name.value.trim(), price: priceValue });
        app.notify(t('notice.itemAdded', { name: name.value.trim() }));
        form.reset();
        await loadItems();
      } catch (error) {
        if (error instanceof ApiError && error.code === 'invalid_credentials') {
          showFieldErrors([[password, t('err.wrongPassword')]]);
          return;
        }
        app.failed(error, () => showError(error, { box: $('items-error'), inputs: { name, price }, button }));
      }
    });
  });
}

export function initItems(context) {
  app = context;
  addForm();
  show($('items-error'), '');
}
