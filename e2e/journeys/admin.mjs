// An admin's journey in 简体中文 at phone size (then English on a desktop, dark): the
// users list (search, paging, role and created date), one user's dialog (profile and
// role, disable and enable, a new password, their sessions, delete), every destructive
// step confirmed, and the items panel. axe runs in every state.

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { assertAccessible } from '../lib/axe.mjs';
import { DESKTOP, PHONE, openPage, screenshot } from '../lib/browser.mjs';
import {
  ADMIN,
  afterCount,
  answerConfirm,
  goTo,
  open,
  registerDirectly,
  signIn,
  uniqueName,
  visibleText,
  waitForText,
  waitForView,
} from '../lib/ui.mjs';

const PASSWORD = 'listed by the admin';
const BULK = 11;

/** Runs an admin action in the user dialog and waits until it and its reloads are over. */
function adminAction(page, action) {
  return afterCount(page, 'userActions', action);
}

/** Signs `username` in from a fresh context; returns the login's status and `error`. */
async function tryLogin(run, username, password) {
  const session = await openPage(run.browser);
  try {
    const answer = await session.page.request.post(`${process.env.E2E_BASE_URL}/api/v1/auth/login`, {
      data: { username, password },
    });
    return { status: answer.status(), error: (await answer.json()).error };
  } finally {
    await session.context.close();
  }
}

