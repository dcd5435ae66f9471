// search.js - global search over tickets, messages, customers and orders.

import { get } from '../api.js';
import { clear, h } from '../dom.js';
import { t, te } from '../i18n.js';

/** Where a search hit opens. */
export function hitHref(x) {
	if (x.kind === 'ticket') return `#/tickets/${x.ref_id}`;
	if (x.kind === 'message') return `#/tickets/${x.parent_id}`;
	if (x.kind === 'customer') return `#/customers/${x.ref_id}`;
	return null;
}

export async function render(main, params) {
	const q = params.q || '';
	const box = h('input', { type: 'search', name: 'q', value: q, 'aria-label': t('search.label') });
	const list = h('ul.hits');
	const status = h('p.muted', { role: 'status' });
	const form = h('form.search-page', { role: 'search' }, box, h('button.primary', { type: 'submit' }, t('search.submit')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		location.hash = '#/search?q=' + encodeURIComponent(box.value.trim());
	});
	clear(main, h('div.page', h('h1', t('search.title')), form, status, list));
	if (!q) return;
	status.textContent = t('loading');
	try {
		const page = await get('/api/v1/search', { q, limit: 50 });
		status.textContent = page.items.length ? t('search.count', { n: page.items.length }) : t('search.none');
		clear(
			list,
			page.items.map((x) => {
				const href = hitHref(x);
				return h('li', h('span.tag', te('kind', x.kind)), ' ', href ? h('a', { href }, x.title) : x.title);
			})
		);
		list.querySelector('a')?.focus();
	} catch (e) {
		status.textContent = e.message;
	}
}
