// hardening.test.mjs - the attacks and malformed inputs of issue 12 items 1,
// 8 (security headers, /metrics), 10 and 11: connection floods against a
// server on loopback, out-of-range times, protocol errors answered in the
// JSON error shape, undecodable cursors, JSON parse errors in plain words.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/hardening.test.mjs

import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe } from 'node:test';

import { assertError, assertNoSanitizer, cleanup, httpRequest, kefu, rawExchange, sleep, startServer, uniq, withLogs } from './lib.mjs';

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

	it('kefu sla preview --at INT64_MAX is a usage error, not a crash', async () => {
		const args = ['sla', 'preview', '--type', 'inquiry', '--priority', 'normal', '--tier', 'C', '--db', srv.db.url];
		const r = await kefu([...args, '--at', '9223372036854775807'], { cwd: srv.db.dir });
		assertNoSanitizer(r.stderr, 'kefu sla --at INT64_MAX');
		assert.equal(r.signal, null, r.stderr);
		assert.notEqual(r.code, 0, 'an out-of-range --at was accepted');
		assert.match(r.stderr, /--at must be/);
		const ok = await kefu([...args, '--at', '2026-11-24T10:00:00+08:00'], { cwd: srv.db.dir });
		assert.equal(ok.code, 0, ok.stderr);
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

/** GET /healthz on a new connection: {status, ms}; status 'timeout' after ms. */
function healthz(port, timeout = 1000) {
	const t0 = Date.now();
	return new Promise((resolve) => {
		const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout }, (r) => {
			r.resume();
			r.on('end', () => resolve({ status: r.statusCode, ms: Date.now() - t0 }));
		});
		req.on('timeout', () => {
			req.destroy();
			resolve({ status: 'timeout', ms: Date.now() - t0 });
		});
		req.on('error', (e) => resolve({ status: e.code, ms: Date.now() - t0 }));
	});
}

async function assertHealthy(port, what) {
	const h = await healthz(port, 1000);
	assert.equal(h.status, 200, `${what}: /healthz gave ${h.status} after ${h.ms} ms`);
	assert.ok(h.ms < 1000, `${what}: /healthz took ${h.ms} ms`);
}

/**
 * Open n connections from localAddress, each running onConnect(socket);
 * resolves with the sockets once all are connected or failed.
 */
function openMany(port, n, localAddress, onConnect) {
	const all = [];
	for (let i = 0; i < n; i++) {
		all.push(new Promise((resolve) => {
			const s = net.connect({ host: '127.0.0.1', port, localAddress });
			s.gone = new Promise((r) => s.on('close', r));
			s.on('connect', () => {
				onConnect(s);
				resolve(s);
			});
			s.on('error', () => resolve(s));
		}));
	}
	return Promise.all(all);
}

/** Wait until at most keep sockets are open, or ms passed (a deadline, not a pause); the number still open. */
async function openAtMost(socks, keep, ms) {
	let late = false;
	const deadline = sleep(ms).then(() => (late = true));
	const open = () => socks.filter((s) => !s.destroyed);
	while (open().length > keep && !late) await Promise.race([Promise.race(open().map((s) => s.gone)), deadline]);
	return open().length;
}

/** Wait until every socket closed, or ms passed; the number still open. */
async function closedWithin(socks, ms) {
	await Promise.race([Promise.all(socks.map((s) => s.gone)), sleep(ms)]);
	return socks.filter((s) => !s.destroyed).length;
}

