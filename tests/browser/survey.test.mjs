// survey.test.mjs - the public survey page /survey/<token> in Debian's
// chromium: the link from a resolved ticket's message opens the form in
// the invitation's language on a 375 px screen (no sign-in), errors sit
// next to their question, the keyboard picks a score, the answer ends in a
// thank-you, and the same link then says it was used; an English
// invitation is English and switchable; a delivery survey asks SERVQUAL
// pairs; an expired and an unknown link say so.  With KF_SCREENSHOTS set
// it saves docs/screenshots/survey-<lang>.png.  Also the pure functions of
// web/js/survey_model.js.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/survey.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it as plainIt } from 'node:test';

import { freshDb, startServer, uniq } from '../api/lib.mjs';
import { buildAnswer, stateOfError, surveyToken, uiLang } from '../../web/js/survey_model.js';
import { assertNoPageErrors, cleanup, launch, newPage, shot, sqlite, withLogs } from './lib.mjs';

let srv, browser, admin, base;
after(async () => {
	await browser?.close();
	await srv?.stop();
	await cleanup();
});

const tokenIn = (text) => (/\/survey\/([A-Za-z0-9_-]{43})/.exec(text || '') || [])[1];

async function until(fn, ms, what) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** A resolved ticket of customer in language; resolves to its survey token. */
async function ticketSurvey(customerId, language, subject) {
	const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject, customer_id: customerId, language } })).json;
	const t = await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}`);
	await admin.expect(200, 'POST', `/api/v1/tickets/${tk.id}/transition`, { body: { state: 'resolved' }, headers: { 'If-Match': t.headers.etag } });
	return until(async () => {
		const items = (await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}/messages`)).json.items;
		return items.map((m) => tokenIn(m.body)).find(Boolean);
	}, 15_000, `the survey message of ticket ${tk.id}`);
}

/** A delivered order of the customer; resolves to a fresh link's token from the portal. */
async function orderSurvey(customerId) {
	const now = Math.floor(Date.now() / 1000);
	const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
		body: { number: uniq('SO'), customer_id: customerId, placed_at: now - 86400, lines: [{ line_no: 1, sku: 'TEA-1', name: '龙井茶', quantity: 1, unit_price_minor: 4999 }] },
	})).json;
	const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', { body: { order_id: order.id, tracking_number: uniq('SF'), carrier: 'SF', lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] } })).json;
	await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now, status: 'delivered', location: '杭州' } });
	const login = `${uniq('p')}@example.com`;
	const acct = (await admin.expect(201, 'POST', `/api/v1/customers/${customerId}/portal-account`, { body: { login } })).json;
	const c = srv.client(login);
	await c.portalLogin(login, acct.password);
	const item = await until(async () => (await c.expect(200, 'GET', '/api/v1/portal/surveys')).json.items.find((s) => s.order_id === order.id), 15_000, 'the delivery survey');
	return (await c.expect(200, 'POST', item.link)).json.url.slice('/survey/'.length);
}

const fits = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('the survey page model', () => {
	plainIt('reads the token, the language and builds the answer with the server checks', () => {
		assert.equal(surveyToken('/survey/abc_DEF-123'), 'abc_DEF-123');
		assert.equal(surveyToken('/survey/abc/'), 'abc');
		assert.equal(surveyToken('/survey/a b'), '');
		assert.equal(surveyToken('/track/abc'), '');
		assert.equal(uiLang('en'), 'en');
		assert.equal(uiLang('zh'), 'zh-CN');
		assert.deepEqual(buildAnswer({ csat: '5', nps: '0', comment: '  ' }, false), { answer: { csat: 5, nps: 0 } });
		assert.deepEqual(buildAnswer({}, false).error, { field: null, key: 'survey.err_empty' });
		assert.deepEqual(buildAnswer({ comment: 'words only' }, false).error.key, 'survey.err_empty');
		assert.deepEqual(buildAnswer({ csat: '6' }, false).error, { field: 'csat', key: 'survey.err_range' });
		assert.deepEqual(buildAnswer({ 'servqual.empathy.expectation': '5' }, true).error, { field: 'servqual.empathy.perception', key: 'survey.err_pair' });
		assert.deepEqual(buildAnswer({ 'servqual.empathy.expectation': '5', 'servqual.empathy.perception': '3' }, true).answer, { servqual: { empathy: { expectation: 5, perception: 3 } } });
		assert.deepEqual(buildAnswer({ 'servqual.empathy.expectation': '5' }, false).error.key, 'survey.err_empty');
		assert.equal(stateOfError({ status: 409, code: 'survey_used' }), 'used');
		assert.equal(stateOfError({ status: 410, code: 'survey_expired' }), 'expired');
		assert.equal(stateOfError({ status: 404 }), 'missing');
		assert.equal(stateOfError({ status: 400, code: 'range' }), null);
	});
});

