// manager.test.mjs - returns and calendars in a real browser: a return
// inside the window is requested by the agent; outside it the agent gets
// the API's error (typed reason kept) and a manager overrides it; a claim
// is filed and decided within the declared value; a manager adds a holiday on the day a new contact would fall due and sees
// the SLA preview's due time move.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/manager.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, withLogs } from './lib.mjs';

const DAY = 86400;
let env, browser, admin, agent;
after(async () => {
	await browser?.close();
	await cleanup();
});

/** A one-line order delivered deliveredAgo seconds ago and a return ticket on it. */
async function returnTicket(deliveredAgo, tag) {
	const now = Math.floor(Date.now() / 1000);
	const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
		body: {
			number: `WEB-${tag}-${now}`, placed_at: now - deliveredAgo - 3 * DAY, currency: 'CNY',
			lines: [{ line_no: 1, sku: 'TEA-1', name: '龙井茶', quantity: 2, unit_price_minor: 4999 }],
		},
	})).json;
	const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
		body: { order_id: order.id, tracking_number: `SFWEB${tag}${now}`, carrier: 'SF', lines: [{ order_line_id: order.lines[0].id, quantity: 2 }] },
	})).json;
	await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now - deliveredAgo, status: 'delivered', location: '杭州' } });
	return (await agent.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'return', subject: `退货 ${tag}`, order_id: order.id } })).json;
}

async function requestReturn(page, reason) {
	const panel = page.locator('section.process');
	await panel.locator('input[type=number]').first().fill('1');
	await panel.locator('input[name=reason]').fill(reason);
	await panel.locator('button[type=submit]').click();
	return panel;
}

