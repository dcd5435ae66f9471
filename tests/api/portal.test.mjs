// portal.test.mjs - the customer portal API: staff give a customer an
// account; the customer sees only their own orders and tickets, opens a
// ticket, reads the public replies (never internal notes), writes back,
// attaches a file, requests a return inside the window (and is refused
// outside it or above the delivered quantity), confirms a complaint's
// solution; an erased customer can no longer sign in.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/portal.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, kefu, kefuOk, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

const DAY = 86400;
let srv, admin;
const it = withLogs(() => srv);

async function customer(name) {
	return (await admin.expect(201, 'POST', '/api/v1/customers', {
		body: { name, identities: [{ kind: 'email', value: `${uniq('c')}@example.com` }] },
	})).json;
}

/** An order of the customer, two lines, delivered deliveredAgo seconds ago. */
async function deliveredOrder(customerId, deliveredAgo) {
	const now = Math.floor(Date.now() / 1000);
	const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
		body: {
			number: uniq('SO'), customer_id: customerId, placed_at: now - deliveredAgo - 3 * DAY, currency: 'CNY',
			lines: [
				{ line_no: 1, sku: 'TEA-1', name: '龙井茶', quantity: 2, unit_price_minor: 4999 },
				{ line_no: 2, sku: 'POT-1', name: '茶壶', quantity: 1, unit_price_minor: 12000 },
			],
		},
	})).json;
	const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
		body: { order_id: order.id, tracking_number: uniq('SF'), carrier: 'SF', lines: order.lines.map((l) => ({ order_line_id: l.id, quantity: l.quantity })) },
	})).json;
	await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now - deliveredAgo, status: 'delivered', location: '杭州' } });
	return order;
}

async function account(customerId) {
	const login = `${uniq('p')}@example.com`;
	const res = await admin.expect(201, 'POST', `/api/v1/customers/${customerId}/portal-account`, { body: { login } });
	assert.equal(res.json.customer_id, customerId);
	assert.match(res.json.password, /^\S{12,}$/);
	const c = srv.client(login);
	await c.portalLogin(login, res.json.password);
	return { c, login, password: res.json.password };
}

