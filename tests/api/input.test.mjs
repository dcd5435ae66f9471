// Input and output hygiene: CSV exports neutralise spreadsheet formulas
// (OWASP CSV injection), invalid UTF-8 is refused at every door with the
// line and field named, imports say why a row is refused (customers
// first; an order number belonging to another customer), and "required"
// errors name every missing field in the reader's words and language.
//
//   node --test --test-concurrency=1 tests/api/input.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

describe('input and output hygiene', () => {
	let srv, admin, agent, manager;
	const it = withLogs(() => srv);

	const staff = async (role) => {
		const name = uniq(role);
		const password = 'correct-horse-battery';
		await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, role, password } });
		const c = srv.client(name);
		await c.login(name, password);
		return c;
	};

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		agent = await staff('agent');
		manager = await staff('manager');
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	it('a complaint root cause =HYPERLINK(...) is exported as text, not a formula', async () => {
		const formula = '=HYPERLINK("http://x","y")';
		const t = (await agent.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: uniq('破损') } })).json;
		const url = `/api/v1/tickets/${t.id}/complaint`;
		let res = await agent.expect(200, 'POST', `${url}/advance`, { body: { to: 'initial_handling' }, headers: { 'If-Match': '"v1"' } });
		res = await agent.expect(200, 'POST', `${url}/advance`, {
			body: { to: 'investigation', category_id: 9 }, headers: { 'If-Match': res.headers.etag },
		});
		await agent.expect(200, 'PATCH', url, { body: { root_cause: formula }, headers: { 'If-Match': res.headers.etag } });

		const json = await manager.expect(200, 'GET', '/api/v1/reports/complaints?by=root_cause');
		assert.ok(json.json.rows.some((r) => r[0] === formula), `the JSON keeps the text as it is: ${json.text}`);

		const csv = await manager.expect(200, 'GET', '/api/v1/reports/complaints?by=root_cause&format=csv&bom=0');
		assert.match(csv.headers['content-type'], /text\/csv/);
		const lines = csv.text.split('\r\n');
		const row = lines.find((l) => l.includes('HYPERLINK'));
		assert.ok(row, `the root cause is in the CSV: ${csv.text}`);
		assert.ok(row.startsWith(`"'=HYPERLINK(""http://x"",""y"")"`), `the cell starts with a quote: ${row}`);
		for (const l of lines)
			for (const cell of l.split(','))
				assert.ok(!/^"?[=+@]/.test(cell), `no cell starts a formula: ${cell}`);
	});
});
