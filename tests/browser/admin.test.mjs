// admin.test.mjs - the admin editing pages in a real browser: a manager
// creates an SLA policy, edits it (a 412 keeps the edits; a bad value
// shows its error next to the field with the input kept) and deletes it;
// edits a calendar's weekly hours and sees the SLA preview's due time
// move; adds a member with skills to a team and removes them.  Also the
// pure helpers of web/js/pages/admin_forms.js, in node.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/admin.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it as unit } from 'node:test';

import { calendarFormValues, formatHours, hoursToSeconds, memberBody, mergeReloaded, parseHours, policyBody, policyFormValues, secondsToHours } from '../../web/js/pages/admin_forms.js';
import { assertNoPageErrors, cleanup, DEMO_PASSWORD, demoServer, launch, newPage, signIn, withLogs } from './lib.mjs';

describe('admin_forms', () => {
	unit('weekly hours round-trip through one line per weekday', () => {
		const hours = [
			{ weekday: 1, start: '13:00', end: '18:00' },
			{ weekday: 1, start: '09:00', end: '12:00' },
			{ weekday: 6, start: '10:00', end: '24:00' },
		];
		const texts = formatHours(hours);
		assert.deepEqual(texts, ['', '09:00-12:00, 13:00-18:00', '', '', '', '', '10:00-24:00']);
		assert.deepEqual(parseHours(texts), [
			{ weekday: 1, start: '09:00', end: '12:00' },
			{ weekday: 1, start: '13:00', end: '18:00' },
			{ weekday: 6, start: '10:00', end: '24:00' },
		]);
		assert.deepEqual(formatHours(undefined), ['', '', '', '', '', '', '']);
	});

	unit('parseHours accepts other separators and pads H:MM; refuses a piece naming its weekday', () => {
		assert.deepEqual(parseHours(['9:00~12:00；13:00–18:00']), [
			{ weekday: 0, start: '09:00', end: '12:00' },
			{ weekday: 0, start: '13:00', end: '18:00' },
		]);
		assert.throws(() => parseHours(['', '', '9-18']), (e) => e.field === 'hours_2' && e.bad === '9-18');
		assert.deepEqual(parseHours(['', '  ']), []);
	});

	unit('hours typed become seconds; anything not a number goes to the API as typed', () => {
		assert.equal(hoursToSeconds('1.5'), 5400);
		assert.equal(hoursToSeconds(''), 0);
		assert.equal(hoursToSeconds(undefined), 0);
		assert.equal(hoursToSeconds('-1'), -3600);
		assert.equal(hoursToSeconds('abc'), 'abc');
		assert.equal(secondsToHours(5400), '1.5');
		assert.equal(secondsToHours(0), '');
		assert.equal(secondsToHours(1200), '0.333');
	});

	unit('policyBody sends every field, empty choices meaning any', () => {
		assert.deepEqual(policyBody({ name: 'P', priority: 'high', first_response_h: '2', calendar_id: '3', rank: '7' }, true), {
			name: 'P', ticket_type: '', priority: 'high', customer_tier: '',
			first_response_s: 7200, next_response_s: 0, resolution_s: 0, sunset: true, calendar_id: 3, rank: 7,
		});
		const b = policyBody({ name: 'Q', rank: 'x' }, false);
		assert.equal(b.rank, 'x');
		assert.equal('calendar_id' in b, false);
	});

	unit('after a 412 untouched controls take the reloaded values, edited ones stay', () => {
		const base = policyFormValues({ name: 'P', first_response_s: 3600, resolution_s: 7200, rank: 100, sunset: false, calendar_id: 1 });
		assert.equal(base.first_response_h, '1');
		assert.equal(base.rank, '100');
		assert.equal(base.ticket_type, '');
		const current = { ...base, resolution_h: '6', sunset: true };
		const fresh = { ...base, rank: '5', resolution_h: '3' };
		assert.deepEqual(mergeReloaded(base, current, fresh), { rank: '5' });
		assert.deepEqual(mergeReloaded(base, base, base), {});
		const cal = calendarFormValues({ time_zone: 'Asia/Shanghai', hours: [{ weekday: 2, start: '09:00', end: '18:00' }] });
		assert.equal(cal.time_zone, 'Asia/Shanghai');
		assert.equal(cal.hours_2, '09:00-18:00');
		assert.equal(cal.hours_0, '');
	});

	unit('memberBody normalises skill lists', () => {
		assert.deepEqual(memberBody({ languages: 'zh， en', category_ids: ' 1 5,' }, true), { languages: 'zh,en', category_ids: '1,5', active: true });
		assert.deepEqual(memberBody({}, false), { languages: '', category_ids: '', active: false });
	});
});

