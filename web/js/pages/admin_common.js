// admin_common.js - what the admin sections share: a table, a create form,
// reading and writing form controls, saving an edit with If-Match (a 412
// reloads through ../conflict.js and keeps the typed values), the rename/
// delete form of calendars and teams, and the edit form of a list row.

import { api } from '../api.js';
import { clear, field, h, submitting, toast } from '../dom.js';
import { t } from '../i18n.js';
import { forget } from '../session.js';
import { mergeReloaded } from './admin_forms.js';
import { saveOrReload } from '../conflict.js';

export const TYPES = ['inquiry', 'complaint', 'return', 'claim', 'suggestion', 'follow_up', 'care'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

export function table(cols, rows) {
	return h('table.data', h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', rows.map((r) => h('tr', r.map((c) => h('td', c))))));
}

/** A create form: fields, then POST body(form) to url and redraw. */
export function createForm(title, fields, onSubmit) {
	const form = h('form.panel.create', h('h2', title), fields, h('button.primary', { type: 'submit' }, t('action.add')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, () => onSubmit(form));
	});
	return form;
}

/** The values of form's controls named in keys (checkboxes as booleans). */
export function readControls(form, keys) {
	const out = {};
	for (const k of keys) {
		const el = form.elements[k];
		if (el) out[k] = el.type === 'checkbox' ? el.checked : el.value;
	}
	return out;
}

export function writeControls(form, values) {
	for (const [k, v] of Object.entries(values)) {
		const el = form.elements[k];
		if (!el) continue;
		if (el.type === 'checkbox') el.checked = !!v;
		else el.value = v;
	}
}

/**
 * Run send(etag) for an edit of rec ({etag, data}) in form.  On 412 (see
 * ../conflict.js) the controls the user left alone take the reloaded values
 * (toValues(data)), the ones they edited keep their edits, and the conflict
 * shows at the form's top so saving again applies those edits over the
 * newer record.
 */
export function saveEdit(rec, form, toValues, send, reload) {
	return saveOrReload(rec, send, reload, (fresh, old) => {
		const base = toValues(old);
		const next = toValues(fresh.data);
		writeControls(form, mergeReloaded(base, readControls(form, Object.keys(next)), next));
	});
}

/**
 * Rename or delete the record at url (a calendar or a team): the name is
 * PATCHed with If-Match (a 412 reloads and keeps the typed name), Delete
 * asks first; a refusal (409, the API saying what still uses it) shows at
 * the form's top.  extra: more controls (fields named like the API's) and
 * their values, sent with the name.
 */
export function renameForm(kind, url, { onSaved, onDeleted, extra = null }) {
	const form = h('form.panel.rename', { novalidate: true, dataset: { kind } }, h('h2', t(`admin.rename_${kind}`)), h('p.muted', t('loading')));
	api('GET', url).then(
		(rec) => {
			const values = (d) => ({ name: d.name, ...(extra ? extra.values(d) : {}) });
			const del = h(
				'button.danger',
				{
					type: 'button',
					on: {
						click: () => {
							if (!confirm(t('admin.delete_confirm', { name: rec.data.name }))) return;
							submitting(form, async () => {
								await api('DELETE', url);
								forget('teams');
								toast(t('action.deleted'));
								onDeleted();
							});
						},
					},
				},
				t(`admin.delete_${kind}`)
			);
			clear(
				form,
				h('h2', t(`admin.rename_${kind}`)),
				field(t('admin.name'), h('input', { name: 'name', value: rec.data.name, 'aria-required': 'true' })),
				extra ? extra.fields(rec.data) : null,
				h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), del)
			);
			form.addEventListener('submit', (e) => {
				e.preventDefault();
				submitting(form, async () => {
					const v = readControls(form, Object.keys(values(rec.data)));
					const b = extra ? extra.body(v) : { name: v.name };
					await saveEdit(rec, form, values, (tag) => api('PATCH', url, { body: b, etag: tag }), () => api('GET', url));
					forget('teams');
					toast(t('action.saved'));
					onSaved();
				});
			});
		},
		(e) => clear(form, h('p.form-error', e.message))
	);
	return form;
}

/**
 * An edit form for one row of a list (category, canned reply): fields
 * filled from rec.data, PATCH with rec.etag; a 412 reloads the row
 * (reload() -> {data, etag}) and keeps the user's edits.
 */
export function rowEditForm(title, fields, rec, keys, send, reload, done) {
	const values = (d) => Object.fromEntries(keys.map((k) => [k, d[k] ?? '']));
	const form = h('form.panel.row-edit', { novalidate: true }, h('h2', title), fields, h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), h('button', { type: 'button', on: { click: () => form.remove() } }, t('action.cancel'))));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const v = readControls(form, keys);
			await saveEdit(rec, form, values, (tag) => send(v, tag), reload);
			toast(t('action.saved'));
			done();
		});
	});
	return form;
}
