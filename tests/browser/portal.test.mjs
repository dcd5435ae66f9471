// portal.test.mjs - the customer portal on a 375 px phone: staff give a
// demo customer (one with a delivered order) an account through the API;
// the customer sees their orders and each parcel's history, opens a ticket
// with a file, reads the agent's reply and answers; requests a return
// inside the window (done) and outside it (the window error at the top of
// the form, the reason kept; too many items: the error under the
// quantity); accepts a complaint's implemented solution with a comment.
// Nothing overflows 375 px on any page.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/portal.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { uniq } from '../api/lib.mjs';
import { assertNoPageErrors, cleanup, demoServer, launch, newPage, sqlite, withLogs } from './lib.mjs';

const DAY = 86400;
let env, browser, admin, customer, recent, old, closing, stale, login, password;

after(async () => {
	await browser?.close();
	await cleanup();
});

/** An order of the demo customer, one line of 2, delivered `ago` seconds ago. */
async function deliveredOrder(customerId, ago) {
	const now = Math.floor(Date.now() / 1000);
	const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
		body: {
			number: uniq('SO'), customer_id: customerId, placed_at: now - ago - 3 * DAY, currency: 'CNY',
			lines: [{ line_no: 1, sku: 'TEA-1', name: '龙井茶 Longjing tea', quantity: 2, unit_price_minor: 4999 }],
		},
	})).json;
	const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
		body: { order_id: order.id, tracking_number: uniq('SF'), carrier: 'SF', lines: [{ order_line_id: order.lines[0].id, quantity: 2 }] },
	})).json;
	await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now - ago - DAY, status: 'in_transit', location: '上海' } });
	await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now - ago, status: 'delivered', location: '杭州' } });
	return { ...order, tracking: ship.tracking_number };
}

/** A signed-in portal page at 375 px in lang. */
async function portalPage(lang = 'en') {
	const page = await newPage(browser, { lang, width: 375, height: 740 });
	await page.goto(`${env.base}/portal`);
	await page.fill('input[name=login]', login);
	await page.fill('input[name=password]', password);
	await page.click('form.login button[type=submit]');
	await page.locator('.portal-nav').waitFor();
	return page;
}

async function assertFits(page, what) {
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(w <= 375, `${what}: ${w} px wide at 375 px`);
}

