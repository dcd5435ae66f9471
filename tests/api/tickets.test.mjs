// tickets.test.mjs - tickets and their conversation: the life cycle
// (create -> reply -> pending_customer -> customer message -> open ->
// resolve -> close -> reopen), illegal transitions with the allowed list,
// lost-update protection, internal notes, events, merge, links, queue
// counts, categories and the kefu ticket CLI.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/tickets.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { TEST_CLOCK_ARGS, advanceClock, assertError, cleanup, kefu, kefuOk, startServer, uniq, withLogs } from './lib.mjs';

let srv, admin;

before(async () => {
	srv = await startServer({ args: TEST_CLOCK_ARGS });
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
});
after(async () => {
	if (srv) await srv.stop();
});
after(cleanup);

const it = withLogs(() => srv);

async function create(body) {
	const res = await admin.expect(201, 'POST', '/api/v1/tickets', { body });
	assert.match(res.headers.etag, /^"v\d+"$/);
	return res.json;
}

async function get(id) {
	const res = await admin.expect(200, 'GET', `/api/v1/tickets/${id}`);
	return { t: res.json, etag: res.headers.etag };
}

async function move(id, state, status = 200) {
	const { etag } = await get(id);
	return admin.api('POST', `/api/v1/tickets/${id}/transition`, { body: { state }, headers: { 'If-Match': etag } })
		.then((res) => {
			assert.equal(res.status, status, `transition ${id} -> ${state}: ${res.status} ${res.text}`);
			return res;
		});
}

async function counts() {
	return (await admin.expect(200, 'GET', '/api/v1/tickets/counts')).json;
}

