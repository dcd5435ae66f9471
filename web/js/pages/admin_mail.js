// admin_mail.js - the admin section "Mail" (mail.admin; issue 14), in five
// parts chosen by #/admin/mail?part=…:
// - settings: the support address, display name, the outgoing relay (host,
//   port, security, user, a write-only password shown as "set" with
//   "change"), reopen days, largest message, per-sender rate and the
//   acknowledgement switch (PATCH /mail/settings with If-Match through
//   ../conflict.js), "test connection" (POST /mail/settings/test: the stage
//   reached and the server's message), and "generate inbound token"
//   (POST /mail/inbound-token: the token shown once with the copy-paste
//   `kefu mail receive` lines);
// - mailboxes: IMAP sources with their last poll, last error and count,
//   add/edit (If-Match)/delete, test connection and fetch now;
// - templates: name × language, edit subject and body (an unknown
//   placeholder comes back under its field), preview, reset to built-in;
// - bounces: the bouncing addresses, removable;
// - log: GET /mail/messages (failed, dropped, deferred … by filter), with
//   retry for failed/deferred outgoing mail and older pages (next_before_id).

import { api, get } from '../api.js';
import { clear, field, h, select, submitting, toast } from '../dom.js';
import { fmtTime, t, te } from '../i18n.js';
import { createForm, readControls, saveEdit, table } from './admin_common.js';

const PARTS = ['settings', 'mailboxes', 'templates', 'bounces', 'log'];
const SECURITY = ['tls', 'starttls', 'none'];
const AFTER_FETCH = ['seen', 'move', 'delete'];
const STATUSES = ['failed', 'deferred', 'dropped', 'bounced', 'queued', 'sent', 'received'];
const LOG_PAGE = 50;
const etagOf = (v) => `"v${v}"`;

/** The fields of a settings PATCH that differ from cur (numbers as numbers, the password only when typed). */
export function settingsPatch(cur, v) {
	const out = {};
	for (const k of ['address', 'from_name', 'relay_host', 'relay_security', 'relay_username']) if (k in v && v[k].trim() !== String(cur[k] ?? '')) out[k] = v[k].trim();
	for (const k of ['relay_port', 'reopen_days', 'max_message_bytes', 'sender_rate_per_hour']) {
		if (!(k in v) || v[k].trim() === String(cur[k] ?? '')) continue;
		out[k] = /^-?\d+$/.test(v[k].trim()) ? Number(v[k].trim()) : v[k].trim(); /* not a number: the API names the field */
	}
	if ('send_ack' in v && !!v.send_ack !== !!cur.send_ack) out.send_ack = !!v.send_ack;
	if (v.relay_password) out.relay_password = v.relay_password;
	return out;
}

/** The `kefu mail receive` lines an MTA administrator pastes, for token and the server at origin. */
export function receiveLines(token, origin) {
	return [
		`printf '%s\\n' '${token}' > /etc/kefu/mail.token`,
		'chown root:kefu /etc/kefu/mail.token && chmod 0640 /etc/kefu/mail.token',
		`kefu mail receive --url ${origin} --token-file /etc/kefu/mail.token < message.eml`,
		'# Postfix master.cf (docs/mail.md):',
		'kefu      unix  -       n       n       -       -       pipe',
		`  flags=DORhu user=kefu argv=/usr/bin/kefu mail receive --url ${origin} --token-file /etc/kefu/mail.token`,
	].join('\n');
}

/** A connection test's answer {ok, stage, message, messages?, unseen?} in words. */
export function testText(r) {
	if (r.ok && r.unseen !== undefined && r.unseen !== null && r.messages !== undefined) return t('mailadm.test_ok_unseen', { n: r.messages, unseen: r.unseen });
	if (r.ok) return r.messages !== undefined && r.messages !== null ? t('mailadm.test_ok_n', { n: r.messages }) : t('mailadm.test_ok');
	return t('mailadm.test_failed', { stage: te('mailadm.stage', r.stage), message: r.message || '' });
}

