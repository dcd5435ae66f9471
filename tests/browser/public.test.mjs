// public.test.mjs - what people outside the desk see, and the language:
// the public tracking page (status, history, no personal data), the
// customer portal's sign-in at 375 px, switching language (remembered,
// sent as Accept-Language, dates in the locale), masking without pii.read.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/public.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { kefuOk } from '../api/lib.mjs';
import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, withLogs } from './lib.mjs';

let env, browser, agent;
after(async () => {
	await browser?.close();
	await cleanup();
});

describe('public pages and language', () => {
	const it = withLogs(() => env?.srv, { timeout: 90_000 });

	before(async () => {
		env = await demoServer();
		browser = await launch();
		agent = env.srv.client('wangfang');
		await agent.login('wangfang', DEMO_PASSWORD);
	});

	it('the tracking page shows status and history without personal data', async () => {
		const orders = (await agent.expect(200, 'GET', '/api/v1/orders?limit=20')).json.items;
		const o = (await Promise.all(orders.map((x) => agent.expect(200, 'GET', `/api/v1/orders/${x.id}`)))).map((r) => r.json).find((x) => x.shipments.length);
		const ship = (await agent.expect(200, 'GET', `/api/v1/shipments/${o.shipments[0].id}`)).json;
		const cust = (await agent.expect(200, 'GET', `/api/v1/customers/${o.customer_id}`)).json;
		const page = await newPage(browser, { lang: 'en', width: 375 });
		await page.goto(`${env.base}/track/${ship.tracking_number}`);
		await page.locator('.track-status').waitFor();
		assert.equal(await page.textContent('.track-status'), ship.status_label.en);
		assert.equal(await page.locator('ol.tracking li').count(), ship.events.length);
		const text = await page.textContent('body');
		assert.ok(!text.includes(cust.name), 'no customer name on the public page');
		for (const a of cust.addresses) assert.ok(!text.includes(a.line), 'no street address on the public page');
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'fits 375 px');

		// Chinese labels from the same API answer; an unknown number says so
		await page.selectOption('select.lang', 'zh-CN');
		await page.locator('.track-status', { hasText: ship.status_label.zh }).waitFor();
		await page.goto(`${env.base}/track/NO-SUCH-PARCEL-1`);
		await page.locator('.track-result [role=alert]').waitFor();
		assert.match(await page.textContent('.track-result'), /NO-SUCH-PARCEL-1/);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a customer signs in to the portal on a 375 px screen', async () => {
		await kefuOk(['portal', 'add', 'li.na@example.com', '--name', '李娜', '--password-stdin', '--db', env.db.url], { input: 'portal-pass-123\n', cwd: env.db.dir });
		const page = await newPage(browser, { lang: 'zh-CN', width: 375, height: 740 });
		await page.goto(`${env.base}/portal`);
		await page.fill('input[name=login]', 'li.na@example.com');
		await page.fill('input[name=password]', 'wrong-password');
		await page.click('form.login button[type=submit]');
		const err = page.locator('form.login [role=alert]').filter({ hasText: /\S/ }).first();
		await err.waitFor();
		assert.match(await err.textContent(), /[\u4e00-\u9fff]/, 'the error is in Chinese');
		assert.equal(await page.inputValue('input[name=login]'), 'li.na@example.com', 'the login is kept');
		await page.fill('input[name=password]', 'portal-pass-123');
		await page.click('form.login button[type=submit]');
		await page.locator('h2', { hasText: '李娜' }).waitFor();
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'fits 375 px');
		// the portal session survives a reload; the staff app does not see it
		await page.reload();
		await page.locator('h2', { hasText: '李娜' }).waitFor();
		await page.goto(`${env.base}/`);
		await page.locator('form.login input[name=username]').waitFor();
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('switching language is remembered, sent to the API and formats dates', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.waitForSelector('table.tickets tbody tr');
		assert.equal(await page.textContent('#top nav a[data-nav="#/inbox"]'), 'Inbox');
		const enTime = await page.textContent('table.tickets tbody tr td.time');
		await page.selectOption('#top select.lang', 'zh-CN');
		await page.locator('#top nav a', { hasText: '收件箱' }).waitFor();
		await page.locator('table.tickets th', { hasText: '主题' }).waitFor();
		assert.notEqual(await page.textContent('table.tickets tbody tr td.time'), enTime, 'dates follow the locale');
		assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
		await page.reload();
		await page.locator('#top nav a', { hasText: '收件箱' }).waitFor();
		// the API answers in the chosen language
		const [req] = await Promise.all([page.waitForRequest((r) => r.url().includes('/api/v1/tickets?')), page.click('.views a[data-view=all]')]);
		assert.equal(req.headers()['accept-language'], 'zh-CN');
		await page.click('#signout');
		await page.fill('input[name=username]', 'wangfang');
		await page.fill('input[name=password]', 'wrong-password');
		await page.click('form.login button[type=submit]');
		const err = page.locator('form.login [role=alert]').filter({ hasText: /\S/ }).first();
		await err.waitFor();
		assert.match(await err.textContent(), /[\u4e00-\u9fff]/);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('an analyst (no pii.read) sees a masked customer and no privacy actions', async () => {
		const cust = (await agent.expect(200, 'GET', '/api/v1/customers?limit=1')).json.items[0];
		const full = (await agent.expect(200, 'GET', `/api/v1/customers/${cust.id}`)).json;
		const phone = full.identities.find((i) => i.kind === 'phone');
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhouqiang');
		await page.goto(`${env.base}/#/customers/${cust.id}`);
		await page.locator('.customer-page .notice').waitFor();
		const text = await page.textContent('.customer-page');
		if (phone) assert.ok(!text.includes(phone.value), 'the phone number is masked');
		assert.equal(await page.locator('button', { hasText: 'Erase personal data' }).count(), 0);
		await page.context().close();

		// crm (customer.privacy) sees it whole, with export and erase
		const crm = await newPage(browser, { lang: 'en' });
		await signIn(crm, env.base, 'sunli');
		await crm.goto(`${env.base}/#/customers/${cust.id}`);
		await crm.locator('button', { hasText: 'Export all data' }).waitFor();
		if (phone) assert.ok((await crm.textContent('.customer-page')).includes(phone.value));
		const [dl] = await Promise.all([crm.waitForEvent('download'), crm.click('button:has-text("Export all data")')]);
		assert.equal(dl.suggestedFilename(), `customer-${cust.id}.json`);
		assertNoPageErrors(crm);
		await crm.context().close();
	});
});
