// screenshots.mjs - screenshots of the main pages in Chinese and English
// into docs/screenshots/<page>-<lang>.png (`make screenshots`; not part of
// `make check`).  Serves a fresh demo database with KF_TEST_BIN.

import { DEMO_PASSWORD, cleanup, demoServer, launch, newPage, shot, signIn } from './lib.mjs';

process.env.KF_SCREENSHOTS = '1';

const env = await demoServer({ customers: 120 });
const browser = await launch();
const agent = env.srv.client('wangfang');
await agent.login('wangfang', DEMO_PASSWORD);

// a complaint with a customer, an order and a parcel, mid-process
const complaints = (await agent.expect(200, 'GET', '/api/v1/tickets?type=complaint&state=open&limit=50')).json.items;
const tk = complaints.find((x) => x.customer_id && x.order_id && x.shipment_id) || complaints[0];
const ship = (await agent.expect(200, 'GET', `/api/v1/shipments/${tk.shipment_id}`)).json;
// the complaint's customer gets a portal account through the staff API
const admin = env.srv.client('admin');
await admin.login('admin', env.db.adminPassword);
const cust = (await admin.expect(200, 'GET', `/api/v1/customers/${tk.customer_id}`)).json;
await admin.expect(201, 'POST', `/api/v1/customers/${cust.id}/portal-account`, { body: { login: 'demo@example.com', password: 'portal-pass-123', display_name: cust.name } });

// a few tickets breaching or due soon for the due view (a round-the-clock calendar, short targets)
const cal247 = (
	await admin.expect(201, 'POST', '/api/v1/calendars', {
		body: { name: '7×24', time_zone: 'Asia/Shanghai', hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) },
	})
).json;
for (const [priority, first] of [['urgent', 1], ['high', 3600]])
	await admin.expect(201, 'POST', '/api/v1/sla-policies', { body: { name: `VIP ${priority}`, ticket_type: 'inquiry', priority, first_response_s: first, resolution_s: 86400, calendar_id: cal247.id } });
const someone = (await admin.expect(200, 'GET', '/api/v1/customers?limit=6')).json.items;
for (const [i, [priority, subject]] of [['urgent', '订单一直没有发货'], ['urgent', '退款什么时候到账'], ['high', '想修改收货地址'], ['high', '发票抬头写错了']].entries())
	await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', priority, subject, customer_id: someone[i].id, channel: 'phone' } });
await new Promise((r) => setTimeout(r, 1500));
// a rate card for the Quotes page (the CSV format of docs/pricing.md)
const card = (
	await admin.expect(201, 'POST', '/api/v1/rate-cards', {
		body: {
			name: '顺丰标快 上海发',
			csv: 'card,SF,express,zone,CNY,5000,500,800,0,30,200\nzone,Z1,0,1,2\nzone,Z2,0,2,4\nmatch,postcode,200,Z1\nmatch,region,上海,Z1\nmatch,default,,Z2\nbreak,0\nbreak,1000\nrate,Z1,0,1000,0\nrate,Z1,1000,1000,200\nrate,Z2,0,1200,0\nrate,Z2,1000,1200,300\nsurcharge,fuel,percent,always,1250\n',
		},
	})
).json;

for (const lang of ['zh-CN', 'en']) {
	const page = await newPage(browser, { lang, width: 1280, height: 800 });
	await page.goto(`${env.base}/`);
	await page.locator('form.login').waitFor();
	await shot(page, `signin-${lang}`);
	await signIn(page, env.base, 'wangfang');
	await page.waitForSelector('table.tickets tbody tr');
	await shot(page, `inbox-${lang}`);
	await page.goto(`${env.base}/#/tickets/${tk.id}`);
	await page.locator('section.process ol.steps').waitFor();
	await page.locator('section.order').waitFor();
	await shot(page, `ticket-${lang}`, { fullPage: true });
	await page.goto(`${env.base}/#/customers/${tk.customer_id}`);
	await page.locator('.customer-page').waitFor();
	await shot(page, `customer-${lang}`);
	await page.context().close();

	const mgr = await newPage(browser, { lang, width: 1280, height: 800 });
	await signIn(mgr, env.base, 'zhaomin');
	await mgr.goto(`${env.base}/#/dashboard`);
	await mgr.locator('.dashboard svg').first().waitFor();
	await mgr.locator('.staff-compliance table, .staff-compliance p.muted').first().waitFor();
	await shot(mgr, `dashboard-${lang}`);
	await mgr.goto(`${env.base}/#/reports/complaints`);
	await mgr.locator('table.report tbody tr').first().waitFor();
	await shot(mgr, `reports-${lang}`, { fullPage: true });
	await mgr.goto(`${env.base}/#/reports/three-controls?by=week`);
	await mgr.locator('svg.line-chart').waitFor();
	await shot(mgr, `report-line-${lang}`);
	await mgr.goto(`${env.base}/#/inbox/due`);
	await mgr.locator('table.tickets td.due').first().waitFor();
	await shot(mgr, `inbox-due-${lang}`);
	await mgr.goto(`${env.base}/#/tickets/new`);
	await mgr.locator('form.new-ticket').waitFor();
	await shot(mgr, `new-ticket-${lang}`);
	await mgr.goto(`${env.base}/#/quotes`);
	await mgr.selectOption('form.quote-form select[name=card_id]', String(card.id));
	for (const [k, v] of [['weight_kg', '2.3'], ['length_cm', '50'], ['width_cm', '40'], ['height_cm', '30'], ['region', '江苏'], ['unit_price', '50'], ['quantity', '2'], ['declared_value', '10000']])
		await mgr.fill(`form.quote-form input[name=${k}]`, v);
	await mgr.locator('.quote-result .q-total').waitFor();
	await mgr.evaluate(() => window.scrollTo(0, 0));
	await shot(mgr, `quotes-${lang}`, { fullPage: true });
	await mgr.goto(`${env.base}/#/admin/calendars`);
	await mgr.locator('form.sla-preview dd').first().waitFor();
	await shot(mgr, `admin-calendars-${lang}`);
	await mgr.context().close();

	const phone = await newPage(browser, { lang, width: 375, height: 740 });
	await phone.goto(`${env.base}/track/${ship.tracking_number}`);
	await phone.locator('.track-status').waitFor();
	await shot(phone, `track-${lang}`);
	await phone.goto(`${env.base}/portal`);
	await phone.fill('input[name=login]', 'demo@example.com');
	await phone.fill('input[name=password]', 'portal-pass-123');
	await phone.click('form.login button[type=submit]');
	await phone.locator('section.card h2').waitFor();
	await shot(phone, `portal-${lang}`);
	await phone.goto(`${env.base}/portal#/orders/${tk.order_id}`);
	// the return form while the window is open, else the date it closed
	await phone.locator('form.portal-return, p.return-closed').first().waitFor();
	await shot(phone, `portal-order-${lang}`, { fullPage: true });
	await phone.goto(`${env.base}/portal#/tickets/${tk.id}`);
	await phone.locator('section.portal-complaint').waitFor();
	await shot(phone, `portal-ticket-${lang}`, { fullPage: true });
	await phone.goto(`${env.base}/portal#/tickets/new?order=${tk.order_id}`);
	await phone.locator('form.portal-new').waitFor();
	await shot(phone, `portal-new-${lang}`);
	await phone.context().close();
}
await browser.close();
await env.srv.stop();
await cleanup();
console.log('screenshots: docs/screenshots/*.png');