/** A fetch pass's answer {fetched, duplicates, failed, error} in words. */
export function fetchText(r) {
	const counts = t('mailadm.fetched', { fetched: r.fetched ?? 0, duplicates: r.duplicates ?? 0, failed: r.failed ?? 0 });
	return r.error ? `${counts}; ${r.error}` : counts;
}

function testButton(url, out) {
	const b = h('button.mail-test', { type: 'button' }, t('mailadm.test'));
	b.addEventListener('click', async () => {
		b.disabled = true;
		clear(out, t('mailadm.testing'));
		try {
			const { data } = await api('POST', url);
			out.className = `mail-test-result ${data.ok ? 'ok' : 'bad'}`;
			out.dataset.stage = data.stage || '';
			clear(out, testText(data));
		} catch (e) {
			out.className = 'mail-test-result bad';
			clear(out, e.message);
		} finally {
			b.disabled = false;
		}
	});
	return b;
}

/** A write-only password: "set" with a "change" button that shows the input, or the input itself. */
function passwordField(label, name, isSet) {
	const input = h('input', { name, type: 'password', autocomplete: 'new-password', hidden: isSet });
	const f = field(label, input);
	if (isSet) {
		const change = h('button.link.pw-change', { type: 'button' }, t('mailadm.pw_change'));
		const note = h('span.pw-set', t('mailadm.pw_set'), ' ', change);
		change.addEventListener('click', () => {
			input.hidden = false;
			note.remove();
			input.focus();
		});
		input.before(note);
	}
	return f;
}

const num = (name, value, hint) => field(t(`mailadm.${name}`), h('input', { name, inputmode: 'numeric', value: String(value ?? '') }), hint ? t(hint) : null);
const text = (name, value, attrs = {}) => field(t(`mailadm.${name}`), h('input', { name, value: value ?? '', ...attrs }));

const SETTING_KEYS = ['address', 'from_name', 'relay_host', 'relay_port', 'relay_security', 'relay_username', 'reopen_days', 'max_message_bytes', 'sender_rate_per_hour', 'send_ack'];
const settingValues = (d) => Object.fromEntries(SETTING_KEYS.map((k) => [k, k === 'send_ack' ? !!d[k] : String(d[k] ?? '')]));

async function settingsPart(box, redraw) {
	const rec = await api('GET', '/api/v1/mail/settings');
	rec.etag = rec.etag || etagOf(rec.data.version);
	const s = rec.data;
	const form = h(
		'form.panel.mail-settings',
		{ novalidate: true },
		h('h2', t('mailadm.settings')),
		text('address', s.address, { inputmode: 'email' }),
		text('from_name', s.from_name),
		h('h3', t('mailadm.relay')),
		text('relay_host', s.relay_host),
		num('relay_port', s.relay_port),
		field(t('mailadm.relay_security'), select('relay_security', SECURITY.map((x) => [x, te('mailadm.sec', x)]), s.relay_security)),
		text('relay_username', s.relay_username, { autocomplete: 'off' }),
		passwordField(t('mailadm.relay_password'), 'relay_password', s.relay_password_set),
		h('h3', t('mailadm.inbound')),
		num('reopen_days', s.reopen_days, 'mailadm.reopen_hint'),
		num('max_message_bytes', s.max_message_bytes, 'mailadm.max_hint'),
		num('sender_rate_per_hour', s.sender_rate_per_hour, 'mailadm.rate_hint'),
		h('label.check', h('input', { type: 'checkbox', name: 'send_ack', checked: !!s.send_ack }), ' ', t('mailadm.send_ack')),
		h('div.row', h('button.primary', { type: 'submit' }, t('action.save')))
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const v = { ...readControls(form, SETTING_KEYS), relay_password: form.elements.relay_password.value };
			const patch = settingsPatch(rec.data, v);
			if (!Object.keys(patch).length) return toast(t('cedit.nothing'));
			await saveEdit(rec, form, settingValues, (tag) => api('PATCH', '/api/v1/mail/settings', { body: patch, etag: tag }), () => api('GET', '/api/v1/mail/settings'));
			toast(t('action.saved'));
			redraw();
		});
	});
	const out = h('p.mail-test-result', { role: 'status' });
	const test = h('section.panel.mail-relay-test', h('h2', t('mailadm.relay_test')), h('div.row', testButton('/api/v1/mail/settings/test', out)), out);
	clear(box, form, test, tokenPanel());
}

