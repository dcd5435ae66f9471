// Full-text search and saved views through the API: Chinese and English
// recall on known answers, newest first, paging, filters by kind; each
// user's views are their own, with ETag/If-Match like every resource.
//
//   node --test --test-concurrency=1 tests/api/search.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, kefu, kefuOk, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

describe('saved views', () => {
	let srv, admin, other;
	const it = withLogs(() => srv);

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		const u = await admin.expect(201, 'POST', '/api/v1/users', { body: { username: uniq('agent'), role: 'agent' } });
		other = srv.client('agent');
		await other.login(u.json.username, u.json.password);
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	it('create, list, rename with If-Match, stale 412, delete', async () => {
		const created = await admin.expect(201, 'POST', '/api/v1/views', {
			body: { name: '我的投诉', kind: 'tickets', query: { type: 'complaint', assignee: 'me' } },
		});
		assert.equal(created.json.name, '我的投诉');
		assert.deepEqual(created.json.query, { assignee: 'me', type: 'complaint' });
		const etag = created.headers.etag;
		assert.match(etag, /^"v1"$/);
		const list = await admin.expect(200, 'GET', '/api/v1/views');
		assert.deepEqual(list.json.items.map((v) => v.name), ['我的投诉']);

		const renamed = await admin.expect(200, 'PATCH', `/api/v1/views/${created.json.id}`, {
			body: { name: 'My complaints' },
			headers: { 'If-Match': etag },
		});
		assert.equal(renamed.json.name, 'My complaints');
		assert.deepEqual(renamed.json.query, created.json.query, 'a rename keeps the filters');
		const stale = await admin.api('PATCH', `/api/v1/views/${created.json.id}`, {
			body: { name: 'lost' },
			headers: { 'If-Match': etag },
		});
		assertError(stale, 412, 'stale', 'stale If-Match');
		const now = await admin.expect(200, 'GET', `/api/v1/views/${created.json.id}`);
		assert.equal(now.json.name, 'My complaints', 'the stale write changed nothing');

		assertError(await admin.api('POST', '/api/v1/views', { body: { name: 'My complaints', kind: 'tickets', query: {} } }), 409, 'exists');
		assertError(await admin.api('POST', '/api/v1/views', { body: { name: 'x', kind: 'nope', query: {} } }), 400, 'invalid');
		assertError(await admin.api('POST', '/api/v1/views', { body: { name: 'x', kind: 'tickets', query: [] } }), 400, 'type');
		await admin.expect(200, 'DELETE', `/api/v1/views/${created.json.id}`);
		assertError(await admin.api('GET', `/api/v1/views/${created.json.id}`), 404, 'not_found');
	});

	it("another user's views are invisible and untouchable", async () => {
		const mine = await admin.expect(201, 'POST', '/api/v1/views', { body: { name: uniq('v'), kind: 'customers', query: { tier: 'A' } } });
		assertError(await other.api('GET', `/api/v1/views/${mine.json.id}`), 404, 'not_found');
		assertError(await other.api('DELETE', `/api/v1/views/${mine.json.id}`), 404, 'not_found');
		const theirs = await other.expect(200, 'GET', '/api/v1/views');
		assert.equal(theirs.json.items.length, 0);
	});

	it('search refuses an empty or wordless query and a bad kind', async () => {
		assertError(await admin.api('GET', '/api/v1/search'), 400, 'required');
		assertError(await admin.api('GET', `/api/v1/search?q=${encodeURIComponent('!!')}`), 400, 'invalid');
		assertError(await admin.api('GET', '/api/v1/search?q=refund&kind=nope'), 400, 'invalid');
		const none = await admin.expect(200, 'GET', `/api/v1/search?q=${encodeURIComponent('没有这个词')}`);
		assert.deepEqual(none.json.items, []);
		assert.equal(none.json.next_cursor, null);
	});
});

