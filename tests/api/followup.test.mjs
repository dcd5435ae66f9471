// followup.test.mjs - follow-ups (回访) and care through the API: a resolved
// complaint's follow-up is listed as scheduled before it falls due
// (GET /api/v1/follow-ups, filtered by status, customer and ticket, keyset
// paged), bad filters are refused; the customer portal never shows the
// team's internal care and follow-up tickets, in its list or by id.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/followup.test.mjs
//   scripts/with-pg.sh env KF_TEST_BACKEND=postgres node --test --test-concurrency=1 tests/api/followup.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

let srv, admin;
const it = withLogs(() => srv);

async function customer(name) {
	return (await admin.expect(201, 'POST', '/api/v1/customers', {
		body: { name, identities: [{ kind: 'email', value: `${uniq('c')}@example.com` }] },
	})).json;
}

async function transition(id, state) {
	const t = await admin.expect(200, 'GET', `/api/v1/tickets/${id}`);
	return admin.expect(200, 'POST', `/api/v1/tickets/${id}/transition`, { body: { state }, headers: { 'If-Match': t.headers.etag } });
}

/** A complaint of customerId, with what resolving needs, resolved now. */
async function resolvedComplaint(customerId) {
	const t = (await admin.expect(201, 'POST', '/api/v1/tickets', {
		body: { type: 'complaint', subject: uniq('杯子碎了'), customer_id: customerId },
	})).json;
	const url = `/api/v1/tickets/${t.id}/complaint`;
	const c = await admin.expect(200, 'GET', url);
	await admin.expect(200, 'PATCH', url, {
		body: { investigation_notes: '包装不牢', root_cause: 'packaging', responsible_department: '仓储部', solution: '补发' },
		headers: { 'If-Match': c.headers.etag },
	});
	await transition(t.id, 'open');
	await transition(t.id, 'resolved');
	return t;
}

