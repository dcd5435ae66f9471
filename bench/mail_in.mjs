// bench/mail_in.mjs - inbound mail throughput (issue 14): N typical messages
// (about 30 KB: a Chinese/English text part and one base64 attachment, each
// from its own sender with its own subject, so each opens a ticket) stored
// with their tickets by a release kefu on a fresh SQLite database,
//   (a) through `kefu mail receive` (the MTA pipe's command), P processes
//       at a time, and
//   (b) straight POST /api/v1/mail/inbound, C requests in flight, and
//   (c) the whole MTA path (as root): Postfix's smtp-source -> the throwaway
//       Postfix of tests/api/mailenv.mjs -> its pipe -> `kefu mail receive`.
// Prints messages/s for each; never passes or fails on the figures.
// Run by bench/mail_in.sh (which builds build/rel/kefu):
//   node bench/mail_in.mjs [N] [P] [C]
// Environment: KF_TEST_BIN (default build/rel/kefu here).

import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

process.env.KF_TEST_BIN = process.env.KF_TEST_BIN || 'build/rel/kefu';
process.env.KF_TEST_BACKEND = 'sqlite';
const { BIN, freshDb, kefuEnv, startServer, run } = await import('../tests/api/lib.mjs');

const N = parseInt(process.argv[2] || '2000', 10);
const P = parseInt(process.argv[3] || '8', 10);
const C = parseInt(process.argv[4] || '8', 10);

/** The i-th message of a run (tag keeps Message-IDs unique across runs). */
function message(i, tag) {
	// A JPEG's first bytes (kefu keeps an attachment only when its bytes match its type).
	const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), crypto.randomBytes(21000), Buffer.from('ffd9', 'hex')]);
	const blob = jpeg
		.toString('base64')
		.replace(/.{76}/g, '$&\r\n');
	const text = '您好，我的订单还没有收到，请帮忙查一下物流。Where is my parcel?\r\n'.repeat(40);
	return Buffer.from(
		`From: Buyer ${i} <buyer${tag}-${i}@customer.test>\r\nTo: support@kefu.test\r\n` +
			`Subject: ${tag} order ${i} 物流查询\r\nMessage-ID: <bench-${tag}-${i}-${process.pid}@customer.test>\r\n` +
			'Date: Mon, 07 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\n' +
			'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
			'--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' +
			`${text}\r\n--b1\r\nContent-Type: image/jpeg; name="photo${i}.jpg"\r\n` +
			`Content-Disposition: attachment; filename="photo${i}.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
			`${blob}\r\n--b1--\r\n`,
	);
}

/** Run jobs (async functions) with at most k at a time. */
async function pool(jobs, k) {
	let next = 0;
	const worker = async () => {
		while (next < jobs.length) await jobs[next++]();
	};
	await Promise.all(Array.from({ length: k }, worker));
}

function receive(base, token, raw) {
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, ['mail', 'receive', '--url', base], { env: kefuEnv({ KEFU_MAIL_TOKEN: token }), stdio: ['pipe', 'ignore', 'pipe'] });
		let err = '';
		p.stderr.setEncoding('utf8').on('data', (d) => (err += d));
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kefu mail receive exited ${code}: ${err}`))));
		p.stdin.end(raw);
	});
}

