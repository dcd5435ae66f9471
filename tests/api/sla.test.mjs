// sla.test.mjs - service levels on business calendars, teams and routing,
// notifications and follow-ups: the sunset rule in the preview, a holiday
// (and a make-up workday) moving a due time, calendar / policy / team
// CRUD with If-Match, routing of a new ticket, a ticket's clocks through
// reply and pause, permissions.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/sla.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

let srv, admin;

before(async () => {
	srv = await startServer();
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
});
after(async () => {
	if (srv) await srv.stop();
});
after(cleanup);

const it = withLogs(() => srv);

/** UTC seconds of an ISO time. */
const t = (iso) => Date.parse(iso) / 1000;

async function preview(query) {
	return (await admin.expect(200, 'GET', `/api/v1/sla/preview?${new URLSearchParams(query)}`)).json;
}

async function defaultCalendar() {
	const res = await admin.expect(200, 'GET', '/api/v1/calendars');
	const cal = res.json.items.find((c) => c.time_zone === 'Asia/Shanghai' && c.name.includes('China'));
	assert.ok(cal, `the seeded calendar: ${res.text}`);
	return cal;
}

describe('sla preview: the sunset rule', () => {
	it('a contact is answered by the close of its business day', async () => {
		const cases = [
			['2026-11-24T10:00:00+08:00', '2026-11-24T18:00:00+08:00'], // Tue 10:00 -> Tue 18:00
			['2026-11-24T19:30:00+08:00', '2026-11-25T18:00:00+08:00'], // after hours -> Wed
			['2026-11-27T20:00:00+08:00', '2026-11-30T18:00:00+08:00'], // Fri night -> Mon
			['2026-11-28T11:00:00+08:00', '2026-11-30T18:00:00+08:00'], // Saturday -> Mon
			['2026-11-24T18:00:00+08:00', '2026-11-25T18:00:00+08:00'], // exactly at closing
			['2026-11-24T09:00:00+08:00', '2026-11-24T18:00:00+08:00'], // exactly at opening
		];
		for (const [at, due] of cases) {
			const p = await preview({ type: 'inquiry', at });
			assert.equal(p.policy.sunset, true, 'the default policy is the sunset rule');
			assert.equal(p.first_response_due_at, t(due), `arrival ${at}`);
			assert.ok(p.first_response_warn_at < p.first_response_due_at);
		}
		const p = await preview({ at: String(t('2026-11-24T10:00:00+08:00')) });
		assert.equal(p.first_response_due_at, t('2026-11-24T18:00:00+08:00'), 'at as UTC seconds');
		assert.equal(p.first_response_warn_at, t('2026-11-24T16:24:00+08:00'), '80 % of 8 business hours');
		const res = await admin.api('GET', '/api/v1/sla/preview?at=yesterday');
		assertError(res, 400, 'invalid', 'bad at');
	});

	it('a holiday moves the due time, and removing it moves it back; a make-up workday counts', async () => {
		const cal = await defaultCalendar();
		const at = '2026-11-24T19:30:00+08:00';
		assert.equal((await preview({ at })).first_response_due_at, t('2026-11-25T18:00:00+08:00'));

		let res = await admin.expect(201, 'POST', `/api/v1/calendars/${cal.id}/holidays`, {
			body: { date: '2026-11-25', kind: 'holiday', name: '公司活动日 / Company day' },
		});
		const h = res.json.holidays.find((x) => x.date === '2026-11-25');
		assert.ok(h);
		assert.equal((await preview({ at })).first_response_due_at, t('2026-11-26T18:00:00+08:00'), 'after the holiday');

		res = await admin.api('POST', `/api/v1/calendars/${cal.id}/holidays`, { body: { date: '2026-11-25' } });
		assertError(res, 409, 'exists', 'the same date twice');
		res = await admin.api('POST', `/api/v1/calendars/${cal.id}/holidays`, { body: { date: '2026-02-30' } });
		assertError(res, 400, 'invalid', 'not a date');

		await admin.expect(204, 'DELETE', `/api/v1/calendars/${cal.id}/holidays/${h.id}`);
		assert.equal((await preview({ at })).first_response_due_at, t('2026-11-25T18:00:00+08:00'), 'back again');

		// 调休: Saturday 2026-11-28 is worked
		const fri = '2026-11-27T20:00:00+08:00';
		assert.equal((await preview({ at: fri })).first_response_due_at, t('2026-11-30T18:00:00+08:00'));
		res = await admin.expect(201, 'POST', `/api/v1/calendars/${cal.id}/holidays`, {
			body: { date: '2026-11-28', kind: 'workday', name: '调休上班 / Make-up workday' },
		});
		const w = res.json.holidays.find((x) => x.date === '2026-11-28');
		assert.equal((await preview({ at: fri })).first_response_due_at, t('2026-11-28T18:00:00+08:00'));
		await admin.expect(204, 'DELETE', `/api/v1/calendars/${cal.id}/holidays/${w.id}`);
	});
});

