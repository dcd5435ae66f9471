// events_emit.test.mjs - every user action appends its event to the stream
// (docs/events.md) with the expected type, entity and payload, read from
// the events table directly (sqlite3 / psql), on the backend
// KF_TEST_BACKEND names: ticket created/replied/updated/state_changed/merged
// (the message's event before the state change it causes), and a parcel's
// tracking event and delivery (shipment.tracked, shipment.delivered with
// the order, which the survey listener reacts to); customer.created (also
// per customer an import creates) and customer.updated naming what changed,
// never a value, and nothing personal left in them after an erasure.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/events_emit.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { BACKEND, PG_URL, cleanup, freshDb, run, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

let srv, admin;
const it = withLogs(() => srv);

/** The events after seq `after`, oldest first: [{seq, type, entity, entity_id, payload}]. */
async function events(afterSeq = 0) {
	const text = `SELECT seq || ' ' || type || ' ' || entity || ' ' || entity_id || ' ' || payload FROM events WHERE seq > ${afterSeq} ORDER BY seq`;
	const r =
		BACKEND === 'sqlite'
			? await run('sqlite3', [srv.db.url, text])
			: await run('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', PG_URL, '-c', text], { rawEnv: process.env });
	assert.equal(r.code, 0, `${text}: ${r.stderr}`);
	return r.stdout.split('\n').filter((l) => l.trim()).map((l) => {
		const [seq, type, entity, id, ...rest] = l.split(' ');
		return { seq: Number(seq), type, entity, entity_id: Number(id), payload: JSON.parse(rest.join(' ')) };
	});
}

async function sql(text) {
	const r =
		BACKEND === 'sqlite'
			? await run('sqlite3', [srv.db.url, text])
			: await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', PG_URL, '-c', text], { rawEnv: process.env });
	assert.equal(r.code, 0, `${text}: ${r.stderr}`);
}

async function lastSeq() {
	const all = await events(0);
	return all.length ? all[all.length - 1].seq : 0;
}

async function ticket(subject) {
	return (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject } })).json;
}