function tokenPanel() {
	const out = h('div.mail-token-out');
	const b = h('button.mail-token-new', { type: 'button' }, t('mailadm.token_new'));
	b.addEventListener('click', async () => {
		if (!confirm(t('mailadm.token_confirm'))) return;
		b.disabled = true;
		try {
			const { data } = await api('POST', '/api/v1/mail/inbound-token');
			clear(
				out,
				h('p', t('mailadm.token_once')),
				h('p', h('code.mail-token', data.token)),
				h('pre.mail-receive', receiveLines(data.token, location.origin))
			);
		} catch (e) {
			clear(out, h('p.form-error', { role: 'alert' }, e.message));
		} finally {
			b.disabled = false;
		}
	});
	return h('section.panel.mail-token', h('h2', t('mailadm.token')), h('p.muted', t('mailadm.token_hint')), h('div.row', b), out);
}

const MAILBOX_KEYS = ['name', 'address', 'host', 'port', 'security', 'tls_verify', 'username', 'folder', 'after_fetch', 'move_to', 'poll_seconds', 'enabled'];
const BOOLS = ['enabled', 'tls_verify'];
const mailboxValues = (d) => Object.fromEntries(MAILBOX_KEYS.map((k) => [k, BOOLS.includes(k) ? !!d[k] : String(d[k] ?? '')]));

/** A mailbox body from the form's values: numbers as numbers, the password only when typed. */
export function mailboxBody(v, password) {
	const b = {};
	for (const k of MAILBOX_KEYS) {
		if (!(k in v)) continue;
		if (BOOLS.includes(k)) b[k] = !!v[k];
		else if (k === 'port' || k === 'poll_seconds') b[k] = /^\d+$/.test(String(v[k]).trim()) ? Number(v[k]) : String(v[k]).trim();
		else b[k] = String(v[k]).trim();
	}
	if (password) b.password = password;
	return b;
}

function mailboxFields(m) {
	return [
		text('mb_name', m.name, { name: 'name' }),
		text('mb_address', m.address, { name: 'address', inputmode: 'email' }),
		text('mb_host', m.host, { name: 'host' }),
		field(t('mailadm.mb_port'), h('input', { name: 'port', inputmode: 'numeric', value: String(m.port ?? 993) })),
		field(t('mailadm.mb_security'), select('security', SECURITY.map((x) => [x, te('mailadm.sec', x)]), m.security || 'tls')),
		h('label.check', h('input', { type: 'checkbox', name: 'tls_verify', checked: m.tls_verify === undefined ? true : !!m.tls_verify }), ' ', t('mailadm.mb_tls_verify')),
		text('mb_username', m.username, { name: 'username', autocomplete: 'off' }),
		passwordField(t('mailadm.mb_password'), 'password', !!m.password_set),
		text('mb_folder', m.folder ?? 'INBOX', { name: 'folder' }),
		field(t('mailadm.mb_after'), select('after_fetch', AFTER_FETCH.map((x) => [x, te('mailadm.after', x)]), m.after_fetch || 'seen')),
		text('mb_move_to', m.move_to, { name: 'move_to' }),
		field(t('mailadm.mb_poll'), h('input', { name: 'poll_seconds', inputmode: 'numeric', value: String(m.poll_seconds ?? 60) })),
		h('label.check', h('input', { type: 'checkbox', name: 'enabled', checked: m.enabled === undefined ? true : !!m.enabled }), ' ', t('mailadm.mb_enabled')),
	];
}

function mailboxEdit(slot, m, redraw) {
	const url = `/api/v1/mail/mailboxes/${m.id}`;
	const form = h('form.panel.mailbox-edit', { novalidate: true }, h('h2', t('admin.edit_named', { name: m.name })), h('p.muted', t('loading')));
	clear(slot, form);
	api('GET', url).then(
		(rec) => {
			rec.etag = rec.etag || etagOf(rec.data.version);
			clear(form, h('h2', t('admin.edit_named', { name: m.name })), mailboxFields(rec.data), h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), h('button', { type: 'button', on: { click: () => form.remove() } }, t('action.cancel'))));
			form.elements.name.focus();
			form.addEventListener('submit', (e) => {
				e.preventDefault();
				submitting(form, async () => {
					const b = mailboxBody(readControls(form, MAILBOX_KEYS), form.elements.password.value);
					await saveEdit(rec, form, mailboxValues, (tag) => api('PATCH', url, { body: b, etag: tag }), () => api('GET', url));
					toast(t('action.saved'));
					redraw();
				});
			});
		},
		(e) => clear(form, h('p.form-error', { role: 'alert' }, e.message))
	);
}

