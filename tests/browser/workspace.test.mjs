// workspace.test.mjs - the workspace additions in a real browser: the
// "due soon / breaching" view from the API's SLA filter with customer
// names in the rows; a new ticket from the keyboard ('c') with a customer
// picked by search and one of their orders (a missing subject refused
// next to the field, the text kept); a customer edited (a 412 keeps the
// edits, tags, identities and consents); the admin renames and deletes
// calendars and teams (one still in use refused with the API's reason),
// edits a category and a canned reply, and changes the desk settings.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/workspace.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it as unit } from 'node:test';

import { newTicketBody } from '../../web/js/pages/ticket_new.js';
import { profilePatch, profileValues } from '../../web/js/pages/customer_edit.js';
import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, withLogs } from './lib.mjs';

describe('pure helpers', () => {
	unit('newTicketBody trims, drops empties and sends ids as numbers (or as typed)', () => {
		assert.deepEqual(newTicketBody({ type: 'complaint', subject: '  破损 ', body: '', priority: 'high', channel: 'phone', customer_id: '12', order_id: '', category_id: '3' }), {
			type: 'complaint',
			subject: '破损',
			priority: 'high',
			channel: 'phone',
			customer_id: 12,
			category_id: 3,
		});
		assert.deepEqual(newTicketBody({ type: 'inquiry', order_id: 'x1' }), { type: 'inquiry', order_id: 'x1' });
	});
	unit('profilePatch sends only what changed; an emptied note clears it', () => {
		const base = profileValues({ name: '张三', kind: 'person', tier: 'B', stage: 'new', locale: 'zh-CN', birthday: null, note: 'vip' }, true);
		assert.equal(base.birthday, '');
		assert.deepEqual(profilePatch(base, { ...base }), {});
		assert.deepEqual(profilePatch(base, { ...base, name: ' 张三丰 ', note: '' }), { name: '张三丰', note: '' });
		assert.equal('birthday' in profileValues({ name: 'x' }, false), false, 'no birthday without pii');
	});
});

let env, browser, mgr;
after(async () => {
	await browser?.close();
	await cleanup();
});