describe('full-text search over tickets, messages, customers and orders', () => {
	let srv, admin;
	const it = withLogs(() => srv);
	const ids = {};

	/** The hits for q (optionally of one kind) as "kind:ref_id" strings, walking every page. */
	async function hits(q, kind = '') {
		const out = [];
		let cursor = '';
		for (let i = 0; i < 50; i++) {
			const url = `/api/v1/search?limit=2&q=${encodeURIComponent(q)}${kind ? `&kind=${kind}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
			const res = await admin.expect(200, 'GET', url);
			out.push(...res.json.items.map((h) => `${h.kind}:${h.ref_id}`));
			if (!res.json.next_cursor) return out;
			cursor = res.json.next_cursor;
		}
		throw new Error('search never ended');
	}

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		const t = async (subject, body) =>
			(await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject, body } })).json.id;
		ids.refund = await t('申请退款', '收到的杯子有裂痕');
		ids.parcel = await t('Where is my parcel?', 'Ordered a zeppelin-shaped lamp');
		ids.mixed = await t('退货 return request', 'Refund for the zeppelins please');
		const reply = await admin.expect(201, 'POST', `/api/v1/tickets/${ids.parcel}/replies`, { body: { body: '您的包裹物流延误，预计明天送达' } });
		ids.reply = reply.json.id ?? reply.json.message?.id;
		const c = await admin.expect(201, 'POST', '/api/v1/customers', {
			body: { name: '李华', identities: [{ kind: 'phone', value: '13900001111' }] },
		});
		ids.customer = c.json.id;
		const o = await admin.expect(201, 'POST', '/api/v1/orders', {
			body: { number: 'SO-SEARCH-1', placed_at: 1700000000, lines: [{ sku: 'MUG-01', name: '保温杯', quantity: 1, unit_price_minor: 100 }] },
		});
		ids.order = o.json.id;
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	it('finds Chinese two-character words inside longer text', async () => {
		assert.deepEqual(await hits('退款', 'ticket'), [`ticket:${ids.refund}`]);
		assert.deepEqual(await hits('物流延误', 'message').then((h) => h.length), 1);
		assert.deepEqual(await hits('保温杯', 'order'), [`order:${ids.order}`]);
		assert.deepEqual(await hits('李华', 'customer'), [`customer:${ids.customer}`]);
	});

	it('finds English words as prefixes, case-insensitively, newest first', async () => {
		const z = await hits('ZEPPELIN');
		const tickets = z.filter((h) => h.startsWith('ticket:'));
		assert.deepEqual(tickets, [`ticket:${ids.mixed}`, `ticket:${ids.parcel}`], 'both tickets mentioning zeppelin(s), newest first');
		assert.deepEqual(await hits('zeppelin refund', 'ticket'), [`ticket:${ids.mixed}`], 'every word must match');
		assert.deepEqual(await hits('13900001111'), [`customer:${ids.customer}`], 'a phone number finds its customer');
		assert.deepEqual(await hits('so-search-1', 'order'), [`order:${ids.order}`]);
	});

	it('a message hit names the ticket to open', async () => {
		const res = await admin.expect(200, 'GET', `/api/v1/search?q=${encodeURIComponent('明天送达')}&kind=message`);
		assert.equal(res.json.items.length, 1);
		assert.equal(res.json.items[0].parent_id, ids.parcel);
	});

	it('finds one Chinese character inside a word, and CJK glued to a Latin word (issue 12)', async () => {
		const t = async (subject, body) =>
			(await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject, body } })).json.id;
		const xin = await t('鑫源商贸的订单', '请尽快发货');
		const sui = await t('杯子摔碎了', '到货时已经碎掉');
		const wait = await t('到货时间', '我一直在等zeppelin到货');
		assert.deepEqual(await hits('鑫', 'ticket'), [`ticket:${xin}`]);
		assert.deepEqual(await hits('碎', 'ticket'), [`ticket:${sui}`]);
		assert.deepEqual(await hits('等zeppelin', 'ticket'), [`ticket:${wait}`]);
		// the ticket's opening message is a message document too
		const msg = await hits('等zeppelin', 'message');
		assert.equal(msg.length, 1);
	});

	it('an erased customer is no longer found', async () => {
		await admin.expect(200, 'POST', `/api/v1/customers/${ids.customer}/erase`);
		assert.deepEqual(await hits('李华', 'customer'), []);
		assert.deepEqual(await hits('13900001111'), []);
	});
});