describe('tickets', () => {
	it('the life cycle: create, reply, pending, customer message, resolve, close, reopen', async () => {
		const t = await create({ type: 'inquiry', subject: '我的包裹在哪里？', body: '订单 1001 还没到', channel: 'email' });
		assert.equal(t.state, 'new');
		assert.equal(t.number, `#${String(t.id).padStart(6, '0')}`);
		assert.equal(t.first_response_at, null);

		let res = await admin.expect(201, 'POST', `/api/v1/tickets/${t.id}/replies`, {
			body: { body: '您好，我们正在查询。', state: 'pending_customer' },
		});
		assert.equal(res.json.ticket.state, 'pending_customer');
		assert.ok(res.json.ticket.first_response_at > 0);
		assert.equal(res.json.message.kind, 'public');

		res = await admin.expect(201, 'POST', `/api/v1/tickets/${t.id}/customer-messages`, { body: { body: '好的，谢谢' } });
		assert.equal(res.json.ticket.state, 'open', 'a customer answer moves pending_customer to open');

		res = await move(t.id, 'resolved');
		assert.ok(res.json.resolved_at > 0);
		res = await move(t.id, 'closed');
		assert.ok(res.json.closed_at > 0);
		res = await move(t.id, 'open');
		assert.equal(res.json.closed_at, null, 'reopen clears closed_at');
		assert.equal(res.json.resolved_at, null);

		await move(t.id, 'resolved');
		res = await admin.expect(201, 'POST', `/api/v1/tickets/${t.id}/customer-messages`, { body: { body: '还是没收到' } });
		assert.equal(res.json.ticket.state, 'open', 'a customer message reopens a resolved ticket');

		const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items;
		assert.deepEqual(msgs.map((m) => m.kind), ['customer', 'public', 'customer', 'customer']);
		const ev = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/events`)).json.items;
		assert.equal(ev[0].action, 'create');
		const states = ev.filter((e) => e.action === 'state').map((e) => `${e.before.state}>${e.after.state}`);
		assert.deepEqual(states, ['new>pending_customer', 'pending_customer>open', 'open>resolved', 'resolved>closed',
			'closed>open', 'open>resolved', 'resolved>open']);
		assert.equal(ev[0].actor.name, 'admin');
	});

	it('an illegal transition is 409 with the allowed states', async () => {
		const t = await create({ type: 'complaint', subject: 'bad' });
		await move(t.id, 'open');
		const res = await move(t.id, 'closed', 409);
		const e = assertError(res, 409, 'illegal_transition');
		assert.deepEqual(e.allowed, ['pending_customer', 'pending_internal', 'resolved']);
		assert.match(e.message, /pending_customer, pending_internal, resolved/);
		const zh = await admin.api('POST', `/api/v1/tickets/${t.id}/transition`, {
			body: { state: 'new' }, headers: { 'If-Match': (await get(t.id)).etag, 'Accept-Language': 'zh-CN' },
		});
		assert.equal(zh.status, 409);
		assert.match(zh.json.error.message, /[\u4e00-\u9fff]/);
		// A reply naming an illegal state writes nothing.
		const before = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items.length;
		assertError(await admin.api('POST', `/api/v1/tickets/${t.id}/replies`, { body: { body: 'x', state: 'new' } }), 409, 'illegal_transition');
		const afterMsgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items.length;
		assert.equal(afterMsgs, before);
		assertError(await admin.api('POST', `/api/v1/tickets/${t.id}/transition`, { body: { state: 'open' } }), 428, 'precondition_required');
	});

	it('two agents PATCH with the same If-Match: one wins, nothing of the loser is written', async () => {
		const t = await create({ type: 'inquiry', subject: 'race' });
		const { etag } = await get(t.id);
		const [a, b] = await Promise.all([
			admin.api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'urgent' }, headers: { 'If-Match': etag } }),
			admin.api('PATCH', `/api/v1/tickets/${t.id}`, { body: { subject: 'changed by B' }, headers: { 'If-Match': etag } }),
		]);
		const statuses = [a.status, b.status].sort();
		assert.deepEqual(statuses, [200, 412], `${a.text} ${b.text}`);
		const now = (await get(t.id)).t;
		if (a.status === 200) {
			assert.equal(now.priority, 'urgent');
			assert.equal(now.subject, 'race');
		} else {
			assert.equal(now.priority, 'normal');
			assert.equal(now.subject, 'changed by B');
		}
		const ev = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/events`)).json.items;
		const updates = ev.filter((e) => e.action === 'update');
		assert.equal(updates.length, 1);
		assert.equal(Object.keys(updates[0].after).length, 1, JSON.stringify(updates[0]));
		assertError(await admin.api('PATCH', `/api/v1/tickets/${t.id}`, { body: { subject: 'x' } }), 428, 'precondition_required');
		assertError(await admin.api('PATCH', `/api/v1/tickets/${t.id}`, { body: { priority: 'huge' }, headers: { 'If-Match': (await get(t.id)).etag } }), 400, 'invalid');
	});

	it('notes are internal and marked so', async () => {
		const t = await create({ type: 'inquiry', subject: 'note me' });
		const res = await admin.expect(201, 'POST', `/api/v1/tickets/${t.id}/notes`, { body: { body: '内部：客户是VIP' } });
		assert.equal(res.json.message.kind, 'note');
		assert.equal(res.json.message.internal, true);
		assert.equal(res.json.ticket.state, 'new', 'a note does not open the ticket');
		assert.equal(res.json.ticket.first_response_at, null, 'a note is not a response');
		const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items;
		assert.equal(msgs.filter((m) => m.internal).length, 1);
		assert.ok(msgs.filter((m) => !m.internal).every((m) => m.kind !== 'note'));
	});

	it('validation and not found', async () => {
		assertError(await admin.api('POST', '/api/v1/tickets', { body: { type: 'nope', subject: 'x' } }), 400, 'invalid');
		assertError(await admin.api('POST', '/api/v1/tickets', { body: { type: 'inquiry' } }), 400, 'required');
		assertError(await admin.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'x', category_id: 99999 } }), 400, 'invalid');
		assertError(await admin.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'x', extra: 1 } }), 400);
		assertError(await admin.api('GET', '/api/v1/tickets/999999'), 404, 'not_found');
		assertError(await admin.api('POST', '/api/v1/tickets/999999/replies', { body: { body: 'x' } }), 404, 'not_found');
		assertError(await admin.api('GET', '/api/v1/tickets?state=bogus'), 400, 'invalid');
		assertError(await admin.api('GET', '/api/v1/tickets?cursor=zz'), 400, 'invalid');
	});

	it('idempotent create', async () => {
		const h = { 'Idempotency-Key': 'tickets-create-1' };
		const a = await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'once' }, headers: h });
		const b = await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'once' }, headers: h });
		assert.equal(a.json.id, b.json.id);
		assert.equal(b.headers['idempotent-replayed'], 'true');
	});

	it('the inbox filters and pages without gaps or repeats', async () => {
		const made = [];
		for (let i = 0; i < 7; i++) made.push((await create({ type: 'suggestion', subject: `page ${i}`, priority: i % 2 ? 'high' : 'low' })).id);
		for (const sort of ['updated_at', 'created_at', 'priority']) {
			const seen = [];
			let cursor = '';
			for (let i = 0; i < 20; i++) {
				const res = await admin.expect(200, 'GET', `/api/v1/tickets?type=suggestion&limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
				seen.push(...res.json.items.map((t) => t.id));
				if (!res.json.next_cursor) break;
				cursor = encodeURIComponent(res.json.next_cursor);
			}
			assert.deepEqual([...seen].sort((x, y) => x - y), made, `sort ${sort}`);
		}
		const high = (await admin.expect(200, 'GET', '/api/v1/tickets?type=suggestion&priority=high')).json.items;
		assert.equal(high.length, 3);
		const pr = (await admin.expect(200, 'GET', '/api/v1/tickets?type=suggestion&sort=priority')).json.items;
		assert.equal(pr[0].priority, 'high');
		const me = (await admin.expect(200, 'GET', '/api/v1/me')).json;
		const { etag } = await get(made[0]);
		const t5 = (await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('inbox team') } })).json;
		await admin.expect(200, 'PATCH', `/api/v1/tickets/${made[0]}`, { body: { assignee_id: me.id ?? me.user?.id, team_id: t5.id }, headers: { 'If-Match': etag } });
		const mine = (await admin.expect(200, 'GET', '/api/v1/tickets?assignee=me')).json.items;
		assert.deepEqual(mine.map((t) => t.id), [made[0]]);
		const team = (await admin.expect(200, 'GET', `/api/v1/tickets?team=${t5.id}&state=new,open`)).json.items;
		assert.deepEqual(team.map((t) => t.id), [made[0]]);
		const none = (await admin.expect(200, 'GET', '/api/v1/tickets?assignee=none&type=suggestion')).json.items;
		assert.equal(none.length, 6);
	});

	it('queue counts stay right through creates, transitions, reassignments and merges', async () => {
		const c0 = await counts();
		const a = await create({ type: 'inquiry', subject: 'count a' });
		const t9 = (await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('count team') } })).json;
		const b = await create({ type: 'inquiry', subject: 'count b', team_id: t9.id });
		let c = await counts();
		assert.equal(c.all.new, c0.all.new + 2);
		assert.equal(c.unassigned.new, c0.unassigned.new + 2);
		assert.equal(c.teams[String(t9.id)].new, 1);
		await move(a.id, 'open');
		c = await counts();
		assert.equal(c.all.new, c0.all.new + 1);
		assert.equal(c.all.open, c0.all.open + 1);
		const me = (await admin.expect(200, 'GET', '/api/v1/me')).json;
		const myId = me.id ?? me.user?.id;
		const { etag } = await get(a.id);
		await admin.expect(200, 'PATCH', `/api/v1/tickets/${a.id}`, { body: { assignee_id: myId }, headers: { 'If-Match': etag } });
		c = await counts();
		assert.equal(c.mine.open, c0.mine.open + 1);
		assert.equal(c.unassigned.open, c0.unassigned.open);
		const r = await admin.expect(200, 'POST', `/api/v1/tickets/${b.id}/merge`, { body: { into: a.id } });
		assert.equal(r.json.id, a.id);
		c = await counts();
		assert.equal(c.all.new, c0.all.new);
		assert.equal(c.all.closed, c0.all.closed + 1);
		assert.equal(c.teams[String(t9.id)].new, 0);
		assert.equal(c.teams[String(t9.id)].closed, 1);
		// The counters agree with the inbox.
		for (const state of ['new', 'open', 'closed']) {
			let n = 0, cursor = '';
			for (;;) {
				const res = await admin.expect(200, 'GET', `/api/v1/tickets?state=${state}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
				n += res.json.items.length;
				if (!res.json.next_cursor) break;
				cursor = encodeURIComponent(res.json.next_cursor);
			}
			assert.equal(c.all[state], n, `count of ${state}`);
		}
	});

	it('merge moves the conversation and closes the source', async () => {
		const a = await create({ type: 'complaint', subject: 'dup A', body: 'first' });
		const b = await create({ type: 'complaint', subject: 'dup B', body: 'second' });
		await admin.expect(200, 'POST', `/api/v1/tickets/${b.id}/merge`, { body: { into: a.id } });
		const src = (await get(b.id)).t;
		assert.equal(src.state, 'closed');
		assert.equal(src.merged_into_id, a.id);
		const msgs = (await admin.expect(200, 'GET', `/api/v1/tickets/${a.id}/messages`)).json.items;
		assert.deepEqual(msgs.map((m) => m.body), ['first', 'second']);
		const evA = (await admin.expect(200, 'GET', `/api/v1/tickets/${a.id}/events`)).json.items;
		const evB = (await admin.expect(200, 'GET', `/api/v1/tickets/${b.id}/events`)).json.items;
		assert.ok(evA.some((e) => e.action === 'merge' && e.after.merged_from_id === b.id));
		assert.ok(evB.some((e) => e.action === 'merge' && e.after.merged_into_id === a.id));
		assertError(await admin.api('POST', `/api/v1/tickets/${b.id}/merge`, { body: { into: a.id } }), 409, 'merged');
		assertError(await admin.api('POST', `/api/v1/tickets/${a.id}/merge`, { body: { into: a.id } }), 400, 'self_link');
		assertError(await admin.api('POST', `/api/v1/tickets/${b.id}/replies`, { body: { body: 'late' } }), 409, 'merged');
	});

	it('links both ways', async () => {
		const p = await create({ type: 'claim', subject: 'parent' });
		const ch = await create({ type: 'claim', subject: 'child' });
		await admin.expect(201, 'POST', `/api/v1/tickets/${p.id}/links`, { body: { ticket_id: ch.id, kind: 'parent' } });
		assertError(await admin.api('POST', `/api/v1/tickets/${ch.id}/links`, { body: { ticket_id: p.id } }), 409, 'exists');
		const lc = (await admin.expect(200, 'GET', `/api/v1/tickets/${ch.id}/links`)).json.items;
		assert.deepEqual(lc.map((l) => [l.ticket_id, l.kind]), [[p.id, 'child']]);
		await admin.expect(200, 'DELETE', `/api/v1/tickets/${ch.id}/links/${p.id}`);
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${p.id}/links`)).json.items.length, 0);
		assertError(await admin.api('DELETE', `/api/v1/tickets/${ch.id}/links/${p.id}`), 404, 'not_found');
	});

	it('the category tree is seeded in Chinese and English', async () => {
		const tree = (await admin.expect(200, 'GET', '/api/v1/categories')).json.items;
		const codes = tree.map((c) => c.code);
		for (const code of ['product_quality', 'logistics_delay', 'damage_loss', 'wrong_item', 'service_attitude', 'billing', 'returns_refunds', 'inquiry', 'suggestion', 'other'])
			assert.ok(codes.includes(code), code);
		const dmg = tree.find((c) => c.code === 'damage_loss');
		assert.equal(dmg.name_zh, '货物损坏/丢失');
		assert.ok(dmg.children.some((c) => c.code === 'damaged_on_arrival'));
		const t = await create({ type: 'complaint', subject: 'broken', category_id: dmg.children[0].id });
		assert.equal(t.category_id, dmg.children[0].id);
	});

	it('kefu ticket create, reply, transition, show', async () => {
		const db = ['--db', srv.db.url];
		let r = await kefuOk(['ticket', 'create', '--type', 'inquiry', '--subject', 'CLI 工单', '--body', '你好', ...db]);
		const m = /#0*(\d+)/.exec(r.stdout);
		assert.ok(m, r.stdout);
		const id = m[1];
		await kefuOk(['ticket', 'reply', id, '已处理', ...db]);
		await kefuOk(['ticket', 'note', id, '内部备注', ...db]);
		r = await kefuOk(['ticket', 'transition', id, 'resolved', ...db]);
		assert.match(r.stdout, /resolved/);
		r = await kefuOk(['ticket', 'show', id, ...db]);
		assert.match(r.stdout, /CLI 工单/);
		assert.match(r.stdout, /\[public\].*已处理/);
		assert.match(r.stdout, /\[note\].*内部备注/);
		r = await kefuOk(['ticket', 'list', '--state', 'resolved', ...db]);
		assert.match(r.stdout, /CLI 工单/);
		r = await kefu(['ticket', 'transition', id, 'new', ...db]);
		assert.equal(r.code, 1, r.stderr);
		assert.match(r.stderr, /allowed: open, closed/);
		r = await kefu(['ticket', 'bogus', ...db]);
		assert.equal(r.code, 2, r.stderr);
		const t = (await get(Number(id))).t;
		assert.equal(t.state, 'resolved');
		assert.equal(t.created_by_kind, 'cli');
	});
});

describe('canned replies', () => {
	it('create, render with the ticket values, change with If-Match, delete', async () => {
		assertError(await admin.api('POST', '/api/v1/canned-replies', { body: { title: 'bad', body: 'Hi {{customer.nam}}' } }), 400, 'unknown_variable');
		const res = await admin.expect(201, 'POST', '/api/v1/canned-replies', {
			body: { title: '问候', body: '{{customer.name}}您好，工单{{ticket.number}}已收到。— {{agent.name}}' },
		});
		const c = res.json;
		const t = await create({ type: 'inquiry', subject: 'canned' });
		const r = await admin.expect(200, 'POST', `/api/v1/tickets/${t.id}/canned-replies/${c.id}/render`);
		const me = (await admin.expect(200, 'GET', '/api/v1/me')).json;
		const agent = me.display_name ?? me.user?.display_name;
		assert.equal(r.json.text, `您好，工单${t.number}已收到。— ${agent}`);
		assertError(await admin.api('POST', `/api/v1/tickets/${t.id}/canned-replies/99999/render`), 404, 'not_found');
		const p = await admin.expect(200, 'PATCH', `/api/v1/canned-replies/${c.id}`, { body: { body: 'Hello {{ticket.subject}}' }, headers: { 'If-Match': res.headers.etag } });
		assert.equal(p.json.body, 'Hello {{ticket.subject}}');
		assertError(await admin.api('PATCH', `/api/v1/canned-replies/${c.id}`, { body: { title: 'x' }, headers: { 'If-Match': res.headers.etag } }), 412, 'stale');
		const r2 = await admin.expect(200, 'POST', `/api/v1/tickets/${t.id}/canned-replies/${c.id}/render`);
		assert.equal(r2.json.text, 'Hello canned');
		const list = (await admin.expect(200, 'GET', '/api/v1/canned-replies')).json.items;
		assert.ok(list.some((x) => x.id === c.id));
		await admin.expect(200, 'DELETE', `/api/v1/canned-replies/${c.id}`);
		assertError(await admin.api('DELETE', `/api/v1/canned-replies/${c.id}`), 404, 'not_found');
	});
});

describe('attachments', () => {
	const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a png \x00\x01\x02')]);

	async function upload(id, bytes, type, filename) {
		return admin.api('POST', `/api/v1/tickets/${id}/attachments${filename ? `?filename=${encodeURIComponent(filename)}` : ''}`, {
			body: bytes, headers: { 'Content-Type': type },
		});
	}

	it('stores, lists and serves the same bytes, safely', async () => {
		const t = await create({ type: 'claim', subject: 'photo of the damage' });
		let res = await upload(t.id, PNG, 'image/png', '../../etc/破损照片.png');
		assert.equal(res.status, 201, res.text);
		const a = res.json;
		assert.equal(a.filename, '破损照片.png');
		assert.equal(a.size, PNG.length);
		assert.match(a.sha256, /^[0-9a-f]{64}$/);
		res = await admin.expect(200, 'GET', `/api/v1/attachments/${a.id}`);
		assert.ok(res.raw.equals(PNG), 'downloaded bytes equal the upload');
		assert.equal(res.headers['content-type'], 'image/png');
		assert.equal(res.headers['x-content-type-options'], 'nosniff');
		assert.match(res.headers['content-disposition'], /^attachment; filename="/);
		assert.match(res.headers['content-disposition'], /filename\*=UTF-8''%E7%A0%B4/);
		// The same bytes again: a second attachment, one blob.
		res = await upload(t.id, PNG, 'image/png', 'again.png');
		assert.equal(res.status, 201);
		assert.equal(res.json.sha256, a.sha256);
		const csv = await upload(t.id, Buffer.from('sku,qty\nA1,2\n'), 'text/csv; charset=utf-8', 'lines.csv');
		assert.equal(csv.status, 201, csv.text);
		const list = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/attachments`)).json.items;
		assert.deepEqual(list.map((x) => x.filename), ['破损照片.png', 'again.png', 'lines.csv']);
		const ev = (await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/events`)).json.items;
		assert.equal(ev.filter((e) => e.action === 'attachment').length, 3);
	});

	it('refuses other types, mismatched bytes and oversize bodies', async () => {
		const t = await create({ type: 'claim', subject: 'bad files' });
		assertError(await upload(t.id, Buffer.from('<html><script>alert(1)</script>'), 'text/html'), 415, 'attachment_type');
		assertError(await upload(t.id, Buffer.from('<html>not a png'), 'image/png'), 415, 'attachment_type');
		assertError(await upload(t.id, Buffer.from([0x41, 0x00, 0x42]), 'text/plain'), 415, 'attachment_type');
		assertError(await upload(t.id, Buffer.from('%PDF-1.7'), 'application/x-msdownload'), 415, 'attachment_type');
		// Uploads have their own cap (10 MiB), above the 1 MiB max_body of
		// JSON requests: 2 MiB is accepted, over 10 MiB is 413 (or the
		// connection is cut while the client is still writing).
		const two = await upload(t.id, Buffer.alloc(2 * 1024 * 1024, 0x41), 'text/plain');
		assert.equal(two.status, 201, two.text.slice(0, 200));
		const big = Buffer.alloc(10 * 1024 * 1024 + 10, 0x41);
		try {
			const res = await upload(t.id, big, 'text/plain');
			assert.equal(res.status, 413, res.text.slice(0, 200));
		} catch (e) {
			assert.match(String(e.code), /EPIPE|ECONNRESET/, String(e));
		}
		try {
			const json = await admin.api('PATCH', `/api/v1/tickets/${t.id}`, { body: 'x'.repeat(2 * 1024 * 1024), headers: { 'If-Match': '"v1"' } });
			assert.equal(json.status, 413, 'a JSON route keeps max_body');
		} catch (e) {
			assert.match(String(e.code), /EPIPE|ECONNRESET/, String(e));
		}
		assertError(await upload(999999, PNG, 'image/png'), 404, 'not_found');
		assertError(await admin.api('GET', '/api/v1/attachments/999999'), 404, 'not_found');
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${t.id}/attachments`)).json.items.length, 1, 'only the 2 MiB file was stored');
	});
});

