// Full-text search and saved views through the API: Chinese and English
// recall on known answers, newest first, paging, filters by kind; each
// user's views are their own, with ETag/If-Match like every resource.
//
//   node --test --test-concurrency=1 tests/api/search.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

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
