// mail_e2e.test.mjs - the e-mail channel end to end through real mail
// servers (tests/api/mailenv.mjs: a throwaway Postfix + Dovecot):
//   1. a customer's mail, sent with swaks to support@kefu.test, goes through
//      Postfix's pipe transport into `kefu mail receive` and opens a ticket;
//   2. the acknowledgement and the agent's reply go out through Postfix into
//      the customer's Dovecot mailbox, checked header by header (From,
//      To, Reply-To with the ticket's token, Message-ID, In-Reply-To and
//      References = the customer's Message-ID, Subject [#n] once,
//      multipart/alternative, Auto-Submitted only on the acknowledgement);
//   3. the customer answers the token address with no References and a
//      rewritten subject (Outlook style): the same ticket; someone on Cc
//      answers: a participant, on Cc of the next reply (both get a copy);
//   4. a mail to imapbox@kefu.test (a Dovecot mailbox) is fetched over IMAP
//      into a ticket;
//   5. Postfix accepts kefu's mail to gone@customer.test and bounces it later:
//      the DSN comes back through the pipe, the mail is bounced, the address
//      listed; a mail above max_message_bytes exits 65 and bounces to its sender;
//   6. kefu down while Postfix pipes: `kefu mail receive` exits 75, the mail
//      waits in Postfix's deferred queue, and arrives once kefu is back and
//      the queue is flushed (postqueue -f).
//
//   KF_TEST_BIN=build/asan/kefu KF_TEST_BACKEND=sqlite node --test --test-concurrency=1 tests/api/mail_e2e.test.mjs
//   scripts/with-pg.sh env KF_TEST_BIN=build/asan/kefu KF_TEST_BACKEND=postgres node --test --test-concurrency=1 tests/api/mail_e2e.test.mjs

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { BIN, cleanup, freshDb, sleep, startServer, tmpDir, withLogs } from './lib.mjs';
import { mailEnvMissing, parseMessage, recipientOf, startMailEnv } from './mailenv.mjs';

const MISSING = mailEnvMissing();

let env, srv, admin, db, keyFile, tokenFile;
const it = withLogs(() => (srv ? [srv] : []), { timeout: 120_000 });

async function startKefu() {
	srv = await startServer({ db, args: ['--secret-key-file', keyFile, '--imap-fetch', '0', '--mail-timeout', '10'] });
	admin = srv.client('admin');
	await admin.login('admin', db.adminPassword);
	env.setKefuUrl(srv.base);
}

before(async () => {
	if (MISSING) return;
	env = await startMailEnv({ kefuBin: BIN });
	db = await freshDb();
	const dir = tmpDir('kefu-mail-e2e-');
	keyFile = path.join(dir, 'secret.key');
	fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
	tokenFile = path.join(dir, 'inbound.token');
	await startKefu();
});
after(async () => {
	if (srv?.running) await srv.stop();
	if (env) await env.stop();
});
after(cleanup);

const utf8 = (s) => Buffer.from(s, 'latin1').toString('utf8');

/** RFC 2047 encoded words decoded (B and Q; UTF-8 or ASCII). */
function decodeWords(s) {
	return (s || '').replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g, (_, cs, enc, text) => {
		const buf =
			enc.toUpperCase() === 'B'
				? Buffer.from(text, 'base64')
				: Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
		return buf.toString(/utf-?8/i.test(cs) ? 'utf8' : 'latin1');
	});
}

/** Until fn() is truthy; the server's and the mail servers' logs on a time-out. */
async function until(fn, what, ms = 30_000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) assert.fail(`timed out waiting for ${what}\n${srv.logs(40)}\n${env.logs()}`);
		await sleep(150);
	}
}

/** The inbound mail row with this Message-ID (mail log, mail.admin), or undefined. */
async function inboundRow(messageId) {
	const res = await admin.expect(200, 'GET', '/api/v1/mail/messages?direction=in&limit=200');
	return res.json.items.find((m) => m.rfc_message_id === messageId || m.rfc_message_id === `<${messageId}>`);
}

const ticketMails = async (ticketId) => (await admin.expect(200, 'GET', `/api/v1/tickets/${ticketId}/mail`)).json.items;

/** Messages in the customer mailbox for address addr (parsed, delivery order). */
const customerMails = (addr) =>
	env
		.readMailbox('customer')
		.map(parseMessage)
		.filter((m) => recipientOf(m) === addr);

const stripAngles = (s) => (s || '').trim().replace(/^<|>$/g, '');

