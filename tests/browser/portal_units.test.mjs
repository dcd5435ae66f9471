// portal_units.test.mjs - the pure functions of web/js/portal_model.js, in
// node (no browser): returnable lines, the request bodies, the customer's
// wording of return errors, the conversation order, what a customer may
// still do, idempotency keys per body.
//
//   node --test tests/browser/portal_units.test.mjs

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
	canConfirm,
	canReply,
	confirmBody,
	conversation,
	greetingName,
	keyedBodies,
	lastDelivery,
	newestFirst,
	returnableLines,
	returnBody,
	returnError,
	returnWindow,
	ticketBody,
	wholeNumber,
} from '../../web/js/portal_model.js';

describe('portal model', () => {
	it('offers only delivered lines for a return, up to the delivered quantity', () => {
		const order = {
			lines: [
				{ id: 1, name: 'tea', sku: 'T', quantity: 3, quantity_delivered: 2 },
				{ id: 2, name: 'pot', sku: 'P', quantity: 1, quantity_delivered: 0 },
			],
		};
		assert.deepEqual(returnableLines(order), [{ id: 1, name: 'tea', sku: 'T', max: 2 }]);
		assert.deepEqual(returnableLines({}), []);
	});

	it('reads whole numbers only', () => {
		assert.equal(wholeNumber(' 3 '), 3);
		assert.ok(Number.isNaN(wholeNumber('2.5')));
		assert.ok(Number.isNaN(wholeNumber('')));
		assert.ok(Number.isNaN(wholeNumber('-1')));
	});

	it('builds the return body; a bad quantity goes as 0 so the API names the field', () => {
		assert.deepEqual(returnBody('7', { order_line_id: '12', quantity: '2', reason: ' broken ', action: 'exchange' }), {
			order_id: 7,
			reason: 'broken',
			action: 'exchange',
			lines: [{ order_line_id: 12, quantity: 2 }],
			language: 'zh',
		});
		assert.equal(returnBody('7', { order_line_id: '12', quantity: '2', reason: 'r' }, 'en').language, 'en');
		assert.equal(returnBody('7', { order_line_id: '12', quantity: '2', reason: 'r' }, 'zh-CN').language, 'zh');
		assert.equal(returnBody(7, { order_line_id: 1, quantity: 'x', reason: 'r' }).lines[0].quantity, 0);
		assert.equal(returnBody(7, { order_line_id: 1, quantity: '1', reason: 'r' }).action, 'refund');
	});

	it('builds the ticket body: the order only when chosen, the language from the UI', () => {
		assert.deepEqual(ticketBody({ type: 'complaint', subject: ' s ', body: ' b ', order_id: '' }, 'zh-CN'), { type: 'complaint', subject: 's', body: 'b', language: 'zh' });
		assert.deepEqual(ticketBody({ subject: 's', body: 'b', order_id: '5' }, 'en'), { type: 'inquiry', subject: 's', body: 'b', order_id: 5, language: 'en' });
	});

	it('builds the confirmation body, leaving out an empty comment', () => {
		assert.deepEqual(confirmBody(true, '  '), { accepted: true });
		assert.deepEqual(confirmBody(false, ' no '), { accepted: false, comment: 'no' });
	});

	it('words the return errors for a customer from the structured details, never from the English message (issue 12, item 22)', () => {
		// the Chinese API message carries no date: the details do
		const w = returnError({
			code: 'return_window_closed',
			message: '已超过退货期限（七天无理由退货）；经理可填写 window_override_reason 破例办理',
			details: { reason: 'expired', window_days: 7, delivered_at: '2026-10-27T10:20:30Z', deadline: '2026-11-03T10:20:30Z' },
		});
		assert.deepEqual(w, { key: 'portal.return.window_closed', vars: { at: Date.UTC(2026, 10, 3, 10, 20, 30) / 1000 }, field: null });
		assert.equal(returnError({ code: 'return_window_closed', message: 'x', details: { reason: 'no_delivery', window_days: 7 } }).key, 'portal.return.no_delivery');
		// an English message with a date but no details is not parsed
		assert.equal(returnError({ code: 'return_window_closed', message: 'the return window closed at 2026-11-03T10:20:30Z' }).key, 'portal.return.window_closed_now');
		const q = returnError({ code: 'return_quantity', message: '退货数量超过可退数量', details: { allowed: 1, delivered: 2, already_returned: 1, requested: 2 } });
		assert.deepEqual(q, { key: 'portal.return.quantity_left', vars: { n: 1 }, field: 'quantity' });
		assert.deepEqual(returnError({ code: 'return_quantity', message: 'x', details: { allowed: 0 } }), { key: 'portal.return.none_left', vars: {}, field: 'quantity' });
		assert.equal(returnError({ code: 'return_quantity', message: 'order line 4: 1 can be returned (delivered 2, already in returns 1), not 2' }), null);
		assert.equal(returnError({ code: 'invalid', message: 'x' }), null);
		assert.equal(returnError(null), null);
	});

	it('offers the return form only while the window is open (issue 12, item 24)', () => {
		assert.deepEqual(returnWindow({ return_window: { open: true, deadline_at: 5, days: 7 } }), { open: true });
		assert.deepEqual(returnWindow({ return_window: { open: false, deadline_at: 1000, days: 7 } }), { open: false, key: 'portal.return.window_closed', vars: { at: 1000 } });
		assert.deepEqual(returnWindow({ return_window: { open: false, deadline_at: null, days: 7 } }), { open: false, key: 'portal.return.no_delivery', vars: {} });
	});

	it('lists orders newest first and greets by name, not by login (issue 12, item 24)', () => {
		const o = newestFirst([{ id: 1, placed_at: 300 }, { id: 2, placed_at: 100 }, { id: 3, placed_at: 300 }, { id: 4, placed_at: 200 }]);
		assert.deepEqual(o.map((x) => x.id), [3, 1, 4, 2]);
		assert.equal(greetingName({ login: 'a@example.com', display_name: '李雷' }), '李雷');
		assert.equal(greetingName({ login: 'a@example.com', display_name: 'a@example.com' }), '');
		assert.equal(greetingName({ login: 'a@example.com', display_name: null }), '');
	});

	it('orders the conversation oldest first, keeping the API order on equal times', () => {
		const m = [
			{ id: 3, created_at: 30 },
			{ id: 1, created_at: 10 },
			{ id: 2, created_at: 10 },
		];
		assert.deepEqual(conversation(m).map((x) => x.id), [1, 2, 3]);
		assert.deepEqual(conversation(undefined), []);
	});

	it('lets a customer confirm only an implemented, unanswered solution, and reply unless closed', () => {
		assert.equal(canConfirm({ complaint: { can_confirm: true } }), true);
		assert.equal(canConfirm({ complaint: { can_confirm: true, customer_confirmation: 'accepted' } }), false);
		assert.equal(canConfirm({ complaint: { can_confirm: false } }), false);
		assert.equal(canConfirm({ type: 'inquiry' }), false);
		assert.equal(canReply({ state: 'resolved' }), true);
		assert.equal(canReply({ state: 'closed' }), false);
	});

	it('finds the last delivery among the shipments', () => {
		assert.equal(lastDelivery({ shipments: [{ delivered_at: 5 }, { delivered_at: null }, { delivered_at: 9 }] }), 9);
		assert.equal(lastDelivery({ shipments: [{ delivered_at: null }] }), null);
	});

	it('keeps one idempotency key per body, a new one when the body changes', () => {
		let n = 0;
		const keyFor = keyedBodies(() => `k${++n}`);
		assert.equal(keyFor({ a: 1 }), 'k1');
		assert.equal(keyFor({ a: 1 }), 'k1');
		assert.equal(keyFor({ a: 2 }), 'k2');
		assert.match(keyedBodies()({}), /\S{8,}/);
	});
});
