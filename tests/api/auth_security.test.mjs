// auth_security.test.mjs - the attacks of issue 12 items 7 and 8 on
// sign-in, sessions, API tokens and public tracking:
//   - portal login timing does not tell known from unknown e-mail addresses;
//   - the sign-in throttle slows guessers with growing delays instead of a
//     lockout: an attacker failing from another address, or a neighbour
//     behind the same address failing on other accounts, does not stop the
//     owner signing in with the right password (staff and portal);
//   - a password change (self-service, admin reset, CLI) revokes the user's
//     API tokens and other sessions;
//   - a session ends after its absolute lifetime however much it is used;
//   - public tracking lookups are rate-limited per client address.
//
// Other client addresses are real: the client binds 127.0.0.2 / 127.0.0.3
// (Linux routes all of 127/8 to loopback), so kefu sees another address.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe } from 'node:test';

import { TEST_CLOCK_ARGS, advanceClock, assertError, cleanup, kefuOk, setClock, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

/** An agent whose connections come from addr (a loopback address). */
function from(addr) {
	return new http.Agent({ keepAlive: false, localAddress: addr });
}
const ADDR2 = from('127.0.0.2');
const ADDR3 = from('127.0.0.3');
const ADDR4 = from('127.0.0.4');
const ADDR5 = from('127.0.0.5');

const PW = 'Right-horse-battery-9';

async function createUser(admin, username, password = PW, role = 'agent') {
	const res = await admin.expect(201, 'POST', '/api/v1/users', { body: { username, display_name: username, role, password } });
	return res.json;
}

function staffLogin(client, username, password, agent) {
	return client.api('POST', '/api/v1/auth/login', { body: { username, password }, agent });
}

function portalLogin(client, login, password, agent) {
	return client.api('POST', '/api/v1/portal/login', { body: { login, password }, agent });
}

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/** Retry-After of a 429, checked to be a positive whole number of seconds. */
function retryAfter(res) {
	const v = String(res.headers['retry-after']);
	assert.match(v, /^[1-9]\d*$/, `Retry-After: ${v}`);
	return Number(v);
}

// ---- item 7: portal login timing ------------------------------------------

describe('portal login timing (item 7)', () => {
	let srv;
	const it = withLogs(() => srv);
	before(async () => {
		// throttling out of the way: this measures the password check alone
		srv = await startServer({ args: ['--login_max_per_account', '1000', '--login_max_per_addr', '100000'] });
	});
	after(async () => srv && (await srv.stop()));

	it('an unknown e-mail costs about as long as a known one with a wrong password', async () => {
		const known = `${uniq('timing')}@example.com`;
		await kefuOk(['portal', 'add', known, '--password-stdin', '--db', srv.db.url], { input: `${PW}\n`, cwd: srv.db.dir });
		const c = srv.client('prober');
		const tKnown = [];
		const tUnknown = [];
		for (let i = 0; i < 9; i++) {
			// interleaved, so load on the machine hits both alike
			let t = process.hrtime.bigint();
			assertError(await portalLogin(c, known, `wrong-password-${i}`), 401, 'bad_credentials', 'known login');
			tKnown.push(Number(process.hrtime.bigint() - t) / 1e6);
			t = process.hrtime.bigint();
			assertError(await portalLogin(c, `${uniq('nobody')}@example.com`, `wrong-password-${i}`), 401, 'bad_credentials', 'unknown login');
			tUnknown.push(Number(process.hrtime.bigint() - t) / 1e6);
		}
		const k = median(tKnown);
		const u = median(tUnknown);
		assert.ok(u >= 0.5 * k, `unknown login answered in ${u.toFixed(1)} ms (median), known in ${k.toFixed(1)} ms: timing tells which accounts exist`);
	});
});

// ---- item 7: the sign-in throttle ------------------------------------------

describe('sign-in throttle: growing delays, no lockout (item 7)', () => {
	let srv, admin;
	const it = withLogs(() => srv);
	before(async () => {
		srv = await startServer({ args: ['--login_max_per_addr', '10', ...TEST_CLOCK_ARGS] });
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
	});
	after(async () => srv && (await srv.stop()));

	it('an attacker failing 100 times from another address does not stop the owner (staff)', async () => {
		const owner = uniq('owner');
		await createUser(admin, owner);
		const attacker = srv.client('attacker');
		let failed = 0,
			throttled = 0;
		for (let i = 0; i < 100; i++) {
			const res = await staffLogin(attacker, owner, `guess-${i}-xxxxxx`, ADDR2);
			if (res.status === 429) throttled++;
			else {
				assertError(res, 401, 'bad_credentials', `guess ${i}`);
				failed++;
			}
		}
		assert.ok(throttled > 50, `the attacker was not slowed: ${failed} failures, ${throttled} throttled`);
		const res = await staffLogin(srv.client('owner'), owner, PW);
		assert.equal(res.status, 200, `the owner, from their own address, with the right password: ${res.status} ${res.text}`);
	});

	it('an attacker failing 100 times from another address does not stop the owner (portal)', async () => {
		const login = `${uniq('cust')}@example.com`;
		await kefuOk(['portal', 'add', login, '--password-stdin', '--db', srv.db.url], { input: `${PW}\n`, cwd: srv.db.dir });
		const attacker = srv.client('attacker');
		let throttled = 0;
		for (let i = 0; i < 100; i++) {
			const res = await portalLogin(attacker, login, `guess-${i}-xxxxxx`, ADDR3);
			if (res.status === 429) throttled++;
			else assertError(res, 401, 'bad_credentials', `guess ${i}`);
		}
		assert.ok(throttled > 50, `the attacker was not slowed (${throttled} throttled)`);
		const res = await portalLogin(srv.client('customer'), login, PW);
		assert.equal(res.status, 200, `the customer with the right password: ${res.status} ${res.text}`);
	});

	it('failures from one address on one account bring delays of 1 s, then 2 s, ... not a 15-minute lock', async () => {
		const user = uniq('typo');
		await createUser(admin, user);
		const c = srv.client('typist');
		for (let i = 0; i < 5; i++) assertError(await staffLogin(c, user, `typo-${i}-xxxxxx`, ADDR4), 401, 'bad_credentials', `typo ${i + 1}`);
		let res = await staffLogin(c, user, PW, ADDR4);
		assertError(res, 429, 'rate_limited', 'right after the 5th failure');
		const first = retryAfter(res);
		assert.ok(first <= 1, `first delay ${first} s, want 1 s`);
		assert.equal(res.json.error.details?.retry_after, first, `details: ${res.text}`);
		assert.equal(res.headers['set-cookie'], undefined, 'a throttled login set a cookie');
		await advanceClock(admin, first); // the delay counts from the failure, in ms: whole seconds pass it
		assertError(await staffLogin(c, user, 'typo-6-xxxxxx', ADDR4), 401, 'bad_credentials', 'after the first delay');
		res = await staffLogin(c, user, PW, ADDR4);
		assertError(res, 429, 'rate_limited', 'right after the 6th failure');
		const second = retryAfter(res);
		assert.ok(second >= 2 && second <= 3, `second delay ${second} s, want 2 s (growing)`);
		await advanceClock(admin, second);
		res = await staffLogin(c, user, PW, ADDR4);
		assert.equal(res.status, 200, `after the delay the right password signs in: ${res.status} ${res.text}`);
		// the success forgets the failures: the next typo is not delayed
		assertError(await staffLogin(srv.client('x'), user, 'typo-7-xxxxxx', ADDR4), 401, 'bad_credentials', 'after a success');
	});

	it('one address failing on many accounts is slowed; a colleague behind it who signs in there is not', async () => {
		// Behind one NAT (127.0.0.5 here): the colleague signed in from it before.
		const colleague = uniq('colleague');
		await createUser(admin, colleague);
		const newcomer = uniq('newcomer');
		await createUser(admin, newcomer);
		const nat = srv.client('nat');
		assert.equal((await staffLogin(nat, colleague, PW, ADDR5)).status, 200, 'the colleague signs in from the NAT');
		// the sprayer tries one password on many accounts from the same NAT
		let res;
		let throttled = 0;
		for (let i = 0; i < 16; i++) {
			res = await staffLogin(srv.client('sprayer'), uniq('victim'), 'Summer2026!!', ADDR5);
			if (res.status === 429) throttled++;
			else assertError(res, 401, 'bad_credentials', `spray ${i}`);
		}
		assert.ok(throttled > 0, 'spraying many accounts from one address was never slowed');
		res = await staffLogin(srv.client('sprayer'), uniq('victim'), 'Summer2026!!', ADDR5);
		assertError(res, 429, 'rate_limited', 'the sprayer, next account');
		// the colleague, who signs in from there, is not delayed at all
		res = await staffLogin(srv.client('colleague'), colleague, PW, ADDR5);
		assert.equal(res.status, 200, `the colleague behind the sprayer's address: ${res.status} ${res.text}`);
		// a newcomer there waits a short delay at most, not 15 minutes
		res = await staffLogin(srv.client('newcomer'), newcomer, PW, ADDR5);
		if (res.status === 429) {
			const w = retryAfter(res);
			assert.ok(w <= 2, `the newcomer must wait ${w} s`);
			await advanceClock(admin, w);
			res = await staffLogin(srv.client('newcomer'), newcomer, PW, ADDR5);
		}
		assert.equal(res.status, 200, `the newcomer behind the sprayer's address: ${res.status} ${res.text}`);
	});
});

// ---- item 8: a password change revokes credentials ------------------------

describe('a password change revokes API tokens and other sessions (item 8)', () => {
	let srv, admin;
	const it = withLogs(() => srv);
	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
	});
	after(async () => srv && (await srv.stop()));

	/** A user signed in twice, with one API token; returns the clients. */
	async function userWithCredentials() {
		const name = uniq('holder');
		const u = await createUser(admin, name);
		const here = srv.client('here');
		await here.login(name, PW);
		const elsewhere = srv.client('elsewhere');
		await elsewhere.login(name, PW);
		const tok = (await here.expect(201, 'POST', '/api/v1/me/tokens', { body: { name: 'integration' } })).json.token;
		const bearer = srv.client('integration');
		bearer.bearer = tok;
		await bearer.expect(200, 'GET', '/api/v1/me');
		return { u, name, here, elsewhere, bearer };
	}

	it('self-service: the token and the other session end, this session stays', async () => {
		const { here, elsewhere, bearer } = await userWithCredentials();
		await here.expect(200, 'POST', '/api/v1/me/password', { body: { current_password: PW, new_password: 'Another-long-pass-2' } });
		assertError(await bearer.api('GET', '/api/v1/me'), 401, 'unauthenticated', 'the API token after a password change');
		assertError(await elsewhere.api('GET', '/api/v1/me'), 401, 'unauthenticated', 'the other session after a password change');
		await here.expect(200, 'GET', '/api/v1/me');
		const list = (await here.expect(200, 'GET', '/api/v1/me/tokens')).json.items;
		assert.ok(list.length > 0 && list.every((t) => t.revoked_at !== null), `tokens not marked revoked: ${JSON.stringify(list)}`);
	});

	it('admin reset: the token and every session end', async () => {
		const { u, here, elsewhere, bearer } = await userWithCredentials();
		await admin.expect(200, 'POST', `/api/v1/users/${u.id}/password`, { body: { password: 'Admin-set-pass-33' } });
		assertError(await bearer.api('GET', '/api/v1/me'), 401, 'unauthenticated', 'the API token after an admin reset');
		assertError(await here.api('GET', '/api/v1/me'), 401, 'unauthenticated', 'a session after an admin reset');
		assertError(await elsewhere.api('GET', '/api/v1/me'), 401, 'unauthenticated', 'another session after an admin reset');
		await admin.expect(200, 'GET', '/api/v1/me');
	});

	it('CLI kefu user passwd: the token and every session end', async () => {
		const { name, here, bearer } = await userWithCredentials();
		const r = await kefuOk(['user', 'passwd', name, '--password-stdin', '--db', srv.db.url], { input: 'Cli-set-password-4\n', cwd: srv.db.dir });
		assert.match(r.stdout, /revoked/, r.stdout);
		assertError(await bearer.api('GET', '/api/v1/me'), 401, 'unauthenticated', 'the API token after kefu user passwd');
		assertError(await here.api('GET', '/api/v1/me'), 401, 'unauthenticated', 'a session after kefu user passwd');
		await srv.client('again').login(name, 'Cli-set-password-4');
	});
});

