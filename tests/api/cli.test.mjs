// cli.test.mjs - the service desk from the command line: kefu order,
// track, sla preview, calendar, complaint / return / claim show and
// search on a demo data set (`kefu demo --customers 30 --seed 3`).  Each
// command is checked in its human form and with --json, plus exit 2 for
// usage errors and exit 1 for what does not exist.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/cli.test.mjs
//   scripts/with-pg.sh env KF_TEST_BACKEND=postgres KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/cli.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertNoSanitizer, cleanup, freshDb, kefu, kefuOk } from './lib.mjs';

after(cleanup);

let db;

/** UTC seconds of an ISO time. */
const t = (iso) => Date.parse(iso) / 1000;

/** kefu args --db URL that must succeed; returns stdout. */
async function ok(...args) {
	return (await kefuOk([...args, '--db', db.url], { cwd: db.dir })).stdout;
}

/** kefu args --db URL with --json; returns the parsed output. */
async function json(...args) {
	return JSON.parse(await ok(...args, '--json'));
}

/** kefu args --db URL that must exit with code; returns the result. */
async function fails(code, ...args) {
	const r = await kefu([...args, '--db', db.url], { cwd: db.dir });
	assertNoSanitizer(r.stderr, `kefu ${args[0]}`);
	assert.equal(r.code, code, `kefu ${args.join(' ')} exited ${r.code}, wanted ${code}\n${r.stdout}\n${r.stderr}`);
	assert.match(r.stderr, /kefu/, 'a message on stderr');
	return r;
}

