// events_admin.test.mjs - the admin section "Event consumers" in a real
// browser: the durable consumers with their lag, an event parked dead
// (event and failure planted with sqlite3: the demo writes no events and
// the stats consumer never fails on its own)
// listed with its error, and the retry button putting it back, after
// which the consumer delivers it.  Chinese strings on a zh-CN page.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/events_admin.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertNoPageErrors, cleanup, demoServer, launch, newPage, signIn, sqlite, withLogs } from './lib.mjs';

let env, browser;
const it = withLogs(() => env && env.srv);

describe('admin: event consumers', () => {
	before(async () => {
		env = await demoServer({ customers: 10 });
		browser = await launch();
	});
	after(async () => {
		if (browser) await browser.close();
		if (env) await env.srv.stop();
	});
	after(cleanup);

	it('lists consumers and dead events; retry puts one back and it is delivered', async () => {
		// the demo loads its data below the event stream: add one event as a change would
		await sqlite(env.db, `INSERT INTO events (type, entity, entity_id, actor_kind, created_at) VALUES ('ticket.created', 'ticket', 1, 'system', ${Date.now()})`);
		const seq = Number(await sqlite(env.db, 'SELECT MAX(seq) FROM events'));
		assert.ok(seq > 0);
		await sqlite(env.db, `INSERT INTO event_failures (consumer, seq, attempts, next_at, state, last_error, created_at, updated_at) VALUES ('stats', ${seq}, 5, 0, 'dead', 'planted failure', 1, 1)`);
		const page = await newPage(browser, { lang: 'zh-CN' });
		await signIn(page, env.base, 'admin', env.db.adminPassword);
		await page.goto(`${env.base}/#/admin/events`);
		await page.waitForSelector('h1:has-text("事件消费者")');
		const consumers = await page.$$eval('table.data >> nth=0 >> tbody tr', (rows) => rows.map((r) => r.cells[0].textContent));
		assert.ok(consumers.includes('stats'), consumers.join());
		const btn = page.locator(`button[data-retry="stats/${seq}"]`);
		await btn.waitFor();
		assert.match(await page.textContent('main'), /planted failure/);
		assert.equal(await btn.textContent(), '重试');
		await btn.click();
		await page.waitForSelector('p.events-none');
		assert.equal(await page.textContent('p.events-none'), '没有搁置的事件。');
		const until = Date.now() + 10_000;
		while (Number(await sqlite(env.db, 'SELECT COUNT(*) FROM event_failures')) > 0) {
			assert.ok(Date.now() < until, 'the retried event was delivered');
			await page.waitForTimeout(50);
		}
		assert.equal(await sqlite(env.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'event.retry'"), '1');
		assertNoPageErrors(page);
	});
});
