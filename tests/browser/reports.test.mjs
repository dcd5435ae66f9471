// reports.test.mjs - the report pages in a real browser against the real
// reports API (the quality reports on a demo database): the list; the
// complaints Pareto (Pareto chart, sortable table, "by" changed, a row
// drilled down to the inbox with the report's filters, the CSV export is
// text/csv); three controls by month as a line chart; the manager's
// dashboard shows the staff report's SLA and sunset compliance; both
// languages.  Plus the pure helpers of report_model.js and chart.js.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/reports.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it as unit } from 'node:test';

import { useStrings } from '../../web/js/i18n.js';
import { scale, spread, textWidth, tickEvery, wrapLabel } from '../../web/js/chart.js';
import { addDays, chartColumn, chartKind, drillHash, fmtCell, fmtDuration, labelColumn, localLabel, paretoSeries, presetRange, reportNote, reportQuery, rowLabels, shownColumns, sortOrder, textCell, totalRow } from '../../web/js/report_model.js';
import { drillQuery } from '../../web/js/pages/inbox.js';
import { compliance } from '../../web/js/pages/dashboard.js';
import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, withLogs } from './lib.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/i18n/en.json'), 'utf8'));
const zh = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/i18n/zh-CN.json'), 'utf8'));

describe('report_model', () => {
	before(() => useStrings('en', en));

	unit('presets give whole local days in the zone, both ends included', () => {
		// 2026-03-01 01:30 in Shanghai is still 2026-02-28 in UTC
		const now = Date.UTC(2026, 1, 28, 17, 30);
		assert.deepEqual(presetRange('today', now, 'Asia/Shanghai'), { from: '2026-03-01', to: '2026-03-01' });
		assert.deepEqual(presetRange('today', now, 'UTC'), { from: '2026-02-28', to: '2026-02-28' });
		assert.deepEqual(presetRange('7d', now, 'Asia/Shanghai'), { from: '2026-02-23', to: '2026-03-01' });
		assert.deepEqual(presetRange('30d', now, 'UTC'), { from: '2026-01-30', to: '2026-02-28' });
		assert.deepEqual(presetRange('month', now, 'Asia/Shanghai'), { from: '2026-03-01', to: '2026-03-01' });
		assert.equal(presetRange('custom', now, 'UTC'), null);
		assert.equal(addDays('2024-03-01', -1), '2024-02-29');
	});

	unit('the request query keeps options and drops empty values', () => {
		assert.deepEqual(reportQuery({ from: '2026-01-01', to: '2026-01-31', by: 'team', tz: 'Asia/Shanghai', options: { cut: '0.9' } }), {
			cut: '0.9', from: '2026-01-01', to: '2026-01-31', by: 'team', tz: 'Asia/Shanghai',
		});
		assert.deepEqual(reportQuery({ from: '', to: '', by: '' }), {});
	});

	unit('cells are formatted by type: rates as %, money with currency, durations in h/m', () => {
		assert.equal(fmtCell(0.8125, 'rate'), '81.3%');
		assert.equal(fmtCell(12345, 'money'), 'CN¥123.45');
		assert.equal(fmtCell(1234567, 'int'), '1,234,567');
		assert.equal(fmtCell(2.456, 'num'), '2.46');
		assert.equal(fmtCell(7500, 'seconds'), '2h 05m');
		assert.equal(fmtCell(null, 'rate'), '—');
		assert.equal(fmtCell('x', 'text'), 'x');
		assert.equal(fmtDuration(45), '45s');
		assert.equal(fmtDuration(90061), '1d 1h');
		assert.equal(fmtDuration(-300), '-5m');
	});

	unit('sorting: numbers and text, nulls last, the total row last, ties stable', () => {
		const rows = [['b', 2], ['a', null], ['total', 9], ['c', 2], ['d', 1]];
		assert.deepEqual(sortOrder(rows, 1, 'desc', 'int', 2), [0, 3, 4, 1, 2]);
		assert.deepEqual(sortOrder(rows, 1, 'asc', 'int', 2), [4, 0, 3, 1, 2]);
		assert.deepEqual(sortOrder(rows, 0, 'asc', 'text', 2), [1, 0, 3, 4, 2]);
		assert.deepEqual(sortOrder(rows, -1, 'asc', 'text'), [0, 1, 2, 3, 4]);
		assert.equal(totalRow([{ key: 'group' }], rows), 2);
		assert.equal(totalRow([{ key: 'x' }], rows), -1);
	});

	unit('the chart: a line over time, a Pareto for cumulative shares, bars else', () => {
		const cols = [{ key: 'group', type: 'text' }, { key: 'name', type: 'text' }, { key: 'share', type: 'rate' }, { key: 'complaints', type: 'int' }, { key: 'cumulative_share', type: 'rate' }];
		assert.equal(chartKind('complaints', 'category', cols), 'pareto');
		assert.equal(chartKind('complaints', 'month', cols), 'line');
		assert.equal(chartKind('staff', 'team', [{ key: 'x', type: 'int' }]), 'bar');
		assert.equal(chartKind('x-pareto', 'team'), 'pareto');
		assert.equal(chartColumn(cols), 3, 'a count before a share');
		assert.equal(chartColumn([{ type: 'text' }, { type: 'rate' }]), 1);
		assert.equal(labelColumn(cols), 1);
		assert.equal(labelColumn([{ key: 'day', type: 'text' }]), 0);
		assert.equal(localLabel('服务态度 / Service attitude'), 'Service attitude');
		assert.equal(localLabel('a / b / c'), 'a / b / c');
	});

	unit('paretoSeries sorts largest first with the cumulative share; spread and ticks', () => {
		const s = paretoSeries([['a', 1], ['b', 5], ['c', 4], ['d', null], ['e', 0]]);
		assert.deepEqual(s.map((x) => x.label), ['b', 'c', 'a']);
		assert.deepEqual(s.map((x) => x.cum), [0.5, 0.9, 1]);
		assert.deepEqual(paretoSeries([]), []);
		assert.deepEqual(spread(3, 0, 10), [0, 5, 10]);
		assert.deepEqual(spread(1, 0, 10), [5]);
		assert.equal(tickEvery(30, 8), 4);
		assert.deepEqual(scale([0, 5, 10]), [0, 0.5, 1]);
	});

	unit('drill paths open the inbox, customer and order lists, or a record', () => {
		assert.equal(drillHash('/api/v1/tickets?type=complaint&category_id=3'), '#/inbox/drill?type=complaint&category_id=3');
		assert.equal(drillHash('/api/v1/customers?tier=A'), '#/customers?tier=A');
		assert.equal(drillHash('/api/v1/orders'), '#/orders');
		assert.equal(drillHash('/api/v1/tickets/42'), '#/tickets/42');
		assert.equal(drillHash('/api/v1/surveys/responses?x=1'), null);
		assert.equal(drillHash(null), null);
		assert.deepEqual(drillQuery({ view: 'drill', type: 'complaint', category_id: '3', assignee: '7' }), {
			base: { type: 'complaint', assignee: '7' },
			extra: { category_id: '3' },
		});
	});

	unit('codes and bilingual labels in the page language; notes too; the group key hidden next to a name', () => {
		assert.equal(textCell('cant_loose', 'segment'), "Can't lose them");
		assert.equal(textCell('tangibles', 'dimension'), 'Tangibles');
		assert.equal(textCell('none', 'cell'), 'No loyalty');
		assert.equal(textCell('服务态度 / Service attitude', 'name'), 'Service attitude');
		assert.equal(textCell('2026-11', 'group'), '2026-11');
		assert.equal(textCell(null, 'x'), '—');
		assert.equal(reportNote({ note: 'As of', note_zh: '截至' }), 'As of');
		useStrings('zh-CN', zh);
		try {
			assert.equal(textCell('cant_loose', 'segment'), '不能失去的客户');
			assert.equal(textCell('express', 'key'), '快递');
			assert.equal(textCell('服务态度 / Service attitude', 'name'), '服务态度');
			assert.equal(reportNote({ note: 'As of', note_zh: '截至' }), '截至');
			assert.equal(reportNote({ note: 'only English', note_zh: null }), 'only English');
		} finally {
			useStrings('en', en);
		}
		for (const k of Object.keys(en).filter((k) => k.startsWith('rcode.'))) assert.ok(zh[k], `${k} has a Chinese wording`);
		assert.deepEqual(shownColumns([{ key: 'group' }, { key: 'name' }, { key: 'n' }]), [1, 2]);
		assert.deepEqual(shownColumns([{ key: 'group' }, { key: 'n' }]), [0, 1]);
	});

	unit('chart labels: SERVQUAL by dimension, CLV by customer number, the headline figure charted first', () => {
		const sq = [{ key: 'key', type: 'text' }, { key: 'dimension', type: 'text' }, { key: 'answers', type: 'int' }, { key: 'gap', type: 'num' }];
		assert.deepEqual(rowLabels(sq, [['delivery', 'tangibles', 5, -0.2], ['delivery', 'empathy', 5, 0.2]]), ['Tangibles', 'Empathy']);
		assert.deepEqual(rowLabels(sq, [['delivery', 'tangibles', 5, -0.2], ['resolution', 'tangibles', 5, 0.2]]), ['Delivery survey', 'Resolution survey']);
		assert.equal(chartColumn(sq), 3, 'the gap, not the answer count');
		const clv = [{ key: 'customer_id', type: 'int' }, { key: 'x', type: 'int' }, { key: 'clv', type: 'money' }];
		assert.equal(chartColumn(clv), 2, 'the CLV, not the customer id');
		assert.deepEqual(rowLabels(clv, [[34, 2, 100]]), ['Customer #34']);
		assert.equal(chartColumn([{ key: 'customer_id', type: 'int' }, { key: 'orders', type: 'int' }]), 1);
	});

	unit('long labels wrap on two lines and end in … only when they still do not fit; bars keep the sign', () => {
		assert.deepEqual(wrapLabel('Potential loyalists', 14), ['Potential', 'loyalists']);
		assert.deepEqual(wrapLabel('物流信息停滞', 8), ['物流信息', '停滞']);
		assert.deepEqual(wrapLabel('short', 14), ['short']);
		const cut = wrapLabel('a very long label that cannot fit in two lines', 10);
		assert.equal(cut.length, 2);
		assert.ok(cut[1].endsWith('…'));
		assert.equal(textWidth('有形性 ok'), 9);
		assert.deepEqual(scale([-1, 0.5, 0.2]), [-1, 0.5, 0.2]);
	});

	unit("the dashboard reads the staff report's compliance columns and total row", () => {
		const r = {
			columns: [{ key: 'group', type: 'text' }, { key: 'name', type: 'text' }, { key: 'sla_compliance', type: 'rate' }, { key: 'sunset_compliance', type: 'rate' }, { key: 'sla_due', type: 'int' }],
			rows: [['7', 'A', 0.5, 1, 2], ['total', 'Total', 0.5, 1, 2]],
		};
		assert.deepEqual(compliance(r), { sla: 2, sunset: 3, label: 1, total: 1 });
	});
});

