// mail_env.test.mjs - the throwaway Postfix + Dovecot of mailenv.mjs work:
// swaks → Postfix → Dovecot and back; IMAP (plain, STARTTLS, imaps) logins;
// Postfix's pipe for @kefu.test (to a script the test controls, and to
// `kefu mail receive` once the binary has it); temporary failures wait in
// Postfix's queue until flushed; permanent ones bounce; unknown and foreign
// recipients are refused; the authenticated submission ports.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, run } from './lib.mjs';
import { mailEnvMissing, parseMessage, recipientOf, startMailEnv } from './mailenv.mjs';

const missing = mailEnvMissing();
let env;

before(async () => {
	if (missing) return;
	env = await startMailEnv({ kefuUrl: 'http://127.0.0.1:9', tokenFile: '' });
});

after(async () => {
	if (env) await env.stop();
});

/** curl against Dovecot: {code, stdout, stderr}. */
function curl(args) {
	return run('curl', ['-sS', '--max-time', '20', ...args], { rawEnv: process.env });
}

const uniq = () => `${Date.now()}.${Math.random().toString(36).slice(2)}`;

describe('mail environment', { skip: missing || false }, () => {
	test('starts quickly and listens on loopback only', () => {
		assert.ok(env.startMs < 10_000, `start took ${env.startMs} ms`);
		for (const p of [env.smtpPort, env.submissionPort, env.smtpsPort, env.imapPort, env.imapsPort, env.lmtpPort]) assert.ok(p > 1024 && p !== 25 && p !== 143);
		// Nothing of ours on a wildcard address.
		const conf = fs.readFileSync(path.join(env.dir, 'postfix', 'main.cf'), 'utf8');
		assert.match(conf, /^inet_interfaces = 127\.0\.0\.1$/m);
	});

	test('swaks → Postfix → Dovecot: a customer mailbox receives the message intact', async () => {
		const subject = `hello ${uniq()}`;
		const r = await env.send({ from: 'agent@kefu.test', to: 'bob@customer.test', cc: 'carol@customer.test', subject, body: '您好，这是一封测试邮件。\nsecond line' });
		assert.ok(r.queueId);
		const m = await env.waitForMail('customer', (m) => m.header('subject') === subject);
		assert.equal(m.header('from'), 'agent@kefu.test');
		assert.equal(m.header('to'), 'bob@customer.test');
		assert.equal(m.header('cc'), 'carol@customer.test');
		assert.equal(m.header('return-path'), '<agent@kefu.test>');
		// UTF-8 bytes arrive unchanged (readMailbox gives latin1 strings: one char per byte).
		assert.equal(Buffer.from(m.body, 'latin1').toString('utf8'), '您好，这是一封测试邮件。\nsecond line\n');
		// Both envelope recipients land in the one "customer" mailbox, a copy each.
		const got = await env.waitFor(
			() => {
				const copies = env.readMailbox('customer').map(parseMessage).filter((m) => m.header('subject') === subject);
				return copies.length === 2 && copies.map(recipientOf).sort();
			},
			{ what: 'the Cc copy' },
		);
		assert.deepEqual(got, ['bob@customer.test', 'carol@customer.test']);
	});

	test('attachments and raw messages are sent as given', async () => {
		const subject = `attach ${uniq()}`;
		const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
		await env.send({ to: 'bob@customer.test', subject, body: 'see photo', attach: [{ filename: 'photo.png', contentType: 'image/png', content: png }] });
		const m = await env.waitForMail('customer', (m) => m.header('subject') === subject);
		assert.match(m.header('content-type'), /^multipart\/mixed; boundary=/);
		assert.match(m.body, /Content-Disposition: attachment; filename="photo.png"/);
		assert.ok(m.body.includes(png.toString('base64')));

		// A raw message with an unencoded 8-bit GBK subject goes through byte for byte.
		const gbk = Buffer.from('c4e3bac3', 'hex'); // 你好 in GBK
		const id = `<${uniq()}@customer.test>`;
		const raw = Buffer.concat([Buffer.from(`From: alice@customer.test\r\nTo: bob@customer.test\r\nMessage-ID: ${id}\r\nSubject: `), gbk, Buffer.from('\r\n\r\nbody\r\n.dot line\r\n')]);
		await env.send({ to: 'bob@customer.test', raw });
		const m2 = await env.waitForMail('customer', (m) => m.header('message-id') === id);
		assert.equal(Buffer.from(m2.header('subject'), 'latin1').toString('hex'), 'c4e3bac3');
		assert.match(m2.body, /^body\r?\n\.dot line/);
	});

	test('imapbox@kefu.test is delivered to the Dovecot user imapbox', async () => {
		const subject = `imap ${uniq()}`;
		await env.send({ to: env.imapAddress, subject });
		const m = await env.waitForMail('imapbox', (m) => m.header('subject') === subject);
		assert.equal(m.header('delivered-to'), 'imapbox@kefu.test');
	});

	test('IMAP: logins over plain, STARTTLS and imaps; a message is fetched; bad passwords are refused', async () => {
		const subject = `fetch ${uniq()}`;
		await env.send({ to: env.imapAddress, subject });
		await env.waitForMail('imapbox', (m) => m.header('subject') === subject);

		const base = `imap://127.0.0.1:${env.imapPort}`;
		const auth = ['--user', `imapbox:${env.users.imapbox}`];
		// Plain login; SEARCH finds it; FETCH by UID returns the raw message.
		let r = await curl([...auth, `${base}/INBOX`, '-X', `UID SEARCH SUBJECT "${subject}"`]);
		assert.equal(r.code, 0, r.stderr);
		const uid = /\* SEARCH (\d+)/.exec(r.stdout)?.[1];
		assert.ok(uid, r.stdout);
		r = await curl([...auth, `${base}/INBOX;UID=${uid}`]);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(parseMessage(r.stdout).header('subject'), subject);

		// STARTTLS (required) and implicit TLS with the test's self-signed certificate.
		r = await curl([...auth, '--ssl-reqd', '--cacert', env.certFile, `${base}/INBOX`, '-X', 'EXAMINE INBOX']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /EXISTS/);
		r = await curl([...auth, '--cacert', env.certFile, `imaps://127.0.0.1:${env.imapsPort}/INBOX`, '-X', 'EXAMINE INBOX']);
		assert.equal(r.code, 0, r.stderr);
		r = await curl(['--user', 'customer:pw-customer', `${base}/`]);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /INBOX/);
		assert.match(r.stdout, /Processed/);

		r = await curl(['--user', 'imapbox:wrong', `${base}/INBOX`, '-X', 'EXAMINE INBOX']);
		assert.equal(r.code, 67, `a wrong password: curl exit ${r.code} (67 = login denied)\n${r.stderr}`);
	});

	test('Postfix refuses nobody@customer.test with 550, bounces gone@customer.test later, relays nothing else', async () => {
		let r = await env.send({ to: 'nobody@customer.test', expect: 'any' });
		assert.equal(r.accepted, false);
		assert.match(r.stdout + r.stderr, /<\*\* 550 5\.1\.1 <nobody@customer\.test>/);
		r = await env.send({ to: 'someone@example.com', expect: 'any' });
		assert.equal(r.accepted, false);
		assert.match(r.stdout + r.stderr, /<\*\* 554 5\.7\.1 .*Relay access denied/);

		// gone@customer.test is accepted, then bounced: a DSN to the sender.
		const subject = `gone ${uniq()}`;
		r = await env.send({ from: 'frank@customer.test', to: 'gone@customer.test', subject });
		assert.ok(r.accepted);
		const dsn = await env.waitForMail('customer', (m) => recipientOf(m) === 'frank@customer.test' && /^multipart\/report/.test(m.header('content-type') || '') && m.body.includes(subject));
		assert.match(dsn.body, /Final-Recipient: rfc822; ?gone@customer\.test/);
		assert.match(dsn.body, /Status: 5\.1\.1/);
	});

	test('the submission ports require TLS and AUTH (SASL through Dovecot)', async () => {
		const subject = `relay ${uniq()}`;
		await env.send({ port: 'submission', auth: { user: 'relay', password: env.users.relay }, to: 'dave@customer.test', subject });
		await env.waitForMail('customer', (m) => m.header('subject') === subject);
		const subject2 = `smtps ${uniq()}`;
		await env.send({ port: 'smtps', auth: { user: 'relay', password: env.users.relay }, to: 'dave@customer.test', subject: subject2 });
		await env.waitForMail('customer', (m) => m.header('subject') === subject2);

		let r = await env.send({ port: 'submission', auth: { user: 'relay', password: 'wrong' }, to: 'dave@customer.test', expect: 'any' });
		assert.equal(r.accepted, false);
		assert.match(r.stdout + r.stderr, /535 5\.7\.8/);
		r = await env.send({ port: 'submission', to: 'dave@customer.test', expect: 'any' });
		assert.equal(r.accepted, false, 'no AUTH: refused');
	});

	test('mail to @kefu.test is piped (as nobody) with the envelope; Delivered-To and X-Original-To added', async () => {
		const out = path.join(env.dir, 'piped');
		fs.mkdirSync(out, { mode: 0o777 });
		fs.chmodSync(out, 0o777);
		env.setPipeCommand(`f=$(mktemp ${out}/m.XXXXXX) && { id -u; echo "$1 $2"; cat; } >"$f"`);
		try {
			const subject = `piped ${uniq()}`;
			await env.send({ from: 'alice@customer.test', to: 'support+tok123@kefu.test', subject, body: '订单 12345 没有收到' });
			const text = await env.waitFor(
				() => {
					for (const f of fs.readdirSync(out)) {
						const t = fs.readFileSync(path.join(out, f), 'latin1');
						if (t.includes(`Subject: ${subject}`)) return t;
					}
					return null;
				},
				{ what: 'the piped message' },
			);
			const [uid, envelope, ...rest] = text.split('\n');
			assert.equal(uid, '65534', 'runs as nobody');
			assert.equal(envelope, 'alice@customer.test support+tok123@kefu.test');
			const m = parseMessage(rest.join('\n'));
			assert.equal(m.header('return-path'), '<alice@customer.test>');
			assert.equal(m.header('to'), 'support+tok123@kefu.test');
			// flags=DOR: the envelope recipient as Delivered-To and X-Original-To (kefu's own addresses).
			assert.equal(m.header('x-original-to'), 'support+tok123@kefu.test');
			assert.equal(m.header('delivered-to'), 'support+tok123@kefu.test');
			assert.equal(Buffer.from(m.body, 'latin1').toString('utf8'), '订单 12345 没有收到\n');
			// The wrapper logs after the command returned.
			await env.waitFor(() => /recipient=support\+tok123@kefu\.test exit=0/.test(fs.readFileSync(env.pipeLog, 'utf8')), { what: 'the pipe log line' });
		} finally {
			env.setPipeCommand(null);
		}
	});

	test('exit 75 (EX_TEMPFAIL) keeps the message in the queue until it is flushed; exit 65 bounces', async () => {
		const out = path.join(env.dir, 'piped2');
		fs.mkdirSync(out, { mode: 0o777 });
		fs.chmodSync(out, 0o777);
		env.setPipeCommand('cat >/dev/null; exit 75');
		const subject = `tempfail ${uniq()}`;
		try {
			const r = await env.send({ to: env.supportAddress, subject });
			const q = await env.waitFor(() => env.queue().find((e) => e.queue_id === r.queueId && e.queue_name === 'deferred'), { what: 'the deferred message in the queue' });
			assert.equal(q.queue_name, 'deferred');
			assert.match(q.recipients[0].delay_reason, /temporary failure/i);

			env.setPipeCommand(`cat >${out}/ok.eml`);
			env.flushQueue();
			await env.waitFor(() => fs.existsSync(`${out}/ok.eml`) && fs.readFileSync(`${out}/ok.eml`, 'latin1').includes(subject), { what: 'the flushed message' });
			await env.waitFor(() => !env.queue().some((e) => e.queue_id === r.queueId), { what: 'an empty queue' });

			// A permanent failure: the sender gets a delivery status notification.
			env.setPipeCommand('cat >/dev/null; echo "mail_unparsable" >&2; exit 65');
			const subject2 = `permfail ${uniq()}`;
			await env.send({ from: 'erin@customer.test', to: env.supportAddress, subject: subject2 });
			const dsn = await env.waitForMail('customer', (m) => /^multipart\/report/.test(m.header('content-type') || '') && m.body.includes(subject2));
			assert.equal(dsn.header('to'), 'erin@customer.test');
			assert.match(dsn.header('from'), /MAILER-DAEMON@/);
		} finally {
			env.setPipeCommand(null);
		}
	});

	test('the pipe runs `kefu mail receive --url URL --token-file FILE`; kefu down → deferred (EX_TEMPFAIL)', async () => {
		const help = await run(BIN, ['mail', 'receive', '--help']);
		assert.doesNotMatch(help.stderr + help.stdout, /unknown command/, 'kefu has `mail receive`');
		const tokenFile = path.join(env.dir, 'token-src');
		fs.writeFileSync(tokenFile, 'kfm_test_token\n', { mode: 0o600 });
		env.tokenFile = tokenFile;
		env.setKefuUrl('http://127.0.0.1:9'); // discard port: nothing listens there
		const subject = `kefu down ${uniq()}`;
		const r = await env.send({ to: env.supportAddress, subject });
		const q = await env.waitFor(() => env.queue().find((e) => e.queue_id === r.queueId && e.queue_name === 'deferred'), { what: 'the deferred message' });
		assert.equal(q.queue_name, 'deferred');
		assert.match(fs.readFileSync(env.pipeLog, 'utf8'), /exit=75/);
		// Leave nothing in the queue for the other tests.
		await run('/usr/sbin/postsuper', ['-c', path.join(env.dir, 'postfix'), '-d', r.queueId], { rawEnv: process.env });
	});
});

// Loud when the servers are missing (scripts/deps.sh installs them, so only a hand-made machine lacks them).
if (missing)
	test('mail environment: skipped because the servers are missing', { skip: missing }, () => {});
