// demo.test.mjs - `kefu demo`: the generated data set through the API.
// A fresh database gets `kefu demo --customers 200 --seed 7`; then the
// tickets of every type and state, the queue counts, a customer's
// timeline, search in Chinese, public tracking and orders with their
// lines, ticket histories, delay notices and the search index of orders
// must all be there.  It looks like a working desk: open tickets have
// running SLA clocks (some due soon, some breached), the staff report's
// SLA compliance is a real figure, several SLA policies, the 2026 public
// holidays and make-up workdays in the China calendar, a dozen canned
// replies in both languages, complaints with after-sales, follow-up calls
// that take their outcome, and the care job's first run does not bury
// anyone in win-back tickets.  Two fresh databases with the same seed get
// the same counts.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/demo.test.mjs
//   scripts/with-pg.sh env KF_TEST_BACKEND=postgres node --test --test-concurrency=1 tests/api/demo.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { Client, cleanup, freshDb, kefu, kefuOk, sleep, startServer, withLogs } from './lib.mjs';

after(cleanup);

const TYPES = ['inquiry', 'complaint', 'return', 'claim', 'suggestion', 'follow_up', 'care'];
const STATES = ['new', 'open', 'pending_customer', 'pending_internal', 'resolved', 'closed'];
const DEMO_ARGS = ['--customers', '200', '--seed', '7'];
const PASSWORD = 'demo-password-1';
const CARE_MAX_PER_AGENT = 25; // open care tickets one agent may hold after the care job's first run

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

/**
 * Wait for the scheduler's first run of the care job (it runs at start,
 * after the SLA and follow-up jobs that fell due since the demo's "now"),
 * so the counts below do not change under the tests: the newest care
 * ticket is one it opened.  Returns the care tickets it opened.
 */
async function careRun(client, since) {
	for (let i = 0; i < 120; i++) {
		const items = (await client.expect(200, 'GET', '/api/v1/tickets?type=care&sort=created_at&limit=100')).json.items;
		const fresh = items.filter((t) => t.created_at >= since);
		if (fresh.length > 0) return fresh;
		await sleep(500);
	}
	throw new Error('the care job opened nothing within 60 s of the start');
}

