// app.js - the staff workspace: session, shell (nav, search, language), routes.
//
// On start it loads the strings, asks /api/v1/me for the session (and its
// CSRF token) and either shows the sign-in page or the route in the hash.
// The shell's global keys: '/' focuses search, 'c' a new ticket, '?' help.

import { api, setCsrf, setUnauthorisedHandler } from './api.js';
import { clear, h } from './dom.js';
import { LANGS, lang, loadStrings, setLang, setTimeZone, t } from './i18n.js';
import { makeRouter, navigate } from './router.js';
import { bell } from './notify.js';
import { session } from './session.js';

const routes = [
	['/', () => import('./pages/inbox.js')],
	['/inbox', () => import('./pages/inbox.js')],
	['/inbox/:view', () => import('./pages/inbox.js')],
	['/tickets/new', () => import('./pages/ticket_new.js')],
	['/tickets/:id', () => import('./pages/ticket.js')],
	['/search', () => import('./pages/search.js')],
	['/customers', () => import('./pages/lists.js').then((m) => ({ render: m.customers }))],
	['/customers/:id', () => import('./pages/customer.js')],
	['/orders', () => import('./pages/lists.js').then((m) => ({ render: m.orders }))],
	['/reports', () => import('./pages/reports.js')],
	['/reports/:name', () => import('./pages/reports.js')],
	['/quotes', () => import('./pages/quotes.js')],
	['/dashboard', () => import('./pages/dashboard.js')],
	['/admin', () => import('./pages/admin.js')],
	['/admin/:section', () => import('./pages/admin.js')],
];

const NAV = [
	['#/inbox', 'nav.inbox', 'ticket.read'],
	['#/dashboard', 'nav.dashboard', 'metrics.read'],
	['#/reports', 'nav.reports', 'report.read'],
	['#/quotes', 'nav.quotes', 'order.read'],
	['#/admin', 'nav.admin', 'desk.admin'],
];

const main = document.getElementById('main');
const top = document.getElementById('top');
let router = null;

function can(perm) {
	return !!session.user && session.user.permissions.includes(perm);
}

function langSwitch(onChange) {
	return h(
		'select.lang',
		{
			'aria-label': t('lang.label'),
			on: {
				change: async (e) => {
					await setLang(e.target.value);
					onChange();
				},
			},
		},
		LANGS.map((l) => h('option', { value: l, selected: l === lang() }, t(`lang.${l}`)))
	);
}

/**
 * The skip link focuses the main element without routing ("#main" is not a
 * page), and speaks the user's language.
 */
function skipLink() {
	const a = document.querySelector('a.skip');
	if (!a) return;
	a.textContent = t('nav.skip');
	if (a.dataset.bound) return;
	a.dataset.bound = '1';
	a.addEventListener('click', (e) => {
		e.preventDefault();
		main.focus();
	});
}

function renderShell() {
	top.hidden = false;
	skipLink();
	const q = h('input#global-search', { type: 'search', name: 'q', placeholder: t('search.placeholder'), 'aria-label': t('search.label') });
	const form = h(
		'form.global-search',
		{
			role: 'search',
			on: {
				submit: (e) => {
					e.preventDefault();
					if (q.value.trim()) navigate('#/search?q=' + encodeURIComponent(q.value.trim()));
				},
			},
		},
		q
	);
	clear(
		top,
		h('a.brand', { href: '#/inbox' }, t('app.name')),
		h(
			'nav',
			{ 'aria-label': t('nav.label') },
			NAV.filter(([, , p]) => can(p)).map(([href, key]) => h('a', { href, dataset: { nav: href } }, t(key)))
		),
		form,
		langSwitch(() => {
			renderShell();
			router.go();
		}),
		bell(),
		h('span.who', { title: session.user.role }, session.user.display_name || session.user.username),
		h('button.link#signout', { type: 'button', on: { click: signOut } }, t('nav.signout'))
	);
	markNav();
}

function markNav() {
	for (const a of top.querySelectorAll('nav a'))
		a.toggleAttribute('aria-current', location.hash.startsWith(a.dataset.nav) || (a.dataset.nav === '#/inbox' && /^#?\/?$|^#\/tickets/.test(location.hash)));
}

async function signOut() {
	try {
		await api('POST', '/api/v1/auth/logout', { quiet401: true });
	} catch {
		/* the session is gone either way */
	}
	session.user = null;
	setCsrf('');
	showLogin();
}

function showLogin() {
	top.hidden = true;
	import('./pages/login.js').then((m) =>
		m.render(main, {
			onSignedIn: (user, csrf) => {
				session.user = user;
				setCsrf(csrf);
				start();
			},
		})
	);
}

function start() {
	setTimeZone(session.user.time_zone);
	renderShell();
	if (!router)
		router = makeRouter(
			routes,
			() => {
				markNav();
				return main;
			},
			(path) => clear(main, h('div.empty', t('error.no_page', { path })))
		);
	router.go();
}

function globalKeys(e) {
	if (!session.user || e.ctrlKey || e.metaKey || e.altKey) return;
	const tag = (e.target.tagName || '').toLowerCase();
	if (tag === 'input' || tag === 'textarea' || tag === 'select' || e.target.isContentEditable) return;
	if (e.key === '/') {
		e.preventDefault();
		document.getElementById('global-search')?.focus();
	} else if (e.key === 'c' && can('ticket.write')) {
		e.preventDefault();
		navigate('#/tickets/new');
	} else if (e.key === '?') {
		import('./pages/help.js').then((m) => m.show());
	}
}

async function boot() {
	// The strings and the session in parallel: two round trips become one.
	const meP = api('GET', '/api/v1/me', { quiet401: true }).then(
		(r) => r.data,
		() => null
	);
	await loadStrings();
	document.title = t('app.name');
	skipLink();
	setUnauthorisedHandler(() => {
		if (session.user) {
			session.user = null;
			showLogin();
		}
	});
	document.addEventListener('keydown', globalKeys);
	const me = await meP;
	if (!me) return showLogin();
	session.user = me;
	setCsrf(me.csrf_token);
	start();
}

boot();