describe('categories', () => {
	it('an admin adds and changes categories with If-Match', async () => {
		const tree = (await admin.expect(200, 'GET', '/api/v1/categories')).json.items;
		const ret = tree.find((c) => c.code === 'returns_refunds');
		assert.equal(ret.return_window_days, null);
		let res = await admin.expect(201, 'POST', '/api/v1/categories', {
			body: { parent_id: ret.id, code: 'size_exchange', name_zh: '尺码换货', name_en: 'Size exchange', return_window_days: 15 },
		});
		const c = res.json;
		assert.equal(c.parent_id, ret.id);
		assertError(await admin.api('POST', '/api/v1/categories', { body: { code: 'size_exchange', name_zh: 'x', name_en: 'x' } }), 409, 'exists');
		assertError(await admin.api('POST', '/api/v1/categories', { body: { code: 'Bad Code', name_zh: 'x', name_en: 'x' } }), 400, 'invalid');
		res = await admin.expect(200, 'PATCH', `/api/v1/categories/${c.id}`, { body: { name_en: 'Exchange for size', return_window_days: null }, headers: { 'If-Match': res.headers.etag } });
		assert.equal(res.json.name_en, 'Exchange for size');
		assert.equal(res.json.name_zh, '尺码换货');
		assert.equal(res.json.return_window_days, null);
		assertError(await admin.api('PATCH', `/api/v1/categories/${c.id}`, { body: { sort: 1 }, headers: { 'If-Match': '"v1"' } }), 412, 'stale');
		const again = (await admin.expect(200, 'GET', '/api/v1/categories')).json.items;
		assert.ok(again.find((x) => x.code === 'returns_refunds').children.some((x) => x.code === 'size_exchange'));
	});
});

