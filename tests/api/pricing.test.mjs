// pricing.test.mjs - rate cards (CSV import/export, refusals with line and
// reason, replace with If-Match, retire), the price policy, contract rates
// and quotes (preview, stored, attached to a ticket, basing points, the
// seed's 75 + 25 = 100 with phantom freight 5 and absorption 10), bad input.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/pricing.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

let srv, admin, agent;

before(async () => {
	srv = await startServer();
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
	const name = uniq('pagent');
	await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, password: 'agent-password-1', role: 'agent', display_name: 'P Agent' } });
	agent = srv.client('agent');
	await agent.login(name, 'agent-password-1');
});
after(async () => {
	if (srv) await srv.stop();
});
after(cleanup);

const it = withLogs(() => srv);

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

const flat = (carrier, freight) => `card,${carrier},road,zone,CNY,0,1,0,0,0,0\nzone,ALL,0,1,3\nmatch,default,,ALL\nbreak,0\nrate,ALL,0,${freight},0\n`;

async function importCard(csv, name = uniq('card')) {
	return (await admin.expect(201, 'POST', '/api/v1/rate-cards', { body: { name, csv } })).json;
}

describe('rate cards', () => {
	it('imports, lists, exports the same CSV and reads back the zones', async () => {
		const card = await importCard(EXPRESS);
		assert.equal(card.carrier, 'SF');
		assert.equal(card.mode, 'express');
		assert.equal(card.zone_count, 2);
		assert.deepEqual(card.breaks_g, [0, 1000]);
		assert.deepEqual(card.zones.map((z) => [z.code, z.transit_min_days, z.transit_max_days]), [['Z1', 1, 2], ['Z2', 2, 4]]);
		const list = await agent.expect(200, 'GET', '/api/v1/rate-cards');
		assert.ok(list.json.items.some((c) => c.id === card.id && c.zone_count === 2));
		const csv = await agent.expect(200, 'GET', `/api/v1/rate-cards/${card.id}?format=csv`);
		assert.match(csv.headers['content-type'], /^text\/csv/);
		assert.equal(csv.text, EXPRESS, 'the stored CSV comes back unchanged');
		assertError(await admin.api('POST', '/api/v1/rate-cards', { body: { name: card.name, csv: EXPRESS } }), 409, 'exists');
	});

	it('refuses bad cards with the line and the reason, and stores nothing', async () => {
		const before = (await admin.expect(200, 'GET', '/api/v1/rate-cards')).json.items.length;
		const overlap = 'card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,0\nbreak,5000\nbreak,4000\n';
		let e = assertError(await admin.api('POST', '/api/v1/rate-cards', { body: { name: uniq('bad'), csv: overlap } }), 400, 'overlapping_breaks');
		assert.equal(e.field, 'weight_from_g');
		assert.match(e.message, /^line 6:/);
		admin.lang = 'zh-CN';
		e = assertError(await admin.api('POST', '/api/v1/rate-cards', { body: { name: uniq('bad'), csv: overlap } }), 400, 'overlapping_breaks');
		admin.lang = undefined;
		assert.match(e.message, /^第 6 行：重量分段重叠/, 'the Chinese message keeps the line');
		const missing = 'card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nzone,B,0,1,1\nmatch,default,,A\nmatch,region,江苏,B\nbreak,0\nrate,A,0,100,0\n';
		e = assertError(await admin.api('POST', '/api/v1/rate-cards', { body: { name: uniq('bad'), csv: missing } }), 400, 'missing_rate');
		assert.match(e.message, /^line 3:/, 'the zone B line');
		e = assertError(await admin.api('POST', '/api/v1/rate-cards', { body: { name: uniq('bad') } }), 400, 'required');
		assert.equal(e.field, 'csv');
		assertError(await agent.api('POST', '/api/v1/rate-cards', { body: { name: uniq('x'), csv: EXPRESS } }), 403);
		assert.equal((await admin.expect(200, 'GET', '/api/v1/rate-cards')).json.items.length, before);
	});

	it('replaces with If-Match, and a retired card prices nothing new', async () => {
		const card = await importCard(flat('R', 2000));
		const res = await admin.expect(200, 'PUT', `/api/v1/rate-cards/${card.id}`, { body: { csv: flat('R', 2100) }, headers: { 'If-Match': `"v${card.version}"` } });
		assert.equal(res.json.version, card.version + 1);
		assertError(await admin.api('PUT', `/api/v1/rate-cards/${card.id}`, { body: { csv: flat('R', 2200) }, headers: { 'If-Match': `"v${card.version}"` } }), 412);
		const q = await agent.expect(200, 'POST', '/api/v1/quotes/preview', { body: { card_id: card.id, weight_g: 1000, destination: { region: '北京' } } });
		assert.equal(q.json.freight, 2100, 'the replaced card prices at once (cache follows the version)');
		await admin.expect(200, 'DELETE', `/api/v1/rate-cards/${card.id}`);
		assertError(await agent.api('POST', '/api/v1/quotes/preview', { body: { card_id: card.id, weight_g: 1000, destination: { region: '北京' } } }), 400, 'retired');
	});
});

