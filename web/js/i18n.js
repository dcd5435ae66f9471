// i18n.js - the language, its strings and locale-aware formatting.
//
// Strings live in /i18n/<lang>.json (flat keys); t(key, vars) replaces
// {name} placeholders.  The choice is kept in localStorage ("kefu.lang")
// and sent as Accept-Language by api.js.  Dates use Intl in the staff
// user's time zone (setTimeZone), else the browser's.

export const LANGS = ['zh-CN', 'en'];
let current = pickLang();
let strings = {};

function pickLang() {
	let saved = null;
	try {
		saved = localStorage.getItem('kefu.lang');
	} catch {
		saved = null;
	}
	if (LANGS.includes(saved)) return saved;
	return ((globalThis.navigator && navigator.language) || '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function lang() {
	return current;
}

export async function loadStrings(l = current) {
	const r = await fetch(`/i18n/${l}.json`);
	strings = await r.json();
	current = l;
	document.documentElement.lang = l;
}

/** Use dict as the strings of language l (tests, and pages that bring their own). */
export function useStrings(l, dict) {
	strings = dict;
	current = l;
}

export async function setLang(l) {
	try {
		localStorage.setItem('kefu.lang', l);
	} catch {
		/* private mode: the choice lasts this page only */
	}
	await loadStrings(l);
}

/** The string for key with {placeholders} filled; the key itself if missing. */
export function t(key, vars) {
	let s = strings[key];
	if (s === undefined) return key;
	if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
	return s;
}

/** t() for an enum value: prefix.value, falling back to the value itself. */
export function te(prefix, value) {
	if (value === null || value === undefined || value === '') return '—';
	const k = `${prefix}.${value}`;
	return strings[k] === undefined ? String(value) : strings[k];
}

const fmtCache = new Map();
let zone; /* IANA zone of the signed-in user; undefined: the browser's */

/** Show times in zone (a staff user's time_zone); an unknown zone keeps the browser's. */
export function setTimeZone(z) {
	try {
		new Intl.DateTimeFormat('en', { timeZone: z || undefined });
		zone = z || undefined;
	} catch {
		zone = undefined;
	}
	fmtCache.clear();
}

function fmt(kind) {
	const key = current + kind;
	if (!fmtCache.has(key)) {
		const o =
			kind === 'date'
				? { dateStyle: 'medium' }
				: kind === 'short'
					? { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }
					: { dateStyle: 'medium', timeStyle: 'short' };
		fmtCache.set(key, new Intl.DateTimeFormat(current, { ...o, timeZone: zone }));
	}
	return fmtCache.get(key);
}

/** A UTC-seconds time in the user's locale and zone ('' for null). */
export function fmtTime(sec, kind = 'full') {
	if (sec === null || sec === undefined) return '';
	return fmt(kind).format(new Date(sec * 1000));
}

/** A signed span of seconds as "2h 05m" / "2小时5分", negative meaning overdue. */
export function fmtSpan(sec) {
	const a = Math.abs(Math.round(sec));
	const d = Math.floor(a / 86400),
		h = Math.floor((a % 86400) / 3600),
		m = Math.floor((a % 3600) / 60);
	if (d > 0) return t('span.dh', { d, h });
	if (h > 0) return t('span.hm', { h, m });
	return t('span.m', { m });
}

export function fmtMoney(minor, currency) {
	if (minor === null || minor === undefined) return '';
	try {
		return new Intl.NumberFormat(current, { style: 'currency', currency: currency || 'CNY' }).format(minor / 100);
	} catch {
		return (minor / 100).toFixed(2) + ' ' + (currency || '');
	}
}

export function fmtNumber(n) {
	return new Intl.NumberFormat(current).format(n);
}
