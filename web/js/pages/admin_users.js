// admin_users.js - staff users and their roles.

import { api, get } from '../api.js';
import { clear, field, formValues, h, select, toast } from '../dom.js';
import { t, te } from '../i18n.js';
import { can, forget } from '../session.js';
import { createForm, table } from './admin_common.js';

const ROLES = ['admin', 'manager', 'agent', 'crm', 'analyst'];

export async function users(body, params, redraw) {
	const list = await get('/api/v1/users', { limit: 200 });
	const roleSel = (u) => {
		const s = select('role', ROLES.map((r) => [r, te('role', r)]), u.role, { 'aria-label': t('admin.role_of', { name: u.username }), disabled: !can('user.write') });
		s.addEventListener('change', async () => {
			try {
				await api('PATCH', `/api/v1/users/${u.id}`, { body: { role: s.value }, etag: `"v${u.version}"` });
				toast(t('action.saved'));
				redraw();
			} catch (e) {
				toast(e.message, 'error');
				s.value = u.role;
			}
		});
		return s;
	};
	const add = can('user.write')
		? createForm(
				t('admin.add_user'),
				[
					field(t('login.username'), h('input', { name: 'username', required: true })),
					field(t('admin.display_name'), h('input', { name: 'display_name' })),
					field(t('admin.role'), select('role', ROLES.map((r) => [r, te('role', r)]), 'agent')),
					field(t('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password' }), t('admin.password_hint')),
				],
				async (form) => {
					const { data } = await api('POST', '/api/v1/users', { body: formValues(form) });
					toast(data.password ? t('admin.user_created_pw', { pw: data.password }) : t('action.saved'));
					forget('users');
					redraw();
				}
			)
		: null;
	clear(
		body,
		h('h1', t('admin.users')),
		table([t('login.username'), t('admin.display_name'), t('admin.role'), t('admin.status')], list.items.map((u) => [u.username, u.display_name, roleSel(u), u.disabled ? t('admin.disabled') : t('admin.active')])),
		add
	);
}