function mailboxActions(m, slot, out, redraw) {
	const edit = h('button.link', { type: 'button', 'aria-label': t('admin.edit_named', { name: m.name }) }, t('action.edit'));
	edit.addEventListener('click', () => mailboxEdit(slot, m, redraw));
	const fetchNow = h('button.link.mb-fetch', { type: 'button' }, t('mailadm.fetch_now'));
	fetchNow.addEventListener('click', async () => {
		fetchNow.disabled = true;
		try {
			const { data } = await api('POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
			out.className = `mail-test-result ${data.error ? 'bad' : 'ok'}`;
			clear(out, fetchText(data));
		} catch (e) {
			out.className = 'mail-test-result bad';
			clear(out, e.message);
		} finally {
			fetchNow.disabled = false;
		}
	});
	const del = h('button.link', { type: 'button', 'aria-label': t('admin.delete_named', { name: m.name }) }, t('action.delete'));
	del.addEventListener('click', async () => {
		if (!confirm(t('admin.delete_confirm', { name: m.name }))) return;
		try {
			await api('DELETE', `/api/v1/mail/mailboxes/${m.id}`, { etag: etagOf(m.version) });
			toast(t('action.deleted'));
			redraw();
		} catch (e) {
			toast(e.message, 'error');
		}
	});
	return h('span.row-actions', edit, ' ', testButton(`/api/v1/mail/mailboxes/${m.id}/test`, out), ' ', fetchNow, ' ', del);
}

async function mailboxesPart(box, redraw) {
	const list = await get('/api/v1/mail/mailboxes');
	const slot = h('div.edit-slot');
	const rows = (list.items || []).map((m) => {
		const out = h('span.mail-test-result', { role: 'status', dataset: { mailbox: m.id } });
		return [
			m.name,
			`${m.username ? m.username + '@' : ''}${m.host}:${m.port} ${m.folder}`,
			m.enabled ? t('admin.active') : t('admin.disabled'),
			m.last_poll_at ? fmtTime(m.last_poll_at, 'short') : '—',
			m.last_error ? h('span.bad', m.last_error) : '—',
			m.failed ? t('mailadm.mb_fetched_failed', { fetched: m.fetched ?? 0, failed: m.failed }) : String(m.fetched ?? 0),
			h('div', mailboxActions(m, slot, out, redraw), out),
		];
	});
	const add = createForm(t('mailadm.mb_add'), mailboxFields({}), async (form) => {
		await api('POST', '/api/v1/mail/mailboxes', { body: mailboxBody(readControls(form, MAILBOX_KEYS), form.elements.password.value) });
		toast(t('action.saved'));
		redraw();
	});
	add.setAttribute('novalidate', '');
	add.classList.add('mailbox-add');
	clear(
		box,
		h('h2', t('mailadm.mailboxes')),
		rows.length
			? table([t('admin.name'), t('mailadm.mb_where'), t('admin.status'), t('mailadm.mb_last_poll'), t('mailadm.mb_last_error'), t('mailadm.mb_fetched'), ''], rows)
			: h('p.muted', t('admin.none')),
		slot,
		add
	);
}

function templateEdit(slot, tp, redraw) {
	const rec = { data: tp, etag: etagOf(tp.version) };
	const subject = h('input', { name: 'subject', value: tp.subject });
	const bodyEl = h('textarea', { name: 'body', rows: 10, value: tp.body });
	const prev = h('div.mail-preview', { 'aria-live': 'polite' });
	const ticket = h('input', { name: 'ticket_id', inputmode: 'numeric' });
	const label = `${tp.name} · ${te('mailadm.lang', tp.lang)}`;
	const previewBtn = h('button.mail-preview-btn', { type: 'button' }, t('mailadm.preview'));
	const form = h(
		'form.panel.template-edit',
		{ novalidate: true, dataset: { template: `${tp.name}/${tp.lang}` } },
		h('h2', t('admin.edit_named', { name: label })),
		field(t('mailadm.tp_subject'), subject),
		field(t('mailadm.tp_body'), bodyEl, t('mailadm.tp_hint')),
		field(t('mailadm.tp_ticket'), ticket, t('mailadm.tp_ticket_hint')),
		h('div.row', h('button.primary', { type: 'submit' }, t('action.save')), previewBtn, h('button', { type: 'button', on: { click: () => form.remove() } }, t('action.cancel'))),
		prev
	);
	const url = `/api/v1/mail/templates/${tp.name}/${tp.lang}`;
	previewBtn.addEventListener('click', () =>
		submitting(form, async () => {
			const b = { subject: subject.value, body: bodyEl.value };
			if (/^\d+$/.test(ticket.value.trim())) b.ticket_id = Number(ticket.value.trim());
			const { data } = await api('POST', `${url}/preview`, { body: b });
			clear(prev, h('h3', t('mailadm.preview')), h('p.mail-preview-subject', h('strong', t('mailadm.tp_subject'), ': '), data.subject), h('pre.mail-preview-text', data.text));
		})
	);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitting(form, async () => {
			const reload = async () => {
				const x = (await get('/api/v1/mail/templates')).items.find((y) => y.name === tp.name && y.lang === tp.lang);
				return { data: x, etag: etagOf(x.version) };
			};
			const values = (d) => ({ subject: d.subject, body: d.body });
			await saveEdit(rec, form, values, (tag) => api('PUT', url, { body: { subject: subject.value, body: bodyEl.value }, etag: tag }), reload);
			toast(t('action.saved'));
			redraw();
		});
	});
	clear(slot, form);
	subject.focus();
}

