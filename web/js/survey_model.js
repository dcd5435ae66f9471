// survey_model.js - the pure part of the public survey page: the token in
// the path, the questions' scales, and the answer built from the form's
// values with the checks the server makes (so errors show before a round
// trip; the server checks again and its errors land next to the field).

export const SCALES = {
	csat: { min: 1, max: 5 },
	ces: { min: 1, max: 7 },
	nps: { min: 0, max: 10 },
};
export const DIMENSIONS = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'];

/** The token in a /survey/<token> path ('' when none). */
export function surveyToken(p) {
	const m = /^\/survey\/([A-Za-z0-9_-]{1,63})\/?$/.exec(p || '');
	return m ? m[1] : '';
}

/** The UI language of an invitation's language ("zh" / "en"). */
export function uiLang(language) {
	return language === 'en' ? 'en' : 'zh-CN';
}

/**
 * The body to POST from values (name -> string, as FormData gives them):
 * {answer} or {error: {field, key}} where key is an i18n key.
 */
export function buildAnswer(values, withServqual) {
	const answer = {};
	let n = 0;
	for (const [q, s] of Object.entries(SCALES)) {
		if (values[q] === undefined || values[q] === '') continue;
		const v = Number(values[q]);
		if (!Number.isInteger(v) || v < s.min || v > s.max) return { error: { field: q, key: 'survey.err_range' } };
		answer[q] = v;
		n++;
	}
	if (withServqual) {
		for (const d of DIMENSIONS) {
			const e = values[`servqual.${d}.expectation`], p = values[`servqual.${d}.perception`];
			if (!e && !p) continue;
			if (!e) return { error: { field: `servqual.${d}.expectation`, key: 'survey.err_pair' } };
			if (!p) return { error: { field: `servqual.${d}.perception`, key: 'survey.err_pair' } };
			answer.servqual = answer.servqual || {};
			answer.servqual[d] = { expectation: Number(e), perception: Number(p) };
			n++;
		}
	}
	const comment = (values.comment || '').trim();
	if (comment) answer.comment = comment;
	if (n === 0) return { error: { field: null, key: 'survey.err_empty' } };
	return { answer };
}

/** The page state an API error means: used, expired, missing, or null (show it in the form). */
export function stateOfError(e) {
	if (e && e.status === 409 && e.code === 'survey_used') return 'used';
	if (e && e.status === 410) return 'expired';
	if (e && e.status === 404) return 'missing';
	if (e && e.status === 429) return 'limited';
	return null;
}
