// surveys.test.mjs - satisfaction surveys end to end over HTTP, on the
// backend KF_TEST_BACKEND names: a resolved ticket -> the scheduler posts
// the invitation as a public message on the ticket -> the customer sees
// it in the portal -> the public form and the answer (field errors, then
// 201) -> a second answer is 409 survey_used; a delivered order -> the
// portal lists its survey and issues a fresh link -> an expired link is
// 410 survey_expired; the staff list shows exactly what was answered, and
// unknown links are throttled per address (429).
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/surveys.test.mjs

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { BACKEND, PG_URL, assertError, cleanup, freshDb, run, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

const DAY = 86400;
let srv, admin;
const it = withLogs(() => srv);

/** Run SQL on the test database (settings the API does not expose, and time travel). */
async function sql(db, text) {
	const r =
		BACKEND === 'sqlite'
			? await run('sqlite3', [db.url, text])
			: await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', PG_URL, '-c', text], { rawEnv: process.env });
	assert.equal(r.code, 0, `${text}: ${r.stderr}`);
}

async function until(fn, ms, what) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

async function customer(name, locale = 'zh-CN') {
	return (await admin.expect(201, 'POST', '/api/v1/customers', {
		body: { name, locale, identities: [{ kind: 'email', value: `${uniq('c')}@example.com` }] },
	})).json;
}

async function portalAccount(customerId) {
	const login = `${uniq('p')}@example.com`;
	const res = await admin.expect(201, 'POST', `/api/v1/customers/${customerId}/portal-account`, { body: { login } });
	const c = srv.client(login);
	await c.portalLogin(login, res.json.password);
	return c;
}

async function transition(id, state) {
	const t = await admin.expect(200, 'GET', `/api/v1/tickets/${id}`);
	return admin.expect(200, 'POST', `/api/v1/tickets/${id}/transition`, { body: { state }, headers: { 'If-Match': t.headers.etag } });
}

/** An order of the customer with one parcel, delivered now. */
async function deliveredOrder(customerId) {
	const now = Math.floor(Date.now() / 1000);
	const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
		body: {
			number: uniq('SO'), customer_id: customerId, placed_at: now - 3 * DAY, currency: 'CNY',
			lines: [{ line_no: 1, sku: 'TEA-1', name: '龙井茶', quantity: 2, unit_price_minor: 4999 }],
		},
	})).json;
	const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
		body: { order_id: order.id, tracking_number: uniq('SF'), carrier: 'SF', lines: order.lines.map((l) => ({ order_line_id: l.id, quantity: l.quantity })) },
	})).json;
	await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now, status: 'delivered', location: '杭州' } });
	return order;
}

const tokenIn = (text) => (/\/survey\/([A-Za-z0-9_-]{43})/.exec(text) || [])[1];

