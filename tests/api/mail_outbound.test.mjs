// mail_outbound.test.mjs - outgoing mail (issue 14) through a real Postfix
// into a real Dovecot mailbox (tests/api/mailenv.mjs): a ticket opened by
// mail gets an acknowledgement (Auto-Submitted, in the customer's
// language); an agent's reply arrives header by header right (From's
// Chinese display name RFC 2047-encoded, Reply-To with the ticket's token,
// an unguessable Message-ID, In-Reply-To/References to the customer's
// mail, the subject tag once, multipart/alternative, no Auto-Submitted,
// the participants on Cc); queued -> sent in GET /tickets/:id/mail; the
// relay down -> deferred with attempts and next_at, fixed + the clock
// advanced -> sent; a 5xx from Postfix -> failed; the retry endpoint;
// templates (edit, preview, unknown placeholder, back to built-in);
// settings (412 on a stale version, 428 without one); the relay password
// never in a response or the audit log.
//
//   KF_TEST_BIN=build/asan/kefu KF_TEST_BACKEND=sqlite node --test --test-concurrency=1 tests/api/mail_outbound.test.mjs

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { BACKEND, BIN, TEST_CLOCK_ARGS, advanceClock, assertError, cleanup, freshDb, httpRequest, sleep, startServer, tmpDir, uniq, withLogs } from './lib.mjs';
import { mailEnvMissing, startMailEnv } from './mailenv.mjs';

const MISSING = mailEnvMissing(); // Postfix or Dovecot not installed: every test skips, saying so

const RELAY_PASSWORD = `relay-pw-${crypto.randomBytes(6).toString('hex')}`;
let srv, admin, env, keyFile, inboundToken;
const seen = []; // every response text, searched for the relay password at the end
const it = withLogs(() => srv);

before(async () => {
	if (MISSING) return;
	env = await startMailEnv({ kefuBin: BIN }); // absolute: Postfix's pipe runs it from its own directory
	const db = await freshDb();
	const dir = tmpDir('kefu-mailout-');
	keyFile = path.join(dir, 'secret.key');
	fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
	// the environment's self-signed certificate is the relay's CA (smtp.c reads SSL_CERT_FILE)
	srv = await startServer({ db, args: [...TEST_CLOCK_ARGS, '--secret-key-file', keyFile, '--public-url', 'https://help.kefu.test/'], env: { SSL_CERT_FILE: env.certFile } });
	env.setKefuUrl(srv.base);
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
	const orig = admin.api.bind(admin);
	admin.api = async (...a) => {
		const res = await orig(...a);
		seen.push(res.text || '');
		return res;
	};
});
after(async () => {
	if (env) await env.stop();
	if (srv) await srv.stop();
});
after(cleanup);

// --- mail helpers -------------------------------------------------------------------------------

/** RFC 2047 encoded words decoded (B and Q, UTF-8 or ASCII). */
function decodeWords(s) {
	return s.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g, (_, cs, enc, text) => {
		const buf = enc.toUpperCase() === 'B'
			? Buffer.from(text, 'base64')
			: Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
		return buf.toString(/utf-?8/i.test(cs) ? 'utf8' : 'latin1');
	});
}

/** {headers: Map(lower name -> [raw unfolded values]), body, raw} of a raw message. */
function parseMail(raw) {
	const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : raw;
	const cut = text.search(/\r?\n\r?\n/);
	const head = text.slice(0, cut).replace(/\r?\n[ \t]+/g, ' ');
	const headers = new Map();
	for (const line of head.split(/\r?\n/)) {
		const i = line.indexOf(':');
		if (i <= 0) continue;
		const k = line.slice(0, i).toLowerCase();
		if (!headers.has(k)) headers.set(k, []);
		headers.get(k).push(line.slice(i + 1).trim());
	}
	return { headers, body: text.slice(cut).replace(/^\r?\n\r?\n/, ''), raw: text };
}
const h = (m, name) => (m.headers.get(name.toLowerCase()) || [])[0];
const utf8 = (s) => Buffer.from(s, 'latin1').toString('utf8');

/** The mails in Dovecot user's mailbox carrying X-Kefu-Ticket number (parsed). */
async function mailboxFor(user, number) {
	const raws = await env.readMailbox(user);
	return raws.map(parseMail).filter((m) => h(m, 'X-Kefu-Ticket') === number);
}