let env, browser, mgr;
after(async () => {
	await browser?.close();
	await cleanup();
});

describe('admin editing', () => {
	const it = withLogs(() => env?.srv, { timeout: 90_000 });

	before(async () => {
		env = await demoServer();
		browser = await launch();
		mgr = env.srv.client('zhaomin');
		await mgr.login('zhaomin', DEMO_PASSWORD);
	});

	it('an SLA policy is created, edited (412 and a bad value keep the edits) and deleted', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhaomin');
		await page.goto(`${env.base}/#/admin/sla`);
		const add = page.locator('form.policy-add');
		await add.locator('input[name=name]').fill('VIP urgent complaints');
		await add.locator('select[name=ticket_type]').selectOption('complaint');
		await add.locator('select[name=priority]').selectOption('urgent');
		await add.locator('select[name=customer_tier]').selectOption('A');
		await add.locator('input[name=first_response_h]').fill('0.5');
		await add.locator('input[name=resolution_h]').fill('8');
		await add.locator('button[type=submit]').click();
		const row = page.locator('table.data tbody tr', { hasText: 'VIP urgent complaints' });
		await row.waitFor();
		const list = (await mgr.expect(200, 'GET', '/api/v1/sla-policies?limit=200')).json.items;
		const pol = list.find((p) => p.name === 'VIP urgent complaints');
		assert.equal(pol.first_response_s, 1800);
		assert.equal(pol.resolution_s, 8 * 3600);
		assert.equal(pol.customer_tier, 'A');

		// edit; meanwhile someone else changes it: 412, reloaded, the edits stay
		await row.locator('button', { hasText: 'Edit' }).click();
		const edit = page.locator('form.policy-edit');
		await edit.locator('input[name=resolution_h]').fill('6');
		await edit.locator('input[name=sunset]').check();
		const cur = await mgr.expect(200, 'GET', `/api/v1/sla-policies/${pol.id}`);
		await mgr.expect(200, 'PATCH', `/api/v1/sla-policies/${pol.id}`, { body: { rank: 5 }, headers: { 'If-Match': cur.headers.etag } });
		await edit.locator('button[type=submit]').click();
		await edit.locator('.form-error').filter({ hasText: /changed this record/ }).waitFor();
		assert.equal(await edit.locator('input[name=resolution_h]').inputValue(), '6', 'the edit is kept after a 412');
		assert.equal(await edit.locator('input[name=sunset]').isChecked(), true);

		// a bad value: the API's error lands next to the field, the input kept
		await edit.locator('input[name=first_response_h]').fill('-2');
		await edit.locator('button[type=submit]').click();
		const err = edit.locator('input[name=first_response_h] ~ .field-error').filter({ hasText: /\S/ });
		await err.waitFor();
		assert.equal(await edit.locator('input[name=first_response_h]').getAttribute('aria-invalid'), 'true');
		assert.equal(await edit.locator('input[name=first_response_h]').inputValue(), '-2', 'the bad value is kept');
		await edit.locator('input[name=first_response_h]').fill('1');
		await edit.locator('button[type=submit]').click();
		await edit.waitFor({ state: 'detached' });
		const got = (await mgr.expect(200, 'GET', `/api/v1/sla-policies/${pol.id}`)).json;
		assert.equal(got.first_response_s, 3600);
		assert.equal(got.resolution_s, 6 * 3600);
		assert.equal(got.sunset, true);
		assert.equal(got.rank, 5, 'the other change survives');

		await page.locator('table.data tbody tr', { hasText: 'VIP urgent complaints' }).locator('button', { hasText: 'Delete' }).click();
		await row.waitFor({ state: 'detached' });
		await mgr.expect(404, 'GET', `/api/v1/sla-policies/${pol.id}`);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it("a calendar's weekly hours are edited and the SLA preview's due time moves", async () => {
		const pv = (await mgr.expect(200, 'GET', '/api/v1/sla/preview?type=complaint&priority=normal&tier=C')).json;
		const cal = (await mgr.expect(200, 'GET', `/api/v1/calendars/${pv.policy.calendar_id}`)).json;
		// a window the calendar is closed in, so the due time must move into it
		const open = (m) => cal.hours.some((x) => x.start <= m && m < x.end);
		const win = ['03:00-04:00', '21:00-22:00', '06:00-07:00'].find((w) => !open(w.slice(0, 5)) && !open(w.slice(6, 11)));
		assert.ok(win, 'a closed window exists');
		const page = await newPage(browser, { lang: 'en', timezone: 'Asia/Shanghai' });
		await signIn(page, env.base, 'zhaomin');
		await page.goto(`${env.base}/#/admin/calendars?cal=${cal.id}`);
		const due = page.locator('form.sla-preview dd.due-first');
		await due.waitFor();
		const before = await due.textContent();
		const form = page.locator('form.cal-edit');
		assert.equal(await form.locator('input[name=time_zone]').inputValue(), cal.time_zone);

		// a piece that is not an interval: the error next to that day, the text kept
		await form.locator('input[name=hours_3]').fill('9-18');
		await form.locator('button[type=submit]').click();
		await form.locator('input[name=hours_3] ~ .field-error').filter({ hasText: /9-18/ }).waitFor();
		assert.equal(await form.locator('input[name=hours_3]').inputValue(), '9-18');
		// an unknown zone: the API's error next to it
		await form.locator('input[name=time_zone]').fill('Mars/Olympus');
		for (let d = 0; d < 7; d++) await form.locator(`input[name=hours_${d}]`).fill(win);
		await form.locator('button[type=submit]').click();
		await form.locator('input[name=time_zone] ~ .field-error').filter({ hasText: /\S/ }).waitFor();
		assert.equal(await form.locator('input[name=hours_3]').inputValue(), win);

		await form.locator('input[name=time_zone]').fill(cal.time_zone);
		await form.locator('button[type=submit]').click();
		await page.waitForFunction((b) => document.querySelector('form.sla-preview dd.due-first')?.textContent !== b, before);
		const after2 = (await mgr.expect(200, 'GET', `/api/v1/calendars/${cal.id}`)).json;
		assert.equal(after2.hours.length, 7);
		assert.ok(after2.hours.every((x) => `${x.start}-${x.end}` === win));
		assert.equal(await page.locator('form.cal-edit input[name=hours_1]').inputValue(), win);
		const pv2 = (await mgr.expect(200, 'GET', '/api/v1/sla/preview?type=complaint&priority=normal&tier=C')).json;
		assert.notEqual(pv2.first_response_due_at, pv.first_response_due_at);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a member is added to a team with skills and removed', async () => {
		const teams = (await mgr.expect(200, 'GET', '/api/v1/teams?limit=200')).json.items;
		const team = (await mgr.expect(200, 'GET', `/api/v1/teams/${teams[0].id}`)).json;
		const users = (await mgr.expect(200, 'GET', '/api/v1/users?limit=200')).json.items;
		const user = users.find((u) => !(team.members || []).some((m) => m.user_id === u.id) && !u.disabled);
		assert.ok(user, 'a user outside the team');
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhaomin');
		await page.goto(`${env.base}/#/admin/teams`);
		const panel = page.locator(`section.team[data-team="${team.id}"]`);
		const form = panel.locator('form.member-add');
		await form.locator('select[name=user_id]').selectOption(String(user.id));
		await form.locator('input[name=languages]').fill('zh, en');
		await form.locator('input[name=category_ids]').fill('1');
		await form.locator('button[type=submit]').click();
		const row = page.locator(`section.team[data-team="${team.id}"] tbody tr`, { hasText: user.username });
		await row.filter({ hasText: 'zh,en' }).waitFor();
		let got = (await mgr.expect(200, 'GET', `/api/v1/teams/${team.id}`)).json;
		const m = got.members.find((x) => x.user_id === user.id);
		assert.equal(m.languages, 'zh,en');
		assert.equal(m.category_ids, '1');

		await row.locator('button', { hasText: 'Remove' }).click();
		await row.waitFor({ state: 'detached' });
		got = (await mgr.expect(200, 'GET', `/api/v1/teams/${team.id}`)).json;
		assert.ok(!(got.members || []).some((x) => x.user_id === user.id));
		assertNoPageErrors(page);
		await page.context().close();
	});
});
