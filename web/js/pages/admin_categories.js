// admin_categories.js - the category tree (zh/en names, return window).

import { api } from '../api.js';
import { clear, field, formValues, h, select } from '../dom.js';
import { t } from '../i18n.js';
import { categories, categoryName, forget } from '../session.js';
import { createForm, rowEditForm, table } from './admin_common.js';

export async function cats(body, params, redraw) {
	forget('categories');
	const list = await categories();
	const add = createForm(
		t('admin.add_category'),
		[
			field(t('admin.parent'), select('parent_id', [['', '—'], ...list.filter((c) => c.depth === 0).map((c) => [c.id, categoryName(c)])], '')),
			field(t('admin.code'), h('input', { name: 'code', required: true, pattern: '[a-z0-9_]{1,64}' })),
			field(t('admin.name_zh'), h('input', { name: 'name_zh', required: true })),
			field(t('admin.name_en'), h('input', { name: 'name_en', required: true })),
			field(t('admin.return_days'), h('input', { name: 'return_window_days', type: 'number', min: 0 })),
		],
		async (form) => {
			const v = formValues(form);
			if (v.parent_id) v.parent_id = Number(v.parent_id);
			if (v.return_window_days) v.return_window_days = Number(v.return_window_days);
			await api('POST', '/api/v1/categories', { body: v });
			forget('categories');
			redraw();
		}
	);
	const editSlot = h('div.edit-slot');
	const reloadCat = async (id) => {
		forget('categories');
		const c = (await categories()).find((x) => x.id === id);
		return { data: c, etag: `"v${c.version}"` };
	};
	const edit = (c) => {
		const rec = { data: c, etag: `"v${c.version}"` };
		const form = rowEditForm(
			t('admin.edit_named', { name: c.code }),
			[
				field(t('admin.name_zh'), h('input', { name: 'name_zh', value: c.name_zh })),
				field(t('admin.name_en'), h('input', { name: 'name_en', value: c.name_en })),
				field(t('admin.return_days'), h('input', { name: 'return_window_days', inputmode: 'numeric', value: c.return_window_days ?? '' }), t('admin.return_days_hint')),
			],
			rec,
			['name_zh', 'name_en', 'return_window_days'],
			(v, tag) =>
				api('PATCH', `/api/v1/categories/${c.id}`, {
					body: { name_zh: v.name_zh, name_en: v.name_en, return_window_days: v.return_window_days.trim() === '' ? null : /^\d+$/.test(v.return_window_days.trim()) ? Number(v.return_window_days) : v.return_window_days },
					etag: tag,
				}),
			() => reloadCat(c.id),
			() => {
				forget('categories');
				redraw();
			}
		);
		clear(editSlot, form);
		form.elements.name_zh.focus();
	};
	const editBtn = (c) => h('button.link', { type: 'button', 'aria-label': t('admin.edit_named', { name: c.code }), on: { click: () => edit(c) } }, t('action.edit'));
	clear(
		body,
		h('h1', t('admin.categories')),
		table([t('admin.code'), t('admin.name_zh'), t('admin.name_en'), t('admin.return_days'), ''], list.map((c) => ['\u00a0'.repeat(c.depth * 3) + c.code, c.name_zh, c.name_en, c.return_window_days ?? '—', editBtn(c)])),
		editSlot,
		add
	);
}