/** Wait until fn() returns a truthy value (polling), up to ms. */
async function until(fn, what, ms = 20_000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) assert.fail(`timed out waiting for ${what}\n${srv.logs(40)}`);
		await sleep(200);
	}
}

let n = 0;
/** A raw customer mail (CRLF). */
function customerMail({ from, fromName = '王小明', cc, subject, body = '你好，我的包裹到了但是破损了，请处理。', id = `c${++n}.${process.pid}@customer.test` }) {
	const lines = ['Delivered-To: support@kefu.test', `From: =?UTF-8?B?${Buffer.from(fromName).toString('base64')}?= <${from}>`, 'To: support@kefu.test'];
	if (cc) lines.push(`Cc: ${cc}`);
	lines.push(`Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`, 'Date: Tue, 08 Dec 2026 08:00:00 +0800', `Message-ID: <${id}>`,
		'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, '');
	return { raw: lines.join('\r\n'), id };
}

/** The customer's mail delivered to kefu (as `kefu mail receive` does); returns the answer ({ticket_id, ticket_number, ...}). */
async function receive(m) {
	if (!inboundToken) inboundToken = (await admin.expect(201, 'POST', '/api/v1/mail/inbound-token')).json.token;
	const res = await httpRequest(srv.base, 'POST', '/api/v1/mail/inbound', { body: m.raw, headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${inboundToken}` } });
	assert.ok(res.status === 200 || res.status === 201, `inbound: ${res.status} ${res.text}`);
	return res.json;
}

const outgoing = async (ticketId) => (await admin.expect(200, 'GET', `/api/v1/tickets/${ticketId}/mail`)).json.items.filter((x) => x.direction === 'out');
async function outgoingWhere(ticketId, pred, what) {
	return until(async () => (await outgoing(ticketId)).find(pred), what);
}

async function settings() {
	return (await admin.expect(200, 'GET', '/api/v1/mail/settings')).json;
}
async function patchSettings(body) {
	const s = await settings();
	return (await admin.expect(200, 'PATCH', '/api/v1/mail/settings', { body, headers: { 'If-Match': `"v${s.version}"` } })).json;
}

/** A loopback port nothing listens on. */
async function closedPort() {
	const s = net.createServer();
	await new Promise((r) => s.listen(0, '127.0.0.1', r));
	const { port } = s.address();
	await new Promise((r) => s.close(r));
	return port;
}

// --- the tests ----------------------------------------------------------------------------------

describe('settings', { skip: MISSING || false }, () => {
	it('configure the relay; the password is write-only', async () => {
		const s = await settings();
		assert.equal(s.relay_password_set, false);
		assert.equal(s.address, '');
		const after = await patchSettings({ address: 'support@kefu.test', from_name: '好物商城客服', relay_host: '127.0.0.1',
			relay_port: env.smtpPort, relay_security: 'none', relay_password: RELAY_PASSWORD });
		assert.equal(after.relay_password_set, true);
		assert.equal(after.relay_port, env.smtpPort);
		assert.equal(after.relay_password, undefined);
	});

	it('a stale version is 412, none is 428, and nothing changes', async () => {
		const s = await settings();
		assertError(await admin.api('PATCH', '/api/v1/mail/settings', { body: { from_name: 'x' }, headers: { 'If-Match': `"v${s.version - 1}"` } }), 412, 'stale');
		assertError(await admin.api('PATCH', '/api/v1/mail/settings', { body: { from_name: 'x', version: s.version - 1 } }), 412, 'stale');
		assertError(await admin.api('PATCH', '/api/v1/mail/settings', { body: { from_name: 'x' } }), 428, 'precondition_required');
		assertError(await admin.api('PATCH', '/api/v1/mail/settings', { body: { relay_port: 0, version: s.version } }), 400);
		assertError(await admin.api('PATCH', '/api/v1/mail/settings', { body: { nope: 1, version: s.version } }), 400);
		assert.equal((await settings()).from_name, '好物商城客服');
	});

	it('the relay test connects to Postfix', async () => {
		const r = (await admin.expect(200, 'POST', '/api/v1/mail/settings/test')).json;
		assert.equal(r.ok, true, JSON.stringify(r));
		assert.equal(r.stage, 'done');
		const port = await closedPort();
		await patchSettings({ relay_port: port });
		const bad = (await admin.expect(200, 'POST', '/api/v1/mail/settings/test')).json;
		assert.equal(bad.ok, false);
		assert.equal(bad.stage, 'connect');
		await patchSettings({ relay_port: env.smtpPort });
	});
});

describe('a ticket opened by mail', { skip: MISSING || false }, () => {
	let t, orig, ack, ackMail;
	const cust = `wang.${process.pid}@customer.test`;
	const boss = `boss.${process.pid}@customer.test`;

	it('gets an acknowledgement with Auto-Submitted, in Chinese, threaded to the customer\'s mail', async () => {
		orig = customerMail({ from: cust, cc: boss, subject: '订单 8899 的包裹破损' });
		t = await receive(orig);
		assert.ok(t.ticket_id > 0, JSON.stringify(t));
		ack = await outgoingWhere(t.ticket_id, (x) => x.kind === 'ack' && x.status === 'sent', 'the ack to be sent');
		assert.equal(ack.attempts, 1);
		[ackMail] = await until(async () => (await mailboxFor('customer', t.ticket_number)).filter((m) => h(m, 'Auto-Submitted')), 'the ack in Dovecot');
		assert.equal(h(ackMail, 'Auto-Submitted'), 'auto-replied');
		assert.equal(h(ackMail, 'In-Reply-To'), `<${orig.id}>`);
		assert.match(decodeWords(h(ackMail, 'Subject')), new RegExp(`^我们已收到您的请求：订单 8899 的包裹破损 \\[${t.ticket_number}\\]$`));
	});

	it('an agent reply arrives header by header right', async () => {
		const reply = await admin.expect(201, 'POST', `/api/v1/tickets/${t.ticket_id}/replies`, { body: { body: '您好，已为您补发，顺丰单号 SF1234567890。' } });
		assert.ok(reply);
		const row = await outgoingWhere(t.ticket_id, (x) => x.kind === 'reply' && x.status === 'sent', 'the reply to be sent');
		const m = await until(async () => (await mailboxFor('customer', t.ticket_number)).find((x) => !h(x, 'Auto-Submitted')), 'the reply in Dovecot');
		// From: the Chinese display name is RFC 2047-encoded on the wire
		const from = h(m, 'From');
		assert.match(from, /^=\?utf-8\?[bq]\?/i);
		assert.equal(decodeWords(from), '好物商城客服 <support@kefu.test>');
		// Reply-To carries the ticket's token
		assert.match(h(m, 'Reply-To'), /<support\+[a-z2-9]{12}@kefu\.test>$/);
		assert.equal(h(m, 'Reply-To'), h(ackMail, 'Reply-To'));
		// Message-ID: kefu.<16 random hex>.<ticket id>@domain, as the API shows it
		assert.match(h(m, 'Message-ID') || h(m, 'Message-Id'), new RegExp(`^<kefu\\.[0-9a-f]{16}\\.${t.ticket_id}@kefu\\.test>$`));
		assert.equal((h(m, 'Message-ID') || h(m, 'Message-Id')).slice(1, -1), row.rfc_message_id);
		// threaded to the customer's mail
		assert.equal(h(m, 'In-Reply-To'), `<${orig.id}>`);
		assert.ok(h(m, 'References').includes(`<${orig.id}>`), h(m, 'References'));
		// the tag once
		const subject = decodeWords(h(m, 'Subject'));
		assert.equal(subject, `Re: 订单 8899 的包裹破损 [${t.ticket_number}]`);
		// not automatic
		assert.equal(h(m, 'Auto-Submitted'), undefined);
		// to the customer, the participant on Cc
		assert.match(decodeWords(h(m, 'To')), new RegExp(`<${cust.replace(/\./g, '\\.')}>`));
		assert.ok((h(m, 'Cc') || '').includes(boss), `Cc: ${h(m, 'Cc')}`);
		// text and HTML
		assert.match(h(m, 'Content-Type'), /^multipart\/alternative;/);
		assert.match(m.body, /Content-Type: text\/plain; charset=utf-8/);
		assert.match(m.body, /Content-Type: text\/html; charset=utf-8/);
		const b64 = m.body.split(/\r?\n\r?\n/)[1].replace(/--.*$/s, '');
		assert.match(Buffer.from(b64, 'base64').toString('utf8'), /已为您补发，顺丰单号 SF1234567890/);
	});

	it('resolved: the survey link goes out by mail, automatic', async () => {
		const got = await admin.expect(200, 'GET', `/api/v1/tickets/${t.ticket_id}`);
		await admin.expect(200, 'POST', `/api/v1/tickets/${t.ticket_id}/transition`, { body: { state: 'resolved' }, headers: { 'If-Match': got.headers.etag } });
		await advanceClock(admin, 3700); // the survey is posted an hour after resolving
		await admin.expect(200, 'POST', '/api/v1/test/tick');
		await outgoingWhere(t.ticket_id, (x) => x.kind === 'resolved' && x.status === 'sent', 'the resolved mail');
		const m = await until(async () => (await mailboxFor('customer', t.ticket_number)).find((x) => /^=\?utf-8\?[bq]\?/i.test(h(x, 'Subject')) && decodeWords(h(x, 'Subject')).startsWith('您的请求已处理完毕')), 'the resolved mail in Dovecot');
		assert.equal(h(m, 'Auto-Submitted'), 'auto-replied');
		const text = m.body.split(/\r?\n\r?\n/)[1].replace(/--.*$/s, '');
		assert.match(Buffer.from(text, 'base64').toString('utf8'), /https:\/\/help\.kefu\.test\/survey\/[A-Za-z0-9_-]{20,}/); // absolute, under public_url
	});

	it('statuses: queued then sent, with the relay\'s reply', async () => {
		const rows = await outgoing(t.ticket_id);
		assert.ok(rows.length >= 2);
		for (const r of rows) {
			assert.equal(r.status, 'sent');
			assert.equal(r.attempts, 1);
			assert.match(r.last_error, /^250 /);
		}
	});
});

describe('acknowledgements', { skip: MISSING || false }, () => {
	it('in English for an English mail; none for bulk mail or an auto-reply', async () => {
		const en = await receive(customerMail({ from: `amy.${process.pid}@customer.test`, fromName: 'Amy Lee', subject: 'Wrong size delivered',
			body: 'Hello, I ordered a medium but received a large. Could you exchange it please?' }));
		await outgoingWhere(en.ticket_id, (x) => x.kind === 'ack' && x.status === 'sent', 'the English ack');
		const m = await until(async () => (await mailboxFor('customer', en.ticket_number))[0], 'the English ack in Dovecot');
		assert.equal(decodeWords(h(m, 'Subject')), `We have received your request: Wrong size delivered [${en.ticket_number}]`);
		for (const header of ['Precedence: bulk', 'Auto-Submitted: auto-replied']) {
			const mm = customerMail({ from: `list${n}.${process.pid}@customer.test`, fromName: 'News', subject: `通知 ${n}` });
			mm.raw = mm.raw.replace('MIME-Version: 1.0', `${header}\r\nMIME-Version: 1.0`);
			const r = await receive(mm);
			await sleep(1500);
			assert.ok(r.ticket_id > 0, `the ${header} mail is kept on a ticket: ${JSON.stringify(r)}`);
			assert.deepEqual((await outgoing(r.ticket_id)).filter((x) => x.kind === 'ack'), [], `no ack after ${header}`);
		}
	});
});

describe('a reply with files', { skip: MISSING || false }, () => {
	const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
	it('sends the ticket\'s uploaded files as attachments; a file already sent or of another ticket is refused', async () => {
		const t = await receive(customerMail({ from: `sun.${process.pid}@customer.test`, fromName: '孙七', subject: '请发一下发票' }));
		const up = await admin.expect(201, 'POST', `/api/v1/tickets/${t.ticket_id}/attachments?filename=${encodeURIComponent('发票.png')}`, {
			body: PNG, headers: { 'Content-Type': 'image/png' } });
		const fileId = up.json.id;
		await admin.expect(201, 'POST', `/api/v1/tickets/${t.ticket_id}/replies`, { body: { body: '发票见附件。', attachments: [fileId] } });
		const m = await until(async () => (await mailboxFor('customer', t.ticket_number)).find((x) => !h(x, 'Auto-Submitted')), 'the reply with its file');
		assert.match(h(m, 'Content-Type'), /^multipart\/mixed;/);
		assert.match(m.body, /Content-Type: multipart\/alternative;/);
		assert.match(m.body, /Content-Type: image\/png/);
		assert.match(m.body, /Content-Disposition: attachment;[\s\S]*filename\*=utf-8''%E5%8F%91%E7%A5%A8\.png|filename="=\?utf-8\?/i);
		assert.ok(m.body.replace(/\r?\n/g, '').includes(PNG.toString('base64')), 'the file\'s bytes');
		// sent once: not again, and not from another ticket
		assertError(await admin.api('POST', `/api/v1/tickets/${t.ticket_id}/replies`, { body: { body: 'again', attachments: [fileId] } }), 400, 'invalid');
		const other = await receive(customerMail({ from: `sun.${process.pid}@customer.test`, fromName: '孙七', subject: '另一个问题' }));
		const up2 = await admin.expect(201, 'POST', `/api/v1/tickets/${other.ticket_id}/attachments?filename=x.png`, { body: PNG, headers: { 'Content-Type': 'image/png' } });
		const e = assertError(await admin.api('POST', `/api/v1/tickets/${t.ticket_id}/replies`, { body: { body: 'wrong ticket', attachments: [up2.json.id] } }), 400, 'invalid');
		assert.equal(e.field, 'attachments');
		assert.equal((await admin.expect(200, 'GET', `/api/v1/tickets/${t.ticket_id}/messages`)).json.items.filter((x) => x.body === 'wrong ticket').length, 0);
	});
});

describe('delivery failures', { skip: MISSING || false }, () => {
	let t;
	it('the relay down: deferred with attempts and next_at; fixed and the clock advanced: sent', async () => {
		t = await receive(customerMail({ from: `li.${process.pid}@customer.test`, fromName: '李雷', subject: '发票抬头写错了' }));
		await outgoingWhere(t.ticket_id, (x) => x.kind === 'ack' && x.status === 'sent', 'the ack');
		await patchSettings({ relay_port: await closedPort() });
		const before = (await admin.expect(200, 'POST', '/api/v1/test/clock', { body: { advance: 0 } })).json.now;
		await admin.expect(201, 'POST', `/api/v1/tickets/${t.ticket_id}/replies`, { body: { body: '已为您更正发票抬头。' } });
		const d = await outgoingWhere(t.ticket_id, (x) => x.kind === 'reply' && x.status === 'deferred', 'the reply to be deferred');
		assert.equal(d.attempts, 1);
		assert.ok(d.next_at >= before + 55 && d.next_at <= before + 120, `next_at ${d.next_at} vs now ${before}`);
		assert.ok(d.last_error.length > 0);
		await patchSettings({ relay_port: env.smtpPort });
		await sleep(1500); // not due yet: still deferred
		assert.equal((await outgoing(t.ticket_id)).find((x) => x.id === d.id).status, 'deferred');
		await advanceClock(admin, 61);
		const s = await outgoingWhere(t.ticket_id, (x) => x.id === d.id && x.status === 'sent', 'the retried reply to be sent');
		assert.equal(s.attempts, 2);
		await until(async () => (await mailboxFor('customer', t.ticket_number)).find((x) => !h(x, 'Auto-Submitted')), 'the retried reply in Dovecot');
	});

	it('a sent mail cannot be retried; an unknown one is 404', async () => {
		const sent = (await outgoing(t.ticket_id)).find((x) => x.status === 'sent');
		assertError(await admin.api('POST', `/api/v1/mail/messages/${sent.id}/retry`), 409, 'mail_not_retryable');
		assertError(await admin.api('POST', '/api/v1/mail/messages/99999999/retry'), 404, 'not_found');
	});

	it('a 5xx from Postfix: failed at once with its reply; retried by hand: queued again', async () => {
		const addr = 'nobody@customer.test'; // the environment's Postfix refuses it with 550
		const c = await admin.expect(201, 'POST', '/api/v1/customers', { body: { name: 'Rejected Person', identities: [{ kind: 'email', value: addr }] } });
		const tk = (await admin.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: 'Where is my order?', channel: 'email', customer_id: c.json.id, body: 'Where is it?' } })).json;
		const f = await outgoingWhere(tk.id, (x) => x.kind === 'ack' && x.status !== 'queued', 'the ack to the rejected address');
		assert.equal(f.status, 'failed', JSON.stringify(f));
		assert.equal(f.attempts, 1);
		assert.match(f.last_error, /^5\d\d /);
		assert.ok(!f.last_error.includes('nobody@'), `the relay's line keeps the address masked: ${f.last_error}`);
		assert.match(f.last_error, /\*\*\*@customer\.test/);
		const r = (await admin.expect(200, 'POST', `/api/v1/mail/messages/${f.id}/retry`)).json;
		assert.equal(r.status, 'queued');
		assert.equal(r.id, f.id);
		await outgoingWhere(tk.id, (x) => x.id === f.id && x.status === 'failed' && x.attempts === 2, 'the retried mail to fail again');
	});
});