describe('connection floods (item 1)', () => {
	let flood;
	before(async () => {
		flood = await startServer({ db: srv.db, args: ['--header_timeout', '2', '--max_conns_per_addr', '32', '--access_log', 'false'] });
	});
	after(async () => {
		if (flood) await flood.stop();
	});
	const itf = withLogs(() => flood, { timeout: 60_000 });

	itf('2,500 connections that send a partial request line and hang up free their slots at once', async () => {
		const socks = [];
		for (let round = 0; round < 5; round++)
			socks.push(...(await openMany(flood.port, 500, '127.0.0.1', (s) => s.end('GET /api/v1/tick'))));
		const open = await closedWithin(socks, 3000);
		assert.equal(open, 0, `${open} of 2,500 hung-up connections still held by the server after 3 s`);
		await assertHealthy(flood.port, 'after 2,500 hung-up connections');
	});

	itf('1,100 half-open connections from one address do not block others', async () => {
		const socks = await openMany(flood.port, 1100, '127.0.0.2', () => {});
		const held = await openAtMost(socks, 32, 5000); // the server closes those above the limit

		assert.ok(held <= 32, `${held} connections from one address are held open (limit 32)`);
		await assertHealthy(flood.port, 'while 1,100 half-open connections are held');
		for (const s of socks) s.destroy();
	});

	itf('1,100 half-open connections from 25 addresses are closed after the header timeout', async () => {
		const socks = [];
		for (let a = 0; a < 25; a++) socks.push(...(await openMany(flood.port, 44, `127.0.1.${a + 1}`, () => {})));
		await assertHealthy(flood.port, 'while 1,100 half-open connections from 25 addresses are held');
		const open = await closedWithin(socks, 5000);
		assert.equal(open, 0, `${open} idle connections still open 5 s after connecting (header timeout 2 s)`);
		await assertHealthy(flood.port, 'after the half-open connections were cut');
	});

	itf('a client dripping one byte a second is cut off at the header timeout', async () => {
		const head = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(40) + '\r\n\r\n';
		const t0 = Date.now();
		const s = net.connect({ host: '127.0.0.1', port: flood.port, localAddress: '127.0.0.3' });
		const closed = new Promise((r) => s.on('close', r));
		s.on('error', () => {});
		let got = '';
		s.on('data', (d) => (got += d));
		for (let i = 0; i < head.length && !s.destroyed && Date.now() - t0 < 8000; i++) {
			if (s.writable) s.write(head[i]);
			await sleep(1000);
			if (s.readableEnded || s.destroyed) break;
		}
		await Promise.race([closed, sleep(1000)]);
		const ms = Date.now() - t0;
		assert.ok(s.destroyed || s.readableEnded, `the drip connection is still open after ${ms} ms`);
		assert.ok(ms < 5000, `cut off only after ${ms} ms (header timeout 2 s)`);
		assert.doesNotMatch(got, /HTTP\/1\.1 200/, 'the dripped request was answered');
		s.destroy();
		await assertHealthy(flood.port, 'after the slow drip');
	});
});

