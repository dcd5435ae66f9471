// privacy.test.mjs - privacy defects of issue 12: merging tickets of two
// customers is refused (one customer's conversation never reaches another's
// portal); erasure reaches every copy of the person kefu holds (audit
// before/after, generated subjects, messages, events, the search index);
// a role without pii.read gets no signal from search on personal fields.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/privacy.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

let srv, admin;
const it = withLogs(() => srv);

async function customer(name, extra = {}) {
	return (await admin.expect(201, 'POST', '/api/v1/customers', {
		body: { name, identities: [{ kind: 'email', value: `${uniq('c')}@example.com` }], ...extra },
	})).json;
}

async function account(customerId) {
	const login = `${uniq('p')}@example.com`;
	const res = await admin.expect(201, 'POST', `/api/v1/customers/${customerId}/portal-account`, { body: { login } });
	const c = srv.client(login);
	await c.portalLogin(login, res.json.password);
	return c;
}

before(async () => {
	srv = await startServer();
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
});
after(async () => {
	if (srv) await srv.stop();
});
after(cleanup);

describe('merging tickets', () => {
	it('tickets of two customers are not merged: 409 merge_different_customers, nothing changes, A\'s portal never shows B\'s conversation', async () => {
		const a = await customer('合并甲');
		const b = await customer('合并乙');
		const ta = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'A asks', body: 'alpha question', customer_id: a.id } })).json;
		const tb = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'B asks', body: 'bravo secret 13900001111', customer_id: b.id } })).json;
		await admin.expect(201, 'POST', `/api/v1/tickets/${tb.id}/replies`, { body: { body: 'reply to bravo' } });
		const file = await admin.api('POST', `/api/v1/tickets/${tb.id}/attachments?filename=bravo-invoice.txt`, {
			body: 'bravo private file', headers: { 'Content-Type': 'text/plain' },
		});
		assert.equal(file.status, 201, file.text);
		const beforeB = (await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}`)).json;
		const evBefore = (await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}/events`)).json.items.length;

		const e = assertError(await admin.api('POST', `/api/v1/tickets/${tb.id}/merge`, { body: { into: ta.id } }), 409, 'merge_different_customers');
		assert.match(e.message, /different customers/);
		const zh = await admin.api('POST', `/api/v1/tickets/${tb.id}/merge`, { body: { into: ta.id }, headers: { 'Accept-Language': 'zh-CN' } });
		assert.equal(zh.status, 409);
		assert.match(zh.json.error.message, /不同客户/);

		// Nothing changed: B is as it was, its messages and file stay with it.
		const afterB = (await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}`)).json;
		assert.equal(afterB.state, beforeB.state);
		assert.equal(afterB.merged_into_id ?? null, null);
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}/events`)).json.items.length, evBefore);
		const msgsB = (await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}/messages`)).json.items;
		assert.ok(msgsB.some((m) => m.body.includes('bravo secret')));
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}/attachments`)).json.items.length, 1);
		const msgsA = (await admin.expect(200, 'GET', `/api/v1/tickets/${ta.id}/messages`)).json.items;
		assert.ok(!msgsA.some((m) => m.body.includes('bravo')));

		// A's portal shows nothing of B.
		const pa = await account(a.id);
		const mine = await pa.expect(200, 'GET', `/api/v1/portal/tickets/${ta.id}`);
		assert.ok(!mine.text.includes('bravo'), 'B\'s conversation reached A\'s portal');
		assert.equal(mine.json.attachments.length, 0);
		assertError(await pa.api('GET', `/api/v1/portal/attachments/${file.json.id}`), 404, 'not_found');
		const list = await pa.expect(200, 'GET', '/api/v1/portal/tickets');
		assert.ok(!list.text.includes('bravo') && !list.text.includes('B asks'));
		// A ticket without a customer is not merged into a customer's either.
		const anon = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'walk-in', body: 'charlie words' } })).json;
		assertError(await admin.api('POST', `/api/v1/tickets/${anon.id}/merge`, { body: { into: ta.id } }), 409, 'merge_different_customers');
	});

	it('tickets of the same customer still merge', async () => {
		const a = await customer('合并丙');
		const t1 = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'one', body: 'first words', customer_id: a.id } })).json;
		const t2 = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'two', body: 'second words', customer_id: a.id } })).json;
		const r = await admin.expect(200, 'POST', `/api/v1/tickets/${t2.id}/merge`, { body: { into: t1.id } });
		assert.equal(r.json.id, t1.id);
		const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${t1.id}/messages`)).json.items;
		assert.deepEqual(msgs.map((m) => m.body), ['first words', 'second words']);
		const pa = await account(a.id);
		const mine = (await pa.expect(200, 'GET', `/api/v1/portal/tickets/${t1.id}`)).json;
		assert.ok(mine.messages.some((m) => m.body === 'second words'));
	});
});
