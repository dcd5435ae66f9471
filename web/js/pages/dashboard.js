// dashboard.js - the manager's view: backlog by state, team and agent,
// today's volume by type and channel, follow-ups due, and the SLA
// warnings, breaches and escalations sent to the manager.
//
// Counts come from /tickets/counts (kept by the writes); today's volume and
// the per-agent backlog are read from at most MAX_PAGES pages of the
// ticket list and say so when cut.  SLA and sunset compliance come from
// the "staff" report (GET /api/v1/reports/staff, the rate columns whose
// keys name sla and sunset) for the last 7 days, by its default dimension,
// when the server has that report; the panel says so when it does not.

import { get } from '../api.js';
import { clear, h } from '../dom.js';
import { fmtNumber, fmtTime, t, te } from '../i18n.js';
import { barChart } from '../chart.js';
import { can, session, teams, users } from '../session.js';
import { colLabel, fmtCell, labelColumn, presetRange, showCell, totalRow } from '../report_model.js';
import { ACTIVE, activeCount } from './inbox.js';

const MAX_PAGES = 5;

/** Tickets from the list while keep(ticket) holds, up to MAX_PAGES pages: {items, cut}. */
async function collect(query, keep) {
	let cursor = null;
	const items = [];
	for (let i = 0; i < MAX_PAGES; i++) {
		const page = await get('/api/v1/tickets', { ...query, limit: 200, cursor });
		for (const x of page.items) {
			if (!keep(x)) return { items, cut: false };
			items.push(x);
		}
		if (!page.next_cursor) return { items, cut: false };
		cursor = page.next_cursor;
	}
	return { items, cut: true };
}

/**
 * The staff report's compliance figures: the rate columns whose keys name
 * sla and sunset, the column naming a row, and the total row (group
 * "total"), each an index or -1.
 */
export function compliance(report) {
	const cols = report.columns;
	const find = (re) => cols.findIndex((c) => c.type === 'rate' && re.test(c.key));
	return {
		sla: find(/sla/),
		sunset: find(/sunset/),
		label: labelColumn(cols),
		total: totalRow(cols, report.rows),
	};
}

/** SLA and sunset compliance from the staff report, or why it is missing. */
async function staffPanel(box, kpiBox) {
	const none = (msg) => clear(box, h('h2', t('dash.compliance')), h('p.muted', msg));
	if (!can('report.read')) return none(t('dash.no_report_perm'));
	try {
		const list = await get('/api/v1/reports');
		if (!list.items.some((r) => r.name === 'staff')) return none(t('dash.no_staff_report'));
		const zone = session.user?.time_zone || undefined;
		const r = await get('/api/v1/reports/staff', { ...presetRange('7d', Date.now(), zone), tz: zone });
		const c = compliance(r);
		const figs = [c.sla, c.sunset].filter((i) => i >= 0);
		if (!figs.length) return none(t('dash.no_staff_columns'));
		if (c.total >= 0)
			for (const i of figs) kpiBox.append(h('div.kpi.compliance-kpi', { dataset: { key: r.columns[i].key } }, h('span.muted', colLabel(r.columns[i])), h('b', fmtCell(r.rows[c.total][i], 'rate'))));
		const rows = r.rows.filter((_, k) => k !== c.total);
		clear(
			box,
			h('h2', t('dash.compliance')),
			h('p.hint', t('dash.compliance_hint')),
			rows.length
				? h(
						'table.data.compliance',
						h('thead', h('tr', [c.label, ...figs].map((i) => h('th', { scope: 'col' }, colLabel(r.columns[i]))))),
						h('tbody', rows.map((row) => h('tr', [c.label, ...figs].map((i, k) => h(k ? 'td.num' : 'td', showCell(row[i], r.columns[i]))))))
					)
				: h('p.muted', t('reports.empty')),
			h('a', { href: '#/reports/staff?preset=7d' }, t('dash.open_staff'))
		);
	} catch (e) {
		none(e.message);
	}
}

