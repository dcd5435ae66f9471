// portal.js - the customer portal (/portal), phone first: sign in with
// the portal account (its own cookie and CSRF token, apart from staff),
// the account, parcel tracking and sign out.
//
// The API offers the portal only login, logout and me so far; orders,
// tickets, returns and complaint confirmation need portal endpoints
// (docs/web.md lists them) before these pages can show them.

import { api, setCsrf } from './api.js';
import { clear, field, h, submitting } from './dom.js';
import { LANGS, lang, loadStrings, setLang, t } from './i18n.js';

const main = document.getElementById('main');
let account = null;

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

function trackBox() {
	const n = h('input', { name: 'number', required: true, autocomplete: 'off' });
	const form = h('form.card.track-form', field(t('track.number'), n), h('button', { type: 'submit' }, t('track.submit')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		if (n.value.trim()) location.assign(`/track/${encodeURIComponent(n.value.trim())}`);
	});
	return h('section', { 'aria-label': t('track.title') }, h('h2', t('track.title')), form);
}

function renderHome() {
	const out = h('button', { type: 'button', on: { click: signOut } }, t('nav.signout'));
	clear(
		main,
		h('header', h('h1', t('portal.title')), h('div.row', langSwitch(), out)),
		h('section.card', h('h2', t('portal.hello', { name: account.display_name || account.login })), h('p.muted', account.login)),
		trackBox()
	);
}

async function signOut() {
	await api('POST', '/api/v1/portal/logout', { quiet401: true }).catch(() => null);
	account = null;
	setCsrf('');
	render();
}

function render() {
	document.title = t('portal.title');
	if (account) renderHome();
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
