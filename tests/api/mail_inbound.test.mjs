// mail_inbound.test.mjs - the inbound e-mail channel (issue 14): raw mails
// posted to POST /api/v1/mail/inbound (as `kefu mail receive` does) become
// tickets and customers, thread by In-Reply-To, References, the subject tag
// (only from the customer or a participant: no hijacking), reopen a closed
// ticket within the window or open a linked one after it; duplicates,
// auto-replies, bounces, the sender rate, the size cap, masking without
// pii.read, the original and the sandboxed HTML, participants, erasure, and
// the CLI's exit codes.
//
//   KF_TEST_BIN=build/asan/kefu KF_TEST_BACKEND=sqlite node --test --test-concurrency=1 tests/api/mail_inbound.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { TEST_CLOCK_ARGS, advanceClock, assertError, cleanup, httpRequest, kefu, startServer, tmpDir, uniq, withLogs } from './lib.mjs';

let srv, admin, token;
const it = withLogs(() => srv);

before(async () => {
	srv = await startServer({ args: TEST_CLOCK_ARGS });
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
	token = (await admin.expect(201, 'POST', '/api/v1/mail/inbound-token')).json.token;
});
after(async () => {
	if (srv) await srv.stop();
});
after(cleanup);

let n = 0;
/** A raw message (CRLF).  h: extra header lines; body: text. */
function mail({ from, to = 'support@kefu.test', cc, subject = 'hello', body = 'Hello, where is my parcel?', id = `m${++n}.${process.pid}@customer.test`, inReplyTo, references, headers = [], deliveredTo = 'support@kefu.test' }) {
	const lines = [];
	if (deliveredTo) lines.push(`Delivered-To: ${deliveredTo}`);
	lines.push(`From: ${from}`, `To: ${to}`);
	if (cc) lines.push(`Cc: ${cc}`);
	lines.push(`Subject: ${subject}`, 'Date: Tue, 08 Dec 2026 08:00:00 +0800');
	if (id) lines.push(`Message-ID: <${id}>`);
	if (inReplyTo) lines.push(`In-Reply-To: <${inReplyTo}>`);
	if (references) lines.push(`References: ${references.map((r) => `<${r}>`).join(' ')}`);
	lines.push(...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, '');
	return { raw: lines.join('\r\n'), id };
}

function post(raw, { auth = token, query = '' } = {}) {
	const headers = { 'Content-Type': 'message/rfc822' };
	if (auth) headers.Authorization = `Bearer ${auth}`;
	return httpRequest(srv.base, 'POST', `/api/v1/mail/inbound${query}`, { body: raw, headers });
}

async function deliver(m, status) {
	const res = await post(m.raw);
	if (status) assert.equal(res.status, status, res.text);
	else assert.ok(res.status === 200 || res.status === 201, res.text);
	return res.json;
}

const addr = (local) => `${local}@customer.test`;

/** An RFC 3464 delivery status notification about the mail origId sent to rcpt. */
function dsn({ rcpt, origId, action = 'failed', status = '5.1.1', diag = 'smtp; 550 5.1.1 user unknown' }) {
	const b = `dsn${++n}x${process.pid}`;
	return [
		'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>', 'To: support@kefu.test', 'Subject: Undelivered Mail Returned to Sender',
		`Message-ID: <dsn${++n}.${process.pid}@mx.customer.test>`, 'Auto-Submitted: auto-replied', 'MIME-Version: 1.0',
		`Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`, '',
		`--${b}`, 'Content-Type: text/plain', '', 'I could not deliver your message.', '',
		`--${b}`, 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.customer.test', '',
		`Final-Recipient: rfc822; ${rcpt}`, `Action: ${action}`, `Status: ${status}`, `Diagnostic-Code: ${diag}`, '',
		`--${b}`, 'Content-Type: text/rfc822-headers', '', `Message-ID: <${origId}>`, 'Subject: Re: x', '',
		`--${b}--`, '',
	].join('\r\n');
}
const ticket = async (id) => (await admin.expect(200, 'GET', `/api/v1/tickets/${id}`)).json;
const messages = async (id) => (await admin.expect(200, 'GET', `/api/v1/tickets/${id}/messages`)).json.items;
const mails = async (id, c = admin) => (await c.expect(200, 'GET', `/api/v1/tickets/${id}/mail`)).json.items;

async function transition(id, state) {
	const got = await admin.expect(200, 'GET', `/api/v1/tickets/${id}`);
	await admin.expect(200, 'POST', `/api/v1/tickets/${id}/transition`, { body: { state }, headers: { 'If-Match': got.headers.etag } });
}