describe('customer portal', () => {
	const it = withLogs(() => env?.srv, { timeout: 90_000 });

	before(async () => {
		// surveys go out a second after a delivery, so that one is pending on the portal
		env = await demoServer({ setup: (db) => sqlite(db, "INSERT INTO desk_settings (key, value) VALUES ('survey_delay_resolution_s', 1), ('survey_delay_delivery_s', 1)") });
		browser = await launch();
		admin = env.srv.client('admin');
		await admin.login('admin', env.db.adminPassword);
		// a demo customer with a delivered demo order
		const orders = (await admin.expect(200, 'GET', '/api/v1/orders?limit=50')).json.items;
		const full = await Promise.all(orders.map(async (o) => (await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`)).json));
		const demo = full.find((o) => o.shipments.some((s) => s.status === 'delivered'));
		assert.ok(demo, 'the demo has a delivered order');
		customer = (await admin.expect(200, 'GET', `/api/v1/customers/${demo.customer_id}`)).json;
		recent = await deliveredOrder(customer.id, 2 * DAY);
		old = await deliveredOrder(customer.id, 30 * DAY);
		closing = await deliveredOrder(customer.id, 3 * DAY);
		// a parcel whose tracking the carrier has expired
		const now = Math.floor(Date.now() / 1000);
		stale = (await admin.expect(201, 'POST', '/api/v1/orders', {
			body: { number: uniq('SO'), customer_id: customer.id, placed_at: now - 40 * DAY, currency: 'CNY', lines: [{ line_no: 1, sku: 'CUP-1', name: '茶杯 Cup', quantity: 1, unit_price_minor: 1999 }] },
		})).json;
		const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', { body: { order_id: stale.id, tracking_number: uniq('SF'), carrier: 'SF', lines: [{ order_line_id: stale.lines[0].id, quantity: 1 }] } })).json;
		stale.tracking = ship.tracking_number;
		await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now - 39 * DAY, status: 'in_transit', location: '上海' } });
		await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now - 9 * DAY, status: 'expired', location: '上海' } });
		login = `${uniq('portal')}@example.com`;
		const acct = (await admin.expect(201, 'POST', `/api/v1/customers/${customer.id}/portal-account`, { body: { login } })).json;
		password = acct.password;
	});

	it('my orders, and an order with its lines and each parcel\'s history', async () => {
		const page = await portalPage('en');
		await page.click('.portal-nav a[href="#/orders"]');
		await page.locator('.portal-list a.tile', { hasText: recent.number }).waitFor();
		assert.ok(await page.locator('.portal-list a.tile', { hasText: old.number }).count());
		await assertFits(page, 'my orders');
		await page.click(`.portal-list a.tile:has-text("${recent.number}")`);
		await page.locator('.portal-order h2', { hasText: recent.number }).waitFor();
		assert.match(await page.textContent('.portal-lines'), /Ordered 2 · shipped 2 · delivered 2/);
		const parcel = page.locator('section.shipment', { hasText: recent.tracking });
		assert.equal(await parcel.locator('.track-status').textContent(), 'Delivered');
		assert.equal(await parcel.locator('ol.tracking li').count(), 2, 'both tracking events');
		assert.match(await parcel.locator('ol.tracking li').first().textContent(), /杭州/);
		await assertFits(page, 'order page');
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('opens a ticket with a file, sees the agent\'s reply and answers it', async () => {
		const page = await portalPage('en');
		await page.click('.portal-nav a[href="#/tickets/new"]');
		await page.locator('form.portal-new').waitFor();
		// a missing subject is refused next to the field; the text typed stays
		await page.fill('textarea[name=body]', 'The lid of the teapot arrived cracked.');
		await page.selectOption('select[name=order_id]', String(recent.id));
		await page.click('form.portal-new button[type=submit]');
		await page.locator('#' + (await page.getAttribute('input[name=subject]', 'id')) + '-err', { hasText: /\S/ }).waitFor();
		assert.equal(await page.getAttribute('input[name=subject]', 'aria-invalid'), 'true');
		assert.equal(await page.inputValue('textarea[name=body]'), 'The lid of the teapot arrived cracked.');
		await page.fill('input[name=subject]', 'Cracked teapot lid');
		await page.setInputFiles('form.portal-new input[name=file]', { name: 'crack.txt', mimeType: 'text/plain', buffer: Buffer.from('a photo description') });
		await page.click('form.portal-new button[type=submit]');
		await page.locator('.portal-ticket-head h2', { hasText: 'Cracked teapot lid' }).waitFor();
		assert.match(await page.textContent('.portal-files'), /crack\.txt/);
		// the file downloads through the portal route, with the customer's own session
		const href = await page.getAttribute('.portal-files a', 'href');
		assert.match(href, /^\/api\/v1\/portal\/attachments\/\d+$/);
		const body = await page.evaluate(async (u) => (await fetch(u)).text(), href);
		assert.equal(body, 'a photo description');
		await assertFits(page, 'ticket page');
		const id = Number(/#\/tickets\/(\d+)/.exec(page.url())[1]);
		const staff = (await admin.expect(200, 'GET', `/api/v1/tickets/${id}`)).json;
		assert.equal(staff.customer_id, customer.id);
		assert.equal(staff.order_id, recent.id);
		assert.equal(staff.channel, 'portal');

		await admin.expect(201, 'POST', `/api/v1/tickets/${id}/notes`, { body: { body: 'INTERNAL: warehouse packing issue' } });
		await admin.expect(201, 'POST', `/api/v1/tickets/${id}/replies`, { body: { body: 'Sorry! A new lid is on its way.', state: 'pending_customer' } });
		await page.reload();
		await page.locator('.msg-service', { hasText: 'A new lid is on its way' }).waitFor();
		assert.ok(!(await page.textContent('body')).includes('INTERNAL'), 'no internal note');
		assert.match(await page.textContent('.portal-ticket-head .badges'), /Waiting for your reply/);
		await page.fill('form.portal-reply textarea[name=body]', 'Thank you!');
		await page.click('form.portal-reply button[type=submit]');
		await page.locator('.msg-mine', { hasText: 'Thank you!' }).waitFor();
		assert.match(await page.textContent('.portal-ticket-head .badges'), /In progress/);
		await page.click('.portal-nav a[href="#/tickets"]');
		await page.locator('.portal-list a.tile', { hasText: 'Cracked teapot lid' }).waitFor();
		await assertFits(page, 'my tickets');
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a return inside the window is requested (subject: the order number, one language); after the window no form is offered; above the quantity the error shows in the form, typed text kept', async () => {
		const page = await portalPage('en');
		await page.goto(`${env.base}/portal#/orders/${old.id}`);
		// the window closed: the date instead of a form (issue 12, item 24)
		const closed = page.locator('.return-closed');
		await closed.waitFor();
		assert.match(await closed.textContent(), /return period for this order ended on/);
		assert.equal(await page.locator('form.portal-return').count(), 0, 'no return form after the window');
		await assertFits(page, 'order page after the window');

		const form = page.locator('form.portal-return');
		await page.goto(`${env.base}/portal#/orders/${recent.id}`);
		await page.locator(`.portal-order h2:has-text("${recent.number}")`).waitFor();
		await form.locator('input[name=quantity]').fill('5');
		await form.locator('textarea[name=reason]').fill('Too much tea');
		await form.locator('select[name=action]').selectOption('exchange');
		await form.locator('button[type=submit]').click();
		const qid = await form.locator('input[name=quantity]').getAttribute('id');
		await page.locator(`#${qid}-err`, { hasText: /at most 2/ }).waitFor();
		assert.equal(await form.locator('input[name=quantity]').getAttribute('aria-invalid'), 'true');
		assert.equal(await form.locator('textarea[name=reason]').inputValue(), 'Too much tea');
		assert.equal(await form.locator('select[name=action]').inputValue(), 'exchange');

		await form.locator('input[name=quantity]').fill('2');
		await form.locator('button[type=submit]').click();
		await page.locator('section.portal-rma').waitFor();
		assert.match(await page.textContent('section.portal-rma'), /Requested/);
		assert.match(await page.textContent('section.portal-rma'), /Exchange/);
		// the subject names the order number, in the customer's language only
		assert.equal((await page.textContent('.portal-ticket-head h2')).trim(), `Return request: order ${recent.number}`);
		const id = Number(/#\/tickets\/(\d+)/.exec(page.url())[1]);
		const rma = (await admin.expect(200, 'GET', `/api/v1/tickets/${id}/return`)).json;
		assert.equal(rma.lines[0].quantity, 2);
		const tk = (await admin.expect(200, 'GET', `/api/v1/tickets/${id}`)).json;
		assert.equal(tk.subject, `Return request: order ${recent.number}`);
		assert.equal(tk.language, 'en');
		await assertFits(page, 'return ticket');
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('in Chinese, a window that closed while the form was open says the real deadline from the error details (issue 12, item 22)', async () => {
		const page = await portalPage('zh-CN');
		await page.goto(`${env.base}/portal#/orders/${closing.id}`);
		const form = page.locator('form.portal-return');
		await form.waitFor();
		await form.locator('textarea[name=reason]').fill('不想要了');
		// the delivery was 30 days ago after all (the carrier corrected it)
		await sqlite(env.db, `UPDATE shipments SET delivered_at = delivered_at - ${30 * DAY} WHERE order_id = ${closing.id}`);
		const deliveredAt = Number(await sqlite(env.db, `SELECT MAX(delivered_at) FROM shipments WHERE order_id = ${closing.id}`));
		await form.locator('button[type=submit]').click();
		const top = form.locator('.form-error');
		await top.waitFor();
		const text = await top.textContent();
		assert.match(text, /该订单的退货期已于 .+ 结束/);
		assert.ok(!text.includes('签收记录'), `not "never delivered": ${text}`);
		const day = new Date((deliveredAt + 7 * DAY) * 1000).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }).split('-').map(Number);
		assert.ok(text.includes(String(day[0])) && text.includes(`${day[1]}`) && text.includes(`${day[2]}`), `the deadline ${day.join('-')} in: ${text}`);
		assert.equal(await form.locator('textarea[name=reason]').inputValue(), '不想要了', 'the reason is kept');
		assertNoPageErrors(page);
		await page.context().close();
	});

	for (const lang of ['en', 'zh-CN']) {
		it(`home: greets by name, shows the pending survey with its link; orders newest first; an expired tracking is worded for customers (${lang})`, async () => {
			const c = env.srv.client(`survey-${lang}`);
			await c.portalLogin(login, password);
			const end = Date.now() + 20_000;
			let pending = [];
			while (!(pending = (await c.expect(200, 'GET', '/api/v1/portal/surveys')).json.items).length && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
			assert.ok(pending.length, 'the API has a pending survey');
			const page = await portalPage(lang);
			const hello = page.locator('section.hello h2');
			await hello.waitFor();
			assert.equal((await hello.textContent()).trim(), lang === 'en' ? `Hello, ${customer.name}` : `您好，${customer.name}`);
			const box = page.locator('section.portal-surveys');
			await box.waitFor();
			assert.match(await box.locator('h2').textContent(), lang === 'en' ? /Tell us how we did/ : /请评价我们的服务/);
			assert.equal(await box.locator('li').count(), pending.length);
			await assertFits(page, 'home with surveys');
			await box.locator(`button[data-survey="${pending[0].id}"]`).click();
			await page.waitForURL(/\/survey\/[A-Za-z0-9_-]{43}$/);
			await page.locator('form.survey-form').waitFor();

			// my orders: newest first by order date
			await page.goto(`${env.base}/portal#/orders`);
			await page.locator('.portal-list a.tile').first().waitFor();
			const mine = (await c.expect(200, 'GET', '/api/v1/portal/orders?limit=200')).json.items;
			const want = [...mine].sort((a, b) => b.placed_at - a.placed_at || b.id - a.id).map((o) => `#/orders/${o.id}`);
			const shown = await page.locator('.portal-list a.tile').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
			assert.deepEqual(shown, want.slice(0, shown.length));
			assert.equal(shown[0], `#/orders/${recent.id}`);

			// an expired tracking: what it means for the customer, not "跟踪过期"
			await page.goto(`${env.base}/portal#/orders/${stale.id}`);
			const status = page.locator('section.shipment .track-status');
			await status.waitFor();
			assert.equal((await status.textContent()).trim(), lang === 'en' ? 'Tracking not updated recently' : '物流信息暂未更新');
			assert.ok(!(await page.textContent('body')).includes('跟踪过期'));
			assert.ok(!(await page.textContent('body')).includes('Tracking expired'));
			// and on the public tracking page
			await page.goto(`${env.base}/track/${encodeURIComponent(stale.tracking)}`);
			const pub = page.locator('.track-status');
			await pub.waitFor();
			assert.equal((await pub.textContent()).trim(), lang === 'en' ? 'Tracking not updated recently' : '物流信息暂未更新');
			assert.ok(!/跟踪过期|Tracking expired/.test(await page.textContent('body')));
			assertNoPageErrors(page);
			await page.context().close();
		});
	}

	it('accepts an implemented complaint solution with a comment (in Chinese)', async () => {
		const page = await portalPage('zh-CN');
		await page.click('.portal-nav a[href="#/tickets/new"]');
		await page.selectOption('select[name=type]', 'complaint');
		await page.fill('input[name=subject]', '快递员态度差');
		await page.fill('textarea[name=body]', '快递员把包裹扔在门口。');
		await page.click('form.portal-new button[type=submit]');
		await page.locator('section.portal-complaint').waitFor();
		assert.equal(await page.locator('form.portal-confirm').count(), 0, 'nothing to confirm before implementation');
		const id = Number(/#\/tickets\/(\d+)/.exec(page.url())[1]);

		const url = `/api/v1/tickets/${id}/complaint`;
		let etag = (await admin.expect(200, 'GET', url)).headers.etag;
		for (const body of [
			{ to: 'initial_handling' },
			{ to: 'investigation', category_id: 9 },
			{ to: 'solution', investigation_notes: '核实属实', root_cause: 'courier', responsible_department: '物流部' },
			{ to: 'implementation', solution: '向快递公司投诉并赠送优惠券', compensation_minor: 1000, currency: 'CNY' },
		])
			etag = (await admin.expect(200, 'POST', `${url}/advance`, { body, headers: { 'If-Match': etag } })).headers.etag;

		await page.reload();
		const box = page.locator('section.portal-complaint');
		await box.locator('form.portal-confirm').waitFor();
		assert.match(await box.textContent(), /向快递公司投诉并赠送优惠券/);
		assert.match(await box.textContent(), /10\.00/);
		assert.match(await box.textContent(), /落实/);
		await assertFits(page, 'complaint to confirm');
		await box.locator('textarea[name=comment]').fill('满意，谢谢');
		await box.locator('button', { hasText: '接受方案' }).click();
		await box.locator('dd', { hasText: '您已接受' }).waitFor();
		assert.equal(await page.locator('form.portal-confirm').count(), 0);
		await page.locator('.msg-mine', { hasText: '满意，谢谢' }).waitFor();
		assert.equal((await admin.expect(200, 'GET', url)).json.customer_confirmation, 'accepted');
		assertNoPageErrors(page);
		await page.context().close();
	});
});
