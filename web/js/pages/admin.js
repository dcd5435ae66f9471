// admin.js - desk administration: users and roles, teams, SLA policies,
// business calendars with holidays (and an SLA preview that shows a
// holiday moving a due time), categories, canned replies and the audit
// log.  Each section is a list plus a create form; every change goes
// through the audited API.

import { api, get } from '../api.js';
import { clear, field, formValues, h, select, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { can, categories, categoryName, forget } from '../session.js';

const SECTIONS = [
	['calendars', 'desk.admin'],
	['sla', 'desk.admin'],
	['teams', 'desk.admin'],
	['categories', 'desk.admin'],
	['canned', 'desk.admin'],
	['users', 'user.read'],
	['audit', 'audit.read'],
];
const TYPES = ['inquiry', 'complaint', 'return', 'claim', 'suggestion', 'follow_up', 'care'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const ROLES = ['admin', 'manager', 'agent', 'crm', 'analyst'];

function table(cols, rows) {
	return h('table.data', h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', rows.map((r) => h('tr', r.map((c) => h('td', c))))));
}

/** A create form: fields, then POST body(form) to url and redraw. */
function createForm(title, fields, onSubmit) {
	const form = h('form.panel.create', h('h2', title), fields, h('button.primary', { type: 'submit' }, t('action.add')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, () => onSubmit(form));
	});
	return form;
}

export async function render(main, params) {
	const allowed = SECTIONS.filter(([, p]) => can(p));
	if (!allowed.length) return clear(main, h('div.empty', { role: 'alert' }, t('error.forbidden')));
	const section = allowed.some(([s]) => s === params.section) ? params.section : allowed[0][0];
	const body = h('section.admin-body', { 'aria-live': 'polite' });
	clear(
		main,
		h(
			'div.admin',
			h('nav', { 'aria-label': t('nav.admin') }, allowed.map(([s]) => h('a', { href: `#/admin/${s}`, 'aria-current': s === section ? 'page' : null }, t(`admin.${s}`)))),
			body
		)
	);
	const draw = { calendars, sla, teams, categories: cats, canned, users, audit }[section];
	const redraw = () => draw(body, params, redraw).catch((e) => clear(body, h('p.form-error', { role: 'alert' }, e.message)));
	await redraw();
}

async function calendars(body, params, redraw) {
	const list = await get('/api/v1/calendars', { limit: 200 });
	const id = Number(params.cal) || list.items[0]?.id;
	const picker = select('cal', list.items.map((c) => [c.id, c.name]), id, { 'aria-label': t('admin.calendar') });
	picker.addEventListener('change', () => (location.hash = `#/admin/calendars?cal=${picker.value}`));
	if (!id) return clear(body, h('h1', t('admin.calendars')), h('p.muted', t('admin.none')));
	const { data: cal } = await api('GET', `/api/v1/calendars/${id}`);
	const hours = h(
		'ul.plain',
		[0, 1, 2, 3, 4, 5, 6].map((d) => {
			const iv = (cal.hours || []).filter((x) => x.weekday === d);
			return h('li', h('strong', t(`weekday.${d}`)), ' ', iv.length ? iv.map((x) => `${x.start}–${x.end}`).join(', ') : h('span.muted', t('admin.closed')));
		})
	);
	const holidays = [...(cal.holidays || [])].sort((a, b) => a.date.localeCompare(b.date));
	const delBtn = (x) =>
		h(
			'button.link',
			{
				type: 'button',
				'aria-label': t('admin.remove_holiday', { date: x.date }),
				on: {
					click: async () => {
						try {
							await api('DELETE', `/api/v1/calendars/${id}/holidays/${x.id}`);
							toast(t('action.saved'));
							redraw();
						} catch (e) {
							toast(e.message, 'error');
						}
					},
				},
			},
			t('action.delete')
		);
	const add = createForm(
		t('admin.add_holiday'),
		[
			field(t('admin.date'), h('input', { name: 'date', type: 'date', required: true })),
			field(t('admin.kind'), select('kind', [['holiday', t('holiday.holiday')], ['workday', t('holiday.workday')]], 'holiday')),
			field(t('admin.name'), h('input', { name: 'name' })),
		],
		async (form) => {
			await api('POST', `/api/v1/calendars/${id}/holidays`, { body: formValues(form) });
			toast(t('action.saved'));
			redraw();
		}
	);
	clear(
		body,
		h('h1', t('admin.calendars')),
		h('div.row', picker, h('span.muted', cal.time_zone)),
		h(
			'div.two',
			h('div', h('section.panel', h('h2', t('admin.hours')), hours), await slaPreview(id)),
			h(
				'div',
				h(
					'section.panel',
					h('h2', t('admin.holidays')),
					holidays.length ? table([t('admin.date'), t('admin.kind'), t('admin.name'), ''], holidays.map((x) => [x.date, t(`holiday.${x.kind}`), x.name, delBtn(x)])) : h('p.muted', t('admin.none'))
				),
				add
			)
		)
	);
}

/** Due times a new contact would get now, under the policy the API picks. */
async function slaPreview(calId) {
	const box = h('div.preview');
	const form = h(
		'form.panel.sla-preview',
		h('h2', t('admin.preview')),
		h(
			'div.row',
			select('type', TYPES.map((x) => [x, te('type', x)]), 'complaint', { 'aria-label': t('filter.type') }),
			select('priority', PRIORITIES.map((x) => [x, te('priority', x)]), 'normal', { 'aria-label': t('filter.priority') }),
			select('tier', ['A', 'B', 'C'].map((x) => [x, t('customer.tier', { tier: x })]), 'C', { 'aria-label': t('admin.tier') }),
			h('input', { name: 'at', type: 'datetime-local', 'aria-label': t('admin.at') })
		),
		box
	);
	const run = async () => {
		const v = formValues(form);
		const q = { type: v.type, priority: v.priority, tier: v.tier };
		if (v.at) q.at = Math.floor(new Date(v.at).getTime() / 1000);
		try {
			const p = await get('/api/v1/sla/preview', q);
			clear(
				box,
				h(
					'dl.kv',
					h('dt', t('admin.policy')),
					h('dd', p.policy.name, p.policy.calendar_id !== calId ? h('span.muted', ' ', t('admin.other_calendar')) : null),
					h('dt', t('sla.first_response')),
					h('dd.due-first', fmtTime(p.first_response_due_at) || '—'),
					h('dt', t('sla.resolution')),
					h('dd.due-resolution', fmtTime(p.resolution_due_at) || '—')
				)
			);
		} catch (e) {
			clear(box, h('p.form-error', e.message));
		}
	};
	form.addEventListener('change', run);
	form.addEventListener('submit', (e) => (e.preventDefault(), run()));
	await run();
	return form;
}

async function sla(body, params, redraw) {
	const [pol, cals] = await Promise.all([get('/api/v1/sla-policies', { limit: 200 }), get('/api/v1/calendars', { limit: 200 })]);
	const calName = new Map(cals.items.map((c) => [c.id, c.name]));
	const hrs = (s) => (s ? (s / 3600).toFixed(1) + ' h' : '—');
	const add = createForm(
		t('admin.add_policy'),
		[
			field(t('admin.name'), h('input', { name: 'name', required: true })),
			field(t('filter.type'), select('ticket_type', [['', t('filter.any')], ...TYPES.map((x) => [x, te('type', x)])], '')),
			field(t('filter.priority'), select('priority', [['', t('filter.any')], ...PRIORITIES.map((x) => [x, te('priority', x)])], '')),
			field(t('admin.tier'), select('customer_tier', [['', t('filter.any')], ['A', 'A'], ['B', 'B'], ['C', 'C']], '')),
			field(t('admin.first_response_h'), h('input', { name: 'first_response_h', inputmode: 'decimal' })),
			field(t('admin.resolution_h'), h('input', { name: 'resolution_h', inputmode: 'decimal' })),
			field(t('admin.calendar'), select('calendar_id', cals.items.map((c) => [c.id, c.name]), cals.items[0]?.id)),
			field(t('admin.sunset'), h('input', { name: 'sunset', type: 'checkbox' })),
		],
		async (form) => {
			const v = formValues(form);
			const b = { name: v.name, ticket_type: v.ticket_type || '', priority: v.priority || '', customer_tier: v.customer_tier || '', calendar_id: Number(v.calendar_id), sunset: form.elements.sunset.checked };
			if (v.first_response_h) b.first_response_s = Math.round(parseFloat(v.first_response_h) * 3600);
			if (v.resolution_h) b.resolution_s = Math.round(parseFloat(v.resolution_h) * 3600);
			await api('POST', '/api/v1/sla-policies', { body: b });
			toast(t('action.saved'));
			redraw();
		}
	);
	clear(
		body,
		h('h1', t('admin.sla')),
		table(
			[t('admin.name'), t('filter.type'), t('filter.priority'), t('admin.tier'), t('sla.first_response'), t('sla.resolution'), t('admin.sunset'), t('admin.calendar')],
			pol.items.map((p) => [p.name, te('type', p.ticket_type), te('priority', p.priority), p.customer_tier || '—', hrs(p.first_response_s), hrs(p.resolution_s), p.sunset ? '✓' : '', calName.get(p.calendar_id) || p.calendar_id])
		),
		add
	);
}

async function teams(body, params, redraw) {
	const list = await get('/api/v1/teams', { limit: 200 });
	const full = await Promise.all(list.items.map((x) => get(`/api/v1/teams/${x.id}`)));
	const add = createForm(
		t('admin.add_team'),
		[field(t('admin.name'), h('input', { name: 'name', required: true })), field(t('admin.mode'), select('mode', [['round_robin', t('mode.round_robin')], ['least_loaded', t('mode.least_loaded')]], 'round_robin'))],
		async (form) => {
			await api('POST', '/api/v1/teams', { body: formValues(form) });
			forget('teams');
			forget('users');
			redraw();
		}
	);
	clear(
		body,
		h('h1', t('admin.teams')),
		table(
			[t('admin.name'), t('admin.mode'), t('admin.members')],
			full.map((x) => [x.name, t(`mode.${x.mode}`), (x.members || []).map((m) => `${m.username}${m.languages ? ' (' + m.languages + ')' : ''}`).join(', ')])
		),
		add
	);
}

async function cats(body, params, redraw) {
	forget('categories');
	const list = await categories();
	const add = createForm(
		t('admin.add_category'),
		[
			field(t('admin.parent'), select('parent_id', [['', '—'], ...list.filter((c) => c.depth === 0).map((c) => [c.id, categoryName(c)])], '')),
			field(t('admin.code'), h('input', { name: 'code', required: true, pattern: '[a-z0-9_]{1,64}' })),
			field(t('admin.name_zh'), h('input', { name: 'name_zh', required: true })),
			field(t('admin.name_en'), h('input', { name: 'name_en', required: true })),
			field(t('admin.return_days'), h('input', { name: 'return_window_days', type: 'number', min: 0 })),
		],
		async (form) => {
			const v = formValues(form);
			if (v.parent_id) v.parent_id = Number(v.parent_id);
			if (v.return_window_days) v.return_window_days = Number(v.return_window_days);
			await api('POST', '/api/v1/categories', { body: v });
			forget('categories');
			redraw();
		}
	);
	clear(
		body,
		h('h1', t('admin.categories')),
		table([t('admin.code'), t('admin.name_zh'), t('admin.name_en'), t('admin.return_days')], list.map((c) => ['\u00a0'.repeat(c.depth * 3) + c.code, c.name_zh, c.name_en, c.return_window_days ?? '—'])),
		add
	);
}

async function canned(body, params, redraw) {
	const list = await get('/api/v1/canned-replies');
	const del = (c) =>
		h(
			'button.link',
			{
				type: 'button',
				on: {
					click: async () => {
						try {
							await api('DELETE', `/api/v1/canned-replies/${c.id}`, { etag: `"v${c.version}"` });
							redraw();
						} catch (e) {
							toast(e.message, 'error');
						}
					},
				},
			},
			t('action.delete')
		);
	const add = createForm(
		t('admin.add_canned'),
		[
			field(t('admin.title'), h('input', { name: 'title', required: true })),
			field(t('admin.body'), h('textarea', { name: 'body', rows: 4, required: true }), t('admin.body_hint')),
			field(t('lang.label'), select('language', [['zh', '中文'], ['en', 'English']], 'zh')),
		],
		async (form) => {
			await api('POST', '/api/v1/canned-replies', { body: formValues(form) });
			redraw();
		}
	);
	clear(body, h('h1', t('admin.canned')), table([t('admin.title'), t('admin.body'), t('lang.label'), ''], list.items.map((c) => [c.title, c.body, c.language, del(c)])), add);
}

async function users(body, params, redraw) {
	const list = await get('/api/v1/users', { limit: 200 });
	const roleSel = (u) => {
		const s = select('role', ROLES.map((r) => [r, te('role', r)]), u.role, { 'aria-label': t('admin.role_of', { name: u.username }), disabled: !can('user.write') });
		s.addEventListener('change', async () => {
			try {
				await api('PATCH', `/api/v1/users/${u.id}`, { body: { role: s.value }, etag: `"v${u.version}"` });
				toast(t('action.saved'));
				redraw();
			} catch (e) {
				toast(e.message, 'error');
				s.value = u.role;
			}
		});
		return s;
	};
	const add = can('user.write')
		? createForm(
				t('admin.add_user'),
				[
					field(t('login.username'), h('input', { name: 'username', required: true })),
					field(t('admin.display_name'), h('input', { name: 'display_name' })),
					field(t('admin.role'), select('role', ROLES.map((r) => [r, te('role', r)]), 'agent')),
					field(t('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password' }), t('admin.password_hint')),
				],
				async (form) => {
					const { data } = await api('POST', '/api/v1/users', { body: formValues(form) });
					toast(data.password ? t('admin.user_created_pw', { pw: data.password }) : t('action.saved'));
					forget('users');
					redraw();
				}
			)
		: null;
	clear(
		body,
		h('h1', t('admin.users')),
		table([t('login.username'), t('admin.display_name'), t('admin.role'), t('admin.status')], list.items.map((u) => [u.username, u.display_name, roleSel(u), u.disabled ? t('admin.disabled') : t('admin.active')])),
		add
	);
}

async function audit(body) {
	const list = await get('/api/v1/audit', { limit: 100 });
	clear(body, h('h1', t('admin.audit')), table([t('admin.when'), t('admin.who'), t('admin.action')], list.items.map((a) => [fmtTime(a.at, 'short'), a.actor_name, `${a.action} ${a.object_type}${a.object_id ? ' #' + a.object_id : ''}`])));
}
