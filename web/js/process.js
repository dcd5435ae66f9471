// process.js - the type-specific panel of a ticket: the complaint's steps
// with the fields each one needs, a return authorisation on the order's
// lines, and a claim with its decision.  Every write sends If-Match; a
// 409 naming a field lands next to that field, the typed values stay.

import { api, get } from './api.js';
import { clear, field, h, select, submitting, toast } from './dom.js';
import { fmtMoney, fmtTime, t, te } from './i18n.js';
import { can, categories, categoryName } from './session.js';

export const STEPS = ['received', 'initial_handling', 'investigation', 'solution', 'implementation', 'archived'];

/** The fields each complaint step needs before it can be entered. */
export const STEP_FIELDS = {
	initial_handling: [],
	investigation: ['category_id'],
	solution: ['investigation_notes', 'root_cause', 'responsible_department'],
	implementation: ['solution', 'compensation_minor'],
	archived: ['implemented', 'customer_confirmation', 'feedback_sent'],
};

/** Money typed as "12.50" to minor units; NaN when not a number. */
export function toMinor(s) {
	const v = String(s).trim().replace(',', '.');
	if (!/^\d+(\.\d{1,2})?$/.test(v)) return NaN;
	return Math.round(parseFloat(v) * 100);
}

/** The fields shown for a complaint at step: those of every step up to the next. */
export function complaintFields(step) {
	const upto = Math.min(STEPS.indexOf(step) + 1, STEPS.length - 1);
	return STEPS.slice(1, upto + 1).flatMap((s) => STEP_FIELDS[s]);
}

export async function processPanel(tk, changed) {
	const box = await panelOf(tk, changed);
	if (box && !can('ticket.write')) readOnly(box);
	return box;
}

function panelOf(tk, changed) {
	if (tk.type === 'complaint') return complaintPanel(tk, changed);
	if (tk.type === 'return') return returnPanel(tk, changed);
	if (tk.type === 'claim') return claimPanel(tk, changed);
	if (tk.type === 'follow_up') return followupPanel(tk, changed);
	return null;
}

/** A panel for a user who may not change tickets: what it says, without its forms (also after a redraw). */
function readOnly(box) {
	const strip = () => box.querySelectorAll('form').forEach((f) => f.remove());
	strip();
	new MutationObserver(strip).observe(box, { childList: true, subtree: true });
}

/** A follow-up (回访): record whether the customer is satisfied; not satisfied reopens the complaint. */
function followupPanel(tk, changed) {
	const box = h('section.panel.process', { 'aria-label': t('followup.title') });
	if (tk.state === 'resolved' || tk.state === 'closed') return clear(box, h('h2', t('followup.title')), h('p.muted', t('followup.recorded')));
	const form = h(
		'form.followup',
		h(
			'fieldset',
			h('legend', t('followup.outcome')),
			['satisfied', 'not_satisfied'].map((o) => h('label.radio', h('input', { type: 'radio', name: 'outcome', value: o, required: true }), ' ', t(`followup.${o}`)))
		),
		h('input', { type: 'hidden', name: 'outcome_err', id: `fo-${tk.id}` }),
		h('div.field-error', { id: `fo-${tk.id}-err` }),
		field(t('followup.note'), h('textarea', { name: 'note', rows: 2 })),
		h('button.primary', { type: 'submit' }, t('followup.record'))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const body = { outcome: form.elements.outcome.value };
			if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
			const { data } = await api('POST', `/api/v1/follow-ups/${tk.id}/outcome`, { body });
			toast(t('followup.saved'));
			clear(box, h('h2', t('followup.title')), h('p', t(`followup.${data.outcome}`)), data.outcome === 'not_satisfied' ? h('p', h('a', { href: `#/tickets/${data.complaint_id}` }, t('followup.reopened'))) : null);
			changed();
		}, { outcome: 'outcome_err' });
	});
	return clear(box, h('h2', t('followup.title')), form);
}

