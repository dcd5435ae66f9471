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
import { scale, spread, tickEvery } from '../../web/js/chart.js';
import { addDays, chartColumn, chartKind, drillHash, fmtCell, fmtDuration, labelColumn, localLabel, paretoSeries, presetRange, reportQuery, sortOrder, totalRow } from '../../web/js/report_model.js';
import { drillQuery } from '../../web/js/pages/inbox.js';
import { compliance } from '../../web/js/pages/dashboard.js';
import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, withLogs } from './lib.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/i18n/en.json'), 'utf8'));

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

	unit("the dashboard reads the staff report's compliance columns and total row", () => {
		const r = {
			columns: [{ key: 'group', type: 'text' }, { key: 'name', type: 'text' }, { key: 'sla_compliance', type: 'rate' }, { key: 'sunset_compliance', type: 'rate' }, { key: 'sla_due', type: 'int' }],
			rows: [['7', 'A', 0.5, 1, 2], ['total', 'Total', 0.5, 1, 2]],
		};
		assert.deepEqual(compliance(r), { sla: 2, sunset: 3, label: 1, total: 1 });
	});
});

let env, browser, mgr;
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
		const counts = await page.$$eval('table.report tbody tr td:nth-child(3)', (tds) => tds.map((td) => Number(td.textContent.replace(/,/g, ''))));
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
		const n = Number((await row.locator('td:nth-child(3)').textContent()).trim());
		await row.locator('td:nth-child(3)').click();
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

	it("the manager's dashboard shows SLA and sunset compliance from the staff report", async () => {
		for (const lang of ['en', 'zh-CN']) {
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'zhaomin');
			await page.goto(`${env.base}/#/dashboard`);
			await page.locator('.kpi.compliance-kpi[data-key=sla_compliance]').waitFor();
			await page.locator('.kpi.compliance-kpi[data-key=sunset_compliance]').waitFor();
			await page.locator('table.compliance tbody tr').first().waitFor();
			assert.match(await page.locator('.staff-compliance h2').textContent(), lang === 'en' ? /SLA and sunset/ : /日落原则/);
			assertNoPageErrors(page);
			await page.context().close();
		}
	});
});