describe('the inbound token', () => {
	it('is kfm_ + random, shown once; a wrong, missing or staff-without-mail.admin token is refused', async () => {
		assert.match(token, /^kfm_[A-Za-z0-9_-]{40,}$/);
		const m = mail({ from: addr(uniq('tok')) });
		assertError(await post(m.raw, { auth: 'kfm_wrong' }), 401, 'unauthenticated');
		assertError(await post(m.raw, { auth: null }), 401, 'unauthenticated');
		const pw = 'analyst-password-1';
		const name = uniq('ana');
		await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, role: 'analyst', password: pw } });
		const ana = srv.client('ana');
		await ana.login(name, pw);
		const t = (await ana.expect(201, 'POST', '/api/v1/me/tokens', { body: { name: 'x' } })).json.token;
		assertError(await post(m.raw, { auth: t }), 403, 'forbidden');
		const at = (await admin.expect(201, 'POST', '/api/v1/me/tokens', { body: { name: 'mail' } })).json.token;
		assert.equal((await post(m.raw, { auth: at })).status, 201, 'an admin API token may post mail');
		// the inbound token opens that one route and nothing else
		await admin.expect(401, 'POST', '/api/v1/mail/inbound-token', { headers: { Authorization: `Bearer ${token}` }, cookies: false, csrf: false });
	});
	it('a new token replaces the old one', async () => {
		const fresh = (await admin.expect(201, 'POST', '/api/v1/mail/inbound-token')).json.token;
		assertError(await post(mail({ from: addr(uniq('r')) }).raw, { auth: token }), 401, 'unauthenticated');
		token = fresh;
		assert.equal((await post(mail({ from: addr(uniq('r')) }).raw)).status, 201);
	});
});

