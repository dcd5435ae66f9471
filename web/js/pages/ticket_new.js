// ticket_new.js - a new ticket from the workspace (key 'c' anywhere, or
// "New ticket" in the inbox or on a customer page): type, priority,
// channel, category, subject, the first message, a customer picked by
// search (GET /customers?q=, name prefix or exact phone/e-mail) and one of
// that customer's orders.  POST /tickets with one Idempotency-Key per body,
// so a double submit opens one ticket; the API's errors land next to the
// field they name and nothing typed is lost.

import { api, get } from '../api.js';
import { clear, field, h, select, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { navigate } from '../router.js';
import { can, categories, categoryName } from '../session.js';
import { keyedBodies } from '../portal_model.js';

const ORDER_FETCH = 200; /* a customer's orders read for the picker */
const ORDER_PICK = 30; /* shown, newest first */

const TYPES = ['inquiry', 'complaint', 'return', 'claim', 'suggestion', 'follow_up', 'care'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const CHANNELS = ['phone', 'email', 'chat', 'social', 'web_form', 'portal', 'api'];
const SEARCH_DELAY_MS = 250;

/**
 * The POST /tickets body of the form's values: text trimmed, empty values
 * left out, ids as numbers (a value that is not a number is sent as typed
 * so the API's error names its field).
 */
export function newTicketBody(v) {
	const out = {};
	for (const k of ['type', 'priority', 'channel', 'subject', 'body']) {
		const s = (v[k] ?? '').trim();
		if (s) out[k] = s;
	}
	for (const k of ['category_id', 'customer_id', 'order_id']) {
		const s = String(v[k] ?? '').trim();
		if (s) out[k] = /^\d+$/.test(s) ? Number(s) : s;
	}
	return out;
}

/** Errors on the hidden customer id show under the search box. */
const ALIASES = { customer_id: 'customer_q' };

export async function render(main, params) {
	const cats = await categories().catch(() => []);
	const keyFor = keyedBodies();
	const custId = h('input', { type: 'hidden', name: 'customer_id' });
	const orderSlot = h('div.order-slot');
	const picker = customerPicker(custId, (c) => drawOrders(c));
	const form = h(
		'form.panel.new-ticket',
		{ novalidate: true },
		h('h1', t('newticket.title')),
		h(
			'div.row',
			field(t('filter.type'), select('type', TYPES.map((x) => [x, te('type', x)]), params.type || 'inquiry')),
			field(t('filter.priority'), select('priority', PRIORITIES.map((x) => [x, te('priority', x)]), 'normal')),
			field(t('newticket.channel'), select('channel', CHANNELS.map((x) => [x, te('channel', x)]), 'phone')),
			field(t('prop.category'), select('category_id', [['', '—'], ...cats.map((c) => [c.id, '\u00a0'.repeat(c.depth * 2) + categoryName(c)])], ''))
		),
		field(t('newticket.subject'), h('input', { name: 'subject', maxlength: 500, 'aria-required': 'true', autocomplete: 'off' })),
		field(t('newticket.body'), h('textarea', { name: 'body', rows: 6 }), t('newticket.body_hint')),
		picker.el,
		custId,
		orderSlot,
		h('div.row', h('button.primary', { type: 'submit' }, t('newticket.create')), h('a', { href: '#/inbox' }, t('action.cancel')))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(
			form,
			async () => {
				const b = newTicketBody(Object.fromEntries(new FormData(form)));
				const { data } = await api('POST', '/api/v1/tickets', { body: b, headers: { 'Idempotency-Key': keyFor(b) } });
				toast(t('newticket.created', { number: data.number }));
				navigate(`#/tickets/${data.id}`);
			},
			ALIASES
		);
	});
	clear(main, h('div.page', form));
	if (params.customer) {
		const c = await get(`/api/v1/customers/${Number(params.customer)}`).catch(() => null);
		if (c) picker.choose(c);
	}
	form.elements.subject.focus();

	async function drawOrders(c) {
		if (!c) return clear(orderSlot);
		let items = [];
		if (can('order.read')) items = newestOrders((await get('/api/v1/orders', { customer_id: c.id, limit: ORDER_FETCH }).catch(() => ({ items: [] }))).items);
		const ctl = items.length
			? select('order_id', [['', '—'], ...items.map((o) => [o.id, `${o.number} · ${te('order_status', o.status)} · ${fmtTime(o.placed_at, 'date')}`])], '')
			: h('input', { name: 'order_id', inputmode: 'numeric', placeholder: t('newticket.order_id_hint') });
		clear(orderSlot, field(t('newticket.order'), ctl));
	}
}

/** A customer's orders for the picker: newest first by order date, at most ORDER_PICK (the API pages by id). */
export function newestOrders(items) {
	return [...(items || [])].sort((a, b) => (b.placed_at || 0) - (a.placed_at || 0) || b.id - a.id).slice(0, ORDER_PICK);
}

/**
 * A search box that lists customers as the user types and fills hidden
 * (the customer_id input) with the chosen one; onPick(customer | null).
 * Without customer.read it is a plain id input.
 */
function customerPicker(hidden, onPick) {
	if (!can('customer.read')) {
		const input = h('input', { name: 'customer_q', inputmode: 'numeric', placeholder: t('newticket.customer_id_hint') });
		input.addEventListener('input', () => (hidden.value = input.value.trim()));
		return { el: field(t('newticket.customer'), input), choose: () => {} };
	}
	const input = h('input', { name: 'customer_q', type: 'search', autocomplete: 'off', placeholder: t('newticket.customer_search'), 'aria-controls': 'customer-results' });
	const results = h('ul.picker-results#customer-results', { role: 'listbox', 'aria-label': t('newticket.customer_results') });
	const chosen = h('div.picker-chosen', { hidden: true });
	let timer = null;
	let seq = 0;
	const choose = (c) => {
		hidden.value = c ? String(c.id) : '';
		clear(results);
		chosen.hidden = !c;
		input.hidden = !!c;
		if (c)
			clear(
				chosen,
				h('span.chosen-name', c.name),
				' ',
				h(`span.tier.tier-${c.tier}`, t('customer.tier', { tier: c.tier })),
				' ',
				h('span.muted', `#${c.id}`),
				' ',
				h('button.link', { type: 'button', on: { click: () => (choose(null), input.focus()) } }, t('newticket.change_customer'))
			);
		onPick(c);
	};
	const search = async () => {
		const q = input.value.trim();
		const my = ++seq;
		if (!q) return clear(results);
		const page = await get('/api/v1/customers', { q, limit: 8 }).catch(() => ({ items: [] }));
		if (my !== seq) return;
		clear(
			results,
			page.items.length
				? page.items.map((c) => h('li', h('button.link.pick', { type: 'button', role: 'option', on: { click: () => choose(c) } }, c.name, ' ', h('span.muted', `#${c.id} · ${t('customer.tier', { tier: c.tier })}`))))
				: h('li.muted', t('newticket.no_customer'))
		);
	};
	input.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(search, SEARCH_DELAY_MS);
	});
	input.addEventListener('keydown', (e) => {
		if (e.key === 'Enter') {
			e.preventDefault();
			clearTimeout(timer);
			search();
		}
	});
	return { el: h('div.picker', field(t('newticket.customer'), input, t('newticket.customer_hint')), chosen, results), choose };
}
