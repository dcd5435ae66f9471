// customer_edit.js - editing a customer on the customer page (customer.write):
// the profile (PATCH with If-Match; a 412 reloads the customer, keeps the
// fields the user changed and takes the others from the newer record),
// tags, identities and consents (each its own call, redrawn in place so
// an unsaved profile edit is never lost).  Personal values (birthday,
// identities) are offered only to roles that see them unmasked: the API
// refuses them to the others (pii_required).

import { api } from '../api.js';
import { saveOrReload } from '../conflict.js';
import { clear, field, formValues, h, select, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { mergeReloaded } from './admin_forms.js';

const STAGES = ['potential', 'new', 'satisfied', 'loyal', 'at_risk', 'lapsed'];
const IDENTITY_KINDS = ['phone', 'email', 'wechat', 'qq', 'other'];
export const PURPOSES = ['marketing_sms', 'marketing_email', 'marketing_wechat', 'marketing_phone', 'data_processing', 'survey'];
const PROFILE_KEYS = ['name', 'kind', 'tier', 'stage', 'locale', 'birthday', 'note'];

/** The profile controls' values of customer c (strings, '' for none). */
export function profileValues(c, withBirthday) {
	const out = {};
	for (const k of PROFILE_KEYS) if (k !== 'birthday' || withBirthday) out[k] = c[k] ?? '';
	return out;
}

/**
 * The PATCH body: the fields that differ from the customer as loaded
 * (base), so a save never rewrites what the user left alone; '' clears
 * birthday and note.
 */
export function profilePatch(base, v) {
	const out = {};
	for (const [k, was] of Object.entries(base)) {
		const now = (v[k] ?? '').trim();
		if (now !== String(was)) out[k] = now;
	}
	return out;
}

/**
 * The edit panel of customer c (with its ETag).  onSaved(customer) after a
 * profile save, so the page header can follow.
 */
export function editPanel(c, etag, onSaved) {
	const rec = { data: c, etag };
	const withBirthday = !c.masked;
	const parts = h('div.customer-parts');
	const form = profileForm(rec, withBirthday, onSaved);
	const panel = h('section.panel.customer-edit', { 'aria-labelledby': 'cedit-title' }, h('h2#cedit-title', t('cedit.title')), form, parts);
	const drawParts = () => clear(parts, tagsPart(rec, drawParts), identitiesPart(rec, drawParts), consentsPart(rec, drawParts));
	drawParts();
	return panel;
}

async function reload(rec) {
	const r = await api('GET', `/api/v1/customers/${rec.data.id}`);
	rec.data = r.data;
	rec.etag = r.etag;
	return r;
}

function profileForm(rec, withBirthday, onSaved) {
	const c = rec.data;
	const form = h(
		'form.cedit-profile',
		{ novalidate: true },
		h(
			'div.row',
			field(t('cedit.name'), h('input', { name: 'name', value: c.name, 'aria-required': 'true' })),
			field(t('customer.kind'), select('kind', ['person', 'company'].map((k) => [k, te('ckindp', k)]), c.kind)),
			field(t('admin.tier'), select('tier', ['A', 'B', 'C'].map((x) => [x, t('customer.tier', { tier: x })]), c.tier)),
			field(t('cedit.stage'), select('stage', STAGES.map((x) => [x, te('stage', x)]), c.stage)),
			field(t('customer.locale'), select('locale', [['zh-CN', '中文'], ['en', 'English']], c.locale))
		),
		withBirthday ? field(t('customer.birthday'), h('input', { name: 'birthday', type: 'date', value: c.birthday || '' })) : null,
		field(t('customer.note'), h('textarea', { name: 'note', rows: 3, value: c.note || '' })),
		h('button.primary', { type: 'submit' }, t('action.save'))
	);
	let base = profileValues(c, withBirthday);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const body = profilePatch(base, Object.fromEntries(new FormData(form)));
			if (!Object.keys(body).length) return toast(t('cedit.nothing'));
			const r = await saveOrReload(
				rec,
				(etag) => api('PATCH', `/api/v1/customers/${rec.data.id}`, { body, etag }),
				() => api('GET', `/api/v1/customers/${rec.data.id}`),
				(reloaded) => {
					const current = Object.fromEntries(Object.keys(base).map((k) => [k, form.elements[k].value]));
					const fresh = profileValues(reloaded.data, withBirthday);
					for (const [k, v] of Object.entries(mergeReloaded(base, current, fresh))) form.elements[k].value = v;
					base = fresh;
				}
			);
			rec.data = r.data;
			rec.etag = r.etag;
			base = profileValues(r.data, withBirthday);
			toast(t('action.saved'));
			onSaved(r.data);
		});
	});
	return form;
}