describe('calendars', () => {
	it('create, read, change with If-Match, delete; bad zones and hours are refused', async () => {
		const name = uniq('New York desk');
		let res = await admin.expect(201, 'POST', '/api/v1/calendars', {
			body: {
				name,
				time_zone: 'America/New_York',
				hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
			},
		});
		const cal = res.json;
		assert.equal(cal.time_zone, 'America/New_York');
		assert.equal(cal.hours.length, 5);
		assert.deepEqual(cal.hours[0], { weekday: 1, start: '09:00', end: '17:00' });
		const etag = res.headers.etag;
		assert.match(etag, /^"v\d+"$/);

		res = await admin.api('PATCH', `/api/v1/calendars/${cal.id}`, { body: { name: name + ' 2' } });
		assertError(res, 428, null, 'PATCH without If-Match');
		res = await admin.api('PATCH', `/api/v1/calendars/${cal.id}`, { body: { name: name + ' 2' }, headers: { 'If-Match': '"v99"' } });
		assertError(res, 412, 'stale', 'PATCH at an old version');
		res = await admin.expect(200, 'PATCH', `/api/v1/calendars/${cal.id}`, {
			body: { hours: [{ weekday: 1, start: '09:00', end: '12:00' }, { weekday: 1, start: '13:30', end: '18:00' }] },
			headers: { 'If-Match': etag },
		});
		assert.equal(res.json.hours.length, 2);
		assert.notEqual(res.headers.etag, etag);

		res = await admin.api('POST', '/api/v1/calendars', { body: { name: uniq('x'), time_zone: 'Mars/Olympus' } });
		assert.equal(assertError(res, 400, 'invalid', 'unknown zone').field, 'time_zone');
		res = await admin.api('POST', '/api/v1/calendars', { body: { name: uniq('x'), time_zone: '../../etc/passwd' } });
		assert.equal(assertError(res, 400, 'invalid', 'path in zone').field, 'time_zone');
		res = await admin.api('POST', '/api/v1/calendars', {
			body: { name: uniq('x'), time_zone: 'UTC', hours: [{ weekday: 1, start: '09:00', end: '12:00' }, { weekday: 1, start: '11:00', end: '13:00' }] },
		});
		assert.equal(assertError(res, 400, 'overlap', 'overlapping hours').field, 'hours');
		res = await admin.api('POST', '/api/v1/calendars', { body: { name: uniq('x'), time_zone: 'UTC', hours: [{ weekday: 7, start: '09:00', end: '12:00' }] } });
		assertError(res, 400, null, 'weekday 7');
		res = await admin.api('POST', '/api/v1/calendars', { body: { name: uniq('x'), time_zone: 'UTC', hours: [] } });
		assert.equal(assertError(res, 400, 'no_business_hours', 'no hours at all').field, 'hours');
		res = await admin.api('POST', '/api/v1/calendars', { body: { name, time_zone: 'UTC' } });
		assertError(res, 409, 'exists', 'duplicate name');

		await admin.expect(204, 'DELETE', `/api/v1/calendars/${cal.id}`);
		await admin.expect(404, 'GET', `/api/v1/calendars/${cal.id}`);
		const def = await defaultCalendar();
		assertError(await admin.api('DELETE', `/api/v1/calendars/${def.id}`), 409, 'in_use', 'the default calendar');
	});
});

