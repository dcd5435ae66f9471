// admin.js - desk administration: users and roles, teams, SLA policies,
// business calendars with holidays (and an SLA preview that shows a
// holiday moving a due time), categories, canned replies, the desk
// settings and the audit log.  Each section is a list plus a create form;
// SLA policies, calendars (name, hours, time zone), teams (name, mode,
// calendar, members), categories and canned replies are edited in place,
// calendars and teams deleted (the API says why one in use cannot go).  Every change
// goes through the audited API; edits send If-Match, and a 412 reloads the
// record (new ETag) while the user's typed values stay in the form.

import { api, ApiError, get } from '../api.js';
import { clear, field, formValues, h, select, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { navigate } from '../router.js';
import { can, categories, categoryName, forget } from '../session.js';
import { events } from './admin_events.js';
import { calendarFormValues, formatHours, memberBody, mergeReloaded, parseHours, policyBody, policyFormValues, POLICY_ALIASES, secondsToHours } from './admin_forms.js';

const SECTIONS = [
	['calendars', 'desk.admin'],
	['sla', 'desk.admin'],
	['teams', 'desk.admin'],
	['categories', 'desk.admin'],
	['canned', 'desk.admin'],
	['settings', 'desk.admin'],
	['users', 'user.read'],
	['audit', 'audit.read'],
	['events', 'events.manage'],
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
	const draw = { calendars, sla, teams, categories: cats, canned, settings, users, audit, events }[section];
	const redraw = () => draw(body, params, redraw).catch((e) => clear(body, h('p.form-error', { role: 'alert' }, e.message)));
	await redraw();
}

async function calendars(body, params, redraw) {
	const list = await get('/api/v1/calendars', { limit: 200 });
	const id = Number(params.cal) || list.items[0]?.id;
	const picker = select('cal', list.items.map((c) => [c.id, c.name]), id, { 'aria-label': t('admin.calendar') });
	picker.addEventListener('change', () => (location.hash = `#/admin/calendars?cal=${picker.value}`));
	const create = createForm(
		t('admin.add_calendar'),
		[field(t('admin.name'), h('input', { name: 'name', required: true })), field(t('admin.time_zone'), h('input', { name: 'time_zone', value: 'Asia/Shanghai', required: true }))],
		async (form) => {
			const { data } = await api('POST', '/api/v1/calendars', { body: formValues(form) });
			toast(t('action.saved'));
			location.hash = `#/admin/calendars?cal=${data.id}`;
		}
	);
	if (!id) return clear(body, h('h1', t('admin.calendars')), h('p.muted', t('admin.none')), create);
	const { data: cal, etag } = await api('GET', `/api/v1/calendars/${id}`);
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
			h('div', calendarForm(cal, etag, redraw), await slaPreview(id)),
			h(
				'div',
				h(
					'section.panel',
					h('h2', t('admin.holidays')),
					holidays.length ? table([t('admin.date'), t('admin.kind'), t('admin.name'), ''], holidays.map((x) => [x.date, t(`holiday.${x.kind}`), x.name, delBtn(x)])) : h('p.muted', t('admin.none'))
				),
				add,
				renameForm('calendar', `/api/v1/calendars/${id}`, { onSaved: redraw, onDeleted: () => navigate('#/admin/calendars') }),
				create
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

/** The values of form's controls named in keys (checkboxes as booleans). */
function readControls(form, keys) {
	const out = {};
	for (const k of keys) {
		const el = form.elements[k];
		if (el) out[k] = el.type === 'checkbox' ? el.checked : el.value;
	}
	return out;
}

function writeControls(form, values) {
	for (const [k, v] of Object.entries(values)) {
		const el = form.elements[k];
		if (!el) continue;
		if (el.type === 'checkbox') el.checked = !!v;
		else el.value = v;
	}
}

/**
 * Run send(etag) for an edit of rec ({etag, data}) in form.  On 412,
 * reload() the record: its new ETag goes into rec, the controls the user
 * left alone take the reloaded values (toValues(data)), the ones they
 * edited keep their edits, and the conflict shows at the form's top so
 * saving again applies those edits over the newer record.
 */
async function saveEdit(rec, form, toValues, send, reload) {
	try {
		return await send(rec.etag);
	} catch (e) {
		if (e.status !== 412) throw e;
		const fresh = await reload();
		const base = toValues(rec.data);
		const next = toValues(fresh.data);
		writeControls(form, mergeReloaded(base, readControls(form, Object.keys(next)), next));
		rec.etag = fresh.etag;
		rec.data = fresh.data;
		throw new ApiError(412, e.code, t('admin.conflict'), null);
	}
}

/**
 * Rename or delete the record at url (a calendar or a team): the name is
 * PATCHed with If-Match (a 412 reloads and keeps the typed name), Delete
 * asks first; a refusal (409, the API saying what still uses it) shows at
 * the form's top.  extra: more controls (fields named like the API's) and
 * their values, sent with the name.
 */
function renameForm(kind, url, { onSaved, onDeleted, extra = null }) {
	const form = h('form.panel.rename', { novalidate: true, dataset: { kind } }, h('h2', t(`admin.rename_${kind}`)), h('p.muted', t('loading')));
	api('GET', url).then(
		(rec) => {
			const values = (d) => ({ name: d.name, ...(extra ? extra.values(d) : {}) });
			const del = h(
				'button.danger',
				{
					type: 'button',
					on: {
						click: () => {
							if (!confirm(t('admin.delete_confirm', { name: rec.data.name }))) return;
							submitting(form, async () => {
								await api('DELETE', url);
								forget('teams');
								toast(t('action.deleted'));
								onDeleted();
							});
						},
					},
				},
				t(`admin.delete_${kind}`)
			);
			clear(
				form,
				h('h2', t(`admin.rename_${kind}`)),
				field(t('admin.name'), h('input', { name: 'name', value: rec.data.name, 'aria-required': 'true' })),
				extra ? extra.fields(rec.data) : null,
				h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), del)
			);
			form.addEventListener('submit', (e) => {
				e.preventDefault();
				submitting(form, async () => {
					const v = readControls(form, Object.keys(values(rec.data)));
					const b = extra ? extra.body(v) : { name: v.name };
					await saveEdit(rec, form, values, (tag) => api('PATCH', url, { body: b, etag: tag }), () => api('GET', url));
					forget('teams');
					toast(t('action.saved'));
					onSaved();
				});
			});
		},
		(e) => clear(form, h('p.form-error', e.message))
	);
	return form;
}

/**
 * An edit form for one row of a list (category, canned reply): fields
 * filled from rec.data, PATCH with rec.etag; a 412 reloads the row
 * (reload() -> {data, etag}) and keeps the user's edits.
 */
function rowEditForm(title, fields, rec, keys, send, reload, done) {
	const values = (d) => Object.fromEntries(keys.map((k) => [k, d[k] ?? '']));
	const form = h('form.panel.row-edit', { novalidate: true }, h('h2', title), fields, h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), h('button', { type: 'button', on: { click: () => form.remove() } }, t('action.cancel'))));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const v = readControls(form, keys);
			await saveEdit(rec, form, values, (tag) => send(v, tag), reload);
			toast(t('action.saved'));
			done();
		});
	});
	return form;
}

const ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** Weekly hours (one line per weekday) and the time zone of calendar cal. */
function calendarForm(cal, etag, redraw) {
	const rec = { etag, data: cal };
	const texts = formatHours(cal.hours);
	const days = [1, 2, 3, 4, 5, 6, 0].map((d) => field(t(`weekday.${d}`), h('input', { name: `hours_${d}`, value: texts[d], placeholder: t('admin.closed') })));
	const hoursSet = h('fieldset', { name: 'hours', id: `cal-${cal.id}-hours` }, h('legend', t('admin.hours')), h('div.hint', t('admin.hours_hint')), days);
	const hoursErr = h('div.field-error', { id: `${hoursSet.id}-err`, role: 'alert' });
	hoursSet.setAttribute('aria-describedby', hoursErr.id);
	const zones = h(
		'datalist',
		{ id: `cal-${cal.id}-zones` },
		ZONES.map((z) => h('option', { value: z }))
	);
	const form = h(
		'form.panel.cal-edit',
		h('h2', t('admin.edit_calendar')),
		field(t('admin.time_zone'), h('input', { name: 'time_zone', value: cal.time_zone, list: zones.id, required: true, autocomplete: 'off' })),
		zones,
		hoursSet,
		hoursErr,
		h('button.primary', { type: 'submit' }, t('action.save'))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const v = formValues(form);
			let hours;
			try {
				hours = parseHours([0, 1, 2, 3, 4, 5, 6].map((d) => v[`hours_${d}`] || ''));
			} catch (err) {
				throw new ApiError(400, 'invalid', t('admin.hours_bad', { piece: err.bad }), err.field);
			}
			await saveEdit(
				rec,
				form,
				calendarFormValues,
				(tag) => api('PATCH', `/api/v1/calendars/${cal.id}`, { body: v.time_zone ? { time_zone: v.time_zone, hours } : { hours }, etag: tag }),
				() => api('GET', `/api/v1/calendars/${cal.id}`)
			);
			toast(t('action.saved'));
			redraw();
		});
	});
	return form;
}