async function complaintPanel(tk, changed) {
	const box = h('section.panel.process', { 'aria-label': t('complaint.title') });
	const cats = await categories().catch(() => []);
	async function draw() {
		const { data: c, etag } = await api('GET', `/api/v1/tickets/${tk.id}/complaint`);
		const here = STEPS.indexOf(c.step);
		const steps = h(
			'ol.steps',
			STEPS.map((s, i) => h('li', { class: i < here ? 'done' : i === here ? 'current' : null, 'aria-current': i === here ? 'step' : null }, te('step', s)))
		);
		if (c.step === 'archived') {
			clear(box, h('h2', t('complaint.title')), steps, summary(c));
			return;
		}
		const need = new Set(c.missing_for_next || []);
		const ctl = {
			category_id: () => select('category_id', [['', '—'], ...cats.map((x) => [x.id, '\u00a0'.repeat(x.depth * 2) + categoryName(x)])], c.category_id),
			investigation_notes: () => h('textarea', { name: 'investigation_notes', rows: 3, value: c.investigation_notes || '' }),
			root_cause: () => h('textarea', { name: 'root_cause', rows: 2, value: c.root_cause || '' }),
			responsible_department: () => h('input', { name: 'responsible_department', value: c.responsible_department || '' }),
			solution: () => h('textarea', { name: 'solution', rows: 3, value: c.solution || '' }),
			compensation_minor: () => h('input', { name: 'compensation_minor', inputmode: 'decimal', value: c.compensation_minor ? (c.compensation_minor / 100).toFixed(2) : '' }),
			implemented: () => h('input', { name: 'implemented', type: 'checkbox', checked: !!c.implemented_at, disabled: !!c.implemented_at }),
			customer_confirmation: () => select('customer_confirmation', [['', '—'], ['accepted', te('confirm', 'accepted')], ['rejected', te('confirm', 'rejected')]], c.customer_confirmation),
			feedback_sent: () => h('input', { name: 'feedback_sent', type: 'checkbox', checked: !!c.feedback_to_department_at, disabled: !!c.feedback_to_department_at }),
		};
		const names = complaintFields(c.step);
		const form = h(
			'form.complaint',
			names.map((n) => {
				const f = field(t(`complaint.${n}`) + (need.has(n) ? ' *' : ''), ctl[n]());
				if (need.has(n)) f.classList.add('required');
				return f;
			}),
			need.has('acknowledged') ? h('p.hint', t('complaint.need_ack')) : null,
			h(
				'div.row',
				h('button', { type: 'submit', value: 'save' }, t('action.save')),
				c.next_step ? h('button.primary', { type: 'submit', value: 'advance' }, t('complaint.advance_to', { step: te('step', c.next_step) })) : null
			)
		);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			const advance = e.submitter && e.submitter.value === 'advance';
			submitting(form, async () => {
				const body = complaintBody(form, c, names);
				if (advance) await api('POST', `/api/v1/tickets/${tk.id}/complaint/advance`, { body: { to: c.next_step, ...body }, etag });
				else await api('PATCH', `/api/v1/tickets/${tk.id}/complaint`, { body, etag });
				toast(advance ? t('complaint.advanced', { step: te('step', c.next_step) }) : t('action.saved'));
				await draw();
				changed();
			});
		});
		clear(box, h('h2', t('complaint.title')), steps, form);
	}
	await draw().catch((e) => clear(box, h('p.muted', e.message)));
	return box;
}

/** The changed complaint fields of form as an API body. */
function complaintBody(form, c, names) {
	const body = {};
	for (const n of names) {
		const el = form.elements[n];
		if (!el || el.disabled) continue;
		if (el.type === 'checkbox') {
			if (el.checked) body[n] = true;
		} else if (n === 'category_id') {
			if (el.value && Number(el.value) !== c.category_id) body[n] = Number(el.value);
		} else if (n === 'compensation_minor') {
			if (el.value.trim() !== '') {
				const m = toMinor(el.value);
				body[n] = Number.isNaN(m) ? -1 : m;
			}
		} else if (el.value.trim() !== '' && el.value.trim() !== (c[n] || '')) body[n] = el.value.trim();
	}
	return body;
}