describe('the SLA views of the inbox (?sla=breached|due_soon) and customer names', () => {
	it('lists running clocks that are breached or due soon, nearest due first, paused and resolved ones left out', async () => {
		const cal = (
			await admin.expect(201, 'POST', '/api/v1/calendars', {
				body: { name: uniq('24x7'), time_zone: 'UTC', hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) },
			})
		).json;
		const policy = (priority, first) =>
			admin.expect(201, 'POST', '/api/v1/sla-policies', {
				body: { name: uniq(`sla-${priority}`), ticket_type: 'suggestion', priority, first_response_s: first, resolution_s: 30 * 86400, calendar_id: cal.id },
			});
		await policy('urgent', 1);
		await policy('high', 3600);
		await policy('low', 3 * 86400);
		const team = (await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('sla-view') } })).json;
		const cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: '王小明' } })).json;
		const mk = (priority, extra = {}) => create({ type: 'suggestion', subject: `sla ${priority}`, priority, team_id: team.id, ...extra });
		const a = await mk('urgent', { customer_id: cust.id });
		const b = await mk('high');
		const c = await mk('low');
		const paused = await mk('urgent');
		await admin.expect(201, 'POST', `/api/v1/tickets/${paused.id}/replies`, { body: { body: 'waiting for you', state: 'pending_customer' } });
		const done = await mk('urgent');
		await move(done.id, 'resolved');
		await advanceClock(admin, 2); // the urgent one's 1 s first response is now overdue

		const list = async (q) => (await admin.expect(200, 'GET', `/api/v1/tickets?team=${team.id}&${q}`)).json;
		let page = await list('sla=breached');
		assert.deepEqual(page.items.map((x) => x.id), [a.id], JSON.stringify(page.items));
		assert.equal(page.items[0].sla_status, 'breached');
		assert.equal(page.items[0].customer_name, '王小明');
		const sla = (await admin.expect(200, 'GET', `/api/v1/tickets/${a.id}/sla`)).json;
		assert.equal(page.items[0].sla_due_at, sla.first_response.due_at, 'the nearest running due time');

		page = await list('sla=due_soon');
		assert.deepEqual(page.items.map((x) => x.id), [b.id], 'due within the default 120 minutes');
		assert.equal(page.items[0].sla_status, 'due_soon');
		assert.ok(!('customer_name' in page.items[0]), 'no customer, no name');
		page = await list('sla=due_soon&due_within=5000');
		assert.deepEqual(page.items.map((x) => x.id), [b.id, c.id], 'a wider horizon, nearest due first');
		page = await list('sla=breached,due_soon&due_within=5000');
		assert.deepEqual(page.items.map((x) => x.id), [a.id, b.id, c.id]);
		page = await list('sla=breached,due_soon&state=new&sort=due_at');
		assert.deepEqual(page.items.map((x) => x.id), [a.id, b.id]);
		page = await list('sla=breached,due_soon&state=pending_customer,resolved');
		assert.deepEqual(page.items, [], 'paused and stopped clocks never show');

		// the per-type and per-assignee statements (index-driven) give the same rows
		let all = (await admin.expect(200, 'GET', '/api/v1/tickets?sla=breached&type=suggestion&limit=200')).json.items;
		assert.ok(all.some((x) => x.id === a.id) && all.every((x) => x.type === 'suggestion' && x.sla_status === 'breached'));
		const { etag } = await get(a.id);
		const me = (await admin.expect(200, 'GET', '/api/v1/me')).json.id;
		await admin.expect(200, 'PATCH', `/api/v1/tickets/${a.id}`, { body: { assignee_id: me }, headers: { 'If-Match': etag } });
		all = (await admin.expect(200, 'GET', '/api/v1/tickets?sla=breached&assignee=me&limit=200')).json.items;
		assert.ok(all.some((x) => x.id === a.id) && all.every((x) => x.assignee_id === me));

		// keyset paging in due order
		page = await list('sla=breached,due_soon&due_within=5000&limit=2');
		assert.deepEqual(page.items.map((x) => x.id), [a.id, b.id]);
		assert.ok(page.next_cursor);
		page = await list(`sla=breached,due_soon&due_within=5000&limit=2&cursor=${page.next_cursor}`);
		assert.deepEqual(page.items.map((x) => x.id), [c.id]);
		assert.equal(page.next_cursor, null);

		// replying meets the first response: b's nearest running clock is then the resolution, 30 days out
		await admin.expect(201, 'POST', `/api/v1/tickets/${b.id}/replies`, { body: { body: 'on it' } });
		page = await list('sla=due_soon');
		assert.deepEqual(page.items, []);

		assert.equal(assertError(await admin.api('GET', '/api/v1/tickets?sla=late'), 400, 'invalid').field, 'sla');
		assert.equal(assertError(await admin.api('GET', '/api/v1/tickets?sla=due_soon&due_within=0'), 400, 'range').field, 'due_within');
		assert.equal(assertError(await admin.api('GET', '/api/v1/tickets?sla=due_soon&due_within=43201'), 400, 'range').field, 'due_within');
		assert.equal(assertError(await admin.api('GET', '/api/v1/tickets?sla=breached&sort=priority'), 400, 'invalid').field, 'sort');
	});

	it('every list item with a customer carries the name the customer page shows, for an analyst too', async () => {
		const cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: 'John Smith' } })).json;
		const tk = await create({ type: 'inquiry', subject: 'name in the inbox', customer_id: cust.id });
		const user = (await admin.expect(201, 'POST', '/api/v1/users', { body: { username: uniq('analyst'), role: 'analyst', password: 'analyst-password-1' } })).json;
		const analyst = srv.client('analyst');
		await analyst.login(user.username, 'analyst-password-1');
		for (const who of [admin, analyst]) {
			const items = (await who.expect(200, 'GET', `/api/v1/tickets?customer_id=${cust.id}`)).json.items;
			const profile = (await who.expect(200, 'GET', `/api/v1/customers/${cust.id}`)).json;
			assert.deepEqual(items.map((x) => x.id), [tk.id]);
			assert.equal(items[0].customer_name, profile.name);
		}
		const all = (await admin.expect(200, 'GET', '/api/v1/tickets?limit=200')).json.items;
		assert.equal(all.find((x) => x.id === tk.id).customer_name, 'John Smith');
	});
});

// Last: on PostgreSQL a second server resets the shared test database.
describe('attachment cap', () => {
	let big;
	const itb = withLogs(() => big);
	after(async () => {
		if (big) await big.stop();
	});

	itb('over 10 MiB is 413 even when max_body allows it', async () => {
		big = await startServer({ args: ['--max_body', String(16 * 1024 * 1024)] });
		const c = big.client('admin');
		await c.login('admin', big.db.adminPassword);
		const t = (await c.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'claim', subject: 'big' } })).json;
		const over = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41);
		assertError(await c.api('POST', `/api/v1/tickets/${t.id}/attachments`, { body: over, headers: { 'Content-Type': 'text/plain' } }), 413, 'too_large');
		const at = Buffer.alloc(10 * 1024 * 1024, 0x41);
		const res = await c.api('POST', `/api/v1/tickets/${t.id}/attachments`, { body: at, headers: { 'Content-Type': 'text/plain' } });
		assert.equal(res.status, 201, res.text.slice(0, 300));
		const got = await c.expect(200, 'GET', `/api/v1/attachments/${res.json.id}`);
		assert.equal(got.raw.length, at.length);
	});
});
