// report_model.js - the pure part of the report pages (no DOM): period
// presets, the request query, cell formatting by column type, sorting,
// the chart a report gets, the Pareto series, and where a row's
// drill-down path leads in the workspace.
//
// The API's report (GET /api/v1/reports/{name}) is {report, title_en,
// title_zh, from, to, by, columns:[{key,label_en,label_zh,type}], rows,
// drill:[path|null], note, note_zh}; type is text, int, num, rate (0..1),
// money (minor units) or seconds.  Text cells may be report codes
// (champions, tangibles, express…: shown through the rcode.* strings) or
// bilingual labels "中文 / English" (shown in the page's language).

import { fmtMoney, fmtNumber, lang, t } from './i18n.js';

export const PRESETS = ['today', '7d', '30d', 'month', 'custom'];
export const TIME_BYS = ['day', 'week', 'month'];
const NUMERIC = new Set(['int', 'num', 'rate', 'money', 'seconds']);

/** YYYY-MM-DD of instant ms in zone (the browser's when undefined). */
export function localDate(ms, zone) {
	const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms));
	const get = (k) => parts.find((p) => p.type === k).value;
	return `${get('year')}-${get('month')}-${get('day')}`;
}

/** date (YYYY-MM-DD) plus n days. */
export function addDays(date, n) {
	const [y, m, d] = date.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** {from, to} (both days included) of a preset at instant nowMs in zone; null for custom. */
export function presetRange(preset, nowMs, zone) {
	const today = localDate(nowMs, zone);
	if (preset === 'today') return { from: today, to: today };
	if (preset === '7d') return { from: addDays(today, -6), to: today };
	if (preset === '30d') return { from: addDays(today, -29), to: today };
	if (preset === 'month') return { from: today.slice(0, 8) + '01', to: today };
	return null;
}

/** The report request's query: period, by, zone and the options kept from the page's hash. */
export function reportQuery({ from, to, by, tz, options = {} }) {
	const q = { ...options };
	if (from) q.from = from;
	if (to) q.to = to;
	if (by) q.by = by;
	if (tz) q.tz = tz;
	return q;
}

export function isNumeric(type) {
	return NUMERIC.has(type);
}

/** A duration in seconds as "1d 3h", "2h 05m", "4m", "45s". */
export function fmtDuration(sec) {
	const a = Math.round(Math.abs(sec));
	const sign = sec < 0 ? '-' : '';
	if (a < 60) return sign + t('span.s', { s: a });
	const d = Math.floor(a / 86400),
		h = Math.floor((a % 86400) / 3600),
		m = Math.floor((a % 3600) / 60);
	if (d > 0) return sign + t('span.dh', { d, h });
	if (h > 0) return sign + t('span.hm', { h, m: String(m).padStart(2, '0') });
	return sign + t('span.m', { m });
}

/** One cell as text for its column type, in the page's locale; null is '—'. */
export function fmtCell(v, type, currency = 'CNY') {
	if (v === null || v === undefined || v === '') return '—';
	switch (type) {
		case 'int':
			return fmtNumber(v);
		case 'num':
			return new Intl.NumberFormat(lang(), { maximumFractionDigits: 2 }).format(v);
		case 'rate':
			return new Intl.NumberFormat(lang(), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
		case 'money':
			return fmtMoney(v, currency);
		case 'seconds':
			return fmtDuration(v);
		default:
			return String(v);
	}
}

/**
 * A text cell for people: a report code (an RFM segment, a SERVQUAL
 * dimension, a lifecycle stage, a transport mode…) through the strings
 * rcode.<column>.<code> or rcode.<code>, a "中文 / English" label as the
 * page language's half, other text as it is; empty is '—'.
 */
export function textCell(v, key = '') {
	if (v === null || v === undefined || v === '') return '—';
	const s = String(v);
	for (const k of [`rcode.${key}.${s}`, `rcode.${s}`]) {
		const r = t(k);
		if (r !== k) return r;
	}
	return localLabel(s);
}

/** A cell of column c for people: text through textCell, numbers by fmtCell. */
export function showCell(v, c) {
	return c.type === 'text' ? textCell(v, c.key) : fmtCell(v, c.type);
}

/** The note under a report in the page's language (the API's note is English, note_zh Chinese). */
export function reportNote(r) {
	return (lang() === 'en' ? r.note : r.note_zh || r.note) || '';
}

/** Indices of the columns a table shows: the "group" key is left out when a "name" column says it for people. */
export function shownColumns(columns) {
	const named = columns.some((c) => c.key === 'name');
	return columns.map((_, i) => i).filter((i) => !(named && columns[i].key === 'group'));
}

/**
 * A label per row for the chart: the "name" column; else the text columns
 * (the "group" key aside) whose values differ between rows, at most two,
 * joined by " · " (SERVQUAL: the dimension; with two kinds, kind · dimension);
 * else a customer number for a customer_id column, the first cell otherwise.
 */
export function rowLabels(columns, rows) {
	const n = columns.findIndex((c) => c.key === 'name');
	if (n >= 0) return rows.map((r) => textCell(r[n], 'name'));
	const text = columns.map((c, i) => [c, i]).filter(([c, i]) => c.type === 'text' && c.key !== 'group' && new Set(rows.map((r) => r[i])).size > 1);
	if (text.length) return rows.map((r) => text.slice(0, 2).map(([c, i]) => textCell(r[i], c.key)).join(' · '));
	const id = columns.findIndex((c) => c.key === 'customer_id');
	if (id >= 0) return rows.map((r) => t('reports.customer_no', { id: r[id] }));
	const first = labelColumn(columns);
	return rows.map((r) => showCell(r[first], columns[first] || { type: 'text' }));
}

/** The label of column c in the page's language. */
export function colLabel(c) {
	return (lang() === 'en' ? c.label_en : c.label_zh) || c.key;
}

/** Index of the report's total row (its "group" cell is "total"), or -1. */
export function totalRow(columns, rows) {
	const g = columns.findIndex((c) => c.key === 'group');
	return g < 0 ? -1 : rows.findIndex((r) => r[g] === 'total');
}

/**
 * A bilingual label "中文 / English" (the reports' convention) in the
 * page's language; any other text as it is.
 */
export function localLabel(s) {
	const parts = String(s).split(' / ');
	if (parts.length !== 2) return String(s);
	return lang() === 'en' ? parts[1] : parts[0];
}

/**
 * Row indices sorted by column col (asc or desc); nulls always last, text
 * by the locale's collation, ties kept in the report's order; the total
 * row (index total, -1 = none) stays last.
 */
export function sortOrder(rows, col, dir, type, total = -1) {
	const idx = rows.map((_, i) => i);
	if (col < 0) return idx;
	const s = dir === 'desc' ? -1 : 1;
	const coll = new Intl.Collator(lang());
	return idx.sort((a, b) => {
		if (a === total || b === total) return a === total ? 1 : -1;
		const x = rows[a][col],
			y = rows[b][col];
		const xn = x === null || x === undefined,
			yn = y === null || y === undefined;
		if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1;
		const c = isNumeric(type) ? x - y : coll.compare(String(x), String(y));
		return c ? s * c : a - b;
	});
}

/**
 * The chart a report gets: 'line' over days, weeks or months; 'pareto'
 * for a Pareto report (named so, or with a cumulative_share column);
 * else 'bar'.
 */
export function chartKind(name, by, columns = []) {
	if (TIME_BYS.includes(by)) return 'line';
	if (/pareto/.test(name || '') || columns.some((c) => c.key === 'cumulative_share')) return 'pareto';
	return 'bar';
}

/** The column that names a row: "name" when there is one, else the first text column (0 when none). */
export function labelColumn(columns) {
	const n = columns.findIndex((c) => c.key === 'name');
	if (n >= 0) return n;
	return Math.max(0, columns.findIndex((c) => c.type === 'text'));
}

/** Columns that are the figure a report is about, charted first when present (CLV, the SERVQUAL gap). */
const HEADLINE = ['clv', 'gap'];

/** The column a report's chart shows first: its headline figure, else the first count or amount (not a share, not an id), or -1. */
export function chartColumn(columns) {
	const head = columns.findIndex((c) => HEADLINE.includes(c.key) && isNumeric(c.type));
	if (head >= 0) return head;
	const i = columns.findIndex((c) => isNumeric(c.type) && c.type !== 'rate' && !/(^|_)id$/.test(c.key));
	return i >= 0 ? i : columns.findIndex((c) => isNumeric(c.type));
}

/**
 * A Pareto series of [[label, value]]: largest first, with the cumulative
 * share of the total after each bar (0..1); negative and null values drop.
 */
export function paretoSeries(pairs) {
	const kept = pairs.filter(([, v]) => typeof v === 'number' && v > 0).sort((a, b) => b[1] - a[1]);
	const total = kept.reduce((n, [, v]) => n + v, 0);
	let run = 0;
	return kept.map(([label, v]) => {
		run += v;
		return { label, value: v, cum: total ? run / total : 0 };
	});
}

/** Keys of the ticket list that the inbox passes to the API unchanged in its drill view. */
const LISTS = [
	[/^\/api\/v1\/tickets\/?$/, '#/inbox/drill'],
	[/^\/api\/v1\/customers\/?$/, '#/customers'],
	[/^\/api\/v1\/orders\/?$/, '#/orders'],
];

/**
 * Where a row's drill-down path opens in the workspace: a ticket list
 * (/api/v1/tickets?…) becomes the inbox with those filters, a customer or
 * order list the customer or order list page, one record its page; null
 * when the workspace has no view for it.
 */
export function drillHash(path) {
	if (!path || typeof path !== 'string') return null;
	const [p, qs = ''] = path.split('?');
	for (const [re, hash] of LISTS) if (re.test(p)) return qs ? `${hash}?${qs}` : hash;
	const one = /^\/api\/v1\/(tickets|customers)\/(\d+)$/.exec(p);
	if (one) return `#/${one[1]}/${one[2]}`;
	return null;
}
