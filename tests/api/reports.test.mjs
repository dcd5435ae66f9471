// The reports API: the list, a run as JSON and CSV, parameters read the
// same way on both backends, field errors for bad parameters, and the
// report.read permission.  The quality reports' numbers are checked in
// tests/unit/test_quality.c; here the faces and the contract.
//
//   node --test --test-concurrency=1 tests/api/reports.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, kefu, kefuOk, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

describe('reports API', () => {
	let srv, admin, agent, analyst;
	const it = withLogs(() => srv);

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		const mk = async (role) => {
			const u = await admin.expect(201, 'POST', '/api/v1/users', { body: { username: uniq(role), role } });
			const c = srv.client(role);
			await c.login(u.json.username, u.json.password);
			return c;
		};
		agent = await mk('agent');
		analyst = await mk('analyst');
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	it('lists the reports with their titles and dimensions', async () => {
		const list = await analyst.expect(200, 'GET', '/api/v1/reports');
		assert.ok(Array.isArray(list.json.items));
		for (const r of list.json.items) {
			assert.equal(typeof r.name, 'string');
			assert.equal(typeof r.title_zh, 'string');
			assert.ok(Array.isArray(r.by));
			assert.equal(r.default_by, r.by[0] ?? '');
		}
	});

	it('an unknown report is 404; an agent without report.read gets 403', async () => {
		assertError(await admin.api('GET', '/api/v1/reports/no-such-report'), 404, 'not_found');
		assertError(await agent.api('GET', '/api/v1/reports'), 403, 'forbidden');
		assertError(await agent.api('GET', '/api/v1/reports/no-such-report'), 403, 'forbidden');
	});

	it('runs a report as JSON: typed columns, rows, a total, drill paths', async () => {
		const r = await analyst.expect(200, 'GET', '/api/v1/reports/complaints?from=2020-01-01&to=2020-01-31&tz=UTC');
		const j = r.json;
		assert.equal(j.report, 'complaints');
		assert.equal(j.by, 'category');
		assert.equal(j.from, '2020-01-01T00:00:00Z');
		assert.equal(j.to, '2020-02-01T00:00:00Z');
		assert.equal(j.tz, 'UTC');
		assert.deepEqual(j.columns.map((c) => c.type).slice(0, 5), ['text', 'text', 'int', 'rate', 'rate']);
		assert.equal(j.rows.length, j.drill.length);
		const total = j.rows.at(-1);
		assert.equal(total[0], 'total');
		assert.equal(total[2], 0);
		assert.equal(total[3], null, 'no share of an empty total');
		const list = await analyst.expect(200, 'GET', '/api/v1/reports');
		assert.deepEqual(list.json.items.map((x) => x.name).filter((n) => ['three-controls', 'staff', 'complaints'].includes(n)).sort(), ['complaints', 'staff', 'three-controls']);
	});

	it('counts a complaint made through the API', async () => {
		const t = await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: uniq('破损') } });
		assert.ok(t.json.id);
		const r = await analyst.expect(200, 'GET', '/api/v1/reports/three-controls?by=category');
		const total = r.json.rows.at(-1);
		const col = (k) => r.json.columns.findIndex((c) => c.key === k);
		assert.equal(total[col('complaints')], 1);
		assert.equal(total[col('contacts')], 1);
		assert.equal(total[col('complaint_rate_contacts')], 1);
	});

	it('CSV: content type, BOM, labels in the language asked for, keys on request', async () => {
		const zh = await analyst.expect(200, 'GET', '/api/v1/reports/staff?format=csv&lang=zh');
		assert.match(zh.headers['content-type'], /^text\/csv; charset=utf-8/);
		assert.match(zh.headers['content-disposition'], /attachment; filename="staff.csv"/);
		assert.ok(zh.text.startsWith('\ufeff分组,名称,受理工单'), zh.text.slice(0, 40));
		assert.ok(zh.text.includes('\r\n'));
		const keys = await analyst.expect(200, 'GET', '/api/v1/reports/staff?format=csv&header=keys&bom=0');
		assert.ok(keys.text.startsWith('group,name,handled,resolved,'), keys.text.slice(0, 40));
		const en = await analyst.expect(200, 'GET', '/api/v1/reports/staff?format=csv&bom=0');
		assert.ok(en.text.startsWith('Group,Name,Tickets handled'));
	});

	it('bad parameters are 400 with the field at fault, in Chinese too', async () => {
		const cases = [
			['/api/v1/reports/staff?by=category', 'by'],
			['/api/v1/reports/staff?from=2024-02-30', 'from'],
			['/api/v1/reports/staff?to=tomorrow', 'to'],
			['/api/v1/reports/staff?from=2024-03-05&to=2024-03-01', 'to'],
			['/api/v1/reports/staff?tz=Mars%2FOlympus', 'tz'],
			['/api/v1/reports/staff?format=xml', 'format'],
			['/api/v1/reports/complaints?cut=2', 'cut'],
			['/api/v1/reports/complaints?product=colour', 'product'],
			['/api/v1/reports/three-controls?followup_grace_hours=soon', 'followup_grace_hours'],
		];
		for (const [url, field] of cases) {
			const e = assertError(await analyst.api('GET', url), 400, null, url);
			assert.equal(e.field, field, `${url}: ${JSON.stringify(e)}`);
		}
		const many = Array.from({ length: 17 }, (_, i) => `o${i}=1`).join('&');
		assert.equal(assertError(await analyst.api('GET', `/api/v1/reports/staff?${many}`), 400, 'too_many').field, 'o16');
		analyst.lang = 'zh-CN';
		const zh = assertError(await analyst.api('GET', '/api/v1/reports/staff?by=nope'), 400, 'invalid');
		analyst.lang = null;
		assert.match(zh.message, /分组方式/, 'the field in the reader\'s words');
		assert.match(zh.message, /[\u4e00-\u9fff]/);
	});

	it('improvement actions: create with a baseline, If-Match, done measures the after value, audit, permissions', async () => {
		const now = Math.floor(Date.now() / 1000);
		const body = {
			title: '减少投诉', target_report: 'three-controls', target_metric: 'complaints',
			baseline_from: now - 30 * 86400, baseline_to: now + 86400, due_at: now - 60,
		};
		const created = await admin.expect(201, 'POST', '/api/v1/improvement-actions', { body });
		assert.equal(created.json.status, 'open');
		assert.equal(created.json.baseline_value, 1, 'the one complaint made above');
		assert.match(created.headers.etag, /^"v1"$/);
		const id = created.json.id;
		const tc = await analyst.expect(200, 'GET', '/api/v1/reports/three-controls');
		assert.match(tc.json.note, /减少投诉/, 'past due: named in the note');

		assertError(await admin.api('POST', '/api/v1/improvement-actions', { body: { ...body, target_metric: 'nope' } }), 400, 'invalid');
		assert.equal(assertError(await admin.api('POST', '/api/v1/improvement-actions', { body: { ...body, target_by: 'agent' } }), 400).field, 'target_by');
		assert.equal(assertError(await admin.api('POST', '/api/v1/improvement-actions', { body: { ...body, title: undefined } }), 400).field, 'title');
		assertError(await analyst.api('POST', '/api/v1/improvement-actions', { body }), 403, 'forbidden');
		assertError(await agent.api('GET', '/api/v1/improvement-actions'), 403, 'forbidden');

		assertError(await admin.api('PATCH', `/api/v1/improvement-actions/${id}`, { body: { status: 'in_progress' } }), 428, 'precondition_required');
		const moved = await admin.expect(200, 'PATCH', `/api/v1/improvement-actions/${id}`, { body: { status: 'in_progress' }, headers: { 'If-Match': '"v1"' } });
		assert.equal(moved.json.version, 2);
		assertError(await admin.api('PATCH', `/api/v1/improvement-actions/${id}`, { body: { status: 'done' }, headers: { 'If-Match': '"v1"' } }), 412, 'stale');
		assertError(await admin.api('PATCH', `/api/v1/improvement-actions/${id}`, { body: { target_metric: 'orders' }, headers: { 'If-Match': '"v2"' } }), 400);
		const done = await admin.expect(200, 'PATCH', `/api/v1/improvement-actions/${id}`, {
			body: { status: 'done', measured_from: now - 86400, measured_to: now + 86400 }, headers: { 'If-Match': '"v2"' },
		});
		assert.equal(done.json.after_value, 1);
		assert.ok(done.json.completed_at >= now - 5);
		assertError(await admin.api('PATCH', `/api/v1/improvement-actions/${id}`, { body: { status: 'open' }, headers: { 'If-Match': '"v3"' } }), 409);
		const list = await analyst.expect(200, 'GET', '/api/v1/improvement-actions?status=done');
		assert.ok(list.json.items.some((a) => a.id === id));
		assertError(await analyst.api('GET', '/api/v1/improvement-actions?status=nope'), 400, 'invalid');
		const audit = await admin.expect(200, 'GET', `/api/v1/audit?object_type=improvement_action&object_id=${id}`);
		assert.deepEqual(audit.json.items.map((x) => x.action).sort(), ['improvement.create', 'improvement.update', 'improvement.update']);
		await admin.expect(200, 'DELETE', `/api/v1/improvement-actions/${id}`);
		assertError(await analyst.api('GET', `/api/v1/improvement-actions/${id}`), 404, 'not_found');
	});

	it('kefu report: table, CSV and JSON on stdout, usage errors', async () => {
		const db = ['--db', srv.db.url];
		const list = await kefuOk(['report', 'list', ...db]);
		assert.match(list.stdout, /three-controls/);
		const table = await kefuOk(['report', 'complaints', '--lang', 'zh', '--tz', 'UTC', ...db]);
		assert.match(table.stdout, /投诉帕累托分析/);
		assert.match(table.stdout, /合计/);
		assert.doesNotMatch(table.stdout, /Total/, 'the Chinese table is not bilingual');
		assert.equal(table.stderr, '', 'no progress bar when stderr is not a terminal');
		const csv = await kefuOk(['report', 'staff', '--format', 'csv', '--header', 'keys', ...db]);
		assert.ok(csv.stdout.startsWith('group,name,handled'));
		const json = await kefuOk(['report', 'three-controls', '--by', 'category', '--format', 'json', '--opt', 'followup_grace_hours=48', ...db]);
		assert.equal(JSON.parse(json.stdout).report, 'three-controls');
		const bad = await kefu(['report', 'staff', '--by', 'month', ...db]);
		assert.equal(bad.code, 2);
		assert.match(bad.stderr, /by/);
		const badOpt = await kefu(['report', 'complaints', '--opt', 'cut=9', ...db]);
		assert.equal(badOpt.code, 2);
		assert.match(badOpt.stderr, /cut/);
		assert.equal((await kefu(['report', 'nope', ...db])).code, 2);
	});

	it("a drill-down carries the report's period: the list it opens holds exactly the row's count", async () => {
		const cats = (await admin.expect(200, 'GET', '/api/v1/categories')).json.items;
		const cat = cats[0].id;
		const mk = () => admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: uniq('投诉'), category_id: cat } });
		const inside = (await mk()).json;
		// the second complaint is created after the period's end
		const end = inside.created_at + 1;
		while (Math.floor(Date.now() / 1000) <= end) await new Promise((r) => setTimeout(r, 100));
		const outside = (await mk()).json;
		assert.ok(outside.created_at >= end);
		const iso = new Date(end * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
		for (const name of ['complaints', 'three-controls']) {
			const r = (await analyst.expect(200, 'GET', `/api/v1/reports/${name}?by=category&from=2020-01-01&to=${iso}&tz=UTC`)).json;
			const i = r.rows.findIndex((row, k) => r.drill[k] && new RegExp(`category_id=${cat}(&|$)`).test(r.drill[k]));
			assert.ok(i >= 0, `${name}: a row for the category with a drill-down: ${JSON.stringify(r.drill)}`);
			const n = r.rows[i][r.columns.findIndex((c) => c.key === 'complaints')];
			const items = (await analyst.expect(200, 'GET', `${r.drill[i]}&limit=100`)).json.items;
			assert.equal(items.length, n, `${name}: ${r.drill[i]} lists the row's ${n} complaints`);
			assert.ok(items.some((x) => x.id === inside.id));
			assert.ok(!items.some((x) => x.id === outside.id), 'the complaint after the period is not listed');
			assert.match(r.drill[i], /created_from=\d+&created_to=\d+/, name);
		}
		const staff = (await analyst.expect(200, 'GET', `/api/v1/reports/staff?by=team&from=2020-01-01&to=${iso}&tz=UTC`)).json;
		for (const d of staff.drill.filter(Boolean)) assert.match(d, /created_from=\d+&created_to=\d+/);
		// the tickets list's period filter refuses what it cannot read
		for (const [q, field] of [['created_from=yesterday', 'created_from'], ['created_to=-5', 'created_to'], ['created_from=200&created_to=100', 'created_to']]) {
			assert.equal(assertError(await analyst.api('GET', `/api/v1/tickets?${q}`), 400, 'invalid', q).field, field);
		}
	});

	it("CSV cells in the reader's language: no bilingual cells, codes as words (lang, Accept-Language, CLI --lang)", async () => {
		const cat = (await admin.expect(200, 'GET', '/api/v1/categories')).json.items.find((c) => c.name_zh && c.name_en);
		await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: uniq('投诉'), category_id: cat.id } });
		const rows = (text) => text.split('\r\n').filter(Boolean).map((l) => l.split(','));
		const zh = rows((await analyst.expect(200, 'GET', '/api/v1/reports/complaints?by=category&format=csv&lang=zh&bom=0')).text);
		assert.ok(zh.some((r) => r[0] === cat.code && r[1] === cat.name_zh), JSON.stringify(zh));
		assert.deepEqual(zh.at(-1).slice(0, 2), ['total', '合计']);
		analyst.lang = 'en-GB';
		const en = rows((await analyst.expect(200, 'GET', '/api/v1/reports/complaints?by=category&format=csv&bom=0')).text);
		analyst.lang = 'zh-CN';
		const zhAccept = (await analyst.expect(200, 'GET', '/api/v1/reports/complaints?by=category&format=csv&bom=0')).text;
		analyst.lang = null;
		assert.ok(en.some((r) => r[0] === cat.code && r[1] === cat.name_en), JSON.stringify(en));
		assert.deepEqual(en.at(-1).slice(0, 2), ['total', 'Total']);
		assert.ok(zhAccept.includes(`,${cat.name_zh},`), 'Accept-Language: zh gives the Chinese CSV');
		for (const text of [zh, en].map((x) => x.map((r) => r.join(',')).join('\n')).concat([zhAccept]))
			assert.doesNotMatch(text, / \/ /, 'no "中文 / English" cell');
		const root = rows((await analyst.expect(200, 'GET', '/api/v1/reports/complaints?by=root_cause&format=csv&lang=zh&bom=0')).text);
		assert.ok(root.some((r) => r[0] === '(none)' && r[1] === '未填写'), JSON.stringify(root));
		// the JSON name column too, in the language asked for
		for (const [q, want] of [['lang=zh', cat.name_zh], ['lang=en', cat.name_en]]) {
			const j = (await analyst.expect(200, 'GET', `/api/v1/reports/complaints?by=category&${q}`)).json;
			const g = j.columns.findIndex((c) => c.key === 'group'), n = j.columns.findIndex((c) => c.key === 'name');
			assert.equal(j.rows.find((r) => r[g] === cat.code)[n], want, q);
			assert.ok(j.rows.every((r) => !/ \/ /.test(r[n])), `${q}: ${JSON.stringify(j.rows.map((r) => r[n]))}`);
		}
		const cli = await kefuOk(['report', 'complaints', '--by', 'category', '--format', 'csv', '--lang', 'en', '--db', srv.db.url]);
		assert.ok(cli.stdout.includes(`,${cat.name_en},`), cli.stdout);
		assert.doesNotMatch(cli.stdout, / \/ |合计/);
	});

	it('drill-down sets equal the rows: merged complaints and a complaint reclassified into another category', async () => {
		const cats = (await admin.expect(200, 'GET', '/api/v1/categories')).json.items;
		const [a, b] = [cats[1].id, cats[2].id];
		const cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: uniq('钻取客户') } })).json;
		const mk = (category_id) => admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: uniq('投诉'), category_id, customer_id: cust.id } });
		const keep = (await mk(a)).json;
		const merged = (await mk(a)).json;
		await admin.expect(200, 'POST', `/api/v1/tickets/${merged.id}/merge`, { body: { into: keep.id } });
		// filed under a, classified by the complaint process as b
		const moved = (await mk(a)).json;
		const url = `/api/v1/tickets/${moved.id}/complaint`;
		const c = await admin.expect(200, 'GET', url);
		await admin.expect(200, 'PATCH', url, { body: { category_id: b }, headers: { 'If-Match': c.headers.etag } });
		const iso = new Date((moved.created_at + 1) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
		for (const name of ['complaints', 'three-controls']) {
			const r = (await analyst.expect(200, 'GET', `/api/v1/reports/${name}?by=category&from=2020-01-01&to=${iso}&tz=UTC`)).json;
			const n = r.columns.findIndex((col) => col.key === 'complaints');
			let rows = 0;
			for (const [i, d] of r.drill.entries()) {
				if (!d) continue;
				const items = (await analyst.expect(200, 'GET', `${d}&limit=100`)).json.items;
				assert.equal(items.length, r.rows[i][n], `${name}: ${d} lists the row's ${r.rows[i][n]} complaints`);
				assert.ok(!items.some((x) => x.id === merged.id), `${name}: the merged complaint is not listed`);
				rows++;
			}
			assert.ok(rows >= 2, `${name}: rows with drill-downs: ${JSON.stringify(r.drill)}`);
		}
		// the filters on their own
		const ids = async (q) => (await analyst.expect(200, 'GET', `/api/v1/tickets?type=complaint&customer_id=${cust.id}&${q}`)).json.items.map((x) => x.id).sort((x, y) => x - y);
		assert.deepEqual(await ids('merged=false'), [keep.id, moved.id]);
		assert.deepEqual(await ids('merged=true'), [merged.id]);
		assert.deepEqual(await ids(`complaint_category_id=${b}`), [moved.id]);
		assert.deepEqual(await ids(`complaint_category_id=${a}&merged=false`), [keep.id]);
		assert.deepEqual(await ids(`category_id=${a}`), [keep.id, merged.id, moved.id], 'category_id is still the ticket\'s own');
		assert.equal(assertError(await analyst.api('GET', '/api/v1/tickets?merged=maybe'), 400, 'invalid').field, 'merged');
		assert.equal(assertError(await analyst.api('GET', '/api/v1/tickets?complaint_category_id=x'), 400, null).field, 'complaint_category_id');
	});
});
