// processes.test.mjs - the complaint (投诉处理流程), return (退换货, 七天无理由)
// and claim (货物损坏赔付) processes of tickets, end to end over HTTP:
// required fields per step, resolve blocked until the process allows it,
// the return window and its manager override, refund and payout caps.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/processes.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

const DAY = 86400;
let srv, admin, agent, manager;

async function staff(role) {
	const name = uniq(role);
	const password = 'correct-horse-battery';
	await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, role, password } });
	const c = srv.client(name);
	await c.login(name, password);
	return c;
}

/** POST /tickets/:id/transition with the ticket's current ETag. */
async function transition(c, id, state) {
	const t = await c.expect(200, 'GET', `/api/v1/tickets/${id}`);
	return c.api('POST', `/api/v1/tickets/${id}/transition`, { body: { state }, headers: { 'If-Match': t.headers.etag } });
}

async function ticket(c, fields) {
	const res = await c.expect(201, 'POST', '/api/v1/tickets', { body: { subject: uniq('subject'), ...fields } });
	return res.json;
}

/** An order of two lines (2 x 4999, 1 x 12000) delivered deliveredAgo seconds ago. */
async function deliveredOrder(deliveredAgo) {
	const now = Math.floor(Date.now() / 1000);
	const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
		body: {
			number: uniq('SO'), placed_at: now - deliveredAgo - 3 * DAY, currency: 'CNY',
			lines: [
				{ line_no: 1, sku: 'TEA-1', name: '龙井茶', quantity: 2, unit_price_minor: 4999 },
				{ line_no: 2, sku: 'POT-1', name: '茶壶', quantity: 1, unit_price_minor: 12000 },
			],
		},
	})).json;
	const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
		body: {
			order_id: order.id, tracking_number: uniq('SF'), carrier: 'SF',
			lines: order.lines.map((l) => ({ order_line_id: l.id, quantity: l.quantity })),
		},
	})).json;
	await admin.expect(200, 'POST', `/api/v1/shipments/${ship.id}/events`, {
		body: { at: now - deliveredAgo, status: 'delivered', location: '杭州' },
	}).catch(async () => admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, {
		body: { at: now - deliveredAgo + 1, status: 'delivered', location: '杭州' },
	}));
	return { order, ship };
}