function summary(c) {
	const rows = [
		['complaint.root_cause', c.root_cause],
		['complaint.responsible_department', c.responsible_department],
		['complaint.solution', c.solution],
		['complaint.compensation_minor', fmtMoney(c.compensation_minor, c.currency)],
		['complaint.customer_confirmation', te('confirm', c.customer_confirmation)],
		['complaint.archived_at', fmtTime(c.archived_at)],
	];
	return h('dl.kv', rows.map(([k, v]) => [h('dt', t(k)), h('dd', v || '—')]));
}

const RETURN_NEXT = {
	requested: ['authorised', 'rejected'],
	authorised: ['received', 'rejected'],
	received: ['inspected'],
	inspected: ['refunded', 'exchanged', 'repaired', 'rejected'],
};

async function returnPanel(tk, changed) {
	const box = h('section.panel.process', { 'aria-label': t('return.title') });
	async function draw() {
		let rma = null,
			etag = null;
		try {
			({ data: rma, etag } = await api('GET', `/api/v1/tickets/${tk.id}/return`));
		} catch (e) {
			if (e.status !== 404) throw e;
		}
		if (!rma) return drawCreate();
		const next = RETURN_NEXT[rma.status] || [];
		const to = select('to', next.map((s) => [s, te('rstatus', s)]), next[0]);
		const form = h(
			'form.return-advance',
			field(t('return.to'), to),
			field(t('return.tracking'), h('input', { name: 'return_tracking_number', value: rma.return_tracking_number || '' })),
			field(t('return.inspection'), select('inspection_result', [['', '—'], ...['ok', 'damaged', 'not_as_described', 'missing_parts', 'used'].map((x) => [x, te('inspection', x)])], rma.inspection_result)),
			field(t('return.refund'), h('input', { name: 'refund_minor', inputmode: 'decimal', value: rma.refund_minor ? (rma.refund_minor / 100).toFixed(2) : '' })),
			h('button.primary', { type: 'submit' }, t('return.advance'))
		);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			submitting(form, async () => {
				const body = { to: to.value };
				const f = form.elements;
				if (f.return_tracking_number.value.trim()) body.return_tracking_number = f.return_tracking_number.value.trim();
				if (f.inspection_result.value) body.inspection_result = f.inspection_result.value;
				if (f.refund_minor.value.trim()) body.refund_minor = toMinor(f.refund_minor.value);
				await api('POST', `/api/v1/tickets/${tk.id}/return/advance`, { body, etag });
				toast(t('action.saved'));
				await draw();
				changed();
			});
		});
		clear(
			box,
			h('h2', t('return.title'), ' ', h('span.muted', rma.rma)),
			h(
				'dl.kv',
				h('dt', t('return.status')),
				h('dd', h('span.badge', te('rstatus', rma.status))),
				h('dt', t('return.action')),
				h('dd', te('raction', rma.action)),
				h('dt', t('return.reason')),
				h('dd', rma.reason),
				h('dt', t('return.deadline')),
				h('dd', fmtTime(rma.window_deadline_at) || '—', rma.window_override_reason ? ` (${t('return.overridden')}: ${rma.window_override_reason})` : ''),
				h('dt', t('return.value')),
				h('dd', fmtMoney(rma.lines_value_minor, rma.currency))
			),
			h('ul', rma.lines.map((l) => h('li', `${l.sku || ''} ${l.name || ''} × ${l.quantity}`))),
			next.length ? form : null
		);
	}
	async function drawCreate() {
		if (!tk.order_id) return clear(box, h('h2', t('return.title')), h('p.muted', t('return.no_order')));
		const o = await get(`/api/v1/orders/${tk.order_id}`);
		const qty = o.lines.map((l) =>
			h('input', { name: `line-${l.id}`, type: 'number', min: 0, max: l.quantity_delivered, value: 0, 'aria-label': t('return.qty_of', { item: l.name }) })
		);
		const form = h(
			'form.return-create',
			h(
				'table.lines',
				h('thead', h('tr', ['order.item', 'order.delivered', 'return.qty'].map((k) => h('th', { scope: 'col' }, t(k))))),
				h('tbody', o.lines.map((l, i) => h('tr', h('td', l.name, ' ', h('span.muted', l.sku)), h('td.n', l.quantity_delivered), h('td', qty[i]))))
			),
			h('input', { type: 'hidden', name: 'lines' }),
			h('div.field-error', { id: 'lines-err' }),
			field(t('return.reason'), h('input', { name: 'reason', required: true })),
			field(t('return.action'), select('action', ['refund', 'exchange', 'repair'].map((x) => [x, te('raction', x)]), 'refund')),
			can('ticket.manage') ? field(t('return.override'), h('input', { name: 'window_override_reason' }), t('return.override_hint')) : null,
			h('button.primary', { type: 'submit' }, t('return.request'))
		);
		form.elements.lines.id = 'lines';
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			submitting(form, async () => {
				const lines = o.lines.map((l, i) => ({ order_line_id: l.id, quantity: Number(qty[i].value) })).filter((x) => x.quantity > 0);
				const body = { reason: form.elements.reason.value.trim(), action: form.elements.action.value, lines };
				const ov = form.elements.window_override_reason;
				if (ov && ov.value.trim()) body.window_override_reason = ov.value.trim();
				await api('POST', `/api/v1/tickets/${tk.id}/return`, { body });
				toast(t('return.requested'));
				await draw();
				changed();
			}, { quantity: 'lines' });
		});
		clear(box, h('h2', t('return.title')), form);
	}
	await draw().catch((e) => clear(box, h('p.muted', e.message)));
	return box;
}

