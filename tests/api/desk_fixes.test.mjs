// desk_fixes.test.mjs - regressions of issue 12 for the desk: the claim's
// declared value is a manager's decision (5), reassignment and references
// (6), limits in characters (14), attachment names (15), SLA clocks
// recomputed when a calendar changes (18), ticket language detection (19).
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/desk_fixes.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

const DAY = 86400;
let srv, admin, agent, agent2, manager, crm, analyst;

async function staff(role, extra = {}) {
	const name = uniq(role);
	const password = 'correct-horse-battery';
	const res = await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, role, password, ...extra } });
	const c = srv.client(name);
	await c.login(name, password);
	c.id = res.json.id;
	return c;
}

async function ticket(c, fields) {
	const res = await c.expect(201, 'POST', '/api/v1/tickets', { body: { subject: uniq('subject'), ...fields } });
	return res.json;
}

async function shipment() {
	const now = Math.floor(Date.now() / 1000);
	const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
		body: {
			number: uniq('SO'), placed_at: now - 5 * DAY, currency: 'CNY',
			lines: [{ line_no: 1, sku: 'POT-1', name: '茶壶', quantity: 1, unit_price_minor: 12000 }],
		},
	})).json;
	const ship = (await admin.expect(201, 'POST', '/api/v1/shipments', {
		body: {
			order_id: order.id, tracking_number: uniq('SF'), carrier: 'SF',
			lines: order.lines.map((l) => ({ order_line_id: l.id, quantity: l.quantity })),
		},
	})).json;
	return { order, ship };
}