describe('new tickets and customers', () => {
	it('a first mail makes a customer (e-mail identity, display name) and an email ticket without Re:/tag in the subject', async () => {
		const a = addr(uniq('wang'));
		const r = await deliver(mail({ from: `王芳 <${a}>`, subject: 'Re: 订单还没收到 [#999999]', body: '我的订单还没收到，请帮忙查一下。' }), 201);
		assert.equal(r.action, 'created');
		assert.match(r.ticket_number, /^#\d{6}$/);
		const t = await ticket(r.ticket_id);
		assert.equal(t.channel, 'email');
		assert.equal(t.subject, '订单还没收到');
		assert.equal(t.language, 'zh');
		assert.equal(t.customer_id, r.customer_id);
		const c = (await admin.expect(200, 'GET', `/api/v1/customers/${r.customer_id}`)).json;
		assert.equal(c.name, '王芳');
		assert.ok(c.identities.some((i) => i.kind === 'email' && i.value === a));
		const msgs = await messages(r.ticket_id);
		assert.equal(msgs.length, 1);
		assert.equal(msgs[0].kind, 'customer');
		assert.match(msgs[0].body, /请帮忙查一下/);
		const ms = await mails(r.ticket_id);
		assert.equal(ms.length, 1);
		assert.equal(ms[0].direction, 'in');
		assert.equal(ms[0].kind, 'message');
		assert.equal(ms[0].status, 'received');
		assert.equal(ms[0].from.address, a);
		assert.equal(ms[0].message_id, msgs[0].id);
		// a second mail from the same address is matched to the same customer
		const r2 = await deliver(mail({ from: a, subject: 'another question' }), 201);
		assert.equal(r2.customer_id, r.customer_id);
		assert.notEqual(r2.ticket_id, r.ticket_id);
	});
	it('an empty subject becomes (no subject) / (无主题) by language', async () => {
		const r = await deliver(mail({ from: addr(uniq('ns')), subject: 'Re: ', body: 'Hello there, I have a question about my order.' }), 201);
		assert.equal((await ticket(r.ticket_id)).subject, '(no subject)');
	});
});

describe('threading', () => {
	let cust, first, tid;
	before(async () => {
		cust = addr(uniq('li'));
		first = mail({ from: `Li Lei <${cust}>`, cc: `Han Meimei <${addr(uniq('han'))}>`, subject: 'Broken vase' });
		const r = await deliver(first, 201);
		tid = r.ticket_id;
	});
	it('In-Reply-To threads onto the ticket', async () => {
		const r = await deliver(mail({ from: cust, subject: 'Re: Broken vase', inReplyTo: first.id }), 200);
		assert.equal(r.action, 'appended');
		assert.equal(r.ticket_id, tid);
	});
	it('References alone thread (newest first); a rewritten subject does not matter', async () => {
		const r = await deliver(mail({ from: cust, subject: 'totally new words', references: ['unknown@x.test', first.id] }), 200);
		assert.equal(r.ticket_id, tid);
		const r2 = await deliver(mail({ from: cust, subject: 'rewritten again', inReplyTo: first.id }), 200);
		assert.equal(r2.ticket_id, tid);
	});
	it('an Outlook/Foxmail-style reply with no References but the tag, from the customer, threads', async () => {
		const num = (await ticket(tid)).number || `#${String(tid).padStart(6, '0')}`;
		const r = await deliver(mail({ from: cust.toUpperCase(), subject: `答复: Broken vase [${num}]` }), 200);
		assert.equal(r.ticket_id, tid);
		const ms = await mails(tid);
		assert.equal(ms.at(-1).reason, 'tag');
	});
	it('the tag from a stranger opens a new ticket (no hijacking by guessing numbers)', async () => {
		const r = await deliver(mail({ from: addr(uniq('evil')), subject: `RE: Broken vase [#${String(tid).padStart(6, '0')}]` }), 201);
		assert.equal(r.action, 'created');
		assert.notEqual(r.ticket_id, tid);
	});
	it('the Cc of the first mail is a participant; their reply threads (In-Reply-To or tag) and adds nobody twice', async () => {
		const parts = (await admin.expect(200, 'GET', `/api/v1/tickets/${tid}/participants`)).json.items;
		assert.equal(parts.length, 1);
		assert.match(parts[0].address, /^han/);
		assert.equal(parts[0].name, 'Han Meimei');
		const han = parts[0].address;
		const r = await deliver(mail({ from: han, to: 'support@kefu.test', cc: cust, subject: 'Re: Broken vase', inReplyTo: first.id }), 200);
		assert.equal(r.ticket_id, tid);
		const r2 = await deliver(mail({ from: han, subject: `Re: [#${String(tid).padStart(6, '0')}] Broken vase` }), 200);
		assert.equal(r2.ticket_id, tid);
		const after2 = (await admin.expect(200, 'GET', `/api/v1/tickets/${tid}/participants`)).json.items;
		assert.equal(after2.length, 1, 'the customer and kefu are never participants');
	});
	it('a reply by someone new on the thread (a colleague replying to all) becomes a participant', async () => {
		const boss = addr(uniq('boss'));
		const r = await deliver(mail({ from: `Boss <${boss}>`, cc: cust, subject: 'Re: Broken vase', inReplyTo: first.id }), 200);
		assert.equal(r.ticket_id, tid);
		const parts = (await admin.expect(200, 'GET', `/api/v1/tickets/${tid}/participants`)).json.items;
		assert.ok(parts.some((p) => p.address === boss));
		assert.equal((await ticket(tid)).customer_id, (await ticket(tid)).customer_id);
	});
	it('a forwarded mail with the tag from the customer threads; a forward without anything known is a new ticket', async () => {
		const r = await deliver(mail({ from: cust, subject: `Fwd: Broken vase [#${String(tid).padStart(6, '0')}]`, body: '---------- Forwarded message ---------\nFrom: shop\n\nsee below' }), 200);
		assert.equal(r.ticket_id, tid);
		const r2 = await deliver(mail({ from: cust, subject: 'FW: 投诉：快递员态度', body: '-----原始邮件-----\n发件人: someone\n\n投诉内容' }), 201);
		assert.equal((await ticket(r2.ticket_id)).subject, '投诉：快递员态度');
	});
	it('the address of the mailbox a mail was fetched from is kefu\'s own: never a participant', async () => {
		const mb = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: { name: uniq('box'), host: '127.0.0.1', address: 'imapbox@kefu.test', enabled: false } })).json;
		const m = mail({ from: addr(uniq('imap')), to: 'Shop <imapbox@kefu.test>', deliveredTo: null, subject: 'via imap' });
		const res = await post(m.raw, { query: `?mailbox=${mb.id}` });
		assert.equal(res.status, 201, res.text);
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${res.json.ticket_id}/participants`)).json.items.length, 0);
		assert.equal((await mails(res.json.ticket_id))[0].mailbox_id, mb.id);
		assertError(await post(m.raw, { query: '?mailbox=abc' }), 400, 'invalid');
	});
	it('participants: add, list, remove through the API', async () => {
		const x = addr(uniq('cc'));
		await admin.expect(201, 'POST', `/api/v1/tickets/${tid}/participants`, { body: { address: x, name: 'Cc Person' } });
		await admin.expect(200, 'POST', `/api/v1/tickets/${tid}/participants`, { body: { address: x.toUpperCase() } });
		assertError(await admin.api('POST', `/api/v1/tickets/${tid}/participants`, { body: { address: 'not an address' } }), 400, 'invalid');
		await admin.expect(204, 'DELETE', `/api/v1/tickets/${tid}/participants/${encodeURIComponent(x)}`);
		await admin.expect(404, 'DELETE', `/api/v1/tickets/${tid}/participants/${encodeURIComponent(x)}`);
	});
});

describe('closed tickets', () => {
	it('a reply within reopen_days reopens; after it, a new ticket linked to the old one', async () => {
		const cust = addr(uniq('zhao'));
		const first = mail({ from: cust, subject: 'refund please' });
		const r = await deliver(first, 201);
		await transition(r.ticket_id, 'open');
		await transition(r.ticket_id, 'resolved');
		await transition(r.ticket_id, 'closed');
		const r2 = await deliver(mail({ from: cust, subject: 'Re: refund please', inReplyTo: first.id }), 200);
		assert.equal(r2.action, 'reopened');
		assert.equal(r2.ticket_id, r.ticket_id);
		assert.equal((await ticket(r.ticket_id)).state, 'open');
		await transition(r.ticket_id, 'resolved');
		const ooo = await deliver(mail({ from: cust, subject: '自动回复: refund please', inReplyTo: first.id, headers: ['Auto-Submitted: auto-replied'] }), 200);
		assert.equal(ooo.action, 'dropped');
		assert.equal(ooo.reason, 'auto_reply_closed');
		assert.equal(ooo.ticket_id, r.ticket_id);
		assert.equal((await ticket(r.ticket_id)).state, 'resolved', 'an auto-reply does not reopen');
		await transition(r.ticket_id, 'closed');
		await advanceClock(admin, 15 * 86400);
		await admin.login('admin', srv.db.adminPassword); /* the session ran out with the clock */
		const r3 = await deliver(mail({ from: cust, subject: 'Re: refund please', inReplyTo: first.id }), 201);
		assert.equal(r3.action, 'linked');
		assert.notEqual(r3.ticket_id, r.ticket_id);
		assert.equal((await ticket(r.ticket_id)).state, 'closed');
		const links = (await admin.expect(200, 'GET', `/api/v1/tickets/${r3.ticket_id}/links`)).json.items;
		assert.ok(links.some((l) => l.ticket_id === r.ticket_id));
	});
});

describe('merged tickets', () => {
	it('a reply to a merged ticket\'s mail goes to the ticket it was merged into (not reopening the source)', async () => {
		const cust = addr(uniq('merge'));
		const a = mail({ from: cust, subject: 'first try' });
		const b = mail({ from: cust, subject: 'second try' });
		const ra = await deliver(a, 201);
		const rb = await deliver(b, 201);
		await admin.expect(200, 'POST', `/api/v1/tickets/${ra.ticket_id}/merge`, { body: { into: rb.ticket_id } });
		const r = await deliver(mail({ from: cust, subject: 'Re: first try', inReplyTo: a.id }), 200);
		assert.equal(r.ticket_id, rb.ticket_id);
		assert.equal((await ticket(ra.ticket_id)).state, 'closed');
		const ms = await mails(rb.ticket_id);
		assert.ok(ms.some((m) => m.rfc_message_id === a.id), 'the merged ticket\'s mails show on the target');
	});
});

describe('duplicates, loops, auto-replies, bounces, floods, size', () => {
	it('the same Message-ID twice is one message; the same bytes without a Message-ID twice too', async () => {
		const m = mail({ from: addr(uniq('dup')) });
		const r = await deliver(m, 201);
		const again = await deliver(m, 200);
		assert.equal(again.action, 'duplicate');
		assert.equal(again.ticket_id, r.ticket_id);
		assert.equal(again.mail_id, r.mail_id);
		assert.equal((await messages(r.ticket_id)).length, 1);
		const noid = mail({ from: addr(uniq('noid')), id: null });
		const a = await deliver(noid, 201);
		const b = await deliver(noid, 200);
		assert.equal(b.action, 'duplicate');
		assert.equal(b.ticket_id, a.ticket_id);
	});
	it('an auto-reply is threaded but marked auto_reply (no acknowledgement); mail from kefu itself is a loop', async () => {
		const r = await deliver(mail({ from: addr(uniq('ooo')), subject: 'Out of Office', headers: ['Auto-Submitted: auto-replied'] }), 201);
		assert.equal((await mails(r.ticket_id))[0].kind, 'auto_reply');
		const bulk = await deliver(mail({ from: addr(uniq('news')), subject: 'Newsletter', headers: ['Precedence: bulk'] }), 201);
		assert.equal((await mails(bulk.ticket_id))[0].kind, 'bulk');
		const loop = await deliver(mail({ from: 'support@kefu.test', subject: 'echo' }), 200);
		assert.equal(loop.action, 'dropped');
		assert.equal(loop.reason, 'loop');
		assert.equal(loop.ticket_id, null);
	});
	it('a bounce for a mail kefu never sent is dropped, but the address is recorded as bouncing', async () => {
		const gone = addr(uniq('gone'));
		const raw = dsn({ rcpt: gone, origId: 'kefu-424242-nope@kefu.test' });
		const res = await post(raw);
		assert.equal(res.status, 200, res.text);
		assert.equal(res.json.action, 'dropped');
		assert.equal(res.json.reason, 'bounce_unmatched');
		const bounces = (await admin.expect(200, 'GET', '/api/v1/mail/bounces')).json.items;
		const row = bounces.find((x) => x.address === gone);
		assert.ok(row, JSON.stringify(bounces));
		assert.equal(row.status, '5.1.1');
		assert.equal(row.count, 1);
		await admin.expect(204, 'DELETE', `/api/v1/mail/bounces/${encodeURIComponent(gone)}`);
		await admin.expect(404, 'DELETE', `/api/v1/mail/bounces/${encodeURIComponent(gone)}`);
	});
	it('past sender_rate_per_hour (30) mails from one address are kept but dropped as rate_limited', async () => {
		const a = addr(uniq('flood'));
		for (let i = 0; i < 30; i++) await deliver(mail({ from: a, subject: `spam ${i}` }), 201);
		const r = await deliver(mail({ from: a, subject: 'spam 31' }), 200);
		assert.equal(r.action, 'dropped');
		assert.equal(r.reason, 'rate_limited');
		const log = (await admin.expect(200, 'GET', '/api/v1/mail/messages?status=dropped&limit=5')).json.items;
		assert.ok(log.some((m) => m.id === r.mail_id && m.reason === 'rate_limited'));
	});
	it('a mail past the 10 MiB file cap but within max_message_bytes is taken; past 40 MiB it is 413; garbage without a header is 400 mail_unparsable', async () => {
		const within = await deliver(mail({ from: addr(uniq('big')), body: 'X'.repeat(11 * 1024 * 1024) }), 201);
		assert.equal(within.action, 'created'); /* mail has its own cap, not the attachment upload's */
		const huge = 'X'.repeat(41 * 1024 * 1024);
		try {
			const res = await post(mail({ from: addr(uniq('huge')), body: huge }).raw);
			assert.equal(res.status, 413);
		} catch (e) {
			assert.ok(['EPIPE', 'ECONNRESET'].includes(e.code), e.message); /* refused before the body was read */
		}
		assertError(await post(''), 400, 'mail_unparsable');
	});
});

describe('reading mail', () => {
	let r, m;
	before(async () => {
		const b = `alt${process.pid}`;
		const from = addr(uniq('html'));
		const raw = [
			'Delivered-To: support@kefu.test', `From: Html Person <${from}>`, 'To: support@kefu.test', 'Subject: with html',
			`Message-ID: <html${++n}.${process.pid}@customer.test>`, 'MIME-Version: 1.0', `Content-Type: multipart/alternative; boundary="${b}"`, '',
			`--${b}`, 'Content-Type: text/plain; charset=utf-8', '', 'plain words', '',
			`--${b}`, 'Content-Type: text/html; charset=utf-8', '', '<p>html <b>words</b><script>alert(1)</script></p>', '',
			`--${b}--`, '',
		].join('\r\n');
		m = { raw, from };
		const res = await post(raw);
		assert.equal(res.status, 201, res.text);
		r = res.json;
	});
	it('the original downloads byte for byte as .eml', async () => {
		const res = await admin.expect(200, 'GET', `/api/v1/mail/messages/${r.mail_id}/raw`);
		assert.equal(res.headers['content-type'], 'message/rfc822');
		assert.match(res.headers['content-disposition'], /attachment; filename="ticket-\d{6}-\d+\.eml"/);
		assert.equal(res.raw.toString('utf8'), m.raw);
	});
	it('the HTML is served sandboxed with a CSP and no script', async () => {
		const res = await admin.expect(200, 'GET', `/api/v1/mail/messages/${r.mail_id}/html`);
		assert.match(res.headers['content-type'], /^text\/html/);
		assert.match(res.headers['content-security-policy'], /sandbox/);
		assert.match(res.headers['content-security-policy'], /default-src 'none'/);
		assert.doesNotMatch(res.text, /<script/i);
		assert.equal((await mails(r.ticket_id))[0].has_html, true);
	});
	it('without pii.read addresses and names are masked and the original is refused', async () => {
		const pw = 'analyst-password-2';
		const name = uniq('ana');
		await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, role: 'analyst', password: pw } });
		const ana = srv.client('ana2');
		await ana.login(name, pw);
		const ms = await mails(r.ticket_id, ana);
		assert.notEqual(ms[0].from.address, m.from);
		assert.match(ms[0].from.address, /^h\*\*\*@customer\.test$/);
		assert.equal(ms[0].from.name, 'H*** P*****');
		assertError(await ana.api('GET', `/api/v1/mail/messages/${r.mail_id}/raw`), 403, 'pii_required');
		assert.ok(!JSON.stringify((await ana.expect(200, 'GET', `/api/v1/tickets/${r.ticket_id}/participants`)).json).includes('@customer.test"'));
		await ana.expect(403, 'GET', '/api/v1/mail/messages');
	});
	it('attachments of an accepted type are stored with the message; others are listed as skipped', async () => {
		const b = `mix${process.pid}`;
		const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a3b90000000049454e44ae426082', 'hex');
		const raw = [
			'Delivered-To: support@kefu.test', `From: ${addr(uniq('photo'))}`, 'To: support@kefu.test', 'Subject: 投诉：商品破损（附照片）',
			`Message-ID: <att${++n}.${process.pid}@customer.test>`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${b}"`, '',
			`--${b}`, 'Content-Type: text/plain; charset=utf-8', '', '收到的花瓶碎了，见照片。', '',
			`--${b}`, 'Content-Type: image/png; name="broken.png"', 'Content-Disposition: attachment; filename="broken.png"', 'Content-Transfer-Encoding: base64', '', png.toString('base64'), '',
			`--${b}`, 'Content-Type: application/x-msdownload; name="run.exe"', 'Content-Disposition: attachment; filename="run.exe"', 'Content-Transfer-Encoding: base64', '', Buffer.from('MZ fake').toString('base64'), '',
			`--${b}--`, '',
		].join('\r\n');
		const res = await post(raw);
		assert.equal(res.status, 201, res.text);
		const atts = (await admin.expect(200, 'GET', `/api/v1/tickets/${res.json.ticket_id}/attachments`)).json.items;
		assert.equal(atts.length, 1);
		assert.equal(atts[0].filename, 'broken.png');
		assert.equal(atts[0].content_type, 'image/png');
		const ms = await mails(res.json.ticket_id);
		assert.equal(ms[0].skipped.length, 1);
		assert.equal(ms[0].skipped[0].filename, 'run.exe');
		assert.equal(ms[0].skipped[0].reason, 'type');
	});
});

