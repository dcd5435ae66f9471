// portal_tickets.js - the portal's ticket pages: my tickets, opening one
// (type, subject, text, an optional order and an optional file uploaded
// right after the ticket exists), and one ticket with its public
// conversation, a reply box, its files, a return's authorisation and a
// complaint's solution to accept or reject.
//
// A refused write leaves every typed value in place; a ticket whose file
// could not be uploaded still opens, saying so next to the upload form.

import { api, get } from './api.js';
import { clear, field, h, select, showError, submitting, toast } from './dom.js';
import { fmtMoney, fmtTime, lang, t, te } from './i18n.js';
import { canConfirm, canReply, confirmBody, conversation, keyedBodies, ticketBody } from './portal_model.js';

/* A note for the next ticket page (the file of a new ticket was refused). */
let uploadNotice = null;

function stateBadge(state) {
	return h(`span.badge.st-${state}`, te('pstate', state));
}

function ticketItem(x) {
	return h(
		'li',
		h(
			'a.tile',
			{ href: `#/tickets/${x.id}` },
			h('strong', x.subject),
			h('span.badges', stateBadge(x.state), h('span.tag', te('type', x.type)), h('span.muted', x.number, ' · ', fmtTime(x.updated_at || x.created_at, 'short')))
		)
	);
}

/** #/tickets: the latest 100, most recently updated first. */
export async function renderTickets(el) {
	clear(el, h('p.muted', t('loading')));
	const { items } = await get('/api/v1/portal/tickets');
	clear(
		el,
		h('div.portal-title', h('h2', { tabindex: -1 }, t('portal.nav.tickets')), h('a.button', { href: '#/tickets/new' }, t('portal.nav.new_ticket'))),
		items.length ? h('ul.portal-list', items.map(ticketItem)) : h('p.empty', t('portal.tickets.none'))
	);
}

/** Upload file to ticket id; resolves to the attachment. */
function upload(id, file) {
	return api('POST', `/api/v1/portal/tickets/${id}/attachments`, { body: file, query: { filename: file.name }, quiet401: true }).then((r) => r.data);
}

async function myOrders() {
	try {
		return (await get('/api/v1/portal/orders', { limit: 50 })).items;
	} catch {
		return [];
	}
}

/** #/tickets/new[?order=ID]: the form; on success the new ticket opens. */
export async function renderNewTicket(el, params) {
	const orders = await myOrders();
	const type = select('type', ['inquiry', 'complaint', 'suggestion'].map((x) => [x, te('type', x)]), 'inquiry');
	const subject = h('input', { name: 'subject', required: true, maxlength: 200, autocomplete: 'off' });
	const body = h('textarea', { name: 'body', rows: 6, required: true });
	const order = select('order_id', [['', t('portal.new.no_order')], ...orders.map((o) => [o.id, `${o.number} · ${fmtTime(o.placed_at, 'date')}`])], params.order || '');
	const file = h('input', { name: 'file', type: 'file', accept: 'image/*,application/pdf,text/plain,text/csv,application/zip' });
	const form = h(
		'form.card.portal-new',
		{ novalidate: true },
		h('h2', { tabindex: -1 }, t('portal.nav.new_ticket')),
		field(t('portal.new.type'), type),
		field(t('portal.new.subject'), subject),
		field(t('portal.new.body'), body),
		field(t('portal.new.order'), order),
		field(t('portal.new.file'), file, t('attach.hint')),
		h('button.primary', { type: 'submit' }, t('portal.new.submit'))
	);
	const keyFor = keyedBodies();
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const b = ticketBody({ type: type.value, subject: subject.value, body: body.value, order_id: order.value }, lang());
			const { data: tk } = await api('POST', '/api/v1/portal/tickets', { body: b, headers: { 'Idempotency-Key': keyFor(b) }, quiet401: true });
			const f = file.files && file.files[0];
			if (f) {
				try {
					await upload(tk.id, f);
				} catch (err) {
					uploadNotice = { id: tk.id, message: t('portal.new.file_failed', { name: f.name, reason: err.message }) };
				}
			}
			toast(t('portal.new.done', { number: tk.number }));
			location.hash = `#/tickets/${tk.id}`;
		});
	});
	clear(el, form);
	subject.focus();
}

function messageBox(m) {
	const mine = m.from === 'customer';
	return h(
		`article.msg.${mine ? 'msg-mine' : 'msg-service'}`,
		h('header', h('strong', t(mine ? 'portal.msg.you' : 'portal.msg.service')), ' ', h('time.muted', fmtTime(m.created_at))),
		h('div.body', m.body)
	);
}

function replyForm(tk, reload) {
	const body = h('textarea', { name: 'body', rows: 4, required: true });
	const form = h('form.card.portal-reply', { novalidate: true }, field(t('portal.reply.label'), body), h('button.primary', { type: 'submit' }, t('portal.reply.send')));
	const keyFor = keyedBodies();
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const b = { body: body.value.trim() };
			await api('POST', `/api/v1/portal/tickets/${tk.id}/messages`, { body: b, headers: { 'Idempotency-Key': keyFor(b) }, quiet401: true });
			body.value = '';
			toast(t('portal.reply.sent'));
			await reload();
		});
	});
	return form;
}

