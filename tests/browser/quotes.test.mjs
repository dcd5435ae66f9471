// quotes.test.mjs - the Quotes page and quoting from a ticket in a real
// browser against the real pricing API, in English and Chinese: a manager
// imports a rate card through the UI (a bad card shows its line number
// next to the CSV, the input kept), the export link gives the same CSV,
// a quote priced in the form shows the total the API gives for the same
// body, a bad weight shows its error next to the field; an agent sees the
// page without the rate-card section; a quote saved on an inquiry ticket
// is listed there.  Plus the pure helpers of web/js/quote_model.js.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/quotes.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it as unit } from 'node:test';

import { useStrings } from '../../web/js/i18n.js';
import { FIELD_ALIASES, kg, lineLabel, linesAddUp, quoteRequest, toUnits } from '../../web/js/quote_model.js';
import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, withLogs } from './lib.mjs';

describe('quote_model', () => {
	unit('decimal strings become exact integer units; too many decimals or junk is null', () => {
		assert.equal(toUnits('1.25', 1000), 1250);
		assert.equal(toUnits('2.3', 1000), 2300, 'no floating-point 2299.9999');
		assert.equal(toUnits('0.1', 10), 1);
		assert.equal(toUnits('50', 100), 5000);
		assert.equal(toUnits('19.99', 100), 1999);
		assert.equal(toUnits('1,000.5', 100), 100050);
		assert.equal(toUnits('12.340', 100), 1234, 'trailing zeros are fine');
		assert.equal(toUnits('12.345', 100), null);
		assert.equal(toUnits('3.5', 1), null);
		assert.equal(toUnits('-1', 1000), null);
		assert.equal(toUnits('abc', 1000), null);
		assert.equal(toUnits('', 1000), null);
	});

	unit('the form values become the API body: kg→g, cm→mm, major→minor, flags only when set', () => {
		const r = quoteRequest({
			card_id: '7', weight_kg: '2.3', length_cm: '50', width_cm: '40', height_cm: '30.5', postcode: ' 200030 ', region: '',
			unit_price: '50', quantity: '2', declared_value: '10000', terms: 'fob_destination', hazardous: true, special_handling: false, pickup: false,
		});
		assert.deepEqual(r.body, {
			card_id: 7, weight_g: 2300, length_mm: 500, width_mm: 400, height_mm: 305, unit_price: 5000, quantity: 2, declared_value: 1000000,
			destination: { postcode: '200030' }, hazardous: true, terms: 'fob_destination',
		});
		assert.deepEqual(quoteRequest({ card_id: '1', weight_kg: '', region: '北京' }).body, { card_id: 1, destination: { region: '北京' } }, 'empty fields are left to the API');
		assert.deepEqual(quoteRequest({ weight_kg: '2,5kg' }).error, { field: 'weight_kg', code: 'number' });
		assert.deepEqual(quoteRequest({ weight_kg: '1', quantity: '1.5' }).error, { field: 'quantity', code: 'number' });
		assert.equal(FIELD_ALIASES.weight_g, 'weight_kg');
		assert.equal(FIELD_ALIASES.destination, 'postcode');
	});

	unit('labels in the UI language, kilograms, the lines adding up', () => {
		const l = { code: 'fuel', label_en: 'Fuel surcharge', label_zh: '燃油附加费' };
		assert.equal(lineLabel(l, 'en'), 'Fuel surcharge');
		assert.equal(lineLabel(l, 'zh-CN'), '燃油附加费');
		assert.equal(lineLabel({ code: 'x', label_en: 'X' }, 'zh-CN'), 'X');
		useStrings('en', {});
		assert.equal(lineLabel(l), 'Fuel surcharge');
		assert.equal(kg(12500), '12.5');
		assert.equal(kg(500), '0.5');
		assert.ok(linesAddUp({ lines: [{ amount: 100 }, { amount: -20 }], total: 80 }));
		assert.ok(!linesAddUp({ lines: [{ amount: 100 }], total: 80 }));
	});
});

