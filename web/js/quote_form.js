// quote_form.js - the quote form shared by the Quotes page and a ticket's
// Quote panel: rate card, weight (kg), size (cm), destination, goods
// (major units), declared value, hazardous / special handling, terms and
// pickup.  It prices as the user types (debounced POST /quotes/preview,
// the newest answer wins) and on submit, and shows the answer: zone,
// billable and dimensional weight, transit dates in the user's zone, the
// lines in the UI language with money amounts, the total, who pays the
// freight and bears the risk.  Errors go next to their field; nothing the
// user typed is touched.  opts.onSave(body) adds a "Save" button.

import { api, get } from './api.js';
import { clearErrors, field, h, select, showError, submitting, toast } from './dom.js';
import { fmtMoney, fmtTime, t, te } from './i18n.js';
import { FIELD_ALIASES, kg, lineLabel, quoteRequest } from './quote_model.js';

/** The answer of a preview or stored quote as a panel. */
export function quoteResult(q) {
	const m = (n) => fmtMoney(n, q.currency);
	return h(
		'div.quote-result',
		h(
			'dl.kv',
			h('dt', t('quote.zone')),
			h('dd.q-zone', q.zone ?? '—'),
			h('dt', t('quote.billable')),
			h('dd.q-billable', t('quote.kg', { kg: kg(q.weight.billable_g) }), q.weight.dimensional_g ? h('span.muted', ' · ', t('quote.dimensional', { kg: kg(q.weight.dimensional_g) })) : null),
			h('dt', t('quote.transit')),
			h(
				'dd.q-transit',
				t('quote.transit_days', { min: q.transit.min_days, max: q.transit.max_days }),
				' · ',
				fmtTime(q.transit.earliest_at, 'date'),
				q.transit.latest_at !== q.transit.earliest_at ? [' – ', fmtTime(q.transit.latest_at, 'date')] : null
			),
			h('dt', t('quote.freight_payer')),
			h('dd.q-payer', te('quote.party', q.freight_payer)),
			h('dt', t('quote.risk')),
			h('dd.q-risk', te('quote.party', q.risk_in_transit))
		),
		h(
			'table.data.quote-lines',
			h('thead', h('tr', h('th', { scope: 'col' }, t('quote.line')), h('th.n', { scope: 'col' }, t('quote.amount')), h('th', { scope: 'col' }, t('quote.in_price')))),
			h(
				'tbody',
				q.lines.map((l) => h('tr', { dataset: { kind: l.kind, code: l.code } }, h('td', lineLabel(l)), h('td.n', m(l.amount)), h('td.q-in', l.in_price ? '✓' : '')))
			),
			h(
				'tfoot',
				h('tr', h('th', { scope: 'row' }, t('quote.total')), h('td.n.q-total', { dataset: { minor: q.total } }, m(q.total)), h('td')),
				h('tr', h('th', { scope: 'row' }, t('quote.delivered_price')), h('td.n.q-delivered', { dataset: { minor: q.delivered_price } }, m(q.delivered_price)), h('td'))
			)
		),
		q.basing
			? h('p.muted.q-basing', t('quote.basing', { phantom: m(q.basing.phantom_freight || 0), absorbed: m(q.basing.freight_absorption || 0) }))
			: null
	);
}

/**
 * The form, priced live.  cards: GET /rate-cards items; prefill: initial
 * values by control name; onSave(body) async, when given.
 */