describe('customer portal', () => {
	let alice, bob, aliceOrder, oldOrder, bobOrder, portal;

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		alice = await customer('李雷');
		bob = await customer('韩梅梅');
		aliceOrder = await deliveredOrder(alice.id, 2 * DAY);
		oldOrder = await deliveredOrder(alice.id, 30 * DAY);
		bobOrder = await deliveredOrder(bob.id, DAY);
		portal = await account(alice.id);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it('staff create accounts: a login once, a missing customer is 404, the CLI links with --customer', async () => {
		const login = `${uniq('dup')}@example.com`;
		await admin.expect(201, 'POST', `/api/v1/customers/${bob.id}/portal-account`, { body: { login, password: 'Bob-portal-pass-1' } });
		assertError(await admin.api('POST', `/api/v1/customers/${bob.id}/portal-account`, { body: { login } }), 409, 'exists');
		const e = assertError(await admin.api('POST', '/api/v1/customers/999999/portal-account', { body: { login: `${uniq('x')}@example.com` } }), 404, 'not_found');
		assert.equal(e.field, 'customer_id');
		const bad = await kefu(['portal', 'add', `${uniq('cli')}@example.com`, '--customer', '999999', '--db', srv.db.url], { cwd: srv.db.dir });
		assert.notEqual(bad.code, 0);
		assert.match(bad.stderr, /no such customer/);
		const cliLogin = `${uniq('cli')}@example.com`;
		const r = await kefuOk(['portal', 'add', cliLogin, '--customer', String(bob.id), '--db', srv.db.url], { cwd: srv.db.dir });
		assert.match(r.stdout, /password: \S+/);
		// the portal greets with the customer's name, not the login e-mail (issue 12, item 24)
		const cli = srv.client('cli');
		await cli.portalLogin(cliLogin, /password: (\S+)/.exec(r.stdout)[1]);
		assert.equal((await cli.expect(200, 'GET', '/api/v1/portal/me')).json.display_name, '韩梅梅');
	});

	it('an account without a customer record is told so', async () => {
		const login = `${uniq('lone')}@example.com`;
		await kefuOk(['portal', 'add', login, '--password-stdin', '--db', srv.db.url], { input: 'Lonely-pass-123\n', cwd: srv.db.dir });
		const c = srv.client('lone');
		await c.portalLogin(login, 'Lonely-pass-123');
		assertError(await c.api('GET', '/api/v1/portal/orders'), 403, 'no_customer');
		assertError(await c.api('POST', '/api/v1/portal/tickets', { body: { subject: 'x', body: 'y' } }), 403, 'no_customer');
	});

	it('my orders only: another customer\'s order is 404; staff sessions do not work here', async () => {
		const list = (await portal.c.expect(200, 'GET', '/api/v1/portal/orders')).json.items;
		assert.deepEqual(list.map((o) => o.id).sort((a, b) => a - b), [aliceOrder.id, oldOrder.id].sort((a, b) => a - b));
		const o = (await portal.c.expect(200, 'GET', `/api/v1/portal/orders/${aliceOrder.id}`)).json;
		assert.equal(o.lines.length, 2);
		assert.equal(o.shipments[0].status, 'delivered');
		assertError(await portal.c.api('GET', `/api/v1/portal/orders/${bobOrder.id}`), 404, 'not_found');
		assertError(await admin.api('GET', '/api/v1/portal/orders'), 401, null, 'staff on a portal route');
	});

	it('open a ticket, see the public reply but never the internal note, write back', async () => {
		assertError(await portal.c.api('POST', '/api/v1/portal/tickets', { body: { type: 'claim', subject: 'x', body: 'y' } }), 400, 'invalid');
		assertError(await portal.c.api('POST', '/api/v1/portal/tickets', { body: { subject: 'x', body: 'y', order_id: bobOrder.id } }), 400, 'invalid');
		assertError(await portal.c.api('POST', '/api/v1/portal/tickets', { body: { subject: 'x', body: 'y' }, csrf: false }), 403, 'csrf');
		const t = (await portal.c.expect(201, 'POST', '/api/v1/portal/tickets', {
			body: { subject: '茶壶有裂纹', body: '收到的茶壶盖子有裂纹。', order_id: aliceOrder.id },
		})).json;
		assert.equal(t.type, 'inquiry');
		assert.equal(t.channel, 'portal');
		assert.equal(t.assignee_id, undefined, 'customers do not see assignees');
		const staffView = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}`)).json;
		assert.equal(staffView.customer_id, alice.id);
		assert.equal(staffView.order_id, aliceOrder.id);

		await admin.expect(201, 'POST', `/api/v1/tickets/${t.id}/notes`, { body: { body: '内部：怀疑是仓库问题' } });
		await admin.expect(201, 'POST', `/api/v1/tickets/${t.id}/replies`, { body: { body: '您好，我们马上为您补发。', state: 'pending_customer' } });
		let mine = (await portal.c.expect(200, 'GET', `/api/v1/portal/tickets/${t.id}`)).json;
		assert.deepEqual(mine.messages.map((m) => [m.from, m.body]), [['customer', '收到的茶壶盖子有裂纹。'], ['service', '您好，我们马上为您补发。']]);
		assert.ok(!JSON.stringify(mine).includes('内部'), 'the internal note reached the customer');
		assert.equal(mine.state, 'pending_customer');

		const back = (await portal.c.expect(201, 'POST', `/api/v1/portal/tickets/${t.id}/messages`, { body: { body: '谢谢！' } })).json;
		assert.equal(back.state, 'open', 'a customer message reopens a ticket waiting for them');
		const file = await portal.c.api('POST', `/api/v1/portal/tickets/${t.id}/attachments?filename=crack.txt`, {
			body: 'photo description', headers: { 'Content-Type': 'text/plain' },
		});
		assert.equal(file.status, 201, file.text);
		mine = (await portal.c.expect(200, 'GET', `/api/v1/portal/tickets/${t.id}`)).json;
		assert.equal(mine.attachments.length, 1);
		const dl = await portal.c.expect(200, 'GET', `/api/v1/portal/attachments/${file.json.id}`);
		assert.equal(dl.text, 'photo description');
		assert.match(dl.headers['content-disposition'], /crack\.txt/);
		const stranger = await account(bob.id);
		assertError(await stranger.c.api('GET', `/api/v1/portal/attachments/${file.json.id}`), 404, 'not_found', 'another customer\'s file');

		const list = (await portal.c.expect(200, 'GET', '/api/v1/portal/tickets')).json.items;
		assert.ok(list.some((x) => x.id === t.id));
		const other = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'bob', customer_id: bob.id } })).json;
		assert.ok(!list.some((x) => x.id === other.id));
		assertError(await portal.c.api('GET', `/api/v1/portal/tickets/${other.id}`), 404, 'not_found');
		assertError(await portal.c.api('POST', `/api/v1/portal/tickets/${other.id}/messages`, { body: { body: 'hi' } }), 404, 'not_found');
	});

	it('a return inside the window is authorised; above the delivered quantity or after the window it is refused and nothing is kept', async () => {
		const before = (await portal.c.expect(200, 'GET', '/api/v1/portal/tickets')).json.items.length;
		const lines = (o, q) => [{ order_line_id: o.lines[0].id, quantity: q }];
		let e = assertError(await portal.c.api('POST', '/api/v1/portal/returns', {
			body: { order_id: aliceOrder.id, reason: '不想要了', action: 'refund', lines: lines(aliceOrder, 3) },
		}), 409, 'return_quantity');
		e = assertError(await portal.c.api('POST', '/api/v1/portal/returns', {
			body: { order_id: oldOrder.id, reason: '不想要了', action: 'refund', lines: lines(oldOrder, 1) },
		}), 409, 'return_window_closed');
		assert.ok(e.message.length > 10);
		// structured facts, so that the portal words its own message (issue 12, item 22)
		const order = (await admin.expect(200, 'GET', `/api/v1/orders/${oldOrder.id}`)).json;
		const deliveredAt = Math.max(...order.shipments.map((s) => s.delivered_at));
		assert.equal(e.details.reason, 'expired');
		assert.equal(e.details.window_days, 7);
		assert.equal(e.details.delivered_at, new Date(deliveredAt * 1000).toISOString().replace('.000', ''));
		assert.equal(e.details.deadline, new Date((deliveredAt + 7 * DAY) * 1000).toISOString().replace('.000', ''));
		// an order never delivered: the window never opened, and no deadline is made up
		const undelivered = (await admin.expect(201, 'POST', '/api/v1/orders', {
			body: { number: uniq('SO'), customer_id: alice.id, placed_at: Math.floor(Date.now() / 1000) - DAY, currency: 'CNY', lines: [{ line_no: 1, sku: 'TEA-1', name: '龙井茶', quantity: 1, unit_price_minor: 4999 }] },
		})).json;
		e = assertError(await portal.c.api('POST', '/api/v1/portal/returns', {
			body: { order_id: undelivered.id, reason: '不想要了', action: 'refund', lines: lines(undelivered, 1) },
		}), 409, 'return_window_closed');
		assert.deepEqual(e.details, { reason: 'no_delivery', window_days: 7 });
		// the order pages say whether a return may still be requested (issue 12, item 24)
		const w = async (o) => (await portal.c.expect(200, 'GET', `/api/v1/portal/orders/${o.id}`)).json.return_window;
		assert.deepEqual(await w(undelivered), { open: false, deadline_at: null, days: 7 });
		assert.deepEqual(await w(oldOrder), { open: false, deadline_at: deliveredAt + 7 * DAY, days: 7 });
		const recent = await w(aliceOrder);
		assert.equal(recent.open, true);
		assert.ok(recent.deadline_at > Date.now() / 1000);
		e = assertError(await portal.c.api('POST', '/api/v1/portal/returns', {
			body: { order_id: aliceOrder.id, reason: '不想要了', action: 'refund', lines: lines(aliceOrder, 3) },
		}), 409, 'return_quantity');
		assert.deepEqual(e.details, { order_line_id: aliceOrder.lines[0].id, allowed: 2, delivered: 2, already_returned: 0, requested: 3 });
		assertError(await portal.c.api('POST', '/api/v1/portal/returns', {
			body: { order_id: aliceOrder.id, reason: 'x', action: 'refund', language: 'fr', lines: lines(aliceOrder, 1) },
		}), 400, 'invalid');
		assertError(await portal.c.api('POST', '/api/v1/portal/returns', {
			body: { order_id: bobOrder.id, reason: 'x', action: 'refund', lines: lines(bobOrder, 1) },
		}), 400, 'invalid');
		assert.equal((await portal.c.expect(200, 'GET', '/api/v1/portal/tickets')).json.items.length, before, 'a refused return left a ticket');

		const r = (await portal.c.expect(201, 'POST', '/api/v1/portal/returns', {
			body: { order_id: aliceOrder.id, reason: '七天无理由退货', action: 'refund', lines: lines(aliceOrder, 2) },
		})).json;
		assert.equal(r.type, 'return');
		// the subject names the order by its number, in one language (zh unless the customer's is en)
		assert.equal(r.subject, `退货申请：订单 ${aliceOrder.number}`);
		assert.equal(r.return.status, 'requested');
		assert.equal(r.return.lines[0].quantity, 2);
		const staff = (await admin.expect(200, 'GET', `/api/v1/tickets/${r.id}/return`)).json;
		assert.equal(staff.rma, r.return.rma);
		// the same lines cannot be returned twice
		e = assertError(await portal.c.api('POST', '/api/v1/portal/returns', {
			body: { order_id: aliceOrder.id, reason: 'again', action: 'refund', lines: lines(aliceOrder, 1) },
		}), 409, 'return_quantity');
		assert.equal(e.details.allowed, 0);
		assert.equal(e.details.already_returned, 2);
		// in English when the customer's language is English
		const en = (await portal.c.expect(201, 'POST', '/api/v1/portal/returns', {
			body: { order_id: aliceOrder.id, reason: 'The pot leaks', action: 'repair', language: 'en', lines: [{ order_line_id: aliceOrder.lines[1].id, quantity: 1 }] },
		})).json;
		assert.equal(en.subject, `Return request: order ${aliceOrder.number}`);
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${en.id}`)).json.language, 'en');
	});

	it('the customer confirms an implemented complaint solution; not before', async () => {
		const t = (await portal.c.expect(201, 'POST', '/api/v1/portal/tickets', { body: { type: 'complaint', subject: '快递员态度差', body: '快递员把包裹扔在门口。' } })).json;
		assertError(await portal.c.api('POST', `/api/v1/portal/tickets/${t.id}/confirm`, { body: { accepted: true } }), 409, 'wrong_step');
		const url = `/api/v1/tickets/${t.id}/complaint`;
		let etag = (await admin.expect(200, 'GET', url)).headers.etag;
		const step = async (body) => {
			const res = await admin.expect(200, 'POST', `${url}/advance`, { body, headers: { 'If-Match': etag } });
			etag = res.headers.etag;
			return res.json;
		};
		await step({ to: 'initial_handling' });
		await step({ to: 'investigation', category_id: 9 });
		await step({ to: 'solution', investigation_notes: '核实属实', root_cause: 'courier', responsible_department: '物流部' });
		await step({ to: 'implementation', solution: '向快递公司投诉并赠送优惠券', compensation_minor: 1000, currency: 'CNY' });
		let mine = (await portal.c.expect(200, 'GET', `/api/v1/portal/tickets/${t.id}`)).json;
		assert.equal(mine.complaint.solution, '向快递公司投诉并赠送优惠券');
		assert.equal(mine.complaint.compensation_minor, 1000);
		assert.equal(mine.complaint.can_confirm, true);
		assertError(await portal.c.api('POST', `/api/v1/portal/tickets/${t.id}/confirm`, { body: {} }), 400, 'required');
		const ok = (await portal.c.expect(200, 'POST', `/api/v1/portal/tickets/${t.id}/confirm`, { body: { accepted: true, comment: '满意，谢谢' } })).json;
		assert.equal(ok.customer_confirmation, 'accepted');
		const staff = (await admin.expect(200, 'GET', url)).json;
		assert.equal(staff.customer_confirmation, 'accepted');
		mine = (await portal.c.expect(200, 'GET', `/api/v1/portal/tickets/${t.id}`)).json;
		assert.equal(mine.messages.at(-1).body, '满意，谢谢');
	});

	it('erasing the customer ends the portal account: no sign-in, the session is gone', async () => {
		const carol = await customer('王芳');
		const acct = await account(carol.id);
		await acct.c.expect(200, 'GET', '/api/v1/portal/orders');
		await admin.expect(200, 'POST', `/api/v1/customers/${carol.id}/erase`);
		assertError(await acct.c.api('GET', '/api/v1/portal/orders'), 401, null, 'old portal session after erase');
		const again = srv.client('again');
		assertError(await again.api('POST', '/api/v1/portal/login', { body: { login: acct.login, password: acct.password } }), 401, 'bad_credentials');
		assertError(await admin.api('POST', `/api/v1/customers/${carol.id}/portal-account`, { body: { login: `${uniq('e')}@example.com` } }), 409, 'erased');
	});
});
