// notify.js - the shell's notification bell: unread count (polled once a
// minute) and a list that opens the ticket and marks the notice read.

import { api, get } from './api.js';
import { clear, h } from './dom.js';
import { fmtTime, t } from './i18n.js';

const POLL_MS = 60_000;
let timer = null;

/** Unread notifications among items. */
export function unread(items) {
	return items.filter((n) => !n.read_at);
}

export function bell() {
	const count = h('span.count');
	const btn = h('button.bell', { type: 'button', 'aria-haspopup': 'dialog', on: { click: () => open(btn, count) } }, t('notify.title'), ' ', count);
	const refresh = async () => {
		const page = await get('/api/v1/notifications', { limit: 100 }).catch(() => ({ items: [] }));
		const n = unread(page.items).length;
		count.textContent = n ? String(n) : '';
		btn.setAttribute('aria-label', t('notify.unread', { n }));
		return page;
	};
	clearInterval(timer);
	timer = setInterval(refresh, POLL_MS);
	refresh();
	btn.refresh = refresh;
	return btn;
}

async function open(btn, count) {
	document.getElementById('notify')?.remove();
	const page = await btn.refresh();
	const close = () => dlg.remove();
	const item = (n) =>
		h(
			'li',
			{ class: n.read_at ? null : 'unread' },
			h('span.tag', t(`notify.${n.kind}`)),
			' ',
			h(
				'a',
				{
					href: `#/tickets/${n.ticket_id}`,
					on: {
						click: async () => {
							close();
							if (!n.read_at) await api('POST', `/api/v1/notifications/${n.id}/read`).catch(() => null);
							btn.refresh();
						},
					},
				},
				n.subject || `#${n.ticket_id}`
			),
			' ',
			h('time.muted', fmtTime(n.at, 'short'))
		);
	const dlg = h(
		'dialog#notify',
		{ 'aria-labelledby': 'notify-title', on: { close } },
		h('h2#notify-title', t('notify.title')),
		page.items.length ? h('ul.mini-tickets', page.items.slice(0, 30).map(item)) : h('p.muted', t('notify.none')),
		h('button', { type: 'button', on: { click: close } }, t('action.close'))
	);
	document.body.append(dlg);
	dlg.showModal();
	clear(count, count.textContent);
}
