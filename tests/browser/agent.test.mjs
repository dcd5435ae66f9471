// agent.test.mjs - an agent's day in a real browser: sign in (errors next
// to the field), work the inbox with the keyboard, reply, take a complaint
// through every step with its required fields enforced, resolve it and
// see the follow-up ticket appear; a 412 keeps what the agent chose.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/agent.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, sqlite, withLogs } from './lib.mjs';

let env, browser, agent;
after(async () => {
	await browser?.close();
	await cleanup();
});

describe('agent workspace', () => {
	const it = withLogs(() => env?.srv, { timeout: 120_000 });

	before(async () => {
		env = await demoServer();
		browser = await launch();
		agent = env.srv.client('wangfang');
		await agent.login('wangfang', DEMO_PASSWORD);
	});

	it('a wrong password is shown next to the form and the typed name is kept', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await page.goto(`${env.base}/`);
		await page.fill('input[name=username]', 'wangfang');
		await page.fill('input[name=password]', 'not-the-password');
		await page.click('form.login button[type=submit]');
		const err = page.locator('form.login [role=alert]:not(:empty)').first();
		await err.waitFor();
		assert.match(await err.textContent(), /\S/);
		assert.equal(await page.inputValue('input[name=username]'), 'wangfang');
		await page.fill('input[name=password]', DEMO_PASSWORD);
		await page.click('form.login button[type=submit]');
		await page.waitForSelector('table.tickets tbody tr');
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('works the inbox with counts and the keyboard, and replies', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.waitForSelector('table.tickets tbody tr');
		const counts = (await agent.expect(200, 'GET', '/api/v1/tickets/counts')).json;
		const active = ['new', 'open', 'pending_customer', 'pending_internal'].reduce((n, s) => n + counts.mine[s], 0);
		assert.equal((await page.textContent('.views a[data-view=mine] .count')).trim(), String(active));

		const rows = page.locator('table.tickets tbody tr');
		assert.equal(await rows.nth(0).getAttribute('aria-selected'), 'true');
		await page.keyboard.press('j');
		await page.keyboard.press('j');
		await page.keyboard.press('k');
		assert.equal(await rows.nth(1).getAttribute('aria-selected'), 'true');
		const id = await rows.nth(1).getAttribute('data-id');

		// filters go to the API: only complaints
		await page.selectOption('form.filters select[name=type]', 'complaint');
		await page.waitForFunction(() => [...document.querySelectorAll('table.tickets tbody tr td:nth-child(4)')].every((td) => td.textContent === 'Complaint'));
		await page.selectOption('form.filters select[name=type]', '');
		await page.waitForSelector(`table.tickets tbody tr[data-id="${id}"]`);
		await page.locator(`table.tickets tbody tr[data-id="${id}"]`).click();
		await page.waitForURL(new RegExp(`#/tickets/${id}$`));
		await page.goBack();
		// the inbox is ready for keys once it has drawn again and selected a row
		await page.waitForSelector('table.tickets tbody tr[aria-selected="true"]');

		// r opens the ticket with the reply box focused; Ctrl+Enter sends
		await page.keyboard.press('r');
		await page.waitForSelector('form.composer textarea:focus');
		const url = page.url();
		const tid = /#\/tickets\/(\d+)/.exec(url)[1];
		const text = `您好，已为您处理 ${Date.now()}`;
		await page.keyboard.type(text);
		await page.keyboard.press('Control+Enter');
		await page.locator('article.msg-public .body', { hasText: text }).waitFor();
		const msgs = (await agent.expect(200, 'GET', `/api/v1/tickets/${tid}/messages`)).json.items;
		assert.ok(msgs.some((m) => m.kind === 'public' && m.body === text), 'the reply reached the API');

		// an attachment is uploaded and listed
		await page.setInputFiles('section.attachments input[type=file]', { name: '签收单.txt', mimeType: 'text/plain', buffer: Buffer.from('signed by 王芳\n') });
		await page.click('section.attachments button[type=submit]');
		await page.locator('section.attachments li a', { hasText: '签收单.txt' }).waitFor();
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('takes a complaint through every step, required fields enforced, and sees the follow-up', async () => {
		const cust = (await agent.expect(200, 'GET', '/api/v1/customers?limit=1')).json.items[0];
		const me = (await agent.expect(200, 'GET', '/api/v1/me')).json;
		const tk = (await agent.expect(201, 'POST', '/api/v1/tickets', {
			body: { type: 'complaint', subject: '包裹破损 browser test', customer_id: cust.id, assignee_id: me.id, body: '箱子压坏了' },
		})).json;
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${tk.id}`);
		const panel = page.locator('section.process');
		const advance = panel.locator('button[value=advance]');
		const current = panel.locator('ol.steps li[aria-current=step]');
		const errorOf = (name) => panel.locator(`[name=${name}] ~ .field-error`);
		const stepIs = async (s) => page.waitForFunction((s) => document.querySelector('section.process ol.steps li[aria-current=step]')?.textContent === s, s);

		await current.waitFor();
		assert.equal(await current.textContent(), 'Received');
		await advance.click();
		await stepIs('Initial handling');

		// investigation needs a classification
		await advance.click();
		await errorOf('category_id').filter({ hasText: /\S/ }).waitFor();
		assert.equal(await panel.locator('[name=category_id]').getAttribute('aria-invalid'), 'true');
		const opt = await panel.locator('[name=category_id] option').nth(2).getAttribute('value');
		await panel.locator('[name=category_id]').selectOption(opt);
		await advance.click();
		await stepIs('Investigation');

		// solution needs notes, root cause and department; typed text survives the error
		await panel.locator('[name=investigation_notes]').fill('外箱受压变形');
		await advance.click();
		await errorOf('root_cause').filter({ hasText: /\S/ }).waitFor();
		assert.equal(await panel.locator('[name=investigation_notes]').inputValue(), '外箱受压变形');
		await panel.locator('[name=root_cause]').fill('快递转运时挤压');
		await panel.locator('[name=responsible_department]').fill('物流部');
		await advance.click();
		await stepIs('Solution');

		// implementation needs the solution
		await advance.click();
		await errorOf('solution').filter({ hasText: /\S/ }).waitFor();
		await panel.locator('[name=solution]').fill('补发新品并补偿 20 元');
		await panel.locator('[name=compensation_minor]').fill('20.00');
		await advance.click();
		await stepIs('Implementation');

		// archive needs implemented, the customer's confirmation and the feedback
		await panel.locator('[name=implemented]').check();
		await advance.click();
		await errorOf('customer_confirmation').filter({ hasText: /\S/ }).waitFor();
		await panel.locator('[name=customer_confirmation]').selectOption('accepted');
		await panel.locator('[name=feedback_sent]').check();
		await advance.click();
		await stepIs('Archived');
		const c = (await agent.expect(200, 'GET', `/api/v1/tickets/${tk.id}/complaint`)).json;
		assert.equal(c.compensation_minor, 2000);
		assert.equal(c.customer_confirmation, 'accepted');

		// resolve from the properties
		await page.selectOption('form.props select[name=state]', 'resolved');
		await page.click('form.props button[type=submit]');
		await page.locator('.ticket-head .badge.st-resolved').waitFor();

		// the follow-up is due in two business days: bring its job forward
		await sqlite(env.db, "UPDATE jobs SET due_at = 0 WHERE kind = 'followup_due' AND state = 'pending'");
		let found = false;
		for (let i = 0; i < 40 && !found; i++) {
			await page.waitForTimeout(500);
			const tks = (await agent.expect(200, 'GET', `/api/v1/tickets?customer_id=${cust.id}&type=follow_up`)).json.items;
			found = tks.length > 0;
		}
		assert.ok(found, 'the follow-up ticket was opened');
		await page.reload();
		const fuTicket = (await agent.expect(200, 'GET', `/api/v1/tickets?customer_id=${cust.id}&type=follow_up`)).json.items[0];
		const fu = page.locator('section.customer .mini-tickets li', { hasText: fuTicket.subject }).first();
		await fu.waitFor();

		// the agent records that the customer is satisfied on the follow-up
		await fu.locator('a').first().click();
		await page.locator('form.followup').waitFor();
		await page.click('form.followup button[type=submit]');
		assert.equal(await page.locator('form.followup input[name=outcome]').first().evaluate((el) => el.validity.valueMissing), true, 'an outcome is required');
		await page.check('form.followup input[value=satisfied]');
		await page.fill('form.followup textarea[name=note]', '客户表示满意');
		await page.click('form.followup button[type=submit]');
		await page.locator('section.process p', { hasText: 'Satisfied' }).waitFor();
		await page.locator('.ticket-head .badge.st-resolved').waitFor();
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a stale ticket (412) reloads and keeps what the agent chose', async () => {
		const tk = (await agent.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'stale test' } })).json;
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${tk.id}`);
		await page.waitForSelector('form.props');
		// someone else changes the ticket meanwhile
		const cur = await agent.expect(200, 'GET', `/api/v1/tickets/${tk.id}`);
		await agent.expect(200, 'PATCH', `/api/v1/tickets/${tk.id}`, { body: { subject: 'changed elsewhere' }, headers: { 'If-Match': cur.headers.etag } });
		await page.selectOption('form.props select[name=priority]', 'urgent');
		await page.click('form.props button[type=submit]');
		await page.locator('form.props .form-error').filter({ hasText: /\S/ }).waitFor();
		assert.equal(await page.inputValue('form.props select[name=priority]'), 'urgent', 'the choice is kept');
		await page.locator('.ticket-head h1', { hasText: 'changed elsewhere' }).waitFor();
		await page.click('form.props button[type=submit]');
		await page.locator('.ticket-head .p-urgent').waitFor();
		assert.equal((await agent.expect(200, 'GET', `/api/v1/tickets/${tk.id}`)).json.priority, 'urgent');
		await page.context().close();
	});
});