function attachmentsBox(tk, reload) {
	const file = h('input', { name: 'file', type: 'file', accept: 'image/*,application/pdf,text/plain,text/csv,application/zip' });
	const form = h('form.portal-upload', { novalidate: true }, field(t('attach.file'), file, t('attach.hint')), h('button', { type: 'submit' }, t('attach.upload')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		const f = file.files && file.files[0];
		if (!f) return showError(form, { message: t('portal.attach.choose'), field: 'file' });
		submitting(form, async () => {
			await upload(tk.id, f);
			toast(t('attach.done'));
			await reload();
		}, { filename: 'file' });
	});
	const files = tk.attachments || [];
	const box = h(
		'section.card.portal-files',
		h('h2', t('attach.title')),
		files.length
			? h('ul.plain', files.map((a) => h('li', h('a', { href: `/api/v1/portal/attachments/${a.id}` }, a.filename), ' ', h('span.muted', `${Math.max(1, Math.ceil((a.size || 0) / 1024))} KB · ${fmtTime(a.created_at, 'short')}`))))
			: h('p.muted', t('attach.none')),
		canReply(tk) ? form : null
	);
	if (uploadNotice && uploadNotice.id === tk.id) {
		showError(form, { message: uploadNotice.message, field: 'file' });
		uploadNotice = null;
	}
	return box;
}

function complaintBox(tk, reload) {
	const c = tk.complaint;
	const rows = [[t('portal.complaint.step'), te('step', c.step)]];
	if (c.solution) rows.push([t('complaint.solution'), c.solution]);
	if (c.compensation_minor) rows.push([t('complaint.compensation_minor'), fmtMoney(c.compensation_minor, c.currency)]);
	if (c.customer_confirmation) rows.push([t('portal.complaint.your_answer'), te('pconfirm', c.customer_confirmation)]);
	const box = h('section.card.portal-complaint', { 'aria-label': t('portal.complaint.title') }, h('h2', t('portal.complaint.title')), h('dl.kv', rows.map(([k, v]) => [h('dt', k), h('dd', v)])));
	if (!canConfirm(tk)) return box;
	const comment = h('textarea', { name: 'comment', rows: 3 });
	const form = h(
		'form.portal-confirm',
		{ novalidate: true },
		h('p', t('portal.complaint.ask')),
		field(t('portal.complaint.comment'), comment),
		h('div.row', h('button.primary', { type: 'submit', value: 'accept' }, t('portal.complaint.accept')), h('button', { type: 'submit', value: 'reject' }, t('portal.complaint.reject')))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		const accepted = !(e.submitter && e.submitter.value === 'reject');
		submitting(form, async () => {
			await api('POST', `/api/v1/portal/tickets/${tk.id}/confirm`, { body: confirmBody(accepted, comment.value), quiet401: true });
			toast(t(accepted ? 'portal.complaint.accepted' : 'portal.complaint.rejected'));
			await reload();
		});
	});
	box.append(form);
	return box;
}

function returnBox(r) {
	return h(
		'section.card.portal-rma',
		h('h2', t('return.title'), ' ', h('span.muted', r.rma)),
		h(
			'dl.kv',
			h('dt', t('return.status')), h('dd', te('rstatus', r.status)),
			h('dt', t('return.action')), h('dd', te('raction', r.action)),
			r.window_deadline_at ? [h('dt', t('return.deadline')), h('dd', fmtTime(r.window_deadline_at))] : null
		),
		h('ul.plain', (r.lines || []).map((l) => h('li', `${l.name || l.sku || ''} × ${l.quantity}`)))
	);
}

/** #/tickets/:id: head, process, conversation, reply, files; redrawn in place after each write. */
export async function renderTicket(el, { id }) {
	clear(el, h('p.muted', t('loading')));
	async function draw() {
		const tk = await get(`/api/v1/portal/tickets/${encodeURIComponent(id)}`);
		const msgs = conversation(tk.messages);
		clear(
			el,
			h('p', h('a', { href: '#/tickets' }, t('portal.back_tickets'))),
			h(
				'section.card.portal-ticket-head',
				h('h2', { tabindex: -1 }, tk.subject),
				h('div.badges', stateBadge(tk.state), h('span.tag', te('type', tk.type)), h('span.muted', tk.number)),
				tk.order_id ? h('p', h('a', { href: `#/orders/${tk.order_id}` }, t('portal.ticket.order'))) : null
			),
			tk.complaint ? complaintBox(tk, draw) : null,
			tk.return ? returnBox(tk.return) : null,
			h('section.convo', { 'aria-label': t('ticket.conversation') }, h('h2', t('ticket.conversation')), msgs.length ? msgs.map(messageBox) : h('p.muted', t('ticket.no_messages'))),
			canReply(tk) ? replyForm(tk, draw) : h('p.muted', t('portal.ticket.closed')),
			attachmentsBox(tk, draw)
		);
	}
	await draw();
}
