// pricing_cli.test.mjs - pricing from the command line: kefu ratecard
// check / import / list / export, kefu quote against a file (offline) and
// a stored card (--store, read back through the database), kefu quote
// elasticity (the seed's 1.25) and newsvendor (metrics-and-methods §7),
// exit 1 with the line and reason for a bad card, exit 2 for usage.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/pricing_cli.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { assertNoSanitizer, cleanup, freshDb, kefu, kefuOk } from './lib.mjs';

after(cleanup);

let db, card, bad;

const CARD = 'card,SF,express,zone,CNY,5000,500,800,0,30,200\nzone,Z1,0,1,2\nzone,Z2,0,2,4\nmatch,region,上海,Z1\nmatch,default,,Z2\n' +
	'break,0\nbreak,1000\nrate,Z1,0,1000,0\nrate,Z1,1000,1000,200\nrate,Z2,0,1200,0\nrate,Z2,1000,1200,500\nsurcharge,fuel,percent,always,1250\n';

before(async () => {
	db = await freshDb();
	card = path.join(db.dir, 'card.csv');
	bad = path.join(db.dir, 'bad.csv');
	fs.writeFileSync(card, CARD);
	fs.writeFileSync(bad, 'card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,0\nbreak,0\n');
});

const ok = async (...args) => (await kefuOk([...args, '--db', db.url], { cwd: db.dir })).stdout;

describe('kefu ratecard and kefu quote', () => {
	it('checks, imports, lists and exports a card; a bad card exits 1 naming the line', async () => {
		assert.match((await kefuOk(['ratecard', 'check', card])).stdout, /ok: SF express, 2 zones, 2 weight breaks, 1 surcharges/);
		const r = await kefu(['ratecard', 'check', bad]);
		assertNoSanitizer(r.stderr);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /line 5: this weight break overlaps/);
		assert.match(await ok('ratecard', 'import', 'sf-express', card), /imported rate card \d+ \(sf-express\)/);
		const list = JSON.parse(await ok('ratecard', 'list', '--json'));
		assert.equal(list.length, 1);
		assert.equal(list[0].zone_count, 2);
		assert.equal(await ok('ratecard', 'export', String(list[0].id)), CARD, 'export gives back the imported CSV');
		const u = await kefu(['ratecard', 'frobnicate', '--db', db.url], { cwd: db.dir });
		assert.equal(u.code, 2);
	});

	it('prices offline from a file and online from a stored card, with --store', async () => {
		const offline = JSON.parse((await kefuOk(['quote', '--card-file', card, '--weight-g', '2300', '--to-region', '上海', '--unit-price', '5000', '--quantity', '2', '--json'])).stdout);
		assert.equal(offline.zone, 'Z1');
		assert.equal(offline.total, 10000 + 1500 + 188);
		const text = await ok('quote', '--card', '1', '--weight-g', '2300', '--to-region', '上海', '--unit-price', '5000', '--quantity', '2', '--store');
		assert.match(text, /zone Z1, billable 2500 g/);
		assert.match(text, /Fuel surcharge\s+fuel\s+1\.88/);
		assert.match(text, /Total\s+116\.88 CNY/);
		assert.match(text, /stored as quote 1/);
		const online = JSON.parse(await ok('quote', '--card', '1', '--weight-g', '2300', '--to-region', '上海', '--unit-price', '5000', '--quantity', '2', '--json'));
		assert.equal(online.total, offline.total, 'the same arithmetic offline and online');
		assert.ok(online.transit.earliest_at > 0, 'online quotes carry business-day transit dates');
		const r = await kefu(['quote', '--card', '1', '--weight-g', 'heavy', '--to-region', 'x', '--db', db.url], { cwd: db.dir });
		assert.notEqual(r.code, 0);
		assert.match(r.stderr, /weight_g/);
	});

	it('computes the seed elasticity and the newsvendor optimum', async () => {
		const e = (await kefuOk(['quote', 'elasticity', '10', '20000', '12', '15000'])).stdout;
		assert.match(e, /simple elasticity:\s+-1\.2500/);
		assert.match(e, /midpoint elasticity: -1\.5714 \(elastic/);
		assert.match(e, /revenue: 200000\.00 -> 180000\.00/);
		const w = (await kefuOk(['quote', 'elasticity', '10', '20000', '12', '15000', '8', '12', '5'])).stdout;
		const rows = [...w.matchAll(/^\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$/gm)].map((m) => m.slice(1).map(Number));
		assert.equal(rows.length, 5);
		assert.deepEqual(rows.map((r) => r[0]), [8, 9, 10, 11, 12]);
		assert.equal(rows[2][1], 20000, 'the base point lies on the curve');
		assert.ok(rows[0][2] > rows[4][2], 'elastic demand: revenue falls as the price rises');
		assert.equal((await kefu(['quote', 'elasticity', '10', '20000', '12', '15000', '12', '8', '5'])).code, 2);
		const n = (await kefuOk(['quote', 'newsvendor', '--price', '12', '--cost', '7', '--salvage', '3', '--mean', '1000', '--sd', '200'])).stdout;
		assert.match(n, /critical ratio \(optimal cycle service level\): 0\.5556/);
		assert.match(n, /order quantity: 1027\.9/);
		assert.match(n, /fill rate: 0\.933/);
		const r = await kefu(['quote', 'newsvendor', '--price', '5', '--cost', '7', '--salvage', '3', '--mean', '1000', '--sd', '200']);
		assert.equal(r.code, 2);
	});
});
