// customers.test.mjs - customers (CRM): create with identities, addresses,
// preferences and tags; duplicate identities; masking for staff without
// pii.read; If-Match; consents; the timeline; export and erasure through
// the API and the CLI.
//
// The timeline is filled by other areas (orders, shipments, tickets) as
// they land; until then these tests check that a new customer's timeline
// is an empty page with next_cursor null and that a bad cursor is refused.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, kefu, kefuOk, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

const PHONE = '138 1234 5678';

describe('customers', () => {
	let srv, admin, analyst, agent;
	const it = withLogs(() => srv);

	/** A staff user of role, signed in; returns the client. */
	async function staff(role) {
		const username = uniq(role);
		const password = 'correct horse battery';
		await admin.expect(201, 'POST', '/api/v1/users', { body: { username, role, password } });
		const c = srv.client(username);
		await c.login(username, password);
		return c;
	}

	let seq = 0;
	/** A customer with a phone and an e-mail of its own; returns the body. */
	async function createCustomer(client, extra = {}) {
		seq += 1;
		const body = {
			name: '张三',
			tier: 'A',
			stage: 'loyal',
			birthday: '1990-05-17',
			identities: [
				{ kind: 'phone', value: `139 0000 ${String(1000 + seq)}` },
				{ kind: 'email', value: `  Zhang.San${seq}@Example.COM ` },
			],
			addresses: [{ label: '家', recipient: '张三', phone: '13812345678', province: '上海市', city: '上海市', district: '浦东新区', line: '世纪大道 100 号', postcode: '200120' }],
			preferences: { usual_seat: '靠窗 12 号桌', 饮品: '绿茶' },
			tags: ['vip', '老客户'],
			...extra,
		};
		const res = await client.expect(201, 'POST', '/api/v1/customers', { body });
		return { ...res.json, etag: res.headers.etag };
	}

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		analyst = await staff('analyst');
		agent = await staff('agent');
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it('creates a customer with a Chinese name, identities, an address, preferences and tags', async () => {
		const c = await createCustomer(agent);
		assert.equal(c.name, '张三');
		assert.equal(c.tier, 'A');
		assert.equal(c.stage, 'loyal');
		assert.equal(c.kind, 'person');
		assert.equal(c.masked, false);
		assert.equal(c.etag, `"v${c.version}"`);
		const phone = c.identities.find((i) => i.kind === 'phone');
		const email = c.identities.find((i) => i.kind === 'email');
		assert.match(phone.value, /^139000010\d\d$/, 'phone not normalised to digits');
		assert.match(email.value, /^zhang\.san\d+@example\.com$/, 'e-mail not trimmed and lower-cased');
		assert.equal(c.addresses.length, 1);
		assert.equal(c.addresses[0].is_default, true, 'the first address is the default');
		assert.equal(c.addresses[0].line, '世纪大道 100 号');
		assert.deepEqual(c.preferences, { usual_seat: '靠窗 12 号桌', 饮品: '绿茶' });
		assert.deepEqual([...c.tags].sort(), ['vip', '老客户'].sort());
		const got = await agent.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		assert.equal(got.headers.etag, c.etag);
		assert.deepEqual(got.json.preferences, c.preferences);
	});

	it('a taken identity is 409 identity_exists naming the field, and nothing is created', async () => {
		const c = await createCustomer(agent);
		const phone = c.identities.find((i) => i.kind === 'phone').value;
		const before = await agent.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent('李四')}`);
		const res = await agent.api('POST', '/api/v1/customers', {
			body: { name: '李四', identities: [{ kind: 'phone', value: phone }] },
		});
		const e = assertError(res, 409, 'identity_exists', 'duplicate identity on create');
		assert.equal(e.field, 'identities[0].value');
		const afterList = await agent.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent('李四')}`);
		assert.equal(afterList.json.items.length, before.json.items.length, 'a customer was created anyway');
		const other = await agent.expect(201, 'POST', '/api/v1/customers', { body: { name: 'Li Si' } });
		const dup = await agent.api('POST', `/api/v1/customers/${other.json.id}/identities`, { body: { kind: 'phone', value: phone } });
		assert.equal(assertError(dup, 409, 'identity_exists', 'POST identities').field, 'value');
		agent.lang = 'zh-CN';
		const zh = await agent.api('POST', `/api/v1/customers/${other.json.id}/identities`, { body: { kind: 'phone', value: phone } });
		agent.lang = null;
		assert.match(zh.json.error.message, /[\u4e00-\u9fff]/, 'no Chinese message for identity_exists');
	});

	it('an analyst (no pii.read) sees masked personal data; an agent sees it whole', async () => {
		const c = await createCustomer(agent, { name: 'John Smith', addresses: [{ recipient: 'John Smith', phone: '13812345678', province: '浙江省', city: '杭州市', line: '文三路 1 号' }] });
		const masked = await analyst.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		const m = masked.json;
		assert.equal(m.masked, true);
		assert.equal(m.name, 'John Smith', 'the customer name is not masked');
		assert.equal(m.birthday, '****-**-**');
		const phone = m.identities.find((i) => i.kind === 'phone').value;
		assert.match(phone, /^139\*{4}\d{4}$/, `phone not masked: ${phone}`);
		const email = m.identities.find((i) => i.kind === 'email').value;
		assert.match(email, /^z\*\*\*@example\.com$/, `e-mail not masked: ${email}`);
		assert.equal(m.addresses[0].recipient, 'J*** S****');
		assert.equal(m.addresses[0].phone, '138****5678');
		assert.equal(m.addresses[0].line, '***');
		assert.equal(m.addresses[0].province, '浙江省', 'province is kept');
		assert.equal(m.addresses[0].city, '杭州市', 'city is kept');
		assert.ok(!JSON.stringify(m).includes('13812345678'), 'an unmasked phone leaked');
		assert.ok(!JSON.stringify(m).includes('1990-05-17'), 'the birthday leaked');
		const list = await analyst.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent('John')}`);
		assert.ok(list.json.items.every((x) => x.birthday === null || x.birthday === '****-**-**'), 'the list leaks birthdays');
		const whole = await agent.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		assert.equal(whole.json.masked, false);
		assert.equal(whole.json.birthday, '1990-05-17');
		assert.equal(whole.json.addresses[0].phone, '13812345678');
		// An analyst cannot write at all (customer.write).
		assertError(await analyst.api('PATCH', `/api/v1/customers/${c.id}`, { body: { note: 'x' }, headers: { 'If-Match': whole.headers.etag } }), 403, 'forbidden', 'analyst PATCH');
	});

	it('an analyst (no pii.read) cannot confirm a guessed phone or e-mail through ?q= (issue 12)', async () => {
		const c = await createCustomer(agent, { name: 'Guess Target' });
		const whole = (await agent.expect(200, 'GET', `/api/v1/customers/${c.id}`)).json;
		const phone = whole.identities.find((i) => i.kind === 'phone').value;
		const email = whole.identities.find((i) => i.kind === 'email').value;
		for (const q of [phone, email]) {
			const a = await analyst.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent(q)}`);
			assert.ok(!a.json.items.some((x) => x.id === c.id), `the analyst matched the customer by ${q}`);
			const g = await agent.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent(q)}`);
			assert.ok(g.json.items.some((x) => x.id === c.id), `an agent no longer finds the customer by ${q}`);
		}
	});

	it('PATCH needs If-Match; a stale one is 412 and changes nothing', async () => {
		const c = await createCustomer(agent);
		assertError(await agent.api('PATCH', `/api/v1/customers/${c.id}`, { body: { stage: 'at_risk' } }), 428, 'precondition_required', 'no If-Match');
		const ok = await agent.expect(200, 'PATCH', `/api/v1/customers/${c.id}`, { body: { stage: 'at_risk', note: '投诉过两次' }, headers: { 'If-Match': c.etag } });
		assert.equal(ok.json.stage, 'at_risk');
		assert.equal(ok.json.version, c.version + 1);
		assert.equal(ok.headers.etag, `"v${c.version + 1}"`);
		const stale = await agent.api('PATCH', `/api/v1/customers/${c.id}`, { body: { stage: 'lapsed' }, headers: { 'If-Match': c.etag } });
		assertError(stale, 412, 'stale', 'stale If-Match');
		const now = await agent.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		assert.equal(now.json.stage, 'at_risk', 'a stale PATCH changed the stage');
		assert.equal(now.json.version, c.version + 1);
		assertError(await agent.api('PATCH', `/api/v1/customers/${c.id}`, { body: { tier: 'D' }, headers: { 'If-Match': now.headers.etag } }), 400, 'invalid', 'bad tier');
		assertError(await agent.api('PATCH', `/api/v1/customers/${c.id}`, { body: { birthday: '1990-02-30' }, headers: { 'If-Match': now.headers.etag } }), 400, 'invalid', 'bad birthday');
		const audit = await admin.expect(200, 'GET', `/api/v1/audit?object_type=customer&object_id=${c.id}`);
		const upd = audit.json.items.find((r) => r.action === 'customer.update');
		assert.ok(upd, 'no customer.update audit row');
		assert.equal(upd.before.stage, 'loyal');
		assert.equal(upd.after.stage, 'at_risk');
	});

	it('preferences, tags and addresses change through their own routes', async () => {
		const c = await createCustomer(agent);
		const seat = encodeURIComponent('常坐座位');
		const p = await agent.expect(200, 'PUT', `/api/v1/customers/${c.id}/preferences/${seat}`, { body: { value: '大堂靠窗' } });
		assert.deepEqual(p.json, { key: '常坐座位', value: '大堂靠窗' });
		await agent.expect(204, 'DELETE', `/api/v1/customers/${c.id}/preferences/usual_seat`);
		assertError(await agent.api('DELETE', `/api/v1/customers/${c.id}/preferences/usual_seat`), 404, 'not_found', 'gone preference');
		await agent.expect(204, 'PUT', `/api/v1/customers/${c.id}/tags/${encodeURIComponent('投诉')}`);
		await agent.expect(204, 'PUT', `/api/v1/customers/${c.id}/tags/${encodeURIComponent('投诉')}`);
		await agent.expect(204, 'DELETE', `/api/v1/customers/${c.id}/tags/vip`);
		const got = await agent.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		assert.equal(got.json.preferences['常坐座位'], '大堂靠窗');
		assert.equal(got.json.preferences.usual_seat, undefined);
		assert.deepEqual([...got.json.tags].sort(), ['投诉', '老客户'].sort());
		const tagged = await agent.expect(200, 'GET', `/api/v1/customers?tag=${encodeURIComponent('投诉')}`);
		assert.ok(tagged.json.items.some((x) => x.id === c.id), 'tag filter misses the customer');
		assert.ok(got.json.version > c.version, 'changing parts did not bump the version');
		const a = await agent.expect(201, 'POST', `/api/v1/customers/${c.id}/addresses`, { body: { label: '公司', line: '南京西路 1 号', city: '上海市', is_default: true } });
		assert.equal(a.json.is_default, true);
		const first = c.addresses[0].id;
		const again = await agent.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		assert.equal(again.json.addresses.find((x) => x.id === first).is_default, false, 'two default addresses');
		assertError(await agent.api('PATCH', `/api/v1/customers/${c.id}/addresses/${a.json.id}`, { body: { label: '旧公司' }, headers: { 'If-Match': '"v99"' } }), 412, 'stale', 'stale address');
		const pa = await agent.expect(200, 'PATCH', `/api/v1/customers/${c.id}/addresses/${a.json.id}`, { body: { label: '旧公司' }, headers: { 'If-Match': a.headers.etag } });
		assert.equal(pa.json.label, '旧公司');
		await agent.expect(204, 'DELETE', `/api/v1/customers/${c.id}/addresses/${a.json.id}`);
		const ident = c.identities[0].id;
		await agent.expect(204, 'DELETE', `/api/v1/customers/${c.id}/identities/${ident}`);
		assertError(await agent.api('DELETE', `/api/v1/customers/${c.id}/identities/${ident}`), 404, 'not_found', 'gone identity');
	});

	it('lists filter by tier, stage and q (name prefix, exact phone or e-mail) and page with a cursor', async () => {
		const tag = uniq('t');
		const made = [];
		for (let i = 0; i < 3; i++) made.push(await createCustomer(agent, { name: `王五${i}`, tier: 'B', stage: 'potential', tags: [tag] }));
		const page1 = await agent.expect(200, 'GET', `/api/v1/customers?tag=${tag}&limit=2`);
		assert.equal(page1.json.items.length, 2);
		assert.ok(page1.json.next_cursor);
		const page2 = await agent.expect(200, 'GET', `/api/v1/customers?tag=${tag}&limit=2&cursor=${encodeURIComponent(page1.json.next_cursor)}`);
		assert.deepEqual([...page1.json.items, ...page2.json.items].map((x) => x.id), made.map((x) => x.id));
		assert.equal(page2.json.next_cursor, null);
		const b = await agent.expect(200, 'GET', `/api/v1/customers?tag=${tag}&tier=B&stage=potential`);
		assert.equal(b.json.items.length, 3);
		const a = await agent.expect(200, 'GET', `/api/v1/customers?tag=${tag}&tier=A`);
		assert.equal(a.json.items.length, 0);
		const byName = await agent.expect(200, 'GET', `/api/v1/customers?tag=${tag}&q=${encodeURIComponent('王五1')}`);
		assert.deepEqual(byName.json.items.map((x) => x.id), [made[1].id]);
		const phone = made[2].identities.find((i) => i.kind === 'phone').value;
		const byPhone = await agent.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent(`${phone.slice(0, 3)}-${phone.slice(3)}`)}`);
		assert.deepEqual(byPhone.json.items.map((x) => x.id), [made[2].id]);
		const email = made[0].identities.find((i) => i.kind === 'email').value;
		const byEmail = await agent.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent(email.toUpperCase())}`);
		assert.deepEqual(byEmail.json.items.map((x) => x.id), [made[0].id]);
		assertError(await agent.api('GET', '/api/v1/customers?tier=Z'), 400, 'invalid', 'bad tier filter');
		assertError(await agent.api('GET', '/api/v1/customers?stage=happy'), 400, 'invalid', 'bad stage filter');
	});

	it('consents keep their history; the record shows the latest per purpose', async () => {
		const c = await createCustomer(agent);
		const g = await agent.expect(201, 'POST', `/api/v1/customers/${c.id}/consents`, { body: { purpose: 'marketing_sms', granted: true, source: '门店登记表' } });
		assert.equal(g.json.granted, true);
		await agent.expect(201, 'POST', `/api/v1/customers/${c.id}/consents`, { body: { purpose: 'marketing_sms', granted: false, source: '短信回复 TD' } });
		await agent.expect(201, 'POST', `/api/v1/customers/${c.id}/consents`, { body: { purpose: 'data_processing', granted: true } });
		assertError(await agent.api('POST', `/api/v1/customers/${c.id}/consents`, { body: { purpose: 'spam', granted: true } }), 400, 'invalid', 'unknown purpose');
		const got = await agent.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		assert.equal(got.json.consents.marketing_sms.granted, false);
		assert.equal(got.json.consents.marketing_sms.source, '短信回复 TD');
		assert.equal(got.json.consents.data_processing.granted, true);
		const exp = await admin.expect(200, 'GET', `/api/v1/customers/${c.id}/export`);
		assert.deepEqual(exp.json.customer.consents.map((x) => [x.purpose, x.granted]), [['marketing_sms', true], ['marketing_sms', false], ['data_processing', true]]);
	});

	it('a new customer\'s timeline is an empty page with next_cursor null; a bad cursor is 400', async () => {
		const c = await createCustomer(agent);
		const t = await analyst.expect(200, 'GET', `/api/v1/customers/${c.id}/timeline`);
		assert.deepEqual(t.json, { items: [], next_cursor: null });
		assertError(await agent.api('GET', `/api/v1/customers/${c.id}/timeline?cursor=c12`), 400, 'invalid', 'bad cursor');
		assertError(await agent.api('GET', `/api/v1/customers/${c.id}/timeline?limit=0`), 400, 'range', 'bad limit');
		assertError(await agent.api('GET', '/api/v1/customers/999999/timeline'), 404, 'not_found', 'no such customer');
	});

	it('export holds everything, unmasked, and is audited; it needs customer.privacy', async () => {
		const c = await createCustomer(agent);
		assertError(await agent.api('GET', `/api/v1/customers/${c.id}/export`), 403, 'forbidden', 'agent export');
		const exp = await admin.expect(200, 'GET', `/api/v1/customers/${c.id}/export`);
		const x = exp.json;
		assert.equal(x.customer.id, c.id);
		assert.equal(x.customer.birthday, '1990-05-17');
		assert.equal(x.customer.masked, false);
		assert.deepEqual(x.customer.identities, c.identities);
		assert.deepEqual(x.customer.addresses, c.addresses);
		assert.deepEqual(x.customer.preferences, c.preferences);
		assert.deepEqual(x.customer.tags, c.tags);
		assert.ok(Array.isArray(x.customer.consents));
		assert.deepEqual(x.timeline, []);
		assert.equal(typeof x.exported_at, 'number');
		const audit = await admin.expect(200, 'GET', `/api/v1/audit?object_type=customer&object_id=${c.id}`);
		const row = audit.json.items.find((r) => r.action === 'customer.export');
		assert.ok(row, 'export was not audited');
		assert.equal(row.actor_name, 'admin');
	});

	it('erase anonymises: personal data gone, id, tier, stage and consents kept, audited, no more changes', async () => {
		const c = await createCustomer(agent);
		await agent.expect(201, 'POST', `/api/v1/customers/${c.id}/consents`, { body: { purpose: 'marketing_email', granted: true } });
		const phone = c.identities.find((i) => i.kind === 'phone').value;
		const res = await admin.expect(200, 'POST', `/api/v1/customers/${c.id}/erase`);
		const e = res.json;
		assert.equal(e.id, c.id);
		assert.equal(e.name, `已删除客户 / erased customer #${c.id}`);
		assert.equal(e.birthday, null);
		assert.equal(e.note, '');
		assert.deepEqual(e.identities, []);
		assert.deepEqual(e.addresses, []);
		assert.deepEqual(e.preferences, {});
		assert.equal(e.tier, 'A');
		assert.equal(e.stage, 'loyal');
		assert.equal(typeof e.erased_at, 'number');
		assert.equal(e.consents.marketing_email.granted, true, 'the consent record was lost');
		const text = JSON.stringify(e);
		for (const s of ['张三', phone, '世纪大道', '靠窗']) assert.ok(!text.includes(s), `erased customer still holds ${s}`);
		const audit = await admin.expect(200, 'GET', `/api/v1/audit?object_type=customer&object_id=${c.id}`);
		const row = audit.json.items.find((r) => r.action === 'customer.erase');
		assert.ok(row, 'erase was not audited');
		assert.equal(row.before.tier, 'A');
		assert.equal(row.before.name, undefined, 'the erase audit row holds the name');
		assert.ok(!JSON.stringify(audit.json.items).includes(phone), 'the audit trail holds the phone number unmasked');
		assertError(await admin.api('POST', `/api/v1/customers/${c.id}/erase`), 409, 'erased', 'erase twice');
		assertError(await agent.api('PUT', `/api/v1/customers/${c.id}/tags/x`), 409, 'erased', 'tag an erased customer');
		assertError(await agent.api('PATCH', `/api/v1/customers/${c.id}`, { body: { name: '张三' }, headers: { 'If-Match': res.headers.etag } }), 409, 'erased', 'PATCH an erased customer');
		// The phone is free again: a new customer may use it.
		await agent.expect(201, 'POST', '/api/v1/customers', { body: { name: '新客户', identities: [{ kind: 'phone', value: phone }] } });
		const list = await agent.expect(200, 'GET', `/api/v1/customers?q=${encodeURIComponent('已删除')}`);
		assert.ok(!list.json.items.some((x) => x.id === c.id), 'erased customers are listed');
	});

	it('kefu customer show/export print the customer; erase needs --yes and works', async () => {
		const c = await createCustomer(agent);
		const show = await kefuOk(['customer', 'show', String(c.id), '--db', srv.db.url], { cwd: srv.db.dir });
		assert.equal(JSON.parse(show.stdout).birthday, '1990-05-17');
		const exp = await kefuOk(['customer', 'export', String(c.id), '--db', srv.db.url], { cwd: srv.db.dir });
		const cli = JSON.parse(exp.stdout);
		const api = (await admin.expect(200, 'GET', `/api/v1/customers/${c.id}/export`)).json;
		delete cli.exported_at;
		delete api.exported_at;
		assert.deepEqual(cli, api, 'kefu customer export differs from GET /export');
		const file = path.join(srv.db.dir, `export-${c.id}.json`);
		await kefuOk(['customer', 'export', String(c.id), '--out', file, '--db', srv.db.url], { cwd: srv.db.dir });
		assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).customer.id, c.id);
		const audit = await admin.expect(200, 'GET', `/api/v1/audit?object_type=customer&object_id=${c.id}`);
		assert.ok(audit.json.items.some((r) => r.action === 'customer.export' && r.actor_kind === 'cli'), 'CLI export not audited as the CLI');
		const no = await kefu(['customer', 'erase', String(c.id), '--db', srv.db.url], { cwd: srv.db.dir });
		assert.equal(no.code, 2, `erase without --yes: exit ${no.code}`);
		assert.match(no.stderr, /--yes/);
		assert.equal((await kefu(['customer', 'show', 'abc', '--db', srv.db.url], { cwd: srv.db.dir })).code, 2);
		assert.equal((await kefu(['customer', 'show', '999999', '--db', srv.db.url], { cwd: srv.db.dir })).code, 1);
		await kefuOk(['customer', 'erase', String(c.id), '--yes', '--db', srv.db.url], { cwd: srv.db.dir });
		const got = await agent.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		assert.equal(got.json.name, `已删除客户 / erased customer #${c.id}`);
		assert.deepEqual(got.json.identities, []);
		const audit2 = await admin.expect(200, 'GET', `/api/v1/audit?object_type=customer&object_id=${c.id}`);
		assert.ok(audit2.json.items.some((r) => r.action === 'customer.erase' && r.actor_kind === 'cli'), 'CLI erase not audited');
	});

	it('lists filter by RFM segment after kefu analytics recompute; a bad segment is 400', async () => {
		const tag = uniq('seg');
		const c = await createCustomer(agent, { tags: [tag] });
		const lines = [{ sku: 'CUP-1', quantity: 2, unit_price_minor: 5900 }];
		await admin.expect(201, 'POST', '/api/v1/orders', { body: { number: uniq('SO-'), customer_id: c.id, placed_at: Math.floor(Date.now() / 1000) - 86400, lines } });
		const none = await agent.expect(200, 'GET', `/api/v1/customers?tag=${tag}&segment=new_customers`);
		assert.equal(none.json.items.length, 0, 'a segment before any recompute');
		const r = await kefuOk(['analytics', 'recompute', '--db', srv.db.url], { cwd: srv.db.dir });
		assert.match(r.stdout, /rows written/);
		// the only buyer in this database: R 5, F 1 -> new_customers; all the revenue -> A
		const seg = await agent.expect(200, 'GET', `/api/v1/customers?tag=${tag}&segment=new_customers`);
		assert.deepEqual(seg.json.items.map((x) => x.id), [c.id]);
		assert.equal(seg.json.items[0].tier, 'A');
		assert.equal(seg.json.items[0].stage, 'new');
		const other = await agent.expect(200, 'GET', `/api/v1/customers?tag=${tag}&segment=champions`);
		assert.equal(other.json.items.length, 0);
		const e = assertError(await agent.api('GET', '/api/v1/customers?segment=vip'), 400, 'invalid', 'bad segment filter');
		assert.equal(e.field, 'segment');
		const audit = await admin.expect(200, 'GET', `/api/v1/audit?object_type=customer&object_id=${c.id}`);
		assert.ok(audit.json.items.some((x) => x.action === 'customer.reclassify'), 'reclassification not audited');
		assert.equal((await kefu(['analytics', 'recompute', '--a', '0.9', '--b', '0.2', '--db', srv.db.url], { cwd: srv.db.dir })).code, 2);
	});

	it('rejects bad input with field-named errors', async () => {
		assertError(await agent.api('POST', '/api/v1/customers', { body: {} }), 400, 'required', 'no name');
		const e1 = assertError(await agent.api('POST', '/api/v1/customers', { body: { name: 'x', identities: [{ kind: 'email', value: 'not-an-email' }] } }), 400, 'invalid', 'bad email');
		assert.equal(e1.field, 'identities[0].value');
		const e2 = assertError(await agent.api('POST', '/api/v1/customers', { body: { name: 'x', addresses: [{ city: '北京' }] } }), 400, 'required', 'address without line');
		assert.equal(e2.field, 'addresses[0].line');
		const e3 = assertError(await agent.api('POST', '/api/v1/customers', { body: { name: 'x', colour: 'red' } }), 400, 'unknown_field', 'unknown field');
		assert.equal(e3.field, 'colour');
		const e4 = assertError(await agent.api('POST', '/api/v1/customers', { body: { name: 'x', stage: 'happy' } }), 400, 'invalid', 'bad stage');
		assert.equal(e4.field, 'stage');
		const co = await agent.expect(201, 'POST', '/api/v1/customers', { body: { name: '东方酒店', kind: 'company' } });
		const p = await agent.expect(201, 'POST', '/api/v1/customers', { body: { name: '赵六', company_id: co.json.id } });
		assert.equal(p.json.company_id, co.json.id);
		const e5 = assertError(await agent.api('POST', '/api/v1/customers', { body: { name: 'y', company_id: p.json.id } }), 400, 'invalid', 'company is a person');
		assert.equal(e5.field, 'company_id');
		assertError(await agent.api('GET', '/api/v1/customers/999999'), 404, 'not_found', 'missing customer');
	});
});
