// ticket.js - one ticket: conversation and notes with the composer
// (canned replies), properties with If-Match (a 412 reloads the ticket
// and keeps what the user chose), live SLA clocks, the customer and order
// panels, the type's process panel, an inquiry's quotes, merge and links,
// the history, and for mail the headers, delivery status, folded quotes and
// participants (ticket_mail.js).

import { saveOrReload } from '../conflict.js';
import { api, get } from '../api.js';
import { clear, field, h, select, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { navigate } from '../router.js';
import { can, categories, categoryName, session, teams, users } from '../session.js';
import { clocks } from '../sla.js';
import { customerPanel, orderPanel } from '../panels.js';
import { processPanel } from '../process.js';
import { ticketQuotePanel } from '../quote_form.js';
import { ticketMail } from './ticket_mail.js';

const STATES = ['new', 'open', 'pending_customer', 'pending_internal', 'resolved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

/** A message written by the customer but logged by staff (a phone call, a walk-in): the agent's name. */
export function loggedBy(m) {
	return m.kind === 'customer' && m.logged_by?.name ? m.logged_by.name : '';
}

/** Who a message is from: for the customer's words logged by staff, the customer, never the agent. */
export function authorName(m, customerName) {
	if (loggedBy(m)) return customerName || te('author', 'customer');
	return m.author?.name || te('author', m.author?.kind);
}

/**
 * Unsent composer text per ticket and mode, kept in sessionStorage so
 * that re-drawing the page (a language switch, going back) keeps it.
 */
export const draft = {
	key: (id, mode) => `kefu.draft.${id}.${mode}`,
	get(id, mode) {
		try {
			return sessionStorage.getItem(this.key(id, mode)) || '';
		} catch {
			return '';
		}
	},
	set(id, mode, text) {
		try {
			if (text) sessionStorage.setItem(this.key(id, mode), text);
			else sessionStorage.removeItem(this.key(id, mode));
		} catch {
			/* storage full or blocked: the draft lives in the page only */
		}
	},
	/** The mode to open the composer in: note when only a note is drafted. */
	mode(id) {
		return !this.get(id, 'reply') && this.get(id, 'note') ? 'note' : 'reply';
	},
};

export async function render(main, params) {
	const id = Number(params.id);
	const stops = [];
	let tk, etag;
	let firstMsgs = get(`/api/v1/tickets/${id}/messages`, { limit: 200 }).catch(() => null); /* with the ticket */
	try {
		({ data: tk, etag } = await api('GET', `/api/v1/tickets/${id}`));
	} catch (e) {
		clear(main, h('div.empty', { role: 'alert' }, e.message));
		return;
	}
	const convo = h('section.convo', { 'aria-label': t('ticket.conversation') });
	const side = h('aside.ticket-side');
	const head = h('div.ticket-head');
	const composerBox = h('div');
	const extra = h('div.ticket-extra');
	clear(main, h('div.ticket-page', head, h('div.ticket-cols', h('div.ticket-left', convo, composerBox, extra), side)));

	let props = null;
	let customerName = null; /* read when a customer's words were logged by staff */
	const writable = can('ticket.write');
	const mail = ticketMail(id, { writable, channel: tk.channel, onNew: () => drawConvo() }); /* the e-mail parts (issue 14) */
	const reloadTicket = async () => {
		({ data: tk, etag } = await api('GET', `/api/v1/tickets/${id}`));
		drawHead();
		props?.sync();
	};

	function drawHead() {
		clear(
			head,
			h('a.back', { href: '#/inbox' }, '← ', t('nav.inbox')),
			h('h1', h('span.muted', tk.number + ' '), tk.subject),
			h(
				'div.badges',
				h('span.badge', te('type', tk.type)),
				h(`span.badge.st-${tk.state}`, te('state', tk.state)),
				h(`span.prio.p-${tk.priority}`, te('priority', tk.priority)),
				h('span.muted', te('channel', tk.channel), ' · ', fmtTime(tk.created_at)),
				tk.merged_into_id ? h('a', { href: `#/tickets/${tk.merged_into_id}` }, t('ticket.merged_into', { id: tk.merged_into_id })) : null
			)
		);
	}

	async function drawConvo() {
		const mailRead = mail.load(); /* beside the messages, not after them */
		const msgs = (await firstMsgs) || (await get(`/api/v1/tickets/${id}/messages`, { limit: 200 }));
		if (customerName === null && tk.customer_id && msgs.items.some(loggedBy))
			customerName = (await get(`/api/v1/customers/${tk.customer_id}`).catch(() => null))?.name || '';
		firstMsgs = Promise.resolve(null);
		await mailRead;
		clear(
			convo,
			h('h2.sr', t('ticket.conversation')),
			msgs.items.length
				? msgs.items.map((m) =>
						h(
							`article.msg.msg-${m.kind}`,
							h(
								'header',
								h('strong', authorName(m, customerName)),
								loggedBy(m) ? [' ', h('span.muted.logged-by', t('msg.logged_by', { name: loggedBy(m) }))] : null,
								' ',
								h('span.tag', te('msg', m.kind)),
								' ',
								h('time.muted', { datetime: new Date(m.created_at * 1000).toISOString() }, fmtTime(m.created_at))
							),
							mail.header(m),
							mail.body(m)
						)
					)
				: h('p.muted', t('ticket.no_messages'))
		);
	}

	async function drawComposer(mode = 'reply') {
		if (!writable) return null; /* read-only roles (analyst): no composer */
		const canned = await get('/api/v1/canned-replies').catch(() => ({ items: [] }));
		const body = h('textarea', { name: 'body', rows: 5, required: true, placeholder: t(`composer.${mode}_placeholder`) });
		body.value = draft.get(id, mode);
		body.addEventListener('input', () => draft.set(id, mode, body.value));
		const stateSel = select('state', [['', t('composer.keep_state')], ...STATES.map((s) => [s, te('state', s)])], mode === 'reply' ? 'pending_customer' : '');
		const cannedSel = select('canned', [['', t('composer.canned')], ...canned.items.map((c) => [c.id, c.title])], '', {
			'aria-label': t('composer.canned'),
		});
		cannedSel.addEventListener('change', async () => {
			if (!cannedSel.value) return;
			try {
				const { data } = await api('POST', `/api/v1/tickets/${id}/canned-replies/${cannedSel.value}/render`);
				body.value = body.value ? body.value + '\n' + data.text : data.text;
				draft.set(id, mode, body.value);
				body.focus();
			} catch (e) {
				toast(e.message, 'error');
			}
			cannedSel.value = '';
		});
		const tab = (m) =>
			h('button', { type: 'button', role: 'tab', 'aria-selected': m === mode ? 'true' : 'false', on: { click: () => drawComposer(m) } }, t(`composer.${m}`));
		const form = h(
			`form.composer.mode-${mode}`,
			{ 'aria-label': t(`composer.${mode}`) },
			h('div.tabs', { role: 'tablist' }, tab('reply'), tab('note')),
			mode === 'reply' ? mail.line : null,
			field(t(mode === 'reply' ? 'composer.reply_label' : 'composer.note_label'), body),
			h(
				'div.row',
				cannedSel,
				mode === 'reply' ? h('label', t('composer.then'), ' ', stateSel) : null,
				h('button.primary', { type: 'submit' }, t(mode === 'reply' ? 'composer.send' : 'composer.add_note'))
			)
		);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			submitting(form, async () => {
				const payload = { body: body.value };
				if (mode === 'reply' && stateSel.value) payload.state = stateSel.value;
				await api('POST', `/api/v1/tickets/${id}/${mode === 'reply' ? 'replies' : 'notes'}`, { body: payload });
				body.value = '';
				draft.set(id, mode, '');
				if (mode === 'reply') mail.expectOutgoing();
				toast(t(mode === 'reply' ? 'composer.sent' : 'composer.noted'));
				await Promise.all([drawConvo(), reloadTicket()]);
				drawSlaAndCustomer();
			});
		});
		body.addEventListener('keydown', (e) => {
			if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
			if (e.key === 'Escape') body.blur();
		});
		clear(composerBox, form);
		return body;
	}

	async function propsForm() {
		const [cats, tms, names] = await Promise.all([categories().catch(() => []), teams().catch(() => []), users().catch(() => new Map())]);
		const assignees = [...names.entries()].sort((a, b) => String(a[1]).localeCompare(String(b[1])));
		const form = h('form.props', { 'aria-label': t('ticket.properties') });
		const fill = () => {
			clear(
				form,
				h('h2', t('ticket.properties')),
				field(t('prop.state'), select('state', STATES.map((s) => [s, te('state', s)]), tk.state)),
				field(t('prop.priority'), select('priority', PRIORITIES.map((s) => [s, te('priority', s)]), tk.priority)),
				field(t('prop.category'), select('category_id', [['', '—'], ...cats.map((c) => [c.id, '\u00a0'.repeat(c.depth * 2) + categoryName(c)])], tk.category_id)),
				field(t('prop.team'), select('team_id', [['', '—'], ...tms.map((x) => [x.id, x.name])], tk.team_id)),
				field(t('prop.assignee'), select('assignee_id', [['', t('ticket.unassigned')], ...assignees], tk.assignee_id)),
				writable ? h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), h('button', { type: 'button', on: { click: assignMe } }, t('ticket.assign_me'))) : null
			);
			if (!writable) for (const el of form.querySelectorAll('select')) el.disabled = true;
		};
		fill();
		// Controls the agent touched keep their value when the ticket reloads.
		form.addEventListener('change', (e) => (e.target.dataset.dirty = '1'));
		form.sync = () => {
			for (const el of form.querySelectorAll('select[name]')) if (!el.dataset.dirty) el.value = String(tk[el.name] ?? '');
		};
		form.clean = () => form.querySelectorAll('[data-dirty]').forEach((el) => delete el.dataset.dirty);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			submitting(form, () => saveProps(form));
		});
		return form;
	}

	async function saveProps(form) {
		const v = Object.fromEntries(new FormData(form));
		const patch = {};
		for (const k of ['category_id', 'team_id', 'assignee_id']) {
			const nv = v[k] === '' ? null : Number(v[k]);
			if (nv !== (tk[k] ?? null)) patch[k] = nv;
		}
		if (v.priority !== tk.priority) patch.priority = v.priority;
		const send = async () => {
			if (Object.keys(patch).length) ({ data: tk, etag } = await api('PATCH', `/api/v1/tickets/${id}`, { body: patch, etag }));
			if (v.state !== tk.state) ({ data: tk, etag } = await api('POST', `/api/v1/tickets/${id}/transition`, { body: { state: v.state }, etag }));
		};
		// Someone else changed the ticket: load theirs, keep ours in the form.
		const reloaded = (fresh) => {
			({ data: tk, etag } = fresh);
			drawHead();
			props.sync();
		};
		try {
			await saveOrReload({ data: tk, etag }, send, () => api('GET', `/api/v1/tickets/${id}`), reloaded, 'error.stale');
		} catch (e) {
			if (e.code === 'illegal_transition' || e.code === 'complaint_incomplete' || e.code === 'return_incomplete') e.field = e.field || 'state';
			throw e;
		}
		drawHead();
		toast(t('action.saved'));
		props.clean();
		props.sync();
		drawSlaAndCustomer();
	}

	async function assignMe() {
		try {
			({ data: tk, etag } = await api('PATCH', `/api/v1/tickets/${id}`, { body: { assignee_id: session.user.id }, etag }));
			toast(t('ticket.assigned_to_me', { number: tk.number }));
			drawHead();
			props.sync();
		} catch (e) {
			toast(e.message, 'error');
		}
	}

	async function resolve() {
		try {
			({ data: tk, etag } = await api('POST', `/api/v1/tickets/${id}/transition`, { body: { state: 'resolved' }, etag }));
			toast(t('ticket.resolved_n', { number: tk.number }));
			drawHead();
			props.sync();
			drawSlaAndCustomer();
		} catch (e) {
			toast(e.message, 'error');
		}
	}

	const slaSlot = h('div');
	const customerSlot = h('div');

	/** The side column: properties (kept across reloads), SLA clocks, customer. */
	async function drawSide() {
		props = await propsForm();
		clear(side, h('section.panel', props), slaSlot, customerSlot);
		await drawSlaAndCustomer();
	}

	async function drawSlaAndCustomer() {
		stops.splice(0).forEach((f) => f());
		const slaBox = h('section.panel', h('h2', t('ticket.sla')));
		get(`/api/v1/tickets/${id}/sla`)
			.then((s) => {
				const c = clocks(s);
				stops.push(c.stop);
				slaBox.append(c.el);
			})
			.catch(() => slaBox.append(h('p.muted', t('sla.none'))));
		clear(slaSlot, slaBox);
		clear(customerSlot, tk.customer_id ? await customerPanel(tk.customer_id, id) : h('section.panel', h('h2', t('customer.title')), h('p.muted', t('customer.none'))));
	}

	async function drawExtra() {
		clear(
			extra,
			await processPanel(tk, () => reloadTicket().then(drawSlaAndCustomer)),
			await mail.panel(),
			tk.order_id ? await orderPanel(tk.order_id, tk.shipment_id) : null,
			tk.type === 'inquiry' ? await ticketQuotePanel(tk) : null,
			await attachmentsPanel(),
			await linksPanel(),
			historyPanel()
		);
	}

	async function attachmentsPanel() {
		const list = await get(`/api/v1/tickets/${id}/attachments`).catch(() => ({ items: [] }));
		const file = h('input', { name: 'file', type: 'file', required: true, accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,application/zip' });
		const form = h('form.inline', field(t('attach.file'), file, t('attach.hint')), h('button', { type: 'submit' }, t('attach.upload')));
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			const f = file.files[0];
			if (!f) return;
			submitting(form, async () => {
				await api('POST', `/api/v1/tickets/${id}/attachments`, { body: f, query: { filename: f.name } });
				toast(t('attach.done'));
				drawExtra();
			}, { body: 'file', filename: 'file', 'Content-Type': 'file' });
		});
		return h(
			'section.panel.attachments',
			h('h2', t('attach.title')),
			list.items.length
				? h('ul.plain', list.items.map((a) => h('li', h('a', { href: `/api/v1/attachments/${a.id}` }, a.filename), ' ', h('span.muted', `${a.content_type} · ${Math.ceil(a.size / 1024)} KB · ${fmtTime(a.created_at, 'short')}`))))
				: h('p.muted', t('attach.none')),
			writable ? form : null
		);
	}

	async function unlink(other) {
		try {
			await api('DELETE', `/api/v1/tickets/${id}/links/${other}`);
			drawExtra();
		} catch (e) {
			toast(e.message, 'error');
		}
	}

	async function linksPanel() {
		const links = await get(`/api/v1/tickets/${id}/links`).catch(() => ({ items: [] }));
		const other = h('input', { name: 'ticket_id', inputmode: 'numeric', required: true });
		const kind = select('kind', ['related', 'duplicate', 'parent', 'child'].map((k) => [k, te('link', k)]), 'related');
		const linkForm = h('form.inline', h('h3', t('link.add')), field(t('link.ticket'), other), field(t('link.kind'), kind), h('button', { type: 'submit' }, t('link.add')));
		linkForm.addEventListener('submit', (e) => {
			e.preventDefault();
			submitting(linkForm, async () => {
				await api('POST', `/api/v1/tickets/${id}/links`, { body: { ticket_id: Number(other.value.replace(/\D/g, '')), kind: kind.value } });
				toast(t('link.added'));
				drawExtra();
			}, { ticket_id: 'ticket_id' });
		});
		const into = h('input', { name: 'into', inputmode: 'numeric', required: true });
		const mergeForm = h('form.inline', h('h3', t('merge.title')), field(t('merge.into'), into), h('button', { type: 'submit' }, t('merge.submit')));
		mergeForm.addEventListener('submit', (e) => {
			e.preventDefault();
			if (!confirm(t('merge.confirm'))) return;
			submitting(mergeForm, async () => {
				await api('POST', `/api/v1/tickets/${id}/merge`, { body: { into: Number(into.value.replace(/\D/g, '')) }, etag });
				toast(t('merge.done'));
				navigate(`#/tickets/${Number(into.value.replace(/\D/g, ''))}`);
			});
		});
		return h(
			'section.panel.links',
			h('h2', t('link.title')),
			links.items.length
				? h(
						'ul.plain.link-list',
						links.items.map((l) =>
							h(
								'li',
								h('a', { href: `#/tickets/${l.ticket_id}` }, `#${String(l.ticket_id).padStart(6, '0')}`),
								' ',
								te('link', l.kind),
								' ',
								writable ? h('button.link', { type: 'button', on: { click: () => unlink(l.ticket_id) } }, t('link.remove')) : null
							)
						)
					)
				: h('p.muted', t('link.none')),
			writable ? h('div.two', linkForm, can('ticket.manage') ? mergeForm : null) : null
		);
	}

	function historyPanel() {
		const box = h('div');
		const det = h('details.panel', h('summary', t('ticket.history')), box);
		det.addEventListener('toggle', async () => {
			if (!det.open || box.childElementCount) return;
			const ev = await get(`/api/v1/tickets/${id}/events`, { limit: 200 });
			clear(box, h('ol.history', ev.items.map((x) => h('li', h('time.muted', fmtTime(x.at, 'short')), ' ', x.actor?.name || '', ' · ', te('event', x.action)))));
		});
		return det;
	}

	function keys(e) {
		if (e.ctrlKey || e.metaKey || e.altKey) return;
		const tag = (e.target.tagName || '').toLowerCase();
		if (tag === 'input' || tag === 'textarea' || tag === 'select') return;
		const acts = writable
			? {
					r: () => drawComposer('reply').then((b) => b.focus()),
					n: () => drawComposer('note').then((b) => b.focus()),
					a: assignMe,
					e: resolve,
					u: () => navigate('#/inbox'),
				}
			: { u: () => navigate('#/inbox') };
		if (acts[e.key]) {
			e.preventDefault();
			acts[e.key]();
		}
	}

	drawHead();
	await Promise.all([drawConvo(), drawSide()]);
	const body = await drawComposer(params.do === 'note' ? 'note' : params.do === 'reply' ? 'reply' : draft.mode(id));
	if (body && (params.do === 'reply' || params.do === 'note')) body.focus();
	drawExtra();
	document.addEventListener('keydown', keys);
	return () => {
		document.removeEventListener('keydown', keys);
		stops.forEach((f) => f());
		mail.stop();
	};
}
