// portal.js - the customer portal (/portal), phone first: sign in with
// the portal account (its own cookie and CSRF token, apart from staff),
// then a small hash-routed site of the customer's own things:
//
//   #/              hello, shortcuts, parcel tracking
//   #/orders        my orders          (portal_orders.js)
//   #/orders/:id    an order: lines, each parcel's history, a return request
//   #/tickets       my tickets         (portal_tickets.js)
//   #/tickets/new   open a ticket (?order=ID preselects the order)
//   #/tickets/:id   the public conversation, a reply, files, a complaint's
//                   solution to accept or reject
//
// Every portal call is quiet on 401: an expired session shows the sign-in
// form again and keeps the hash, so the customer lands where they were.

import { api, setCsrf } from './api.js';
import { clear, field, h, submitting, toast } from './dom.js';
import { fmtTime, LANGS, lang, loadStrings, setLang, t } from './i18n.js';
import { greetingName } from './portal_model.js';
import { makeRouter } from './router.js';

const main = document.getElementById('main');
let account = null;
let router = null;
let view = null;

function langSwitch() {
	return h(
		'select.lang',
		{ 'aria-label': t('lang.label'), on: { change: async (e) => (await setLang(e.target.value), render()) } },
		LANGS.map((l) => h('option', { value: l, selected: l === lang() }, t(`lang.${l}`)))
	);
}

function renderLogin() {
	const login = h('input', { name: 'login', autocomplete: 'username', required: true, inputmode: 'email' });
	const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
	const form = h('form.card.login', { novalidate: true }, h('h2', t('portal.signin')), field(t('portal.login'), login), field(t('login.password'), pass), h('button.primary', { type: 'submit' }, t('login.submit')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const { data } = await api('POST', '/api/v1/portal/login', { body: { login: login.value.trim(), password: pass.value }, quiet401: true });
			account = data.account;
			setCsrf(data.csrf_token);
			render();
		});
	});
	clear(main, h('header', h('h1', t('portal.title')), langSwitch()), form, trackBox());
	login.focus();
}

/** The tracking box: goes to the public tracking page of the number typed. */
export function trackBox() {
	const n = h('input', { name: 'number', required: true, autocomplete: 'off' });
	const form = h('form.card.track-form', field(t('track.number'), n), h('button', { type: 'submit' }, t('track.submit')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		if (n.value.trim()) location.assign(`/track/${encodeURIComponent(n.value.trim())}`);
	});
	return h('section', { 'aria-label': t('track.title') }, h('h2', t('track.title')), form);
}

function nav() {
	const links = [
		['#/orders', 'portal.nav.orders'],
		['#/tickets', 'portal.nav.tickets'],
		['#/tickets/new', 'portal.nav.new_ticket'],
	];
	return h('nav.portal-nav', { 'aria-label': t('portal.nav.label') }, links.map(([href, key]) => h('a', { href, dataset: { nav: href } }, t(key))));
}

/** Mark the nav link of the current page (aria-current): the exact one, else the longest prefix. */
function markNav() {
	const path = (location.hash || '#/').split('?')[0];
	const links = [...main.querySelectorAll('.portal-nav a')];
	const hit = links.find((a) => a.dataset.nav === path) || links.filter((a) => path.startsWith(a.dataset.nav + '/')).sort((a, b) => b.dataset.nav.length - a.dataset.nav.length)[0];
	for (const a of links) {
		if (a === hit) a.setAttribute('aria-current', 'page');
		else a.removeAttribute('aria-current');
	}
}

/** Open a pending survey: a fresh one-time link from the API, then its page. */
async function openSurvey(s) {
	try {
		const { data } = await api('POST', `/api/v1/portal/surveys/${s.id}/link`, { quiet401: true });
		location.assign(data.url);
	} catch (e) {
		if (e.status === 401) return signedOut();
		toast(e.status === 410 ? t('portal.surveys.expired') : e.message || t('error.generic'), 'error');
	}
	return null;
}

