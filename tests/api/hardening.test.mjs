// hardening.test.mjs - the attacks and malformed inputs of issue 12 items 1,
// 8 (security headers, /metrics), 10 and 11: connection floods against a
// server on loopback, out-of-range times, protocol errors answered in the
// JSON error shape, undecodable cursors, JSON parse errors in plain words.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/hardening.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, httpRequest, rawExchange, startServer, uniq, withLogs } from './lib.mjs';

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

/** A signed-in client of a new user with this role. */
async function userWithRole(role) {
	const username = uniq(role);
	const u = (await admin.expect(201, 'POST', '/api/v1/users', { body: { username, role } })).json;
	const c = srv.client(username);
	await c.login(username, u.password);
	return c;
}

describe('security headers and /metrics (item 8)', () => {
	it('every HTML page carries CSP, X-Frame-Options, Referrer-Policy and nosniff', async () => {
		for (const page of ['/', '/inbox', '/portal', '/portal/', '/track/SF1234567890', '/survey/abcdef0123456789']) {
			const res = await httpRequest(srv.base, 'GET', page);
			assert.equal(res.status, 200, `${page}: ${res.status}`);
			assert.match(res.headers['content-type'], /^text\/html/, page);
			const csp = res.headers['content-security-policy'] || '';
			assert.match(csp, /(^|;\s*)script-src 'self'(;|$)/, `${page}: CSP ${csp}`);
			assert.match(csp, /frame-ancestors 'none'/, `${page}: CSP ${csp}`);
			assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${page}: CSP ${csp}`);
			assert.equal(res.headers['x-frame-options'], 'DENY', page);
			assert.equal(res.headers['referrer-policy'], 'no-referrer', page);
			assert.equal(res.headers['x-content-type-options'], 'nosniff', page);
			assert.doesNotMatch(res.text, /<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=/i, `${page} has inline script, handler or style`);
		}
		const api = await httpRequest(srv.base, 'GET', '/api/v1/version');
		assert.equal(api.headers['x-content-type-options'], 'nosniff', 'API answers are nosniff too');
	});

	it('/metrics: 401 without credentials, 403 for a role without metrics.read, 200 with it', async () => {
		const anon = await httpRequest(srv.base, 'GET', '/metrics', { headers: { Accept: 'application/json' } });
		assertError(anon, 401, 'unauthenticated', 'anonymous /metrics');
		assert.doesNotMatch(anon.text, /kefu_http_requests_total/);
		const agent = await userWithRole('agent');
		const denied = await agent.api('GET', '/metrics');
		assertError(denied, 403, 'forbidden', 'agent /metrics');
		assert.doesNotMatch(denied.text, /kefu_http_requests_total/);
		const analyst = await userWithRole('analyst');
		const tok = (await analyst.expect(201, 'POST', '/api/v1/me/tokens', { body: { name: 'prometheus' } })).json;
		const scraper = await httpRequest(srv.base, 'GET', '/metrics', { headers: { Authorization: `Bearer ${tok.token}` } });
		assert.equal(scraper.status, 200, scraper.text);
		assert.match(scraper.text, /^# TYPE kefu_http_requests_total counter$/m);
	});
});
