// sla.js - live SLA clocks: one element per target, ticking every second
// from due_at (the server's remaining_s is only a snapshot).

import { h } from './dom.js';
import { fmtSpan, fmtTime, t, te } from './i18n.js';

const TARGETS = ['first_response', 'next_response', 'resolution'];

/**
 * Whether a finished clock was met or missed: the API's status decides
 * (a reply after due_at is missed even when no breach was recorded);
 * without one, done after due_at or a recorded breach is missed.
 */
export function doneState(target) {
	if (target.status === 'met' || target.status === 'missed') return target.status;
	return target.breached_at || (target.due_at && target.done_at > target.due_at) ? 'missed' : 'met';
}

/** The label and class of one clock at now (UTC seconds). */
export function clockState(target, now, paused) {
	if (target.done_at) {
		const s = doneState(target);
		return { cls: s, text: te('sla', s) };
	}
	if (paused) return { cls: 'paused', text: t('sla.paused') };
	const left = target.due_at - now;
	if (left < 0) return { cls: 'breached', text: t('sla.overdue', { span: fmtSpan(-left) }) };
	const warn = target.warn_at && now >= target.warn_at;
	return { cls: warn ? 'warning' : 'running', text: t('sla.in', { span: fmtSpan(left) }) };
}

/** A list of clocks for a TicketSla, and a stop() for its timer. */
export function clocks(sla) {
	const rows = TARGETS.filter((k) => sla[k]).map((k) => {
		const val = h('span.clock');
		const row = h('div.sla-row', h('span.sla-name', t(`sla.${k}`)), val, h('span.muted.sla-due', fmtTime(sla[k].due_at, 'short')));
		return { k, val, row };
	});
	const tick = () => {
		const now = Date.now() / 1000;
		for (const r of rows) {
			const s = clockState(sla[r.k], now, sla.paused);
			r.val.textContent = s.text;
			r.val.className = `clock sla-${s.cls}`;
		}
	};
	tick();
	const timer = setInterval(tick, 1000);
	const el = h(
		'div.sla',
		sla.policy_name ? h('div.muted', sla.policy_name) : null,
		rows.length ? rows.map((r) => r.row) : h('div.muted', t('sla.none'))
	);
	return { el, stop: () => clearInterval(timer) };
}