/** The fields of an SLA policy, filled from p (a new one when p is null). */
function policyFields(cals, p) {
	const any = [['', t('filter.any')]];
	const v = p || {};
	return [
		field(t('admin.name'), h('input', { name: 'name', required: true, value: v.name || '' })),
		h(
			'div.row',
			field(t('filter.type'), select('ticket_type', [...any, ...TYPES.map((x) => [x, te('type', x)])], v.ticket_type || '')),
			field(t('filter.priority'), select('priority', [...any, ...PRIORITIES.map((x) => [x, te('priority', x)])], v.priority || '')),
			field(t('admin.tier'), select('customer_tier', [...any, ['A', 'A'], ['B', 'B'], ['C', 'C']], v.customer_tier || ''))
		),
		field(t('admin.first_response_h'), h('input', { name: 'first_response_h', inputmode: 'decimal', value: secondsToHours(v.first_response_s) })),
		field(t('admin.next_response_h'), h('input', { name: 'next_response_h', inputmode: 'decimal', value: secondsToHours(v.next_response_s) })),
		field(t('admin.resolution_h'), h('input', { name: 'resolution_h', inputmode: 'decimal', value: secondsToHours(v.resolution_s) })),
		field(t('admin.calendar'), select('calendar_id', cals.items.map((c) => [c.id, c.name]), v.calendar_id ?? cals.items[0]?.id)),
		field(t('admin.rank'), h('input', { name: 'rank', inputmode: 'numeric', value: v.rank ?? '' }), t('admin.rank_hint')),
		field(t('admin.sunset'), h('input', { name: 'sunset', type: 'checkbox', checked: !!v.sunset }), t('admin.sunset_hint')),
	];
}

async function sla(body, params, redraw) {
	const [pol, cals] = await Promise.all([get('/api/v1/sla-policies', { limit: 200 }), get('/api/v1/calendars', { limit: 200 })]);
	const calName = new Map(cals.items.map((c) => [c.id, c.name]));
	const hrs = (s) => (s ? (s / 3600).toFixed(1) + ' h' : '—');
	const editSlot = h('div.edit-slot');

	const edit = async (p) => {
		const rec = await api('GET', `/api/v1/sla-policies/${p.id}`);
		const form = h(
			'form.panel.policy-edit',
			h('h2', t('admin.edit_policy', { name: rec.data.name })),
			policyFields(cals, rec.data),
			h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), h('button', { type: 'button', on: { click: () => clear(editSlot) } }, t('action.cancel')))
		);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			submitting(
				form,
				async () => {
					const b = policyBody(formValues(form), form.elements.sunset.checked);
					await saveEdit(
						rec,
						form,
						policyFormValues,
						(tag) => api('PATCH', `/api/v1/sla-policies/${p.id}`, { body: b, etag: tag }),
						() => api('GET', `/api/v1/sla-policies/${p.id}`)
					);
					toast(t('action.saved'));
					redraw();
				},
				POLICY_ALIASES
			);
		});
		clear(editSlot, form);
		form.elements.name.focus();
	};
	const actions = (p) =>
		h(
			'span.row-actions',
			h('button.link', { type: 'button', 'aria-label': t('admin.edit_named', { name: p.name }), on: { click: () => edit(p).catch((e) => toast(e.message, 'error')) } }, t('action.edit')),
			' ',
			h(
				'button.link',
				{
					type: 'button',
					'aria-label': t('admin.delete_named', { name: p.name }),
					on: {
						click: async () => {
							try {
								await api('DELETE', `/api/v1/sla-policies/${p.id}`);
								toast(t('action.saved'));
								redraw();
							} catch (e) {
								toast(e.message, 'error');
							}
						},
					},
				},
				t('action.delete')
			)
		);

	const add = h('form.panel.create.policy-add', h('h2', t('admin.add_policy')), policyFields(cals, null), h('button.primary', { type: 'submit' }, t('action.add')));
	add.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(
			add,
			async () => {
				await api('POST', '/api/v1/sla-policies', { body: policyBody(formValues(add), add.elements.sunset.checked) });
				toast(t('action.saved'));
				redraw();
			},
			POLICY_ALIASES
		);
	});
	clear(
		body,
		h('h1', t('admin.sla')),
		table(
			[t('admin.name'), t('filter.type'), t('filter.priority'), t('admin.tier'), t('sla.first_response'), t('sla.next_response'), t('sla.resolution'), t('admin.sunset'), t('admin.calendar'), t('admin.rank'), ''],
			pol.items.map((p) => [
				p.name,
				te('type', p.ticket_type),
				te('priority', p.priority),
				p.customer_tier || '—',
				hrs(p.first_response_s),
				hrs(p.next_response_s),
				hrs(p.resolution_s),
				p.sunset ? '✓' : '',
				calName.get(p.calendar_id) || p.calendar_id,
				p.rank ?? '',
				actions(p),
			])
		),
		editSlot,
		add
	);
}

