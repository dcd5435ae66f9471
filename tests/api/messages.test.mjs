// Error messages in the reader's words (issue 12 item 22): invalid, type,
// range and too_long errors name fields by their English label in English
// ("category must be a whole number", not "category_id must be an
// integer") and by their Chinese label in Chinese, the follow-up list
// filters included; create handlers with several required fields name
// every missing one (details.fields) in both languages.
//
//   node --test --test-concurrency=1 tests/api/messages.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

after(cleanup);

const SNAKE = /[a-z0-9]+_[a-z0-9_]+/;

describe('error messages name fields in the reader\'s words', () => {
	let srv, admin, cust;
	const it = withLogs(() => srv);

	/** The request in English and in Chinese: the same error, both without snake_case names. */
	async function both(method, url, body, status, code) {
		admin.lang = null;
		const en = assertError(await admin.api(method, url, { body }), status, code, `${method} ${url} (en)`);
		admin.lang = 'zh-CN';
		const zh = assertError(await admin.api(method, url, { body }), status, code, `${method} ${url} (zh)`);
		admin.lang = null;
		assert.doesNotMatch(en.message, SNAKE, `${method} ${url}: English names a raw field: ${en.message}`);
		assert.doesNotMatch(zh.message, SNAKE, `${method} ${url}: Chinese names a raw field: ${zh.message}`);
		assert.match(zh.message, /[\u4e00-\u9fff]/, `${method} ${url}: not Chinese: ${zh.message}`);
		assert.equal(en.field, zh.field, 'the field stays the API name');
		return { en, zh };
	}

	before(async () => {
		srv = await startServer();
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		cust = (await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: '消息测试' } })).json;
	});
	after(async () => {
		if (srv) await srv.stop('SIGTERM');
	});

	const now = Math.floor(Date.now() / 1000);
	// method, url, body, code, field, English label, Chinese label
	const samples = () => [
		['POST', '/api/v1/tickets', { type: 'complaint', subject: '坏了', category_id: 'abc' }, 'type', 'category_id', /^category must be a whole number$/, /类别/],
		['POST', '/api/v1/customers', { name: '甲', company_id: 'x' }, 'type', 'company_id', /^company /, /公司/],
		['POST', '/api/v1/customers', { name: '乙', external_id: 'e'.repeat(129) }, 'too_long', 'external_id', /^customer number is longer than 128/, /“/],
		['PUT', `/api/v1/customers/${cust.id}/contract-rate`, { freight_bp: 20000 }, 'range', 'freight_bp', /between 0 and 10000/, /超出允许范围/],
		['POST', '/api/v1/improvement-actions', { title: 't', target_report: 'three-controls', target_metric: 'complaints', baseline_from: 'x', baseline_to: now }, 'type', 'baseline_from', /^baseline start must be a whole number$/, /基线开始日期/],
		['GET', '/api/v1/follow-ups?customer_id=abc', undefined, 'invalid', 'customer_id', /^customer must be a positive id$/, /客户/],
		['GET', '/api/v1/follow-ups?ticket_id=-1', undefined, 'invalid', 'ticket_id', /^ticket must be a positive id$/, /工单/],
		['GET', '/api/v1/follow-ups?status=nope', undefined, 'invalid', 'status', /status/, /状态/],
	];

	it('invalid, type, range and too_long: labels, not API names, in English and Chinese', async () => {
		for (const [method, url, body, code, field, enRe, zhRe] of samples()) {
			const { en, zh } = await both(method, url, body, 400, code);
			assert.equal(en.field, field, `${method} ${url}`);
			assert.match(en.message, enRe, `${method} ${url}: ${en.message}`);
			assert.match(zh.message, zhRe, `${method} ${url}: ${zh.message}`);
		}
	});

	// url, the fields it requires (all missing in {}), their English and Chinese labels
	const creates = () => [
		['/api/v1/canned-replies', ['title', 'body'], ['title', 'message text'], ['标题', '消息内容']],
		['/api/v1/rate-cards', ['name', 'csv'], null, null],
		['/api/v1/calendars', ['name', 'time_zone'], null, null],
		[`/api/v1/customers/${cust.id}/identities`, ['kind', 'value'], null, null],
		[`/api/v1/customers/${cust.id}/consents`, ['purpose', 'granted'], null, null],
		['/api/v1/improvement-actions', ['title', 'target_report', 'target_metric', 'baseline_from', 'baseline_to'],
			['title', 'target report', 'target metric', 'baseline start', 'baseline end'], ['标题', '目标报表', '目标指标', '基线开始日期', '基线结束日期']],
		['/api/v1/categories', ['code', 'name_zh', 'name_en'], null, null],
		['/api/v1/users', ['username', 'role'], ['user name', 'role'], ['用户名', '角色']],
		['/api/v1/me/password', ['current_password', 'new_password'], ['current password', 'new password'], ['当前密码', '新密码']],
	];

	it('several missing fields: every one named, in the reader\'s words, in both languages', async () => {
		for (const [url, fields, enLabels, zhLabels] of creates()) {
			const { en, zh } = await both('POST', url, {}, 400, 'required');
			assert.deepEqual(en.details?.fields, fields, `${url}: details.fields: ${JSON.stringify(en)}`);
			assert.deepEqual(zh.details?.fields, fields);
			assert.match(en.message, /^Please fill in: /, url);
			assert.match(zh.message, /^请填写：/, url);
			assert.equal(en.message.split(', ').length, fields.length, `${url}: every field in ${en.message}`);
			assert.equal(zh.message.split('、').length, fields.length, `${url}: every field in ${zh.message}`);
			if (enLabels) assert.equal(en.message, `Please fill in: ${enLabels.join(', ')}`);
			if (zhLabels) assert.equal(zh.message, `请填写：${zhLabels.join('、')}`);
		}
	});
});