const EXPRESS = [
	'kind,a,b,c,d,e,f,g,h,i,j',
	'card,SF,express,zone,CNY,5000,500,800,0,30,200',
	'zone,Z1,0,1,2',
	'zone,Z2,0,2,4',
	'match,postcode,200,Z1',
	'match,region,上海,Z1',
	'match,default,,Z2',
	'break,0',
	'break,1000',
	'rate,Z1,0,1000,0',
	'rate,Z1,1000,1000,200',
	'rate,Z2,0,1200,0',
	'surcharge,fuel,percent,always,1250',
	'surcharge,dangerous,flat,hazardous,3000',
].join('\n') + '\n';
const OVERLAP = 'card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,0\nbreak,5000\nbreak,4000\n';

describe('quotes in the browser', () => {
	let env, browser, mgr;
	before(async () => {
		env = await demoServer();
		browser = await launch();
		mgr = env.srv.client('zhaomin');
		await mgr.login('zhaomin', DEMO_PASSWORD);
	});
	after(async () => {
		await browser?.close();
		await env?.srv.stop();
	});
	after(cleanup);
	const it = withLogs(() => env?.srv);

	for (const lang of ['en', 'zh-CN']) {
		it(`${lang}: imports a card (a bad one shows its line), exports it, prices a quote as the API does`, async () => {
			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'zhaomin');
			await page.click('nav a[href="#/quotes"]');
			await page.locator('section.ratecards form.ratecard-import').waitFor();

			// a bad card: the line number next to the CSV, the input kept
			const badName = `bad-${lang}-${Date.now()}`;
			await page.fill('form.ratecard-import input[name=name]', badName);
			await page.fill('form.ratecard-import textarea[name=csv]', OVERLAP);
			await page.click('form.ratecard-import button[type=submit]');
			const err = page.locator('form.ratecard-import textarea[name=csv] ~ .field-error');
			await err.filter({ hasText: lang === 'en' ? /^line 6:/ : /^第 6 行/ }).waitFor();
			assert.equal(await page.inputValue('form.ratecard-import textarea[name=csv]'), OVERLAP);
			assert.equal(await page.inputValue('form.ratecard-import input[name=name]'), badName);
			assert.equal(await page.getAttribute('form.ratecard-import textarea[name=csv]', 'aria-invalid'), 'true');

			// a good one, from the same form
			const name = `SF-${lang}-${Date.now()}`;
			await page.fill('form.ratecard-import input[name=name]', name);
			await page.fill('form.ratecard-import textarea[name=csv]', EXPRESS);
			await page.click('form.ratecard-import button[type=submit]');
			const row = page.locator('table.ratecard-list tbody tr', { hasText: name });
			await row.waitFor();
			const card = (await mgr.expect(200, 'GET', '/api/v1/rate-cards')).json.items.find((c) => c.name === name);
			assert.ok(card, 'the card is stored');
			assert.ok(!(await mgr.expect(200, 'GET', '/api/v1/rate-cards')).json.items.some((c) => c.name === badName), 'the bad card is not');
			const href = await row.locator('a.export').getAttribute('href');
			assert.equal(href, `/api/v1/rate-cards/${card.id}?format=csv`);
			const csv = await page.request.get(env.base + href);
			assert.equal(await csv.text(), EXPRESS, 'the export link gives the CSV back');

			// price a quote: the total shown is the API's for the same body
			const f = 'form.quote-form';
			await page.selectOption(`${f} select[name=card_id]`, String(card.id));
			await page.fill(`${f} input[name=weight_kg]`, '2.3');
			await page.fill(`${f} input[name=postcode]`, '200030');
			await page.fill(`${f} input[name=unit_price]`, '50');
			await page.fill(`${f} input[name=quantity]`, '2');
			await page.fill(`${f} input[name=declared_value]`, '10000');
			const body = { card_id: card.id, weight_g: 2300, destination: { postcode: '200030' }, unit_price: 5000, quantity: 2, declared_value: 1000000, terms: 'fob_origin' };
			const api = (await mgr.expect(200, 'POST', '/api/v1/quotes/preview', { body })).json;
			assert.equal(api.total, 10000 + 1500 + 188 + 3000);
			await page.click(`${f} button[name=price]`);
			const total = page.locator(`.quote-result .q-total[data-minor="${api.total}"]`);
			await total.waitFor();
			assert.match(await total.textContent(), /146\.88/);
			assert.equal(await page.textContent('.quote-result .q-zone'), 'Z1');
			assert.match(await page.textContent('.quote-result .q-billable'), /2\.5/);
			assert.equal(await page.locator('.quote-lines tbody tr').count(), api.lines.length);
			const fuel = api.lines.find((l) => l.code === 'fuel');
			assert.equal((await page.textContent('.quote-lines tbody tr[data-code="fuel"] td')).trim(), lang === 'en' ? fuel.label_en : fuel.label_zh);
			assert.equal(await page.textContent('.quote-result .q-payer'), lang === 'en' ? 'Buyer' : '买方');

			// FOB destination, typed: the preview follows without a click
			await page.selectOption(`${f} select[name=terms]`, 'fob_destination');
			await page.locator('.quote-result .q-payer', { hasText: lang === 'en' ? 'Seller' : '卖方' }).waitFor();

			// a bad weight: the error by the field, the text kept
			await page.fill(`${f} input[name=weight_kg]`, '2,3kg');
			await page.click(`${f} button[name=price]`);
			await page.locator(`${f} input[name=weight_kg] ~ .field-error`).filter({ hasText: /\S/ }).waitFor();
			assert.equal(await page.inputValue(`${f} input[name=weight_kg]`), '2,3kg');
			// a weight the card does not carry: the API's error, shown, nothing lost
			await page.fill(`${f} input[name=weight_kg]`, '9');
			await page.fill(`${f} input[name=postcode]`, '100000');
			await page.click(`${f} button[name=price]`);
			await page.locator(`${f} .form-error, ${f} .field-error`).filter({ hasText: /\S/ }).first().waitFor();
			assert.equal(await page.locator('.quote-result').count(), 0, 'no stale answer beside the error');
			assert.equal(await page.inputValue(`${f} input[name=postcode]`), '100000');
			assert.equal(await page.inputValue(`${f} input[name=weight_kg]`), '9');
			assertNoPageErrors(page);
			await page.context().close();
		});

		it(`${lang}: saves a quote on an inquiry ticket and lists it; an agent has no rate-card section`, async () => {
			const cards = (await mgr.expect(200, 'GET', '/api/v1/rate-cards')).json.items;
			const card = cards.find((c) => c.name.startsWith(`SF-${lang}-`));
			assert.ok(card);
			const cust = (await mgr.expect(200, 'GET', '/api/v1/customers?limit=1')).json.items[0];
			const tk = (await mgr.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: `运费询价 ${lang}`, body: '寄到上海多少钱？', customer_id: cust.id } })).json;

			const page = await newPage(browser, { lang });
			await signIn(page, env.base, 'wangfang');
			await page.goto(`${env.base}/#/tickets/${tk.id}`);
			const panel = page.locator('section.ticket-quote');
			await panel.waitFor();
			await panel.locator('p.muted', { hasText: lang === 'en' ? 'No quotes yet.' : '尚无报价。' }).waitFor();
			await panel.locator('select[name=card_id]').selectOption(String(card.id));
			await panel.locator('input[name=weight_kg]').fill('2.3');
			await panel.locator('input[name=region]').fill('上海');
			await panel.locator('.quote-result .q-zone', { hasText: 'Z1' }).waitFor();
			await panel.locator('button[name=save]').click();
			const item = panel.locator('ul.ticket-quotes li');
			await item.first().waitFor();
			const stored = (await mgr.expect(200, 'GET', `/api/v1/tickets/${tk.id}/quotes`)).json.items;
			assert.equal(stored.length, 1);
			assert.equal(stored[0].customer_id, cust.id, 'the ticket’s customer is attached');
			assert.equal(stored[0].ticket_id, tk.id);
			assert.equal(await item.count(), 1);
			assert.equal(await item.getAttribute('data-id'), String(stored[0].id));
			assert.equal(stored[0].total, 1500 + 188, 'freight 15.00 + fuel 12.5 %');
			assert.match(await item.locator('.q-total').textContent(), /16\.88/);
			assertNoPageErrors(page);

			// the agent's Quotes page: the form, no rate-card import
			await page.click('nav a[href="#/quotes"]');
			await page.locator('form.quote-form').waitFor();
			assert.equal(await page.locator('section.ratecards').count(), 0);
			assertNoPageErrors(page);
			await page.context().close();
		});
	}

	it('a non-inquiry ticket has no quote panel', async () => {
		const tk = (await mgr.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: 'broken', body: 'it broke' } })).json;
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${tk.id}`);
		await page.locator('section.attachments').waitFor();
		assert.equal(await page.locator('section.ticket-quote').count(), 0);
		assertNoPageErrors(page);
		await page.context().close();
	});
});