describe('templates', { skip: MISSING || false }, () => {
	it('six built-in templates; an unknown placeholder is a 400 naming it; an admin version is used, previewed and reset', async () => {
		const list = (await admin.expect(200, 'GET', '/api/v1/mail/templates')).json.items;
		assert.equal(list.length, 6);
		for (const x of list) assert.equal(x.custom, false);
		const e = assertError(await admin.api('PUT', '/api/v1/mail/templates/ack/en', { body: { subject: 'Hi', body: 'Dear {{customer.nmae}}' } }), 400, 'mail_template_placeholder');
		assert.equal(e.field, 'body');
		assert.match(e.message, /customer\.nmae/);
		assertError(await admin.api('PUT', '/api/v1/mail/templates/welcome/en', { body: { subject: 'Hi', body: 'x' } }), 404, 'not_found');
		const put = (await admin.expect(200, 'PUT', '/api/v1/mail/templates/ack/zh', { body: { subject: '收到啦：{{ticket.subject}}', body: '{{customer.name}}：工单 {{ticket.number}} 已收到。', version: 0 } })).json;
		assert.equal(put.custom, true);
		assert.equal(put.version, 1);
		assertError(await admin.api('PUT', '/api/v1/mail/templates/ack/zh', { body: { subject: 'x', body: 'y', version: 0 } }), 412, 'stale');
		assertError(await admin.api('PUT', '/api/v1/mail/templates/ack/zh', { body: { subject: 'x', body: 'y' }, headers: { 'If-Match': '"v0"' } }), 412, 'stale');
		const again = (await admin.expect(200, 'PUT', '/api/v1/mail/templates/ack/zh', { body: { subject: put.subject, body: put.body }, headers: { 'If-Match': '"v1"' } })).json;
		assert.equal(again.version, 2);
		const pv = (await admin.expect(200, 'POST', '/api/v1/mail/templates/ack/zh/preview', { body: {} })).json;
		assert.equal(pv.subject, '收到啦：订单 1024 的包裹破损 [#000123]');
		assert.match(pv.text, /王小明：工单 #000123 已收到。/);
		const xss = (await admin.expect(200, 'POST', '/api/v1/mail/templates/reply/en/preview', { body: { subject: 'x', body: '<script>{{ticket.subject}}</script>' } })).json;
		assert.ok(!xss.html.includes('<script>'));
		assert.match(xss.html, /&lt;script&gt;/);
		assertError(await admin.api('POST', '/api/v1/mail/templates/reply/en/preview', { body: { body: '{{order.id}}' } }), 400, 'mail_template_placeholder');
		// a new ticket's ack uses the admin's version
		const t = await receive(customerMail({ from: `zhao.${process.pid}@customer.test`, fromName: '赵六', subject: '尺码不合适' }));
		const m = await until(async () => (await mailboxFor('customer', t.ticket_number))[0], 'the custom ack');
		assert.equal(decodeWords(h(m, 'Subject')), `收到啦：尺码不合适 [${t.ticket_number}]`);
		const pt = (await admin.expect(200, 'POST', '/api/v1/mail/templates/ack/zh/preview', { body: { ticket_id: t.ticket_id } })).json;
		assert.equal(pt.subject, `收到啦：尺码不合适 [${t.ticket_number}]`);
		const reset = (await admin.expect(200, 'DELETE', '/api/v1/mail/templates/ack/zh')).json;
		assert.equal(reset.custom, false);
		assert.match(reset.subject, /^我们已收到您的请求/);
	});

	it('agents without mail.admin cannot edit templates or settings', async () => {
		const name = uniq('agent');
		await admin.expect(201, 'POST', '/api/v1/users', { body: { username: name, role: 'agent', password: 'agent-password-1' } });
		const agent = srv.client('agent');
		await agent.login(name, 'agent-password-1');
		assertError(await agent.api('GET', '/api/v1/mail/settings'), 403, 'forbidden');
		assertError(await agent.api('PUT', '/api/v1/mail/templates/ack/zh', { body: { subject: 'x', body: 'y' } }), 403, 'forbidden');
	});
});

describe('the relay over TLS with a login', { skip: MISSING || false }, () => {
	it('STARTTLS + AUTH on the submission port, implicit TLS on smtps; a wrong password stops at auth', async () => {
		await patchSettings({ relay_port: env.submissionPort, relay_security: 'starttls', relay_username: 'relay', relay_password: 'wrong-password' });
		let r = (await admin.expect(200, 'POST', '/api/v1/mail/settings/test')).json;
		assert.equal(r.ok, false, JSON.stringify(r));
		assert.equal(r.stage, 'auth', JSON.stringify(r));
		await patchSettings({ relay_password: env.users.relay });
		r = (await admin.expect(200, 'POST', '/api/v1/mail/settings/test')).json;
		assert.equal(r.ok, true, JSON.stringify(r));
		// plain SMTP where the port insists on TLS first: no login is offered
		await patchSettings({ relay_security: 'none' });
		r = (await admin.expect(200, 'POST', '/api/v1/mail/settings/test')).json;
		assert.equal(r.ok, false, JSON.stringify(r));
		assert.equal(r.stage, 'auth', JSON.stringify(r));
		await patchSettings({ relay_port: env.smtpsPort, relay_security: 'tls' });
		r = (await admin.expect(200, 'POST', '/api/v1/mail/settings/test')).json;
		assert.equal(r.ok, true, JSON.stringify(r));
		// a reply through implicit TLS + AUTH arrives
		const t = await receive(customerMail({ from: `zhou.${process.pid}@customer.test`, fromName: '周八', subject: '退货地址是哪里' }));
		await admin.expect(201, 'POST', `/api/v1/tickets/${t.ticket_id}/replies`, { body: { body: '退货地址：上海市浦东新区世纪大道 100 号。' } });
		await outgoingWhere(t.ticket_id, (x) => x.kind === 'reply' && x.status === 'sent', 'the reply through smtps');
		await until(async () => (await mailboxFor('customer', t.ticket_number)).find((x) => !h(x, 'Auto-Submitted')), 'the smtps reply in Dovecot');
		await patchSettings({ relay_port: env.smtpPort, relay_security: 'none', relay_username: '', relay_password: RELAY_PASSWORD });
	});
});

describe('the relay password', { skip: MISSING || false }, () => {
	it('never appears in a response or the audit log', async () => {
		const audit = await admin.expect(200, 'GET', '/api/v1/audit?limit=200');
		assert.ok(audit.text.includes('mail.settings'), 'the settings changes are audited');
		for (const text of seen) {
			assert.ok(!text.includes(RELAY_PASSWORD), `the password leaked: ${text.slice(0, 200)}`);
			assert.ok(!text.includes(env.users.relay), `the password leaked: ${text.slice(0, 200)}`);
		}
		assert.ok(!srv.stderrText.includes(RELAY_PASSWORD), 'the password is in the log');
		assert.equal(BACKEND === 'sqlite' || BACKEND === 'postgres', true);
	});
});

describe('the outbox is durable', { skip: MISSING || false }, () => {
	it('a deferred mail survives a restart and is sent after it', async () => {
		const t = await receive(customerMail({ from: `wu.${process.pid}@customer.test`, fromName: '吴九', subject: '能开专票吗' }));
		await outgoingWhere(t.ticket_id, (x) => x.kind === 'ack' && x.status === 'sent', 'the ack');
		await patchSettings({ relay_port: await closedPort() });
		await admin.expect(201, 'POST', `/api/v1/tickets/${t.ticket_id}/replies`, { body: { body: '可以开具增值税专用发票。' } });
		const d = await outgoingWhere(t.ticket_id, (x) => x.kind === 'reply' && x.status === 'deferred', 'the reply to be deferred');
		await srv.stop();
		srv = await startServer({ db: srv.db, args: srv.args.slice(srv.args.indexOf('--addr') + 4), env: { SSL_CERT_FILE: env.certFile } });
		admin = srv.client('admin');
		await admin.login('admin', srv.db.adminPassword);
		await patchSettings({ relay_port: env.smtpPort });
		// the new server's clock starts from the real time (the old one had been advanced): move it to next_at
		const now = (await advanceClock(admin, 0)).now;
		await advanceClock(admin, Math.max(1, d.next_at - now + 1));
		const sent = await outgoingWhere(t.ticket_id, (x) => x.id === d.id && x.status === 'sent', 'the reply after the restart');
		assert.equal(sent.attempts, 2);
		await until(async () => (await mailboxFor('customer', t.ticket_number)).find((x) => !h(x, 'Auto-Submitted')), 'the reply in Dovecot');
	});
});
