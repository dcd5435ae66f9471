// quote_model.js - the pure part of the quote form: what the user typed
// (kg, cm, money in major units) to a POST /api/v1/quotes/preview body
// (grams, millimetres, minor units), the API's field names back to the
// form's, and the labels of an answer in the UI language.  No DOM.

import { lang } from './i18n.js';

/**
 * A non-negative decimal string as an integer count of 1/scale units,
 * exactly (no floating point): ('1.25', 1000) -> 1250.  null when s is
 * not a number or has more decimals than scale allows.
 */
export function toUnits(s, scale) {
	const str = String(s ?? '').trim().replace(/,/g, '');
	const m = /^(\d+)(?:\.(\d*))?$/.exec(str);
	if (!m) return null;
	const digits = String(scale).length - 1; /* scale is 1, 10, 100, 1000 */
	const frac = m[2] || '';
	if (frac.replace(/0+$/, '').length > digits) return null;
	const n = Number(m[1]) * scale + (digits ? Number((frac + '0'.repeat(digits)).slice(0, digits)) : 0);
	return Number.isSafeInteger(n) ? n : null;
}

/** The form's fields: name -> [request key, scale]. */
const NUMS = {
	weight_kg: ['weight_g', 1000],
	length_cm: ['length_mm', 10],
	width_cm: ['width_mm', 10],
	height_cm: ['height_mm', 10],
	unit_price: ['unit_price', 100],
	quantity: ['quantity', 1],
	declared_value: ['declared_value', 100],
};

/** The API's error fields -> the form's control names (for showError). */
export const FIELD_ALIASES = {
	weight_g: 'weight_kg',
	length_mm: 'length_cm',
	width_mm: 'width_cm',
	height_mm: 'height_cm',
	destination: 'postcode',
	'destination.postcode': 'postcode',
	'destination.region': 'region',
	postcode: 'postcode',
	region: 'region',
};

/**
 * The request body for values (form values as strings, checkboxes as
 * booleans).  Returns {body} or {error: {field, code}} naming the form
 * control whose value is not a number (code 'number').
 */
export function quoteRequest(v) {
	const body = {};
	if (v.card_id) body.card_id = Number(v.card_id);
	for (const [name, [key, scale]] of Object.entries(NUMS)) {
		const s = String(v[name] ?? '').trim();
		if (s === '') continue;
		const n = toUnits(s, scale);
		if (n === null) return { error: { field: name, code: 'number' } };
		body[key] = n;
	}
	const dest = {};
	if (String(v.postcode ?? '').trim()) dest.postcode = String(v.postcode).trim();
	if (String(v.region ?? '').trim()) dest.region = String(v.region).trim();
	if (Object.keys(dest).length) body.destination = dest;
	if (v.hazardous) body.hazardous = true;
	if (v.special_handling) body.special_handling = true;
	if (v.pickup) body.pickup = true;
	if (v.terms) body.terms = v.terms;
	return { body };
}

/** A quote line's label in the UI language. */
export function lineLabel(l, l10n = lang()) {
	return (l10n === 'en' ? l.label_en : l.label_zh) || l.label_en || l.label_zh || l.code;
}

/** Grams as kilograms for display: 12500 -> '12.5'. */
export function kg(g) {
	return String(Math.round(g) / 1000);
}

/** True when the answer's lines add up to its total (a sanity check the page shows). */
export function linesAddUp(q) {
	return (q.lines || []).reduce((s, l) => s + l.amount, 0) === q.total;
}
