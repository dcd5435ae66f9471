// admin_teams.js - teams: routing mode, calendar, members with their
// language and category skills.

import { api, ApiError, get } from '../api.js';
import { clear, field, formValues, h, select, submitting, toast } from '../dom.js';
import { t } from '../i18n.js';
import { can, forget } from '../session.js';
import { memberBody } from './admin_forms.js';
import { createForm, renameForm, table } from './admin_common.js';

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

export async function teams(body, params, redraw) {
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
