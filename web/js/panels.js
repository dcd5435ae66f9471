// panels.js - side panels shared by the ticket and customer pages: the
// customer (tier, stage, tags, preferences, timeline, recent tickets) and
// an order with its lines and each shipment's tracking history.

import { get } from './api.js';
import { h } from './dom.js';
import { fmtMoney, fmtTime, lang, t, te } from './i18n.js';

/**
 * The label of a tracking status.  customer: the wording for customers
 * (portal, public tracking page), where the carrier's "tracking expired"
 * means only that the tracking has not been updated lately.
 */
export function statusLabel(x, { customer = false } = {}) {
	if (customer && x.status === 'expired') return t('track.customer.expired');
	if (x.status_label) return lang() === 'en' ? x.status_label.en : x.status_label.zh;
	return te('track', x.status);
}

export function timelineList(items) {
	const href = (i) =>
		i.kind === 'ticket' || i.kind === 'follow_up' ? `#/tickets/${i.ref_id}` : null;
	return h(
		'ol.timeline',
		items.map((i) =>
			h('li', h('time.muted', fmtTime(i.at, 'date')), ' ', h('span.tag', te('kind', i.kind)), ' ', href(i) ? h('a', { href: href(i) }, i.summary) : i.summary)
		)
	);
}

export async function customerPanel(cid, currentTicket) {
	// The customer's tickets come from the timeline: GET /tickets?customer_id=
	// has no index behind it yet and takes seconds on a large database.
	const [c, tl] = await Promise.all([
		get(`/api/v1/customers/${cid}`).catch(() => null),
		get(`/api/v1/customers/${cid}/timeline`, { limit: 30 }).catch(() => ({ items: [] })),
	]);
	const tks = tl.items.filter((i) => i.kind === 'ticket').slice(0, 8);
	if (!c) return h('section.panel', h('h2', t('customer.title')), h('p.muted', t('customer.none')));
	const prefs = Object.entries(c.preferences || {});
	return h(
		'section.panel.customer',
		{ 'aria-label': t('customer.title') },
		h('h2', h('a', { href: `#/customers/${c.id}` }, c.name)),
		h('div.badges', h(`span.tier.tier-${c.tier}`, t('customer.tier', { tier: c.tier })), h('span.badge', te('stage', c.stage)), (c.tags || []).map((x) => h('span.tag', x))),
		c.masked ? h('p.muted', t('customer.masked')) : null,
		h('dl.kv', (c.identities || []).map((i) => [h('dt', te('identity', i.kind)), h('dd', i.value)])),
		prefs.length ? [h('h3', t('customer.preferences')), h('dl.kv', prefs.map(([k, v]) => [h('dt', k), h('dd', v)]))] : null,
		h('h3', t('customer.tickets')),
		h(
			'ul.mini-tickets',
			tks.map((x) =>
				h(
					'li',
					{ class: x.ref_id === currentTicket ? 'current' : null },
					h('a', { href: `#/tickets/${x.ref_id}` }, '#' + String(x.ref_id).padStart(6, '0')),
					' ',
					h('time.muted', fmtTime(x.at, 'date')),
					' ',
					x.summary
				)
			)
		),
		h('h3', t('customer.timeline')),
		timelineList(tl.items.slice(0, 10))
	);
}

export function trackingHistory(events, opts = {}) {
	return h(
		'ol.tracking',
		[...events]
			.sort((a, b) => b.at - a.at)
			.map((e) => h('li', h('time', fmtTime(e.at)), h('strong', statusLabel(e, opts)), e.location ? h('span.muted', e.location) : null, e.description ? h('span', e.description) : null))
	);
}

export async function orderPanel(oid, shipmentId) {
	const o = await get(`/api/v1/orders/${oid}`).catch(() => null);
	if (!o) return null;
	const ids = new Set((o.shipments || []).map((s) => s.id));
	if (shipmentId) ids.add(shipmentId);
	const ships = await Promise.all([...ids].map((s) => get(`/api/v1/shipments/${s}`).catch(() => null)));
	return h(
		'section.panel.order',
		h('h2', t('order.title', { number: o.number })),
		h('p.muted', te('order_status', o.status), ' · ', fmtTime(o.placed_at), ' · ', fmtMoney(o.total_minor, o.currency)),
		h(
			'table.lines',
			h('thead', h('tr', ['order.sku', 'order.item', 'order.qty', 'order.delivered', 'order.price'].map((k) => h('th', { scope: 'col' }, t(k))))),
			h(
				'tbody',
				o.lines.map((l) => h('tr', h('td', l.sku), h('td', l.name), h('td.n', l.quantity), h('td.n', l.quantity_delivered), h('td.n', fmtMoney(l.unit_price_minor, o.currency))))
			)
		),
		ships.filter(Boolean).map((s) =>
			h(
				'div.shipment',
				h('h3', s.carrier, ' ', h('a', { href: `/track/${encodeURIComponent(s.tracking_number)}`, target: '_blank', rel: 'noopener' }, s.tracking_number), ' · ', statusLabel(s)),
				h('p.muted', s.origin, ' → ', s.destination, s.eta_at ? ' · ' + t('track.eta', { at: fmtTime(s.eta_at) }) : ''),
				trackingHistory(s.events || [])
			)
		)
	);
}