describe('real-world shapes', () => {
	it('a GBK reply with quoted history: text in UTF-8, quote_at where the history begins', async () => {
		// node has no GBK encoder: the GBK bytes are written out (好的，谢谢！ / 陈小姐 / 回复：订单)
		const gbk = Buffer.from('bac3b5c4a3acd0bbd0bba3a1', 'hex'); // 好的，谢谢！ in GBK
		const raw = Buffer.concat([
			Buffer.from([`Delivered-To: support@kefu.test`, `From: =?GBK?B?${Buffer.from('b3c2d0a1bde3', 'hex').toString('base64')}?= <${addr(uniq('fox'))}>`, 'To: support@kefu.test',
				`Subject: =?GBK?B?${Buffer.from('bbd8b8b4a3bab6a9b5a5', 'hex').toString('base64')}?=`, `Message-ID: <fox${++n}.${process.pid}@qq.test>`, 'MIME-Version: 1.0',
				'Content-Type: text/plain; charset=GBK', 'Content-Transfer-Encoding: 8bit', '', ''].join('\r\n')),
			gbk, Buffer.from('\r\n\r\n------------------ Original ------------------\r\nFrom: support@kefu.test\r\nDate: Tue, Dec 8, 2026 09:00\r\n\r\nshipped.\r\n'),
		]);
		const res = await httpRequest(srv.base, 'POST', '/api/v1/mail/inbound', { body: raw, headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${token}` } });
		assert.equal(res.status, 201, res.text);
		const t = await ticket(res.json.ticket_id);
		assert.equal(t.subject, '订单');
		const c = (await admin.expect(200, 'GET', `/api/v1/customers/${t.customer_id}`)).json;
		assert.equal(c.name, '陈小姐');
		const msgs = await messages(t.id);
		assert.match(msgs[0].body, /^好的，谢谢！/);
		const ms = await mails(t.id);
		assert.ok(ms[0].quote_at > 0, `quote_at ${ms[0].quote_at}`);
		assert.ok(Buffer.from(msgs[0].body).subarray(0, ms[0].quote_at).toString().startsWith('好的，谢谢！'));
		const back = await admin.expect(200, 'GET', `/api/v1/mail/messages/${ms[0].id}/raw`);
		assert.ok(back.raw.equals(raw), 'the original comes back byte for byte');
	});
	it('every message of the corpus (tests/data/mail) is taken without a server error', async (t) => {
		const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'data', 'mail');
		if (!fs.existsSync(dir)) return t.skip('no corpus in tests/data/mail yet');
		const files = [];
		const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.eml') && files.push(path.join(d, e.name)); };
		walk(dir);
		for (const f of files) {
			const res = await httpRequest(srv.base, 'POST', '/api/v1/mail/inbound', { body: fs.readFileSync(f), headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${token}` } });
			assert.ok(res.status < 500 && res.status !== 401, `${path.basename(f)}: ${res.status} ${res.text}`);
			if (res.status < 300) assert.ok(res.json.action, `${path.basename(f)}: ${res.text}`);
		}
	});
});