async function templatesPart(box, redraw) {
	const list = await get('/api/v1/mail/templates');
	const slot = h('div.edit-slot');
	const reset = (tp) => async () => {
		if (!confirm(t('mailadm.tp_reset_confirm'))) return;
		try {
			await api('DELETE', `/api/v1/mail/templates/${tp.name}/${tp.lang}`, { etag: etagOf(tp.version) });
			toast(t('mailadm.tp_reset_done'));
			redraw();
		} catch (e) {
			toast(e.message, 'error');
		}
	};
	const rows = (list.items || []).map((tp) => [
		te('mailadm.tp', tp.name),
		te('mailadm.lang', tp.lang),
		tp.subject,
		tp.custom ? t('mailadm.tp_custom') : t('mailadm.tp_builtin'),
		h(
			'span.row-actions',
			h('button.link.tp-edit', { type: 'button', dataset: { template: `${tp.name}/${tp.lang}` }, on: { click: () => templateEdit(slot, tp, redraw) } }, t('action.edit')),
			tp.custom ? [' ', h('button.link.tp-reset', { type: 'button', on: { click: reset(tp) } }, t('mailadm.tp_reset'))] : null
		),
	]);
	clear(box, h('h2', t('mailadm.templates')), table([t('mailadm.tp_name'), t('lang.label'), t('mailadm.tp_subject'), t('admin.kind'), ''], rows), slot);
}

async function bouncesPart(box, redraw) {
	const list = await get('/api/v1/mail/bounces');
	const rm = (b) => async (e) => {
		e.target.disabled = true;
		try {
			await api('DELETE', `/api/v1/mail/bounces/${encodeURIComponent(b.address)}`);
			toast(t('mailadm.bounce_removed'));
			redraw();
		} catch (err) {
			e.target.disabled = false;
			toast(err.message, 'error');
		}
	};
	const rows = (list.items || []).map((b) => [
		b.address,
		String(b.count),
		fmtTime(b.first_at, 'short'),
		fmtTime(b.last_at, 'short'),
		[b.status, b.diagnostic].filter(Boolean).join(' '),
		h('button.link', { type: 'button', 'aria-label': t('mailadm.bounce_remove', { address: b.address }), on: { click: rm(b) } }, t('action.remove')),
	]);
	clear(
		box,
		h('h2', t('mailadm.bounces')),
		h('p.muted', t('mailadm.bounces_hint')),
		rows.length ? table([t('mail.address'), t('mailadm.b_count'), t('mailadm.b_first'), t('mailadm.b_last'), t('mailadm.b_diag'), ''], rows) : h('p.muted.mail-no-bounces', t('mailadm.no_bounces'))
	);
}