async function all(url) {
	const out = [];
	let cursor = '';
	for (let i = 0; i < 100; i++) {
		const sep = url.includes('?') ? '&' : '?';
		const res = await admin.expect(200, 'GET', `${url}${sep}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
		out.push(...res.json.items);
		if (!res.json.next_cursor) return out;
		cursor = res.json.next_cursor;
	}
	throw new Error('the list never ended');
}

describe('follow-ups and care', () => {
	let alice, bob, complaintA, complaintB;

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		alice = await customer('周芷若');
		bob = await customer('殷离');
		complaintA = await resolvedComplaint(alice.id);
		complaintB = await resolvedComplaint(bob.id);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it('a scheduled follow-up is listed before it falls due, with its complaint and due time', async () => {
		const now = Math.floor(Date.now() / 1000);
		const items = (await admin.expect(200, 'GET', '/api/v1/follow-ups?status=scheduled')).json.items;
		const f = items.find((x) => x.complaint_id === complaintA.id);
		assert.ok(f, `no scheduled follow-up of complaint ${complaintA.id}: ${JSON.stringify(items)}`);
		assert.equal(f.status, 'scheduled');
		assert.equal(f.customer_id, alice.id);
		assert.equal(f.ticket_id, null);
		assert.equal(f.outcome, null);
		assert.equal(f.complaint_number, complaintA.number);
		assert.ok(f.due_at > now, `due_at ${f.due_at} is in the future`);
		// The complaint shows it too, before it falls due.
		const t = (await admin.expect(200, 'GET', `/api/v1/tickets/${complaintA.id}`)).json;
		assert.deepEqual(t.follow_ups, [{ id: f.id, due_at: f.due_at, status: 'scheduled', complaint_id: complaintA.id, ticket_id: null }]);
		// And the customer's timeline, at the time it is due, opening the complaint.
		const tl = (await admin.expect(200, 'GET', `/api/v1/customers/${alice.id}/timeline`)).json.items;
		const row = tl.find((x) => x.kind === 'follow_up');
		assert.ok(row, JSON.stringify(tl));
		assert.equal(row.ref_id, complaintA.id);
		assert.equal(row.at, f.due_at);
		assert.equal(row.summary, complaintA.number);
		const plain = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: uniq('无回访') } })).json;
		assert.deepEqual((await admin.expect(200, 'GET', `/api/v1/tickets/${plain.id}`)).json.follow_ups, []);
		// nothing is due or done yet
		const due = (await admin.expect(200, 'GET', '/api/v1/follow-ups?status=due')).json.items;
		assert.ok(!due.some((x) => x.complaint_id === complaintA.id));
		const done = (await admin.expect(200, 'GET', '/api/v1/follow-ups?status=done')).json.items;
		assert.ok(!done.some((x) => x.complaint_id === complaintA.id));
	});

	it('filters by customer and by ticket, and pages by cursor', async () => {
		let items = (await admin.expect(200, 'GET', `/api/v1/follow-ups?customer_id=${bob.id}`)).json.items;
		assert.deepEqual(items.map((x) => x.complaint_id), [complaintB.id]);
		items = (await admin.expect(200, 'GET', `/api/v1/follow-ups?ticket_id=${complaintA.id}`)).json.items;
		assert.deepEqual(items.map((x) => x.customer_id), [alice.id]);
		const paged = await all('/api/v1/follow-ups');
		assert.ok(paged.length >= 2);
		const ids = paged.map((x) => x.id);
		assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ascending ids');
		assert.equal(new Set(ids).size, ids.length, 'no id twice');
	});

	it('refuses bad filters with a clear error, and anonymous callers', async () => {
		assert.equal(assertError(await admin.api('GET', '/api/v1/follow-ups?status=later'), 400, 'invalid').field, 'status');
		assert.equal(assertError(await admin.api('GET', '/api/v1/follow-ups?customer_id=abc'), 400, 'invalid').field, 'customer_id');
		assert.equal(assertError(await admin.api('GET', '/api/v1/follow-ups?ticket_id=-3'), 400, 'invalid').field, 'ticket_id');
		const anon = srv.client('anonymous');
		assert.equal((await anon.api('GET', '/api/v1/follow-ups')).status, 401);
	});

	it('the portal never shows internal care and follow-up tickets', async () => {
		const carol = await customer('小昭');
		const login = `${uniq('p')}@example.com`;
		const acct = (await admin.expect(201, 'POST', `/api/v1/customers/${carol.id}/portal-account`, { body: { login } })).json;
		const mine = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: uniq('发票'), customer_id: carol.id } })).json;
		const care = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'care', subject: '老客户回访：小昭 / Win-back', customer_id: carol.id } })).json;
		const call = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'follow_up', subject: '回访 / Follow-up', customer_id: carol.id } })).json;
		const portal = srv.client(login);
		await portal.portalLogin(login, acct.password);
		const list = (await portal.expect(200, 'GET', '/api/v1/portal/tickets')).json.items;
		const ids = list.map((x) => x.id);
		assert.ok(ids.includes(mine.id), `the customer's own inquiry is listed: ${ids}`);
		assert.ok(!ids.includes(care.id), 'the care ticket is not listed');
		assert.ok(!ids.includes(call.id), 'the follow-up ticket is not listed');
		assert.ok(!list.some((x) => x.type === 'care' || x.type === 'follow_up'));
		await portal.expect(200, 'GET', `/api/v1/portal/tickets/${mine.id}`);
		assertError(await portal.api('GET', `/api/v1/portal/tickets/${care.id}`), 404, 'not_found', 'care ticket by id');
		assertError(await portal.api('GET', `/api/v1/portal/tickets/${call.id}`), 404, 'not_found', 'follow-up ticket by id');
		assertError(await portal.api('POST', `/api/v1/portal/tickets/${care.id}/messages`, { body: { body: 'hi' } }), 404, 'not_found', 'writing to it');
	});
});
