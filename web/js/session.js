// session.js - the signed-in staff user and lookups shared by the pages
// (users, teams, categories), each fetched once per session.

import { get } from './api.js';
import { lang } from './i18n.js';

export const session = { user: null };
const cache = new Map();

function once(key, fn) {
	if (!cache.has(key)) cache.set(key, fn().catch((e) => (cache.delete(key), Promise.reject(e))));
	return cache.get(key);
}

export function forget(key) {
	cache.delete(key);
}

export function can(perm) {
	return !!session.user && session.user.permissions.includes(perm);
}

/** Teams with members: [{id, name, members: [{user_id, username}]}]. */
export function teams() {
	return once('teams', async () => {
		const page = await get('/api/v1/teams', { limit: 200 });
		return Promise.all(page.items.map((tm) => get(`/api/v1/teams/${tm.id}`)));
	});
}

/** id -> display name for staff: /users when allowed, else team members' user names. */
export function users() {
	return once('users', async () => {
		const map = new Map();
		if (session.user) map.set(session.user.id, session.user.display_name || session.user.username);
		if (can('user.read')) {
			const page = await get('/api/v1/users', { limit: 200 });
			for (const u of page.items) map.set(u.id, u.display_name || u.username);
			return map;
		}
		for (const tm of await teams()) for (const m of tm.members || []) if (!map.has(m.user_id)) map.set(m.user_id, m.username);
		return map;
	});
}

/** The category tree flattened: [{id, name, depth, return_window_days}]. */
export function categories() {
	return once('categories', async () => {
		const tree = await get('/api/v1/categories');
		const out = [];
		const walk = (items, depth) => {
			for (const c of items) {
				out.push({ ...c, depth });
				walk(c.children || [], depth + 1);
			}
		};
		walk(tree.items, 0);
		return out;
	});
}

export function categoryName(c) {
	if (!c) return '';
	return lang() === 'en' ? c.name_en : c.name_zh;
}