describe('search and personal data (issue 12)', () => {
	let srv, admin, analyst, agent;
	const it = withLogs(() => srv);
	const PHONE = '18612346885';
	const EMAIL = 'zhou.probe@example.net';

	async function staff(role) {
		const u = await admin.expect(201, 'POST', '/api/v1/users', { body: { username: uniq(role), role } });
		const c = srv.client(role);
		await c.login(u.json.username, u.json.password);
		return c;
	}
	const found = async (c, q) => (await c.expect(200, 'GET', `/api/v1/search?limit=200&q=${encodeURIComponent(q)}`)).json.items;

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		analyst = await staff('analyst');
		agent = await staff('agent');
		await admin.expect(201, 'POST', '/api/v1/customers', {
			body: { name: '周探针', identities: [{ kind: 'phone', value: PHONE }, { kind: 'email', value: EMAIL }, { kind: 'wechat', value: 'zhouprobe88' }] },
		});
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	it('an analyst (no pii.read) cannot rebuild a masked phone or e-mail by prefix probing', async () => {
		const perms = (await analyst.expect(200, 'GET', '/api/v1/me')).json;
		assert.ok(!JSON.stringify(perms).includes('pii.read'), 'the analyst role has pii.read: the test would prove nothing');
		// The attack: from the visible 186****6885, try each next digit; any answer that differs is a signal.
		const masked = (await analyst.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent('周探针')}`)).json.items[0];
		assert.ok(masked, 'the customer is listed for the analyst');
		assert.ok(!JSON.stringify(masked).includes(PHONE), 'the list shows the phone unmasked');
		for (let len = 3; len <= PHONE.length; len++) {
			const prefix = PHONE.slice(0, len - 1);
			const answers = [];
			for (let d = 0; d <= 9; d++) answers.push((await found(analyst, prefix + d)).length);
			assert.deepEqual(answers, Array(10).fill(0), `probing ${prefix}? gave a signal: ${answers}`);
		}
		for (const q of [EMAIL, 'zhou', 'zhou.probe', 'example.net', 'zhouprobe88', `周探针 ${PHONE}`])
			assert.deepEqual(await found(analyst, q), [], `the analyst found something for ${q}`);
		// The name is not masked for the analyst, so it still finds the customer.
		assert.equal((await found(analyst, '周探针')).length, 1);
	});

	it('kefu search --reindex rebuilds every document with the same answers', async () => {
		const t = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: '重建索引鑫', body: 'reindexed words' } })).json;
		const before = [await found(admin, PHONE), await found(analyst, '周探针'), await found(admin, '鑫')];
		const r = await kefuOk(['search', '--reindex', '--db', srv.db.url], { cwd: srv.db.dir });
		assert.match(r.stdout, /reindexed 1 tickets, 1 messages, 1 customers, 0 orders/);
		const after = [await found(admin, PHONE), await found(analyst, '周探针'), await found(admin, '鑫')];
		assert.deepEqual(after.map((x) => x.map((h) => `${h.kind}:${h.ref_id}`)), before.map((x) => x.map((h) => `${h.kind}:${h.ref_id}`)));
		assert.deepEqual(after[2].map((h) => `${h.kind}:${h.ref_id}`), [`ticket:${t.id}`]);
		assert.equal((await found(admin, 'reindexed')).length, 2, 'the ticket and its first message');
		assert.deepEqual(await found(analyst, PHONE.slice(0, 4)), [], 'a rebuilt customer keeps personal fields apart');
		const bad = await kefu(['search', '--reindex', 'x', '--db', srv.db.url], { cwd: srv.db.dir });
		assert.equal(bad.code, 2);
	});

	it('a role with pii.read still finds the customer by phone and e-mail', async () => {
		for (const c of [agent, admin]) {
			assert.equal((await found(c, PHONE)).length, 1);
			assert.equal((await found(c, PHONE.slice(0, 7))).length, 1, 'prefix');
			assert.equal((await found(c, EMAIL)).length, 1);
			assert.equal((await found(c, 'zhouprobe88')).length, 1);
			assert.equal((await found(c, `周探针 ${PHONE}`)).length, 1, 'name and phone together');
		}
	});
});
