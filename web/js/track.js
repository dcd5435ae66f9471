// track.js - the public tracking page /track/<number>: status, ETA and
// history of one parcel from GET /api/v1/track/:number, no sign-in and
// no personal data (the API sends none).

import { api } from './api.js';
import { clear, field, h } from './dom.js';
import { fmtTime, LANGS, lang, loadStrings, setLang, t } from './i18n.js';
import { statusLabel, trackingHistory } from './panels.js';
import { trackNumber } from './router.js';

const main = document.getElementById('main');

async function render() {
	const number = trackNumber(location.pathname);
	document.title = t('track.title');
	const input = h('input', { name: 'number', value: number, required: true, autocomplete: 'off', spellcheck: 'false' });
	const form = h('form.track-form', field(t('track.number'), input), h('button.primary', { type: 'submit' }, t('track.submit')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		const n = input.value.trim();
		if (n) location.assign(`/track/${encodeURIComponent(n)}`);
	});
	const sw = h(
		'select.lang',
		{ 'aria-label': t('lang.label'), on: { change: async (e) => (await setLang(e.target.value), render()) } },
		LANGS.map((l) => h('option', { value: l, selected: l === lang() }, t(`lang.${l}`)))
	);
	const result = h('section.track-result', { 'aria-live': 'polite' });
	clear(main, h('header', h('h1', t('track.title')), sw), form, result);
	if (!number) return;
	result.textContent = t('loading');
	try {
		const { data: tr } = await api('GET', `/api/v1/track/${encodeURIComponent(number)}`);
		clear(
			result,
			h(
				'div.card',
				h('div.muted', tr.carrier, ' · ', tr.tracking_number),
				h('div.track-status', statusLabel(tr, { customer: true })),
				h('p', tr.origin, ' → ', tr.destination),
				tr.delivered_at ? h('p', t('track.delivered_at', { at: fmtTime(tr.delivered_at) })) : tr.eta_at ? h('p', t('track.eta', { at: fmtTime(tr.eta_at) })) : null,
				h('h2', t('track.history')),
				trackingHistory(tr.events || [], { customer: true })
			)
		);
	} catch (e) {
		clear(result, h('p.form-error', { role: 'alert' }, e.status === 404 ? t('track.not_found', { number }) : e.message));
	}
}

loadStrings().then(render);