describe('quotes', () => {
	let card;
	before(async () => {
		card = await importCard(EXPRESS);
	});

	it('prices weight, zone, surcharges and insurance, with labels in both languages', async () => {
		const q = (await agent.expect(200, 'POST', '/api/v1/quotes/preview', {
			body: { card_id: card.id, unit_price: 5000, quantity: 2, weight_g: 2300, declared_value: 1000000, destination: { postcode: '200030' } },
		})).json;
		assert.equal(q.zone, 'Z1');
		assert.deepEqual(q.weight, { actual_g: 2300, dimensional_g: 0, billable_g: 2500 });
		assert.equal(q.freight, 1500 + 188 + 3000, 'freight 15.00 + fuel 12.5 % (1.875 -> 1.88) + insurance 0.3 % of 10,000');
		assert.equal(q.total, 10000 + q.freight);
		assert.equal(q.lines.reduce((s, l) => s + l.amount, 0), q.total, 'the lines add up');
		const fuel = q.lines.find((l) => l.code === 'fuel');
		assert.equal(fuel.label_zh, '燃油附加费');
		assert.equal(fuel.label_en, 'Fuel surcharge');
		assert.equal(q.terms, 'fob_origin');
		assert.equal(q.freight_payer, 'buyer');
		assert.equal(q.risk_in_transit, 'buyer');
		assert.equal(q.transit.min_days, 1);
		assert.ok(q.transit.earliest_at > q.at && q.transit.latest_at >= q.transit.earliest_at, 'business-day transit dates');
		assert.equal(q.id, undefined, 'a preview is not stored');
		const d = (await agent.expect(200, 'POST', '/api/v1/quotes/preview', {
			body: { card_id: card.id, unit_price: 5000, quantity: 2, weight_g: 400, hazardous: true, terms: 'fob_destination', destination: { region: '北京' } },
		})).json;
		assert.equal(d.zone, 'Z2');
		assert.ok(d.lines.some((l) => l.code === 'dangerous' && l.amount === 3000));
		assert.equal(d.freight_payer, 'seller');
		assert.equal(d.risk_in_transit, 'seller');
		assert.equal(d.delivered_price, d.total, 'freight built into the delivered price');
	});

	it('stores a quote on a ticket with the customer contract rate, and reads it back', async () => {
		const cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: uniq('大客户') } })).json;
		await admin.expect(200, 'PUT', `/api/v1/customers/${cust.id}/contract-rate`, { body: { freight_bp: 2000, note: '年度协议' } });
		const ticket = (await agent.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: '运费询价', body: '到上海多少钱？', customer_id: cust.id } })).json;
		const res = await agent.expect(201, 'POST', '/api/v1/quotes', {
			body: { card_id: card.id, weight_g: 2300, destination: { postcode: '200030' }, customer_id: cust.id, ticket_id: ticket.id },
		});
		const q = res.json;
		assert.ok(q.id > 0);
		assert.equal(q.contract_bp, 2000);
		assert.equal(q.lines.find((l) => l.kind === 'contract_discount').amount, -300);
		const again = await agent.expect(200, 'GET', `/api/v1/quotes/${q.id}`);
		assert.deepEqual(again.json, q, 'a stored quote reads back as answered');
		const list = await agent.expect(200, 'GET', `/api/v1/tickets/${ticket.id}/quotes`);
		assert.deepEqual(list.json.items.map((x) => x.id), [q.id]);
	});

	it('basing-point pricing: 75 + 25 = 100, phantom freight 5, absorption 10 (seed 002)', async () => {
		const basing = await importCard(flat('BASE', 2500));
		const near = await importCard(flat('NEAR', 2000));
		const far = await importCard(flat('FAR', 3500));
		const body = (actual) => ({ basing: { points: [basing.id], actual_card_id: actual }, unit_price: 7500, weight_g: 1000, terms: 'fob_destination', destination: { region: '湖北' } });
		let q = (await agent.expect(200, 'POST', '/api/v1/quotes/preview', { body: body(near.id) })).json;
		assert.equal(q.delivered_price, 10000);
		assert.deepEqual(q.basing, { card_id: basing.id, freight_charged: 2500, freight_actual: 2000, phantom_freight: 500, freight_absorption: 0 });
		q = (await agent.expect(200, 'POST', '/api/v1/quotes/preview', { body: body(far.id) })).json;
		assert.equal(q.delivered_price, 10000);
		assert.equal(q.basing.freight_absorption, 1000);
		assert.equal(q.basing.phantom_freight, 0);
	});

	it('stores the price policy document as it was sent (offsets kept, absent keys absent)', async () => {
		const pol = await admin.expect(200, 'GET', '/api/v1/price-policy');
		const body = { promotions: [{ code: 'EVE', start: '2026-12-01T00:00:00+08:00', end: '2026-12-02T00:00:00+08:00', bp: 300 }], tiers: [] };
		let e = assertError(await admin.api('PUT', '/api/v1/price-policy', { body: { ...body, pickup_allowance_bp: 10001 }, headers: { 'If-Match': `"v${pol.json.version}"` } }), 400);
		assert.equal(e.field, 'pickup_allowance_bp');
		const put = (await admin.expect(200, 'PUT', '/api/v1/price-policy', { body, headers: { 'If-Match': `"v${pol.json.version}"` } })).json;
		const { version, ...doc } = put;
		assert.equal(version, pol.json.version + 1);
		assert.deepEqual(doc, body);
		const { version: v2, ...again } = (await admin.expect(200, 'GET', '/api/v1/price-policy')).json;
		assert.equal(v2, version);
		assert.deepEqual(again, body);
		const reset = { tiers: [], promotions: [] };
		await admin.expect(200, 'PUT', '/api/v1/price-policy', { body: reset, headers: { 'If-Match': `"v${version}"` } });
	});

	it('applies the price policy: quantity tier, promotion window, pickup allowance', async () => {
		const pol = await admin.expect(200, 'GET', '/api/v1/price-policy');
		const body = { tiers: [{ min_qty: 10, bp: 500 }], promotions: [{ code: 'SALE', start: '2026-11-01T00:00:00Z', end: '2026-11-12T00:00:00Z', bp: 1000 }], pickup_allowance_bp: 10000 };
		let e = assertError(await admin.api('PUT', '/api/v1/price-policy', { body: { ...body, tiers: [{ min_qty: 0, bp: 500 }] }, headers: { 'If-Match': `"v${pol.json.version}"` } }), 400);
		assert.equal(e.field, 'min_qty');
		await admin.expect(200, 'PUT', '/api/v1/price-policy', { body, headers: { 'If-Match': `"v${pol.json.version}"` } });
		const base = { card_id: card.id, unit_price: 1000, quantity: 10, weight_g: 800, destination: { postcode: '200030' } };
		let q = (await agent.expect(200, 'POST', '/api/v1/quotes/preview', { body: { ...base, at: '2026-11-11T12:00:00Z' } })).json;
		assert.equal(q.lines.find((l) => l.kind === 'quantity_discount').amount, -500);
		assert.equal(q.lines.find((l) => l.kind === 'promotion').amount, -950);
		assert.equal(q.goods, 10000 - 500 - 950);
		q = (await agent.expect(200, 'POST', '/api/v1/quotes/preview', { body: { ...base, at: '2026-11-12T00:00:00Z' } })).json;
		assert.equal(q.lines.find((l) => l.kind === 'promotion'), undefined, 'the window end is exclusive');
		q = (await agent.expect(200, 'POST', '/api/v1/quotes/preview', { body: { ...base, terms: 'fob_destination', pickup: true } })).json;
		const pickup = q.lines.find((l) => l.kind === 'pickup_allowance');
		assert.equal(pickup.amount, -q.lines.filter((l) => ['freight', 'surcharge'].includes(l.kind)).reduce((s, l) => s + l.amount, 0));
		assert.equal(q.total, q.goods, 'the collecting buyer pays the goods only');
	});

	it('the service-cost report puts each carrier\'s quoted freight beside its service level', async () => {
		const carrier = uniq('CURVE');
		const c = await importCard(`card,${carrier},road,zone,CNY,0,1000,0,0,0,0\nzone,ALL,0,1,3\nmatch,default,,ALL\nbreak,0\nrate,ALL,0,1000,300\n`);
		// 2 kg: 10.00 + 2 x 3.00 = 16.00; 5 kg: 10.00 + 5 x 3.00 = 25.00
		for (const weight_g of [2000, 5000]) await agent.expect(201, 'POST', '/api/v1/quotes', { body: { card_id: c.id, weight_g, destination: { region: '江苏' } } });
		const rep = (await admin.expect(200, 'GET', '/api/v1/reports/service-cost?by=carrier')).json;
		const col = (k) => rep.columns.findIndex((x) => x.key === k);
		const row = rep.rows.find((r) => r[col('key')] === carrier);
		assert.ok(row, JSON.stringify(rep.rows));
		assert.equal(row[col('quotes')], 2);
		assert.equal(row[col('freight_mean')], (1600 + 2500) / 2);
		assert.equal(row[col('freight_per_kg')], Math.round(((1600 + 2500) * 1000) / 7000), 'freight per billable kg');
		assert.equal(row[col('orders')], 0, 'no orders shipped with this carrier');
		assert.equal(row[col('otd')], null, 'no on-time rate without deliveries');
		assertError(await admin.api('GET', '/api/v1/reports/service-cost?by=region'), 400, 'invalid');
	});

	it('refuses bad requests with the field and stores nothing', async () => {
		const cases = [
			[{ weight_g: 1000, destination: { region: 'x' } }, 'card_id'],
			[{ card_id: card.id, destination: { region: 'x' } }, 'weight_g'],
			[{ card_id: card.id, weight_g: 0, destination: { region: 'x' } }, 'weight_g'],
			[{ card_id: card.id, weight_g: 1000 }, 'destination'],
			[{ card_id: card.id, weight_g: 1000, destination: { region: 'x' }, terms: 'cif' }, 'terms'],
			[{ card_id: card.id, weight_g: 1000, destination: { region: 'x' }, quantity: 0 }, 'quantity'],
			[{ card_id: card.id, weight_g: 1000, destination: { region: 'x' }, ticket_id: 999999999 }, 'ticket_id'],
			[{ card_id: card.id, weight_g: 1000, destination: { region: 'x' }, colour: 'red' }, 'colour'],
		];
		for (const [body, field] of cases) {
			const e = assertError(await agent.api('POST', '/api/v1/quotes', { body }), 400, undefined, JSON.stringify(body));
			assert.equal(e.field, field, JSON.stringify(body));
		}
		assertError(await agent.api('POST', '/api/v1/quotes', { body: { card_id: 987654, weight_g: 1, destination: { region: 'x' } } }), 404);
		assertError(await agent.api('POST', '/api/v1/quotes/preview', { body: { card_id: card.id, weight_g: 9000, destination: { region: '北京' } } }), 404, 'no_rate');
	});
});