// ---- item 8: absolute session lifetime -------------------------------------

describe('sessions end after --session-max-age however much they are used (item 8)', () => {
	// 5 s of the test clock, moved by an admin whose API token has no session to end
	let srv, clockAdmin;
	const it = withLogs(() => srv);
	before(async () => {
		srv = await startServer({ args: ['--session_max_age', '5', ...TEST_CLOCK_ARGS] });
		const admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		clockAdmin = srv.client('clock');
		clockAdmin.bearer = (await admin.expect(201, 'POST', '/api/v1/me/tokens', { body: { name: 'clock' } })).json.token;
		// stop the clock: the 5 s are then exactly the advances below, however slow the machine
		await setClock(clockAdmin, Math.floor(Date.now() / 1000));
	});
	after(async () => srv && (await srv.stop()));

	it('a staff session used every second (test clock) ends after 5 s', async () => {
		const c = srv.client('busy');
		const res = await c.login('admin', srv.db.adminPassword);
		const cookie = (res.headers['set-cookie'] || []).find((l) => l.startsWith('kefu_session='));
		assert.match(cookie, /Max-Age=5\b/, `cookie: ${cookie}`);
		let last;
		let used = 0;
		for (let i = 0; i < 20; i++) {
			last = await c.api('GET', '/api/v1/me');
			if (last.status !== 200) break;
			used++;
			await advanceClock(clockAdmin, 1); // a use every second of the test clock
		}
		// used at 0, 1, ..., 4 s; refused from 5 s
		assert.equal(used, 5, 'the session works for exactly its 5 s lifetime');
		assertError(last, 401, 'unauthenticated', `the session after its lifetime (used ${used} times)`);
		// signing in again works
		await c.login('admin', srv.db.adminPassword);
		await c.expect(200, 'GET', '/api/v1/me');
	});

	it('a portal session ends after its lifetime too', async () => {
		const login = `${uniq('short')}@example.com`;
		await kefuOk(['portal', 'add', login, '--password-stdin', '--db', srv.db.url], { input: `${PW}\n`, cwd: srv.db.dir });
		const c = srv.client('customer');
		await c.portalLogin(login, PW);
		await c.expect(200, 'GET', '/api/v1/portal/me');
		await advanceClock(clockAdmin, 4);
		await c.expect(200, 'GET', '/api/v1/portal/me'); // 4 s in: still inside its lifetime
		await advanceClock(clockAdmin, 1);
		assertError(await c.api('GET', '/api/v1/portal/me'), 401, 'unauthenticated', 'the portal session after its lifetime');
	});
});

