// logistics.test.mjs - orders, shipments, tracking events, delay notices,
// the public tracking endpoint and imports (API batches and kefu import
// with the Superstore data in tests/data/orders/).
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/logistics.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { ROOT, assertError, assertNoSanitizer, cleanup, httpRequest, kefu, startServer, tmpDir, uniq, withLogs } from './lib.mjs';

after(cleanup);

const DATA = path.join(process.env.KF_DATA_DIR || path.join(ROOT, 'tests', 'data'), 'orders');
const T0 = 1_700_000_000;

describe('orders, shipments and tracking', () => {
	let srv, admin;
	const it = withLogs(() => srv);

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
	});
	after(async () => srv && (await srv.stop()));

	async function newOrder(lines = [{ sku: 'SKU-1', name: '保温杯', quantity: 2, unit_price_minor: 1230 }, { sku: 'SKU-2', quantity: 1, unit_price_minor: 500 }]) {
		const number = uniq('SO-');
		const res = await admin.expect(201, 'POST', '/api/v1/orders', { body: { number, placed_at: T0, currency: 'CNY', shipping_mode: 'Standard Class', lines } });
		return res;
	}

	it('creates an order with lines, reads it back, lists it; a taken number is 409', async () => {
		const res = await newOrder();
		const o = res.json;
		assert.equal(o.status, 'open');
		assert.equal(o.lines.length, 2);
		assert.equal(o.total_minor, 2 * 1230 + 500);
		assert.equal(o.lines[0].line_no, 1);
		assert.equal(res.headers.etag, `"v${o.version}"`);
		const got = await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`);
		assert.equal(got.json.number, o.number);
		const list = await admin.expect(200, 'GET', '/api/v1/orders?limit=200');
		assert.ok(list.json.items.some((x) => x.id === o.id));
		const dup = await admin.api('POST', '/api/v1/orders', { body: { number: o.number, placed_at: T0 } });
		assertError(dup, 409, 'exists');
		const badQty = await admin.api('POST', '/api/v1/orders', { body: { number: uniq('SO-'), placed_at: T0, lines: [{ sku: 'X', quantity: -1 }] } });
		assertError(badQty, 400, null);
		assert.match(badQty.json.error.field, /quantity/);
	});

	it('filters the list by placing time and by service-level dimensions (report drill-down)', async () => {
		const o = (await newOrder()).json;
		const q = (s) => admin.expect(200, 'GET', `/api/v1/orders?limit=200&${s}`);
		assert.ok((await q(`placed_from=${o.placed_at}&placed_to=${o.placed_at + 1}`)).json.items.some((x) => x.id === o.id));
		for (const x of (await q(`placed_from=${o.placed_at}&placed_to=${o.placed_at + 1}`)).json.items) {
			assert.ok(x.placed_at >= o.placed_at && x.placed_at < o.placed_at + 1, 'only orders placed in the range');
		}
		assert.ok(!(await q(`placed_to=${o.placed_at}`)).json.items.some((x) => x.id === o.id), 'placed_to is exclusive');
		assert.equal((await q('carrier=NO-SUCH-CARRIER')).json.items.length, 0, 'a carrier filter narrows the list');
		assert.equal((await q('category=no-such-category')).json.items.length, 0);
		assertError(await admin.api('GET', '/api/v1/orders?placed_from=yesterday'), 400, 'invalid');
		assert.equal((await admin.api('GET', '/api/v1/orders?placed_from=-5')).json.error.field, 'placed_from');
		assertError(await admin.api('GET', `/api/v1/orders?region=${'x'.repeat(200)}`), 400, 'too_long');
	});

	it('PATCH needs If-Match; a stale one is 412 and changes nothing', async () => {
		const o = (await newOrder()).json;
		assertError(await admin.api('PATCH', `/api/v1/orders/${o.id}`, { body: { shipping_terms: 'FOB origin' } }), 428, null);
		const ok = await admin.expect(200, 'PATCH', `/api/v1/orders/${o.id}`, { body: { shipping_terms: 'FOB origin' }, headers: { 'If-Match': `"v${o.version}"` } });
		assert.equal(ok.json.shipping_terms, 'FOB origin');
		const stale = await admin.api('PATCH', `/api/v1/orders/${o.id}`, { body: { shipping_terms: 'delivered' }, headers: { 'If-Match': `"v${o.version}"` } });
		assertError(stale, 412, 'stale');
		const again = await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`);
		assert.equal(again.json.shipping_terms, 'FOB origin');
	});

	it('a shipment ships lines; events move the status; old and repeated events do not', async () => {
		const o = (await newOrder()).json;
		const tn = uniq('SF');
		const over = await admin.api('POST', '/api/v1/shipments', { body: { order_id: o.id, tracking_number: uniq('SF'), lines: [{ order_line_id: o.lines[0].id, quantity: 3 }] } });
		assertError(over, 409, 'over_shipped');
		const s = (await admin.expect(201, 'POST', '/api/v1/shipments', {
			body: { order_id: o.id, tracking_number: tn, carrier: '顺丰', mode: 'express', origin: '深圳', destination: '北京', eta_at: T0 + 86400 * 3, lines: [{ order_line_id: o.lines[0].id, quantity: 2 }] },
		})).json;
		assert.equal(s.status, 'pending');
		let order = (await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`)).json;
		assert.equal(order.status, 'partially_shipped');
		assert.equal(order.lines[0].quantity_shipped, 2);
		assert.equal(order.shipments.length, 1);

		const ev = (body) => admin.api('POST', `/api/v1/shipments/${s.id}/events`, { body });
		assert.equal((await ev({ at: T0 + 100, status: 'in_transit', location: '深圳' })).status, 201);
		assert.equal((await ev({ at: T0 + 200, status: 'out_for_delivery', location: '北京' })).status, 201);
		const late = await ev({ at: T0 + 150, status: 'in_transit', location: '天津' });
		assert.equal(late.status, 201);
		assert.equal(late.json.status, 'out_for_delivery', 'an older event must not move the status back');
		const again = await ev({ at: T0 + 200, status: 'out_for_delivery', location: '北京' });
		assert.equal(again.status, 200, 'a re-sent event is not added twice');
		assert.equal(again.json.events.length, 3);
		assertError(await ev({ at: T0, status: 'teleported' }), 400, 'invalid');

		const del = await ev({ at: T0 + 300, status: 'delivered', location: '北京' });
		assert.equal(del.json.status, 'delivered');
		assert.equal(del.json.delivered_at, T0 + 300);
		assert.equal(del.json.status_label.zh, '已签收');
		const after1 = await ev({ at: T0 + 400, status: 'in_transit' });
		assert.equal(after1.json.status, 'delivered', 'delivered is final');
		order = (await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`)).json;
		assert.equal(order.lines[0].quantity_delivered, 2);
		assert.equal(order.lines[1].quantity_delivered, 0);
		assert.equal(order.status, 'partially_shipped');

		// the rest of the order without lines: ships and delivers what is left
		const s2 = (await admin.expect(201, 'POST', '/api/v1/shipments', { body: { order_id: o.id, tracking_number: uniq('SF') } })).json;
		await admin.expect(201, 'POST', `/api/v1/shipments/${s2.id}/events`, { body: { at: T0 + 500, status: 'delivered' } });
		order = (await admin.expect(200, 'GET', `/api/v1/orders/${o.id}`)).json;
		assert.equal(order.status, 'delivered');
		assert.equal(order.lines[1].quantity_delivered, 1);
		// cancelling a shipped order is refused
		const cancel = await admin.api('PATCH', `/api/v1/orders/${o.id}`, { body: { status: 'cancelled' }, headers: { 'If-Match': `"v${order.version}"` } });
		assertError(cancel, 409, 'order_shipped');
	});

	it('the public tracking endpoint shows the parcel without personal data; unknown numbers are 404', async () => {
		const o = (await newOrder()).json;
		const tn = uniq('YT');
		const s = (await admin.expect(201, 'POST', '/api/v1/shipments', { body: { order_id: o.id, tracking_number: tn, carrier: '圆通', origin: '杭州', destination: '上海' } })).json;
		await admin.expect(201, 'POST', `/api/v1/shipments/${s.id}/events`, { body: { at: T0 + 10, status: 'in_transit', location: '杭州转运中心', description: '签收人: 张三 13800000000' } });
		const res = await httpRequest(srv.base, 'GET', `/api/v1/track/${encodeURIComponent(tn)}`);
		assert.equal(res.status, 200, res.text);
		const t = JSON.parse(res.text);
		assert.equal(t.status, 'in_transit');
		assert.equal(t.status_label.zh, '运输中');
		assert.equal(t.status_label.en, 'In transit');
		assert.equal(t.origin, '杭州');
		assert.equal(t.events.length, 1);
		for (const k of ['customer_id', 'order_id', 'number', 'id', 'lines']) assert.ok(!(k in t), `public tracking leaks ${k}`);
		assert.ok(!res.text.includes(o.number), 'public tracking shows the order number');
		assert.ok(!res.text.includes('张三') && !res.text.includes('13800000000'), 'public tracking shows event descriptions');
		const missing = await httpRequest(srv.base, 'GET', '/api/v1/track/NO-SUCH-NUMBER');
		assert.equal(missing.status, 404);
	});

	it('tracking answers are cached briefly, and never outlive a write', async () => {
		const o = (await newOrder()).json;
		const tn = uniq('ZT');
		const s = (await admin.expect(201, 'POST', '/api/v1/shipments', { body: { order_id: o.id, tracking_number: tn } })).json;
		const track = () => httpRequest(srv.base, 'GET', `/api/v1/track/${tn}`);
		const first = await track();
		assert.equal(first.status, 200);
		assert.equal(first.headers['x-cache'], undefined);
		const second = await track();
		assert.equal(second.headers['x-cache'], 'hit');
		assert.equal(second.text, first.text);
		// an event is visible on the very next lookup
		await admin.expect(201, 'POST', `/api/v1/shipments/${s.id}/events`, { body: { at: T0 + 50, status: 'in_transit', location: '广州' } });
		const third = await track();
		assert.equal(third.headers['x-cache'], undefined);
		assert.equal(JSON.parse(third.text).status, 'in_transit');
		assert.equal((await track()).headers['x-cache'], 'hit');
		// a failed write does not matter; time does: after the TTL (1 s) the answer is made again
		assertError(await admin.api('POST', `/api/v1/shipments/${s.id}/events`, { body: { at: T0, status: 'teleported' } }), 400, 'invalid');
		assert.equal((await track()).headers['x-cache'], 'hit');
		await new Promise((r) => setTimeout(r, 1100));
		assert.equal((await track()).headers['x-cache'], undefined);
		// an unknown number is never cached
		assert.equal((await httpRequest(srv.base, 'GET', '/api/v1/track/NOPE-1')).status, 404);
		const again = await httpRequest(srv.base, 'GET', '/api/v1/track/NOPE-1');
		assert.equal(again.status, 404);
		assert.equal(again.headers['x-cache'], undefined);
	});

	it('an exception raises a delay notice at once; staff mark it done', async () => {
		const o = (await newOrder()).json;
		const s = (await admin.expect(201, 'POST', '/api/v1/shipments', { body: { order_id: o.id, tracking_number: uniq('ZT') } })).json;
		await admin.expect(201, 'POST', `/api/v1/shipments/${s.id}/events`, { body: { at: T0 + 10, status: 'exception', description: 'customs hold' } });
		const open = (await admin.expect(200, 'GET', '/api/v1/delay-notices?status=open&limit=200')).json.items.filter((n) => n.shipment_id === s.id);
		assert.equal(open.length, 1);
		assert.equal(open[0].reason, 'exception');
		assert.equal(open[0].detail, 'customs hold');
		const done = await admin.expect(200, 'POST', `/api/v1/delay-notices/${open[0].id}/done`);
		assert.equal(done.json.status, 'done');
		assertError(await admin.api('POST', `/api/v1/delay-notices/${open[0].id}/done`), 409, 'notice_done');
		assertError(await admin.api('GET', '/api/v1/delay-notices?status=maybe'), 400, 'invalid');
	});

	it('PATCH shipment: ETA and status with If-Match, 412 when stale', async () => {
		const o = (await newOrder()).json;
		const r = await admin.expect(201, 'POST', '/api/v1/shipments', { body: { order_id: o.id, tracking_number: uniq('EMS') } });
		const p = await admin.expect(200, 'PATCH', `/api/v1/shipments/${r.json.id}`, { body: { eta_at: T0 + 999, status: 'info_received' }, headers: { 'If-Match': r.headers.etag } });
		assert.equal(p.json.eta_at, T0 + 999);
		assert.equal(p.json.status, 'info_received');
		assertError(await admin.api('PATCH', `/api/v1/shipments/${r.json.id}`, { body: { eta_at: T0 }, headers: { 'If-Match': r.headers.etag } }), 412, 'stale');
	});

	it('API import: all-or-nothing by default, skip_bad imports the good rows', async () => {
		const n1 = uniq('IMP-'), n2 = uniq('IMP-');
		const rows = [
			{ order_number: n1, placed_at: '2024-03-01', sku: 'A', quantity: '2', unit_price: '12.30' },
			{ order_number: n1, placed_at: '2024-03-01', sku: 'B', quantity: 1, unit_price: '1,234.5' },
			{ order_number: n2, placed_at: '3/2/2024', sku: 'C', quantity: '1', unit_price: '5' },
		];
		const bad = await admin.api('POST', '/api/v1/imports/orders', { body: { rows } });
		assert.equal(bad.status, 422, bad.text);
		assert.equal(bad.json.imported, 0);
		assert.deepEqual(bad.json.errors.map((e) => [e.row, e.field]), [[1, 'unit_price']]);
		assert.equal((await admin.api('GET', '/api/v1/orders?limit=200')).json.items.filter((o) => o.number === n1).length, 0);
		const ok = await admin.expect(200, 'POST', '/api/v1/imports/orders', { body: { rows, skip_bad: true } });
		assert.equal(ok.json.imported, 2);
		assert.equal(ok.json.bad, 1);
		const orders = (await admin.expect(200, 'GET', '/api/v1/orders?limit=200')).json.items;
		const o1 = orders.find((o) => o.number === n1);
		assert.equal(o1.total_minor, 2460);
		assert.equal(o1.placed_at, Date.UTC(2024, 2, 1) / 1000);
		assert.equal(orders.find((o) => o.number === n2).placed_at, Date.UTC(2024, 2, 2) / 1000);
		const hits = (await admin.expect(200, 'GET', `/api/v1/search?q=${encodeURIComponent(n2)}&kind=order`)).json.items;
		assert.deepEqual(hits.map((h) => h.title), [n2], 'an order imported through the API is searchable');
		// shipments and events through the API
		const tn = uniq('IMPS');
		await admin.expect(200, 'POST', '/api/v1/imports/shipments', { body: { rows: [{ tracking_number: tn, order_number: n1, carrier: 'SF', mode: 'air', eta_at: '2024-03-05T12:00:00+08:00' }] } });
		const ev = await admin.expect(200, 'POST', '/api/v1/imports/events', { body: { rows: [{ tracking_number: tn, at: '2024-03-02T10:00:00Z', status: 'in_transit', location: '广州' }, { tracking_number: tn, at: '2024-03-03T10:00:00Z', status: 'delivered' }] } });
		assert.equal(ev.json.imported, 2);
		const t = JSON.parse((await httpRequest(srv.base, 'GET', `/api/v1/track/${tn}`)).text);
		assert.equal(t.status, 'delivered');
		assert.equal(t.eta_at, Date.UTC(2024, 2, 5, 4) / 1000);
		assertError(await admin.api('POST', '/api/v1/imports/widgets', { body: { rows: [] } }), 404, null);
		assertError(await admin.api('POST', '/api/v1/imports/orders', { body: { rows: Array(5001).fill({}) } }), 413, null);
	});
});

