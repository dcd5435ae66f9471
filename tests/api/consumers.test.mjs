// consumers.test.mjs - durable consumers of the event stream
// (src/events/consumer.c) in a real kefu: the admin API (consumers with
// their lag, dead events, the retry action, events.manage only); the
// "stats" consumer resumes from its cursor after a clean restart and after
// kill -9 at a random point, counting every ticket.created exactly once;
// on PostgreSQL two kefu nodes on one database never count an event twice.
//
// The handler's effect is countable: event_stats holds, per day and type,
// how many events the stats consumer handled, in the same transaction as
// its cursor; the sum must equal the number of events of that type
// (more = an event handled twice, fewer = one lost).  The tests read it
// with sqlite3 / psql.

import assert from 'node:assert/strict';
import { after, describe } from 'node:test';

import { BACKEND, PG_URL, assertError, cleanup, kefu, kefuOk, run, sleep, startServer, withLogs } from './lib.mjs';

after(cleanup);

let servers = [];
const it = withLogs(() => servers);
after(async () => {
	for (const s of servers) if (s.running) await s.stop();
});

async function sql(db, q) {
	const r = BACKEND === 'sqlite'
		? await run('sqlite3', [db.url, q], { rawEnv: process.env })
		: await run('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', PG_URL, '-c', q], { rawEnv: process.env });
	assert.equal(r.code, 0, r.stderr);
	return r.stdout.trim();
}

async function adminOf(srv) {
	const admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
	return admin;
}

/** Wait (polling the admin API) until the stats consumer has caught up. */
async function caughtUp(admin, ms = 15_000) {
	const until = Date.now() + ms;
	for (;;) {
		const res = await admin.expect(200, 'GET', '/api/v1/events/consumers');
		const stats = res.json.items.find((c) => c.name === 'stats');
		assert.ok(stats, 'the stats consumer is listed');
		if (stats.lag === 0) return stats;
		assert.ok(Date.now() < until, `stats consumer still ${stats.lag} behind`);
		await sleep(50);
	}
}

/** Handled count == event count == ticket count, for ticket.created. */
async function assertExactlyOnce(db, tickets) {
	const events = Number(await sql(db, "SELECT COUNT(*) FROM events WHERE type = 'ticket.created'"));
	const counted = Number(await sql(db, "SELECT COALESCE(SUM(n), 0) FROM event_stats WHERE type = 'ticket.created'"));
	const rows = Number(await sql(db, 'SELECT COUNT(*) FROM tickets'));
	assert.equal(events, rows, 'one ticket.created per ticket');
	assert.equal(counted, events, 'every ticket.created counted exactly once');
	if (tickets !== undefined) assert.ok(rows >= tickets, `${rows} tickets, ${tickets} acknowledged`);
}

async function createTickets(admin, n, tag) {
	let ok = 0;
	for (let i = 0; i < n; i++) {
		const res = await admin.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: `${tag} ${i}` } }).catch(() => null);
		if (res && res.status === 201) ok++;
	}
	return ok;
}

describe('admin faces', () => {
	it('lists consumers with their lag, needs events.manage, retries a dead event', async () => {
		const srv = await startServer();
		servers.push(srv);
		const admin = await adminOf(srv);
		await createTickets(admin, 3, 'admin');
		const stats = await caughtUp(admin);
		assert.ok(stats.cursor > 0);
		assert.equal(stats.dead, 0);
		await assertExactlyOnce(srv.db, 3);

		await admin.expect(201, 'POST', '/api/v1/users', { body: { username: 'agent1', role: 'agent', password: 'agent-password-1' } });
		const agent = srv.client('agent');
		await agent.login('agent1', 'agent-password-1');
		assertError(await agent.api('GET', '/api/v1/events/consumers'), 403, 'forbidden');
		assertError(await agent.api('GET', '/api/v1/events/dead'), 403, 'forbidden');
		assertError(await agent.api('POST', `/api/v1/events/dead/stats/${stats.cursor}/retry`), 403, 'forbidden');

		// not dead: 404, nothing changes
		assertError(await admin.api('POST', `/api/v1/events/dead/stats/${stats.cursor}/retry`), 404, 'not_found');
		assertError(await admin.api('POST', '/api/v1/events/dead/stats/abc/retry'), 404, 'not_found'); // the ids' convention

		// An event the stats consumer gave up on (as after 5 failures): its
		// count is taken back so that a successful retry makes it exactly once.
		const seq = stats.cursor;
		const type = await sql(srv.db, `SELECT type FROM events WHERE seq = ${seq}`);
		await sql(srv.db, `UPDATE event_stats SET n = n - 1 WHERE type = '${type}'`);
		await sql(srv.db, `INSERT INTO event_failures (consumer, seq, attempts, next_at, state, last_error, created_at, updated_at) VALUES ('stats', ${seq}, 5, 0, 'dead', 'boom', 1, 1)`);
		const dead = await admin.expect(200, 'GET', '/api/v1/events/dead');
		assert.deepEqual(dead.json.items.map((d) => [d.consumer, d.seq, d.type, d.attempts, d.last_error]), [['stats', seq, type, 5, 'boom']]);
		assert.equal((await caughtUp(admin)).dead, 1);
		await sleep(700); // a dead event is left alone by the delivery thread
		assert.equal(await sql(srv.db, `SELECT state FROM event_failures WHERE seq = ${seq}`), 'dead');

		const r = await admin.expect(200, 'POST', `/api/v1/events/dead/stats/${seq}/retry`);
		assert.deepEqual(r.json, { consumer: 'stats', seq, state: 'retry' });
		const until = Date.now() + 10_000;
		while (Number(await sql(srv.db, 'SELECT COUNT(*) FROM event_failures')) > 0) {
			assert.ok(Date.now() < until, 'the retried event was delivered');
			await sleep(50);
		}
		await assertExactlyOnce(srv.db, 3);
		const audit = await admin.expect(200, 'GET', '/api/v1/audit?object_type=event');
		assert.equal(audit.json.items[0].action, 'event.retry');
		await srv.stop();
	});
});

