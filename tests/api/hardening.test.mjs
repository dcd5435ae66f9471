// hardening.test.mjs - the attacks and malformed inputs of issue 12 items 1,
// 8 (security headers, /metrics), 10 and 11: connection floods against a
// server on loopback, out-of-range times, protocol errors answered in the
// JSON error shape, undecodable cursors, JSON parse errors in plain words.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/hardening.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, rawExchange, startServer, withLogs } from './lib.mjs';

let srv, admin;

before(async () => {
	srv = await startServer();
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
});
after(async () => {
	if (srv) await srv.stop();
});
after(cleanup);

const it = withLogs(() => srv);

describe('times out of range (item 10)', () => {
	it('GET /sla/preview?at=INT64_MAX is a 400 naming at, and the server lives', async () => {
		for (const at of ['9223372036854775807', '99999999999999999999', '253402300800', '9999-12-31T23:59:59-01:00']) {
			const res = await admin.api('GET', `/api/v1/sla/preview?at=${encodeURIComponent(at)}`);
			const e = assertError(res, 400, 'range', `at=${at}`);
			assert.equal(e.field, 'at');
		}
		const ok = await admin.api('GET', '/api/v1/sla/preview?at=4102444800');
		assert.equal(ok.status, 200, ok.text);
		await admin.expect(200, 'GET', '/healthz');
		srv.checkSanitizer();
	});
});
