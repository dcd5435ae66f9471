// lists.js - plain lists of customers (#/customers?…) and orders
// (#/orders?…), where a report's drill-down lands: every query parameter
// of the hash is sent to GET /api/v1/customers or /orders as it is, the
// filters show above the table, and "show more" follows next_cursor.

import { get } from '../api.js';
import { clear, h } from '../dom.js';
import { fmtMoney, fmtTime, t, te } from '../i18n.js';
import { textCell } from '../report_model.js';

/** A filter as people read it: its name from lists.f.*, a time (UTC seconds) as a date, a report code translated. */
export function chipText(k, v) {
	const key = `lists.f.${k}`;
	const name = t(key) === key ? k : t(key);
	const value = /_(from|to)$/.test(k) && /^\d+$/.test(v) ? fmtTime(Number(v)) : textCell(v, k);
	return `${name}: ${value}`;
}

function filterChips(params) {
	const entries = Object.entries(params).filter(([, v]) => v !== '');
	return entries.length ? h('div.badges.list-filters', h('span.muted', t('lists.filters')), entries.map(([k, v]) => h('span.tag', chipText(k, v)))) : null;
}

/** A paged table: cols [[label, cell(item)]], rows from url with query. */
async function pagedList(main, title, url, query, cols) {
	const body = h('tbody');
	const status = h('div.muted.list-status', { role: 'status' });
	const more = h('button', { type: 'button', hidden: true }, t('inbox.more'));
	let cursor = null;
	let n = 0;
	const load = async () => {
		status.textContent = t('loading');
		try {
			const page = await get(url, { ...query, limit: 50, cursor });
			for (const x of page.items) body.append(h('tr', cols.map(([, cell]) => h('td', cell(x)))));
			n += page.items.length;
			cursor = page.next_cursor;
			more.hidden = !cursor;
			status.textContent = n ? t('inbox.showing', { n }) : t('inbox.empty');
		} catch (e) {
			status.textContent = e.message;
		}
	};
	more.addEventListener('click', load);
	clear(main, h('div.page.record-list', h('h1', title), filterChips(query), h('table.data', h('thead', h('tr', cols.map(([label]) => h('th', { scope: 'col' }, label)))), body), h('div.list-foot', status, more)));
	await load();
}

export function customers(main, params) {
	return pagedList(main, t('lists.customers'), '/api/v1/customers', params, [
		[t('cedit.name'), (c) => h('a', { href: `#/customers/${c.id}` }, c.name)],
		[t('admin.tier'), (c) => t('customer.tier', { tier: c.tier })],
		[t('cedit.stage'), (c) => te('stage', c.stage)],
		[t('customer.since'), (c) => fmtTime(c.created_at, 'date')],
	]);
}

export function orders(main, params) {
	return pagedList(main, t('lists.orders'), '/api/v1/orders', params, [
		[t('newticket.order'), (o) => o.number],
		[t('lists.status'), (o) => te('order_status', o.status)],
		[t('lists.total'), (o) => fmtMoney(o.total_minor, o.currency)],
		[t('lists.placed'), (o) => fmtTime(o.placed_at, 'short')],
		[t('newticket.customer'), (o) => (o.customer_id ? h('a', { href: `#/customers/${o.customer_id}` }, `#${o.customer_id}`) : '—')],
	]);
}
