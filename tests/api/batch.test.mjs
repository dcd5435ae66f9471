// batch.test.mjs - the write batcher (src/http/batch.c): ticket and message
// writes that arrive together are run many per transaction, each in its own
// savepoint, and answered only after the durable commit.  Checked with the
// batcher on (the default) and off (--batch-writers 0): concurrent valid and
// invalid writes each get their own answer and only the valid ones are
// kept; concurrent requests with one Idempotency-Key create one ticket; a
// SIGKILL in the middle of a write storm loses no acknowledged ticket;
// SIGTERM answers every parked request before exiting.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/batch.test.mjs

import assert from 'node:assert/strict';
import { after, describe } from 'node:test';

import { assertError, cleanup, freshDb, startServer, withLogs } from './lib.mjs';

after(cleanup);

let current;
const it = withLogs(() => current);

async function boot(args, db) {
	current = await startServer({ args, db });
	const admin = current.client('admin');
	await admin.login('admin', current.db.adminPassword);
	return { srv: current, admin };
}

async function counts(admin) {
	return (await admin.expect(200, 'GET', '/api/v1/tickets/counts')).json;
}

for (const mode of [{ name: 'batched', args: [] }, { name: 'unbatched', args: ['--batch-writers', '0'] }]) {
	describe(`ticket writes, ${mode.name}`, () => {
		it('concurrent valid and invalid writes: each its own answer, only the valid kept', async () => {
			const { srv, admin } = await boot(mode.args);
			const target = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'target' } })).json;
			const c0 = await counts(admin);
			const jobs = [];
			for (let i = 0; i < 48; i++)
				jobs.push(admin.api('POST', '/api/v1/tickets', { body: { type: 'complaint', subject: `并发 ${mode.name} w${i}q`, body: `第 ${i} 条` } }));
			for (let i = 0; i < 16; i++)
				jobs.push(admin.api('POST', '/api/v1/tickets', { body: { type: 'bogus', subject: `bad ${i}` } }));
			for (let i = 0; i < 8; i++)
				jobs.push(admin.api('POST', `/api/v1/tickets/${target.id}/notes`, { body: { body: `note ${i}` } }));
			jobs.push(admin.api('POST', '/api/v1/tickets/999999/notes', { body: { body: 'nowhere' } }));
			const res = await Promise.all(jobs);
			const created = res.slice(0, 48);
			for (const r of created) assert.equal(r.status, 201, r.text);
			const ids = new Set(created.map((r) => r.json.id));
			assert.equal(ids.size, 48, 'every create got its own ticket');
			created.forEach((r, i) => assert.equal(r.json.subject, `并发 ${mode.name} w${i}q`));
			for (const i of [0, 17, 47]) { // indexed for search with the batch's commit
				const hits = (await admin.expect(200, 'GET', `/api/v1/search?q=w${i}q`)).json.items;
				assert.deepEqual(hits.map((h) => [h.kind, h.ref_id]), [['ticket', created[i].json.id]]);
			}
			const bad = (await admin.expect(200, 'GET', '/api/v1/search?q=bad')).json.items;
			assert.equal(bad.length, 0, 'refused creates left nothing in the index');
			for (const r of res.slice(48, 64)) {
				const e = assertError(r, 400, 'invalid', 'bad type');
				assert.equal(e.field, 'type');
			}
			for (const r of res.slice(64, 72)) assert.equal(r.status, 201, r.text);
			assertError(res[72], 404, 'not_found', 'note on a missing ticket');

			const c1 = await counts(admin);
			assert.equal(c1.all.new, c0.all.new + 48, 'exactly the valid creates were kept');
			const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${target.id}/messages`)).json.items;
			assert.equal(msgs.filter((m) => /^note \d$/.test(m.body)).length, 8);
			for (const id of [...ids].slice(0, 5)) await admin.expect(200, 'GET', `/api/v1/tickets/${id}`);
			await srv.stop();
		});

		it('concurrent requests with one Idempotency-Key create one ticket', async () => {
			const { srv, admin } = await boot(mode.args);
			const c0 = await counts(admin);
			const key = `idem-${mode.name}-${Date.now()}`;
			const body = { type: 'inquiry', subject: 'once only / 只建一次' };
			const res = await Promise.all(Array.from({ length: 6 }, () =>
				admin.api('POST', '/api/v1/tickets', { body, headers: { 'Idempotency-Key': key } })));
			const ok = res.filter((r) => r.status === 201);
			assert.ok(ok.length >= 1, res.map((r) => r.text).join('\n'));
			for (const r of res) assert.ok(r.status === 201 || r.status === 409, `${r.status} ${r.text}`);
			assert.equal(new Set(ok.map((r) => r.json.id)).size, 1, 'every success names the same ticket');
			assert.ok(ok.filter((r) => r.headers['idempotent-replayed'] === 'true').length >= ok.length - 1);
			assert.equal((await counts(admin)).all.new, c0.all.new + 1);
			await srv.stop();
		});

		it('SIGKILL during a write storm loses no acknowledged ticket', async () => {
			const db = await freshDb();
			let { srv, admin } = await boot(mode.args, db);
			const acked = new Map();
			let sent = 0;
			let killed = false;
			const worker = async () => {
				while (!killed && sent < 3000) {
					const n = sent++;
					let r;
					try {
						r = await admin.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: `storm ${n}` } });
					} catch {
						return; /* the connection died with the server: not acknowledged */
					}
					if (r.status === 201) acked.set(r.json.id, `storm ${n}`);
				}
			};
			const workers = Array.from({ length: 24 }, worker);
			while (acked.size < 150 && sent < 3000) await new Promise((r) => setTimeout(r, 5));
			killed = true;
			srv.proc.kill('SIGKILL');
			await Promise.all(workers);
			await srv.exited;
			assert.ok(acked.size >= 150, `acknowledged ${acked.size}`);

			({ srv, admin } = await boot(mode.args, db));
			for (const [id, subject] of acked) {
				const r = await admin.expect(200, 'GET', `/api/v1/tickets/${id}`);
				assert.equal(r.json.subject, subject);
			}
			await srv.stop();
		});
	});
}

describe('shutdown with parked writes', () => {
	it('SIGTERM answers every write already received, then exits 0', async () => {
		const { srv, admin } = await boot([]);
		const jobs = Array.from({ length: 40 }, (_, i) =>
			admin.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: `term ${i}` } }).catch((e) => e));
		await Promise.race(jobs); // some answered; others still parked or running
		srv.signal('SIGTERM');
		const res = await Promise.all(jobs);
		await srv.stop();
		const answered = res.filter((r) => r && r.status);
		for (const r of answered) assert.ok(r.status === 201 || r.status === 503, `${r.status} ${r.text}`);
		const ok = answered.filter((r) => r.status === 201);
		assert.ok(ok.length > 0, 'some writes were acknowledged before the stop');
		const again = await boot([], srv.db);
		for (const r of ok) await again.admin.expect(200, 'GET', `/api/v1/tickets/${r.json.id}`);
		await again.srv.stop();
	});
});
