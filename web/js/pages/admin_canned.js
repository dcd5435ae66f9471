// admin_canned.js - canned replies: add, edit in place, delete.

import { api, get } from '../api.js';
import { clear, field, formValues, h, select, toast } from '../dom.js';
import { t } from '../i18n.js';
import { createForm, rowEditForm, table } from './admin_common.js';

export async function canned(body, params, redraw) {
	const list = await get('/api/v1/canned-replies');
	const del = (c) =>
		h(
			'button.link',
			{
				type: 'button',
				on: {
					click: async () => {
						try {
							await api('DELETE', `/api/v1/canned-replies/${c.id}`, { etag: `"v${c.version}"` });
							redraw();
						} catch (e) {
							toast(e.message, 'error');
						}
					},
				},
			},
			t('action.delete')
		);
	const add = createForm(
		t('admin.add_canned'),
		[
			field(t('admin.title'), h('input', { name: 'title', required: true })),
			field(t('admin.body'), h('textarea', { name: 'body', rows: 4, required: true }), t('admin.body_hint')),
			field(t('lang.label'), select('language', [['zh', '中文'], ['en', 'English']], 'zh')),
		],
		async (form) => {
			await api('POST', '/api/v1/canned-replies', { body: formValues(form) });
			redraw();
		}
	);
	const editSlot = h('div.edit-slot');
	const edit = (c) => {
		const rec = { data: c, etag: `"v${c.version}"` };
		const form = rowEditForm(
			t('admin.edit_named', { name: c.title }),
			[field(t('admin.title'), h('input', { name: 'title', value: c.title })), field(t('admin.body'), h('textarea', { name: 'body', rows: 4, value: c.body }), t('admin.body_hint'))],
			rec,
			['title', 'body'],
			(v, tag) => api('PATCH', `/api/v1/canned-replies/${c.id}`, { body: { title: v.title, body: v.body }, etag: tag }),
			async () => {
				const x = (await get('/api/v1/canned-replies')).items.find((y) => y.id === c.id);
				return { data: x, etag: `"v${x.version}"` };
			},
			redraw
		);
		clear(editSlot, form);
		form.elements.title.focus();
	};
	const actions = (c) => h('span.row-actions', h('button.link', { type: 'button', 'aria-label': t('admin.edit_named', { name: c.title }), on: { click: () => edit(c) } }, t('action.edit')), ' ', del(c));
	clear(body, h('h1', t('admin.canned')), table([t('admin.title'), t('admin.body'), t('lang.label'), ''], list.items.map((c) => [c.title, c.body, c.language, actions(c)])), editSlot, add);
}
