// demo.test.mjs - `kefu demo`: the generated data set through the API.
// A fresh database gets `kefu demo --customers 200 --seed 7`; then the
// tickets of every type and state, the queue counts, a customer's
// timeline, search in Chinese, public tracking and orders with their
// lines, ticket histories, delay notices and the search index of orders
// must all be there.  Two fresh databases with the same seed get the
// same counts.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/demo.test.mjs
//   scripts/with-pg.sh env KF_TEST_BACKEND=postgres node --test --test-concurrency=1 tests/api/demo.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { Client, cleanup, freshDb, kefu, kefuOk, startServer, withLogs } from './lib.mjs';

after(cleanup);

const TYPES = ['inquiry', 'complaint', 'return', 'claim', 'suggestion', 'follow_up', 'care'];
const STATES = ['new', 'open', 'pending_customer', 'pending_internal', 'resolved', 'closed'];
const DEMO_ARGS = ['--customers', '200', '--seed', '7'];
const PASSWORD = 'demo-password-1';

/** Run kefu demo on db; returns its stdout. */
async function demo(db) {
	const r = await kefuOk(['demo', ...DEMO_ARGS, '--db', db.url], { cwd: db.dir, timeout: 300_000 });
	return r.stdout;
}

/** The count lines of kefu demo's report, without the timing. */
function countsOf(stdout) {
	return stdout
		.split('\n')
		.filter((l) => /\d/.test(l) && !/ rows in /.test(l))
		.join('\n');
}