describe('erasure reaches mail data', () => {
	it('erasing the customer removes their raw mails, addresses, subjects and participant rows', async () => {
		const a = addr(uniq('erase'));
		const first = mail({ from: `Erase Me <${a}>`, cc: `Keep Cc <${addr(uniq('keepcc'))}>`, subject: `secret subject ${a}` });
		const r = await deliver(first, 201);
		await admin.expect(200, 'POST', `/api/v1/customers/${r.customer_id}/erase`);
		const ms = await mails(r.ticket_id);
		assert.ok(!JSON.stringify(ms).includes(a), JSON.stringify(ms));
		assert.ok(!JSON.stringify(ms).includes('Erase Me'));
		await admin.expect(404, 'GET', `/api/v1/mail/messages/${r.mail_id}/raw`);
		const parts = (await admin.expect(200, 'GET', `/api/v1/tickets/${r.ticket_id}/participants`)).json.items;
		assert.equal(parts.length, 0);
	});
});

describe('kefu mail receive', () => {
	const tokenFile = () => {
		const d = tmpDir('kefu-mail-');
		const f = path.join(d, 'token');
		fs.writeFileSync(f, `${token}\n`);
		return f;
	};
	const receive = (args, input, env = {}) => kefu(['mail', 'receive', ...args], { input, env });
	it('exit 0 when stored (and for a duplicate), 65 for garbage, 75 when kefu is down and for a bad or missing token (the mail stays queued, never bounced to the customer)', async () => {
		const m = mail({ from: addr(uniq('cli')) });
		const ok = await receive(['--url', srv.base, '--token-file', tokenFile()], m.raw);
		assert.equal(ok.code, 0, ok.stderr);
		const dup = await receive(['--url', srv.base], m.raw, { KEFU_MAIL_TOKEN: token });
		assert.equal(dup.code, 0, dup.stderr);
		const bad = await receive(['--url', srv.base], m.raw, { KEFU_MAIL_TOKEN: 'kfm_nope' });
		assert.equal(bad.code, 75, bad.stderr);
		assert.match(bad.stderr, /401/);
		const big = await receive(['--url', srv.base, '--max-bytes', '100'], m.raw, { KEFU_MAIL_TOKEN: token });
		assert.equal(big.code, 65, big.stderr);
		const down = await receive(['--url', 'http://127.0.0.1:9'], m.raw, { KEFU_MAIL_TOKEN: token });
		assert.equal(down.code, 75, down.stderr);
		const none = await receive(['--url', srv.base], m.raw, { KEFU_MAIL_TOKEN: '' });
		assert.equal(none.code, 75, none.stderr);
		const usage = await receive(['--url', srv.base, '--mailbox', 'x'], m.raw, { KEFU_MAIL_TOKEN: token });
		assert.equal(usage.code, 64, usage.stderr);
		const empty = await receive(['--url', srv.base], '', { KEFU_MAIL_TOKEN: token });
		assert.equal(empty.code, 65, empty.stderr);
	});
});

