// bench/mail_out.mjs - outbound mail throughput (issue 14): N tickets opened
// by mail, then N agent replies posted (C in flight); each reply is queued
// by the "mail" consumer and sent by kefu's sender threads (S, --mail-senders)
// through a throwaway local Postfix (tests/api/mailenv.mjs) into Dovecot.
// Prints the messages/s accepted by Postfix, measured from the first reply
// posted to the last mail marked sent, and from the rows' own timestamps;
// never passes or fails on the figures.  Needs root (Postfix, Dovecot).
// Run by bench/mail_out.sh (which builds build/rel/kefu):
//   node bench/mail_out.mjs [N] [S] [C]

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

process.env.KF_TEST_BIN = process.env.KF_TEST_BIN || 'build/rel/kefu';
process.env.KF_TEST_BACKEND = 'sqlite';
const { BIN, freshDb, startServer, run, httpRequest, sleep } = await import('../tests/api/lib.mjs');
const { mailEnvMissing, startMailEnv } = await import('../tests/api/mailenv.mjs');

const N = parseInt(process.argv[2] || '2000', 10);
const S = parseInt(process.argv[3] || '4', 10);
const C = parseInt(process.argv[4] || '8', 10);

const missing = mailEnvMissing();
if (missing) {
	console.error(`mail_out: ${missing}`);
	process.exit(1);
}

async function pool(jobs, k) {
	let next = 0;
	const worker = async () => {
		while (next < jobs.length) await jobs[next++]();
	};
	await Promise.all(Array.from({ length: k }, worker));
}

async function sql(db, q) {
	const r = await run('sqlite3', ['-separator', ' ', db.url, q], { rawEnv: process.env });
	if (r.code !== 0) throw new Error(r.stderr);
	return r.stdout.trim();
}

const env = await startMailEnv({ kefuBin: BIN });
const db = await freshDb();
const keyFile = path.join(db.dir, 'secret.key');
fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
const srv = await startServer({ db, args: ['--secret-key-file', keyFile, '--imap-fetch', '0', '--mail-senders', String(S), '--access_log', 'false'] });
try {
	const admin = srv.client('admin');
	await admin.login('admin', db.adminPassword);
	const s = (await admin.expect(200, 'GET', '/api/v1/mail/settings')).json;
	await admin.expect(200, 'PATCH', '/api/v1/mail/settings', {
		body: { address: env.supportAddress, from_name: '好物商城客服', relay_host: '127.0.0.1', relay_port: env.smtpPort, relay_security: 'none', send_ack: false, sender_rate_per_hour: 0 },
		headers: { 'If-Match': `"v${s.version}"` },
	});
	const token = (await admin.expect(201, 'POST', '/api/v1/mail/inbound-token')).json.token;
	const version = (await run(BIN, ['version'])).stdout.trim();
	console.log(`kefu ${version} (${BIN}), SQLite, ${os.cpus().length} cores; N=${N} replies, ${S} sender threads, ${C} requests in flight; relay: local Postfix (loopback, no TLS) -> Dovecot LMTP`);

	// N tickets opened by mail (no acknowledgement: send_ack off).
	const tickets = [];
	await pool(
		Array.from({ length: N }, (_, i) => async () => {
			const raw =
				`From: =?UTF-8?B?${Buffer.from(`买家${i}`).toString('base64')}?= <buyer${i}@customer.test>\r\nTo: support@kefu.test\r\n` +
				`Subject: order ${i} 物流查询\r\nMessage-ID: <out-bench-${i}-${process.pid}@customer.test>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0800\r\n` +
				'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n您好，我的包裹还没到，请帮忙查一下。\r\n';
			const res = await httpRequest(srv.base, 'POST', '/api/v1/mail/inbound', { body: raw, headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${token}` } });
			if (res.status !== 201) throw new Error(`inbound: ${res.status} ${res.text}`);
			tickets.push(res.json.ticket_id);
		}),
		C,
	);

	const t0 = Date.now();
	await pool(
		tickets.map((id) => async () => {
			const r = await admin.api('POST', `/api/v1/tickets/${id}/replies`, { body: { body: '您好，已为您查询：包裹已到达本地网点，预计明天送达。Your parcel arrives tomorrow.' } });
			if (r.status !== 201) throw new Error(`reply: ${r.status} ${r.text}`);
		}),
		C,
	);
	const posted = Date.now();
	let sent = 0;
	const end = Date.now() + 30 * 60_000;
	for (;;) {
		const [nsent, nbad] = (await sql(db, "SELECT SUM(status = 'sent'), SUM(status IN ('failed', 'bounced')) FROM mail_messages WHERE direction = 'out'")).split(' ').map((x) => parseInt(x || '0', 10));
		sent = nsent || 0;
		if (sent + (nbad || 0) >= N) break;
		if (Date.now() > end) throw new Error(`only ${sent} of ${N} sent after 30 minutes`);
		await sleep(200);
	}
	const done = Date.now();
	const [first, last] = (await sql(db, "SELECT MIN(created_at), MAX(updated_at) FROM mail_messages WHERE direction = 'out' AND status = 'sent'")).split(' ').map(Number);
	const secs = (done - t0) / 1000;
	console.log(`replies posted in ${((posted - t0) / 1000).toFixed(2)} s; ${sent} of ${N} sent in ${secs.toFixed(2)} s from the first reply = ${(sent / secs).toFixed(0)} messages/s accepted by Postfix`);
	console.log(`from the rows' timestamps (seconds): first queued ${first}, last sent ${last}: ${(sent / Math.max(1, last - first + 1)).toFixed(0)} messages/s`);
	const delivered = await env.waitFor(
		() => {
			const n = (fs.readFileSync(path.join(env.dir, 'postfix.log'), 'utf8').match(/\/lmtp\[\d+\]: .* status=sent /g) || []).length;
			return n >= sent ? n : 0;
		},
		{ timeout: 120_000, what: 'Postfix to deliver everything to Dovecot' },
	).catch(() => 'not all');
	console.log(`Postfix delivered ${delivered} to Dovecot`);

	// The ceiling here: Postfix alone accepting the same number of ~3 KB messages over S sessions
	// (smtp-source, from Postfix's package), on the same machine.
	const size = Number(await sql(db, "SELECT AVG(size) FROM mail_messages WHERE direction = 'out'")) || 3000;
	const t1 = Date.now();
	const r = await run('/usr/sbin/smtp-source', ['-s', String(S), '-m', String(N), '-l', String(Math.round(size)), '-f', 'bench@kefu.test', '-t', 'baseline@customer.test', `127.0.0.1:${env.smtpPort}`], { rawEnv: process.env, timeout: 600_000 });
	const bsecs = (Date.now() - t1) / 1000;
	if (r.code === 0) console.log(`baseline: smtp-source, ${S} sessions, ${N} messages of ${Math.round(size)} bytes: ${bsecs.toFixed(2)} s = ${(N / bsecs).toFixed(0)} messages/s accepted by the same Postfix`);
	else console.log(`baseline: smtp-source failed (${r.code}): ${r.stderr.slice(0, 300)}`);
} finally {
	await srv.stop();
	await env.stop();
	if (!process.env.KF_TEST_KEEP) fs.rmSync(db.dir, { recursive: true, force: true });
}
