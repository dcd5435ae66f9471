// customer.js - one customer: profile, identities, addresses, consents,
// tags, preferences, timeline, orders and tickets.  Personal data comes
// masked from the API for roles without pii.read (said on the page);
// export and erase are offered to roles with customer.privacy; "Edit"
// (customer.write) opens customer_edit.js, "New ticket" the ticket form
// with this customer chosen.

import { api, get } from '../api.js';
import { clear, h, toast } from '../dom.js';
import { fmtMoney, fmtTime, t, te } from '../i18n.js';
import { can } from '../session.js';
import { timelineList } from '../panels.js';

export async function render(main, params) {
	const id = Number(params.id);
	let c;
	try {
		c = (await api('GET', `/api/v1/customers/${id}`)).data;
	} catch (e) {
		clear(main, h('div.empty', { role: 'alert' }, e.message));
		return;
	}
	const [tl, tks, orders] = await Promise.all([
		get(`/api/v1/customers/${id}/timeline`, { limit: 30 }).catch(() => ({ items: [] })),
		get('/api/v1/tickets', { customer_id: id, limit: 20 }).catch(() => ({ items: [] })),
		can('order.read') ? get('/api/v1/orders', { customer_id: id, limit: 20 }).catch(() => ({ items: [] })) : { items: [] },
	]);
	const title = h('h1');
	const drawTitle = () => clear(title, c.name, ' ', h(`span.tier.tier-${c.tier}`, t('customer.tier', { tier: c.tier })), ' ', h('span.badge', te('stage', c.stage)));
	drawTitle();
	const editSlot = h('div.edit-slot');
	const editBtn =
		can('customer.write') && !c.erased_at
			? h(
					'button.edit-customer',
					{
						type: 'button',
						'aria-expanded': 'false',
						on: {
							click: async () => {
								if (editSlot.firstChild) {
									clear(editSlot);
									editBtn.setAttribute('aria-expanded', 'false');
									return;
								}
								const { editPanel } = await import('./customer_edit.js');
								const r = await api('GET', `/api/v1/customers/${id}`);
								clear(
									editSlot,
									editPanel(r.data, r.etag, (fresh) => {
										c = fresh;
										drawTitle();
									})
								);
								editBtn.setAttribute('aria-expanded', 'true');
								editSlot.querySelector('input[name=name]')?.focus();
							},
						},
					},
					t('cedit.button')
				)
			: null;
	const newTicket = can('ticket.write') && !c.erased_at ? h('a.button', { href: `#/tickets/new?customer=${id}` }, t('newticket.button')) : null;
	const kv = (rows) => h('dl.kv', rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', k), h('dd', v)]));
	clear(
		main,
		h(
			'div.page.customer-page',
			title,
			h('div.row.customer-actions', editBtn, newTicket),
			editSlot,
			c.erased_at ? h('p.form-error', t('customer.erased', { at: fmtTime(c.erased_at) })) : null,
			c.masked ? h('p.notice.muted', { role: 'note' }, t('customer.masked')) : null,
			h(
				'div.grid',
				h(
					'section.panel',
					h('h2', t('customer.profile')),
					kv([
						[t('customer.kind'), te('ckindp', c.kind)],
						[t('customer.external_id'), c.external_id],
						[t('customer.birthday'), c.birthday],
						[t('customer.locale'), c.locale],
						[t('customer.since'), fmtTime(c.created_at, 'date')],
						[t('customer.note'), c.note],
					]),
					h('h3', t('customer.identities')),
					kv((c.identities || []).map((i) => [te('identity', i.kind), i.value])),
					h('h3', t('customer.addresses')),
					h('ul.plain', (c.addresses || []).map((a) => h('li', [a.recipient, a.phone, a.province, a.city, a.district, a.line].filter(Boolean).join(' ')))),
					h('h3', t('customer.tags')),
					h('div.badges', (c.tags || []).map((x) => h('span.tag', x))),
					h('h3', t('customer.preferences')),
					kv(Object.entries(c.preferences || {})),
					h('h3', t('customer.consents')),
					kv(Object.values(c.consents || {}).map((x) => [x.purpose, `${x.granted ? t('customer.granted') : t('customer.withdrawn')} · ${fmtTime(x.at, 'date')}`])),
					privacyActions(c)
				),
				h(
					'section.panel',
					h('h2', t('customer.tickets')),
					h('ul.mini-tickets', tks.items.map((x) => h('li', h('a', { href: `#/tickets/${x.id}` }, x.number), ' ', h('span.tag', te('type', x.type)), ' ', h(`span.badge.st-${x.state}`, te('state', x.state)), ' ', x.subject))),
					h('h2', t('customer.orders')),
					h('ul.mini-tickets', orders.items.map((o) => h('li', o.number, ' · ', te('order_status', o.status), ' · ', fmtMoney(o.total_minor, o.currency), ' · ', fmtTime(o.placed_at, 'date'))))
				),
				h('section.panel', h('h2', t('customer.timeline')), timelineList(tl.items))
			)
		)
	);
}

function privacyActions(c) {
	if (!can('customer.privacy') || c.erased_at) return null;
	const exportBtn = h('button', { type: 'button', on: { click: () => doExport(c) } }, t('customer.export'));
	const eraseBtn = h('button.danger', { type: 'button', on: { click: () => doErase(c) } }, t('customer.erase'));
	return h('div.row', exportBtn, eraseBtn);
}

async function doExport(c) {
	try {
		const { data } = await api('GET', `/api/v1/customers/${c.id}/export`);
		const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
		const a = h('a', { href: url, download: `customer-${c.id}.json` });
		document.body.append(a);
		a.click();
		a.remove();
		setTimeout(() => URL.revokeObjectURL(url), 1000);
	} catch (e) {
		toast(e.message, 'error');
	}
}

async function doErase(c) {
	if (!confirm(t('customer.erase_confirm', { name: c.name }))) return;
	try {
		await api('POST', `/api/v1/customers/${c.id}/erase`);
		toast(t('customer.erased_now'));
		window.dispatchEvent(new HashChangeEvent('hashchange'));
	} catch (e) {
		toast(e.message, 'error');
	}
}
