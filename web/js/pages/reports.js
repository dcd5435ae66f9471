// reports.js - the reports (report.read): #/reports lists them (GET
// /api/v1/reports); #/reports/:name runs one for a period (presets or two
// dates, in the user's time zone) and a "by" dimension, and shows a chart
// (a line over days, weeks or months; a Pareto chart for Pareto reports;
// bars otherwise), the table (sortable, cells formatted by column type in
// the user's locale) and a CSV export link to the same report.  A row with
// a drill-down opens the tickets, customers or orders behind it.  The
// page's state lives in the hash, so a report view can be bookmarked;
// hash parameters other than the page's own are sent as report options.

import { get, withQuery } from '../api.js';
import { clear, field, h, select, showError, clearErrors } from '../dom.js';
import { lang, t } from '../i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { barChart, lineChart, paretoChart } from '../chart.js';
import { chartColumn, chartKind, colLabel, drillHash, fmtCell, isNumeric, paretoSeries, PRESETS, presetRange, reportNote, reportQuery, rowLabels, showCell, shownColumns, sortOrder, totalRow } from '../report_model.js';

const PAGE_KEYS = ['name', 'preset', 'from', 'to', 'by', 'sort', 'dir', 'metric'];

const title = (r) => (lang() === 'en' ? r.title_en : r.title_zh) || r.name;

/** A "by" value's label: by.<value> when the strings have it, else the value. */
function byLabel(b) {
	const k = `by.${b}`;
	const s = t(k);
	return s === k ? b : s;
}

export async function render(main, params) {
	if (!params.name) return renderList(main);
	return renderReport(main, params);
}

async function renderList(main) {
	let list;
	try {
		list = await get('/api/v1/reports');
	} catch (e) {
		return clear(main, h('div.empty', { role: 'alert' }, e.message));
	}
	clear(
		main,
		h(
			'div.page.reports',
			h('h1', t('reports.title')),
			list.items.length
				? h('ul.report-list', list.items.map((r) => h('li', h('a', { href: `#/reports/${encodeURIComponent(r.name)}` }, title(r)), ' ', h('span.muted', r.by.length ? r.by.map(byLabel).join(' · ') : ''))))
				: h('p.muted.no-reports', t('reports.none'))
		)
	);
}