/** [[key, n]] counts of items by fn(item), largest first. */
export function tally(items, fn) {
	const m = new Map();
	for (const x of items) m.set(fn(x), (m.get(fn(x)) || 0) + 1);
	return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

export async function render(main) {
	const midnight = new Date();
	midnight.setHours(0, 0, 0, 0);
	const since = midnight.getTime() / 1000;
	const [counts, tms, names, today, active, notes, followups] = await Promise.all([
		get('/api/v1/tickets/counts'),
		teams().catch(() => []),
		users().catch(() => new Map()),
		collect({ sort: 'created_at' }, (x) => x.created_at >= since),
		collect({ state: ACTIVE }, () => true),
		get('/api/v1/notifications', { limit: 100 }).catch(() => ({ items: [] })),
		get('/api/v1/tickets', { type: 'follow_up', state: ACTIVE, limit: 200 }).catch(() => ({ items: [] })),
	]);
	const teamName = new Map(tms.map((x) => [String(x.id), x.name]));
	const alerts = notes.items.filter((n) => ['sla_warning', 'sla_breach', 'escalation'].includes(n.kind));
	const kpi = (label, v, cls = '') => h(`div.kpi${cls}`, h('span.muted', label), h('b', typeof v === 'number' ? fmtNumber(v) : v));
	const cut = (c) => (c ? h('p.hint', t('dash.cut', { n: MAX_PAGES * 200 })) : null);
	const panel = (title, ...kids) => h('section.panel', h('h2', title), ...kids);
	const staffBox = h('section.panel.staff-compliance', h('h2', t('dash.compliance')), h('p.muted', t('loading')));
	const kpis = h('div.kpis');
	staffPanel(staffBox, kpis);
	clear(
		main,
		h(
			'div.page.dashboard',
			h('h1', t('nav.dashboard')),
			clear(
				kpis,
				kpi(t('dash.active'), activeCount(counts.all)),
				kpi(t('dash.unassigned'), activeCount(counts.unassigned)),
				kpi(t('dash.today'), today.items.length),
				kpi(t('dash.breaches'), alerts.filter((n) => n.kind === 'sla_breach').length),
				kpi(t('dash.followups'), followups.next_cursor ? `${fmtNumber(followups.items.length)}+` : followups.items.length)
			),
			h(
				'div.grid',
				panel(t('dash.by_state'), barChart(['new', 'open', 'pending_customer', 'pending_internal'].map((s) => [te('state', s), counts.all[s] || 0]), { title: t('dash.by_state') })),
				panel(t('dash.by_team'), barChart(Object.entries(counts.teams || {}).map(([id, b]) => [teamName.get(id) || '#' + id, activeCount(b)]), { title: t('dash.by_team') })),
				panel(t('dash.by_agent'), barChart(tally(active.items, (x) => (x.assignee_id ? names.get(x.assignee_id) || '#' + x.assignee_id : t('ticket.unassigned'))).slice(0, 12), { title: t('dash.by_agent') }), cut(active.cut)),
				panel(t('dash.today_type'), barChart(tally(today.items, (x) => te('type', x.type)), { title: t('dash.today_type') }), cut(today.cut)),
				panel(t('dash.today_channel'), barChart(tally(today.items, (x) => te('channel', x.channel)), { title: t('dash.today_channel') })),
				panel(
					t('dash.alerts'),
					alerts.length
						? h('ul.mini-tickets', alerts.slice(0, 20).map((n) => h('li', h('span.tag', t(`notify.${n.kind}`)), ' ', h('a', { href: `#/tickets/${n.ticket_id}` }, n.subject || '#' + n.ticket_id), ' ', h('time.muted', fmtTime(n.at, 'short')))))
						: h('p.muted', t('dash.no_alerts'))
				),
				staffBox,
				panel(
					t('dash.followups'),
					followups.items.length ? h('ul.mini-tickets', followups.items.slice(0, 12).map((x) => h('li', h('a', { href: `#/tickets/${x.id}` }, x.number), ' ', x.subject))) : h('p.muted', t('admin.none'))
				)
			)
		)
	);
}
