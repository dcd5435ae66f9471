// login.js - staff sign-in.  Errors (wrong password, throttled) appear
// next to the field the API names; the typed user name is kept.

import { api } from '../api.js';
import { clear, field, h, submitting } from '../dom.js';
import { LANGS, lang, setLang, t } from '../i18n.js';

export function render(main, { onSignedIn }) {
	const user = h('input', { name: 'username', autocomplete: 'username', required: true });
	const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
	const form = h(
		'form.card.login',
		{ novalidate: true },
		h('h1', t('login.title')),
		h('p.muted', t('app.tagline')),
		field(t('login.username'), user),
		field(t('login.password'), pass),
		h('button.primary', { type: 'submit' }, t('login.submit'))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const { data } = await api('POST', '/api/v1/auth/login', {
				body: { username: user.value.trim(), password: pass.value },
				quiet401: true,
			});
			onSignedIn(data.user, data.csrf_token);
		});
	});
	const sw = h(
		'select.lang',
		{
			'aria-label': t('lang.label'),
			on: {
				change: async (e) => {
					const keep = [user.value, pass.value];
					await setLang(e.target.value);
					render(main, { onSignedIn });
					const f = main.querySelector('form');
					f.username.value = keep[0];
					f.password.value = keep[1];
				},
			},
		},
		LANGS.map((l) => h('option', { value: l, selected: l === lang() }, t(`lang.${l}`)))
	);
	clear(main, h('div.login-wrap', h('div.login-lang', sw), form));
	user.focus();
}