describe('satisfaction surveys', () => {
	let anon, alice, portal, ticketToken, answered;

	before(async () => {
		const db = await freshDb();
		// invitations one second after resolution or delivery, so the scheduler's next tick sends them
		await sql(db, "INSERT INTO desk_settings (key, value) VALUES ('survey_delay_resolution_s', 1), ('survey_delay_delivery_s', 1)");
		srv = await startServer({ db, args: ['--login-max-per-addr', '12'] });
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		anon = srv.client('anonymous');
		alice = await customer('李雷');
		portal = await portalAccount(alice.id);
		answered = [];
	});
	after(async () => {
		await srv.stop();
	});

	it('a resolved ticket gets its invitation as a public message the customer sees', async () => {
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: '发票怎么开', customer_id: alice.id, language: 'zh' } })).json;
		await admin.expect(201, 'POST', `/api/v1/tickets/${tk.id}/replies`, { body: { body: '您好，已为您开具。' } });
		await transition(tk.id, 'resolved');
		const msg = await until(async () => {
			const items = (await portal.expect(200, 'GET', `/api/v1/portal/tickets/${tk.id}`)).json.messages || [];
			return items.find((m) => tokenIn(m.body));
		}, 15_000, 'the survey message on the ticket');
		assert.match(msg.body, /请花一分钟告诉我们您的感受/);
		ticketToken = tokenIn(msg.body);
		// the ticket stays resolved; a care ticket never gets one
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}`)).json.state, 'resolved');
		// a ticket resolved without any reply: the survey message is nobody's first response
		const quiet = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: '已自行解决', customer_id: alice.id, language: 'zh' } })).json;
		await transition(quiet.id, 'resolved');
		await until(async () => {
			const items = (await portal.expect(200, 'GET', `/api/v1/portal/tickets/${quiet.id}`)).json.messages || [];
			return items.find((m) => tokenIn(m.body));
		}, 15_000, 'the survey message on the quiet ticket');
		const q = (await admin.expect(200, 'GET', `/api/v1/tickets/${quiet.id}`)).json;
		assert.equal(q.first_response_at ?? null, null, 'a system message does not count as the first response');
		assert.equal(q.state, 'resolved');
		const care = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'care', subject: '生日快乐', customer_id: alice.id } })).json;
		await transition(care.id, 'resolved');
		await new Promise((r) => setTimeout(r, 2500));
		const careMsgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${care.id}/messages`)).json.items;
		assert.equal(careMsgs.filter((m) => tokenIn(m.body)).length, 0);
	});

	it('the public form answers once, with field errors first', async () => {
		const form = (await anon.expect(200, 'GET', `/api/v1/surveys/${ticketToken}`)).json;
		assert.equal(form.kind, 'resolution');
		assert.equal(form.language, 'zh');
		assert.deepEqual(form.questions, ['csat', 'ces', 'nps']);
		assert.equal(form.subject, '发票怎么开');
		assert.equal(form.customer_id, undefined);
		assertError(await anon.api('POST', `/api/v1/surveys/${ticketToken}`, { body: { csat: 6 } }), 400, 'range', 'csat 6');
		assert.equal((await anon.api('POST', `/api/v1/surveys/${ticketToken}`, { body: { nps: 11 } })).json.error.field, 'nps');
		assertError(await anon.api('POST', `/api/v1/surveys/${ticketToken}`, { body: {} }), 400, 'survey_empty', 'nothing answered');
		anon.lang = 'zh-CN';
		const zh = assertError(await anon.api('POST', `/api/v1/surveys/${ticketToken}`, { body: {} }), 400, 'survey_empty', 'in Chinese');
		assert.match(zh.message, /至少回答一个问题/);
		anon.lang = null;
		const res = await anon.expect(201, 'POST', `/api/v1/surveys/${ticketToken}`, { body: { csat: 5, nps: 9, ces: 6, comment: '开票很快' } });
		assert.ok(res.json.id > 0);
		answered.push({ kind: 'resolution', csat: 5, nps: 9, ces: 6 });
		assertError(await anon.api('POST', `/api/v1/surveys/${ticketToken}`, { body: { csat: 1 } }), 409, 'survey_used', 'second answer');
		assertError(await anon.api('GET', `/api/v1/surveys/${ticketToken}`), 409, 'survey_used', 'form after the answer');
	});

	it('a delivered order: the portal lists its survey, issues fresh links, and an expired one is 410', async () => {
		const order = await deliveredOrder(alice.id);
		const item = await until(async () => {
			const items = (await portal.expect(200, 'GET', '/api/v1/portal/surveys')).json.items;
			return items.find((s) => s.order_id === order.id);
		}, 15_000, 'the delivery survey in the portal');
		assert.equal(item.kind, 'delivery');
		assert.equal(item.order_number, order.number);
		assert.equal(item.link, `/api/v1/portal/surveys/${item.id}/link`);
		const first = (await portal.expect(200, 'POST', item.link)).json;
		const second = (await portal.expect(200, 'POST', item.link)).json;
		assert.match(second.url, /^\/survey\/[A-Za-z0-9_-]{43}$/);
		assert.notEqual(first.url, second.url);
		const oldToken = first.url.slice('/survey/'.length), token = second.url.slice('/survey/'.length);
		assertError(await anon.api('GET', `/api/v1/surveys/${oldToken}`), 404, 'not_found', 'the replaced link');
		const form = (await anon.expect(200, 'GET', `/api/v1/surveys/${token}`)).json;
		assert.deepEqual(form.servqual_dimensions, ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy']);
		assert.equal(form.order_number, order.number);
		// another customer cannot get a link to it
		const bob = await portalAccount((await customer('韩梅梅')).id);
		assertError(await bob.api('POST', item.link), 404, 'not_found', "someone else's survey");
		const e = assertError(await anon.api('POST', `/api/v1/surveys/${token}`, { body: { servqual: { empathy: { expectation: 5 } } } }), 400, 'required', 'half a pair');
		assert.equal(e.field, 'servqual.empathy.perception');
		// time passes: the link expires
		await sql(srv.db, `UPDATE survey_invitations SET expires_at = ${Math.floor(Date.now() / 1000) - 1} WHERE id = ${item.id}`);
		assertError(await anon.api('GET', `/api/v1/surveys/${token}`), 410, 'survey_expired', 'expired form');
		assertError(await anon.api('POST', `/api/v1/surveys/${token}`, { body: { csat: 4 } }), 410, 'survey_expired', 'expired answer');
		assertError(await portal.api('POST', item.link), 410, 'survey_expired', 'no new link for an expired survey');
		assert.equal((await portal.expect(200, 'GET', '/api/v1/portal/surveys')).json.items.filter((s) => s.id === item.id).length, 0);
	});

	it('a delivery survey answered with SERVQUAL pairs; the staff list shows what was answered', async () => {
		const order = await deliveredOrder(alice.id);
		const item = await until(async () => (await portal.expect(200, 'GET', '/api/v1/portal/surveys')).json.items.find((s) => s.order_id === order.id), 15_000, 'the second delivery survey');
		const token = (await portal.expect(200, 'POST', item.link)).json.url.slice('/survey/'.length);
		const servqual = { reliability: { expectation: 7, perception: 5 }, tangibles: { expectation: 4, perception: 6 } };
		// the comment limit counts characters: 2,000 Chinese characters (6,000 bytes) fit, one more does not
		const comment = '送货及时包装完好'.repeat(250);
		const long = assertError(await anon.api('POST', `/api/v1/surveys/${token}`, { body: { csat: 4, comment: `${comment}好` } }), 400, 'too_long', '2,001 characters');
		assert.equal(long.field, 'comment');
		await anon.expect(201, 'POST', `/api/v1/surveys/${token}`, { body: { csat: 4, nps: 7, servqual, comment } });
		answered.push({ kind: 'delivery', csat: 4, nps: 7, ces: null });

		const list = (await admin.expect(200, 'GET', '/api/v1/surveys')).json.items;
		assert.equal(list.length, answered.length);
		const got = list.map((r) => ({ kind: r.kind, csat: r.csat, nps: r.nps, ces: r.ces })).reverse();
		assert.deepEqual(got, answered);
		assert.deepEqual(list[0].servqual, servqual);
		assert.equal(list[0].comment, comment, 'the 2,000-character comment stored whole');
		assert.equal(list[1].comment, '开票很快');
		const only = (await admin.expect(200, 'GET', '/api/v1/surveys?kind=resolution&from=2020-01-01')).json.items;
		assert.deepEqual(only.map((r) => r.csat), [5]);
		assertError(await admin.api('GET', '/api/v1/surveys?kind=happy'), 400, 'invalid', 'bad kind');
		assertError(await admin.api('GET', '/api/v1/surveys?from=yesterday'), 400, 'invalid', 'bad from');
		// agents do not read survey results; customers never do
		assertError(await portal.api('GET', '/api/v1/surveys'), 401, undefined, 'a portal session is not staff');
	});

	it('unknown links are throttled per address', async () => {
		// one unknown link was already tried above (the replaced one): 11 more make 12
		for (let i = 0; i < 11; i++) assertError(await anon.api('GET', `/api/v1/surveys/${uniq('nope')}`), 404, 'not_found', 'unknown link');
		const res = await anon.api('GET', `/api/v1/surveys/${uniq('nope')}`);
		assertError(res, 429, 'rate_limited', 'after 12 failures');
		assert.ok(Number(res.headers['retry-after']) > 0);
	});
});