/** A team's members with their skills, a remove button each, and an add/update form. */
function teamPanel(team, staff, cals, redraw) {
	const remove = (m) =>
		h(
			'button.link',
			{
				type: 'button',
				'aria-label': t('admin.remove_member', { name: m.username }),
				on: {
					click: async () => {
						try {
							await api('DELETE', `/api/v1/teams/${team.id}/members/${m.user_id}`);
							forget('teams');
							forget('users');
							toast(t('action.saved'));
							redraw();
						} catch (e) {
							toast(e.message, 'error');
						}
					},
				},
			},
			t('action.remove')
		);
	const members = team.members || [];
	const who = staff
		? field(t('admin.user'), select('user_id', [['', '—'], ...staff.map((u) => [u.id, u.display_name ? `${u.display_name} (${u.username})` : u.username])], ''))
		: field(t('admin.user_id'), h('input', { name: 'user_id', inputmode: 'numeric', required: true }));
	const form = h(
		'form.member-add',
		h('h3', t('admin.add_member')),
		h(
			'div.row',
			who,
			field(t('admin.languages'), h('input', { name: 'languages', placeholder: 'zh,en' }), t('admin.skills_hint')),
			field(t('admin.category_ids'), h('input', { name: 'category_ids', placeholder: '1,5' }), t('admin.skills_hint')),
			field(t('admin.active'), h('input', { name: 'active', type: 'checkbox', checked: true }))
		),
		h('button.primary', { type: 'submit' }, t('admin.save_member'))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const v = formValues(form);
			if (!/^\d+$/.test(v.user_id || '')) throw new ApiError(400, 'required', t('admin.pick_user'), 'user_id');
			await api('PUT', `/api/v1/teams/${team.id}/members/${v.user_id}`, { body: memberBody(v, form.elements.active.checked) });
			forget('teams');
			forget('users');
			toast(t('action.saved'));
			redraw();
		});
	});
	return h(
		'section.panel.team',
		{ dataset: { team: team.id } },
		h('h2', team.name, ' ', h('span.muted', t(`mode.${team.mode}`))),
		h(
			'details.team-settings',
			h('summary', t('admin.team_settings')),
			renameForm('team', `/api/v1/teams/${team.id}`, {
				onSaved: redraw,
				onDeleted: redraw,
				extra: {
				values: (d) => ({ mode: d.mode, calendar_id: d.calendar_id == null ? '' : String(d.calendar_id) }),
				fields: (d) =>
					h(
						'div.row',
						field(t('admin.mode'), select('mode', [['round_robin', t('mode.round_robin')], ['least_loaded', t('mode.least_loaded')]], d.mode)),
						field(t('admin.calendar'), select('calendar_id', [['', '—'], ...cals.map((c) => [c.id, c.name])], d.calendar_id ?? ''))
					),
				body: (v) => ({ name: v.name, mode: v.mode, calendar_id: v.calendar_id ? Number(v.calendar_id) : 0 }),
				},
			})
		),
		members.length
			? table(
					[t('admin.user'), t('admin.languages'), t('admin.category_ids'), t('admin.status'), ''],
					members.map((m) => [m.username, m.languages || t('admin.any_skill'), m.category_ids || t('admin.any_skill'), m.active === false ? t('admin.inactive') : t('admin.active'), remove(m)])
				)
			: h('p.muted', t('admin.none')),
		form
	);
}