describe('processes', () => {
	const it = withLogs(() => [srv]);

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		agent = await staff('agent');
		manager = await staff('manager');
	});

	it('a complaint goes through every step with required fields; resolve waits for root cause, department, solution', async () => {
		const t = await ticket(agent, { type: 'complaint' });
		const url = `/api/v1/tickets/${t.id}/complaint`;
		let res = await agent.expect(200, 'GET', url);
		assert.equal(res.json.step, 'received');
		assert.equal(res.headers.etag, '"v1"');

		// Resolving now is refused, naming what is missing.
		let r = await transition(agent, t.id, 'resolved');
		let e = assertError(r, 409, 'complaint_incomplete', 'resolve an empty complaint');
		assert.match(e.message, /root cause, responsible department and solution/);

		// If-Match is required; skipping a step is refused.
		assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'initial_handling' } }), 428, 'precondition_required');
		assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'investigation' }, headers: { 'If-Match': '"v1"' } }),
			409, 'bad_step');

		res = await agent.expect(200, 'POST', `${url}/advance`, { body: { to: 'initial_handling' }, headers: { 'If-Match': '"v1"' } });
		assert.equal(res.json.step, 'initial_handling');
		assert.ok(res.json.acknowledged_at);
		assert.deepEqual(res.json.missing_for_next, ['category_id']);
		let etag = res.headers.etag;

		// Investigation needs a classification.
		e = assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'investigation' }, headers: { 'If-Match': etag } }),
			409, 'step_requirements');
		assert.equal(e.field, 'category_id');
		res = await agent.expect(200, 'POST', `${url}/advance`, { body: { to: 'investigation', category_id: 9 }, headers: { 'If-Match': etag } });
		etag = res.headers.etag;

		// Solution needs notes, root cause and department; PATCH records them one by one.
		e = assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'solution' }, headers: { 'If-Match': etag } }),
			409, 'step_requirements');
		assert.equal(e.field, 'investigation_notes');
		assert.match(e.message, /root cause and responsible department/);
		res = await agent.expect(200, 'PATCH', url, {
			body: { investigation_notes: '仓库打包不牢', root_cause: 'packaging' }, headers: { 'If-Match': etag },
		});
		etag = res.headers.etag;
		assertError(await agent.api('PATCH', url, { body: { root_cause: 'x' }, headers: { 'If-Match': '"v1"' } }), 412, 'stale');
		e = assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'solution' }, headers: { 'If-Match': etag } }),
			409, 'step_requirements');
		assert.equal(e.field, 'responsible_department');
		res = await agent.expect(200, 'POST', `${url}/advance`, {
			body: { to: 'solution', responsible_department: '仓储部' }, headers: { 'If-Match': etag },
		});
		etag = res.headers.etag;

		// Still no solution: resolve refused naming only the solution.
		r = await transition(agent, t.id, 'resolved');
		e = assertError(r, 409, 'complaint_incomplete');
		assert.equal(e.field, 'solution');

		e = assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'implementation' }, headers: { 'If-Match': etag } }),
			409, 'step_requirements');
		assert.equal(e.field, 'solution');
		assertError(await agent.api('PATCH', url, { body: { compensation_minor: -1 }, headers: { 'If-Match': etag } }), 400, 'range');
		assertError(await agent.api('PATCH', url, { body: { implemented: true }, headers: { 'If-Match': etag } }), 409, 'wrong_step');
		res = await agent.expect(200, 'POST', `${url}/advance`, {
			body: { to: 'implementation', solution: '补发新品并赔偿', compensation_minor: 2000, currency: 'CNY' },
			headers: { 'If-Match': etag },
		});
		etag = res.headers.etag;
		assert.equal(res.json.compensation_minor, 2000);

		// Archive needs implemented, the customer's confirmation and the feedback.
		e = assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'archived', implemented: true }, headers: { 'If-Match': etag } }),
			409, 'step_requirements');
		assert.equal(e.field, 'customer_confirmation');
		res = await agent.expect(200, 'POST', `${url}/advance`, {
			body: { to: 'archived', implemented: true, customer_confirmation: 'accepted', feedback_sent: true },
			headers: { 'If-Match': etag },
		});
		assert.equal(res.json.step, 'archived');
		assert.ok(res.json.archived_at && res.json.implemented_at && res.json.feedback_to_department_at);
		assertError(await agent.api('PATCH', url, { body: { root_cause: 'x' }, headers: { 'If-Match': res.headers.etag } }), 409, 'archived');

		// Now the ticket resolves; every change is on its timeline.
		assert.equal((await transition(agent, t.id, 'resolved')).status, 200);
		const ev = await agent.expect(200, 'GET', `/api/v1/tickets/${t.id}/events`);
		const actions = JSON.stringify(ev.json);
		assert.match(actions, /complaint\.advance/);
		assert.match(actions, /complaint\.update/);

		// Chinese message for a process error.
		agent.lang = 'zh-CN';
		const t2 = await ticket(agent, { type: 'complaint' });
		e = assertError(await agent.api('POST', `/api/v1/tickets/${t2.id}/complaint/advance`, { body: { to: 'archived' }, headers: { 'If-Match': '"v1"' } }), 409, 'bad_step');
		assert.match(e.message, /[\u4e00-\u9fff]/);
		agent.lang = null;
		// A complaint route on a ticket of another type.
		const inquiry = await ticket(agent, { type: 'inquiry' });
		assertError(await agent.api('GET', `/api/v1/tickets/${inquiry.id}/complaint`), 409, 'wrong_ticket_type');
	});

	it('a return inside the 7-day window is refunded; resolve waits for a terminal status', async () => {
		const { order } = await deliveredOrder(2 * DAY);
		const t = await ticket(agent, { type: 'return', order_id: order.id });
		const [l1, l2] = order.lines;
		// More than delivered: refused naming the line.
		let e = assertError(await agent.api('POST', `/api/v1/tickets/${t.id}/return`, {
			body: { reason: '七天无理由', action: 'refund', lines: [{ order_line_id: l1.id, quantity: 3 }] },
		}), 409, 'return_quantity');
		assert.match(e.message, new RegExp(`order line ${l1.id}`));
		let res = await agent.expect(201, 'POST', `/api/v1/tickets/${t.id}/return`, {
			body: { reason: '七天无理由', action: 'refund', lines: [{ order_line_id: l1.id, quantity: 2 }, { order_line_id: l2.id, quantity: 1 }] },
		});
		const rma = res.json;
		assert.match(rma.rma, /^RMA\d{8}$/);
		assert.equal(rma.status, 'requested');
		assert.equal(rma.lines_value_minor, 2 * 4999 + 12000);
		assertError(await agent.api('POST', `/api/v1/tickets/${t.id}/return`, {
			body: { reason: 'again', action: 'refund', lines: [{ order_line_id: l1.id, quantity: 1 }] },
		}), 409, 'exists');
		// The same lines cannot be returned again on another ticket.
		const t2 = await ticket(agent, { type: 'return', order_id: order.id });
		assertError(await agent.api('POST', `/api/v1/tickets/${t2.id}/return`, {
			body: { reason: 'twice', action: 'refund', lines: [{ order_line_id: l2.id, quantity: 1 }] },
		}), 409, 'return_quantity');

		assertError(await transition(agent, t.id, 'resolved'), 409, 'return_incomplete');
		const url = `/api/v1/tickets/${t.id}/return`;
		let etag = res.headers.etag;
		const step = async (body, status = 200) => {
			const r = await agent.expect(status, 'POST', `${url}/advance`, { body, headers: { 'If-Match': etag } });
			etag = r.headers.etag;
			return r.json;
		};
		await step({ to: 'authorised' });
		await step({ to: 'received', return_tracking_number: 'SF-BACK-1' });
		assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'inspected' }, headers: { 'If-Match': etag } }), 409, 'step_requirements');
		await step({ to: 'inspected', inspection_result: 'ok' });
		assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'refunded' }, headers: { 'If-Match': etag } }), 409, 'step_requirements');
		e = assertError(await agent.api('POST', `${url}/advance`, { body: { to: 'refunded', refund_minor: 21999 }, headers: { 'If-Match': etag } }),
			403, 'refund_over_value');
		assert.equal(e.field, 'refund_minor');
		const done = await step({ to: 'refunded', refund_minor: 21998 });
		assert.equal(done.status, 'refunded');
		assert.equal(done.return_tracking_number, 'SF-BACK-1');
		assert.equal((await transition(agent, t.id, 'resolved')).status, 200);
	});

	it('a return outside the window is refused, then overridden by a manager with a reason', async () => {
		const { order } = await deliveredOrder(7 * DAY + 3600);
		const t = await ticket(agent, { type: 'return', order_id: order.id });
		const body = { reason: '不想要了', action: 'refund', lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] };
		let e = assertError(await agent.api('POST', `/api/v1/tickets/${t.id}/return`, { body }), 409, 'return_window_closed');
		assert.match(e.message, /closed at \d{4}-\d\d-\d\dT/);
		assert.equal(e.field, 'window_override_reason');
		assertError(await agent.api('POST', `/api/v1/tickets/${t.id}/return`, { body: { ...body, window_override_reason: 'VIP' } }),
			403, 'override_forbidden');
		assertError(await manager.api('POST', `/api/v1/tickets/${t.id}/return`, { body: { ...body, window_override_reason: '' } }),
			409, 'return_window_closed');
		const res = await manager.expect(201, 'POST', `/api/v1/tickets/${t.id}/return`, {
			body: { ...body, window_override_reason: 'A 类客户，经理特批' },
		});
		assert.equal(res.json.window_override_reason, 'A 类客户，经理特批');
		assert.ok(res.json.window_override_by);
		const ev = await agent.expect(200, 'GET', `/api/v1/tickets/${t.id}/events`);
		assert.match(JSON.stringify(ev.json), /return\.window_override/);
	});

	it('a claim pays up to the declared value; above it only a manager', async () => {
		const { ship } = await deliveredOrder(DAY);
		const mk = async () => {
			const t = await ticket(agent, { type: 'claim', shipment_id: ship.id });
			const res = await agent.expect(201, 'POST', `/api/v1/tickets/${t.id}/claim`, {
				body: { kind: 'damage', declared_value_minor: 50000, currency: 'CNY' },
			});
			assert.equal(res.json.decision, 'pending');
			assert.equal(res.json.shipment_id, ship.id);
			return { t, etag: res.headers.etag };
		};
		const a = await mk();
		const url = `/api/v1/tickets/${a.t.id}/claim`;
		assertError(await transition(agent, a.t.id, 'resolved'), 409, 'claim_incomplete');
		let e = assertError(await agent.api('POST', `${url}/decide`, { body: { decision: 'approved', payout_minor: 50001 }, headers: { 'If-Match': a.etag } }),
			403, 'payout_over_declared');
		assert.equal(e.field, 'payout_minor');
		assertError(await agent.api('POST', `${url}/decide`, { body: { decision: 'rejected', payout_minor: 10, decision_reason: 'no' }, headers: { 'If-Match': a.etag } }),
			400, 'invalid');
		let res = await agent.expect(200, 'POST', `${url}/decide`, { body: { decision: 'approved', payout_minor: 50000 }, headers: { 'If-Match': a.etag } });
		assert.equal(res.json.decision, 'approved');
		assert.equal(res.json.payout_minor, 50000);
		assertError(await agent.api('POST', `${url}/decide`, { body: { decision: 'approved', payout_minor: 1 }, headers: { 'If-Match': res.headers.etag } }),
			409, 'already_decided');
		res = await agent.expect(200, 'PATCH', url, {
			body: { carrier_recovery_minor: 30000, carrier_recovery_status: 'recovered' }, headers: { 'If-Match': res.headers.etag },
		});
		assert.equal(res.json.carrier_recovery_minor, 30000);
		assert.equal((await transition(agent, a.t.id, 'resolved')).status, 200);

		const b = await mk();
		res = await manager.expect(200, 'POST', `/api/v1/tickets/${b.t.id}/claim/decide`, {
			body: { decision: 'approved', payout_minor: 60000, decision_reason: '含运费' }, headers: { 'If-Match': b.etag },
		});
		assert.equal(res.json.payout_minor, 60000);
	});
});
