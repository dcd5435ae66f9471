// Text limits count characters, not bytes (issue 12 item 14): every
// documented maxLength is met by Chinese text of exactly that many
// characters (accepted and stored whole) and refused one character over
// (400 too_long, field named), for the fields that used to count bytes:
// improvement actions, contract-rate notes, rate-card names, customer
// notes, identities, preferences, tags and addresses, saved views and API
// token names.
//
//   node --test --test-concurrency=1 tests/api/limits.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

/** n characters of Chinese text (3 bytes each in UTF-8), not one repeated character. */
function zh(n) {
	const pool = '客服系统限制按字符计算而不是字节数中文测试';
	let s = '';
	for (let i = 0; i < n; i++) s += pool[i % pool.length];
	assert.equal([...s].length, n);
	assert.equal(Buffer.byteLength(s), 3 * n);
	return s;
}

const CARD = 'card,SF,road,zone,CNY,0,1,0,0,0,0\nzone,ALL,0,1,3\nmatch,default,,ALL\nbreak,0\nrate,ALL,0,100,0\n';

describe('text limits count characters', () => {
	let srv, admin, cust;
	const it = withLogs(() => srv);
	const now = Math.floor(Date.now() / 1000);
	const getCustomer = async () => (await admin.expect(200, 'GET', `/api/v1/customers/${cust.id}`)).json;

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: '限制测试客户' } })).json;
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	// field, max characters, send(text) -> response, stored(response, text) -> the value kefu kept
	const cases = [
		{
			field: 'title', max: 200, what: 'improvement action title',
			send: (t) => admin.api('POST', '/api/v1/improvement-actions', {
				body: { title: t, target_report: 'three-controls', target_metric: 'complaints', baseline_from: now - 86400, baseline_to: now },
			}),
			stored: async (res) => (await admin.expect(200, 'GET', `/api/v1/improvement-actions/${res.json.id}`)).json.title,
		},
		{
			field: 'description', max: 4096, what: 'improvement action description',
			send: (t) => admin.api('POST', '/api/v1/improvement-actions', {
				body: { title: '描述', description: t, target_report: 'three-controls', target_metric: 'complaints', baseline_from: now - 86400, baseline_to: now },
			}),
			stored: async (res) => (await admin.expect(200, 'GET', `/api/v1/improvement-actions/${res.json.id}`)).json.description,
		},
		{
			field: 'note', max: 500, what: 'contract rate note',
			send: (t) => admin.api('PUT', `/api/v1/customers/${cust.id}/contract-rate`, { body: { freight_bp: 1000, note: t } }),
			stored: async () => (await admin.expect(200, 'GET', `/api/v1/customers/${cust.id}/contract-rate`)).json.note,
		},
		{
			field: 'name', max: 100, what: 'rate card name',
			send: (t) => admin.api('POST', '/api/v1/rate-cards', { body: { name: t, csv: CARD } }),
			stored: async (res) => (await admin.expect(200, 'GET', `/api/v1/rate-cards/${res.json.id}`)).json.name,
		},
		{
			field: 'note', max: 4096, what: 'customer note',
			send: (t) => admin.api('POST', '/api/v1/customers', { body: { name: uniq('备注'), note: t } }),
			stored: async (res) => (await admin.expect(200, 'GET', `/api/v1/customers/${res.json.id}`)).json.note,
		},
		{
			field: 'value', max: 128, what: 'customer identity (wechat)',
			send: (t) => admin.api('POST', `/api/v1/customers/${cust.id}/identities`, { body: { kind: 'wechat', value: t } }),
			stored: async (_res, t) => (await getCustomer()).identities.find((i) => i.value === t)?.value,
		},
		{
			field: 'identities[0].value', max: 128, what: 'customer identity on create',
			send: (t) => admin.api('POST', '/api/v1/customers', { body: { name: uniq('身份'), identities: [{ kind: 'other', value: t }] } }),
			stored: async (res) => (await admin.expect(200, 'GET', `/api/v1/customers/${res.json.id}`)).json.identities[0].value,
		},
		{
			field: 'value', max: 1024, what: 'customer preference value',
			send: (t) => admin.api('PUT', `/api/v1/customers/${cust.id}/preferences/${encodeURIComponent('口味')}`, { body: { value: t } }),
			stored: async () => (await getCustomer()).preferences['口味'],
		},
		{
			field: 'key', max: 64, what: 'customer preference key',
			send: (t) => admin.api('PUT', `/api/v1/customers/${cust.id}/preferences/${encodeURIComponent(t)}`, { body: { value: '是' } }),
			stored: async (_res, t) => Object.keys((await getCustomer()).preferences).find((k) => k === t),
		},
		{
			field: 'tag', max: 32, what: 'customer tag',
			send: (t) => admin.api('PUT', `/api/v1/customers/${cust.id}/tags/${encodeURIComponent(t)}`),
			stored: async (_res, t) => (await getCustomer()).tags.find((x) => x === t),
		},
		{
			field: 'recipient', max: 128, what: 'address recipient',
			send: (t) => admin.api('POST', `/api/v1/customers/${cust.id}/addresses`, { body: { recipient: t, line: '世纪大道 100 号' } }),
			stored: async (_res, t) => (await getCustomer()).addresses.find((a) => a.recipient === t)?.recipient,
		},
		{
			field: 'line', max: 512, what: 'address line',
			send: (t) => admin.api('POST', `/api/v1/customers/${cust.id}/addresses`, { body: { line: t, city: zh(64) } }),
			stored: async (_res, t) => (await getCustomer()).addresses.find((a) => a.line === t)?.line,
		},
		{
			field: 'city', max: 64, what: 'address city',
			send: (t) => admin.api('POST', `/api/v1/customers/${cust.id}/addresses`, { body: { line: '人民路 1 号', city: t } }),
			stored: async (_res, t) => (await getCustomer()).addresses.find((a) => a.city === t)?.city,
		},
		{
			field: 'name', max: 64, what: 'saved view name',
			send: (t) => admin.api('POST', '/api/v1/views', { body: { name: t, kind: 'tickets', query: { type: 'complaint' } } }),
			stored: async (_res, t) => (await admin.expect(200, 'GET', '/api/v1/views')).json.items.find((v) => v.name === t)?.name,
		},
		{
			field: 'name', max: 64, what: 'API token name',
			send: (t) => admin.api('POST', '/api/v1/me/tokens', { body: { name: t } }),
			stored: async (_res, t) => (await admin.expect(200, 'GET', '/api/v1/me/tokens')).json.items.find((x) => x.name === t)?.name,
		},
	];

	it('follow-up outcome note: 4,096 Chinese characters pass the length check, 4,097 are 400 too_long', async () => {
		// an ordinary ticket is no follow-up: a note within the limit gets as far as that check (404)
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: '回访备注' } })).json;
		const url = `/api/v1/follow-ups/${tk.id}/outcome`;
		assertError(await admin.api('POST', url, { body: { outcome: 'satisfied', note: zh(4096) } }), 404, 'not_found', 'note at the limit');
		const e = assertError(await admin.api('POST', url, { body: { outcome: 'satisfied', note: zh(4097) } }), 400, 'too_long', 'note one over');
		assert.equal(e.field, 'note');
	});

	for (const c of cases) {
		it(`${c.what}: ${c.max} Chinese characters are stored whole, ${c.max + 1} are 400 too_long`, async () => {
			const exact = zh(c.max);
			const ok = await c.send(exact);
			assert.ok([200, 201, 204].includes(ok.status), `${c.what} at the limit: ${ok.status} ${ok.text.slice(0, 300)}`);
			assert.equal(await c.stored(ok, exact), exact, `${c.what}: stored whole`);
			const over = zh(c.max + 1);
			const e = assertError(await c.send(over), 400, 'too_long', `${c.what} one over`);
			assert.equal(e.field, c.field);
			assert.equal(e.details?.max, c.max, `${c.what}: details.max: ${JSON.stringify(e)}`);
			const kept = await c.stored(null, over).catch(() => undefined); // by id: nothing to read
			assert.notEqual(kept, over, `${c.what}: nothing stored one over`);
		});
	}
});