describe('kefu demo', () => {
	let srv, admin, agent, firstStdout;
	const it = withLogs(() => [srv]);

	before(async () => {
		const db = await freshDb();
		firstStdout = await demo(db);
		const startedAt = Math.floor(Date.now() / 1000) - 1;
		srv = await startServer({ db });
		srv.startedAt = startedAt;
		admin = new Client(srv, 'admin');
		await admin.login('admin', db.adminPassword);
		agent = new Client(srv, 'agent');
		await agent.login('wangfang', PASSWORD);
		await careRun(admin, startedAt);
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

	it('open tickets have running SLA clocks; the due view has tickets due soon and breached', async () => {
		const open = await all(admin, '/api/v1/tickets?state=open');
		assert.ok(open.length > 0);
		let running = 0;
		for (const t of open.slice(0, 30)) {
			const res = await admin.api('GET', `/api/v1/tickets/${t.id}/sla`);
			if (res.status !== 200) continue;
			const r = res.json.resolution;
			if (r && r.done_at === null && r.due_at > 0) running++;
		}
		assert.ok(running > 0, 'no open ticket has a running resolution clock');
		const soon = (await admin.expect(200, 'GET', '/api/v1/tickets?sla=due_soon&limit=200')).json.items;
		assert.ok(soon.length > 0, 'the due-soon view is empty');
		assert.ok(soon.every((t) => t.sla_status === 'due_soon'));
		const breached = (await admin.expect(200, 'GET', '/api/v1/tickets?sla=breached&limit=200')).json.items;
		assert.ok(breached.length > 0, 'nothing is breached');
		const closed = (await all(admin, '/api/v1/tickets?type=complaint&state=closed'))[0];
		const clock = (await admin.expect(200, 'GET', `/api/v1/tickets/${closed.id}/sla`)).json;
		assert.ok(['met', 'missed'].includes(clock.resolution.status), `a closed complaint's clock: ${JSON.stringify(clock.resolution)}`);
	});

	it("the staff report's SLA compliance is neither 0 % nor 100 %", async () => {
		const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
		const now = Math.floor(Date.now() / 1000);
		for (const days of [30, 6]) { // the dashboard shows the last 7 days
			const r = (await admin.expect(200, 'GET', `/api/v1/reports/staff?from=${day(now - days * 86400)}&to=${day(now)}&tz=UTC`)).json;
			const col = r.columns.findIndex((c) => c.key === 'sla_compliance');
			const g = r.columns.findIndex((c) => c.key === 'group');
			const total = r.rows.find((row) => row[g] === 'total');
			assert.ok(col >= 0 && total, JSON.stringify(r.columns));
			const rate = Number(total[col]);
			assert.ok(rate > 0 && rate < 1, `SLA compliance over ${days + 1} days: ${rate}`);
		}
	});

	it('has several SLA policies, a dozen canned replies in both languages, and the 2026 holidays', async () => {
		const policies = (await admin.expect(200, 'GET', '/api/v1/sla-policies?limit=100')).json.items;
		assert.ok(policies.length >= 3, `${policies.length} SLA policies`);
		assert.ok(policies.some((p) => p.ticket_type === 'complaint' && p.customer_tier === 'A' && p.first_response_s === 4 * 3600), 'VIP complaints: 4 h first response');
		const canned = (await admin.expect(200, 'GET', '/api/v1/canned-replies')).json.items;
		assert.ok(canned.length >= 10, `${canned.length} canned replies`);
		assert.ok(canned.some((c) => c.language === 'en') && canned.some((c) => c.language === 'zh'));
		const pv = (await admin.expect(200, 'GET', '/api/v1/sla/preview?type=inquiry')).json;
		const cal = (await admin.expect(200, 'GET', `/api/v1/calendars/${pv.policy.calendar_id}`)).json;
		const kind = Object.fromEntries(cal.holidays.map((h) => [h.date, h.kind]));
		for (const d of ['2026-01-01', '2026-02-15', '2026-02-23', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-01', '2026-10-07'])
			assert.equal(kind[d], 'holiday', d);
		for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
			assert.equal(kind[d], 'workday', d);
		assert.equal(cal.holidays.filter((h) => h.date.startsWith('2026-')).length, 39);
	});

	it('complaints are with after-sales (or the English desk), never pre-sales, also when routed', async () => {
		const teams = (await admin.expect(200, 'GET', '/api/v1/teams')).json.items;
		const id = (re) => teams.find((t) => re.test(t.name)).id;
		const after = id(/After-sales/), english = id(/English/), presales = id(/Pre-sales/);
		const complaints = await all(admin, '/api/v1/tickets?type=complaint');
		assert.ok(complaints.length > 0);
		for (const t of complaints) assert.ok([after, english].includes(t.team_id), `complaint ${t.id} is with team ${t.team_id}`);
		const routed = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: '收到的杯子是碎的', category_id: 9 } })).json;
		assert.equal(routed.team_id, after, 'a new complaint is routed to after-sales');
		const plain = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: '客服态度太差' } })).json;
		assert.notEqual(plain.team_id, presales, 'an uncategorised complaint is not routed to pre-sales');
	});

	it('follow-up calls belong to a complaint and take their outcome; scheduled ones are listed', async () => {
		const calls = await all(admin, '/api/v1/tickets?type=follow_up');
		assert.ok(calls.length > 0);
		let open = 0;
		for (const t of calls) {
			const f = (await admin.expect(200, 'GET', `/api/v1/follow-ups?ticket_id=${t.id}`)).json.items;
			assert.equal(f.length, 1, `follow-up ticket ${t.id} has ${f.length} follow-up rows`);
			const c = (await admin.expect(200, 'GET', `/api/v1/tickets/${f[0].complaint_id}`)).json;
			assert.equal(c.type, 'complaint');
			assert.equal(c.customer_id, t.customer_id);
			// Both tickets show the follow-up: the complaint and the follow-up ticket.
			const shown = { id: f[0].id, due_at: f[0].due_at, status: f[0].status, complaint_id: c.id, ticket_id: t.id };
			assert.deepEqual(c.follow_ups.find((x) => x.id === f[0].id), shown, JSON.stringify(c.follow_ups));
			assert.deepEqual((await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}`)).json.follow_ups, [shown]);
			assert.ok(['resolved', 'closed'].includes(c.state), `follow-up ${t.id} of complaint ${c.id} in state ${c.state}`);
			const done = ['resolved', 'closed'].includes(t.state);
			assert.equal(f[0].status, done ? 'done' : 'due', `ticket ${t.id} in state ${t.state}`);
			if (done || open >= 3) continue;
			open++;
			const res = await agent.expect(200, 'POST', `/api/v1/follow-ups/${t.id}/outcome`, { body: { outcome: 'satisfied', note: '客户满意' } });
			assert.equal(res.json.outcome, 'satisfied');
		}
		assert.ok(open > 0, 'no open follow-up call to record');
		const all2 = await all(admin, '/api/v1/follow-ups');
		assert.ok(all2.some((f) => f.status === 'done'));
	});

	it("the care job's first run does not bury an agent in care tickets, and none go to pre-sales", async () => {
		const opened = await careRun(admin, srv.startedAt);
		assert.ok(opened.length > 0 && opened.length < 30, `${opened.length} care tickets from the first run: a few, not the backlog`);
		const teams = (await admin.expect(200, 'GET', '/api/v1/teams')).json.items;
		const presales = teams.find((t) => /Pre-sales/.test(t.name)).id;
		const care = [];
		for (const state of ['new', 'open', 'pending_customer', 'pending_internal'])
			care.push(...(await all(admin, `/api/v1/tickets?type=care&state=${state}`)));
		const per = new Map();
		for (const t of care) per.set(t.assignee_id, (per.get(t.assignee_id) || 0) + 1);
		for (const [who, n] of per) assert.ok(n <= CARE_MAX_PER_AGENT, `agent ${who} holds ${n} open care tickets`);
		for (const t of opened) {
			assert.match(t.subject, /Win-back|Birthday greeting/);
			assert.notEqual(t.team_id, presales, `care ticket ${t.id} went to pre-sales`);
		}
	});

	it('the same seed on another fresh database gives the same counts', async () => {
		const db2 = await freshDb();
		const second = await demo(db2);
		assert.equal(countsOf(second), countsOf(firstStdout));
	});
});
