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
 * {order_line_id, quantity, reason, action}; a quantity that is not a
 * whole number is sent as 0 so that the API names the field.
 */
export function returnBody(orderId, v) {
	const q = wholeNumber(v.quantity);
	return {
		order_id: Number(orderId),
		reason: String(v.reason || '').trim(),
		action: v.action || 'refund',
		lines: [{ order_line_id: Number(v.order_line_id), quantity: Number.isNaN(q) ? 0 : q }],
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
 * A customer-facing wording for the return errors whose API message is
 * written for staff: {key, vars, field} with the deadline (UTC seconds) or
 * the quantity left read from the message, or null to show the API's own.
 */
export function returnError(e) {
	if (!e) return null;
	if (e.code === 'return_window_closed') {
		const m = /(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z/.exec(e.message || '');
		if (!m) return { key: 'portal.return.no_delivery', vars: {}, field: null };
		const at = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
		return { key: 'portal.return.window_closed', vars: { at }, field: null };
	}
	if (e.code === 'return_quantity') {
		const m = /: (\d+) can be returned/.exec(e.message || '');
		return m ? { key: 'portal.return.quantity_left', vars: { n: Number(m[1]) }, field: 'quantity' } : null;
	}
	return null;
}