// ---- item 8: tracking lookups are rate-limited ------------------------------

describe('public tracking lookups are rate-limited per address (item 8)', () => {
	let srv, admin, number;
	const it = withLogs(() => srv);
	before(async () => {
		srv = await startServer({ args: ['--track_rate', '60', '--track_burst', '10'] });
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		const o = (await admin.expect(201, 'POST', '/api/v1/orders', { body: { number: uniq('SO-'), placed_at: 1767225600, currency: 'CNY', lines: [{ sku: 'A', quantity: 1, unit_price_minor: 100 }] } })).json;
		number = uniq('SF');
		await admin.expect(201, 'POST', '/api/v1/shipments', { body: { order_id: o.id, tracking_number: number } });
	});
	after(async () => srv && (await srv.stop()));

	it('a burst from one address gets 429 with Retry-After after the limit; other addresses still look up', async () => {
		const bot = srv.client('enumerator');
		const statuses = [];
		let limited;
		for (let i = 0; i < 40; i++) {
			const res = await bot.api('GET', `/api/v1/track/SF${String(100000 + i)}`, { agent: ADDR2 });
			statuses.push(res.status);
			if (res.status === 429) limited = limited || res;
		}
		const ok = statuses.filter((s) => s === 404).length;
		const refused = statuses.filter((s) => s === 429).length;
		assert.ok(limited, `40 lookups in a burst were never refused: ${statuses.join(',')}`);
		assert.ok(ok >= 10 && ok <= 12, `${ok} lookups answered before the limit (burst 10)`);
		assert.ok(refused >= 28, `only ${refused} of 40 refused`);
		assertError(limited, 429, 'rate_limited', 'over the limit');
		assert.ok(retryAfter(limited) <= 2, `Retry-After ${limited.headers['retry-after']} at 60/min`);
		// a known number is refused too while the bucket is empty (the cache is no way round)
		assertError(await bot.api('GET', `/api/v1/track/${number}`, { agent: ADDR2 }), 429, 'rate_limited', 'a cached number over the limit');
		// another client is not affected
		const res = await srv.client('customer').api('GET', `/api/v1/track/${number}`, { agent: ADDR3 });
		assert.equal(res.status, 200, `another address: ${res.status} ${res.text}`);
		assert.equal(res.json.tracking_number, number);
	});

	it('lookups below the limit all work', async () => {
		const c = srv.client('customer');
		for (let i = 0; i < 8; i++) {
			const res = await c.api('GET', `/api/v1/track/${number}`);
			assert.equal(res.status, 200, `lookup ${i + 1}: ${res.status} ${res.text}`);
		}
		assertError(await c.api('GET', '/api/v1/track/SF-NO-SUCH'), 404, 'not_found', 'an unknown number below the limit');
	});
});
