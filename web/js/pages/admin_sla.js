// admin_sla.js - SLA policies: list, add, edit in place (If-Match), delete.

import { api, get } from '../api.js';
import { clear, field, formValues, h, select, submitting, toast } from '../dom.js';
import { t, te } from '../i18n.js';
import { POLICY_ALIASES, policyBody, policyFormValues, secondsToHours } from './admin_forms.js';
import { PRIORITIES, saveEdit, table, TYPES } from './admin_common.js';

/** The fields of an SLA policy, filled from p (a new one when p is null). */
function policyFields(cals, p) {
	const any = [['', t('filter.any')]];
	const v = p || {};
	return [
		field(t('admin.name'), h('input', { name: 'name', required: true, value: v.name || '' })),
		h(
			'div.row',
			field(t('filter.type'), select('ticket_type', [...any, ...TYPES.map((x) => [x, te('type', x)])], v.ticket_type || '')),
			field(t('filter.priority'), select('priority', [...any, ...PRIORITIES.map((x) => [x, te('priority', x)])], v.priority || '')),
			field(t('admin.tier'), select('customer_tier', [...any, ['A', 'A'], ['B', 'B'], ['C', 'C']], v.customer_tier || ''))
		),
		field(t('admin.first_response_h'), h('input', { name: 'first_response_h', inputmode: 'decimal', value: secondsToHours(v.first_response_s) })),
		field(t('admin.next_response_h'), h('input', { name: 'next_response_h', inputmode: 'decimal', value: secondsToHours(v.next_response_s) })),
		field(t('admin.resolution_h'), h('input', { name: 'resolution_h', inputmode: 'decimal', value: secondsToHours(v.resolution_s) })),
		field(t('admin.calendar'), select('calendar_id', cals.items.map((c) => [c.id, c.name]), v.calendar_id ?? cals.items[0]?.id)),
		field(t('admin.rank'), h('input', { name: 'rank', inputmode: 'numeric', value: v.rank ?? '' }), t('admin.rank_hint')),
		field(t('admin.sunset'), h('input', { name: 'sunset', type: 'checkbox', checked: !!v.sunset }), t('admin.sunset_hint')),
	];
}

export async function sla(body, params, redraw) {
	const [pol, cals] = await Promise.all([get('/api/v1/sla-policies', { limit: 200 }), get('/api/v1/calendars', { limit: 200 })]);
	const calName = new Map(cals.items.map((c) => [c.id, c.name]));
	const hrs = (s) => (s ? (s / 3600).toFixed(1) + ' h' : '—');
	const editSlot = h('div.edit-slot');

	const edit = async (p) => {
		const rec = await api('GET', `/api/v1/sla-policies/${p.id}`);
		const form = h(
			'form.panel.policy-edit',
			h('h2', t('admin.edit_policy', { name: rec.data.name })),
			policyFields(cals, rec.data),
			h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), h('button', { type: 'button', on: { click: () => clear(editSlot) } }, t('action.cancel')))
		);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			submitting(
				form,
				async () => {
					const b = policyBody(formValues(form), form.elements.sunset.checked);
					await saveEdit(
						rec,
						form,
						policyFormValues,
						(tag) => api('PATCH', `/api/v1/sla-policies/${p.id}`, { body: b, etag: tag }),
						() => api('GET', `/api/v1/sla-policies/${p.id}`)
					);
					toast(t('action.saved'));
					redraw();
				},
				POLICY_ALIASES
			);
		});
		clear(editSlot, form);
		form.elements.name.focus();
	};
	const actions = (p) =>
		h(
			'span.row-actions',
			h('button.link', { type: 'button', 'aria-label': t('admin.edit_named', { name: p.name }), on: { click: () => edit(p).catch((e) => toast(e.message, 'error')) } }, t('action.edit')),
			' ',
			h(
				'button.link',
				{
					type: 'button',
					'aria-label': t('admin.delete_named', { name: p.name }),
					on: {
						click: async () => {
							try {
								await api('DELETE', `/api/v1/sla-policies/${p.id}`);
								toast(t('action.saved'));
								redraw();
							} catch (e) {
								toast(e.message, 'error');
							}
						},
					},
				},
				t('action.delete')
			)
		);

	const add = h('form.panel.create.policy-add', h('h2', t('admin.add_policy')), policyFields(cals, null), h('button.primary', { type: 'submit' }, t('action.add')));
	add.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(
			add,
			async () => {
				await api('POST', '/api/v1/sla-policies', { body: policyBody(formValues(add), add.elements.sunset.checked) });
				toast(t('action.saved'));
				redraw();
			},
			POLICY_ALIASES
		);
	});
	clear(
		body,
		h('h1', t('admin.sla')),
		table(
			[t('admin.name'), t('filter.type'), t('filter.priority'), t('admin.tier'), t('sla.first_response'), t('sla.next_response'), t('sla.resolution'), t('admin.sunset'), t('admin.calendar'), t('admin.rank'), ''],
			pol.items.map((p) => [
				p.name,
				te('type', p.ticket_type),
				te('priority', p.priority),
				p.customer_tier || '—',
				hrs(p.first_response_s),
				hrs(p.next_response_s),
				hrs(p.resolution_s),
				p.sunset ? '✓' : '',
				calName.get(p.calendar_id) || p.calendar_id,
				p.rank ?? '',
				actions(p),
			])
		),
		editSlot,
		add
	);
}