describe('mail end to end', { skip: MISSING || false }, () => {
	let ticket; // {id, number}
	let customerId; // the customer's first Message-ID (no angles)
	let replyTo; // the token address from kefu's reply
	let replyMessageId;
	const CUSTOMER = 'wang.xm@customer.test';

	it('configure: relay = the test Postfix, the inbound token in the pipe', async () => {
		const s = (await admin.expect(200, 'GET', '/api/v1/mail/settings')).json;
		await admin.expect(200, 'PATCH', '/api/v1/mail/settings', {
			body: { address: env.supportAddress, from_name: '好物商城客服', relay_host: '127.0.0.1', relay_port: env.smtpPort, relay_security: 'none', send_ack: true },
			headers: { 'If-Match': `"v${s.version}"` },
		});
		const tok = (await admin.expect(201, 'POST', '/api/v1/mail/inbound-token')).json.token;
		assert.match(tok, /^kfm_/);
		fs.writeFileSync(tokenFile, tok + '\n', { mode: 0o600 });
		env.tokenFile = tokenFile;
		env.syncToken();
	});

	it('a customer mail through Postfix and `kefu mail receive` opens a ticket', async () => {
		customerId = `e2e-first-${crypto.randomBytes(4).toString('hex')}@customer.test`;
		await env.send({
			from: CUSTOMER,
			fromHeader: `=?UTF-8?B?${Buffer.from('王小明').toString('base64')}?= <${CUSTOMER}>`,
			to: env.supportAddress,
			subject: `=?UTF-8?B?${Buffer.from('包裹破损，要求补发').toString('base64')}?=`,
			body: '你好，我昨天收到的包裹破损了，订单号 A1001，请补发。',
			messageId: `<${customerId}>`,
		});
		const row = await until(() => inboundRow(customerId), 'the piped mail stored');
		assert.equal(row.direction, 'in');
		assert.ok(row.ticket_id, JSON.stringify(row));
		// The wrapper logs after kefu mail receive returned.
		const piped = new RegExp(`sender=${CUSTOMER.replace('.', '\\.')} recipient=support@kefu\\.test exit=0`);
		await until(() => piped.test(fs.readFileSync(env.pipeLog, 'utf8')), 'the pipe log line');
		const t = (await admin.expect(200, 'GET', `/api/v1/tickets/${row.ticket_id}`)).json;
		ticket = { id: row.ticket_id, number: t.number || t.ticket?.number };
		const tk = t.ticket || t;
		assert.equal(tk.channel, 'email');
		assert.equal(tk.subject, '包裹破损，要求补发');
		if (!ticket.number) ticket.number = `#${String(ticket.id).padStart(6, '0')}`;
	});

	it('the acknowledgement reaches the customer mailbox, marked Auto-Submitted', async () => {
		const ack = await until(() => customerMails(CUSTOMER).find((m) => stripAngles(m.header('in-reply-to')) === customerId && m.header('auto-submitted')), 'the acknowledgement');
		assert.equal(ack.header('auto-submitted'), 'auto-replied');
		assert.ok(decodeWords(ack.header('subject')).includes(`[${ticket.number}]`), ack.header('subject'));
	});

	it("the agent's reply arrives header by header right", async () => {
		const body = '您好，已为您补发，顺丰单号 SF1234567890。';
		await admin.expect(201, 'POST', `/api/v1/tickets/${ticket.id}/replies`, { body: { body } });
		const m = await until(() => customerMails(CUSTOMER).find((x) => stripAngles(x.header('in-reply-to')) === customerId && !x.header('auto-submitted')), "the agent's reply");

		// From: the configured name (RFC 2047) and address.
		const from = m.header('from');
		assert.match(from, /^=\?UTF-8\?[BQ]\?/i, from);
		assert.equal(decodeWords(from).replace(/"/g, ''), '好物商城客服 <support@kefu.test>');
		assert.match(decodeWords(m.header('to')), new RegExp(`<?${CUSTOMER.replace('.', '\\.')}>?$`));
		// Reply-To: the ticket's token address.
		replyTo = /<?(support\+[A-Za-z0-9_-]+@kefu\.test)>?/.exec(m.header('reply-to') || '')?.[1];
		assert.ok(replyTo, `Reply-To: ${m.header('reply-to')}`);
		// Message-ID: kefu's own, on the kefu domain, with an unguessable part.
		replyMessageId = stripAngles(m.header('message-id'));
		assert.match(replyMessageId, /^kefu[.-][^@]*[0-9a-zA-Z]{12,}[^@]*@kefu\.test$/);
		// Threading headers: the customer's mail.
		assert.equal(stripAngles(m.header('in-reply-to')), customerId);
		assert.ok((m.header('references') || '').includes(`<${customerId}>`), `References: ${m.header('references')}`);
		// Subject: the tag once.
		const subject = decodeWords(m.header('subject'));
		assert.equal(subject.split(`[${ticket.number}]`).length - 1, 1, subject);
		assert.ok(subject.includes('包裹破损'), subject);
		// multipart/alternative: text and HTML.
		assert.match(m.header('content-type'), /^multipart\/alternative/i);
		assert.match(m.body, /Content-Type: text\/plain/i);
		assert.match(m.body, /Content-Type: text\/html/i);
		assert.equal(m.header('auto-submitted'), undefined);
		assert.ok(m.header('date'));

		// The ticket shows it sent.
		const out = await until(async () => (await ticketMails(ticket.id)).find((x) => x.direction === 'out' && stripAngles(x.rfc_message_id) === replyMessageId && x.status === 'sent'), 'the reply marked sent');
		assert.equal(out.status, 'sent');
	});

	it('the customer answers the token address without References (Outlook style, subject rewritten): the same ticket', async () => {
		const id = `e2e-outlook-${crypto.randomBytes(4).toString('hex')}@customer.test`;
		await env.send({
			from: CUSTOMER,
			to: replyTo,
			subject: `=?UTF-8?B?${Buffer.from('答复: 还有一个问题').toString('base64')}?=`,
			body: '补发的包裹什么时候到？\r\n\r\n-----原始邮件-----\r\n发件人: 好物商城客服\r\n发送时间: 2026年12月8日\r\n主题: 包裹破损',
			messageId: `<${id}>`,
			headers: { 'Thread-Topic': 'x', 'X-Mailer': 'Microsoft Outlook 16.0' },
		});
		const row = await until(() => inboundRow(id), 'the Outlook-style reply stored');
		assert.equal(row.ticket_id, ticket.id, `threaded onto ticket ${row.ticket_id}, not ${ticket.id}`);
		const piped = new RegExp(`recipient=${replyTo.replace(/[+.]/g, '\\$&')} exit=0`);
		await until(() => piped.test(fs.readFileSync(env.pipeLog, 'utf8')), 'the pipe log line for the token address');
	});

	it('someone on Cc answers: a participant on the same ticket, and on Cc of the next reply (a copy each)', async () => {
		const buyer = 'chen.jie@customer.test';
		const colleague = 'liu.cai@customer.test';
		const first = `e2e-cc-${crypto.randomBytes(4).toString('hex')}@customer.test`;
		await env.send({ from: buyer, to: env.supportAddress, cc: colleague, subject: '批量订单发票', body: '请把发票同时发给我的同事。', messageId: `<${first}>` });
		const row = await until(() => inboundRow(first), 'the mail with a Cc stored');
		const parts = async () => (await admin.expect(200, 'GET', `/api/v1/tickets/${row.ticket_id}/participants`)).json.items.map((x) => x.address);
		assert.deepEqual(await parts(), [colleague]);

		// The colleague answers from their own client: In-Reply-To the buyer's mail.
		const answer = `e2e-cc-answer-${crypto.randomBytes(4).toString('hex')}@customer.test`;
		await env.send({ from: colleague, to: env.supportAddress, cc: buyer, subject: 'Re: 批量订单发票', body: '抬头请写公司全称。', messageId: `<${answer}>`, headers: { 'In-Reply-To': `<${first}>`, References: `<${first}>` } });
		const row2 = await until(() => inboundRow(answer), "the colleague's answer stored");
		assert.equal(row2.ticket_id, row.ticket_id, 'not a new ticket');

		await admin.expect(201, 'POST', `/api/v1/tickets/${row.ticket_id}/replies`, { body: { body: '好的，发票已开具。' } });
		const mine = (m) => !m.header('auto-submitted') && m.header('x-kefu-ticket') && decodeWords(m.header('subject')).includes('批量订单发票');
		const toBuyer = await until(() => customerMails(buyer).find(mine), 'the reply in the buyer mailbox');
		assert.ok((toBuyer.header('cc') || '').includes(colleague), `Cc: ${toBuyer.header('cc')}`);
		const toColleague = await until(() => customerMails(colleague).find(mine), "the colleague's copy");
		assert.equal(toColleague.header('message-id'), toBuyer.header('message-id'));
	});

	it('a mail to imapbox@kefu.test is fetched over IMAP into a ticket', async () => {
		const box = (
			await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', {
				body: { name: 'e2e imapbox', address: env.imapAddress, host: '127.0.0.1', port: env.imapPort, security: 'none', username: 'imapbox', password: env.users.imapbox, poll_seconds: 60 },
			})
		).json;
		const id = `e2e-imap-${crypto.randomBytes(4).toString('hex')}@customer.test`;
		await env.send({ from: 'li.na@customer.test', to: env.imapAddress, subject: '发票抬头错了', body: '请帮我改一下发票抬头。', messageId: `<${id}>` });
		await env.waitForMail('imapbox', (m) => stripAngles(m.header('message-id')) === id);
		const got = (await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${box.id}/fetch`)).json;
		assert.ok(got.fetched >= 1, JSON.stringify(got));
		const row = await until(() => inboundRow(id), 'the fetched mail stored');
		assert.ok(row.ticket_id);
		assert.equal(row.mailbox_id, box.id);
		assert.notEqual(row.ticket_id, ticket.id);
		// Fetching again finds nothing new.
		const again = (await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${box.id}/fetch`)).json;
		assert.equal(again.fetched, 0, JSON.stringify(again));
	});

	it("Postfix bounces kefu's mail later: the DSN comes back through the pipe, the mail is bounced, the address listed", async () => {
		const gone = 'gone@customer.test';
		const id = `e2e-gone-${crypto.randomBytes(4).toString('hex')}@customer.test`;
		await env.send({ from: gone, to: env.supportAddress, subject: '我要退货', body: '请问怎么退货？', messageId: `<${id}>` });
		const row = await until(() => inboundRow(id), 'the mail from gone@ stored');
		await admin.expect(201, 'POST', `/api/v1/tickets/${row.ticket_id}/replies`, { body: { body: '请在订单页面申请退货。' } });
		// Accepted by Postfix (sent), then bounced by it: the DSN to support@kefu.test is piped into kefu.
		const bounced = await until(async () => (await ticketMails(row.ticket_id)).find((x) => x.direction === 'out' && x.status === 'bounced'), 'an outgoing mail marked bounced', 45_000);
		assert.match(bounced.last_error || bounced.reason || '', /5\.1\.1|gone|unavailable/i, JSON.stringify(bounced));
		const list = (await admin.expect(200, 'GET', '/api/v1/mail/bounces')).json.items;
		assert.ok(list.some((b) => b.address === gone), JSON.stringify(list));
	});

	it('a mail larger than max_message_bytes: kefu mail receive exits 65 and Postfix bounces it to the sender', async () => {
		const s = (await admin.expect(200, 'GET', '/api/v1/mail/settings')).json;
		await admin.expect(200, 'PATCH', '/api/v1/mail/settings', { body: { max_message_bytes: 64 * 1024 }, headers: { 'If-Match': `"v${s.version}"` } });
		try {
			const id = `e2e-big-${crypto.randomBytes(4).toString('hex')}@customer.test`;
			const photo = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), crypto.randomBytes(120 * 1024)]);
			await env.send({ from: 'big.sender@customer.test', to: env.supportAddress, subject: '照片太大', body: '见附件', messageId: `<${id}>`, attach: [{ filename: 'photo.jpg', contentType: 'image/jpeg', content: photo }] });
			const dsn = await until(() => customerMails('big.sender@customer.test').find((m) => /^multipart\/report/i.test(m.header('content-type') || '')), 'the bounce to the sender');
			assert.match(dsn.body, /data format error/);
			assert.equal(await inboundRow(id), undefined, 'nothing stored');
			await until(() => /sender=big\.sender@customer\.test recipient=support@kefu\.test exit=65/.test(fs.readFileSync(env.pipeLog, 'utf8')), 'exit 65 in the pipe log');
		} finally {
			const s2 = (await admin.expect(200, 'GET', '/api/v1/mail/settings')).json;
			await admin.expect(200, 'PATCH', '/api/v1/mail/settings', { body: { max_message_bytes: s.max_message_bytes }, headers: { 'If-Match': `"v${s2.version}"` } });
		}
	});

	it('kefu down: the mail waits in Postfix (EX_TEMPFAIL) and arrives after kefu is back and the queue is flushed', async () => {
		await srv.stop();
		const id = `e2e-down-${crypto.randomBytes(4).toString('hex')}@customer.test`;
		const sent = await env.send({ from: 'zhao@customer.test', to: env.supportAddress, subject: 'kefu 停机时的来信', body: '这封信在 kefu 停机时发出。', messageId: `<${id}>` });
		const q = await until(() => env.queue().find((e) => e.queue_id === sent.queueId && e.queue_name === 'deferred'), 'the mail deferred in Postfix');
		assert.match(q.recipients[0].delay_reason, /temporary failure/i);
		assert.match(fs.readFileSync(env.pipeLog, 'utf8'), /recipient=support@kefu\.test exit=75/);

		await startKefu(); // same database, a new port: setKefuUrl points the pipe at it
		assert.equal(await inboundRow(id), undefined, 'not there before the flush');
		env.flushQueue();
		const row = await until(() => inboundRow(id), 'the queued mail delivered after the flush');
		assert.ok(row.ticket_id);
		await until(() => !env.queue().some((e) => e.queue_id === sent.queueId), 'an empty Postfix queue');
	});
});