describe('sla policies', () => {
	it('a policy change keeps what it does not name; bad fields are named and change nothing', async () => {
		let res = await admin.expect(201, 'POST', '/api/v1/sla-policies', {
			body: { name: uniq('keep'), ticket_type: 'claim', priority: 'low', customer_tier: 'C', first_response_s: 600, rank: 7 },
		});
		const pol = res.json;
		assert.equal(pol.resolution_s, 0);
		const etag = res.headers.etag;
		const bad = [
			[{ priority: 'soon' }, 'invalid', 'priority'],
			[{ ticket_type: 'x'.repeat(40) }, 'too_long', 'ticket_type'],
			[{ resolution_s: -1 }, 'range', 'resolution_s'],
			[{ rank: 1000001 }, 'range', 'rank'],
			[{ calendar_id: 0 }, 'range', 'calendar_id'],
			[{ calendar_id: 999999 }, 'unknown', 'calendar_id'],
			[{ first_response_s: 0 }, 'no_target', 'first_response_s'],
			[{ sunset: 'yes' }, 'type', 'sunset'],
			[{ colour: 'red' }, null, 'colour'],
		];
		for (const [body, code, field] of bad) {
			const r = await admin.api('PATCH', `/api/v1/sla-policies/${pol.id}`, { body, headers: { 'If-Match': etag } });
			const e = assertError(r, 400, code, JSON.stringify(body));
			assert.equal(e.field, field, JSON.stringify(body));
		}
		assertError(await admin.api('POST', '/api/v1/sla-policies', { body: { first_response_s: 60 } }), 400, 'required', 'no name');
		res = await admin.expect(200, 'PATCH', `/api/v1/sla-policies/${pol.id}`, { body: { priority: '', resolution_s: 3600 }, headers: { 'If-Match': etag } });
		assert.equal(res.json.name, pol.name);
		assert.equal(res.json.ticket_type, 'claim');
		assert.equal(res.json.priority, null, '"" is any priority');
		assert.equal(res.json.customer_tier, 'C');
		assert.equal(res.json.first_response_s, 600);
		assert.equal(res.json.resolution_s, 3600);
		assert.equal(res.json.rank, 7);
		assert.equal(res.json.calendar_id, pol.calendar_id);
		assert.equal(res.json.version, pol.version + 1, 'the bad changes wrote nothing');
		await admin.expect(204, 'DELETE', `/api/v1/sla-policies/${pol.id}`);
	});

	it('a more specific policy wins, tier A gets the tighter one, and PATCH needs If-Match', async () => {
		const cal = await defaultCalendar();
		let res = await admin.expect(201, 'POST', '/api/v1/sla-policies', {
			body: { name: uniq('urgent complaints'), ticket_type: 'complaint', priority: 'urgent', first_response_s: 3600, resolution_s: 9 * 3600, calendar_id: cal.id },
		});
		const pol = res.json;
		assert.equal(pol.ticket_type, 'complaint');
		assert.equal(pol.customer_tier, null);
		let p = await preview({ type: 'complaint', priority: 'urgent', at: '2026-11-24T17:30:00+08:00' });
		assert.equal(p.policy.id, pol.id);
		assert.equal(p.first_response_due_at, t('2026-11-25T09:30:00+08:00'), '1 business hour over the night');
		assert.equal(p.resolution_due_at, t('2026-11-25T17:30:00+08:00'));
		p = await preview({ type: 'inquiry', priority: 'urgent', at: '2026-11-24T17:30:00+08:00' });
		assert.equal(p.policy.sunset, true, 'other types keep the sunset rule');

		res = await admin.api('PATCH', `/api/v1/sla-policies/${pol.id}`, { body: { first_response_s: 7200 } });
		assertError(res, 428, null, 'no If-Match');
		res = await admin.expect(200, 'PATCH', `/api/v1/sla-policies/${pol.id}`, {
			body: { first_response_s: 7200 }, headers: { 'If-Match': res.headers.etag || `"v1"` },
		});
		assert.equal(res.json.first_response_s, 7200);
		p = await preview({ type: 'complaint', priority: 'urgent', at: '2026-11-24T17:30:00+08:00' });
		assert.equal(p.first_response_due_at, t('2026-11-25T10:30:00+08:00'));

		// tier B gets a looser dedicated policy; tier A the tightest that matches
		res = await admin.expect(201, 'POST', '/api/v1/sla-policies', {
			body: { name: uniq('tier B'), customer_tier: 'B', first_response_s: 4 * 3600, resolution_s: 40 * 3600 },
		});
		const tierB = res.json;
		p = await preview({ type: 'complaint', priority: 'high', tier: 'B' });
		assert.equal(p.policy.id, tierB.id, 'the tier policy for a B customer');
		p = await preview({ type: 'complaint', priority: 'urgent', tier: 'B' });
		assert.equal(p.policy.id, pol.id, 'type + priority ties with the tier: the older policy');
		p = await preview({ type: 'complaint', priority: 'urgent', tier: 'A' });
		assert.equal(p.policy.id, pol.id, 'tier A: the tightest matching policy');

		res = await admin.api('POST', '/api/v1/sla-policies', { body: { name: uniq('bad'), ticket_type: 'banana', resolution_s: 60 } });
		assert.equal(assertError(res, 400, 'invalid', 'bad type').field, 'ticket_type');
		res = await admin.api('POST', '/api/v1/sla-policies', { body: { name: uniq('empty') } });
		assertError(res, 400, 'no_target', 'no target');
		res = await admin.api('POST', '/api/v1/sla-policies', { body: { name: uniq('cal'), resolution_s: 60, calendar_id: 99999 } });
		assert.equal(assertError(res, 400, 'unknown', 'unknown calendar').field, 'calendar_id');

		await admin.expect(204, 'DELETE', `/api/v1/sla-policies/${tierB.id}`);
		await admin.expect(204, 'DELETE', `/api/v1/sla-policies/${pol.id}`);
		const list = (await admin.expect(200, 'GET', '/api/v1/sla-policies')).json.items;
		assert.ok(list.every((x) => x.id !== pol.id));
	});
});

