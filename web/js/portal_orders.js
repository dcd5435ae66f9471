// portal_orders.js - the portal's order pages: my orders (keyset pages of
// GET /portal/orders), one order with its lines, each parcel's history
// (the public GET /track/:number) and a return request for a delivered
// line (POST /portal/returns).  A refused return says why next to the
// field or at the top of the form; what was typed stays.

import { api, get } from './api.js';
import { clear, field, h, select, showError, submitting, toast } from './dom.js';
import { fmtMoney, fmtTime, lang, t, te } from './i18n.js';
import { statusLabel, trackingHistory } from './panels.js';
import { lastDelivery, newestFirst, returnableLines, returnBody, returnError, returnWindow } from './portal_model.js';

const PAGE = 20;
const FETCH = 100; /* orders per API call */
const MAX_PAGES = 20;

function orderItem(o) {
	return h(
		'li',
		h(
			'a.tile',
			{ href: `#/orders/${o.id}` },
			h('strong', t('order.title', { number: o.number })),
			h('span.muted', fmtTime(o.placed_at, 'date'), ' · ', te('order_status', o.status), ' · ', fmtMoney(o.total_minor, o.currency))
		)
	);
}

/** All of the customer's orders (the API pages by id), at most MAX_PAGES pages. */
async function allOrders() {
	const out = [];
	let cursor = null;
	for (let i = 0; i < MAX_PAGES; i++) {
		const page = await get('/api/v1/portal/orders', { limit: FETCH, cursor });
		out.push(...page.items);
		cursor = page.next_cursor;
		if (!cursor) break;
	}
	return out;
}

/** #/orders: newest first by order date, PAGE at a time with a "more" button. */
export async function renderOrders(el) {
	const list = h('ul.portal-list');
	const more = h('button', { type: 'button' }, t('portal.more'));
	clear(el, h('h2', { tabindex: -1 }, t('portal.nav.orders')), h('p.muted', t('loading')));
	const orders = newestFirst(await allOrders());
	let shown = 0;
	function showMore() {
		list.append(...orders.slice(shown, shown + PAGE).map(orderItem));
		shown = Math.min(orders.length, shown + PAGE);
		more.hidden = shown >= orders.length;
	}
	more.addEventListener('click', showMore);
	showMore();
	clear(el, h('h2', { tabindex: -1 }, t('portal.nav.orders')), orders.length ? list : h('p.empty', t('portal.orders.none')), more);
}

async function trackingOf(s) {
	try {
		return await get(`/api/v1/track/${encodeURIComponent(s.tracking_number)}`);
	} catch {
		return null;
	}
}

function shipmentBox(s, tr) {
	const x = tr || s;
	return h(
		'section.card.shipment',
		{ 'aria-label': t('portal.parcel', { number: s.tracking_number }) },
		h('h3', s.carrier, ' · ', h('a', { href: `/track/${encodeURIComponent(s.tracking_number)}` }, s.tracking_number)),
		h('div.track-status', statusLabel(x, { customer: true })),
		x.delivered_at ? h('p', t('track.delivered_at', { at: fmtTime(x.delivered_at) })) : x.eta_at ? h('p', t('track.eta', { at: fmtTime(x.eta_at) })) : null,
		tr && tr.events && tr.events.length ? trackingHistory(tr.events, { customer: true }) : h('p.muted', t('portal.no_history'))
	);
}

function linesList(o) {
	return h(
		'ul.portal-lines',
		o.lines.map((l) =>
			h(
				'li',
				h('strong', l.name), ' ', h('span.muted', l.sku),
				h('div.muted', t('portal.line.counts', { ordered: l.quantity, shipped: l.quantity_shipped, delivered: l.quantity_delivered }), ' · ', fmtMoney(l.unit_price_minor, o.currency))
			)
		)
	);
}

/** The return request form for the delivered lines of o; on success the new return ticket opens. */
export function returnForm(o) {
	const lines = returnableLines(o);
	if (!lines.length) return h('p.muted', t('portal.return.nothing'));
	const w = returnWindow(o);
	if (!w.open) return h('p.muted.return-closed', t(w.key, w.vars.at ? { at: fmtTime(w.vars.at, 'date') } : w.vars));
	const lineSel = select('order_line_id', lines.map((l) => [l.id, `${l.name} (${l.sku})`]), lines[0].id);
	const qty = h('input', { name: 'quantity', type: 'number', inputmode: 'numeric', min: 1, max: lines[0].max, value: 1, required: true });
	lineSel.addEventListener('change', () => (qty.max = lines.find((l) => String(l.id) === lineSel.value).max));
	const reason = h('textarea', { name: 'reason', rows: 3, required: true, maxlength: 2000 });
	const action = select('action', ['refund', 'exchange', 'repair'].map((x) => [x, te('raction', x)]), 'refund');
	const form = h(
		'form.card.portal-return',
		{ novalidate: true },
		h('h2', t('portal.return.title')),
		field(t('portal.return.line'), lineSel),
		field(t('return.qty'), qty, t('portal.return.qty_hint')),
		field(t('return.reason'), reason),
		field(t('return.action'), action),
		h('button.primary', { type: 'submit' }, t('return.request'))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const body = returnBody(o.id, { order_line_id: lineSel.value, quantity: qty.value, reason: reason.value, action: action.value }, lang());
			try {
				const { data } = await api('POST', '/api/v1/portal/returns', { body, quiet401: true });
				toast(t('return.requested'));
				location.hash = `#/tickets/${data.id}`;
			} catch (err) {
				const mine = returnError(err);
				if (!mine) throw err;
				const vars = mine.vars.at ? { at: fmtTime(mine.vars.at) } : mine.vars;
				showError(form, { message: t(mine.key, vars), field: mine.field });
			}
		}, { lines: 'order_line_id', order_line_id: 'order_line_id' });
	});
	return form;
}

/** #/orders/:id: the order, its parcels with their histories, a return request. */
export async function renderOrder(el, { id }) {
	clear(el, h('p.muted', t('loading')));
	const o = await get(`/api/v1/portal/orders/${encodeURIComponent(id)}`);
	const tracks = await Promise.all((o.shipments || []).map(trackingOf));
	const delivered = lastDelivery(o);
	clear(
		el,
		h('p', h('a', { href: '#/orders' }, t('portal.back_orders'))),
		h(
			'section.card.portal-order',
			h('h2', { tabindex: -1 }, t('order.title', { number: o.number })),
			h('p.muted', te('order_status', o.status), ' · ', fmtTime(o.placed_at), ' · ', fmtMoney(o.total_minor, o.currency)),
			delivered ? h('p', t('track.delivered_at', { at: fmtTime(delivered) })) : null,
			linesList(o)
		),
		h('h2', t('portal.parcels')),
		(o.shipments || []).length ? o.shipments.map((s, i) => shipmentBox(s, tracks[i])) : h('p.muted', t('portal.no_parcels')),
		returnForm(o),
		h('p', h('a', { href: `#/tickets/new?order=${o.id}` }, t('portal.ask_about_order')))
	);
}