/** Every item of a paged list. */
async function all(client, url) {
	const out = [];
	let cursor = '';
	for (let i = 0; i < 1000; i++) {
		const sep = url.includes('?') ? '&' : '?';
		const res = await client.expect(200, 'GET', `${url}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
		out.push(...res.json.items);
		if (!res.json.next_cursor) return out;
		cursor = res.json.next_cursor;
	}
	throw new Error(`${url}: the list never ended`);
}

describe('kefu demo', () => {
	let srv, admin, agent, firstStdout;
	const it = withLogs(() => [srv]);

	before(async () => {
		const db = await freshDb();
		firstStdout = await demo(db);
		srv = await startServer({ db });
		admin = new Client(srv, 'admin');
		await admin.login('admin', db.adminPassword);
		agent = new Client(srv, 'agent');
		await agent.login('wangfang', PASSWORD);
	});

	it('prints the counts and the demo-only password', () => {
		assert.match(firstStdout, /200 customers/);
		assert.match(firstStdout, /DEMO ONLY/);
		assert.match(firstStdout, new RegExp(PASSWORD));
	});

	it('refuses a database that already has customers', async () => {
		const r = await kefu(['demo', ...DEMO_ARGS, '--db', srv.db.url], { cwd: srv.db.dir });
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.match(r.stderr, /already has 200 customers/);
	});

	it('rejects a bad --customers with exit 2', async () => {
		const r = await kefu(['demo', '--customers', 'lots', '--db', srv.db.url], { cwd: srv.db.dir });
		assert.equal(r.code, 2, r.stdout + r.stderr);
	});

	it('has tickets of every type in every state, and the counts agree', async () => {
		const counts = (await admin.expect(200, 'GET', '/api/v1/tickets/counts')).json;
		for (const state of STATES) {
			let total = 0;
			for (const type of TYPES) {
				const items = await all(admin, `/api/v1/tickets?type=${type}&state=${state}`);
				assert.ok(items.length > 0, `no ${type} ticket in state ${state}`);
				for (const t of items) assert.equal(t.state, state);
				total += items.length;
			}
			assert.equal(counts.all[state], total, `counts.all.${state}`);
		}
	});

	it('tickets have conversations, in Chinese and English', async () => {
		const closed = await all(admin, '/api/v1/tickets?type=complaint&state=closed');
		const t = closed[0];
		const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items;
		assert.ok(msgs.length >= 3, `closed complaint ${t.id} has ${msgs.length} messages`);
		const tickets = await all(admin, '/api/v1/tickets?type=inquiry');
		assert.ok(tickets.some((x) => x.language === 'en'), 'no English ticket');
		assert.ok(tickets.some((x) => /[\u4e00-\u9fff]/.test(x.subject)), 'no Chinese subject');
	});

	it('generated text has every placeholder filled: subjects, messages, return reasons', async () => {
		const returns = await all(admin, '/api/v1/tickets?type=return');
		assert.ok(returns.length > 0);
		let seen = 0;
		for (const t of returns.slice(0, 40)) {
			assert.ok(!/[{}]/.test(t.subject), `subject: ${t.subject}`);
			const r = await admin.api('GET', `/api/v1/tickets/${t.id}/return`);
			if (r.status !== 200) continue;
			seen++;
			assert.ok(!/[{}]/.test(r.json.reason), `return reason: ${r.json.reason}`);
			const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items;
			for (const m of msgs) assert.ok(!/\{(name|product|order|track)\}/.test(m.body), `message: ${m.body}`);
		}
		assert.ok(seen > 0, 'no return authorisations among the return tickets');
	});

	it("a customer's timeline is not empty", async () => {
		const t = (await all(admin, '/api/v1/tickets?type=return&state=closed'))[0];
		const res = await admin.expect(200, 'GET', `/api/v1/customers/${t.customer_id}/timeline`);
		const kinds = new Set(res.json.items.map((i) => i.kind));
		assert.ok(kinds.has('ticket') && kinds.has('order'), `timeline kinds: ${[...kinds]}`);
	});

	it('search finds a Chinese word of the conversations', async () => {
		const res = await admin.expect(200, 'GET', `/api/v1/search?q=${encodeURIComponent('快递')}`);
		assert.ok(res.json.items.length > 0, 'nothing found for 快递');
		const refund = await admin.expect(200, 'GET', `/api/v1/search?q=${encodeURIComponent('退款')}&kind=ticket`);
		assert.ok(refund.json.items.length > 0, 'no ticket found for 退款');
	});

	it('every demo message is in the search index: recall for 物流, 快递 and refund is complete', async () => {
		// The conversations read through the API, independently of the index.
		const messages = [];
		for (const type of TYPES)
			for (const t of await all(admin, `/api/v1/tickets?type=${type}`))
				messages.push(...(await all(admin, `/api/v1/tickets/${t.id}/messages`)));
		assert.ok(messages.length > 500, `only ${messages.length} demo messages`);
		const terms = [['物流', (b) => b.includes('物流')], ['快递', (b) => b.includes('快递')], ['refund', (b) => /(^|[^0-9a-z])refund/i.test(b)]];
		for (const [q, has] of terms) {
			const want = messages.filter((m) => has(m.body)).map((m) => m.id).sort((a, b) => a - b);
			assert.ok(want.length > 0, `no demo message contains ${q}`);
			const got = (await all(admin, `/api/v1/search?kind=message&q=${encodeURIComponent(q)}`)).map((h) => h.ref_id).sort((a, b) => a - b);
			assert.deepEqual(got, want, `search for ${q}: ${got.length} of ${want.length} messages`);
		}
	});

	it('public tracking works for a generated tracking number', async () => {
		const t = (await all(admin, '/api/v1/tickets?type=claim&state=closed'))[0];
		const ship = await admin.expect(200, 'GET', `/api/v1/shipments/${t.shipment_id}`);
		const number = ship.json.tracking_number;
		const anon = new Client(srv, 'anonymous');
		const res = await anon.expect(200, 'GET', `/api/v1/track/${encodeURIComponent(number)}`);
		assert.ok(res.json.events.length > 0, `no events for ${number}`);
	});

	it('orders have lines and totals that add up', async () => {
		const orders = (await admin.expect(200, 'GET', '/api/v1/orders?limit=20')).json.items;
		assert.ok(orders.length > 0);
		for (const o of orders.slice(0, 10)) {
			const full = (await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`)).json;
			assert.ok(full.lines.length > 0, `order ${o.id} has no lines`);
			const sum = full.lines.reduce((s, l) => s + l.quantity * l.unit_price_minor, 0);
			assert.equal(full.total_minor, sum, `order ${o.id} total`);
		}
	});

	it("a closed ticket's history has its creation and its last state change", async () => {
		const t = (await all(admin, '/api/v1/tickets?type=complaint&state=closed'))[0];
		const events = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/events`)).json.items;
		const create = events.find((e) => e.action === 'create');
		assert.ok(create, `ticket ${t.id} has no create event`);
		assert.equal(create.after.id, t.id);
		assert.equal(create.after.subject, t.subject);
		const last = events.filter((e) => e.action === 'state').pop();
		assert.ok(last, `ticket ${t.id} has no state event`);
		assert.deepEqual([last.before.state, last.after.state], ['resolved', 'closed']);
	});

	it('late parcels have delay notices, and search finds an order by its number', async () => {
		const notices = (await admin.expect(200, 'GET', '/api/v1/delay-notices?limit=50')).json.items;
		assert.ok(notices.length > 0, 'no delay notice');
		const order = (await admin.expect(200, 'GET', '/api/v1/orders?limit=1')).json.items[0];
		const res = await admin.expect(200, 'GET', `/api/v1/search?q=${encodeURIComponent(order.number)}&kind=order`);
		assert.ok(res.json.items.some((i) => i.ref_id === order.id), `order ${order.number} not found`);
	});

	it('the same seed on another fresh database gives the same counts', async () => {
		const db2 = await freshDb();
		const second = await demo(db2);
		assert.equal(countsOf(second), countsOf(firstStdout));
	});
});