describe('teams, routing and the clocks of a ticket', () => {
	it('a new ticket is routed to a skilled member and its clocks run, stop and pause', async () => {
		let res = await admin.expect(201, 'POST', '/api/v1/users', {
			body: { username: uniq('agent'), role: 'agent', password: 'agent-password-1' },
		});
		const agent = res.json;
		res = await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('售后组 After-sales'), manager_id: 1, mode: 'round_robin' } });
		const team = res.json;
		assert.equal(team.mode, 'round_robin');
		res = await admin.expect(200, 'PUT', `/api/v1/teams/${team.id}/members/${agent.id}`, { body: { languages: 'zh,en', category_ids: '5' } });
		assert.equal(res.json.members.length, 1);
		assert.equal(res.json.members[0].languages, 'zh,en');
		res = await admin.api('PUT', `/api/v1/teams/${team.id}/members/${agent.id}`, { body: { languages: 'ZH;EN' } });
		assertError(res, 400, 'invalid', 'bad skills');
		res = await admin.api('PATCH', `/api/v1/teams/${team.id}`, { body: { mode: 'least_loaded' }, headers: { 'If-Match': '"v1"' } });
		assertError(res, 412, 'stale', 'the member change bumped the version');
		const cur = await admin.expect(200, 'GET', `/api/v1/teams/${team.id}`);
		res = await admin.expect(200, 'PATCH', `/api/v1/teams/${team.id}`, { body: { mode: 'least_loaded' }, headers: { 'If-Match': cur.headers.etag } });
		assert.equal(res.json.mode, 'least_loaded');

		// a logistics-delay ticket (category 6, child of 5) goes to the agent
		res = await admin.expect(201, 'POST', '/api/v1/tickets', {
			body: { type: 'inquiry', subject: '快递三天没动了', category_id: 6, team_id: team.id },
		});
		const tk = res.json;
		assert.equal(tk.assignee_id, agent.id, `routed: ${res.text}`);
		// a ticket of a category the member does not cover stays unassigned
		res = await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: '发票', category_id: 15, team_id: team.id } });
		assert.equal(res.json.assignee_id, null);

		let sla = (await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}/sla`)).json;
		assert.equal(sla.paused, false);
		assert.ok(sla.first_response.due_at > tk.created_at);
		assert.equal(sla.first_response.done_at, null);
		assert.ok(sla.first_response.remaining_s > 0 || sla.first_response.status === 'breached' || sla.first_response.remaining_s === 0);
		assert.ok(sla.resolution.due_at >= sla.first_response.due_at);

		await admin.expect(201, 'POST', `/api/v1/tickets/${tk.id}/replies`, { body: { body: '您好，正在为您查询。', state: 'pending_customer' } });
		sla = (await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}/sla`)).json;
		assert.ok(sla.first_response.done_at > 0, 'the public reply met the first response');
		assert.equal(sla.first_response.status, 'met');
		assert.equal(sla.paused, true, 'pending_customer pauses the clocks');
		const due = sla.resolution.due_at;

		await admin.expect(201, 'POST', `/api/v1/tickets/${tk.id}/customer-messages`, { body: { body: '好的' } });
		sla = (await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}/sla`)).json;
		assert.equal(sla.paused, false);
		assert.ok(sla.resolution.due_at >= due, 'resuming never moves the due time earlier');
		assert.ok(sla.next_response && sla.next_response.due_at > 0, 'a customer message starts the next-response clock');
		assert.equal(sla.next_response.done_at, null);

		await admin.expect(201, 'POST', `/api/v1/tickets/${tk.id}/replies`, { body: { body: '已为您查到。' } });
		sla = (await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}/sla`)).json;
		assert.ok(sla.next_response.done_at > 0, 'the agent\'s answer stops the next-response clock (and it stays stopped)');
		assert.notEqual(sla.next_response.status, 'running');

		await admin.expect(404, 'GET', '/api/v1/tickets/999999/sla');
	});

	it('notifications are mine and can be marked read; non-admins cannot change the configuration', async () => {
		const pw = 'agent-password-2';
		let res = await admin.expect(201, 'POST', '/api/v1/users', { body: { username: uniq('agent'), role: 'agent', password: pw } });
		const user = res.json;
		const agent = srv.client('agent');
		await agent.login(user.username, pw);
		const team = (await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('Team') } })).json;
		await admin.expect(200, 'PUT', `/api/v1/teams/${team.id}/members/${user.id}`);
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'hello', team_id: team.id } })).json;
		assert.equal(tk.assignee_id, user.id);
		const mine = (await agent.expect(200, 'GET', '/api/v1/notifications')).json.items;
		const n = mine.find((x) => x.ticket_id === tk.id && x.kind === 'assigned');
		assert.ok(n, `the agent was told: ${JSON.stringify(mine)}`);
		assert.equal(n.read_at, null);
		await agent.expect(200, 'POST', `/api/v1/notifications/${n.id}/read`);
		const unread = (await agent.expect(200, 'GET', '/api/v1/notifications?unread=true')).json.items;
		assert.ok(!unread.some((x) => x.id === n.id));
		await admin.expect(404, 'POST', `/api/v1/notifications/${n.id}/read`, {}); // not the admin's

		assertError(await agent.api('POST', '/api/v1/calendars', { body: { name: 'x', time_zone: 'UTC' } }), 403, null, 'agent');
		assertError(await agent.api('POST', '/api/v1/sla-policies', { body: { name: 'x', resolution_s: 1 } }), 403, null, 'agent');
		await agent.expect(200, 'GET', '/api/v1/sla/preview');
	});

	it('a follow-up outcome needs a follow-up ticket and a valid outcome', async () => {
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'x' } })).json;
		assertError(await admin.api('POST', `/api/v1/follow-ups/${tk.id}/outcome`, { body: { outcome: 'satisfied' } }), 404, 'not_found', 'not a follow-up');
		assertError(await admin.api('POST', `/api/v1/follow-ups/${tk.id}/outcome`, { body: { outcome: 'meh' } }), 400, 'invalid', 'bad outcome');
		assertError(await admin.api('POST', `/api/v1/follow-ups/${tk.id}/outcome`, { body: {} }), 400, 'required', 'missing outcome');
	});
});