describe('retention', () => {
	it('prunes events older than event_retention_days that every consumer has passed', async () => {
		let srv = await startServer();
		servers.push(srv);
		const db = srv.db;
		await srv.stop();
		const day = 86_400_000;
		for (const [id, age] of [[1, 25], [2, 10]])
			await sql(db, `INSERT INTO events (type, entity, entity_id, actor_kind, actor_id, payload, created_at) VALUES ('ticket.created', 'ticket', ${id}, 'system', 0, '{}', ${Date.now() - age * day})`);
		srv = await startServer({ db, args: ['--event_retention_days', '20'] });
		servers.push(srv);
		await caughtUp(await adminOf(srv));
		const until = Date.now() + 10_000;
		while (Number(await sql(db, 'SELECT COUNT(*) FROM events WHERE entity_id = 1')) > 0) {
			assert.ok(Date.now() < until, 'the 25-day-old event was pruned (older than 20 days; the default 30 would keep it)');
			await sleep(50);
		}
		assert.equal(await sql(db, 'SELECT COUNT(*) FROM events WHERE entity_id = 2'), '1', 'the 10-day-old event stays');
		assert.equal(await sql(db, "SELECT SUM(n) FROM event_stats WHERE type = 'ticket.created'"), '2', 'both were counted first');
		await srv.stop();
	});
});

describe('resume from the cursor', () => {
	it('after a clean restart and after kill -9 at a random point, every event is counted once', async () => {
		let srv = await startServer();
		servers.push(srv);
		const db = srv.db;
		let admin = await adminOf(srv);
		let acked = await createTickets(admin, 5, 'before');
		await caughtUp(admin);
		await srv.stop();
		srv = await startServer({ db });
		servers.push(srv);
		admin = await adminOf(srv);
		acked += await createTickets(admin, 5, 'after restart');
		await caughtUp(admin);
		await assertExactlyOnce(db, acked);

		for (let round = 0; round < 3; round++) {
			// writers in flight, kill -9 after a random delay
			const writing = createTickets(admin, 40, `round ${round}`);
			await sleep(20 + Math.floor(Math.random() * 400));
			srv.proc.kill('SIGKILL');
			await srv.exited;
			acked += await writing;
			srv = await startServer({ db });
			servers.push(srv);
			admin = await adminOf(srv);
			await caughtUp(admin);
			await assertExactlyOnce(db, acked);
		}
		// the CLI sees the same cursor; a retry of an event that is not dead is refused
		const cli = JSON.parse((await kefuOk(['events', 'consumers', '--db', db.url], { cwd: db.dir })).stdout);
		const stats = cli.find((c) => c.name === 'stats');
		assert.equal(stats.lag, 0);
		assert.equal(stats.cursor, Number(await sql(db, 'SELECT MAX(seq) FROM events')));
		assert.deepEqual(JSON.parse((await kefuOk(['events', 'dead', '--db', db.url], { cwd: db.dir })).stdout), []);
		const bad = await kefu(['events', 'retry', 'stats', '1', '--db', db.url], { cwd: db.dir });
		assert.notEqual(bad.code, 0);
		assert.match(bad.stderr, /no dead event 1 for consumer stats/);
		await srv.stop();
	});
});

// Two processes on one SQLite file are not a supported deployment: this runs on PostgreSQL only.
if (BACKEND === 'postgres') describe('two nodes on one PostgreSQL', () => {
	it('never count one event twice', async () => {
		const a = await startServer();
		servers.push(a);
		const b = await startServer({ db: a.db });
		servers.push(b);
		const adminA = await adminOf(a);
		const adminB = await adminOf(b);
		const [na, nb] = await Promise.all([createTickets(adminA, 60, 'node a'), createTickets(adminB, 60, 'node b')]);
		await caughtUp(adminA);
		await caughtUp(adminB);
		await assertExactlyOnce(a.db, na + nb);
		const nodes = await sql(a.db, "SELECT COUNT(DISTINCT node) FROM event_consumers WHERE name = 'stats'");
		assert.equal(Number(nodes), 1);
		await b.stop();
		await a.stop();
	});
});
