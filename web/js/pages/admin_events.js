// admin_events.js - the admin section "Event consumers": every durable
// consumer of the event stream with its cursor and lag, and the events
// parked dead after repeated failures, each with a retry button
// (GET /api/v1/events/consumers, GET /api/v1/events/dead,
// POST /api/v1/events/dead/:consumer/:seq/retry; events.manage).

import { api, get } from '../api.js';
import { clear, h, toast } from '../dom.js';
import { fmtTime, t } from '../i18n.js';

function table(cols, rows) {
	return h('table.data', h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', rows.map((r) => h('tr', r.map((c) => h('td', c))))));
}

function retryButton(body, d) {
	const b = h('button', { type: 'button', 'data-retry': `${d.consumer}/${d.seq}` }, t('events.retry'));
	b.addEventListener('click', async () => {
		b.disabled = true;
		try {
			await api('POST', `/api/v1/events/dead/${encodeURIComponent(d.consumer)}/${d.seq}/retry`);
			toast(t('events.retried'));
			await events(body);
		} catch (e) {
			b.disabled = false;
			toast(e.message, 'error');
		}
	});
	return b;
}

export async function events(body) {
	const [consumers, dead] = await Promise.all([get('/api/v1/events/consumers'), get('/api/v1/events/dead', { limit: 100 })]);
	clear(
		body,
		h('h1', t('admin.events')),
		table(
			[t('events.consumer'), t('events.cursor'), t('events.lag'), t('events.retrying'), t('events.dead')],
			consumers.items.map((c) => [c.name, String(c.cursor), String(c.lag), String(c.retrying), String(c.dead)]),
		),
		h('h2', t('events.dead_title')),
		dead.items.length
			? table(
				[t('events.consumer'), t('events.seq'), t('events.type'), t('events.attempts'), t('events.error'), t('admin.when'), ''],
				dead.items.map((d) => [d.consumer, String(d.seq), d.type || '', String(d.attempts), d.last_error, fmtTime(d.updated_at, 'short'), retryButton(body, d)]),
			)
			: h('p.empty.events-none', t('events.none_dead')),
	);
}