describe('the public survey page', () => {
	const it = withLogs(() => srv, { timeout: 90_000 });
	let zhToken, enToken, orderToken, customer;

	before(async () => {
		const db = await freshDb();
		await sqlite(db, "INSERT INTO desk_settings (key, value) VALUES ('survey_delay_resolution_s', 1), ('survey_delay_delivery_s', 1)");
		srv = await startServer({ db });
		base = `http://127.0.0.1:${srv.port}`;
		browser = await launch();
		admin = srv.client('admin');
		await admin.login('admin', db.adminPassword);
		customer = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: '王小明' } })).json;
		[zhToken, enToken] = await Promise.all([ticketSurvey(customer.id, 'zh', '快递一直没到'), ticketSurvey(customer.id, 'en', 'Where is my parcel?')]);
		orderToken = await orderSurvey(customer.id);
	});

	it('a Chinese invitation on a phone: field errors, keyboard, thank-you, then used', async () => {
		const page = await newPage(browser, { lang: 'en', width: 375, height: 740 });
		await page.goto(`${base}/survey/${zhToken}`);
		await page.locator('form.survey-form').waitFor();
		assert.equal(await page.textContent('h1'), '满意度调查', 'the invitation is Chinese, whatever the browser says');
		assert.match(await page.textContent('.survey-about'), /快递一直没到/);
		assert.ok(await fits(page), 'fits 375 px');
		await shot(page, 'survey-zh-CN', { fullPage: true });
		// nothing answered: the error is at the top, nothing was sent
		await page.click('button[type=submit]');
		await page.locator('.form-error', { hasText: '请至少回答一个问题' }).waitFor();
		// the keyboard: focus the first CSAT button, move right three times = 4
		await page.focus('#q-csat');
		await page.keyboard.press('Space');
		for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
		assert.equal(await page.inputValue('input[name=csat]:checked'), '4');
		await page.click('label.pick:has(input[name=nps][value="9"])');
		await page.click('label.pick:has(input[name=ces][value="6"])');
		await page.fill('textarea[name=comment]', '客服很耐心');
		await page.click('button[type=submit]');
		await page.locator('.survey-state[data-state=thanks]').waitFor();
		assert.equal(await page.textContent('.survey-state h2'), '谢谢您！');
		await page.reload();
		// a used link no longer tells its language: the browser's (English here) is used
		await page.locator('.survey-state[data-state=used]').waitFor();
		assert.equal(await page.textContent('.survey-state h2'), 'Already answered');
		assertNoPageErrors(page);
		await page.context().close();
		const got = (await admin.expect(200, 'GET', '/api/v1/surveys')).json.items.find((r) => r.comment === '客服很耐心');
		assert.deepEqual([got.csat, got.nps, got.ces], [4, 9, 6]);
	});

	it('an English invitation is English and switchable; the answer is kept across the switch', async () => {
		const page = await newPage(browser, { lang: 'zh-CN', width: 375, height: 740 });
		await page.goto(`${base}/survey/${enToken}`);
		await page.locator('form.survey-form').waitFor();
		assert.equal(await page.textContent('h1'), 'How did we do?');
		await shot(page, 'survey-en', { fullPage: true });
		await page.click('label.pick:has(input[name=csat][value="5"])');
		await page.selectOption('select.lang', 'zh-CN');
		await page.locator('h1', { hasText: '满意度调查' }).waitFor();
		assert.equal(await page.inputValue('input[name=csat]:checked'), '5');
		await page.selectOption('select.lang', 'en');
		await page.locator('h1', { hasText: 'How did we do?' }).waitFor();
		await page.click('button[type=submit]');
		await page.locator('.survey-state[data-state=thanks]').waitFor();
		assert.equal(await page.textContent('.survey-state h2'), 'Thank you!');
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a delivery survey asks SERVQUAL pairs and wants both halves', async () => {
		const page = await newPage(browser, { lang: 'en', width: 375, height: 740 });
		await page.goto(`${base}/survey/${orderToken}`);
		await page.locator('section.servqual').waitFor();
		assert.equal(await page.locator('section.dimension').count(), 5);
		assert.ok(await fits(page), 'fits 375 px');
		await page.click('label.pick:has(input[name="servqual.empathy.expectation"][value="6"])');
		await page.click('button[type=submit]');
		// the customer's locale is zh-CN, so the delivery survey is Chinese
		await page.locator('#q-servqual-empathy-perception-err', { hasText: '请同时填写期望和实际感受' }).waitFor();
		assert.equal(await page.getAttribute('#q-servqual-empathy-perception', 'aria-invalid'), 'true');
		await page.click('label.pick:has(input[name="servqual.empathy.perception"][value="4"])');
		await page.click('button[type=submit]');
		await page.locator('.survey-state[data-state=thanks]').waitFor();
		assertNoPageErrors(page);
		await page.context().close();
		const got = (await admin.expect(200, 'GET', '/api/v1/surveys?kind=delivery')).json.items[0];
		assert.deepEqual(got.servqual, { empathy: { expectation: 6, perception: 4 } });
	});

	it('an expired link and an unknown link say so', async () => {
		const token = await ticketSurvey(customer.id, 'zh', '发票');
		await sqlite(srv.db, `UPDATE survey_invitations SET expires_at = 1 WHERE responded_at IS NULL`);
		const page = await newPage(browser, { lang: 'en', width: 375, height: 740 });
		await page.goto(`${base}/survey/${token}`);
		await page.locator('.survey-state[data-state=expired]').waitFor();
		assert.equal(await page.textContent('.survey-state h2'), 'This link has expired');
		await page.goto(`${base}/survey/NoSuchToken`);
		await page.locator('.survey-state[data-state=missing]').waitFor();
		assertNoPageErrors(page);
		await page.context().close();
	});
});