/** The pending surveys (GET /portal/surveys), each with its link; nothing when there are none. */
function surveysBox() {
	const box = h('section.card.portal-surveys', { hidden: true, 'aria-label': t('portal.surveys.title') });
	api('GET', '/api/v1/portal/surveys', { quiet401: true })
		.then(({ data }) => {
			const items = (data && data.items) || [];
			if (!items.length) return;
			const what = (s) => (s.ticket_number ? t('portal.surveys.ticket', { number: s.ticket_number }) : t('portal.surveys.order', { number: s.order_number || '' }));
			clear(
				box,
				h('h2', t('portal.surveys.title')),
				h(
					'ul.portal-list',
					items.map((s) =>
						h(
							'li',
							h('strong', what(s)),
							' ',
							h('span.muted', t('portal.surveys.until', { at: fmtTime(s.expires_at, 'date') })),
							' ',
							h('button.primary', { type: 'button', dataset: { survey: s.id }, on: { click: () => openSurvey(s) } }, t('portal.surveys.answer'))
						)
					)
				)
			);
			box.hidden = false;
		})
		.catch(() => null); /* an account without a customer record has no surveys */
	return box;
}

function renderHome(el) {
	const name = greetingName(account);
	clear(
		el,
		h('section.card.hello', h('h2', name ? t('portal.hello', { name }) : t('portal.hello_anon')), h('p.muted', account.login)),
		surveysBox(),
		h(
			'ul.portal-tiles',
			h('li', h('a.tile', { href: '#/orders' }, h('strong', t('portal.nav.orders')), h('span.muted', t('portal.orders.hint')))),
			h('li', h('a.tile', { href: '#/tickets' }, h('strong', t('portal.nav.tickets')), h('span.muted', t('portal.tickets.hint')))),
			h('li', h('a.tile', { href: '#/tickets/new' }, h('strong', t('portal.nav.new_ticket')), h('span.muted', t('portal.new.hint'))))
		),
		trackBox()
	);
}

/** A page module loader that shows a 401 as the sign-in form and other errors in the page. */
function page(load, name) {
	return async () => {
		const mod = typeof load === 'function' ? await load() : load;
		return {
			render: async (el, params) => {
				if (!account) return null;
				try {
					return await mod[name](el, params, { account, onSignedOut: signedOut });
				} catch (e) {
					if (e.status === 401) return signedOut();
					clear(el, h('p.form-error', { role: 'alert' }, e.message || t('error.generic')));
					return null;
				}
			},
		};
	};
}

const orders = () => import('./portal_orders.js');
const tickets = () => import('./portal_tickets.js');
const ROUTES = [
	['/', page({ renderHome }, 'renderHome')],
	['/orders', page(orders, 'renderOrders')],
	['/orders/:id', page(orders, 'renderOrder')],
	['/tickets', page(tickets, 'renderTickets')],
	['/tickets/new', page(tickets, 'renderNewTicket')],
	['/tickets/:id', page(tickets, 'renderTicket')],
];

function renderShell() {
	const out = h('button', { type: 'button', on: { click: signOut } }, t('nav.signout'));
	view = h('div#view');
	clear(main, h('header.portal-head', h('h1', h('a', { href: '#/' }, t('portal.title'))), h('div.row', langSwitch(), out)), nav(), view);
	if (!router) {
		router = makeRouter(ROUTES, () => view, () => clear(view, h('p.form-error', { role: 'alert' }, t('portal.not_found'))));
		window.addEventListener('hashchange', () => {
			markNav();
			main.focus({ preventScroll: true });
		});
	}
	markNav();
	router.go();
}

function signedOut() {
	account = null;
	setCsrf('');
	render();
	return null;
}

async function signOut() {
	await api('POST', '/api/v1/portal/logout', { quiet401: true }).catch(() => null);
	location.hash = '';
	signedOut();
}

function render() {
	document.title = t('portal.title');
	if (account) renderShell();
	else renderLogin();
}

async function boot() {
	await loadStrings();
	try {
		const { data } = await api('GET', '/api/v1/portal/me', { quiet401: true });
		account = data;
		setCsrf(data.csrf_token);
	} catch {
		account = null;
	}
	render();
}

boot();