async function claimPanel(tk, changed) {
	const box = h('section.panel.process', { 'aria-label': t('claim.title') });
	async function draw() {
		let cl = null,
			etag = null;
		try {
			({ data: cl, etag } = await api('GET', `/api/v1/tickets/${tk.id}/claim`));
		} catch (e) {
			if (e.status !== 404) throw e;
		}
		if (!cl) {
			const form = h(
				'form.claim-create',
				field(t('claim.kind'), select('kind', ['damage', 'loss', 'late'].map((x) => [x, te('ckind', x)]), 'damage')),
				field(t('claim.declared'), h('input', { name: 'declared_value_minor', inputmode: 'decimal', required: true })),
				h('button.primary', { type: 'submit' }, t('claim.file'))
			);
			form.addEventListener('submit', (e) => {
				e.preventDefault();
				submitting(form, async () => {
					const body = { kind: form.elements.kind.value, declared_value_minor: toMinor(form.elements.declared_value_minor.value) };
					if (tk.shipment_id) body.shipment_id = tk.shipment_id;
					await api('POST', `/api/v1/tickets/${tk.id}/claim`, { body });
					await draw();
					changed();
				});
			});
			return clear(box, h('h2', t('claim.title')), form);
		}
		const decided = cl.decision !== 'pending';
		const form = h(
			'form.claim-decide',
			field(t('claim.decision'), select('decision', ['approved', 'partially_approved', 'rejected'].map((x) => [x, te('decision', x)]), 'approved')),
			field(t('claim.payout'), h('input', { name: 'payout_minor', inputmode: 'decimal' })),
			field(t('claim.reason'), h('textarea', { name: 'decision_reason', rows: 2 })),
			h('button.primary', { type: 'submit' }, t('claim.decide'))
		);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			submitting(form, async () => {
				const f = form.elements;
				const body = { decision: f.decision.value };
				if (f.payout_minor.value.trim()) body.payout_minor = toMinor(f.payout_minor.value);
				if (f.decision_reason.value.trim()) body.decision_reason = f.decision_reason.value.trim();
				await api('POST', `/api/v1/tickets/${tk.id}/claim/decide`, { body, etag });
				toast(t('action.saved'));
				await draw();
				changed();
			});
		});
		clear(
			box,
			h('h2', t('claim.title')),
			h(
				'dl.kv',
				h('dt', t('claim.kind')),
				h('dd', te('ckind', cl.kind)),
				h('dt', t('claim.declared')),
				h('dd', fmtMoney(cl.declared_value_minor, cl.currency)),
				h('dt', t('claim.decision')),
				h('dd', h('span.badge', te('decision', cl.decision))),
				decided ? [h('dt', t('claim.payout')), h('dd', fmtMoney(cl.payout_minor, cl.currency)), h('dt', t('claim.reason')), h('dd', cl.decision_reason || '—')] : null
			),
			decided ? null : form
		);
	}
	await draw().catch((e) => clear(box, h('p.muted', e.message)));
	return box;
}