describe('renaming and deleting calendars and teams, and the desk settings', () => {
	it('a team change keeps what it does not name; a bad field changes nothing', async () => {
		let res = await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('Keep'), manager_id: 1, mode: 'least_loaded' } });
		const team = res.json;
		res = await admin.expect(200, 'PATCH', `/api/v1/teams/${team.id}`, { body: { calendar_id: 1 }, headers: { 'If-Match': res.headers.etag } });
		assert.equal(res.json.name, team.name);
		assert.equal(res.json.manager_id, 1);
		assert.equal(res.json.mode, 'least_loaded');
		assert.equal(res.json.calendar_id, 1);
		const etag = res.headers.etag;
		let bad = await admin.api('PATCH', `/api/v1/teams/${team.id}`, { body: { mode: 'random' }, headers: { 'If-Match': etag } });
		assertError(bad, 400, 'invalid', 'mode');
		assert.equal(bad.json.error.field, 'mode');
		bad = await admin.api('PATCH', `/api/v1/teams/${team.id}`, { body: { manager_id: 999999 }, headers: { 'If-Match': etag } });
		assertError(bad, 400, 'unknown', 'manager');
		assert.equal(bad.json.error.field, 'manager_id');
		bad = await admin.api('POST', '/api/v1/teams', { body: { mode: 'round_robin' } });
		assertError(bad, 400, 'required', 'name');
		res = await admin.expect(200, 'PATCH', `/api/v1/teams/${team.id}`, { body: { mode: '', manager_id: 0 }, headers: { 'If-Match': etag } });
		assert.equal(res.json.mode, 'round_robin', '"" is the default mode');
		assert.equal(res.json.manager_id, null);
		assert.equal(res.json.version, team.version + 2, 'the bad changes wrote nothing');
	});

	it('a team is renamed with If-Match, and deleted only when no ticket belongs to it (audited)', async () => {
		let res = await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('Old name') } });
		const team = res.json;
		const name = uniq('新名字 New name');
		res = await admin.expect(200, 'PATCH', `/api/v1/teams/${team.id}`, { body: { name }, headers: { 'If-Match': res.headers.etag } });
		assert.equal(res.json.name, name);
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'team in use', team_id: team.id } })).json;
		res = await admin.api('DELETE', `/api/v1/teams/${team.id}`);
		assert.match(assertError(res, 409, 'has_tickets', 'a ticket belongs to it').message, /move them to another team/);
		res = await admin.api('DELETE', `/api/v1/teams/${team.id}`, { headers: { 'Accept-Language': 'zh-CN' } });
		assert.match(assertError(res, 409, 'has_tickets').message, /仍有工单/);
		const t = await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}`);
		await admin.expect(200, 'PATCH', `/api/v1/tickets/${tk.id}`, { body: { team_id: null }, headers: { 'If-Match': t.headers.etag } });
		await admin.expect(204, 'DELETE', `/api/v1/teams/${team.id}`);
		await admin.expect(404, 'GET', `/api/v1/teams/${team.id}`);
		assertError(await admin.api('DELETE', `/api/v1/teams/${team.id}`), 404, 'not_found', 'gone');
		const audit = (await admin.expect(200, 'GET', '/api/v1/audit?limit=50')).json.items;
		assert.ok(audit.some((e) => e.action === 'team.delete' && e.object_id === team.id), JSON.stringify(audit.slice(0, 3)));
	});

	it('a calendar in use says why it cannot go: a policy, a team, the clocks of tickets, the default', async () => {
		const hours = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));
		let res = await admin.expect(201, 'POST', '/api/v1/calendars', { body: { name: uniq('cal'), time_zone: 'Asia/Shanghai', hours } });
		const cal = res.json;
		res = await admin.expect(200, 'PATCH', `/api/v1/calendars/${cal.id}`, { body: { name: uniq('renamed') }, headers: { 'If-Match': res.headers.etag } });
		const pol = (await admin.expect(201, 'POST', '/api/v1/sla-policies', { body: { name: uniq('p'), ticket_type: 'care', priority: 'low', resolution_s: 3600, calendar_id: cal.id } })).json;
		assert.match(assertError(await admin.api('DELETE', `/api/v1/calendars/${cal.id}`), 409, 'in_use').message, /SLA policy/);
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'care', priority: 'low', subject: 'clock on cal' } })).json;
		await admin.expect(204, 'DELETE', `/api/v1/sla-policies/${pol.id}`);
		assert.match(assertError(await admin.api('DELETE', `/api/v1/calendars/${cal.id}`), 409, 'in_use', `ticket ${tk.id}'s clock`).message, /clocks of tickets/);
		const team = (await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('t'), calendar_id: cal.id } })).json;
		assert.match(assertError(await admin.api('DELETE', `/api/v1/calendars/${cal.id}`), 409, 'in_use').message, /team/);
		await admin.expect(204, 'DELETE', `/api/v1/teams/${team.id}`);
		const other = (await admin.expect(201, 'POST', '/api/v1/calendars', { body: { name: uniq('free'), time_zone: 'UTC', hours } })).json;
		await admin.expect(204, 'DELETE', `/api/v1/calendars/${other.id}`);
		const def = (await admin.expect(200, 'GET', '/api/v1/settings')).json.default_calendar_id;
		assert.match(assertError(await admin.api('DELETE', `/api/v1/calendars/${def}`), 409, 'in_use').message, /default calendar/);
	});

	it('settings: read, change some, all-or-nothing on a bad value, desk.admin only, audited', async () => {
		let res = await admin.expect(200, 'GET', '/api/v1/settings');
		assert.deepEqual(Object.keys(res.json).sort(), ['default_calendar_id', 'followup_days', 'winback_days']);
		const before = res.json;
		const cal = (await admin.expect(201, 'POST', '/api/v1/calendars', { body: { name: uniq('default'), time_zone: 'UTC' } })).json;
		res = await admin.expect(200, 'PUT', '/api/v1/settings', { body: { followup_days: 3, default_calendar_id: cal.id } });
		assert.deepEqual(res.json, { ...before, followup_days: 3, default_calendar_id: cal.id });
		assert.equal(assertError(await admin.api('PUT', '/api/v1/settings', { body: { winback_days: 30, followup_days: 0 } }), 400, 'range').field, 'followup_days');
		assert.equal(assertError(await admin.api('PUT', '/api/v1/settings', { body: { default_calendar_id: 999999 } }), 400, 'unknown').field, 'default_calendar_id');
		assert.equal(assertError(await admin.api('PUT', '/api/v1/settings', { body: { followup_days: '3' } }), 400).field, 'followup_days');
		assert.equal(assertError(await admin.api('PUT', '/api/v1/settings', { body: { sunset: 1 } }), 400, 'unknown_field').field, 'sunset');
		res = await admin.expect(200, 'GET', '/api/v1/settings');
		assert.equal(res.json.winback_days, before.winback_days, 'nothing of a refused change was written');
		assert.match(assertError(await admin.api('DELETE', `/api/v1/calendars/${before.default_calendar_id}`), 409, 'in_use').message, /SLA policy|team|clocks/,
			'the old default is still in use by the default policy');
		res = await admin.expect(200, 'PUT', '/api/v1/settings', { body: { followup_days: before.followup_days, default_calendar_id: before.default_calendar_id } });
		assert.deepEqual(res.json, before);
		const audit = (await admin.expect(200, 'GET', '/api/v1/audit?limit=50')).json.items;
		assert.ok(audit.some((e) => e.action === 'settings.update'));
		const pw = 'agent-password-3';
		const user = (await admin.expect(201, 'POST', '/api/v1/users', { body: { username: uniq('agent'), role: 'agent', password: pw } })).json;
		const agent = srv.client('agent');
		await agent.login(user.username, pw);
		assertError(await agent.api('GET', '/api/v1/settings'), 403, null, 'agent');
		assertError(await agent.api('PUT', '/api/v1/settings', { body: { followup_days: 5 } }), 403, null, 'agent');
	});
});

