// desk_fixes.test.mjs - the staff workspace defects of issue 12 (items 20
// and 25), each seen in Chromium: the SLA panel says what the API says
// (missed, not met); the skip link focuses the page without routing; a
// language switch keeps an unsent reply; a phone ticket logged by an agent
// shows the customer, not the agent, as the author of the caller's words;
// a read-only analyst gets no composer or Save; the new-ticket order
// picker lists the newest order first.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/desk_fixes.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { uniq } from '../api/lib.mjs';

import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, sqlite, withLogs } from './lib.mjs';

let env, browser, agent;
after(async () => {
	await browser?.close();
	await cleanup();
});

/** A ticket for a demo customer, created by the agent over the API. */
async function newTicket(extra = {}) {
	const cust = (await agent.expect(200, 'GET', '/api/v1/customers?limit=1')).json.items[0];
	return (await agent.expect(201, 'POST', '/api/v1/tickets', {
		body: { type: 'inquiry', subject: `Where is my parcel ${Date.now()}`, body: 'The caller asks where the parcel is.', customer_id: cust.id, ...extra },
	})).json;
}

describe('workspace fixes (issue 12)', () => {
	const it = withLogs(() => env?.srv, { timeout: 120_000 });

	before(async () => {
		env = await demoServer();
		browser = await launch();
		agent = env.srv.client('wangfang');
		await agent.login('wangfang', DEMO_PASSWORD);
	});

	for (const lang of ['en', 'zh-CN']) {
		it(`the SLA panel says missed when the API says missed (${lang})`, async () => {
			const tk = await newTicket();
			await agent.expect(201, 'POST', `/api/v1/tickets/${tk.id}/replies`, { body: { body: 'We are looking into it.' } });
			// the reply came after the first response was due, and no breach was recorded
			await sqlite(env.db, `UPDATE ticket_sla SET first_due_at = first_done_at - 600, first_warn_at = first_done_at - 900, first_breached_at = 0, first_warned_at = 0 WHERE ticket_id = ${tk.id}`);
			const sla = (await agent.expect(200, 'GET', `/api/v1/tickets/${tk.id}/sla`)).json;
			assert.equal(sla.first_response.status, 'missed');
			assert.equal(sla.first_response.breached_at, null);
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'wangfang');
			await page.goto(`${env.base}/#/tickets/${tk.id}`);
			const clock = page.locator('.sla-row').first().locator('.clock');
			await clock.waitFor();
			assert.equal(await clock.getAttribute('class'), 'clock sla-missed');
			assert.equal((await clock.textContent()).trim(), lang === 'en' ? 'Missed' : '已超时完成');
			assertNoPageErrors(page);
			await page.context().close();
		});
	}

	for (const lang of ['en', 'zh-CN']) {
		it(`the skip link focuses the main content without routing (${lang})`, async () => {
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'wangfang');
			await page.waitForSelector('table.tickets tbody tr');
			const before = page.url();
			const skip = page.locator('a.skip');
			assert.equal((await skip.textContent()).trim(), lang === 'en' ? 'Skip to content' : '跳到正文');
			await skip.focus();
			await page.keyboard.press('Enter');
			await page.waitForFunction(() => document.activeElement?.id === 'main');
			assert.equal(page.url(), before, 'no navigation');
			assert.ok(await page.locator('table.tickets').count(), 'the inbox is still shown');
			assert.equal(await page.locator('#main div.empty', { hasText: /main/ }).count(), 0, 'no "no such page: main"');
			assertNoPageErrors(page);
			await page.context().close();
		});
	}

	it('switching the language keeps an unsent reply and note (per ticket)', async () => {
		const tk = await newTicket();
		const page = await newPage(browser, { lang: 'zh-CN' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${tk.id}`);
		const box = page.locator('form.composer textarea[name=body]');
		await box.waitFor();
		await box.fill('您好，包裹已在派送中，请耐心等待。');
		await page.selectOption('#top select.lang', 'en');
		await page.locator('form.composer button.primary', { hasText: 'Send' }).waitFor();
		assert.equal(await page.locator('form.composer textarea[name=body]').inputValue(), '您好，包裹已在派送中，请耐心等待。');
		// the note tab keeps its own draft
		await page.locator('form.composer [role=tab]', { hasText: 'Note' }).click();
		await page.locator('form.composer.mode-note textarea[name=body]').fill('Customer called twice');
		await page.selectOption('#top select.lang', 'zh-CN');
		await page.locator('form.composer').waitFor();
		await page.locator('form.composer [role=tab]', { hasText: '回复' }).click();
		assert.equal(await page.locator('form.composer.mode-reply textarea[name=body]').inputValue(), '您好，包裹已在派送中，请耐心等待。');
		// another ticket does not get this draft; sending clears it
		const other = await newTicket();
		await page.goto(`${env.base}/#/tickets/${other.id}`);
		await page.locator(`h1:has-text("${other.subject}")`).waitFor();
		assert.equal(await page.locator('form.composer textarea[name=body]').inputValue(), '');
		await page.goto(`${env.base}/#/tickets/${tk.id}`);
		await page.locator(`h1:has-text("${tk.subject}")`).waitFor();
		await page.waitForFunction(() => document.querySelector('form.composer textarea[name=body]')?.value.length > 0);
		await page.locator('form.composer button.primary').click();
		await page.locator('article.msg-public', { hasText: '包裹已在派送中' }).waitFor();
		// the sent reply's draft is gone; the unsent note stays
		await page.reload();
		await page.locator('form.composer.mode-note textarea[name=body]').waitFor();
		assert.equal(await page.locator('form.composer.mode-note textarea[name=body]').inputValue(), 'Customer called twice');
		await page.locator('form.composer [role=tab]', { hasText: '回复' }).click();
		assert.equal(await page.locator('form.composer.mode-reply textarea[name=body]').inputValue(), '');
		assertNoPageErrors(page);
		await page.context().close();
	});

	for (const lang of ['en', 'zh-CN']) {
		it(`a phone ticket logged by an agent shows the caller, not the agent, as the author (${lang})`, async () => {
			const tk = await newTicket({ channel: 'phone', body: '来电：快递三天没有更新了。' });
			const cust = (await agent.expect(200, 'GET', `/api/v1/customers/${tk.customer_id}`)).json;
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'wangfang');
			await page.goto(`${env.base}/#/tickets/${tk.id}`);
			const msg = page.locator('article.msg-customer', { hasText: '快递三天没有更新了' });
			await msg.waitFor();
			await page.waitForFunction((n) => document.querySelector('article.msg-customer header strong')?.textContent === n, cust.name);
			assert.equal(await msg.locator('header strong').textContent(), cust.name);
			assert.equal((await msg.locator('.logged-by').textContent()).trim(), lang === 'en' ? '(logged by wangfang)' : '（由 wangfang 代录）');
			assertNoPageErrors(page);
			await page.context().close();
		});
	}

	it('a read-only analyst sees the ticket without the composer, Save or other write controls', async () => {
		const tk = await newTicket();
		const analyst = env.srv.client('zhouqiang');
		await analyst.login('zhouqiang', DEMO_PASSWORD);
		const me = (await analyst.expect(200, 'GET', '/api/v1/me')).json;
		assert.ok(me.permissions.includes('ticket.read') && !me.permissions.includes('ticket.write'));
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhouqiang');
		await page.goto(`${env.base}/#/tickets/${tk.id}`);
		await page.locator(`h1:has-text("${tk.subject}")`).waitFor();
		await page.locator('form.props select[name=state]').waitFor();
		await page.locator('section.attachments').waitFor();
		assert.equal(await page.locator('form.composer').count(), 0, 'no composer');
		assert.equal(await page.locator('form.props button').count(), 0, 'no Save or Assign to me');
		assert.ok(await page.locator('form.props select[name=state]').isDisabled());
		assert.equal(await page.locator('section.attachments form').count(), 0, 'no upload');
		assert.equal(await page.locator('section.links form').count(), 0, 'no link or merge');
		await page.keyboard.press('r');
		await page.waitForTimeout(300);
		assert.equal(await page.locator('form.composer').count(), 0, 'r opens no composer');
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('the new-ticket order picker lists the newest order first', async () => {
		const admin = env.srv.client('admin');
		await admin.login('admin', env.db.adminPassword);
		const cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: `订单客户 ${Date.now()}` } })).json;
		const now = Math.floor(Date.now() / 1000);
		const mk = async (ago) => (await admin.expect(201, 'POST', '/api/v1/orders', {
			body: { number: uniq('SO'), customer_id: cust.id, placed_at: now - ago * 86400, currency: 'CNY', lines: [{ line_no: 1, sku: 'T', name: 'tea', quantity: 1, unit_price_minor: 100 }] },
		})).json;
		const a = await mk(30);
		const b = await mk(2);
		const c = await mk(90);
		const d = await mk(10);
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/new?customer=${cust.id}`);
		await page.locator('select[name=order_id]').waitFor();
		const ids = await page.locator('select[name=order_id] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
		assert.deepEqual(ids, [b, d, a, c].map((o) => String(o.id)));
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('an error naming several missing fields (details.fields) marks each of them and shows the API message as it is (issue 12, item 22)', async () => {
		const page = await newPage(browser, { lang: 'zh-CN' });
		await signIn(page, env.base, 'wangfang');
		// the API's reply, as the create route gives it when subject and category are both missing
		const message = '请填写：主题、分类';
		await page.route('**/api/v1/tickets', (route) =>
			route.request().method() === 'POST'
				? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'required', field: 'subject', message, details: { fields: ['subject', 'category_id'] } } }) })
				: route.continue()
		);
		await page.goto(`${env.base}/#/tickets/new`);
		const form = page.locator('form.new-ticket');
		await form.locator('textarea[name=body]').fill('来电询问发票');
		await form.locator('button[type=submit]').click();
		await form.locator('.form-error', { hasText: message }).waitFor();
		assert.equal(await form.locator('input[name=subject]').getAttribute('aria-invalid'), 'true');
		assert.equal(await form.locator('select[name=category_id]').getAttribute('aria-invalid'), 'true');
		assert.equal(await form.locator('textarea[name=body]').getAttribute('aria-invalid'), null);
		assert.equal(await page.evaluate(() => document.activeElement?.name), 'subject');
		assert.equal(await form.locator('textarea[name=body]').inputValue(), '来电询问发票', 'typed text kept');
		assertNoPageErrors(page);
		await page.context().close();
	});
});