describe('protocol errors, cursors and JSON messages (item 11)', () => {
	it('ambiguous framing and a missing Host are one JSON 400 with X-Request-Id', async () => {
		const heads = [
			'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
			'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
			'GET /healthz HTTP/1.1\r\n\r\n',
		];
		for (const head of heads) {
			const { text } = await rawExchange(srv.port, [head], { idleMs: 3000 });
			const what = JSON.stringify(head.slice(0, 60));
			assert.equal((text.match(/^HTTP\/1\.1 /gm) || []).length, 1, `${what}: one status line:\n${text}`);
			assert.match(text, /^HTTP\/1\.1 400 /, `${what}:\n${text}`);
			assert.match(text, /^X-Request-Id: [0-9a-f]{16}\r$/im, `${what}: no X-Request-Id:\n${text}`);
			assert.match(text, /^Content-Type: application\/json/im, `${what}:\n${text}`);
			const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
			assert.equal(body.error.code, 'bad_request', `${what}: ${text}`);
		}
	});

	it('heads libmicrohttpd would refuse in HTML are one JSON answer with X-Request-Id, then closed', async () => {
		const cases = [
			['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400, 'bad_request'],
			['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n', 400, 'bad_request'],
			['GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n', 400, 'bad_request'],
			['GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', 505, 'bad_request'],
			['GET /healthz FOO\r\n\r\n', 400, 'bad_request'],
			['GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad_request'],
			['POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', 400, 'bad_request'],
			[`GET /${'a'.repeat(40000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414, 'uri_too_long'],
			[`GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(1200)}\r\n`, 431, 'headers_too_large'],
		];
		for (const [head, status, code] of cases) {
			const { text } = await rawExchange(srv.port, [head], { idleMs: 3000 });
			const what = JSON.stringify(head.slice(0, 60));
			assert.equal((text.match(/^HTTP\/1\.[01] /gm) || []).length, 1, `${what}: one status line:\n${text.slice(0, 600)}`);
			assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `), `${what}:\n${text.slice(0, 600)}`);
			assert.match(text, /^X-Request-Id: [0-9a-f]{16}\r$/im, `${what}: no X-Request-Id:\n${text}`);
			assert.match(text, /^Content-Type: application\/json/im, `${what}:\n${text}`);
			assert.match(text, /^Connection: close\r$/im, `${what}:\n${text}`);
			const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
			assert.equal(body.error.code, code, `${what}: ${text}`);
			assert.equal(typeof body.error.message, 'string');
			assert.equal(body.error.field, null);
		}
		// a well-formed head still goes through, kept alive, also in pieces
		const { text } = await rawExchange(srv.port, ['GET /healthz HTTP/1.1\r\nHo', 300, 'st: x\r\n\r\n'], { idleMs: 1000 });
		assert.match(text, /^HTTP\/1\.1 200 /, text);
	});

	it('an undecodable cursor (or any query argument) is 400 naming it, on every list', async () => {
		for (const list of ['/api/v1/users', '/api/v1/tickets', '/api/v1/customers', '/api/v1/orders']) {
			// A NUL is 'invalid'; bytes that are not UTF-8 (with no NUL) are 'not_utf8'.
			for (const [bad, code] of [['%00%ff', 'invalid'], ['%ff', 'not_utf8'], ['c1%00', 'invalid']]) {
				const res = await admin.api('GET', `${list}?cursor=${bad}`);
				const e = assertError(res, 400, code, `${list}?cursor=${bad}`);
				assert.equal(e.field, 'cursor', `${list}?cursor=${bad}: ${res.text}`);
			}
			await admin.expect(200, 'GET', `${list}?cursor=`);
		}
		const q = await admin.api('GET', '/api/v1/tickets?q=%E5%8C%85%00');
		assert.equal(assertError(q, 400, 'invalid', 'q with a NUL').field, 'q');
		await admin.expect(200, 'GET', '/api/v1/users?limit=5&x=%E5%8C%85');
	});

	it('JSON parse errors are in plain words in English and Chinese, never the library\'s', async () => {
		const bodies = ['{"username": "a\\u0000b", "role": "agent"}', '{"username": "x",', '{"a":1}{"b":2}', '{"a":1,"a":2}', Buffer.from('{"username": "\xff\xfe"}', 'latin1')];
		for (const body of bodies) {
			const res = await admin.api('POST', '/api/v1/users', { body });
			// A body that is not UTF-8 is refused before parsing, as not_utf8 with its line and column.
			const e = assertError(res, 400, Buffer.isBuffer(body) ? 'not_utf8' : 'bad_json', String(body));
			assert.doesNotMatch(e.message, /JSON_|jansson|json_|near '|\bNUL byte in\b|<html/i, `library words in: ${e.message}`);
			assert.match(e.message, /line \d+, column \d+/, e.message);
		}
		const nul = await admin.api('POST', '/api/v1/users', { body: '{"username": "a\\u0000b"}' });
		assert.match(assertError(nul, 400, 'bad_json').message, /NUL character/);
		const zh = await admin.api('POST', '/api/v1/users', { body: '{"username": "a\\u0000b"}', headers: { 'Accept-Language': 'zh-CN' } });
		assert.match(assertError(zh, 400, 'bad_json').message, /[\u4e00-\u9fff]/);
		assert.doesNotMatch(zh.json.error.message, /JSON_ALLOW_NUL/);
	});
});
