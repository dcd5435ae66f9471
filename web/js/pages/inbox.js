// inbox.js - the agent inbox: views with queue counts, filters, sort,
// keyset paging and the keyboard (j/k move, o/Enter open, r reply,
// n note, a assign to me, e resolve, / search).
//
// Views map onto GET /api/v1/tickets filters; "due" is the API's SLA
// filter (sla=breached,due_soon: running clocks past due, past their 80 %
// warning or due within two hours), nearest due first.  Rows show the
// customer's name (customer_name) as the customer page does.

import { api, get } from '../api.js';
import { clear, h, select, toast } from '../dom.js';
import { fmtSpan, fmtTime, t, te } from '../i18n.js';
import { navigate } from '../router.js';
import { can, session, teams, users } from '../session.js';

export const ACTIVE = 'new,open,pending_customer,pending_internal';
const ACTIVE_STATES = ACTIVE.split(',');
const TYPES = ['inquiry', 'complaint', 'return', 'claim', 'suggestion', 'follow_up', 'care'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const SORTS = ['updated_at', 'created_at', 'priority'];
export const DUE_SLA = 'breached,due_soon';
const FILTER_KEYS = ['state', 'type', 'priority', 'sort', 'assignee', 'team', 'sla'];

/**
 * The drill view (#/inbox/drill?…, opened from a report's row): every
 * query parameter is an API filter; those the filter bar knows go there,
 * the rest ({extra}) are sent as they are.
 */
export function drillQuery(params) {
	const base = {};
	const extra = {};
	for (const [k, v] of Object.entries(params)) {
		if (k === 'view') continue;
		if (FILTER_KEYS.includes(k)) base[k] = v;
		else extra[k] = v;
	}
	return { base, extra };
}

/** The API filters of a built-in view ('mine', 'unassigned', 'team-3', 'all'). */
export function viewQuery(view) {
	if (view === 'mine') return { assignee: 'me', state: ACTIVE };
	if (view === 'unassigned') return { assignee: 'none', state: ACTIVE };
	if (view === 'due') return { state: ACTIVE, sla: DUE_SLA, sort: 'due_at' };
	if (view === 'all') return {};
	const m = /^team-(\d+)$/.exec(view || '');
	if (m) return { team: m[1], state: ACTIVE };
	return { assignee: 'me', state: ACTIVE };
}

/** Sum of the active states in one counts bucket. */
export function activeCount(bucket) {
	return ACTIVE_STATES.reduce((n, s) => n + ((bucket && bucket[s]) || 0), 0);
}

/** The due column of an SLA row: [css class, text] ('overdue 2h' or 'in 40m'). */
export function dueCell(row, now) {
	const due = row.sla_due_at;
	if (!due) return ['', '—'];
	const cls = row.sla_status === 'breached' ? 'sla-breached' : 'sla-warning';
	return [cls, due <= now ? t('sla.overdue', { span: fmtSpan(now - due) }) : t('sla.in', { span: fmtSpan(due - now) })];
}

export async function render(main, params) {
	const view = params.view || 'mine';
	const state = { rows: [], cursor: null, sel: 0, loading: false, seq: 0 };
	// Staff names arrive in parallel with the first page; rows never wait for them.
	let names = new Map();
	users()
		.catch(() => new Map())
		.then((m) => {
			names = m;
			if (state.rows.length) draw();
		});
	let saved = [];
	let savedView = null;
	if (/^saved-\d+$/.test(view)) {
		savedView = await get(`/api/v1/views/${view.slice(6)}`).catch(() => null);
	}
	const drill = view === 'drill' ? drillQuery(params) : { base: {}, extra: {} };
	const base = savedView ? { ...savedView.query } : view === 'drill' ? drill.base : viewQuery(view);
	const filters = {
		state: params.state ?? base.state ?? '',
		type: params.type ?? base.type ?? '',
		priority: params.priority ?? base.priority ?? '',
		sort: view === 'due' || base.sla ? 'due_at' : params.sort ?? base.sort ?? 'updated_at',
		assignee: base.assignee ?? '',
		team: base.team ?? '',
		sla: base.sla ?? '',
	};

	const dueCols = !!filters.sla;
	const side = h('aside.views', { 'aria-label': t('inbox.views') });
	const list = h('tbody');
	const more = h('button', { type: 'button', hidden: true, on: { click: () => load(false) } }, t('inbox.more'));
	const status = h('div.muted.list-status', { role: 'status' });
	const table = h(
		'table.tickets',
		h(
			'thead',
			h(
				'tr',
				['col.number', 'col.subject', 'col.customer', 'col.type', 'col.state', 'col.priority', 'col.assignee', dueCols ? 'col.due' : 'col.updated'].map((k) =>
					h('th', { scope: 'col' }, t(k))
				)
			)
		),
		list
	);
	const bar = filterBar();
	clear(
		main,
		h(
			'div.inbox',
			side,
			h(
				'section.inbox-main',
				{ 'aria-labelledby': 'inbox-title' },
				h(
					'div.inbox-head',
					h('h1#inbox-title', savedView ? savedView.name : t(`view.${view.replace(/-\d+$/, '')}`)),
					can('ticket.write') ? h('a.button.new-ticket', { href: '#/tickets/new', title: t('newticket.key_hint') }, t('newticket.button')) : null,
					bar
				),
				table,
				h('div.list-foot', status, more)
			)
		)
	);

	function filterBar() {
		const onChange = (e) => {
			filters[e.target.name] = e.target.value;
			const q = new URLSearchParams(Object.entries({ ...(view === 'drill' ? { ...drill.extra, ...drill.base } : {}), state: filters.state, type: filters.type, priority: filters.priority, sort: filters.sort }));
			history.replaceState(null, '', `#/inbox/${view}?${q}`);
			load(true);
		};
		const stateOpts = [
			[ACTIVE, t('filter.active')],
			['', t('filter.any_state')],
			...['new', 'open', 'pending_customer', 'pending_internal', 'resolved', 'closed'].map((s) => [s, te('state', s)]),
		];
		return h(
			'form.filters',
			{ on: { change: onChange, submit: (e) => e.preventDefault() } },
			h('label', t('filter.state'), ' ', select('state', stateOpts, filters.state)),
			h('label', t('filter.type'), ' ', select('type', [['', t('filter.any')], ...TYPES.map((x) => [x, te('type', x)])], filters.type)),
			h('label', t('filter.priority'), ' ', select('priority', [['', t('filter.any')], ...PRIORITIES.map((x) => [x, te('priority', x)])], filters.priority)),
			dueCols ? null : h('label', t('filter.sort'), ' ', select('sort', SORTS.map((x) => [x, t(`sort.${x}`)]), filters.sort)),
			h('button', { type: 'button', on: { click: saveView } }, t('inbox.save_view'))
		);
	}

	async function saveView() {
		const name = prompt(t('inbox.view_name'));
		if (!name) return;
		const query = {};
		for (const k of ['state', 'type', 'priority', 'sort', 'assignee', 'team', 'sla']) if (filters[k]) query[k] = filters[k];
		try {
			const { data } = await api('POST', '/api/v1/views', { body: { name, kind: 'tickets', query } });
			toast(t('inbox.view_saved'));
			navigate(`#/inbox/saved-${data.id}`);
		} catch (e) {
			toast(e.message, 'error');
		}
	}

	async function renderSide() {
		const [counts, myTeams, views] = await Promise.all([
			get('/api/v1/tickets/counts').catch(() => null),
			teams().catch(() => []),
			get('/api/v1/views').catch(() => ({ items: [] })),
		]);
		saved = views.items.filter((v) => v.kind === 'tickets');
		const mine = myTeams.filter((tm) => (tm.members || []).some((m) => m.user_id === session.user.id));
		const item = (id, label, n) =>
			h(
				'li',
				h(
					'a',
					{ href: `#/inbox/${id}`, 'aria-current': id === view ? 'page' : null, dataset: { view: id } },
					h('span', label),
					n === undefined ? null : h('span.count', String(n))
				)
			);
		clear(
			side,
			h(
				'ul',
				item('mine', t('view.mine'), counts ? activeCount(counts.mine) : undefined),
				mine.map((tm) => item(`team-${tm.id}`, tm.name, counts ? activeCount(counts.teams[tm.id]) : undefined)),
				item('unassigned', t('view.unassigned'), counts ? activeCount(counts.unassigned) : undefined),
				item('due', t('view.due')),
				item('all', t('view.all'), counts ? activeCount(counts.all) : undefined)
			),
			h('h2', t('inbox.saved_views')),
			saved.length ? h('ul', saved.map((v) => item(`saved-${v.id}`, v.name))) : h('p.muted', t('inbox.no_saved'))
		);
	}

	/* A new filter wins over a load in flight; "load more" waits its turn. */
	async function load(reset) {
		if (!reset && state.loading) return;
		const my = ++state.seq;
		state.loading = true;
		status.textContent = t('loading');
		try {
			const q = { ...drill.extra, ...filters, limit: 50, cursor: reset ? null : state.cursor };
			const page = await get('/api/v1/tickets', q);
			const rows = page.items;
			if (my !== state.seq) return;
			if (reset) {
				state.rows = [];
				state.sel = 0;
			}
			state.rows = state.rows.concat(rows);
			state.cursor = page.next_cursor;
			draw();
			status.textContent = state.rows.length ? t('inbox.showing', { n: state.rows.length }) : t('inbox.empty');
			more.hidden = !state.cursor;
		} catch (e) {
			if (my === state.seq) status.textContent = e.message;
		} finally {
			if (my === state.seq) state.loading = false;
		}
	}

	function draw() {
		const now = Date.now() / 1000;
		clear(
			list,
			state.rows.map((r, i) =>
				h(
					'tr',
					{
						dataset: { id: r.id },
						'aria-selected': i === state.sel ? 'true' : 'false',
						class: `prio-${r.priority}`,
						on: { click: () => open(r.id) },
					},
					h('td.num', h('a', { href: `#/tickets/${r.id}` }, r.number)),
					h('td.subject', r.subject),
					h('td.customer', r.customer_name || h('span.muted', '—')),
					h('td', te('type', r.type)),
					h('td', h(`span.badge.st-${r.state}`, te('state', r.state))),
					h('td', h(`span.prio.p-${r.priority}`, te('priority', r.priority))),
					h('td', r.assignee_id ? names.get(r.assignee_id) || `#${r.assignee_id}` : h('span.muted', t('ticket.unassigned'))),
					dueCols ? dueTd(r, now) : h('td.time', { title: fmtTime(r.updated_at) }, fmtTime(r.updated_at, 'short'))
				)
			)
		);
	}

	function dueTd(r, now) {
		const [cls, text] = dueCell(r, now);
		return h(`td.due${cls ? '.' + cls : ''}`, { title: fmtTime(r.sla_due_at) }, text);
	}

	function moveTo(i) {
		if (!state.rows.length) return;
		state.sel = Math.max(0, Math.min(state.rows.length - 1, i));
		list.querySelectorAll('tr').forEach((tr, k) => tr.setAttribute('aria-selected', k === state.sel ? 'true' : 'false'));
		list.children[state.sel]?.scrollIntoView({ block: 'nearest' });
	}

	function open(id, action) {
		navigate(`#/tickets/${id}${action ? '?do=' + action : ''}`);
	}

	async function quick(kind) {
		const r = state.rows[state.sel];
		if (!r) return;
		try {
			if (kind === 'assign') {
				await api('PATCH', `/api/v1/tickets/${r.id}`, { body: { assignee_id: session.user.id }, etag: `"v${r.version}"` });
				toast(t('ticket.assigned_to_me', { number: r.number }));
			} else {
				await api('POST', `/api/v1/tickets/${r.id}/transition`, { body: { state: 'resolved' }, etag: `"v${r.version}"` });
				toast(t('ticket.resolved_n', { number: r.number }));
			}
			const fresh = await get(`/api/v1/tickets/${r.id}`);
			state.rows[state.sel] = fresh;
			draw();
			renderSide();
		} catch (e) {
			toast(e.message, 'error');
		}
	}

	function keys(e) {
		if (e.ctrlKey || e.metaKey || e.altKey) return;
		const tag = (e.target.tagName || '').toLowerCase();
		if (tag === 'input' || tag === 'textarea' || tag === 'select') return;
		// Enter on a link or button (the skip link, the nav) is theirs, not "open the selected ticket"
		if (e.key === 'Enter' && (tag === 'a' || tag === 'button' || tag === 'summary')) return;
		const r = state.rows[state.sel];
		const acts = {
			j: () => moveTo(state.sel + 1),
			k: () => moveTo(state.sel - 1),
			o: () => r && open(r.id),
			Enter: () => r && open(r.id),
			r: () => r && open(r.id, 'reply'),
			n: () => r && open(r.id, 'note'),
			a: () => quick('assign'),
			e: () => quick('resolve'),
		};
		if (acts[e.key]) {
			e.preventDefault();
			acts[e.key]();
		}
	}

	document.addEventListener('keydown', keys);
	renderSide();
	await load(true);
	return () => document.removeEventListener('keydown', keys);
}
