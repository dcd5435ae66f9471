// The test clock (issue 13, item 7): `kefu serve --test-clock 1` lets an admin
// set the one clock that sessions, the sign-in throttle, SLA clocks and the
// scheduler read (POST /api/v1/test/clock) and run a scheduler pass at its
// now (POST /api/v1/test/tick).  Without the option the endpoints do not exist.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { TEST_CLOCK_ARGS, advanceClock, assertError, cleanup, setClock, startServer, tick, uniq, withLogs } from './lib.mjs';

after(cleanup);

describe('without --test-clock', () => {
	let srv, admin;
	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
	});
	after(async () => srv && srv.stop());
	withLogs(() => [srv]);

	it('the test endpoints are 404 even for an admin, and anonymous', async () => {
		for (const p of ['/api/v1/test/clock', '/api/v1/test/tick']) {
			assertError(await admin.api('POST', p, { body: { advance: 10 } }), 404, 'not_found', p);
			assertError(await srv.client('anon').api('POST', p, { body: { advance: 10 } }), 404, 'not_found', p);
		}
	});
});

describe('with --test-clock', () => {
	let srv, admin, agent;
	before(async () => {
		srv = await startServer({ args: TEST_CLOCK_ARGS });
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		const name = uniq('agent');
		await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, password: 'agent-password-1', role: 'agent', display_name: name } });
		agent = srv.client('agent');
		await agent.login(name, 'agent-password-1');
	});
	after(async () => srv && srv.stop());
	withLogs(() => [srv]);

	it('is for admins only', async () => {
		assertError(await agent.api('POST', '/api/v1/test/clock', { body: { advance: 10 } }), 403, 'forbidden');
		assertError(await agent.api('POST', '/api/v1/test/tick'), 403, 'forbidden');
		assertError(await srv.client('anon').api('POST', '/api/v1/test/tick'), 401, 'unauthenticated');
	});

	it('refuses bad input and changes nothing', async () => {
		const before = (await advanceClock(admin, 0)).now;
		for (const body of [{}, { now: 1, advance: 1 }, { now: -5 }, { advance: 'x' }, { later: 1 }]) {
			const res = await admin.api('POST', '/api/v1/test/clock', { body });
			assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
			assert.ok(res.json.error.code, res.text);
		}
		const now = (await advanceClock(admin, 0)).now;
		assert.ok(now - before <= 2, `the clock moved by itself: ${before} -> ${now}`);
	});

	it('sets and advances the clock the server uses for requests', async () => {
		// within the session's idle timeout (2 h), so admin stays signed in
		const t = Math.floor(Date.now() / 1000) + 1800;
		const set = await setClock(admin, t);
		assert.ok(set.now >= t && set.now <= t + 1, JSON.stringify(set));
		const moved = await advanceClock(admin, 3600);
		assert.ok(moved.now >= t + 3600 && moved.now <= t + 3602, JSON.stringify(moved));
		// a row written now carries the clock's time, not the wall clock's
		const cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: uniq('clock') } })).json;
		const at = typeof cust.created_at === "number" ? cust.created_at : Date.parse(cust.created_at) / 1000;
		assert.ok(at >= t + 3600 && at <= t + 3610, `created_at ${cust.created_at} is not the test clock's now`);
	});

	it('tick runs the jobs due at the clock\'s now and names them', async () => {
		// the recurring daily jobs were seeded at start; a day later they are due again
		const first = await tick(admin);
		assert.ok(Array.isArray(first.ran), JSON.stringify(first));
		await advanceClock(admin, 2 * 86400);
		await admin.login('admin', srv.db.adminPassword); // two days idle ended the session
		const later = await tick(admin);
		const kinds = later.ran.map((j) => j.kind);
		assert.ok(kinds.includes('idem_prune'), `idem_prune did not run: ${JSON.stringify(later)}`);
		const again = await tick(admin);
		assert.deepEqual(again.ran, [], 'nothing is due right after a pass');
	});

	it('a session ends when the clock passes its idle timeout', async () => {
		const name = uniq('idle');
		await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, password: 'idle-password-1', role: 'agent', display_name: name } });
		const c = srv.client('idle');
		await c.login(name, 'idle-password-1');
		await c.expect(200, 'GET', '/api/v1/me');
		await advanceClock(admin, 3 * 3600); // session_ttl defaults to 2 h
		assertError(await c.api('GET', '/api/v1/me'), 401, 'unauthenticated');
	});
});
