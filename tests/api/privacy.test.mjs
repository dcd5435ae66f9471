// privacy.test.mjs - privacy defects of issue 12: merging tickets of two
// customers is refused (one customer's conversation never reaches another's
// portal); erasure reaches every copy of the person kefu holds (audit
// before/after, generated subjects, messages, events, the search index);
// a role without pii.read gets no signal from search on personal fields.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/privacy.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, kefuOk, startServer, uniq, withLogs } from './lib.mjs';

let srv, admin;
const it = withLogs(() => srv);

async function customer(name, extra = {}) {
	return (await admin.expect(201, 'POST', '/api/v1/customers', {
		body: { name, identities: [{ kind: 'email', value: `${uniq('c')}@example.com` }], ...extra },
	})).json;
}

async function account(customerId) {
	const login = `${uniq('p')}@example.com`;
	const res = await admin.expect(201, 'POST', `/api/v1/customers/${customerId}/portal-account`, { body: { login } });
	const c = srv.client(login);
	await c.portalLogin(login, res.json.password);
	return c;
}

before(async () => {
	srv = await startServer();
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
});
after(async () => {
	if (srv) await srv.stop();
});
after(cleanup);

describe('merging tickets', () => {
	it('tickets of two customers are not merged: 409 merge_different_customers, nothing changes, A\'s portal never shows B\'s conversation', async () => {
		const a = await customer('合并甲');
		const b = await customer('合并乙');
		const ta = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'A asks', body: 'alpha question', customer_id: a.id } })).json;
		const tb = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'B asks', body: 'bravo secret 13900001111', customer_id: b.id } })).json;
		await admin.expect(201, 'POST', `/api/v1/tickets/${tb.id}/replies`, { body: { body: 'reply to bravo' } });
		const file = await admin.api('POST', `/api/v1/tickets/${tb.id}/attachments?filename=bravo-invoice.txt`, {
			body: 'bravo private file', headers: { 'Content-Type': 'text/plain' },
		});
		assert.equal(file.status, 201, file.text);
		const beforeB = (await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}`)).json;
		const evBefore = (await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}/events`)).json.items.length;

		const e = assertError(await admin.api('POST', `/api/v1/tickets/${tb.id}/merge`, { body: { into: ta.id } }), 409, 'merge_different_customers');
		assert.match(e.message, /different customers/);
		const zh = await admin.api('POST', `/api/v1/tickets/${tb.id}/merge`, { body: { into: ta.id }, headers: { 'Accept-Language': 'zh-CN' } });
		assert.equal(zh.status, 409);
		assert.match(zh.json.error.message, /不同客户/);

		// Nothing changed: B is as it was, its messages and file stay with it.
		const afterB = (await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}`)).json;
		assert.equal(afterB.state, beforeB.state);
		assert.equal(afterB.merged_into_id ?? null, null);
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}/events`)).json.items.length, evBefore);
		const msgsB = (await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}/messages`)).json.items;
		assert.ok(msgsB.some((m) => m.body.includes('bravo secret')));
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${tb.id}/attachments`)).json.items.length, 1);
		const msgsA = (await admin.expect(200, 'GET', `/api/v1/tickets/${ta.id}/messages`)).json.items;
		assert.ok(!msgsA.some((m) => m.body.includes('bravo')));

		// A's portal shows nothing of B.
		const pa = await account(a.id);
		const mine = await pa.expect(200, 'GET', `/api/v1/portal/tickets/${ta.id}`);
		assert.ok(!mine.text.includes('bravo'), 'B\'s conversation reached A\'s portal');
		assert.equal(mine.json.attachments.length, 0);
		assertError(await pa.api('GET', `/api/v1/portal/attachments/${file.json.id}`), 404, 'not_found');
		const list = await pa.expect(200, 'GET', '/api/v1/portal/tickets');
		assert.ok(!list.text.includes('bravo') && !list.text.includes('B asks'));
		// A ticket without a customer is not merged into a customer's either.
		const anon = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'walk-in', body: 'charlie words' } })).json;
		assertError(await admin.api('POST', `/api/v1/tickets/${anon.id}/merge`, { body: { into: ta.id } }), 409, 'merge_different_customers');
	});

	it('tickets of the same customer still merge', async () => {
		const a = await customer('合并丙');
		const t1 = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'one', body: 'first words', customer_id: a.id } })).json;
		const t2 = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'two', body: 'second words', customer_id: a.id } })).json;
		const r = await admin.expect(200, 'POST', `/api/v1/tickets/${t2.id}/merge`, { body: { into: t1.id } });
		assert.equal(r.json.id, t1.id);
		const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${t1.id}/messages`)).json.items;
		assert.deepEqual(msgs.map((m) => m.body), ['first words', 'second words']);
		const pa = await account(a.id);
		const mine = (await pa.expect(200, 'GET', `/api/v1/portal/tickets/${t1.id}`)).json;
		assert.ok(mine.messages.some((m) => m.body === 'second words'));
		// A search hit on the moved message opens the ticket that holds it now.
		const hit = (await admin.expect(200, 'GET', '/api/v1/search?kind=message&q=second')).json.items;
		assert.deepEqual(hit.map((h) => h.parent_id), [t1.id]);
	});
});

describe('erasure reaches every copy of the person', () => {
	/** Every item of a paged list. */
	async function all(url) {
		const out = [];
		let cursor = '';
		for (let i = 0; i < 200; i++) {
			const sep = url.includes('?') ? '&' : '?';
			const res = await admin.expect(200, 'GET', `${url}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
			out.push(...res.json.items);
			if (!res.json.next_cursor) return out;
			cursor = res.json.next_cursor;
		}
		throw new Error(`${url}: the list never ended`);
	}

	/** A person with distinctive values, tickets, messages, a care ticket and an audited change. */
	async function person(tag) {
		const p = {
			oldName: `欧阳${tag}旧名`, name: `欧阳${tag}测删`, phone: `1376655${tag}`, email: `ouyang.${tag}.erase@example.org`,
			oldPhone: `1385544${tag}`, recipient: `收件人${tag}甲`, line: `删除路${tag}号`,
		};
		const c = (await admin.expect(201, 'POST', '/api/v1/customers', {
			body: {
				name: p.oldName,
				identities: [{ kind: 'phone', value: p.oldPhone }, { kind: 'email', value: p.email }],
				addresses: [{ recipient: p.recipient, phone: p.phone, province: '浙江省', city: '杭州市', line: p.line }],
			},
		})).json;
		p.id = c.id;
		// Changes, audited with before/after copies: the name, a new phone, the old one removed.
		const cur = await admin.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		await admin.expect(200, 'PATCH', `/api/v1/customers/${c.id}`, { body: { name: p.name }, headers: { 'If-Match': cur.headers.etag } });
		await admin.expect(201, 'POST', `/api/v1/customers/${c.id}/identities`, { body: { kind: 'phone', value: p.phone } });
		const old = (await admin.expect(200, 'GET', `/api/v1/customers/${c.id}`)).json.identities.find((i) => i.value === p.oldPhone);
		await admin.api('DELETE', `/api/v1/customers/${c.id}/identities/${old.id}`);
		const t1 = (await admin.expect(201, 'POST', '/api/v1/tickets', {
			body: { type: 'inquiry', subject: `${p.name}的订单问题`, body: `我是${p.name}，电话 ${p.phone}，邮箱 ${p.email}`, customer_id: c.id },
		})).json;
		await admin.expect(201, 'POST', `/api/v1/tickets/${t1.id}/replies`, { body: { body: `${p.name}您好，已回电 ${p.phone}（旧号 ${p.oldPhone}）` } });
		await admin.expect(201, 'POST', `/api/v1/tickets/${t1.id}/notes`, { body: { body: `内部：客户 ${p.oldName} 改名为 ${p.name}，邮箱 ${p.email}` } });
		// The masked e-mail as a role without pii.read sees it (o***@example.org), copied into a note.
		p.maskedEmail = `${p.email[0]}***@example.org`;
		await admin.expect(201, 'POST', `/api/v1/tickets/${t1.id}/notes`, { body: { body: `客户邮箱 ${p.maskedEmail} 已核对` } });
		// A care ticket with the subject kefu's care job writes.
		const care = (await admin.expect(201, 'POST', '/api/v1/tickets', {
			body: { type: 'care', channel: 'system', subject: `老客户回访：${p.name} / Win-back: ${p.name}`, customer_id: c.id },
		})).json;
		// A complaint whose free-text fields and a file name carry the person's values.
		const comp = (await admin.expect(201, 'POST', '/api/v1/tickets', {
			body: { type: 'complaint', subject: `杯子碎了 ${tag}`, customer_id: c.id },
		})).json;
		const curl = `/api/v1/tickets/${comp.id}/complaint`;
		const cc = await admin.expect(200, 'GET', curl);
		await admin.expect(200, 'PATCH', curl, {
			body: {
				investigation_notes: `致电 ${p.phone} 联系 ${p.name}`, root_cause: `${p.recipient}签收时破损`,
				responsible_department: '仓储部', solution: `寄到${p.line}，抄送 ${p.email}`,
			},
			headers: { 'If-Match': cc.headers.etag },
		});
		const file = await admin.api('POST', `/api/v1/tickets/${comp.id}/attachments?filename=${encodeURIComponent(`${p.name}-照片.txt`)}`, {
			body: 'photo', headers: { 'Content-Type': 'text/plain' },
		});
		assert.equal(file.status, 201, file.text);
		// A return and a claim on a delivered order of theirs, with the person's values in the reasons.
		const now = Math.floor(Date.now() / 1000);
		const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
			body: {
				number: `SO-ERASE-${tag}`, customer_id: c.id, placed_at: now - 5 * 86400, currency: 'CNY',
				lines: [{ line_no: 1, sku: 'POT-1', name: '茶壶', quantity: 1, unit_price_minor: 12000 }],
			},
		})).json;
		const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
			body: { order_id: order.id, tracking_number: `SF-ERASE-${tag}`, carrier: 'SF', lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] },
		})).json;
		const ev = await admin.api('POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now - 86400, status: 'delivered', location: '杭州' } });
		assert.ok([200, 201].includes(ev.status), ev.text);
		const ret = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'return', subject: `退货 ${tag}`, customer_id: c.id, order_id: order.id } })).json;
		await admin.expect(201, 'POST', `/api/v1/tickets/${ret.id}/return`, {
			body: { reason: `${p.name}说不想要了，回电 ${p.phone}`, action: 'refund', lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] },
		});
		const claim = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'claim', subject: `理赔 ${tag}`, customer_id: c.id, shipment_id: ship.id } })).json;
		const cl = await admin.expect(201, 'POST', `/api/v1/tickets/${claim.id}/claim`, { body: { kind: 'damage', declared_value_minor: 12000, currency: 'CNY' } });
		await admin.expect(200, 'POST', `/api/v1/tickets/${claim.id}/claim/decide`, {
			body: { decision: 'approved', payout_minor: 12000, decision_reason: `${p.recipient}签收时破损，${p.email}` }, headers: { 'If-Match': cl.headers.etag },
		});
		p.ret = ret.id;
		p.claim = claim.id;
		p.complaint = comp.id;
		p.tickets = [t1.id, care.id, comp.id, ret.id, claim.id];
		p.secrets = [p.oldName, p.name, p.phone, p.oldPhone, p.email, p.recipient, p.line];
		return p;
	}

	/** The bodies of many endpoints that could show p; none may contain any of p's values. */
	async function assertGone(p) {
		const bodies = [];
		const get = async (url) => bodies.push([url, (await admin.expect(200, 'GET', url)).text]);
		await get(`/api/v1/customers/${p.id}`);
		await get(`/api/v1/customers/${p.id}/timeline`);
		await get(`/api/v1/tickets?customer_id=${p.id}`);
		await get('/api/v1/tickets?limit=200');
		for (const t of p.tickets) {
			await get(`/api/v1/tickets/${t}`);
			await get(`/api/v1/tickets/${t}/messages`);
			await get(`/api/v1/tickets/${t}/events`);
			await get(`/api/v1/tickets/${t}/attachments`);
		}
		await get(`/api/v1/tickets/${p.complaint}/complaint`);
		await get(`/api/v1/tickets/${p.ret}/return`);
		await get(`/api/v1/tickets/${p.claim}/claim`);
		bodies.push(['/api/v1/audit', JSON.stringify(await all('/api/v1/audit'))]);
		for (const v of p.secrets) {
			for (const q of [v, v.slice(0, 5)]) {
				const res = await admin.expect(200, 'GET', `/api/v1/search?limit=200&q=${encodeURIComponent(q)}`);
				bodies.push([`search ${q}`, res.text]);
				if (q === v) assert.deepEqual(res.json.items, [], `search for ${v} still finds ${JSON.stringify(res.json.items)}`);
			}
		}
		for (const [url, text] of bodies)
			for (const v of [...p.secrets, p.maskedEmail]) assert.ok(!text.includes(v), `${url} still shows ${v}`);
	}

	it('after POST /customers/:id/erase no API output shows the name, phone, e-mail or address; the audit entries stay', async () => {
		const p = await person('8801');
		const auditBefore = (await all(`/api/v1/audit?object_type=customer&object_id=${p.id}`)).length;
		// Before the erase every value is there to be found (the test would prove nothing otherwise).
		assert.equal((await admin.expect(200, 'GET', `/api/v1/search?q=${p.phone}`)).json.items.length > 0, true);
		assert.ok(JSON.stringify(await all('/api/v1/audit')).includes(p.oldName));
		await admin.expect(200, 'POST', `/api/v1/customers/${p.id}/erase`);
		await assertGone(p);
		const kept = await all(`/api/v1/audit?object_type=customer&object_id=${p.id}`);
		assert.equal(kept.length, auditBefore + 1, 'audit entries were deleted, not masked');
		assert.ok(JSON.stringify(kept).includes('已删除'), 'the masked values carry the marker');
		const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${p.tickets[0]}/messages`)).json.items;
		assert.equal(msgs.length, 4, 'the messages are kept');
		assert.match(msgs[0].body, /^我是\[已删除\/erased\]，电话 \[已删除\/erased\]/);
		const care = (await admin.expect(200, 'GET', `/api/v1/tickets/${p.tickets[1]}`)).json;
		assert.equal(care.subject, '老客户回访：[已删除/erased] / Win-back: [已删除/erased]');
		// The rest of the conversation is still searchable.
		assert.equal((await admin.expect(200, 'GET', `/api/v1/search?kind=message&q=${encodeURIComponent('已回电')}`)).json.items.length, 1);
	});

	it('kefu customer erase reaches the same copies', async () => {
		const p = await person('8802');
		await kefuOk(['customer', 'erase', String(p.id), '--yes', '--db', srv.db.url], { cwd: srv.db.dir });
		await assertGone(p);
	});
});