async function renderReport(main, params) {
	const zone = session.user?.time_zone || undefined;
	let defs;
	try {
		defs = await get('/api/v1/reports');
	} catch (e) {
		return clear(main, h('div.empty', { role: 'alert' }, e.message));
	}
	const def = defs.items.find((r) => r.name === params.name);
	if (!def) return clear(main, h('div.empty', { role: 'alert' }, t('reports.unknown', { name: params.name })));
	const options = Object.fromEntries(Object.entries(params).filter(([k]) => !PAGE_KEYS.includes(k)));
	const st = {
		preset: PRESETS.includes(params.preset) ? params.preset : params.from ? 'custom' : '30d',
		from: params.from || '',
		to: params.to || '',
		by: params.by ?? def.default_by ?? '',
		sort: params.sort || '',
		dir: params.dir === 'desc' ? 'desc' : 'asc',
		metric: params.metric || '',
	};
	if (st.preset !== 'custom') Object.assign(st, presetRange(st.preset, Date.now(), zone));

	const fromIn = h('input', { name: 'from', type: 'date', value: st.from });
	const toIn = h('input', { name: 'to', type: 'date', value: st.to });
	const controls = h(
		'form.report-controls.row',
		{ novalidate: true, on: { submit: (e) => e.preventDefault() } },
		field(t('reports.period'), select('preset', PRESETS.map((p) => [p, t(`preset.${p}`)]), st.preset)),
		field(t('reports.from'), fromIn),
		field(t('reports.to'), toIn),
		def.by.length ? field(t('reports.by'), select('by', def.by.map((b) => [b, byLabel(b)]), st.by)) : null,
		h('a.button.csv', { href: '#', download: `${def.name}.csv` }, t('reports.csv'))
	);
	const chartBox = h('section.panel.report-chart', { 'aria-label': t('reports.chart') });
	const tableBox = h('div.report-table');
	const noteBox = h('p.muted.report-note');
	const periodBox = h('p.muted.report-period');
	clear(main, h('div.page.report', h('a.back', { href: '#/reports' }, '← ', t('reports.title')), h('h1', title(def)), controls, periodBox, chartBox, tableBox, noteBox));

	controls.addEventListener('change', (e) => {
		const n = e.target.name;
		if (n === 'preset' && e.target.value !== 'custom') Object.assign(st, { preset: e.target.value }, presetRange(e.target.value, Date.now(), zone));
		else if (n === 'from' || n === 'to') Object.assign(st, { preset: 'custom', [n]: e.target.value });
		else if (n === 'by') st.by = e.target.value;
		else if (n === 'metric') st.metric = e.target.value;
		else return;
		fromIn.value = st.from;
		toIn.value = st.to;
		controls.elements.preset.value = st.preset;
		saveHash();
		if (n !== 'metric') load();
		else if (report) drawChart();
	});

	let report = null;
	let seq = 0;

	function query() {
		return reportQuery({ from: st.from, to: st.to, by: def.by.length ? st.by : '', tz: zone, options });
	}

	function saveHash() {
		const q = { ...options, preset: st.preset, by: def.by.length ? st.by : '', sort: st.sort, dir: st.sort ? st.dir : '', metric: st.metric };
		if (st.preset === 'custom') Object.assign(q, { from: st.from, to: st.to });
		history.replaceState(null, '', withQuery(`#/reports/${encodeURIComponent(def.name)}`, q));
	}

	async function load() {
		const my = ++seq;
		const q = query();
		controls.querySelector('a.csv').href = withQuery(`/api/v1/reports/${encodeURIComponent(def.name)}`, { ...q, format: 'csv', lang: lang() === 'en' ? 'en' : 'zh' });
		clearErrors(controls);
		tableBox.setAttribute('aria-busy', 'true');
		try {
			const r = await get(`/api/v1/reports/${encodeURIComponent(def.name)}`, q);
			if (my !== seq) return;
			report = r;
			periodBox.textContent = t('reports.period_shown', { from: st.from || '…', to: st.to || '…' });
			drawChart();
			drawTable();
			noteBox.textContent = reportNote(r);
		} catch (e) {
			if (my !== seq) return;
			showError(controls, e);
		} finally {
			if (my === seq) tableBox.removeAttribute('aria-busy');
		}
	}

	function drawChart() {
		const cols = report.columns;
		const numeric = cols.map((c, i) => [c, i]).filter(([c]) => isNumeric(c.type));
		if (!numeric.length || !report.rows.length) return clear(chartBox);
		let m = cols.findIndex((c) => c.key === st.metric);
		if (m < 0 || !isNumeric(cols[m].type)) m = chartColumn(cols);
		const fmt = (v) => fmtCell(v, cols[m].type);
		const total = totalRow(cols, report.rows);
		const kept = report.rows.filter((_, i) => i !== total);
		const labels = rowLabels(cols, kept);
		const pairs = kept.map((row, i) => [labels[i], row[m]]);
		const kind = chartKind(report.report || def.name, st.by, cols);
		const name = `${title(def)} · ${colLabel(cols[m])}`;
		const chart =
			kind === 'line'
				? lineChart(pairs, { title: name, fmt })
				: kind === 'pareto'
					? paretoChart(paretoSeries(pairs), { title: name, fmt })
					: barChart(
							pairs.filter(([, v]) => typeof v === 'number').sort((a, b) => b[1] - a[1]).slice(0, 15),
							{ title: name, fmt, width: 720, labelWidth: 220 }
						);
		chart.dataset.kind = kind;
		const pick = select('metric', numeric.map(([c]) => [c.key, colLabel(c)]), cols[m].key, { 'aria-label': t('reports.metric') });
		pick.addEventListener('change', () => {
			st.metric = pick.value;
			saveHash();
			drawChart();
		});
		clear(chartBox, h('div.row', h('h2', colLabel(cols[m])), pick), chart);
	}

	function drawTable() {
		const cols = report.columns;
		const shown = shownColumns(cols);
		const si = cols.findIndex((c) => c.key === st.sort);
		const total = totalRow(cols, report.rows);
		const order = sortOrder(report.rows, si, st.dir, si >= 0 ? cols[si].type : 'text', total);
		const head = shown.map((i) => [cols[i], i]).map(([c, i]) =>
			h(
				'th',
				{ scope: 'col', 'aria-sort': i === si ? (st.dir === 'asc' ? 'ascending' : 'descending') : 'none', class: isNumeric(c.type) ? 'num' : null },
				h(
					'button.link.sort',
					{
						type: 'button',
						dataset: { key: c.key },
						on: {
							click: () => {
								st.dir = st.sort === c.key && st.dir === 'asc' ? 'desc' : st.sort === c.key ? 'asc' : isNumeric(c.type) ? 'desc' : 'asc';
								st.sort = c.key;
								saveHash();
								drawTable();
							},
						},
					},
					colLabel(c),
					i === si ? (st.dir === 'asc' ? ' ▲' : ' ▼') : ''
				)
			)
		);
		const rows = order.map((ri) => {
			const row = report.rows[ri];
			const to = drillHash(report.drill ? report.drill[ri] : null);
			return h(
				'tr',
				{ class: ri === total ? 'total' : to ? 'drill' : null, dataset: to ? { drill: to } : {}, on: to ? { click: (e) => e.target.closest('a') || navigate(to) } : {} },
				shown.map((i, k) => {
					const c = cols[i];
					const text = showCell(row[i], c);
					const cell = k === 0 && to ? h('a', { href: to, title: t('reports.drill') }, text) : text;
					return h(isNumeric(c.type) ? 'td.num' : 'td', cell);
				})
			);
		});
		clear(tableBox, report.rows.length ? h('div.table-scroll', h('table.data.report', h('thead', h('tr', head)), h('tbody', rows))) : h('p.muted', t('reports.empty')));
	}

	await load();
}