describe('workspace additions', () => {
	const it = withLogs(() => env?.srv, { timeout: 120_000 });

	before(async () => {
		env = await demoServer();
		browser = await launch();
		mgr = env.srv.client('zhaomin');
		await mgr.login('zhaomin', DEMO_PASSWORD);
	});

	it('the due view lists breached and due-soon tickets from the API, nearest first, with customer names', async () => {
		const cal = (
			await mgr.expect(201, 'POST', '/api/v1/calendars', {
				body: { name: 'Round the clock', time_zone: 'UTC', hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) },
			})
		).json;
		await mgr.expect(201, 'POST', '/api/v1/sla-policies', { body: { name: 'instant suggestions', ticket_type: 'suggestion', priority: 'urgent', first_response_s: 1, resolution_s: 86400, calendar_id: cal.id } });
		const cust = (await mgr.expect(200, 'GET', '/api/v1/customers?limit=1')).json.items[0];
		const tk = (await mgr.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'suggestion', priority: 'urgent', subject: 'Breaching now', customer_id: cust.id } })).json;
		await new Promise((r) => setTimeout(r, 1500));
		const api = (await mgr.expect(200, 'GET', '/api/v1/tickets?sla=breached,due_soon&state=new,open,pending_customer,pending_internal&limit=50')).json.items;
		assert.ok(api.some((x) => x.id === tk.id), 'the API lists it');

		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhaomin');
		await page.goto(`${env.base}/#/inbox/due`);
		const row = page.locator(`table.tickets tbody tr[data-id="${tk.id}"]`);
		await row.waitFor();
		assert.equal((await row.locator('td.customer').textContent()).trim(), cust.name);
		assert.match(await row.locator('td.due').textContent(), /overdue/);
		assert.equal(await row.locator('td.due').getAttribute('class'), 'due sla-breached');
		const ids = await page.$$eval('table.tickets tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.id)));
		assert.deepEqual(ids, api.map((x) => x.id), 'the rows are the API page, nearest due first');
		assert.equal(await page.locator('form.filters select[name=sort]').count(), 0, 'no other sort in the due view');
		// the other views show the customer column too
		await page.goto(`${env.base}/#/inbox/all`);
		await page.locator(`table.tickets tbody tr[data-id="${tk.id}"] td.customer`, { hasText: cust.name }).waitFor();
		assertNoPageErrors(page);
		await page.context().close();
	});

	it("'c' opens the new-ticket form: errors next to fields, a customer found by search with an order, the ticket opens", async () => {
		const orders = (await mgr.expect(200, 'GET', '/api/v1/orders?limit=20')).json.items;
		const order = orders.find((o) => o.customer_id);
		const cust = (await mgr.expect(200, 'GET', `/api/v1/customers/${order.customer_id}`)).json;
		const page = await newPage(browser, { lang: 'zh-CN' });
		await signIn(page, env.base, 'zhaomin');
		await page.waitForSelector('table.tickets');
		await page.keyboard.press('c');
		const form = page.locator('form.new-ticket');
		await form.waitFor();
		assert.equal(await page.evaluate(() => location.hash), '#/tickets/new');
		await form.locator('select[name=type]').selectOption('complaint');
		await form.locator('select[name=priority]').selectOption('high');
		await form.locator('textarea[name=body]').fill('收到的杯子碎了');
		await form.locator('button[type=submit]').click();
		await form.locator('input[name=subject] ~ .field-error').filter({ hasText: /\S/ }).waitFor();
		assert.equal(await form.locator('input[name=subject]').getAttribute('aria-invalid'), 'true');
		assert.equal(await form.locator('textarea[name=body]').inputValue(), '收到的杯子碎了', 'the text is kept');

		await form.locator('input[name=subject]').fill('商品破损');
		await form.locator('input[name=customer_q]').fill(cust.name.slice(0, 2));
		await form.locator('input[name=customer_q]').press('Enter');
		await form.locator('.picker-results button', { hasText: cust.name }).first().click();
		await form.locator('.picker-chosen', { hasText: cust.name }).waitFor();
		await form.locator('select[name=order_id]').selectOption(String(order.id));
		await form.locator('button[type=submit]').click();
		await page.waitForFunction(() => /^#\/tickets\/\d+$/.test(location.hash));
		const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
		await page.locator('.ticket-head h1', { hasText: '商品破损' }).waitFor();
		const tk = (await mgr.expect(200, 'GET', `/api/v1/tickets/${id}`)).json;
		assert.equal(tk.type, 'complaint');
		assert.equal(tk.priority, 'high');
		assert.equal(tk.customer_id, cust.id);
		assert.equal(tk.order_id, order.id);
		assert.equal(tk.channel, 'phone');
		const msgs = (await mgr.expect(200, 'GET', `/api/v1/tickets/${id}/messages`)).json.items;
		assert.equal(msgs[0].body, '收到的杯子碎了');
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a customer is edited: a 412 keeps the edits, tags, identities and consents change in place', async () => {
		const cust = (await mgr.expect(201, 'POST', '/api/v1/customers', { body: { name: 'Li Lei', tier: 'C', stage: 'new' } })).json;
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhaomin');
		await page.goto(`${env.base}/#/customers/${cust.id}`);
		await page.locator('button.edit-customer').click();
		const form = page.locator('form.cedit-profile');
		await form.waitFor();
		await form.locator('input[name=name]').fill('Li Lei (VIP)');
		await form.locator('select[name=tier]').selectOption('A');
		// someone else writes a note meanwhile
		const cur = await mgr.expect(200, 'GET', `/api/v1/customers/${cust.id}`);
		await mgr.expect(200, 'PATCH', `/api/v1/customers/${cust.id}`, { body: { note: 'called twice' }, headers: { 'If-Match': cur.headers.etag } });
		await form.locator('button[type=submit]').click();
		await form.locator('.form-error').filter({ hasText: /changed this record/ }).waitFor();
		assert.equal(await form.locator('input[name=name]').inputValue(), 'Li Lei (VIP)', 'the edit is kept');
		assert.equal(await form.locator('textarea[name=note]').inputValue(), 'called twice', 'the other change is shown');
		await form.locator('button[type=submit]').click();
		await page.locator('.customer-page h1', { hasText: 'Li Lei (VIP)' }).waitFor();
		let got = (await mgr.expect(200, 'GET', `/api/v1/customers/${cust.id}`)).json;
		assert.equal(got.name, 'Li Lei (VIP)');
		assert.equal(got.tier, 'A');
		assert.equal(got.note, 'called twice', 'the other change survives');

		const tags = page.locator('form.cedit-tags');
		await tags.locator('input[name=tag]').fill('vip');
		await tags.locator('button[type=submit]').click();
		await page.locator('.cedit-part .tag', { hasText: 'vip' }).waitFor();
		const ids = page.locator('form.cedit-identities');
		await ids.locator('select[name=kind]').selectOption('email');
		await ids.locator('input[name=value]').fill('not-an-email');
		await ids.locator('button[type=submit]').click();
		await ids.locator('input[name=value] ~ .field-error').filter({ hasText: /\S/ }).waitFor();
		assert.equal(await ids.locator('input[name=value]').inputValue(), 'not-an-email');
		await ids.locator('input[name=value]').fill('lilei@example.com');
		await ids.locator('button[type=submit]').click();
		await page.locator('.cedit-part li', { hasText: 'lilei@example.com' }).waitFor();
		await page.locator('form.cedit-consents tr[data-purpose=marketing_email] button').click();
		await page.locator('form.cedit-consents tr[data-purpose=marketing_email]', { hasText: 'Record withdrawal' }).waitFor();
		assert.equal(await form.locator('input[name=name]').inputValue(), 'Li Lei (VIP)', 'the profile form stays');
		got = (await mgr.expect(200, 'GET', `/api/v1/customers/${cust.id}`)).json;
		assert.deepEqual(got.tags, ['vip']);
		assert.equal(got.identities[0].value, 'lilei@example.com');
		assert.equal(Object.values(got.consents).find((x) => x.purpose === 'marketing_email').granted, true);
		await page.locator('.cedit-part .tag', { hasText: 'vip' }).locator('button').click();
		await page.locator('.cedit-part .tag', { hasText: 'vip' }).waitFor({ state: 'detached' });
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('admin: calendars and teams renamed and deleted (in use refused with the reason), a category and a canned reply edited, settings changed', async () => {
		const page = await newPage(browser, { lang: 'en' });
		page.on('dialog', (d) => d.accept());
		await signIn(page, env.base, 'zhaomin');

		// a team with tickets cannot go; a new one is renamed, then deleted
		const teams = (await mgr.expect(200, 'GET', '/api/v1/teams?limit=200')).json.items;
		await page.goto(`${env.base}/#/admin/teams`);
		const busy = page.locator(`section.team[data-team="${teams[0].id}"]`);
		await busy.locator('details.team-settings summary').click();
		await busy.locator('form.rename button.danger').click();
		await busy.locator('form.rename .form-error').filter({ hasText: /move them to another team/ }).waitFor();
		await page.locator('form.create input[name=name]').last().fill('Night shift');
		await page.locator('form.create button[type=submit]').last().click();
		const night = page.locator('section.team', { hasText: 'Night shift' });
		await night.waitFor();
		await night.locator('details.team-settings summary').click();
		await night.locator('form.rename input[name=name]').fill('Night shift (CN)');
		await night.locator('form.rename select[name=mode]').selectOption('least_loaded');
		await night.locator('form.rename button[type=submit]').click();
		const renamed = page.locator('section.team h2', { hasText: 'Night shift (CN)' });
		await renamed.waitFor();
		const team = (await mgr.expect(200, 'GET', '/api/v1/teams?limit=200')).json.items.find((x) => x.name === 'Night shift (CN)');
		assert.equal(team.mode, 'least_loaded');
		const sec = page.locator('section.team', { hasText: 'Night shift (CN)' });
		await sec.locator('details.team-settings summary').click();
		await sec.locator('form.rename button.danger').click();
		await renamed.waitFor({ state: 'detached' });
		await mgr.expect(404, 'GET', `/api/v1/teams/${team.id}`);

		// a calendar: created, renamed, deleted; the default one refused with its reason
		await page.goto(`${env.base}/#/admin/calendars`);
		await page.locator('form.cal-edit').waitFor();
		await page.locator('form.rename button.danger').click();
		await page.locator('form.rename .form-error').filter({ hasText: /default calendar|SLA policy|team|clocks/ }).waitFor();
		const add = page.locator('form.create', { hasText: 'New calendar' });
		await add.locator('input[name=name]').fill('Weekend desk');
		await add.locator('button[type=submit]').click();
		const chosen = (name) => page.waitForFunction((n) => document.querySelector('select[name=cal]')?.selectedOptions[0]?.textContent === n, name);
		await chosen('Weekend desk');
		await page.locator('form.rename input[name=name]').fill('Weekend desk 2');
		await page.locator('form.rename button[type=submit]').click();
		await chosen('Weekend desk 2');
		await page.locator('form.rename button.danger').click();
		await page.waitForFunction(() => ![...document.querySelectorAll('select[name=cal] option')].some((o) => o.textContent.startsWith('Weekend desk')));
		const cals = (await mgr.expect(200, 'GET', '/api/v1/calendars?limit=200')).json.items;
		assert.ok(!cals.some((c) => c.name.startsWith('Weekend desk')));

		// a category and a canned reply edited in place
		await page.goto(`${env.base}/#/admin/categories`);
		await page.locator('h1', { hasText: 'Categories' }).waitFor();
		const catRow = page.locator('table.data tbody tr').first();
		await catRow.locator('button', { hasText: 'Edit' }).click();
		const catForm = page.locator('form.row-edit');
		await catForm.locator('input[name=name_en]').fill('Logistics (edited)');
		await catForm.locator('button[type=submit]').click();
		await page.locator('table.data tbody tr', { hasText: 'Logistics (edited)' }).waitFor();
		await mgr.expect(201, 'POST', '/api/v1/canned-replies', { body: { title: 'Greeting', body: '您好 {{customer.name}}', language: 'zh' } });
		await page.goto(`${env.base}/#/admin/canned`);
		await page.locator('h1', { hasText: 'Canned' }).waitFor();
		await page.locator('table.data tbody tr', { hasText: 'Greeting' }).first().locator('button', { hasText: 'Edit' }).click();
		const cForm = page.locator('form.row-edit');
		await cForm.locator('input[name=title]').fill('Greeting (edited)');
		await cForm.locator('button[type=submit]').click();
		await page.locator('table.data tbody tr', { hasText: 'Greeting (edited)' }).waitFor();

		// settings: a bad value next to its field, the input kept; then saved
		await page.goto(`${env.base}/#/admin/settings`);
		const set = page.locator('form.settings');
		await set.locator('input[name=followup_days]').fill('0');
		await set.locator('button[type=submit]').click();
		await set.locator('input[name=followup_days] ~ .field-error').filter({ hasText: /\S/ }).waitFor();
		assert.equal(await set.locator('input[name=followup_days]').inputValue(), '0');
		await set.locator('input[name=followup_days]').fill('3');
		await set.locator('input[name=winback_days]').fill('120');
		await set.locator('button[type=submit]').click();
		await page.locator('#toasts .toast', { hasText: 'Saved' }).first().waitFor();
		const s = (await mgr.expect(200, 'GET', '/api/v1/settings')).json;
		assert.equal(s.followup_days, 3);
		assert.equal(s.winback_days, 120);
		const audit = (await mgr.expect(200, 'GET', '/api/v1/audit?limit=100')).json.items.map((a) => a.action);
		for (const a of ['team.update', 'team.delete', 'calendar.update', 'calendar.delete', 'settings.update']) assert.ok(audit.includes(a), `audited: ${a}`);
		assertNoPageErrors(page);
		await page.context().close();
	});
});