async function teams(body, params, redraw) {
	const list = await get('/api/v1/teams', { limit: 200 });
	const [full, staff, cals] = await Promise.all([
		Promise.all(list.items.map((x) => get(`/api/v1/teams/${x.id}`))),
		can('user.read') ? get('/api/v1/users', { limit: 200 }).then((p) => p.items) : null,
		get('/api/v1/calendars', { limit: 200 }).then((p) => p.items),
	]);
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
	clear(body, h('h1', t('admin.teams')), full.map((x) => teamPanel(x, staff, cals, redraw)), add);
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
	const editSlot = h('div.edit-slot');
	const reloadCat = async (id) => {
		forget('categories');
		const c = (await categories()).find((x) => x.id === id);
		return { data: c, etag: `"v${c.version}"` };
	};
	const edit = (c) => {
		const rec = { data: c, etag: `"v${c.version}"` };
		const form = rowEditForm(
			t('admin.edit_named', { name: c.code }),
			[
				field(t('admin.name_zh'), h('input', { name: 'name_zh', value: c.name_zh })),
				field(t('admin.name_en'), h('input', { name: 'name_en', value: c.name_en })),
				field(t('admin.return_days'), h('input', { name: 'return_window_days', inputmode: 'numeric', value: c.return_window_days ?? '' }), t('admin.return_days_hint')),
			],
			rec,
			['name_zh', 'name_en', 'return_window_days'],
			(v, tag) =>
				api('PATCH', `/api/v1/categories/${c.id}`, {
					body: { name_zh: v.name_zh, name_en: v.name_en, return_window_days: v.return_window_days.trim() === '' ? null : /^\d+$/.test(v.return_window_days.trim()) ? Number(v.return_window_days) : v.return_window_days },
					etag: tag,
				}),
			() => reloadCat(c.id),
			() => {
				forget('categories');
				redraw();
			}
		);
		clear(editSlot, form);
		form.elements.name_zh.focus();
	};
	const editBtn = (c) => h('button.link', { type: 'button', 'aria-label': t('admin.edit_named', { name: c.code }), on: { click: () => edit(c) } }, t('action.edit'));
	clear(
		body,
		h('h1', t('admin.categories')),
		table([t('admin.code'), t('admin.name_zh'), t('admin.name_en'), t('admin.return_days'), ''], list.map((c) => ['\u00a0'.repeat(c.depth * 3) + c.code, c.name_zh, c.name_en, c.return_window_days ?? '—', editBtn(c)])),
		editSlot,
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
	const editSlot = h('div.edit-slot');
	const edit = (c) => {
		const rec = { data: c, etag: `"v${c.version}"` };
		const form = rowEditForm(
			t('admin.edit_named', { name: c.title }),
			[field(t('admin.title'), h('input', { name: 'title', value: c.title })), field(t('admin.body'), h('textarea', { name: 'body', rows: 4, value: c.body }), t('admin.body_hint'))],
			rec,
			['title', 'body'],
			(v, tag) => api('PATCH', `/api/v1/canned-replies/${c.id}`, { body: { title: v.title, body: v.body }, etag: tag }),
			async () => {
				const x = (await get('/api/v1/canned-replies')).items.find((y) => y.id === c.id);
				return { data: x, etag: `"v${x.version}"` };
			},
			redraw
		);
		clear(editSlot, form);
		form.elements.title.focus();
	};
	const actions = (c) => h('span.row-actions', h('button.link', { type: 'button', 'aria-label': t('admin.edit_named', { name: c.title }), on: { click: () => edit(c) } }, t('action.edit')), ' ', del(c));
	clear(body, h('h1', t('admin.canned')), table([t('admin.title'), t('admin.body'), t('lang.label'), ''], list.items.map((c) => [c.title, c.body, c.language, actions(c)])), editSlot, add);
}

/** The desk settings (GET/PUT /settings): follow-up delay, win-back lapse, default calendar. */
async function settings(body, params, redraw) {
	const [cur, cals] = await Promise.all([get('/api/v1/settings'), get('/api/v1/calendars', { limit: 200 })]);
	const num = (name, hint) => field(t(`settings.${name}`), h('input', { name, inputmode: 'numeric', value: cur[name] }), t(hint));
	const form = h(
		'form.panel.settings',
		{ novalidate: true },
		num('followup_days', 'settings.followup_hint'),
		num('winback_days', 'settings.winback_hint'),
		field(t('settings.default_calendar_id'), select('default_calendar_id', cals.items.map((c) => [c.id, c.name]), cur.default_calendar_id), t('settings.calendar_hint')),
		h('button.primary', { type: 'submit' }, t('action.save'))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const v = readControls(form, ['followup_days', 'winback_days', 'default_calendar_id']);
			const b = {};
			for (const [k, x] of Object.entries(v)) if (String(cur[k]) !== x.trim()) b[k] = /^\d+$/.test(x.trim()) ? Number(x) : x;
			if (!Object.keys(b).length) return toast(t('cedit.nothing'));
			await api('PUT', '/api/v1/settings', { body: b });
			toast(t('action.saved'));
			redraw();
		});
	});
	clear(body, h('h1', t('admin.settings')), form);
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