const agent = new http.Agent({ keepAlive: true, maxSockets: C });
function post(base, token, raw) {
	return new Promise((resolve, reject) => {
		const u = new URL('/api/v1/mail/inbound', base);
		const req = http.request(u, { method: 'POST', agent, headers: { 'Content-Type': 'message/rfc822', 'Content-Length': raw.length, Authorization: `Bearer ${token}` } }, (res) => {
			let body = '';
			res.setEncoding('utf8').on('data', (d) => (body += d));
			res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST /mail/inbound: ${res.statusCode} ${body}`))));
		});
		req.on('error', reject);
		req.end(raw);
	});
}

async function count(db, sql) {
	const r = await run('sqlite3', [db.url, sql], { rawEnv: process.env });
	return parseInt(r.stdout.trim(), 10);
}

const db = await freshDb();
const keyFile = path.join(db.dir, 'secret.key');
fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
const srv = await startServer({ db, args: ['--secret-key-file', keyFile, '--imap-fetch', '0', '--mail-senders', '0', '--access_log', 'false'] });
try {
	const admin = srv.client('admin');
	await admin.login('admin', db.adminPassword);
	const s = (await admin.expect(200, 'GET', '/api/v1/mail/settings')).json;
	// No acknowledgements (no relay anyway) and no per-sender cap for this measurement.
	await admin.expect(200, 'PATCH', '/api/v1/mail/settings', { body: { address: 'support@kefu.test', send_ack: false, sender_rate_per_hour: 0 }, headers: { 'If-Match': `"v${s.version}"` } });
	const token = (await admin.expect(201, 'POST', '/api/v1/mail/inbound-token')).json.token;

	const version = (await run(BIN, ['version'])).stdout.trim();
	console.log(`kefu ${version} (${BIN}), SQLite, ${os.cpus().length} cores; N=${N} messages of ${message(0, 'x').length} bytes with one attachment`);

	const results = [];
	for (const [name, k, send] of [
		[`(a) kefu mail receive, ${P} processes at a time`, P, (raw) => receive(srv.base, token, raw)],
		[`(b) POST /api/v1/mail/inbound, ${C} in flight`, C, (raw) => post(srv.base, token, raw)],
	]) {
		const tag = name.slice(1, 2) + crypto.randomBytes(3).toString('hex');
		const msgs = Array.from({ length: N }, (_, i) => message(i, tag));
		const before = await count(db, "SELECT COUNT(*) FROM mail_messages WHERE direction = 'in'");
		const t0 = process.hrtime.bigint();
		await pool(
			msgs.map((raw) => () => send(raw)),
			k,
		);
		const secs = Number(process.hrtime.bigint() - t0) / 1e9;
		const stored = (await count(db, "SELECT COUNT(*) FROM mail_messages WHERE direction = 'in'")) - before;
		const line = `${name}: ${stored} stored in ${secs.toFixed(2)} s = ${(stored / secs).toFixed(0)} messages/s`;
		results.push(line);
		console.log(line);
	}
	// (c) the whole MTA path: smtp-source (Postfix's own load generator, 8 sessions) sends N
	// copies of one message (no Message-ID: Postfix adds a unique one) to support@kefu.test
	// through the throwaway Postfix of tests/api/mailenv.mjs, whose pipe runs `kefu mail
	// receive` (8 at a time, kefu_destination_concurrency_limit); needs root.
	const { mailEnvMissing, startMailEnv } = await import('../tests/api/mailenv.mjs');
	if (mailEnvMissing()) console.log(`(c) through Postfix's pipe: skipped (${mailEnvMissing()})`);
	else {
		const env = await startMailEnv({ kefuBin: BIN });
		try {
			const tokenFile = path.join(db.dir, 'inbound.token');
			fs.writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
			env.tokenFile = tokenFile;
			env.setKefuUrl(srv.base);
			const file = path.join(db.dir, 'one.eml');
			fs.writeFileSync(file, message(0, 'c' + crypto.randomBytes(3).toString('hex')).toString('latin1').replace(/^Message-ID: .*\r\n/m, '').replace(/\r\n/g, '\n'));
			const before = await count(db, "SELECT COUNT(*) FROM mail_messages WHERE direction = 'in'");
			const t0 = process.hrtime.bigint();
			const r = await run('/usr/sbin/smtp-source', ['-s', '8', '-m', String(N), '-F', file, '-f', 'buyer@customer.test', '-t', env.supportAddress, `127.0.0.1:${env.smtpPort}`], { rawEnv: process.env, timeout: 600_000 });
			if (r.code !== 0) throw new Error(`smtp-source: ${r.stderr}`);
			const accepted = Number(process.hrtime.bigint() - t0) / 1e9;
			let stored = 0;
			const end = Date.now() + 15 * 60_000;
			while ((stored = (await count(db, "SELECT COUNT(*) FROM mail_messages WHERE direction = 'in'")) - before) < N && Date.now() < end) await new Promise((res) => setTimeout(res, 200));
			const secs = Number(process.hrtime.bigint() - t0) / 1e9;
			console.log(`(c) smtp-source -> Postfix -> pipe -> kefu mail receive: Postfix accepted ${N} in ${accepted.toFixed(2)} s; ${stored} stored in ${secs.toFixed(2)} s = ${(stored / secs).toFixed(0)} messages/s`);
		} finally {
			await env.stop();
		}
	}

	// The ceiling of (a) here: starting the binary alone (`kefu version`), P at a time.
	const spawns = Math.min(N, 500);
	const t1 = process.hrtime.bigint();
	await pool(
		Array.from({ length: spawns }, () => () => run(BIN, ['version'])),
		P,
	);
	const ssecs = Number(process.hrtime.bigint() - t1) / 1e9;
	console.log(`baseline: ${spawns} runs of \`kefu version\`, ${P} at a time: ${(spawns / ssecs).toFixed(0)} processes/s`);
	const tickets = await count(db, 'SELECT COUNT(*) FROM tickets');
	const atts = await count(db, 'SELECT COUNT(*) FROM attachments');
	console.log(`tickets ${tickets}, attachments ${atts}, database ${(fs.statSync(db.url).size / 1048576).toFixed(0)} MB`);
} finally {
	await srv.stop();
	agent.destroy();
	if (!process.env.KF_TEST_KEEP) fs.rmSync(db.dir, { recursive: true, force: true });
}