describe('events emitted by user actions', () => {
	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
	});
	after(async () => {
		await srv.stop();
	});

	it('creating a ticket appends ticket.created with its number, type and state', async () => {
		const from = await lastSeq();
		const tk = await ticket('发票怎么开');
		const evs = (await events(from)).filter((e) => e.entity === 'ticket');
		assert.equal(evs.length, 1);
		assert.equal(evs[0].type, 'ticket.created');
		assert.equal(evs[0].entity_id, tk.id);
		assert.equal(evs[0].payload.ticket_type, 'inquiry');
		assert.equal(evs[0].payload.state, 'new');
		assert.equal(evs[0].payload.number, tk.number);
	});

	it('a public reply appends ticket.replied before the state change it causes', async () => {
		const tk = await ticket('退货流程');
		const from = await lastSeq();
		await admin.expect(201, 'POST', `/api/v1/tickets/${tk.id}/replies`, { body: { body: '您好' } });
		const types = (await events(from)).filter((e) => e.entity_id === tk.id).map((e) => e.type);
		assert.deepEqual(types, ['ticket.replied', 'ticket.state_changed']);
		const replied = (await events(from)).find((e) => e.type === 'ticket.replied');
		assert.ok(Number.isInteger(replied.payload.message_id) && replied.payload.message_id > 0);
		const moved = (await events(from)).find((e) => e.type === 'ticket.state_changed');
		assert.equal(moved.payload.from, 'new');
	});

	it('changing the priority appends ticket.updated with before and after', async () => {
		const tk = await ticket('包裹破损');
		const cur = await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}`);
		const from = await lastSeq();
		await admin.expect(200, 'PATCH', `/api/v1/tickets/${tk.id}`, { body: { priority: 'urgent' }, headers: { 'If-Match': cur.headers.etag } });
		const evs = (await events(from)).filter((e) => e.entity_id === tk.id);
		assert.equal(evs.length, 1);
		assert.equal(evs[0].type, 'ticket.updated');
		assert.equal(evs[0].payload.before.priority, 'normal');
		assert.equal(evs[0].payload.after.priority, 'urgent');
	});

	it('merging appends ticket.merged naming the target and the state it left', async () => {
		const a = await ticket('重复的问题 A');
		const b = await ticket('重复的问题 B');
		const from = await lastSeq();
		await admin.expect(200, 'POST', `/api/v1/tickets/${b.id}/merge`, { body: { into: a.id } });
		const merged = (await events(from)).filter((e) => e.type === 'ticket.merged');
		assert.equal(merged.length, 1);
		assert.equal(merged[0].entity_id, b.id);
		assert.equal(merged[0].payload.merged_into_id, a.id);
		assert.equal(merged[0].payload.from, 'new');
		assert.equal(merged[0].payload.state, 'closed');
	});

	it('a complaint step appends complaint.advanced with the step and no free text', async () => {
		const t = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'complaint', subject: '包裹丢失' } })).json;
		const url = `/api/v1/tickets/${t.id}/complaint`;
		const cur = await admin.expect(200, 'GET', url);
		const from = await lastSeq();
		await admin.expect(200, 'POST', `${url}/advance`, { body: { to: 'initial_handling' }, headers: { 'If-Match': cur.headers.etag } });
		const evs = (await events(from)).filter((e) => e.type === 'complaint.advanced');
		assert.equal(evs.length, 1);
		assert.equal(evs[0].entity_id, t.id);
		assert.equal(evs[0].payload.action, 'advance');
		assert.equal(evs[0].payload.step, 'initial_handling');
	});

	it('a survey appends survey.sent and survey.answered with ids and scores, never the token or comment', async () => {
		await sql("INSERT INTO desk_settings (key, value) VALUES ('survey_delay_resolution_s', 1)");
		const c = (await admin.expect(201, 'POST', '/api/v1/customers', {
			body: { name: '韩梅梅', locale: 'zh-CN', identities: [{ kind: 'email', value: `${uniq('c')}@example.com` }] },
		})).json;
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: '开发票', customer_id: c.id, language: 'zh' } })).json;
		await admin.expect(201, 'POST', `/api/v1/tickets/${tk.id}/replies`, { body: { body: '已开具' } });
		const cur = await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}`);
		await admin.expect(200, 'POST', `/api/v1/tickets/${tk.id}/transition`, { body: { state: 'resolved' }, headers: { 'If-Match': cur.headers.etag } });
		let sent;
		for (let i = 0; i < 60 && !sent; i++) {
			sent = (await events(0)).find((e) => e.type === 'survey.sent' && e.payload.ticket_id === tk.id);
			if (!sent) await new Promise((r) => setTimeout(r, 250));
		}
		assert.ok(sent, 'survey.sent within 15 s');
		assert.equal(sent.entity, 'survey');
		assert.equal(sent.payload.kind, 'resolution');
		assert.equal(sent.payload.customer_id, c.id);
		const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}/messages`)).json.items;
		const token = msgs.map((m) => (/\/survey\/([A-Za-z0-9_-]{43})/.exec(m.body) || [])[1]).find(Boolean);
		assert.ok(token, 'the link was posted on the ticket');
		await srv.client('anon').expect(201, 'POST', `/api/v1/surveys/${token}`, { body: { csat: 5, comment: '非常满意的秘密评论' } });
		const all = await events(0);
		const answered = all.find((e) => e.type === 'survey.answered' && e.entity_id === sent.entity_id);
		assert.ok(answered);
		assert.equal(answered.payload.csat, 5);
		assert.equal(answered.payload.nps, null);
		const text = JSON.stringify(all);
		assert.ok(!text.includes(token) && !text.includes('秘密评论'), 'no token and no comment in any event');
	});

	it('erasing a customer masks the personal data in the events and appends customer.erased', async () => {
		const name = `王小明${uniq('x')}`;
		const c = (await admin.expect(201, 'POST', '/api/v1/customers', {
			body: { name, locale: 'zh-CN', identities: [{ kind: 'email', value: `${uniq('c')}@example.com` }] },
		})).json;
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: `${name} 的发票`, customer_id: c.id } })).json;
		const before = (await events(0)).filter((e) => e.entity_id === tk.id && e.entity === 'ticket');
		assert.ok(JSON.stringify(before).includes(name), 'the subject is in the ticket event before the erasure');
		await admin.expect(200, 'POST', `/api/v1/customers/${c.id}/erase`);
		const all = await events(0);
		assert.ok(!JSON.stringify(all).includes(name), 'no event holds the name after the erasure');
		const masked = all.find((e) => e.entity_id === tk.id && e.type === 'ticket.created');
		assert.match(masked.payload.subject, /已删除\/erased/);
		const erased = all.filter((e) => e.type === 'customer.erased');
		assert.equal(erased.length, 1);
		assert.equal(erased[0].entity_id, c.id);
		assert.deepEqual(erased[0].payload, {});
	});

	it('a customer appends customer.created, and customer.updated naming what changed, never a value', async () => {
		const start = await lastSeq();
		const c = (await admin.expect(201, 'POST', '/api/v1/customers', {
			body: { name: '李雷', locale: 'zh-CN', identities: [{ kind: 'email', value: `${uniq('c')}@example.com` }] },
		})).json;
		const made = (await events(start)).filter((e) => e.entity === 'customer');
		assert.deepEqual(made.map((e) => [e.type, e.entity_id]), [['customer.created', c.id]]);
		assert.deepEqual(made[0].payload, {});
		const from = await lastSeq();
		const cur = await admin.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		const secret = `李雷雷${uniq('n')}`;
		await admin.expect(200, 'PATCH', `/api/v1/customers/${c.id}`, { body: { name: secret, tier: 'A', note: '' }, headers: { 'If-Match': cur.headers.etag } });
		const seat = encodeURIComponent('常坐座位');
		await admin.expect(200, 'PUT', `/api/v1/customers/${c.id}/preferences/${seat}`, { body: { value: '大堂靠窗' } });
		await admin.expect(204, 'PUT', `/api/v1/customers/${c.id}/tags/${encodeURIComponent('投诉')}`);
		await admin.expect(201, 'POST', `/api/v1/customers/${c.id}/addresses`, { body: { label: '公司', line: '南京西路 1 号', city: '上海市' } });
		await admin.expect(201, 'POST', `/api/v1/customers/${c.id}/identities`, { body: { kind: 'phone', value: '13912345678' } });
		const upd = (await events(from)).filter((e) => e.entity === 'customer');
		assert.ok(upd.every((e) => e.type === 'customer.updated' && e.entity_id === c.id), JSON.stringify(upd));
		assert.deepEqual(upd.map((e) => e.payload.changed), [['name', 'tier'], ['preferences'], ['tags'], ['addresses'], ['identities']]);
		const text = JSON.stringify(upd);
		assert.ok(!text.includes(secret) && !text.includes('大堂靠窗') && !text.includes('南京西路') && !text.includes('13912345678'), 'no value in customer.updated');
		// a change that changes nothing appends nothing
		const same = await lastSeq();
		const now = await admin.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		await admin.expect(200, 'PATCH', `/api/v1/customers/${c.id}`, { body: { tier: 'A' }, headers: { 'If-Match': now.headers.etag } });
		assert.deepEqual((await events(same)).filter((e) => e.entity === 'customer'), []);
	});

	it('an import appends customer.created per created customer', async () => {
		const start = await lastSeq();
		const rows = [{ external_id: uniq('IMP-'), name: '导入客户甲' }, { external_id: uniq('IMP-'), name: '导入客户乙' }];
		await admin.expect(200, 'POST', '/api/v1/imports/customers', { body: { rows } });
		const created = (await events(start)).filter((e) => e.type === 'customer.created');
		assert.equal(created.length, 2);
		const ext = [];
		for (const e of created) ext.push((await admin.expect(200, 'GET', `/api/v1/customers/${e.entity_id}`)).json.external_id);
		assert.deepEqual(ext.sort(), rows.map((r) => r.external_id).sort());
	});

	it('after erasing a customer no event of that customer holds a personal value', async () => {
		const name = `周杰${uniq('e')}`, renamed = `周杰伦${uniq('e')}`, email = `${uniq('e')}@example.com`;
		const c = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name, identities: [{ kind: 'email', value: email }] } })).json;
		const cur = await admin.expect(200, 'GET', `/api/v1/customers/${c.id}`);
		await admin.expect(200, 'PATCH', `/api/v1/customers/${c.id}`, { body: { name: renamed }, headers: { 'If-Match': cur.headers.etag } });
		await admin.expect(201, 'POST', `/api/v1/customers/${c.id}/addresses`, { body: { label: '家', line: '淮海路 9 号', city: '上海市' } });
		await admin.expect(200, 'POST', `/api/v1/customers/${c.id}/erase`);
		const mine = (await events(0)).filter((e) => e.entity === 'customer' && e.entity_id === c.id);
		assert.deepEqual(mine.map((e) => e.type), ['customer.created', 'customer.updated', 'customer.updated', 'customer.erased']);
		const text = JSON.stringify(mine);
		for (const v of [name, renamed, email, '淮海路']) assert.ok(!text.includes(v), `${v} left in an event`);
	});

	it('an order and its shipment append order.created and shipment.created; a delivery shipment.tracked then shipment.delivered', async () => {
		const now = Math.floor(Date.now() / 1000);
		const start = await lastSeq();
		const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
			body: {
				number: uniq('SO'), placed_at: now - 86400, currency: 'CNY',
				lines: [{ line_no: 1, sku: 'TEA-1', name: '龙井茶', quantity: 1, unit_price_minor: 4999 }],
			},
		})).json;
		const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
			body: { order_id: order.id, tracking_number: uniq('SF'), carrier: 'SF', lines: order.lines.map((l) => ({ order_line_id: l.id, quantity: l.quantity })) },
		})).json;
		const made = await events(start);
		assert.deepEqual(made.map((e) => e.type), ['order.created', 'shipment.created']);
		assert.equal(made[0].entity_id, order.id);
		assert.equal(made[0].payload.number, order.number);
		assert.equal(made[1].entity_id, ship.id);
		assert.equal(made[1].payload.order_id, order.id);
		const from = await lastSeq();
		await admin.expect(201, 'POST', `/api/v1/shipments/${ship.id}/events`, { body: { at: now, status: 'delivered', location: '杭州' } });
		const evs = (await events(from)).filter((e) => e.entity === 'shipment');
		assert.deepEqual(evs.map((e) => e.type), ['shipment.tracked', 'shipment.delivered']);
		assert.equal(evs[0].entity_id, ship.id);
		assert.equal(evs[0].payload.status, 'delivered');
		assert.equal(evs[1].payload.order_id, order.id);
	});
});