function logRows(items, reload) {
	return items.map((m) => {
		const retry =
			m.direction === 'out' && (m.status === 'failed' || m.status === 'deferred')
				? h('button.link.log-retry', {
						type: 'button',
						on: {
							click: async (e) => {
								e.target.disabled = true;
								try {
									await api('POST', `/api/v1/mail/messages/${m.id}/retry`);
									toast(t('mail.retried'));
									reload();
								} catch (err) {
									e.target.disabled = false;
									toast(err.message, 'error');
								}
							},
						},
					}, t('mail.retry'))
				: null;
		return [
			fmtTime(m.created_at, 'short'),
			t(m.direction === 'in' ? 'mail.dir_in' : 'mail.dir_out'),
			h(`span.badge.ms-${m.status}`, te('mailadm.st', m.status)),
			m.direction === 'in' ? m.from?.address || '' : (m.to || []).map((a) => a.address).join(', '),
			m.subject || '',
			m.ticket_id ? h('a', { href: `#/tickets/${m.ticket_id}` }, '#' + String(m.ticket_id).padStart(6, '0')) : '—',
			[m.reason, m.last_error].filter(Boolean).join(' · '),
			retry,
		];
	});
}

async function logPart(box, redraw, params) {
	const q = { status: params.status ?? 'failed', direction: params.direction || '', limit: LOG_PAGE };
	const filter = h(
		'form.row.mail-log-filter',
		field(t('admin.status'), select('status', [['', t('mailadm.all')], ...STATUSES.map((s) => [s, te('mailadm.st', s)])], q.status)),
		field(t('mailadm.direction'), select('direction', [['', t('mailadm.all')], ['in', t('mail.dir_in')], ['out', t('mail.dir_out')]], q.direction))
	);
	filter.addEventListener('change', () => {
		const v = readControls(filter, ['status', 'direction']);
		location.hash = `#/admin/mail?part=log&status=${encodeURIComponent(v.status)}&direction=${encodeURIComponent(v.direction)}`;
	});
	const tbody = h('tbody');
	const more = h('button.mail-log-more', { type: 'button', hidden: true }, t('mailadm.older'));
	let before = null;
	const page = async () => {
		const r = await get('/api/v1/mail/messages', { ...q, before_id: before });
		const items = r.items || [];
		for (const cells of logRows(items, redraw)) tbody.append(h('tr', cells.map((c) => h('td', c))));
		before = r.next_before_id ?? null; /* null: no older page */
		more.hidden = !before;
	};
	more.addEventListener('click', () => page().catch((e) => toast(e.message, 'error')));
	const cols = [t('admin.when'), t('mailadm.direction'), t('admin.status'), t('mail.address'), t('mailadm.tp_subject'), t('mailadm.ticket'), t('mailadm.reason'), ''];
	clear(box, h('h2', t('mailadm.log')), filter, h('table.data.mail-log', h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, c)))), tbody), more);
	await page();
}

export async function mail(body, params, redraw) {
	const part = PARTS.includes(params.part) ? params.part : 'settings';
	const box = h('div.mail-part', { dataset: { part } });
	clear(
		body,
		h('h1', t('admin.mail')),
		h('nav.tabs.mail-parts', { 'aria-label': t('admin.mail') }, PARTS.map((p) => h('a.tab', { href: `#/admin/mail?part=${p}`, 'aria-current': p === part ? 'page' : null }, t(`mailadm.part.${p}`)))),
		box
	);
	const draw = { settings: settingsPart, mailboxes: mailboxesPart, templates: templatesPart, bounces: bouncesPart, log: logPart }[part];
	await draw(box, redraw, params);
}