export function adminJourney(run) {
  const prefix = uniqueName('e2e_bulk');
  // The longest name the API accepts, in one unbroken word: it must wrap, not overflow.
  const target = `${prefix}_target_`.padEnd(64, 'w');
  let admin;

  it('lists users with role and date, pages them, and searches by name (zh, phone)', async () => {
    for (let i = 0; i < BULK; i += 1) {
      await registerDirectly(`${prefix}_${String(i).padStart(2, '0')}`, PASSWORD);
    }
    await registerDirectly(target, PASSWORD);
    admin = await openPage(run.browser, { viewport: PHONE, locale: 'zh-CN' });
    run.pages.push(admin);
    const { page } = admin;
    await open(page);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await assertAccessible(page, 'signed out, zh, phone');
    await screenshot(page, 'phone-zh-light-01-signed-out');
    await signIn(page, ADMIN.username, ADMIN.password);
    await assertAccessible(page, 'account, zh, phone');
    await screenshot(page, 'phone-zh-light-02-account');
    await afterCount(page, 'usersLoads', () => goTo(page, 'users'));
    assert.equal(await page.locator('#users > li').count(), 10, 'a full first page');
    assert.equal(await visibleText(page, '#users-page'), '第 1 页');
    const adminRow = page.locator(`#users > li[data-username="${ADMIN.username}"]`);
    assert.match(await adminRow.textContent(), /管理员/);
    assert.match(await adminRow.textContent(), /注册于/);
    await afterCount(page, 'usersLoads', () => page.getByRole('button', { name: '下一页' }).click());
    assert.equal(await visibleText(page, '#users-page'), '第 2 页');
    assert.ok((await page.locator('#users > li').count()) >= 1);
    await afterCount(page, 'usersLoads', () => page.getByRole('button', { name: '上一页' }).click());
    await afterCount(page, 'usersLoads', () => page.getByLabel('按用户名搜索').fill(`${prefix.toUpperCase()}_TARGET`));
    const rows = page.locator('#users > li');
    assert.equal(await rows.count(), 1, 'case-insensitive search by a part of the name');
    assert.equal(await rows.first().getAttribute('data-username'), target);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'a long username does not widen the page');
    await assertAccessible(page, 'users, zh, phone');
    await screenshot(page, 'phone-zh-light-03-users');
  });

  it('edits a profile and the role, after a confirmation (zh, phone)', async () => {
    const { page } = admin;
    await page.locator('#users > li').first().getByRole('button').click();
    const dialog = page.locator('#user-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await visibleText(page, '#user-dialog-title'), target);
    await dialog.getByLabel('电子邮箱').fill('wrong');
    await dialog.getByRole('button', { name: '保存修改' }).click();
    await waitForText(page, '#user-email-error', '请输入电子邮箱，例如 name@example.com。');
    await dialog.getByLabel('电子邮箱').fill('target@example.com');
    await dialog.getByLabel('角色', { exact: true }).selectOption('admin');
    await adminAction(page, async () => {
      await dialog.getByRole('button', { name: '保存修改' }).click();
      await answerConfirm(page, true);
    });
    await waitForText(page, '#user-notice', `对 ${target} 的修改已保存。`);
    await assertAccessible(page, 'user dialog, zh, phone');
    await screenshot(page, 'phone-zh-light-04-user-dialog');
    await dialog.getByLabel('角色', { exact: true }).selectOption('user');
    await adminAction(page, async () => {
      await dialog.getByRole('button', { name: '保存修改' }).click();
      await answerConfirm(page, true);
    });
    await waitForText(page, '#user-notice', `对 ${target} 的修改已保存。`);
  });

  it('disables and enables an account: a disabled account cannot sign in', async () => {
    const { page } = admin;
    const dialog = page.locator('#user-dialog');
    await adminAction(page, async () => {
      await dialog.getByRole('button', { name: '停用账号' }).click();
      await assertAccessible(page, 'confirm, zh, phone');
      await answerConfirm(page, true);
    });
    await waitForText(page, '#user-status', '已停用');
    assert.deepEqual(await tryLogin(run, target, PASSWORD), { status: 403, error: 'account_disabled' });
    await adminAction(page, () => dialog.getByRole('button', { name: '启用账号' }).click());
    await waitForText(page, '#user-status', '正常');
    assert.equal((await tryLogin(run, target, PASSWORD)).status, 200);
  });

  it("sees and ends the user's sessions, sets a new password", async () => {
    const { page } = admin;
    const dialog = page.locator('#user-dialog');
    const user = await openPage(run.browser);
    run.pages.push(user);
    await open(user.page);
    await signIn(user.page, target, PASSWORD);
    // Reopen the dialog so the list is current.
    await dialog.getByRole('button', { name: '关闭' }).click();
    await page.locator('#users > li').first().getByRole('button').click();
    const sessions = page.locator('#user-sessions > li[data-session-id]');
    await sessions.first().waitFor();
    const count = await sessions.count();
    assert.ok(count >= 2, `the user's sessions are listed (${count})`);
    await adminAction(page, async () => {
      await sessions.first().getByRole('button', { name: '结束会话' }).click();
      await answerConfirm(page, true);
    });
    await waitForText(page, '#user-notice', `${target} 的一个会话已结束。`);
    assert.equal(await sessions.count(), count - 1);
    await adminAction(page, async () => {
      await dialog.getByRole('button', { name: '结束全部会话' }).click();
      await answerConfirm(page, true);
    });
    await page.locator('#user-sessions > li.empty').waitFor();
    await user.page.reload();
    await waitForView(user.page, 'signed-out');

    await dialog.getByLabel('新密码', { exact: true }).fill('set by the admin here');
    await adminAction(page, async () => {
      await dialog.getByRole('button', { name: '设置密码' }).click();
      await answerConfirm(page, true);
    });
    await waitForText(page, '#user-notice', `${target} 的密码已设置，并已在所有设备上退出登录。`);
    assert.equal((await tryLogin(run, target, PASSWORD)).status, 401);
    assert.equal((await tryLogin(run, target, 'set by the admin here')).status, 200);
  });

  it('refuses to demote itself, in words', async () => {
    const { page } = admin;
    await page.locator('#user-dialog').getByRole('button', { name: '关闭' }).click();
    await afterCount(page, 'usersLoads', () => page.getByLabel('按用户名搜索').fill(ADMIN.username));
    await page.locator(`#users > li[data-username="${ADMIN.username}"]`).getByRole('button').click();
    const dialog = page.locator('#user-dialog');
    await dialog.getByLabel('角色', { exact: true }).selectOption('user');
    await dialog.getByRole('button', { name: '保存修改' }).click();
    await answerConfirm(page, true);
    await waitForText(page, '#user-role-error', '不能对自己的账号执行此操作。');
    await dialog.getByRole('button', { name: '关闭' }).click();
  });

  it('deletes a user after a confirmation', async () => {
    const { page } = admin;
    await afterCount(page, 'usersLoads', () => page.getByLabel('按用户名搜索').fill(target));
    await page.locator('#users > li').first().getByRole('button').click();
    await page.locator('#user-dialog').getByRole('button', { name: '删除用户' }).click();
    await answerConfirm(page, true);
    await waitForText(page, '#notice', `${target} 已删除。`);
    await page.locator('#users > li.empty').waitFor();
    assert.equal((await tryLogin(run, target, 'set by the admin here')).status, 401);
  });

  it('adds an item with the password again and deletes it as admin (en, desktop, dark)', async () => {
    const { page } = admin;
    await page.setViewportSize(DESKTOP);
    await page.locator('#language').selectOption('en');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await goTo(page, 'items');
    const form = page.locator('#item-form');
    const name = uniqueName('piano');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Price').fill('1500');
    await form.getByLabel('Your password').fill('not the password');
    await form.getByRole('button', { name: 'Add item' }).click();
    await waitForText(page, '#item-password-error', 'That password is not right.');
    await form.getByLabel('Your password').fill(ADMIN.password);
    await form.getByRole('button', { name: 'Add item' }).click();
    await waitForText(page, '#notice', `"${name}" is added.`);
    const row = page.locator(`#items > li[data-item="${name}"]`);
    await row.waitFor();
    await assertAccessible(page, 'items, en, dark');
    await screenshot(page, 'desktop-en-dark-09-items');
    await row.getByRole('button', { name: 'Delete' }).click();
    await answerConfirm(page, true);
    await row.waitFor({ state: 'detached' });
    await goTo(page, 'users');
    await afterCount(page, 'usersLoads', () => page.getByLabel('Search by name').fill(''));
    await assertAccessible(page, 'users, en, dark');
    await screenshot(page, 'desktop-en-dark-10-users');
    await page.locator('#users > li').first().getByRole('button').click();
    await page.locator('#user-dialog').waitFor();
    await assertAccessible(page, 'user dialog, en, dark');
    await screenshot(page, 'desktop-en-dark-11-user-dialog');
    await page.locator('#user-dialog').getByRole('button', { name: 'Close' }).click();
    await goTo(page, 'sessions');
    await assertAccessible(page, 'sessions, en, dark');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'phone-en-dark-12-sessions');
    await page.locator('#language').selectOption('zh');
    await goTo(page, 'account');
    await assertAccessible(page, 'account, zh, phone, dark');
    await screenshot(page, 'phone-zh-dark-13-account');
  });
}
