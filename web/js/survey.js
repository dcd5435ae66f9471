// survey.js - the public survey page /survey/<token>: no sign-in (the
// link's token is the credential), phone-sized, in the invitation's
// language until the reader picks another.  Questions are radio groups
// drawn as number buttons (arrow keys move, space picks) with the scale's
// meaning at both ends; errors sit next to their question; after the
// answer a thank-you, and for a used, expired or unknown link a plain
// explanation.  The form comes from GET /api/v1/surveys/:token and goes
// back with POST.

import { api, ApiError } from './api.js';
import { clear, clearErrors, h, showError } from './dom.js';
import { LANGS, lang, loadStrings, setLang, t } from './i18n.js';
import { buildAnswer, DIMENSIONS, SCALES, stateOfError, surveyToken, uiLang } from './survey_model.js';

const main = document.getElementById('main');
const token = surveyToken(location.pathname);
let form = null; /* the API's form, once loaded */
let state = 'loading'; /* loading, form, thanks, used, expired, missing, limited */
let chosen = false; /* the reader picked a language on a survey page: keep it */
let kept = {}; /* answers already given, kept across a language switch */

function langSwitch() {
	return h(
		'select.lang',
		{
			'aria-label': t('lang.label'),
			on: {
				change: async (e) => {
					kept = values();
					chosen = true;
					try {
						sessionStorage.setItem('kefu.survey.lang', e.target.value);
					} catch {
						/* private mode: the choice lasts this page only */
					}
					await setLang(e.target.value);
					render();
				},
			},
		},
		LANGS.map((l) => h('option', { value: l, selected: l === lang() }, t(`lang.${l}`)))
	);
}

/** One question: a radio group of min..max with the scale's end labels. */
function scale(name, legend, min, max, lowKey, highKey) {
	const err = h('div.field-error', { id: `q-${name.replace(/\./g, '-')}-err`, role: 'alert' });
	const opts = [];
	for (let v = min; v <= max; v++) {
		const id = v === min ? `q-${name.replace(/\./g, '-')}` : undefined;
		const stars = name === 'csat';
		const input = h('input', {
			type: 'radio',
			name,
			value: String(v),
			id,
			checked: kept[name] === String(v),
			'aria-describedby': err.id,
			'aria-label': stars ? `${v} – ${t(`survey.csat.${v}`)}` : undefined,
		});
		opts.push(h('label.pick', { title: stars ? t(`survey.csat.${v}`) : undefined }, input, h('span', stars ? `${v}★` : String(v))));
	}
	return h(
		'fieldset.question',
		h('legend', legend),
		h(`div.picks.n${max - min + 1}`, opts),
		h('div.ends', h('span', t(lowKey)), h('span', t(highKey))),
		err
	);
}

function servqualBlock() {
	const rows = DIMENSIONS.map((d) =>
		h(
			'section.dimension',
			h('h3', t(`survey.dim.${d}`)),
			h('p.hint', t(`survey.dim_hint.${d}`)),
			scale(`servqual.${d}.expectation`, t('survey.expectation'), 1, 7, 'survey.low7', 'survey.high7'),
			scale(`servqual.${d}.perception`, t('survey.perception'), 1, 7, 'survey.low7', 'survey.high7')
		)
	);
	return h('section.servqual', h('h2', t('survey.servqual_title')), h('p.hint', t('survey.servqual_hint')), rows);
}

function values() {
	const el = main.querySelector('form');
	const out = {};
	if (!el) return kept;
	for (const [k, v] of new FormData(el)) if (typeof v === 'string') out[k] = v;
	return out;
}

function about() {
	if (form.ticket_number) return t('survey.about_ticket', { number: form.ticket_number, subject: form.subject || '' });
	if (form.order_number) return t('survey.about_order', { number: form.order_number });
	return '';
}

async function submit(e) {
	e.preventDefault();
	const el = e.target;
	clearErrors(el);
	const { answer, error } = buildAnswer(values(), (form.questions || []).includes('servqual'));
	if (error) return showError(el, new ApiError(400, 'invalid', t(error.key), error.field));
	const btn = el.querySelector('button[type=submit]');
	btn.disabled = true;
	try {
		await api('POST', `/api/v1/surveys/${encodeURIComponent(token)}`, { body: answer });
		state = 'thanks';
		render();
	} catch (err) {
		const s = stateOfError(err);
		if (s) {
			state = s;
			render();
		} else showError(el, err);
	} finally {
		btn.disabled = false;
	}
}

function formView() {
	const q = form.questions || [];
	return h(
		'form.survey-form',
		{ on: { submit }, novalidate: true },
		h('div.form-error', { role: 'alert' }),
		q.includes('csat') ? scale('csat', t('survey.q_csat'), SCALES.csat.min, SCALES.csat.max, 'survey.low_csat', 'survey.high_csat') : null,
		q.includes('ces') ? scale('ces', t('survey.q_ces'), SCALES.ces.min, SCALES.ces.max, 'survey.low7', 'survey.high7') : null,
		q.includes('nps') ? scale('nps', t('survey.q_nps'), SCALES.nps.min, SCALES.nps.max, 'survey.low_nps', 'survey.high_nps') : null,
		q.includes('servqual') ? servqualBlock() : null,
		h(
			'div.field',
			h('label', { for: 'q-comment' }, t('survey.comment')),
			h('textarea', { id: 'q-comment', name: 'comment', rows: 3, maxlength: 2000, 'aria-describedby': 'q-comment-err' }, kept.comment || ''),
			h('div.field-error', { id: 'q-comment-err', role: 'alert' })
		),
		h('p.hint', t('survey.optional')),
		h('button.primary', { type: 'submit' }, t('survey.submit'))
	);
}

function stateView() {
	const icon = state === 'thanks' ? '✓' : 'ⓘ';
	return h('section.survey-state', { role: 'status', dataset: { state } }, h('div.survey-icon', { 'aria-hidden': 'true' }, icon), h('h2', t(`survey.state.${state}`)), h('p', t(`survey.state_text.${state}`)));
}

function render() {
	document.title = t('survey.title');
	const head = h('header', h('h1', t('survey.title')), langSwitch());
	if (state === 'loading') return clear(main, head, h('p', t('loading')));
	if (state !== 'form') return clear(main, head, stateView());
	return clear(main, head, h('p.survey-about', about()), h('p.muted', t('survey.intro')), formView());
}

async function start() {
	await loadStrings();
	chosen = (() => {
		try {
			return !!sessionStorage.getItem('kefu.survey.lang');
		} catch {
			return false;
		}
	})();
	render();
	if (!token) {
		state = 'missing';
		return render();
	}
	try {
		({ data: form } = await api('GET', `/api/v1/surveys/${encodeURIComponent(token)}`));
		state = 'form';
		if (!chosen && uiLang(form.language) !== lang()) await loadStrings(uiLang(form.language));
	} catch (e) {
		state = stateOfError(e) || 'missing';
	}
	render();
}

start();