describe('returns and calendars', () => {
	const it = withLogs(() => env?.srv, { timeout: 90_000 });

	before(async () => {
		env = await demoServer();
		browser = await launch();
		admin = env.srv.client('admin');
		await admin.login('admin', env.db.adminPassword);
		agent = env.srv.client('wangfang');
		await agent.login('wangfang', DEMO_PASSWORD);
	});

	it('a return inside the window is requested; outside it is refused until a manager overrides', async () => {
		const inside = await returnTicket(2 * DAY, 'IN');
		const outside = await returnTicket(20 * DAY, 'OUT');
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');

		await page.goto(`${env.base}/#/tickets/${inside.id}`);
		let panel = await requestReturn(page, '不想要了');
		await panel.locator('.badge', { hasText: 'Requested' }).waitFor();
		assert.equal((await agent.expect(200, 'GET', `/api/v1/tickets/${inside.id}/return`)).json.status, 'requested');

		await page.goto(`${env.base}/#/tickets/${outside.id}`);
		panel = await requestReturn(page, '质量问题');
		const err = panel.locator('.form-error').filter({ hasText: /\S/ });
		await err.waitFor();
		assert.equal(await panel.locator('input[name=reason]').inputValue(), '质量问题', 'the reason is kept');
		await agent.expect(404, 'GET', `/api/v1/tickets/${outside.id}/return`);
		await page.context().close();

		// the manager sees the override field; without a reason the error lands next to it
		const mgr = await newPage(browser, { lang: 'en' });
		await signIn(mgr, env.base, 'zhaomin');
		await mgr.goto(`${env.base}/#/tickets/${outside.id}`);
		panel = await requestReturn(mgr, '质量问题');
		await panel.locator('input[name=window_override_reason] ~ .field-error').filter({ hasText: /\S/ }).waitFor();
		await panel.locator('input[name=window_override_reason]').fill('老客户，主管特批');
		await panel.locator('button[type=submit]').click();
		await panel.locator('.badge', { hasText: 'Requested' }).waitFor();
		const rma = (await agent.expect(200, 'GET', `/api/v1/tickets/${outside.id}/return`)).json;
		assert.equal(rma.window_override_reason, '老客户，主管特批');
		assertNoPageErrors(mgr);
		await mgr.context().close();
	});

	it('a claim is filed and decided; a payout over the declared value is refused next to the field', async () => {
		const now = Math.floor(Date.now() / 1000);
		const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
			body: { number: `WEB-CLAIM-${now}`, placed_at: now - 5 * DAY, currency: 'CNY', lines: [{ line_no: 1, sku: 'VASE-1', name: '青花瓷瓶', quantity: 1, unit_price_minor: 30000 }] },
		})).json;
		const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
			body: { order_id: order.id, tracking_number: `SFCLAIM${now}`, carrier: 'SF', lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] },
		})).json;
		const tk = (await agent.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'claim', subject: '花瓶碎了', order_id: order.id, shipment_id: ship.id } })).json;
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${tk.id}`);
		const panel = page.locator('section.process');
		await panel.locator('select[name=kind]').selectOption('damage');
		await panel.locator('input[name=declared_value_minor]').fill('300.00');
		await panel.locator('button[type=submit]').click();
		await panel.locator('.badge', { hasText: 'Pending' }).waitFor();
		await panel.locator('select[name=decision]').selectOption('approved');
		await panel.locator('input[name=payout_minor]').fill('500');
		await panel.locator('button[type=submit]').click();
		await panel.locator('input[name=payout_minor] ~ .field-error').filter({ hasText: /\S/ }).waitFor();
		assert.equal(await panel.locator('input[name=payout_minor]').inputValue(), '500', 'the typed payout is kept');
		await panel.locator('input[name=payout_minor]').fill('300');
		await panel.locator('textarea[name=decision_reason]').fill('运输破损，全额赔付');
		await panel.locator('button[type=submit]').click();
		await panel.locator('.badge', { hasText: 'Approved' }).waitFor();
		const cl = (await agent.expect(200, 'GET', `/api/v1/tickets/${tk.id}/claim`)).json;
		assert.equal(cl.payout_minor, 30000);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a manager adds a holiday and sees a due time move', async () => {
		const mgrApi = env.srv.client('zhaomin');
		await mgrApi.login('zhaomin', DEMO_PASSWORD);
		const page = await newPage(browser, { lang: 'en', timezone: 'Asia/Shanghai' });
		await signIn(page, env.base, 'zhaomin');
		await page.goto(`${env.base}/#/admin/calendars`);
		const due = page.locator('form.sla-preview dd.due-first');
		await due.waitFor();
		const before = await due.textContent();
		// the calendar and the day the first response falls due, in its zone
		const pv = (await mgrApi.expect(200, 'GET', '/api/v1/sla/preview?type=complaint&priority=normal&tier=C')).json;
		const cal = (await mgrApi.expect(200, 'GET', `/api/v1/calendars/${pv.policy.calendar_id}`)).json;
		const day = new Intl.DateTimeFormat('en-CA', { timeZone: cal.time_zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(pv.first_response_due_at * 1000));
		const holidays = page.locator('section.panel', { hasText: 'Holidays' }).locator('tbody tr');
		const n = await holidays.count();
		await page.fill('form.create input[name=date]', day);
		await page.fill('form.create input[name=name]', '测试假日');
		await page.click('form.create button[type=submit]');
		await holidays.nth(n).waitFor();
		await page.waitForFunction((b) => document.querySelector('form.sla-preview dd.due-first')?.textContent !== b, before);
		const pv2 = (await mgrApi.expect(200, 'GET', '/api/v1/sla/preview?type=complaint&priority=normal&tier=C')).json;
		assert.ok(pv2.first_response_due_at > pv.first_response_due_at, 'the due time moved later');

		// removing it moves the due time back
		await page.locator('tbody tr', { hasText: '测试假日' }).locator('button').click();
		await page.waitForFunction((b) => document.querySelector('form.sla-preview dd.due-first')?.textContent === b, before);
		assertNoPageErrors(page);
		await page.context().close();
	});
});