describe('with kefu mailing (the outbound side configured)', () => {
	let cust, tid, out;
	before(async () => {
		const s = await admin.expect(200, 'GET', '/api/v1/mail/settings');
		await admin.expect(200, 'PATCH', '/api/v1/mail/settings', {
			body: { address: 'support@kefu.test', relay_host: '127.0.0.1', relay_port: 9, relay_security: 'none' },
			headers: { 'If-Match': s.headers.etag },
		});
		cust = addr(uniq('sun'));
		const r = await deliver(mail({ from: `Sun <${cust}>`, to: 'Support <support@kefu.test>', deliveredTo: null, subject: '发票问题' }), 201);
		tid = r.ticket_id;
		for (let i = 0; i < 100 && !out; i++) {
			out = (await mails(tid)).find((m) => m.direction === 'out');
			if (!out) await new Promise((res) => setTimeout(res, 100));
		}
		assert.ok(out, 'kefu queued an acknowledgement');
	});
	it('kefu\'s own address is never a participant, even without Delivered-To', async () => {
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${tid}/participants`)).json.items.length, 0);
	});
	it('a mail to the reply token address threads whatever its headers and subject', async () => {
		const raw = (await admin.expect(200, 'GET', `/api/v1/mail/messages/${out.id}/raw`)).text;
		const tok = /support\+([a-z2-9]{12})@kefu\.test/.exec(raw);
		assert.ok(tok, raw.slice(0, 600));
		const r = await deliver(mail({ from: addr(uniq('other')), to: `support+${tok[1].toUpperCase()}@kefu.test`, deliveredTo: null, subject: 'no tag, no refs' }), 200);
		assert.equal(r.ticket_id, tid);
		assert.equal((await mails(tid)).filter((m) => m.direction === 'in').at(-1).reason, 'token');
	});
	it('In-Reply-To a Message-ID kefu sent threads; a mail carrying that Message-ID itself is a loop', async () => {
		const r = await deliver(mail({ from: cust, subject: 'Re: x', inReplyTo: out.rfc_message_id }), 200);
		assert.equal(r.ticket_id, tid);
		assert.equal(r.action, 'appended');
		const loop = await deliver(mail({ from: addr(uniq('echo')), id: out.rfc_message_id }), 200);
		assert.equal(loop.reason, 'loop');
	});
	it('a delay notice (Action: delayed, 4.x.x) is kept on the ticket but marks nothing bounced', async () => {
		const res = await post(dsn({ rcpt: cust, origId: out.rfc_message_id, action: 'delayed', status: '4.4.1', diag: 'smtp; 421 try later' }));
		assert.equal(res.status, 200, res.text);
		assert.equal(res.json.action, 'bounce');
		assert.equal(res.json.reason, 'delayed');
		assert.equal(res.json.ticket_id, tid);
		assert.notEqual((await mails(tid)).find((m) => m.id === out.id).status, 'bounced');
		assert.ok(!(await admin.expect(200, 'GET', '/api/v1/mail/bounces')).json.items.some((x) => x.address === cust));
	});
	it('a bounce of kefu\'s mail marks it bounced, records the address and tells the ticket', async () => {
		const raw = dsn({ rcpt: cust, origId: out.rfc_message_id, status: '5.2.2', diag: `smtp; 552 <${cust}>: mailbox full` });
		const res = await post(raw);
		assert.equal(res.status, 200, res.text);
		assert.equal(res.json.action, 'bounce');
		assert.equal(res.json.ticket_id, tid);
		const ms = await mails(tid);
		const o = ms.find((m) => m.id === out.id);
		assert.equal(o.status, 'bounced');
		assert.match(o.last_error, /5\.2\.2/);
		assert.ok(ms.some((m) => m.kind === 'bounce' && m.direction === 'in'));
		const ev = (await admin.expect(200, 'GET', `/api/v1/tickets/${tid}/events`)).json.items;
		assert.ok(ev.some((e) => e.action === 'mail_bounced'), JSON.stringify(ev.map((e) => e.action)));
		// the server's diagnostic quotes the address: what staff without pii.read see is masked
		assert.ok(!o.last_error.includes(cust), o.last_error);
		assert.ok(!JSON.stringify(ev.filter((e) => e.action === 'mail_bounced')).includes(cust));
		assert.ok((await admin.expect(200, 'GET', '/api/v1/mail/bounces')).json.items.some((x) => x.address === cust));
	});
	it('past max_message_bytes a mail is 413 mail_too_big and nothing is stored', async () => {
		let s = await admin.expect(200, 'GET', '/api/v1/mail/settings');
		await admin.expect(200, 'PATCH', '/api/v1/mail/settings', { body: { max_message_bytes: 2048 }, headers: { 'If-Match': s.headers.etag } });
		const a = addr(uniq('toobig'));
		assertError(await post(mail({ from: a, body: 'x'.repeat(3000) }).raw), 413, 'mail_too_big');
		s = await admin.expect(200, 'GET', '/api/v1/mail/settings');
		await admin.expect(200, 'PATCH', '/api/v1/mail/settings', { body: { max_message_bytes: 26214400 }, headers: { 'If-Match': s.headers.etag } });
		const log = (await admin.expect(200, 'GET', '/api/v1/mail/messages?direction=in&limit=200')).json.items;
		assert.ok(!log.some((m) => m.from.address === a));
	});
});
