// Input and output hygiene: CSV exports neutralise spreadsheet formulas
// (OWASP CSV injection), invalid UTF-8 is refused at every door with the
// line and field named, imports say why a row is refused (customers
// first; an order number belonging to another customer), and "required"
// errors name every missing field in the reader's words and language.
//
//   node --test --test-concurrency=1 tests/api/input.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it as plainIt } from 'node:test';

import { BIN, ROOT, assertError, assertNoSanitizer, cleanup, freshDb, kefu, run, startServer, tmpDir, uniq, withLogs } from './lib.mjs';

after(cleanup);

const DATA = path.join(process.env.KF_DATA_DIR || path.join(ROOT, 'tests', 'data'), 'orders');

/** kefu import ... --db url; never a sanitizer report. */
async function imp(url, args, env = {}) {
	const r = await kefu(['import', ...args, '--db', url], { timeout: 180_000, env });
	assertNoSanitizer(r.stderr, 'kefu import');
	return r;
}

/** The `kefu import` commands of README's "Importing data" section, as argument lists. */
function readmeImports() {
	const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
	const section = readme.split('## Importing data')[1].split('\n## ')[0];
	const block = /```sh\n([\s\S]*?)```/.exec(section)[1];
	return block.split('\n').filter((l) => l.startsWith('kefu import ')).map((l) => {
		const args = [...l.slice('kefu import '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
		return args.map((a) => (a.endsWith('.csv') ? path.join(DATA, a) : a));
	});
}

describe('the README import commands, on a fresh database', () => {
	const it = plainIt;
	it('import customers, orders and line items in the order shown: every row imported', async () => {
		const db = await freshDb();
		const cmds = readmeImports();
		assert.equal(cmds.length, 3, 'customers, orders, line items');
		assert.equal(cmds[0][0], 'customers', 'customers come first');
		const want = [793, 5009, 9994];
		for (const [i, args] of cmds.entries()) {
			const r = await imp(db.url, args);
			assert.equal(r.code, 0, `kefu import ${args.join(' ')}\n${r.stderr}`);
			assert.match(r.stdout, new RegExp(`imported ${want[i]} of ${want[i]} `));
		}
	});

	it('orders before customers: every row says the customer is missing and to import customers first', async () => {
		const db = await freshDb();
		const orders = readmeImports()[1];
		let r = await imp(db.url, [...orders, '--skip-bad']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /imported 0 of 5009 orders rows/);
		assert.match(r.stderr, /superstore_orders\.csv:2: customer_external_id: customer 'DK-13375' does not exist; import customers first \(kefu import customers FILE\)/);
		r = await imp(db.url, orders, { LANG: 'zh_CN.UTF-8' });
		assert.equal(r.code, 1);
		assert.match(r.stderr, /superstore_orders\.csv:2: customer_external_id: 客户“DK-13375”不存在；请先导入客户/);
	});
});

describe('input and output hygiene', () => {
	let srv, admin, agent, manager;
	const it = withLogs(() => srv);

	const staff = async (role) => {
		const name = uniq(role);
		const password = 'correct-horse-battery';
		await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, role, password } });
		const c = srv.client(name);
		await c.login(name, password);
		return c;
	};

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		agent = await staff('agent');
		manager = await staff('manager');
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	it('a complaint root cause =HYPERLINK(...) is exported as text, not a formula', async () => {
		const formula = '=HYPERLINK("http://x","y")';
		const t = (await agent.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: uniq('破损') } })).json;
		const url = `/api/v1/tickets/${t.id}/complaint`;
		let res = await agent.expect(200, 'POST', `${url}/advance`, { body: { to: 'initial_handling' }, headers: { 'If-Match': '"v1"' } });
		res = await agent.expect(200, 'POST', `${url}/advance`, {
			body: { to: 'investigation', category_id: 9 }, headers: { 'If-Match': res.headers.etag },
		});
		await agent.expect(200, 'PATCH', url, { body: { root_cause: formula }, headers: { 'If-Match': res.headers.etag } });

		const json = await manager.expect(200, 'GET', '/api/v1/reports/complaints?by=root_cause');
		assert.ok(json.json.rows.some((r) => r[0] === formula), `the JSON keeps the text as it is: ${json.text}`);

		const csv = await manager.expect(200, 'GET', '/api/v1/reports/complaints?by=root_cause&format=csv&bom=0');
		assert.match(csv.headers['content-type'], /text\/csv/);
		const lines = csv.text.split('\r\n');
		const row = lines.find((l) => l.includes('HYPERLINK'));
		assert.ok(row, `the root cause is in the CSV: ${csv.text}`);
		assert.ok(row.startsWith(`"'=HYPERLINK(""http://x"",""y"")"`), `the cell starts with a quote: ${row}`);
		for (const l of lines)
			for (const cell of l.split(','))
				assert.ok(!/^"?[=+@]/.test(cell), `no cell starts a formula: ${cell}`);
	});

	const writeFile = (name, bytes) => {
		const f = path.join(dir, name);
		fs.writeFileSync(f, bytes);
		return f;
	};
	let dir;
	const ordersNamed = async (prefix) => {
		const res = await admin.expect(200, 'GET', '/api/v1/orders?limit=200');
		return res.json.items.filter((o) => typeof o.number === 'string' && o.number.startsWith(prefix));
	};

	it('invalid UTF-8 in an imported CSV: the row is refused naming line and field, nothing stored', async () => {
		dir = tmpDir();
		const n = uniq('U8-');
		const f = writeFile('bad-utf8.csv', Buffer.concat([
			Buffer.from(`order_number,placed_at,sku,name,quantity\n${n}-1,2024-01-02,S1,good,1\n${n}-2,2024-01-02,S2,`),
			Buffer.from([0xff, 0xfe]),
			Buffer.from(`x,1\n${n}-`),
			Buffer.from([0xc3, 0x28]),
			Buffer.from(',2024-01-02,S3,y,1\n'),
		]));
		let r = await imp(srv.db.url, ['orders', f]);
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.ok(r.stderr.includes(`${f}:3: name: line 3: field name is not valid UTF-8`), r.stderr);
		assert.ok(r.stderr.includes(`${f}:4: order_number: line 4: field order_number is not valid UTF-8`), r.stderr);
		assert.equal((await ordersNamed(n)).length, 0, 'all or nothing: nothing stored');
		r = await imp(srv.db.url, ['orders', f], { LANG: 'zh_CN.UTF-8' });
		assert.ok(r.stderr.includes(`${f}:3: name: 第 3 行：字段 name 不是有效的 UTF-8 文本`), r.stderr);

		r = await imp(srv.db.url, ['orders', f, '--skip-bad']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /imported 1 of 3 orders rows/);
		const list = await ordersNamed(n);
		assert.deepEqual(list.map((o) => o.number), [`${n}-1`], 'only the good row is stored');
		// every order of the list reads back with its number
		const all = (await admin.expect(200, 'GET', '/api/v1/orders?limit=200')).json.items;
		for (const o of all) {
			const one = (await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`)).json;
			assert.equal(typeof one.number, 'string', `order ${o.id} has its number: ${JSON.stringify(one)}`);
		}
	});

	it('invalid UTF-8 in a JSON-lines import names the line', async () => {
		const f = writeFile('bad.jsonl', Buffer.concat([
			Buffer.from('{"tracking_number":"T1","at":"2024-01-01","status":"in_transit","location":"'),
			Buffer.from([0xff, 0xfe]), Buffer.from('"}\n'),
		]));
		const r = await imp(srv.db.url, ['events', f]);
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.ok(r.stderr.includes(`${f}:1: line 1: the line is not valid UTF-8 (byte 77)`), r.stderr);
	});

	it('invalid UTF-8 in a customers CSV is refused too', async () => {
		const x = uniq('C8-');
		const f = writeFile('cust-utf8.csv', Buffer.concat([
			Buffer.from(`external_id,name\n${x},`), Buffer.from([0xff, 0xfe]), Buffer.from('\n'),
		]));
		const r = await imp(srv.db.url, ['customers', f, '--skip-bad']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /imported 0 of 1 customers rows/);
		assert.ok(r.stderr.includes(`${f}:2: name: line 2: field name is not valid UTF-8`), r.stderr);
		const found = (await admin.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent(x)}`)).json.items;
		assert.equal(found.length, 0);
	});

	it('an API body that is not UTF-8 is refused naming where, and nothing is created', async () => {
		const subject = Buffer.concat([Buffer.from('{"subject":"ab'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
		const e = assertError(await agent.api('POST', '/api/v1/tickets', { body: subject }), 400, 'not_utf8');
		assert.match(e.message, /not valid UTF-8.*line 1, column 15/);
		assert.equal(e.details.line, 1);
		agent.lang = 'zh-CN';
		const zh = assertError(await agent.api('POST', '/api/v1/tickets', { body: subject }), 400, 'not_utf8');
		agent.lang = null;
		assert.match(zh.message, /UTF-8/);
		assert.match(zh.message, /[\u4e00-\u9fff]/, `a Chinese message: ${zh.message}`);
	});

	it('an order number that belongs to another customer is a bad row, not merged', async () => {
		const a = uniq('CA-'), b = uniq('CB-'), n = uniq('OWN-');
		const cf = writeFile('own-c.csv', `external_id,name\n${a},Alice\n${b},Bob\n`);
		let r = await imp(srv.db.url, ['customers', cf]);
		assert.equal(r.code, 0, r.stderr);
		const of = writeFile('own-o.csv', `order_number,customer_external_id,placed_at\n${n},${a},2024-01-02\n`);
		r = await imp(srv.db.url, ['orders', of]);
		assert.equal(r.code, 0, r.stderr);
		// the same number again, now with Bob: refused, in both languages
		const of2 = writeFile('own-o2.csv', `order_number,customer_external_id,placed_at\n${n},${b},2024-01-02\n`);
		r = await imp(srv.db.url, ['orders', of2]);
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.ok(r.stderr.includes(`${of2}:2: customer_external_id: order number ${n} already belongs to customer ${a}, not ${b}`), r.stderr);
		r = await imp(srv.db.url, ['orders', of2], { LANG: 'zh_CN.UTF-8' });
		assert.ok(r.stderr.includes(`订单号 ${n} 已属于客户 ${a}`), r.stderr);
		// within one file: two rows of one order with different customers
		const m = uniq('MIX-');
		const of3 = writeFile('own-o3.csv', `order_number,customer_external_id,placed_at,sku,quantity\n${m},${a},2024-01-02,S1,1\n${m},${b},2024-01-02,S2,1\n`);
		r = await imp(srv.db.url, ['orders', of3]);
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.ok(r.stderr.includes(`${of3}:3: customer_external_id: order number ${m} already belongs to customer ${a}, not ${b}`), r.stderr);
		assert.equal((await ordersNamed(m)).length, 0);
		// the API import says the same
		const api = await admin.api('POST', '/api/v1/imports/orders', { body: { rows: [{ order_number: n, customer_external_id: b, placed_at: '2024-01-02' }] } });
		assert.equal(api.status, 422, api.text);
		assert.match(api.json.errors[0].message, new RegExp(`order number ${n} already belongs to customer ${a}`));
		admin.lang = 'zh-CN';
		const apiZh = await admin.api('POST', '/api/v1/imports/orders', { body: { rows: [{ order_number: uniq('NEW-'), customer_external_id: 'NO-SUCH', placed_at: '2024-01-02' }] } });
		admin.lang = null;
		assert.match(apiZh.json.errors[0].message, /客户“NO-SUCH”不存在；请先导入客户/);
		// and the order still belongs to Alice only
		const o = (await ordersNamed(n))[0];
		const cust = (await admin.expect(200, 'GET', `/api/v1/customers/${(await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`)).json.customer_id}`)).json;
		assert.equal(cust.external_id, a);
	});

	it('query parameters and CLI arguments that are not UTF-8 are refused, naming them', async () => {
		const e = assertError(await agent.api('GET', '/api/v1/search?q=%ff%fe'), 400, 'not_utf8');
		assert.equal(e.field, 'q');
		assertError(await agent.api('GET', '/api/v1/orders?limit=5&status=%c3%28'), 400, 'not_utf8');
		const before = (await admin.expect(200, 'GET', '/api/v1/tickets?limit=200')).json.items.length;
		const r = await run('sh', ['-c', 'exec "$0" ticket create --type inquiry --subject "$(printf "ab\\377")" --db "$1"', BIN, srv.db.url]);
		assertNoSanitizer(r.stderr);
		assert.equal(r.code, 2, r.stdout + r.stderr);
		assert.match(r.stderr, /argument \d+ is not valid UTF-8/);
		const after = (await admin.expect(200, 'GET', '/api/v1/tickets?limit=200')).json.items.length;
		assert.equal(after, before, 'no ticket was created');
	});

	it('a ticket create missing several fields names all of them, in the reader\'s words and language', async () => {
		const en = assertError(await agent.api('POST', '/api/v1/tickets', { body: { priority: 'high' } }), 400, 'required');
		assert.equal(en.field, 'type', 'field: the first missing one (compatibility)');
		assert.deepEqual(en.details.fields, ['type', 'subject']);
		assert.equal(en.message, 'Please fill in: type, subject');
		const blank = assertError(await agent.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: '  ' } }), 400, 'required');
		assert.deepEqual(blank.details.fields, ['subject'], 'a blank subject counts as missing');
		agent.lang = 'zh-CN';
		try {
			const zh = assertError(await agent.api('POST', '/api/v1/tickets', { body: { priority: 'high' } }), 400, 'required');
			assert.equal(zh.message, '请填写：类型、主题');
			assert.deepEqual(zh.details.fields, ['type', 'subject']);
			assert.ok(!/[a-z]+_[a-z]+|subject/.test(zh.message), `no raw field names: ${zh.message}`);
			// a return without reason, action and lines
			const order = (await admin.expect(201, 'POST', '/api/v1/orders', { body: { number: uniq('SO'), placed_at: 1700000000, currency: 'CNY' } })).json;
			const t = (await agent.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'return', subject: uniq('退货'), order_id: order.id } })).json;
			const r = assertError(await agent.api('POST', `/api/v1/tickets/${t.id}/return`, { body: { order_id: order.id } }), 400, 'required');
			assert.deepEqual(r.details.fields, ['reason', 'action', 'lines']);
			assert.equal(r.message, '请填写：原因、处理方式、商品明细');
			// a complaint step: every missing field by its Chinese name
			const c = (await agent.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: uniq('投诉') } })).json;
			const url = `/api/v1/tickets/${c.id}/complaint`;
			let res = await agent.expect(200, 'POST', `${url}/advance`, { body: { to: 'initial_handling' }, headers: { 'If-Match': '"v1"' } });
			res = await agent.expect(200, 'POST', `${url}/advance`, { body: { to: 'investigation', category_id: 9 }, headers: { 'If-Match': res.headers.etag } });
			const step = assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'solution' }, headers: { 'If-Match': res.headers.etag } }), 409, 'step_requirements');
			assert.deepEqual(step.details.fields, ['investigation_notes', 'root_cause', 'responsible_department']);
			assert.match(step.message, /调查记录、根本原因、责任部门/);
			assert.ok(!/[a-z]+_[a-z]+/.test(step.message), `no raw field names: ${step.message}`);
		} finally {
			agent.lang = null;
		}
	});
});
