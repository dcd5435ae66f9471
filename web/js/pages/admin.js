// admin.js - desk administration: users and roles, teams, SLA policies,
// business calendars with holidays (and an SLA preview that shows a
// holiday moving a due time), categories, canned replies, the desk
// settings, the audit log, event consumers and the mail channel.  Each
// section lives in its own module (admin_<section>.js; what they share in
// admin_common.js); this one draws the section menu and the chosen
// section.  Every change goes through the audited API; edits send
// If-Match, and a 412 reloads the record (new ETag) while the user's typed
// values stay in the form (../conflict.js).

import { clear, h } from '../dom.js';
import { t } from '../i18n.js';
import { can } from '../session.js';
import { audit } from './admin_audit.js';
import { events } from './admin_events.js';
import { mail } from './admin_mail.js';
import { calendars } from './admin_calendars.js';
import { canned } from './admin_canned.js';
import { cats } from './admin_categories.js';
import { settings } from './admin_settings.js';
import { sla } from './admin_sla.js';
import { teams } from './admin_teams.js';
import { users } from './admin_users.js';

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
	['mail', 'mail.admin'],
];

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
	const draw = { calendars, sla, teams, categories: cats, canned, settings, users, audit, events, mail }[section];
	const redraw = () => draw(body, params, redraw).catch((e) => clear(body, h('p.form-error', { role: 'alert' }, e.message)));
	await redraw();
}