let env, browser, mgr;

/** Open report name (with its query) and wait for its own answer to be drawn. */
async function openReport(page, name) {
	const base = name.split('?')[0];
	const answered = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/reports/${base}`);
	await page.goto(`${env.base}/#/reports/${name}`);
	await answered;
	await page.waitForFunction(() => !document.querySelector('.report-table[aria-busy]'));
	await page.locator('table.report tbody tr').first().waitFor();
}
after(async () => {
	await browser?.close();
	await cleanup();
});

describe('report pages', () => {
	const it = withLogs(() => env?.srv, { timeout: 120_000 });

	before(async () => {
		env = await demoServer();
		browser = await launch();
		mgr = env.srv.client('zhaomin');
		await mgr.login('zhaomin', DEMO_PASSWORD);
	});

	it('the complaints Pareto: chart, sortable table, by changed, drill-down to the inbox, CSV export', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhaomin');
		await page.locator('#top nav a', { hasText: 'Reports' }).click();
		await page.locator('ul.report-list a', { hasText: 'Complaints Pareto' }).click();
		await page.locator('table.report tbody tr').first().waitFor();
		assert.equal(await page.locator('svg.chart').getAttribute('data-kind'), 'pareto');
		const zone = (await mgr.expect(200, 'GET', '/api/v1/me')).json.time_zone;
		const q = new URLSearchParams({ ...presetRange('30d', Date.now(), zone || undefined), by: 'category', tz: zone });
		const api = (await mgr.expect(200, 'GET', `/api/v1/reports/complaints?${q}`)).json;
		assert.ok(api.rows.length >= 2, 'the demo has complaints in the last 30 days');
		assert.equal(await page.locator('table.report tbody tr').count(), api.rows.length);
		assert.equal(await page.locator('svg.chart rect.bar').count(), api.rows.length - 1, 'one bar per group, the total left out');

		// sort by complaints ascending, then descending; the total stays last
		const th = page.locator('table.report th', { hasText: 'Complaints' });
		await th.locator('button').click();
		assert.equal(await th.getAttribute('aria-sort'), 'descending');
		await th.locator('button').click();
		assert.equal(await th.getAttribute('aria-sort'), 'ascending');
		const counts = await page.$$eval('table.report tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.textContent.replace(/,/g, ''))));
		const body = counts.slice(0, -1);
		assert.deepEqual(body, [...body].sort((a, b) => a - b));
		assert.match(await page.locator('table.report tbody tr').last().textContent(), /Total/);
		assert.match(await page.evaluate(() => location.hash), /sort=complaints&dir=asc/);

		// CSV export: the same report as text/csv
		const href = await page.locator('a.csv').getAttribute('href');
		assert.match(href, /format=csv/);
		const csv = await page.request.get(env.base + href);
		assert.equal(csv.status(), 200);
		assert.match(csv.headers()['content-type'], /^text\/csv/);
		assert.match(await csv.text(), /Complaints/);

		// by root cause: the API is asked again
		const asked = page.waitForRequest((r) => r.url().includes('/api/v1/reports/complaints') && r.url().includes('by=root_cause'));
		await page.locator('form.report-controls select[name=by]').selectOption('root_cause');
		await asked;
		await page.waitForFunction(() => document.querySelector('table.report thead') !== null);
		await page.locator('form.report-controls select[name=by]').selectOption('category');
		await page.waitForFunction(() => [...document.querySelectorAll('table.report tbody tr')].some((tr) => tr.dataset.drill));

		// drill down: a category's row opens the inbox with the report's filters
		const row = page.locator('table.report tbody tr[data-drill]').first();
		const to = await row.getAttribute('data-drill');
		// the "group" key is not shown next to the name: the count is the second cell
		const n = Number((await row.locator('td:nth-child(2)').textContent()).trim());
		await row.locator('td:nth-child(2)').click();
		await page.waitForFunction((h) => location.hash === h, to);
		await page.locator('#inbox-title', { hasText: 'Tickets from a report' }).waitFor();
		const apiQ = to.split('?')[1];
		assert.match(apiQ, /created_from=\d+&created_to=\d+/, "the drill-down carries the report's period");
		const tickets = (await mgr.expect(200, 'GET', `/api/v1/tickets?${apiQ}&limit=100`)).json.items;
		assert.equal(tickets.length, n, "the list behind the row holds exactly the row's complaints");
		assert.ok(tickets.every((x) => x.type === 'complaint'));
		// the inbox shows exactly the row's count (wait for the list, then count)
		await page.locator('table.tickets tbody tr').first().waitFor();
		await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
		await page.waitForTimeout(300);
		assert.equal(await page.locator('table.tickets tbody tr').count(), n, "the inbox lists the row's value");
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('three controls by month is a line chart; the period is custom from the dates; Chinese labels', async () => {
		const page = await newPage(browser, { lang: 'zh-CN' });
		await signIn(page, env.base, 'zhaomin');
		await page.goto(`${env.base}/#/reports/three-controls?by=month`);
		await page.locator('table.report tbody tr').first().waitFor();
		assert.equal(await page.locator('svg.chart').getAttribute('data-kind'), 'line');
		assert.ok(await page.locator('table.report th', { hasText: '投诉率' }).count(), 'Chinese column labels');
		await page.locator('form.report-controls input[name=from]').fill('2026-01-01');
		await page.locator('form.report-controls input[name=from]').dispatchEvent('change');
		assert.equal(await page.locator('form.report-controls select[name=preset]').inputValue(), 'custom');
		await page.waitForFunction(() => /from=2026-01-01/.test(location.hash));
		// a bad period comes back from the API next to its field
		await page.locator('form.report-controls input[name=to]').fill('2025-01-01');
		await page.locator('form.report-controls input[name=to]').dispatchEvent('change');
		await page.locator('form.report-controls .field-error, form.report-controls .form-error').filter({ hasText: /\S/ }).first().waitFor();
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('reports speak the page language: no raw codes, one language per cell, notes in the language', async () => {
		// the codes the reports use (rfm.c, lifecycle.c, loyalty.c, survey_score.c, shipment.c) and row keys
		const CODES = ['-', 'champions', 'loyal_customers', 'potential_loyalists', 'new_customers', 'promising', 'need_attention', 'about_to_sleep', 'at_risk', 'cant_loose', 'hibernating', 'potential', 'new', 'satisfied', 'loyal', 'lapsed', 'true', 'latent', 'spurious', 'none', 'unknown', 'all', 'high', 'low', 'tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy', 'overall', 'delivery', 'resolution', 'express', 'road', 'air', 'sea', 'rail', 'pickup', 'total', '(none)', 'service_attitude', 'damaged_on_arrival'];
		const PAGES = ['rfm', 'rfm?by=r', 'surveys?by=agent', 'lifecycle', 'loyalty', 'servqual', 'surveys', 'complaints', 'service-level?by=mode', 'service-cost?by=mode', 'staff', 'three-controls?by=category'];
		for (const lang of ['en', 'zh-CN']) {
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'zhaomin');
			for (const name of PAGES) {
				await openReport(page, name);
				const cells = await page.$$eval('table.report td, svg.chart text', (els) => els.map((e) => e.textContent.trim()));
				assert.ok(cells.length > 0, name);
				for (const c of cells) {
					assert.ok(!CODES.includes(c), `${lang} ${name}: raw code "${c}" shown`);
					if (lang === 'en') assert.doesNotMatch(c, /[\u4e00-\u9fff] \/ [A-Za-z]/, `${lang} ${name}: bilingual cell "${c}"`);
					else assert.doesNotMatch(c, / \/ [A-Za-z]/, `${lang} ${name}: bilingual cell "${c}"`);
				}
				const note = (await page.locator('.report-note').textContent()).trim();
				assert.doesNotMatch(note, /\b\d{9,}\b/, `${lang} ${name}: a Unix timestamp in the note`);
				if (note && lang === 'zh-CN') assert.match(note, /[\u4e00-\u9fff]/, `${name}: the note in Chinese: ${note}`);
				if (note && lang === 'zh-CN') assert.doesNotMatch(note, /Computed from|As of|groups make|past due/, `${name}: English note on a Chinese page`);
			}
			assertNoPageErrors(page);
			await page.context().close();
		}
	});

	it('SERVQUAL charts the gap per dimension (bars differ with the data); CLV charts customers by value', async () => {
		for (const lang of ['en', 'zh-CN']) {
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'zhaomin');
			await page.goto(`${env.base}/#/reports/servqual`);
			await page.locator('svg.chart rect.bar').first().waitFor();
			assert.equal(await page.locator('select[name=metric]').inputValue(), 'gap');
			const api = (await mgr.expect(200, 'GET', '/api/v1/reports/servqual')).json;
			const gi = api.columns.findIndex((c) => c.key === 'gap');
			const gaps = new Set(api.rows.map((r) => r[gi]).filter((v) => typeof v === 'number'));
			const widths = await page.$$eval('svg.chart rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('width')).toFixed(2)));
			assert.ok(gaps.size > 1, 'the demo has different gaps');
			assert.equal(new Set(widths).size, Math.min(gaps.size, new Set(api.rows.filter((r) => typeof r[gi] === 'number').map((r) => Math.abs(r[gi]))).size), `bars ${widths} follow the gaps ${[...gaps]}`);
			const labels = await page.$$eval('svg.chart > text:not(.value)', (ts) => ts.map((t) => t.textContent));
			assert.ok(labels.some((l) => (lang === 'en' ? /Reliability/ : /可靠性/).test(l)), `dimension labels: ${labels}`);

			await page.goto(`${env.base}/#/reports/clv`);
			await page.locator('svg.chart rect.bar').first().waitFor();
			assert.equal(await page.locator('select[name=metric]').inputValue(), 'clv');
			const clvLabels = await page.$$eval('svg.chart > text:not(.value)', (ts) => ts.map((t) => t.textContent));
			for (const l of clvLabels) assert.match(l, lang === 'en' ? /^Customer #\d+/ : /^客户 #\d+/);
			assertNoPageErrors(page);
			await page.context().close();
		}
	});

	it('long chart labels are not cut: they wrap and keep the full label as a tooltip', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhaomin');
		await page.goto(`${env.base}/#/reports/rfm`);
		await page.locator('svg.chart rect.bar').first().waitFor();
		const titles = await page.$$eval('svg.chart > text > title', (ts) => ts.map((t) => t.textContent));
		assert.ok(titles.includes('Potential loyalists') || titles.includes("Can't lose them") || titles.includes('Loyal customers'), `full labels: ${titles}`);
		const shown = await page.$$eval('svg.chart > text:not(.value)', (ts) => ts.map((t) => [...t.querySelectorAll('tspan')].map((s) => s.textContent).join(' ')));
		for (const l of shown) assert.ok(!/^.{14}$/.test(l) || titles.includes(l), `label cut at 14 characters: ${l}`);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('an order drill-down lands on the order list with its filters readable: dates, not UTC seconds; modes translated', async () => {
		for (const lang of ['en', 'zh-CN']) {
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'zhaomin');
			await openReport(page, 'service-level?by=mode');
			const row = page.locator('table.report tbody tr[data-drill$="mode=express"], table.report tbody tr[data-drill$="mode=road"], table.report tbody tr[data-drill$="mode=air"]').first();
			const to = await row.getAttribute('data-drill');
			assert.match(to, /^#\/orders\?placed_from=\d+/);
			await row.locator('td').first().click();
			await page.locator('.list-filters .tag').first().waitFor();
			const chips = await page.$$eval('.list-filters .tag', (ts) => ts.map((x) => x.textContent));
			for (const c of chips) assert.doesNotMatch(c, /\d{9,}|placed_from|=/, `${lang}: filter chip "${c}"`);
			assert.ok(chips.some((c) => (lang === 'en' ? /Mode: (Express|Road|Air)/ : /运输方式: (快递|公路|空运)/).test(c)), `${lang}: ${chips}`);
			assertNoPageErrors(page);
			await page.context().close();
		}
	});

	it('wide tables do not wrap Chinese one character per line (a cell is one line high)', async () => {
		const page = await newPage(browser, { lang: 'zh-CN', width: 1024 });
		await signIn(page, env.base, 'zhaomin');
		for (const name of ['staff', 'complaints', 'three-controls?by=category']) {
			await openReport(page, name);
			const tall = await page.$$eval('table.report th, table.report td', (els) =>
				els.filter((e) => e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).fontSize) * 2.8).map((e) => `${e.textContent} (${Math.round(e.getBoundingClientRect().height)}px)`)
			);
			assert.deepEqual(tall, [], `${name}: cells wrapped over several lines`);
			// the table scrolls sideways inside its box instead of squeezing its columns
			const fits = await page.$eval('.report-table', (b) => b.getBoundingClientRect().right <= document.documentElement.clientWidth + 1);
			assert.ok(fits, `${name}: the table box stays in the page`);
		}
		await page.screenshot({ path: path.join(process.env.KF_SHOT_DIR || '/tmp', 'reports-staff-zh.png') });
		assertNoPageErrors(page);
		await page.context().close();
	});

	it("the manager's dashboard shows SLA and sunset compliance from the staff report", async () => {
		for (const lang of ['en', 'zh-CN']) {
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'zhaomin');
			await page.goto(`${env.base}/#/dashboard`);
			await page.locator('.kpi.compliance-kpi[data-key=sla_compliance]').waitFor();
			await page.locator('.kpi.compliance-kpi[data-key=sunset_compliance]').waitFor();
			await page.locator('table.compliance tbody tr').first().waitFor();
			assert.match(await page.locator('.staff-compliance h2').textContent(), lang === 'en' ? /SLA and sunset/ : /日落原则/);
			const tall = await page.$$eval('table.compliance th, table.compliance td', (els) =>
				els.filter((e) => e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).fontSize) * 2.8).map((e) => e.textContent)
			);
			assert.deepEqual(tall, [], `${lang}: compliance cells wrapped over several lines`);
			const cells = await page.$$eval('table.compliance td', (els) => els.map((e) => e.textContent));
			assert.ok(!cells.some((c) => (lang === 'en' ? /[\u4e00-\u9fff]+ \/ / : / \/ [A-Za-z]/).test(c)), `${lang}: bilingual cells ${cells}`);
			assertNoPageErrors(page);
			await page.context().close();
		}
	});
});