describe('desk fixes (issue 12)', () => {
	const it = withLogs(() => [srv]);

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		agent = await staff('agent');
		agent2 = await staff('agent');
		manager = await staff('manager');
		crm = await staff('crm');
		analyst = await staff('analyst');
	});

	it('5: an agent cannot raise a claim\'s declared value and then pay it out; a manager can, audited', async () => {
		const { ship } = await shipment();
		const t = await ticket(agent, { type: 'claim', shipment_id: ship.id });
		const url = `/api/v1/tickets/${t.id}/claim`;
		let res = await agent.expect(201, 'POST', url, { body: { kind: 'damage', declared_value_minor: 10000, currency: 'CNY' } });
		let etag = res.headers.etag;

		// The attack: raise the cap, then pay the raised amount.
		const e = assertError(await agent.api('PATCH', url, { body: { declared_value_minor: 50000 }, headers: { 'If-Match': etag } }),
			403, 'declared_value_manager', 'agent raises the declared value');
		assert.equal(e.field, 'declared_value_minor');
		const zhE = assertError(await agent.api('PATCH', url, { body: { declared_value_minor: 50000 }, headers: { 'If-Match': etag, 'Accept-Language': 'zh-CN' } }),
			403, 'declared_value_manager');
		assert.match(zhE.message, /只有经理可以修改/);
		res = await agent.expect(200, 'GET', url);
		assert.equal(res.json.declared_value_minor, 10000, 'the refused change wrote nothing');
		assert.equal(res.headers.etag, etag);
		assertError(await agent.api('POST', `${url}/decide`, { body: { decision: 'approved', payout_minor: 50000 }, headers: { 'If-Match': etag } }),
			403, 'payout_over_declared', 'agent pays above the cap');
		// Sending the unchanged value (a form that posts every field) is fine; so is evidence.
		res = await agent.expect(200, 'PATCH', url, { body: { declared_value_minor: 10000, evidence: [] }, headers: { 'If-Match': etag } });
		etag = res.headers.etag;

		// A manager may change it; the audit log shows before and after.
		res = await manager.expect(200, 'PATCH', url, { body: { declared_value_minor: 30000 }, headers: { 'If-Match': etag } });
		assert.equal(res.json.declared_value_minor, 30000);
		etag = res.headers.etag;
		const audit = await admin.expect(200, 'GET', `/api/v1/audit?object_type=claim&object_id=${t.id}`);
		const row = audit.json.items.find((r) => r.action === 'claim.declared_value_change');
		assert.ok(row, `no claim.declared_value_change audit row: ${audit.text}`);
		assert.equal(row.before.declared_value_minor, 10000);
		assert.equal(row.after.declared_value_minor, 30000);
		assert.equal(row.actor_id ?? row.user_id ?? row.actor?.id, manager.id);

		// The agent can pay up to the new cap, not above it.
		assertError(await agent.api('POST', `${url}/decide`, { body: { decision: 'approved', payout_minor: 30001 }, headers: { 'If-Match': etag } }),
			403, 'payout_over_declared');
		res = await agent.expect(200, 'POST', `${url}/decide`, { body: { decision: 'approved', payout_minor: 30000 }, headers: { 'If-Match': etag } });
		assert.equal(res.json.payout_minor, 30000);
	});

	it('6: reassigning needs ticket.manage; an agent may take an unassigned ticket or hand back her own', async () => {
		// On create: assigning someone else is refused, oneself is fine.
		let e = assertError(await agent.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: uniq('s'), assignee_id: agent2.id } }),
			403, 'reassign_forbidden', 'agent creates a ticket for another agent');
		assert.equal(e.field, 'assignee_id');
		const own = await ticket(agent, { type: 'inquiry', assignee_id: agent.id });
		assert.equal(own.assignee_id, agent.id);

		const t = await ticket(agent, { type: 'inquiry' });
		const url = `/api/v1/tickets/${t.id}`;
		const etagOf = async () => (await agent.expect(200, 'GET', url)).headers.etag;
		// Take it for herself.
		let res = await agent.expect(200, 'PATCH', url, { body: { assignee_id: agent.id }, headers: { 'If-Match': await etagOf() } });
		assert.equal(res.json.assignee_id, agent.id);
		// Another agent or a CRM user cannot take it over, nor give it to someone else.
		const before = await etagOf();
		for (const [who, to] of [[agent2, agent2.id], [crm, crm.id], [agent, agent2.id], [agent2, null]]) {
			e = assertError(await who.api('PATCH', url, { body: { assignee_id: to }, headers: { 'If-Match': before } }),
				403, 'reassign_forbidden', `${who.name} sets assignee ${to}`);
			assert.equal(e.field, 'assignee_id');
		}
		assert.equal(await etagOf(), before, 'the refused changes wrote nothing');
		const zhErr = await agent2.api('PATCH', url, { body: { assignee_id: agent2.id }, headers: { 'If-Match': before, 'Accept-Language': 'zh-CN' } });
		assert.match(assertError(zhErr, 403, 'reassign_forbidden').message, /只有经理可以改派工单/);
		// Other changes by a colleague still work when they leave the assignee as it is.
		res = await agent2.expect(200, 'PATCH', url, { body: { priority: 'high', assignee_id: agent.id }, headers: { 'If-Match': before } });
		assert.equal(res.json.assignee_id, agent.id);
		// She hands it back; a manager reassigns.
		res = await agent.expect(200, 'PATCH', url, { body: { assignee_id: null }, headers: { 'If-Match': res.headers.etag } });
		assert.equal(res.json.assignee_id, null);
		res = await manager.expect(200, 'PATCH', url, { body: { assignee_id: agent2.id }, headers: { 'If-Match': res.headers.etag } });
		assert.equal(res.json.assignee_id, agent2.id);
		res = await manager.expect(200, 'PATCH', url, { body: { assignee_id: agent.id }, headers: { 'If-Match': res.headers.etag } });
		assert.equal(res.json.assignee_id, agent.id);
	});

	it('6: nonexistent customer, order, shipment, team and assignee ids and unworkable assignees are refused, naming the field', async () => {
		const listed = async () => (await admin.expect(200, 'GET', '/api/v1/tickets?limit=100')).json.items.length;
		const n0 = await listed();
		for (const field of ['customer_id', 'order_id', 'shipment_id', 'team_id', 'assignee_id']) {
			const e = assertError(await manager.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: uniq('s'), [field]: 999999 } }),
				400, 'invalid', `create with ${field} 999999`);
			assert.equal(e.field, field);
			assert.match(e.message, /999999/);
		}
		assert.equal(await listed(), n0, 'no ticket was created');
		const t = await ticket(manager, { type: 'inquiry' });
		const url = `/api/v1/tickets/${t.id}`;
		const etag = (await manager.expect(200, 'GET', url)).headers.etag;
		for (const field of ['customer_id', 'order_id', 'shipment_id', 'team_id', 'assignee_id']) {
			const e = assertError(await manager.api('PATCH', url, { body: { [field]: 999999 }, headers: { 'If-Match': etag } }),
				400, 'invalid', `update with ${field} 999999`);
			assert.equal(e.field, field);
		}
		// An analyst or a disabled user cannot be assigned.
		let e = assertError(await manager.api('PATCH', url, { body: { assignee_id: analyst.id }, headers: { 'If-Match': etag } }),
			400, 'assignee_unavailable', 'assign to an analyst');
		assert.equal(e.field, 'assignee_id');
		e = assertError(await manager.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: uniq('s'), assignee_id: analyst.id } }),
			400, 'assignee_unavailable', 'create for an analyst');
		e = assertError(await manager.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: uniq('s'), assignee_id: analyst.id }, headers: { 'Accept-Language': 'zh-CN' } }),
			400, 'assignee_unavailable', 'create for an analyst, in Chinese');
		assert.match(e.message, /不能被指派/);
		const gone = await staff('agent');
		const u = await admin.expect(200, 'GET', `/api/v1/users/${gone.id}`);
		await admin.expect(200, 'PATCH', `/api/v1/users/${gone.id}`, { body: { disabled: true }, headers: { 'If-Match': u.headers.etag } });
		e = assertError(await manager.api('PATCH', url, { body: { assignee_id: gone.id }, headers: { 'If-Match': etag } }),
			400, 'assignee_unavailable', 'assign to a disabled user');
		assert.equal((await manager.expect(200, 'GET', url)).headers.etag, etag, 'nothing changed');
		// Real ids are accepted.
		const { order, ship } = await shipment();
		const cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: '李雷' } })).json;
		const team = (await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('team') } })).json;
		const res = await manager.expect(200, 'PATCH', url, {
			body: { customer_id: cust.id, order_id: order.id, shipment_id: ship.id, team_id: team.id, assignee_id: agent.id }, headers: { 'If-Match': etag },
		});
		assert.equal(res.json.team_id, team.id);
	});

	it('14: text limits count characters: a 167- and a 500-character Chinese subject fit, 501 do not', async () => {
		const zh = (n) => '测'.repeat(n);
		let t = await ticket(agent, { type: 'inquiry', subject: zh(167), body: '退'.repeat(30000) });
		assert.equal(t.subject, zh(167));
		t = await ticket(agent, { type: 'inquiry', subject: zh(500) });
		assert.equal(t.subject, zh(500), 'stored whole, not cut');
		const got = await agent.expect(200, 'GET', `/api/v1/tickets/${t.id}`);
		assert.equal(got.json.subject, zh(500));
		let e = assertError(await agent.api('POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: zh(501) } }), 400, 'too_long', '501 characters');
		assert.equal(e.field, 'subject');
		assert.match(e.message, /500 characters/);
		// PATCH counts the same way.
		let res = await agent.expect(200, 'PATCH', `/api/v1/tickets/${t.id}`, { body: { subject: `改：${zh(498)}` }, headers: { 'If-Match': got.headers.etag } });
		assert.equal(res.json.subject.length, 500);
		assertError(await agent.api('PATCH', `/api/v1/tickets/${t.id}`, { body: { subject: zh(501) }, headers: { 'If-Match': res.headers.etag } }), 400, 'too_long');
		// A reply of 65,536 Chinese characters (196,608 bytes) fits its 65,536-character limit.
		await agent.expect(201, 'POST', `/api/v1/tickets/${t.id}/replies`, { body: { body: '好'.repeat(65536) } });
		// Names: a customer (200), a team (128), a display name (128), a canned reply title (200).
		const cust = await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: '名'.repeat(200) } });
		assert.equal(cust.json.name, '名'.repeat(200));
		assertError(await admin.api('POST', '/api/v1/customers', { body: { name: '名'.repeat(201) } }), 400, 'too_long');
		const team = await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: `${uniq('t')}${'组'.repeat(100)}` } });
		assert.match(team.json.name, /组{100}$/);
		const u = await admin.expect(201, 'POST', '/api/v1/users', { body: { username: uniq('zh'), role: 'agent', password: 'correct-horse-battery', display_name: '王'.repeat(128) } });
		assert.equal(u.json.display_name, '王'.repeat(128));
		const canned = await admin.expect(201, 'POST', '/api/v1/canned-replies', { body: { title: '题'.repeat(200), body: '您好' } });
		assert.equal(canned.json.title, '题'.repeat(200));
		// An order line's name (256) and a tracking event's location (128) and description (1,024).
		const now = Math.floor(Date.now() / 1000);
		const order = (await admin.expect(201, 'POST', '/api/v1/orders', {
			body: { number: uniq('SO'), placed_at: now - DAY, currency: 'CNY', lines: [{ line_no: 1, sku: 'TEA-9', name: '茶'.repeat(256), quantity: 1, unit_price_minor: 100 }] },
		})).json;
		assert.equal(order.lines[0].name, '茶'.repeat(256));
		const sh = (await admin.expect(201, 'POST', '/api/v1/shipments', {
			body: { order_id: order.id, tracking_number: uniq('SF'), carrier: 'SF', lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] },
		})).json;
		res = await admin.api('POST', `/api/v1/shipments/${sh.id}/events`, { body: { at: now - 60, status: 'in_transit', location: '杭'.repeat(128), description: '运'.repeat(1024) } });
		assert.ok(res.status === 200 || res.status === 201, res.text);
		// A claim's decision reason: 2,000 characters.
		const { ship } = await shipment();
		const ct = await ticket(agent, { type: 'claim', shipment_id: ship.id });
		res = await agent.expect(201, 'POST', `/api/v1/tickets/${ct.id}/claim`, { body: { kind: 'damage', declared_value_minor: 100 } });
		res = await agent.expect(200, 'POST', `/api/v1/tickets/${ct.id}/claim/decide`, {
			body: { decision: 'rejected', payout_minor: 0, decision_reason: '理'.repeat(2000) }, headers: { 'If-Match': res.headers.etag },
		});
		assert.equal(res.json.decision_reason, '理'.repeat(2000));
	});

	it('15: attachment names keep their last non-ASCII character; long names keep the extension', async () => {
		const t = await ticket(agent, { type: 'claim' });
		const up = (name) => agent.api('POST', `/api/v1/tickets/${t.id}/attachments?filename=${encodeURIComponent(name)}`, {
			body: Buffer.from('hello, 你好\n'), headers: { 'Content-Type': 'text/plain' },
		});
		const cases = [
			['报告', '报告'],
			['报告.pdf', '报告.pdf'],
			['发票 2026-03', '发票 2026-03'],
			['café', 'café'],
			['😀', '😀'],
			['../目录/年度报告', '年度报告'],
		];
		for (const [name, want] of cases) {
			const res = await up(name);
			assert.equal(res.status, 201, `${name}: ${res.text}`);
			assert.equal(res.json.filename, want, name);
			const list = await agent.expect(200, 'GET', `/api/v1/attachments/${res.json.id}`);
			assert.match(list.headers['content-disposition'] || '', new RegExp(encodeURIComponent(want).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), name);
		}
		// A long name: 200 characters at most, cut between characters, the extension kept.
		const long = `测试文件名很长${'长'.repeat(300)}.pdf`;
		let res = await up(long);
		assert.equal(res.status, 201, res.text);
		assert.equal([...res.json.filename].length, 200);
		assert.ok(res.json.filename.endsWith('长.pdf'), res.json.filename);
		assert.ok(res.json.filename.startsWith('测试文件名很长'));
		// A name of invalid UTF-8 bytes is refused (400 not_utf8 naming it), never stored raw.
		const before = (await agent.expect(200, 'GET', `/api/v1/tickets/${t.id}/attachments`)).json.items.length;
		res = await agent.api('POST', `/api/v1/tickets/${t.id}/attachments?filename=%E6%8A%A5%FF%E5%91`, {
			body: Buffer.from('x'), headers: { 'Content-Type': 'text/plain' },
		});
		assert.equal(res.status, 400, res.text);
		assert.equal(res.json.error.code, 'not_utf8');
		assert.equal(res.json.error.field, 'filename');
		const after = (await agent.expect(200, 'GET', `/api/v1/tickets/${t.id}/attachments`)).json.items.length;
		assert.equal(after, before, 'nothing stored');
	});

	it('19: a ticket created without a language gets it from its text, and routing uses it', async () => {
		let t = await ticket(agent, { type: 'inquiry', subject: 'Where is my parcel?', body: 'I ordered a teapot two weeks ago and it has not arrived yet.' });
		assert.equal(t.language, 'en');
		t = await ticket(agent, { type: 'inquiry', subject: '快递三天没动了', body: '请帮我查一下' });
		assert.equal(t.language, 'zh');
		t = await ticket(agent, { type: 'inquiry', subject: '12345' });
		assert.equal(t.language, 'zh', 'nothing to detect: the desk default');
		t = await ticket(agent, { type: 'inquiry', subject: 'Where is my parcel?', language: 'zh' });
		assert.equal(t.language, 'zh', 'a given language is kept');

		// A team with a Chinese-speaking and an English-speaking member: each ticket goes to the one who reads it.
		const zhAgent = await staff('agent');
		const enAgent = await staff('agent');
		const team = (await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('lang'), mode: 'round_robin' } })).json;
		await admin.expect(200, 'PUT', `/api/v1/teams/${team.id}/members/${zhAgent.id}`, { body: { languages: 'zh' } });
		await admin.expect(200, 'PUT', `/api/v1/teams/${team.id}/members/${enAgent.id}`, { body: { languages: 'en' } });
		for (let i = 0; i < 2; i++) {
			const en = await ticket(manager, { type: 'inquiry', subject: 'Refund not received', body: 'I returned the item last week.', team_id: team.id });
			assert.equal(en.language, 'en');
			assert.equal(en.assignee_id, enAgent.id, `English ticket routed: ${JSON.stringify(en)}`);
			const zh = await ticket(manager, { type: 'inquiry', subject: '退款还没到账', body: '上周退的货', team_id: team.id });
			assert.equal(zh.assignee_id, zhAgent.id, `Chinese ticket routed: ${JSON.stringify(zh)}`);
		}
	});

	it('18: a holiday added after a ticket arrived moves its running SLA due time; removing it moves it back; stopped clocks keep theirs', async () => {
		const cal = (await admin.expect(201, 'POST', '/api/v1/calendars', {
			body: { name: uniq('24x7'), time_zone: 'UTC', hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) },
		})).json;
		await admin.expect(201, 'POST', '/api/v1/sla-policies', {
			body: { name: uniq('sla-holiday'), ticket_type: 'suggestion', priority: 'low', first_response_s: 3600, resolution_s: 3 * DAY, calendar_id: cal.id },
		});
		const mk = () => ticket(manager, { type: 'suggestion', priority: 'low', subject: '建议：增加夜间客服' });
		const clock = async (id) => (await manager.expect(200, 'GET', `/api/v1/tickets/${id}/sla`)).json;
		const running = await mk();
		const stopped = await mk();
		const sres = await manager.expect(200, 'GET', `/api/v1/tickets/${stopped.id}`);
		const tr = await manager.api('POST', `/api/v1/tickets/${stopped.id}/transition`, { body: { state: 'resolved' }, headers: { 'If-Match': sres.headers.etag } });
		assert.equal(tr.status, 200, tr.text);
		const before = await clock(running.id);
		const stoppedBefore = await clock(stopped.id);
		assert.equal(stoppedBefore.resolution.status, 'met');
		const due = before.resolution.due_at;
		const dueDay = new Date(due * 1000).toISOString().slice(0, 10);

		// The holiday covers the due day: the due time moves past it by the whole day.
		let res = await admin.expect(201, 'POST', `/api/v1/calendars/${cal.id}/holidays`, { body: { date: dueDay, name: '临时假日' } });
		const hid = res.json.holidays.find((h) => h.date === dueDay).id;
		const after = await clock(running.id);
		assert.equal(after.resolution.due_at, due + DAY, `resolution due moved past ${dueDay}`);
		// The 80 % instant moves too when it falls on the holiday (arrivals after 14:24 UTC); earlier ones stay.
		if (new Date(before.resolution.warn_at * 1000).toISOString().slice(0, 10) === dueDay)
			assert.equal(after.resolution.warn_at, before.resolution.warn_at + DAY, 'the 80 % instant moved too');
		else
			assert.equal(after.resolution.warn_at, before.resolution.warn_at, 'the 80 % instant before the holiday stays');
		assert.equal(after.first_response.due_at, before.first_response.due_at, 'the first response falls before the holiday');
		const stoppedAfter = await clock(stopped.id);
		for (const k of ['first_response', 'resolution'])
			for (const f of ['due_at', 'warn_at', 'done_at'])
				assert.equal(stoppedAfter[k][f], stoppedBefore[k][f], `a stopped clock keeps its ${k}.${f}`);
		assert.equal(stoppedAfter.resolution.status, 'met');

		// A make-up workday is a calendar change too; removing the holiday moves the due time back.
		await admin.expect(204, 'DELETE', `/api/v1/calendars/${cal.id}/holidays/${hid}`);
		assert.equal((await clock(running.id)).resolution.due_at, due);

		// Changed hours recompute as well: closing every day but the first after arrival pushes the due time out.
		const cur = await admin.expect(200, 'GET', `/api/v1/calendars/${cal.id}`);
		await admin.expect(200, 'PATCH', `/api/v1/calendars/${cal.id}`, {
			body: { hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '00:00', end: '12:00' })) }, headers: { 'If-Match': cur.headers.etag },
		});
		assert.ok((await clock(running.id)).resolution.due_at > due + DAY, 'half-day hours: the rest of three days takes longer');
	});
	it('25: a ticket an agent logs for a caller is the customer\'s message, logged by the agent', async () => {
		const cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: uniq('来电客户') } })).json;
		const t = await ticket(agent, { type: 'inquiry', channel: 'phone', customer_id: cust.id, body: '来电：快递三天没有更新了。' });
		const [m] = (await agent.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items;
		assert.equal(m.kind, 'customer');
		assert.equal(m.author.kind, 'customer', 'the words are the customer\'s, not the system\'s');
		assert.deepEqual(m.logged_by, { id: agent.id, name: (await agent.expect(200, 'GET', '/api/v1/me')).json.username });
		// A customer's later words the agent posts are logged by them too; replies and the customer's own words are not.
		const later = await agent.expect(201, 'POST', `/api/v1/tickets/${t.id}/customer-messages`, { body: { body: '客户又来电' } });
		assert.equal(later.json.message.author.kind, 'customer');
		assert.equal(later.json.message.logged_by.id, agent.id);
		const items = (await agent.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items;
		assert.equal(items.at(-1).logged_by.id, agent.id);
		const reply = await agent.expect(201, 'POST', `/api/v1/tickets/${t.id}/replies`, { body: { body: '已为您查询' } });
		const all = (await agent.expect(200, 'GET', `/api/v1/tickets/${t.id}/messages`)).json.items;
		assert.equal(all.at(-1).author.kind, 'staff');
		assert.equal(all.at(-1).logged_by, null, JSON.stringify(reply.json));
	});
});