export function quoteForm(cards, { prefill = {}, onSave } = {}) {
	const active = cards.filter((c) => c.active !== false);
	const card = select('card_id', active.map((c) => [c.id, `${c.name} (${c.carrier}, ${te('quote.mode', c.mode)})`]), prefill.card_id ?? active[0]?.id);
	const num = (name, attrs = {}) => h('input', { name, inputmode: 'decimal', autocomplete: 'off', value: prefill[name] ?? '', ...attrs });
	const box = (name) => h('input', { name, type: 'checkbox', checked: !!prefill[name] });
	const terms = select('terms', ['fob_origin', 'fob_destination'].map((x) => [x, te('quote.terms', x)]), prefill.terms || 'fob_origin');
	const out = h('div.quote-out', { 'aria-live': 'polite' });
	const form = h(
		'form.quote-form',
		{ novalidate: true },
		h('div.form-error', { role: 'alert' }),
		field(t('quote.card'), card),
		h('div.quote-grid', field(t('quote.weight_kg'), num('weight_kg')), field(t('quote.length_cm'), num('length_cm')), field(t('quote.width_cm'), num('width_cm')), field(t('quote.height_cm'), num('height_cm'))),
		h('div.quote-grid', field(t('quote.postcode'), h('input', { name: 'postcode', value: prefill.postcode ?? '', autocomplete: 'off' })), field(t('quote.region'), h('input', { name: 'region', value: prefill.region ?? '', autocomplete: 'off' }))),
		h('div.quote-grid', field(t('quote.unit_price'), num('unit_price')), field(t('quote.quantity'), num('quantity', { inputmode: 'numeric' })), field(t('quote.declared_value'), num('declared_value')), field(t('quote.terms'), terms)),
		h(
			'div.row',
			h('label', box('hazardous'), ' ', t('quote.hazardous')),
			h('label', box('special_handling'), ' ', t('quote.special_handling')),
			h('label', box('pickup'), ' ', t('quote.pickup'))
		),
		h('div.row', h('button', { type: 'submit', name: 'price' }, t('quote.price')), onSave ? h('button.secondary', { type: 'button', name: 'save' }, t('quote.save')) : null)
	);

	const values = () => {
		const v = {};
		for (const el of form.elements) if (el.name) v[el.name] = el.type === 'checkbox' ? el.checked : el.value;
		return v;
	};
	/** The body, or null after showing the form-side error. */
	function body() {
		const r = quoteRequest(values());
		if (r.error) {
			showError(form, { field: r.error.field, message: t('quote.err_number') });
			return null;
		}
		return r.body;
	}

	let seq = 0;
	let timer = null;
	async function price(quiet) {
		const my = ++seq;
		const b = body();
		if (!b) return;
		if (quiet && (!b.weight_g || !b.destination || !b.card_id)) return; /* still typing */
		try {
			const { data } = await api('POST', '/api/v1/quotes/preview', { body: b });
			if (my !== seq) return;
			clearErrors(form);
			out.replaceChildren(quoteResult(data));
		} catch (e) {
			if (my !== seq) return;
			if (quiet && document.activeElement && form.contains(document.activeElement)) {
				/* show it without moving the caret away from where the user types */
				const keep = document.activeElement;
				showError(form, e, FIELD_ALIASES);
				keep.focus();
			} else showError(form, e, FIELD_ALIASES);
			out.replaceChildren();
		}
	}
	const later = () => {
		clearTimeout(timer);
		timer = setTimeout(() => price(true), 350);
	};
	form.addEventListener('input', later);
	form.addEventListener('change', later);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		clearTimeout(timer);
		submitting(form, () => price(false));
	});
	if (onSave)
		form.querySelector('button[name=save]').addEventListener('click', () => {
			clearTimeout(timer);
			const b = body();
			if (!b) return;
			submitting(form, () => onSave(b), FIELD_ALIASES);
		});
	return { el: h('div.quote', form, out), form, price };
}

/**
 * A ticket's "Quote" panel (inquiries): the form with "Save to ticket"
 * (POST /api/v1/quotes with ticket_id and the ticket's customer) and the
 * ticket's stored quotes, newest first, with their total and time.
 */
export async function ticketQuotePanel(tk) {
	const [cards, list] = await Promise.all([
		get('/api/v1/rate-cards').then((r) => r.items, () => []),
		get(`/api/v1/tickets/${tk.id}/quotes`).then((r) => r.items, () => []),
	]);
	const listBox = h('div.quote-list');
	const drawList = (items) =>
		listBox.replaceChildren(
			items.length
				? h(
						'ul.plain.ticket-quotes',
						items.map((q) =>
							h(
								'li',
								{ dataset: { id: q.id } },
								h('strong.q-total', fmtMoney(q.total, q.currency)),
								' ',
								h('span.muted', `${q.carrier} · ${q.zone ?? '—'} · ${t('quote.kg', { kg: kg(q.weight.billable_g) })} · ${te('quote.terms', q.terms)} · `),
								h('time.muted', fmtTime(q.created_at ?? q.at, 'short'))
							)
						)
					)
				: h('p.muted', t('quote.none'))
		);
	drawList(list);
	const onSave = async (b) => {
		const body = { ...b, ticket_id: tk.id };
		if (tk.customer_id) body.customer_id = tk.customer_id;
		await api('POST', '/api/v1/quotes', { body });
		toast(t('quote.saved'));
		drawList(await get(`/api/v1/tickets/${tk.id}/quotes`).then((r) => r.items));
	};
	const active = cards.filter((c) => c.active !== false);
	return h(
		'section.panel.ticket-quote',
		{ 'aria-label': t('quote.panel') },
		h('h2', t('quote.panel')),
		active.length ? quoteForm(active, { onSave }).el : h('p.muted', t('quote.no_cards')),
		h('h3', t('quote.saved_list')),
		listBox
	);
}
