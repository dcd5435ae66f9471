// ticket_mail.js - the e-mail parts of the ticket page (issue 14): for a
// message that came or went by mail a compact header (From, To, Cc, the
// time, the parts not kept as attachments), the delivery status of an
// outgoing mail (with "retry" for a failed or deferred one), "view
// original" (the .eml, pii.read only) and "show HTML" (the sanitised HTML
// in a sandboxed iframe); the quoted history
// folded behind "show quoted text"; the participants (Cc) panel with the
// ticket's mail log; and the composer's "To: …, Cc: …" line with a warning
// when the customer's address bounced.
//
// Data: GET /tickets/:id/mail (mail rows, message_id = the ticket message
// they carry), GET/POST/DELETE /tickets/:id/participants,
// POST /mail/messages/:id/retry.  The pure helpers at the top are tested
// in node (tests/browser/mail.test.mjs).

import { api, ApiError, get } from '../api.js';
import { clear, field, h, showError, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { can } from '../session.js';

const RETRYABLE = ['failed', 'deferred'];
const PENDING = ['queued', 'deferred'];
const POLL_MS = 5000;
const POLL_MAX_MS = 60000;
const EXPECT_MS = 30000; /* how long to look for the mail of a reply just sent */

/**
 * body split where the quoted history begins: quoteAt is a byte offset
 * into the UTF-8 body (mail_messages.quote_at; -1 or null: nothing
 * quoted).  An offset inside a multibyte character moves back to its
 * start.  Returns [shown, quoted]; quoted is '' when nothing is folded.
 */
export function splitQuoted(body, quoteAt) {
	const text = body || '';
	if (quoteAt === null || quoteAt === undefined || quoteAt < 0) return [text, ''];
	const bytes = new TextEncoder().encode(text);
	if (quoteAt >= bytes.length) return [text, ''];
	let k = Math.floor(quoteAt);
	while (k > 0 && (bytes[k] & 0xc0) === 0x80) k--;
	const dec = new TextDecoder();
	const shown = dec.decode(bytes.subarray(0, k));
	const quoted = dec.decode(bytes.subarray(k));
	return quoted.trim() ? [shown.replace(/\s+$/, ''), quoted] : [text, ''];
}

/** "Name <address>" or the address alone (a masked address is shown as given). */
export function addrText(a) {
	if (!a) return '';
	if (typeof a === 'string') return a;
	return a.name ? `${a.name} <${a.address || ''}>` : a.address || '';
}

/** Whether s looks like a mail address the API takes (local@domain, no spaces, <>",). */
export function validAddress(s) {
	return /^[^\s@<>",;]+@[^\s@<>",;.]+(\.[^\s@<>",;.]+)*$/.test(String(s || '').trim());
}

/** Whether the mail m can be sent again now (an outgoing one that failed or waits for its next try). */
export function canRetry(m) {
	return m.direction === 'out' && RETRYABLE.includes(m.status);
}

/** The words for m's delivery status: {key, vars, detail} (detail: the server's reason, if any). */
export function deliveryStatus(m) {
	const detail = m.last_error || m.reason || '';
	if (m.status === 'deferred') return { key: 'mail.status.deferred_next', vars: { when: fmtTime(m.next_at, 'short') }, detail };
	if (m.status === 'failed' || m.status === 'bounced' || m.status === 'dropped') return { key: `mail.status.${m.status}`, vars: null, detail };
	return { key: `mail.status.${m.status}`, vars: null, detail: '' };
}

/**
 * What the ticket's mail says for the composer: the customer's address
 * (the To of the latest outgoing mail, else the sender of the first
 * received one) and whether it bounced (the latest outgoing mail to it
 * that was delivered or bounced is a bounce).  items oldest first.
 */
export function mailTarget(items) {
	const outs = items.filter((m) => m.direction === 'out' && m.to && m.to.length);
	const firstIn = items.find((m) => m.direction === 'in' && m.kind !== 'bounce' && m.from);
	const to = outs.length ? outs[outs.length - 1].to[0] : firstIn ? firstIn.from : null;
	if (!to) return { to: null, bouncing: false };
	const last = [...outs].reverse().find((m) => (m.status === 'sent' || m.status === 'bounced') && m.to.some((a) => a.address === to.address));
	return { to, bouncing: !!last && last.status === 'bounced' };
}

/**
 * How long to wait before looking at the ticket's mail again (ms), or null
 * for not at all: soon while a mail is queued or a reply's mail is
 * expected; for a deferred one shortly after its next try, at most a
 * minute apart.  nowMs: the clock in ms.
 */
export function pollDelay(items, expecting, nowMs) {
	let best = expecting ? POLL_MS : null;
	for (const m of items) {
		if (m.direction !== 'out' || !PENDING.includes(m.status)) continue;
		const d = m.status === 'queued' ? POLL_MS : Math.min(POLL_MAX_MS, Math.max(POLL_MS, m.next_at * 1000 - nowMs + 2000));
		best = best === null ? d : Math.min(best, d);
	}
	return best;
}

/** One part of a mail not kept as an attachment ({filename, reason} or {reason: 'too_many', count}) in words. */
export function skippedText(x) {
	if (!x) return '';
	if (x.reason === 'too_many') return t('mail.skip.too_many', { n: x.count ?? '?' });
	return `${x.filename || '?'} (${te('mail.skip', x.reason)})`;
}

function statusEl(m) {
	const s = deliveryStatus(m);
	return h(
		`span.mail-status.ms-${m.status}`,
		{ dataset: { mailId: m.id } },
		h('span.badge', t(s.key, s.vars || undefined)),
		s.detail ? [' ', h('span.mail-reason', s.detail)] : null
	);
}

/**
 * The mail parts of ticket id's page.  writable: the user may write the
 * ticket (retry, participants); onNew(): called when polling finds mail
 * rows that were not there (redraw the conversation).  Call load() before
 * drawing; header(m), body(m) for each message; line (an element) goes in
 * the reply composer; panel() is the participants and mail-log panel;
 * expectOutgoing() after sending a reply (the outbox writes its mail a
 * moment later); stop() ends the polling.
 */
export function ticketMail(id, { writable, channel, onNew }) {
	const st = { items: [], byMsg: new Map(), parts: [], timer: null, loaded: false, panelShown: false, expectUntil: 0, stopped: false };
	const line = h('div.mail-to', { hidden: true });
	const panelBox = h('section.panel.mail-panel', { 'aria-label': t('mail.panel') });

	/** Read the ticket's mail and participants (the latter only for a mail ticket: one request for the others). */
	async function load() {
		const readParts = () => get(`/api/v1/tickets/${id}/participants`).catch(() => ({ items: [] }));
		const mailP = get(`/api/v1/tickets/${id}/mail`).catch(() => ({ items: [] }));
		const partsP = channel === 'email' ? readParts() : null;
		const mail = await mailP;
		const parts = partsP ? await partsP : (mail.items || []).length ? await readParts() : { items: [] };
		st.items = [...(mail.items || [])].sort((a, b) => a.id - b.id);
		st.byMsg = new Map(st.items.filter((m) => m.message_id).map((m) => [m.message_id, m]));
		st.parts = parts.items || [];
		st.loaded = true;
		drawLine();
		if (st.panelShown) drawPanel();
		schedule();
	}

	const isMail = () => channel === 'email' || st.items.length > 0;

	/** Redraw every status chip of the mail rows (after polling). */
	function refreshStatuses() {
		for (const m of st.items)
			for (const el of document.querySelectorAll(`.mail-status[data-mail-id="${m.id}"]`)) {
				const fresh = statusEl(m);
				el.replaceWith(fresh);
			}
		for (const b of document.querySelectorAll('button.mail-retry')) {
			const m = st.items.find((x) => String(x.id) === b.dataset.mailId);
			if (m) b.hidden = !canRetry(m);
		}
	}

	/**
	 * While an outgoing mail is queued or deferred, or a reply was just sent
	 * on a mail ticket, look again every few seconds; new rows redraw the
	 * conversation (onNew), status changes only the chips.
	 */
	function schedule() {
		clearTimeout(st.timer);
		if (st.stopped) return;
		const delay = pollDelay(st.items, isMail() && Date.now() < st.expectUntil, Date.now());
		if (delay === null) return;
		st.timer = setTimeout(async () => {
			const fresh = await get(`/api/v1/tickets/${id}/mail`).catch(() => null);
			if (st.stopped) return; /* the user left the page meanwhile */
			if (!fresh) return schedule();
			const known = new Set(st.items.map((m) => m.id));
			if (onNew && fresh.items.some((m) => !known.has(m.id))) {
				st.expectUntil = 0;
				return onNew();
			}
			st.items = [...fresh.items].sort((a, b) => a.id - b.id);
			st.byMsg = new Map(st.items.filter((m) => m.message_id).map((m) => [m.message_id, m]));
			refreshStatuses();
			drawLine();
			schedule();
		}, delay);
	}

	async function retry(m, btn) {
		btn.disabled = true;
		try {
			await api('POST', `/api/v1/mail/messages/${m.id}/retry`);
			toast(t('mail.retried'));
			await load();
			refreshStatuses();
		} catch (e) {
			toast(e.message, 'error');
		} finally {
			btn.disabled = false;
		}
	}

	function retryButton(m) {
		if (!writable) return null;
		const b = h('button.link.mail-retry', { type: 'button', dataset: { mailId: m.id }, hidden: !canRetry(m) }, t('mail.retry'));
		b.addEventListener('click', () => retry(m, b));
		return b;
	}

	/** "Show HTML": the sanitised HTML in a sandboxed iframe (no scripts, no same origin), and a new-tab link. */
	function htmlToggle(m) {
		if (!m.has_html) return null;
		const url = `/api/v1/mail/messages/${m.id}/html`;
		const slot = h('div.mail-html-slot');
		const btn = h('button.link.mail-show-html', { type: 'button', 'aria-expanded': 'false' }, t('mail.show_html'));
		btn.addEventListener('click', () => {
			const open = btn.getAttribute('aria-expanded') !== 'true';
			btn.setAttribute('aria-expanded', String(open));
			btn.textContent = t(open ? 'mail.hide_html' : 'mail.show_html');
			clear(
				slot,
				open
					? [
							h('iframe.mail-html', { src: url, sandbox: '', referrerpolicy: 'no-referrer', title: t('mail.html_title') }),
							h('a.mail-html-tab', { href: url, target: '_blank', rel: 'noopener noreferrer' }, t('mail.html_tab')),
						]
					: []
			);
		});
		return [btn, slot];
	}

	/** The compact mail header of message m, or null when m did not come or go by mail. */
	function header(m) {
		const mm = st.byMsg.get(m.id);
		if (!mm) return null;
		const row = (k, v) => (v ? [h('dt', t(k)), h('dd', v)] : null);
		const list = (xs) => (xs || []).map(addrText).join(', ');
		const raw = can('pii.read') ? h('a.mail-raw', { href: `/api/v1/mail/messages/${mm.id}/raw`, download: '' }, t('mail.view_original')) : null;
		const html = htmlToggle(mm);
		const skipped = (mm.skipped || []).map(skippedText).filter(Boolean);
		return h(
			`div.mail-head.mail-${mm.direction}`,
			{ dataset: { mailId: mm.id } },
			h(
				'dl.kv.mail-addrs',
				row('mail.from', addrText(mm.from)),
				row('mail.to', list(mm.to)),
				row('mail.cc', list(mm.cc)),
				row('mail.date', fmtTime(mm.created_at))
			),
			h(
				'div.row.mail-actions',
				mm.direction === 'out' ? [statusEl(mm), retryButton(mm)] : mm.kind && mm.kind !== 'message' ? h('span.tag', te('mail.kind', mm.kind)) : null,
				raw,
				html ? html[0] : null
			),
			skipped.length ? h('p.mail-skipped', t('mail.skipped', { list: skipped.join(', ') })) : null,
			html ? html[1] : null
		);
	}

	/** The body of message m; for mail, the quoted history folded behind a toggle. */
	function body(m) {
		const mm = st.byMsg.get(m.id);
		const [shown, quoted] = mm ? splitQuoted(m.body, mm.quote_at) : [m.body, ''];
		if (!quoted) return h('div.body', m.body);
		const q = h('div.body.quoted', { hidden: true }, quoted);
		const btn = h('button.link.quote-toggle', { type: 'button', 'aria-expanded': 'false' }, t('mail.show_quoted'));
		btn.addEventListener('click', () => {
			q.hidden = !q.hidden;
			btn.setAttribute('aria-expanded', String(!q.hidden));
			btn.textContent = t(q.hidden ? 'mail.show_quoted' : 'mail.hide_quoted');
		});
		return h('div.mail-body', h('div.body', shown), btn, q);
	}

	/** The composer's "To: customer, Cc: …" and the bounce warning (mail tickets only). */
	function drawLine() {
		if (!isMail()) {
			line.hidden = true;
			return;
		}
		const { to, bouncing } = mailTarget(st.items);
		line.hidden = false;
		clear(
			line,
			h('span.mail-to-to', t('mail.to'), ': ', to ? addrText(to) : t('mail.customer')),
			st.parts.length ? h('span.mail-to-cc', ' · ', t('mail.cc'), ': ', st.parts.map(addrText).join(', ')) : null,
			bouncing ? h('p.mail-bouncing', { role: 'alert' }, t('mail.bouncing', { address: to.address })) : null
		);
	}

	async function removePart(p, btn) {
		btn.disabled = true;
		try {
			await api('DELETE', `/api/v1/tickets/${id}/participants/${encodeURIComponent(p.address)}`);
			toast(t('mail.cc_removed'));
			await load();
		} catch (e) {
			btn.disabled = false;
			toast(e.message, 'error');
		}
	}

	function addForm() {
		const address = h('input', { name: 'address', type: 'text', inputmode: 'email', autocomplete: 'off', 'aria-required': 'true' });
		const name = h('input', { name: 'name', type: 'text', autocomplete: 'off' });
		const form = h(
			'form.inline.mail-add-cc',
			{ novalidate: true },
			h('h3', t('mail.add_cc')),
			field(t('mail.cc_address'), address),
			field(t('mail.cc_name'), name),
			h('button', { type: 'submit' }, t('mail.add_cc_submit'))
		);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			if (!validAddress(address.value)) return showError(form, new ApiError(400, 'invalid', t('mail.bad_address'), 'address'));
			submitting(form, async () => {
				const b = { address: address.value.trim() };
				if (name.value.trim()) b.name = name.value.trim();
				await api('POST', `/api/v1/tickets/${id}/participants`, { body: b });
				toast(t('mail.cc_added'));
				await load();
			});
		});
		return form;
	}

	function logRow(m) {
		return h(
			'li',
			{ dataset: { mailId: m.id } },
			h('span.tag', t(m.direction === 'in' ? 'mail.dir_in' : 'mail.dir_out')),
			' ',
			m.kind && m.kind !== 'message' ? [h('span.tag', te('mail.kind', m.kind)), ' '] : null,
			h('time.muted', fmtTime(m.created_at, 'short')),
			' ',
			m.subject || '',
			' ',
			m.direction === 'out' ? [statusEl(m), ' ', retryButton(m)] : null
		);
	}

	function drawPanel() {
		const parts = st.parts.map((p) => {
			const rm = writable ? h('button.link', { type: 'button', 'aria-label': t('mail.remove_cc', { address: p.address }) }, t('action.remove')) : null;
			rm?.addEventListener('click', () => removePart(p, rm));
			return h('li', { dataset: { address: p.address } }, addrText(p), ' ', rm);
		});
		clear(
			panelBox,
			h('h2', t('mail.panel')),
			h('h3', t('mail.participants')),
			parts.length ? h('ul.plain.mail-parts', parts) : h('p.muted.mail-no-parts', t('mail.no_participants')),
			writable ? addForm() : null,
			h('h3', t('mail.log')),
			st.items.length ? h('ul.plain.mail-log', st.items.map(logRow)) : h('p.muted', t('mail.no_mail'))
		);
	}

	/** The participants and mail-log panel (null for a ticket that has nothing to do with mail). */
	async function panel() {
		if (!st.loaded) await load();
		if (!isMail()) return null;
		st.panelShown = true;
		drawPanel();
		return panelBox;
	}

	return {
		load,
		header,
		body,
		line,
		panel,
		expectOutgoing: () => (st.expectUntil = Date.now() + EXPECT_MS),
		stop: () => {
			clearTimeout(st.timer);
			st.stopped = true;
		},
	};
}