describe('the scheduler in kefu serve', () => {
	/** Poll fn until it returns truthy (every 250 ms, up to ms). */
	async function until(fn, ms, what) {
		const end = Date.now() + ms;
		for (;;) {
			const v = await fn();
			if (v) return v;
			if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
			await new Promise((r) => setTimeout(r, 250));
		}
	}
	const breaches = async (client, id) =>
		(await client.expect(200, 'GET', `/api/v1/tickets/${id}/events`)).json.items.filter((e) => e.action === 'sla.breach');

	it('breaches a due ticket, escalates to the manager once, and keeps jobs across a restart', async () => {
		// a round-the-clock UTC calendar and 1-second targets for suggestions
		let res = await admin.expect(201, 'POST', '/api/v1/calendars', {
			body: { name: uniq('24x7'), time_zone: 'UTC', hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) },
		});
		const cal = res.json;
		res = await admin.expect(201, 'POST', '/api/v1/sla-policies', {
			body: { name: uniq('instant'), ticket_type: 'suggestion', first_response_s: 1, resolution_s: 8, calendar_id: cal.id },
		});
		const team = (await admin.expect(201, 'POST', '/api/v1/teams', { body: { name: uniq('escalation'), manager_id: 1 } })).json;
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'suggestion', subject: '建议', team_id: team.id } })).json;

		await until(async () => (await breaches(admin, tk.id)).length >= 1, 10_000, 'the first-response breach');
		const notes = (await admin.expect(200, 'GET', '/api/v1/notifications')).json.items.filter((n) => n.ticket_id === tk.id);
		assert.equal(notes.filter((n) => n.kind === 'escalation' && n.target === 'first_response').length, 1, JSON.stringify(notes));
		let sla = (await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}/sla`)).json;
		assert.ok(sla.first_response.breached_at > 0);
		assert.equal(sla.first_response.status, 'breached');

		// stop before the resolution target falls due; it is breached after the restart
		assert.ok(sla.resolution.breached_at === null);
		await srv.stop();
		srv = await startServer({ db: srv.db });
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		await until(async () => (await breaches(admin, tk.id)).length >= 2, 15_000, 'the resolution breach after a restart');
		sla = (await admin.expect(200, 'GET', `/api/v1/tickets/${tk.id}/sla`)).json;
		assert.ok(sla.resolution.breached_at > 0);
		await new Promise((r) => setTimeout(r, 1500));
		assert.equal((await breaches(admin, tk.id)).length, 2, 'no job runs twice');
	});
});