/** The ticket numbers ("#000024") of one type, from kefu ticket list. */
async function ticketsOfType(type) {
	const out = await ok('ticket', 'list', '--type', type);
	return [...out.matchAll(/^(#\d+)\s/gm)].map((m) => m[1]);
}

before(async () => {
	db = await freshDb();
	await kefuOk(['demo', '--customers', '30', '--seed', '3', '--db', db.url], { cwd: db.dir, timeout: 300_000 });
});

describe('kefu order and kefu track', () => {
	let orders;

	it('lists a customer\'s orders', async () => {
		orders = (await json('order', 'list', '--customer', '1')).items;
		assert.ok(orders.length > 0, 'customer 1 has orders');
		for (const o of orders) assert.equal(o.customer_id, 1);
		const out = await ok('order', 'list', '--customer', '1');
		assert.match(out, new RegExp(orders[0].number));
		assert.match(out, new RegExp(`${orders.length} orders`));
	});

	it('shows an order by number and by id, with lines and shipments', async () => {
		const o = await json('order', 'show', orders[0].number);
		assert.equal(o.id, orders[0].id);
		assert.ok(Array.isArray(o.lines) && o.lines.length > 0);
		assert.ok(Array.isArray(o.shipments));
		assert.deepEqual(await json('order', 'show', String(o.id)), o);
		const out = await ok('order', 'show', o.number);
		assert.match(out, new RegExp(`order ${o.number} \\(id ${o.id}\\)`));
		assert.match(out, new RegExp(o.lines[0].sku));
	});

	it('tracks a shipment like the public endpoint', async () => {
		let shipment;
		for (const o of orders) {
			const full = await json('order', 'show', o.number);
			shipment = full.shipments[0];
			if (shipment) break;
		}
		assert.ok(shipment, 'one of customer 1\'s orders was shipped');
		const tr = await json('track', shipment.tracking_number);
		assert.equal(tr.tracking_number, shipment.tracking_number);
		assert.equal(tr.status, shipment.status);
		assert.ok(tr.status_label.zh && tr.status_label.en);
		assert.ok(Array.isArray(tr.events));
		assert.equal(tr.customer_id, undefined, 'nothing about the customer');
		const out = await ok('track', shipment.tracking_number);
		assert.match(out, new RegExp(`tracking ${shipment.tracking_number}: ${tr.status_label.zh} / ${tr.status_label.en}`));
	});

	it('exit 2 for usage errors, exit 1 for unknown orders and numbers', async () => {
		await fails(2, 'order');
		await fails(2, 'order', 'list');
		await fails(2, 'order', 'list', '--customer', 'abc');
		await fails(2, 'order', 'show');
		await fails(2, 'order', 'show', '1', '--bogus');
		await fails(2, 'track');
		await fails(2, 'track', 'A', 'B');
		await fails(1, 'order', 'show', 'NO-SUCH-ORDER');
		await fails(1, 'order', 'show', '999999');
		const r = await fails(1, 'track', 'NOPE0000000');
		assert.match(r.stderr, /no shipment with this tracking number/);
		await fails(1, 'track', 'X'.repeat(65));
	});
});

describe('kefu sla preview and kefu calendar', () => {
	const AT = '2026-11-24T19:30:00+08:00'; // a Tuesday, after hours
	let cal;

	it('lists the seeded calendar', async () => {
		const cals = (await json('calendar', 'list')).items;
		cal = cals.find((c) => c.time_zone === 'Asia/Shanghai');
		assert.ok(cal, JSON.stringify(cals));
		assert.ok(Array.isArray(cal.holidays) && Array.isArray(cal.hours));
		assert.match(await ok('calendar', 'list'), /Asia\/Shanghai/);
	});

	it('the sunset rule: after hours on Tuesday is due Wednesday 18:00 local', async () => {
		const p = await json('sla', 'preview', '--type', 'inquiry', '--priority', 'normal', '--tier', 'C', '--at', AT);
		assert.equal(p.policy.sunset, true);
		assert.equal(p.at, t(AT));
		assert.equal(p.business_time, false);
		assert.equal(p.first_response_due_at, t('2026-11-25T18:00:00+08:00'));
		const q = await json('sla', 'preview', '--type', 'inquiry', '--priority', 'normal', '--tier', 'C', '--at', String(t(AT)));
		assert.deepEqual(q, p, 'UTC seconds give the same preview');
		const out = await ok('sla', 'preview', '--type', 'inquiry', '--priority', 'normal', '--tier', 'C', '--at', AT);
		assert.match(out, /first response due\s+2026-11-25 18:00 Asia\/Shanghai \(2026-11-25 10:00 UTC\)/);
	});

	it('a holiday added from the CLI moves the due time; removing it moves it back', async () => {
		const preview = async () =>
			(await json('sla', 'preview', '--type', 'inquiry', '--tier', 'C', '--at', AT)).first_response_due_at;
		const out = await ok('calendar', 'holiday', 'add', String(cal.id), '2026-11-25', '--name', '公司活动日');
		const m = /added holiday 2026-11-25 to calendar \d+ \(id (\d+)\)/.exec(out);
		assert.ok(m, out);
		assert.equal(await preview(), t('2026-11-26T18:00:00+08:00'), 'after the holiday');
		const listed = (await json('calendar', 'list')).items.find((c) => c.id === cal.id);
		const h = listed.holidays.find((x) => x.date === '2026-11-25');
		assert.equal(h.id, Number(m[1]));
		assert.equal(h.kind, 'holiday');
		assert.equal(h.name, '公司活动日');
		assert.ok(listed.version > cal.version, 'the calendar\'s version moved');
		await fails(1, 'calendar', 'holiday', 'add', String(cal.id), '2026-11-25'); // the date is taken
		assert.match(await ok('calendar', 'holiday', 'remove', String(cal.id), m[1]), /removed holiday/);
		assert.equal(await preview(), t('2026-11-25T18:00:00+08:00'), 'back again');
		await fails(1, 'calendar', 'holiday', 'remove', String(cal.id), m[1]);
	});

	it('the CLI holiday is checked like the API one: a long name or a bad date adds nothing', async () => {
		const before = (await json('calendar', 'list')).items.find((c) => c.id === cal.id);
		let r = await fails(1, 'calendar', 'holiday', 'add', String(cal.id), '2026-11-27', '--name', '节'.repeat(129));
		assert.match(r.stderr, /name is longer than 128 characters/);
		r = await fails(1, 'calendar', 'holiday', 'add', String(cal.id), '2026-02-30');
		assert.match(r.stderr, /date/);
		const after = (await json('calendar', 'list')).items.find((c) => c.id === cal.id);
		assert.deepEqual(after.holidays, before.holidays);
		assert.equal(after.version, before.version);
	});

	it('a make-up workday (--workday) counts as a business day', async () => {
		const fri = '2026-11-27T20:00:00+08:00';
		const due = async () => (await json('sla', 'preview', '--type', 'inquiry', '--at', fri)).first_response_due_at;
		assert.equal(await due(), t('2026-11-30T18:00:00+08:00'));
		const out = await ok('calendar', 'holiday', 'add', String(cal.id), '2026-11-28', '--workday');
		const id = /\(id (\d+)\)/.exec(out)[1];
		assert.equal(await due(), t('2026-11-28T18:00:00+08:00'));
		await ok('calendar', 'holiday', 'remove', String(cal.id), id);
	});

	it('exit 2 for usage errors, exit 1 for unknown calendars and bad dates', async () => {
		await fails(2, 'sla');
		await fails(2, 'sla', 'review');
		await fails(2, 'sla', 'preview', '--tier', 'Z');
		await fails(2, 'sla', 'preview', '--at', 'yesterday');
		await fails(2, 'sla', 'preview', '--at');
		await fails(2, 'calendar');
		await fails(2, 'calendar', 'holiday', 'add', String(cal.id));
		await fails(2, 'calendar', 'holiday', 'add', 'x', '2026-11-25');
		await fails(2, 'calendar', 'holiday', 'drop', '1', '2');
		await fails(2, 'calendar', 'list', '--nope');
		await fails(1, 'calendar', 'holiday', 'add', '9999', '2026-11-25');
		await fails(1, 'calendar', 'holiday', 'add', String(cal.id), '2026-02-30');
	});
});

describe('kefu complaint|return|claim show', () => {
	/** The first ticket of type whose process record `kefu <cmd> show` finds. */
	async function firstWith(cmd, type) {
		for (const n of await ticketsOfType(type)) {
			const r = await kefu([cmd, 'show', n, '--json', '--db', db.url], { cwd: db.dir });
			assertNoSanitizer(r.stderr);
			if (r.code === 0) return { number: n, rec: JSON.parse(r.stdout) };
			assert.equal(r.code, 1, r.stderr);
		}
		assert.fail(`no ${type} ticket with a ${cmd} record`);
	}

	for (const [cmd, type, field] of [
		['complaint', 'complaint', 'step'],
		['return', 'return', 'status'],
		['claim', 'claim', 'decision'],
	]) {
		it(`kefu ${cmd} show: human and --json`, async () => {
			const { number, rec } = await firstWith(cmd, type);
			const id = Number(number.slice(1));
			assert.equal(rec.ticket_id, id);
			assert.ok(rec[field], `${cmd} has a ${field}: ${JSON.stringify(rec)}`);
			assert.deepEqual(await json(cmd, 'show', String(id)), rec, 'the id and the number are the same ticket');
			const out = await ok(cmd, 'show', number);
			assert.match(out, new RegExp(`^${cmd} of ticket ${number}`));
			assert.match(out, new RegExp(`${field}\\s+${rec[field]}`));
		});
	}

	it('exit 2 for usage errors, exit 1 for missing tickets and the wrong type', async () => {
		await fails(2, 'complaint');
		await fails(2, 'complaint', 'show');
		await fails(2, 'return', 'show', 'abc');
		await fails(2, 'claim', 'list');
		await fails(2, 'claim', 'show', '1', '--yes');
		await fails(1, 'complaint', 'show', '999999');
		await fails(1, 'return', 'show', '999999');
		await fails(1, 'claim', 'show', '999999');
		const inquiry = (await ticketsOfType('inquiry'))[0];
		await fails(1, 'claim', 'show', inquiry);
	});
});

describe('kefu search', () => {
	it('finds 快递, in every kind and in one', async () => {
		const res = await json('search', '快递');
		assert.ok(res.items.length > 0, 'hits for 快递');
		assert.ok(res.items.length <= 20, 'the default limit');
		for (const h of res.items) assert.ok(['ticket', 'message', 'customer', 'order'].includes(h.kind));
		const tickets = await json('search', '快递', '--kind', 'ticket', '--limit', '2');
		assert.ok(tickets.items.length > 0 && tickets.items.length <= 2);
		for (const h of tickets.items) {
			assert.equal(h.kind, 'ticket');
			assert.match(h.title, /快递/);
		}
		const out = await ok('search', '快递', '--kind', 'ticket', '--limit', '2');
		assert.match(out, /快递/);
		assert.match(out, new RegExp(`${tickets.items.length} results`));
	});

	it('finds an order by its number', async () => {
		const [o] = (await json('order', 'list', '--customer', '1')).items;
		const res = await json('search', o.number, '--kind', 'order');
		assert.ok(res.items.some((h) => h.kind === 'order' && h.ref_id === o.id), JSON.stringify(res));
	});

	it('nothing found is not an error', async () => {
		const res = await json('search', 'zzqqxxnothinglikethis');
		assert.deepEqual(res.items, []);
	});

	it('exit 2 for usage errors', async () => {
		await fails(2, 'search');
		await fails(2, 'search', 'a', 'b');
		await fails(2, 'search', '快递', '--kind', 'shipment');
		await fails(2, 'search', '快递', '--limit', '0');
		await fails(2, 'search', '快递', '--limit', '201');
		await fails(2, 'search', '快递', '--limit', 'x');
		await fails(2, 'search', 'x'.repeat(257));
		await fails(2, 'search', '快递', '--bogus');
	});
});
