// admin_settings.js - the desk settings.

import { api, get } from '../api.js';
import { clear, field, h, select, submitting, toast } from '../dom.js';
import { t } from '../i18n.js';
import { readControls } from './admin_common.js';

/** The desk settings (GET/PUT /settings): follow-up delay, win-back lapse, default calendar. */
export async function settings(body, params, redraw) {
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
