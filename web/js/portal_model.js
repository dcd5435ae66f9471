// portal_model.js - the customer portal's pure logic, apart from the DOM
// so that node can test it (tests/browser/portal_units.test.mjs): which
// order lines can be returned, the request bodies the portal sends
// (ticket, return, confirmation), the order of a conversation and what a
// customer may still do on a ticket.

/** Lines of an order with something delivered: [{id, name, sku, max}] (max = delivered). */
export function returnableLines(order) {
	return (order.lines || [])
		.filter((l) => Number(l.quantity_delivered) > 0)
		.map((l) => ({ id: l.id, name: l.name, sku: l.sku, max: Number(l.quantity_delivered) }));
}

/** A whole number typed by a person ('2', ' 3 '), else NaN (so the API names the field). */
export function wholeNumber(s) {
	const v = String(s ?? '').trim();
	return /^\d+$/.test(v) ? Number(v) : NaN;
}

/**
 * The body of POST /portal/returns from the form's values
 * {order_line_id, quantity, reason, action} and the customer's language
 * (the return ticket's subject and language); a quantity that is not a
 * whole number is sent as 0 so that the API names the field.
 */
export function returnBody(orderId, v, uiLang) {
	const q = wholeNumber(v.quantity);
	return {
		order_id: Number(orderId),
		reason: String(v.reason || '').trim(),
		action: v.action || 'refund',
		lines: [{ order_line_id: Number(v.order_line_id), quantity: Number.isNaN(q) ? 0 : q }],
		language: String(uiLang || '').startsWith('en') ? 'en' : 'zh',
	};
}

/** The body of POST /portal/tickets: type, subject, body, the order when one is chosen, the language. */
export function ticketBody(v, uiLang) {
	const out = { type: v.type || 'inquiry', subject: String(v.subject || '').trim(), body: String(v.body || '').trim() };
	if (v.order_id) out.order_id = Number(v.order_id);
	out.language = String(uiLang || '').startsWith('zh') ? 'zh' : 'en';
	return out;
}

/** The body of POST /portal/tickets/:id/confirm; an empty comment is left out. */
export function confirmBody(accepted, comment) {
	const out = { accepted: !!accepted };
	const c = String(comment || '').trim();
	if (c) out.comment = c;
	return out;
}

/** Messages oldest first (the API's order is kept for equal times). */
export function conversation(messages) {
	return (messages || []).map((m, i) => [m, i]).sort((a, b) => a[0].created_at - b[0].created_at || a[1] - b[1]).map(([m]) => m);
}

/** The complaint's solution may be accepted or rejected now: implemented and not yet answered. */
export function canConfirm(ticket) {
	const c = ticket && ticket.complaint;
	return !!(c && c.can_confirm && !c.customer_confirmation);
}

/** A customer may still write on a ticket unless it is closed. */
export function canReply(ticket) {
	return !!ticket && ticket.state !== 'closed';
}

/** The last delivery time among an order's shipments (null when none is delivered). */
export function lastDelivery(order) {
	const at = (order.shipments || []).map((s) => s.delivered_at).filter((x) => x);
	return at.length ? Math.max(...at) : null;
}

/**
 * An Idempotency-Key source for one form: the same key while the body is
 * the same (a retried or double submit never opens two tickets), a new one
 * when the person changed what they send (the API refuses a key reused
 * with another body).  newKey makes the keys (tests pass their own).
 */
export function keyedBodies(newKey = randomKey) {
	let last = null;
	let key = null;
	return (body) => {
		const s = JSON.stringify(body);
		if (s !== last) {
			last = s;
			key = newKey();
		}
		return key;
	};
}

function randomKey() {
	const c = globalThis.crypto;
	if (c && typeof c.randomUUID === 'function') return c.randomUUID();
	return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * A customer-facing wording for the return errors, built from the API's
 * structured details (never from its English message): {key, vars, field}
 * with the deadline (UTC seconds) or the quantity left, or null to show the
 * API's own message.
 */
export function returnError(e) {
	if (!e) return null;
	const d = e.details || {};
	if (e.code === 'return_window_closed') {
		if (d.reason === 'no_delivery') return { key: 'portal.return.no_delivery', vars: {}, field: null };
		const at = Date.parse(d.deadline || '');
		if (d.reason === 'expired' && !Number.isNaN(at)) return { key: 'portal.return.window_closed', vars: { at: at / 1000 }, field: null };
		return { key: 'portal.return.window_closed_now', vars: {}, field: null };
	}
	if (e.code === 'return_quantity' && Number.isInteger(d.allowed)) {
		if (d.allowed > 0) return { key: 'portal.return.quantity_left', vars: { n: d.allowed }, field: 'quantity' };
		return { key: 'portal.return.none_left', vars: {}, field: 'quantity' };
	}
	return null;
}

/**
 * Whether the return form is offered for order o (GET /portal/orders/:id):
 * {open: true}, or {open: false, key, vars} saying why not.
 */
export function returnWindow(o) {
	const w = o && o.return_window;
	if (!w || w.open) return { open: true };
	if (!w.deadline_at) return { open: false, key: 'portal.return.no_delivery', vars: {} };
	return { open: false, key: 'portal.return.window_closed', vars: { at: w.deadline_at } };
}

/** Orders newest first (placed_at, then id). */
export function newestFirst(orders) {
	return [...(orders || [])].sort((a, b) => (b.placed_at || 0) - (a.placed_at || 0) || b.id - a.id);
}

/** The name to greet the customer with, or '' when the account only has its login. */
export function greetingName(account) {
	const n = String((account && account.display_name) || '').trim();
	return n && n !== account.login ? n : '';
}