/** Run fn (a call), then reload the customer and redraw the parts; errors go to form. */
async function partCall(rec, form, fn, redraw) {
	await submitting(form, async () => {
		await fn();
		await reload(rec);
		toast(t('action.saved'));
		redraw();
	});
}

function removeButton(label, onClick) {
	return h('button.link', { type: 'button', 'aria-label': label, on: { click: onClick } }, t('action.remove'));
}

function tagsPart(rec, redraw) {
	const id = rec.data.id;
	const form = h('form.cedit-tags.row', { novalidate: true }, field(t('cedit.new_tag'), h('input', { name: 'tag', maxlength: 32 })), h('button', { type: 'submit' }, t('action.add')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		const tag = formValues(form).tag || '';
		partCall(rec, form, () => api('PUT', `/api/v1/customers/${id}/tags/${encodeURIComponent(tag)}`), redraw);
	});
	const tags = (rec.data.tags || []).map((x) =>
		h('span.tag', x, ' ', removeButton(t('cedit.remove_tag', { tag: x }), () => partCall(rec, form, () => api('DELETE', `/api/v1/customers/${id}/tags/${encodeURIComponent(x)}`), redraw)))
	);
	return h('div.cedit-part', h('h3', t('customer.tags')), h('div.badges', tags.length ? tags : h('span.muted', t('admin.none'))), form);
}

function identitiesPart(rec, redraw) {
	const id = rec.data.id;
	const form = rec.data.masked
		? h('form.cedit-identities', h('p.muted', t('cedit.identities_pii')))
		: h(
				'form.cedit-identities.row',
				{ novalidate: true },
				field(t('cedit.identity_kind'), select('kind', IDENTITY_KINDS.map((k) => [k, te('identity', k)]), 'phone')),
				field(t('cedit.identity_value'), h('input', { name: 'value', autocomplete: 'off' })),
				h('button', { type: 'submit' }, t('action.add'))
			);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		partCall(rec, form, () => api('POST', `/api/v1/customers/${id}/identities`, { body: formValues(form) }), redraw);
	});
	const rows = (rec.data.identities || []).map((x) =>
		h('li', te('identity', x.kind), ': ', x.value, ' ', removeButton(t('cedit.remove_identity', { value: x.value }), () => partCall(rec, form, () => api('DELETE', `/api/v1/customers/${id}/identities/${x.id}`), redraw)))
	);
	return h('div.cedit-part', h('h3', t('customer.identities')), rows.length ? h('ul.plain', rows) : h('p.muted', t('admin.none')), form);
}

function consentsPart(rec, redraw) {
	const id = rec.data.id;
	const form = h('form.cedit-consents');
	const now = rec.data.consents || {};
	const give = (purpose, granted) => partCall(rec, form, () => api('POST', `/api/v1/customers/${id}/consents`, { body: { purpose, granted, source: 'staff' } }), redraw);
	const rows = PURPOSES.map((p) => {
		const cur = now[p];
		const state = cur ? `${cur.granted ? t('customer.granted') : t('customer.withdrawn')} · ${fmtTime(cur.at, 'date')}` : t('cedit.no_answer');
		return h(
			'tr',
			{ dataset: { purpose: p } },
			h('td', te('purpose', p)),
			h('td', state),
			h(
				'td',
				cur && cur.granted
					? h('button.link', { type: 'button', on: { click: () => give(p, false) } }, t('cedit.withdraw'))
					: h('button.link', { type: 'button', on: { click: () => give(p, true) } }, t('cedit.grant'))
			)
		);
	});
	form.append(h('table.data', h('tbody', rows)));
	return h('div.cedit-part', h('h3', t('customer.consents')), form);
}