describe('kefu import', () => {
	let srv, admin, dir;
	const it = withLogs(() => srv);

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		dir = tmpDir();
	});
	after(async () => srv && (await srv.stop()));

	const ordersNamed = async (prefix) => {
		const out = [];
		let cursor = '';
		for (let i = 0; i < 1000; i++) {
			const res = await admin.expect(200, 'GET', `/api/v1/orders?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
			out.push(...res.json.items.filter((o) => o.number.startsWith(prefix)));
			if (!res.json.next_cursor) return out;
			cursor = res.json.next_cursor;
		}
		throw new Error('orders list never ended');
	};

	const imp = async (args) => {
		const r = await kefu(['import', ...args, '--db', srv.db.url], { cwd: dir, timeout: 120_000 });
		assertNoSanitizer(r.stderr, 'kefu import');
		return r;
	};

	it('imports the Superstore customers, orders and line items', async () => {
		let r = await imp(['customers', path.join(DATA, 'superstore_customers.csv'), '--map', 'Customer ID=external_id,Customer Name=name']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /imported 793 of 793 customers rows/);
		r = await imp(['orders', path.join(DATA, 'superstore_orders.csv'), '--map', 'Order ID=order_number,Customer ID=customer_external_id,Order Date=placed_at,Ship Mode=shipping_mode']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /imported 5009 of 5009 orders rows/);
		r = await imp(['orders', path.join(DATA, 'superstore_lineitems.csv'), '--map', 'Order ID=order_number,Product ID=sku,Quantity=quantity']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /imported 9994 of 9994 orders rows/);
		const page = (await admin.expect(200, 'GET', '/api/v1/orders?limit=1')).json.items[0];
		const o = (await admin.expect(200, 'GET', `/api/v1/orders/${page.id}`)).json;
		assert.equal(o.number, 'CA-2011-100006');
		assert.equal(o.shipping_mode, 'Standard Class');
		assert.equal(o.placed_at, Date.UTC(2012, 8, 7) / 1000);
		assert.ok(o.customer_id > 0, 'the order is linked to its customer');
		assert.ok(o.lines.length >= 1);
		// imported orders are searchable and on their customer's timeline
		const hits = (await admin.expect(200, 'GET', `/api/v1/search?q=${encodeURIComponent(o.number)}&kind=order`)).json.items;
		assert.ok(hits.some((h) => h.ref_id === o.id), `search finds ${o.number}: ${JSON.stringify(hits)}`);
		const tl = (await admin.expect(200, 'GET', `/api/v1/customers/${o.customer_id}/timeline?limit=200`)).json.items;
		assert.ok(tl.some((t) => t.kind === 'order' && t.ref_id === o.id), 'the order is on the customer\'s timeline');
		// a second run changes nothing (upsert by line number)
		r = await imp(['orders', path.join(DATA, 'superstore_lineitems.csv'), '--map', 'Order ID=order_number,Product ID=sku,Quantity=quantity']);
		assert.equal(r.code, 0, r.stderr);
		const o2 = (await admin.expect(200, 'GET', `/api/v1/orders/${page.id}`)).json;
		assert.equal(o2.lines.length, o.lines.length);
		assert.equal(o2.total_minor, o.total_minor);
		const tl2 = (await admin.expect(200, 'GET', `/api/v1/customers/${o.customer_id}/timeline?limit=200`)).json.items;
		assert.equal(tl2.length, tl.length, 'a second import adds no timeline rows');
	});

	it('bad rows: all-or-nothing lists FILE:LINE errors and imports nothing; --skip-bad imports the rest', async () => {
		const f = path.join(dir, 'bad.csv');
		const n = uniq('BAD-');
		fs.writeFileSync(f, '\ufefforder_number,placed_at,sku,name,quantity,unit_price\r\n' +
			`${n}-1,2024-01-02,S1,"Mug, ""large""",1,9.90\r\n` +
			`${n}-2,2024-13-02,S2,x,1,1\r\n` +
			`${n}-3,2024-01-02,S3,"two\nlines",1,1\r\n` +
			`${n}-4,2024-01-02,S4,y,-5,1\r\n`);
		let r = await imp(['orders', f]);
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.ok(r.stderr.includes(`${f}:3: placed_at:`), r.stderr);
		assert.ok(r.stderr.includes(`${f}:4: name:`), `a name with a control character is refused: ${r.stderr}`);
		assert.ok(r.stderr.includes(`${f}:6: quantity:`), `line numbers count newlines inside quotes: ${r.stderr}`);
		let list = await ordersNamed(n);
		assert.equal(list.length, 0);
		r = await imp(['orders', f, '--skip-bad']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /imported 1 of 4 orders rows/);
		list = await ordersNamed(n);
		assert.deepEqual(list.map((o) => o.number), [`${n}-1`]);
		const o1 = (await admin.expect(200, 'GET', `/api/v1/orders/${list.find((o) => o.number === `${n}-1`).id}`)).json;
		assert.equal(o1.lines[0].name, 'Mug, "large"');
		assert.equal(o1.total_minor, 990);
	});

	it('JSON lines, unknown columns and a bad --map', async () => {
		const f = path.join(dir, 'ev.jsonl');
		fs.writeFileSync(f, '{"tracking_number":"NOPE","at":"2024-01-01","status":"in_transit"}\nnot json\n');
		let r = await imp(['events', f]);
		assert.equal(r.code, 1);
		assert.ok(r.stderr.includes(`${f}:1: tracking_number:`), r.stderr);
		assert.ok(r.stderr.includes(`${f}:2: not JSON`), r.stderr);
		const c = path.join(dir, 'unk.csv');
		fs.writeFileSync(c, 'order_number,colour\nX,red\n');
		r = await imp(['orders', c]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /colour/);
		r = await imp(['orders', c, '--map', 'Nope=order_number']);
		assert.equal(r.code, 2);
		r = await imp(['widgets', c]);
		assert.equal(r.code, 2);
	});
});
