// mail_imap.test.mjs - kefu fetching mail over IMAP (src/channels/imap.c,
// mailbox.c, mail_fetch.c, http/api_mailboxes.c) from a real Dovecot
// (tests/api/mailenv.mjs: loopback, a temporary directory, no system config
// touched): the mailbox API (validation, If-Match, the password sealed,
// write-only and never in the audit trail), "test connection" by stage
// (login refused, TLS with and without checking a self-signed certificate,
// STARTTLS, a missing folder), fetching into tickets with the messages
// \Seen or moved afterwards, a re-fetch of the same mail (flags reset on
// the server) creating nothing, a message past the size cap set aside, and
// a kefu SIGKILLed in the middle of a backlog and restarted ending with
// every mail exactly once; a re-created folder (new UIDVALIDITY) and a
// message passes keep dying on.
//
// Mail is written straight into the Dovecot user's Maildir (new/), as a
// local delivery agent does (mail_e2e.test.mjs sends one through Postfix).
// Skips only when mailenv cannot run (see mailEnvMissing).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { BACKEND, PG_URL, assertError, cleanup, freshDb, run, sleep, startServer, withLogs } from './lib.mjs';
import { mailEnvMissing, startMailEnv } from './mailenv.mjs';

const NOBODY = 65534; /* mailenv's Dovecot keeps the mail as nobody */
const USER = 'imapbox';
const PASSWORD = 'pw-imapbox';

after(cleanup);

async function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});
}

/**
 * The throwaway Dovecot of mailenv.mjs (IMAP with STARTTLS offered and IMAPS with a
 * self-signed certificate, user imapbox), with what these tests do to it: deliver
 * into the user's Maildir and send it IMAP commands through the curl tool.
 */
async function startDovecot() {
	const env = await startMailEnv();
	const maildir = path.join(env.mailDir, USER, 'Maildir');
	let n = 0;
	const dv = {
		imapPort: env.imapPort,
		imapsPort: env.imapsPort,
		maildir,
		/** Deliver raw (a string) into folder ('' = INBOX), as a local delivery agent does. */
		deliver(raw, folder = '') {
			const d = folder ? `${maildir}/.${folder}` : maildir;
			const name = `${Date.now()}.M${++n}P${process.pid}.kefu-test`;
			fs.writeFileSync(`${d}/tmp/${name}`, raw);
			fs.chownSync(`${d}/tmp/${name}`, NOBODY, NOBODY);
			fs.renameSync(`${d}/tmp/${name}`, `${d}/new/${name}`);
		},
		/** One IMAP command through the curl tool (folder selected first when given); its output. */
		async imap(command, folder = '') {
			const url = `imap://127.0.0.1:${env.imapPort}/${encodeURIComponent(folder)}`;
			const res = await run('curl', ['-sS', '--url', url, '-u', `${USER}:${PASSWORD}`, '-X', command],
				{ rawEnv: process.env });
			assert.equal(res.code, 0, `curl ${command}: ${res.stderr}`);
			return res.stdout;
		},
		stop: () => env.stop(),
	};
	await dv.imap('NOOP'); /* the first login makes the Maildir */
	return dv;
}

/** A plain message with a unique Message-ID. */
function message(i, { from = `buyer${i}@customer.test`, subject = `Order question ${i}`, extra = '' } = {}) {
	return [
		`From: Buyer ${i} <${from}>`,
		'To: support@kefu.test',
		`Subject: ${subject}`,
		`Message-ID: <imap-test-${i}-${process.pid}@customer.test>`,
		'Date: Mon, 07 Dec 2026 10:00:00 +0800',
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'',
		`Where is my parcel? (${i})${extra}`,
		'',
	].join('\r\n');
}

async function sql(db, q) {
	const r = BACKEND === 'sqlite'
		? await run('sqlite3', [db.url, q], { rawEnv: process.env })
		: await run('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', PG_URL, '-c', q], { rawEnv: process.env });
	assert.equal(r.code, 0, r.stderr);
	return r.stdout.trim();
}

/** Flags of every message in folder, by UID. */
async function flags(dv, folder = 'INBOX') {
	const out = await dv.imap('UID FETCH 1:* (FLAGS)', folder);
	const m = new Map();
	for (const line of out.split('\n')) {
		const x = /UID (\d+) FLAGS \(([^)]*)\)|FLAGS \(([^)]*)\) UID (\d+)/.exec(line);
		if (x) m.set(Number(x[1] || x[4]), (x[2] ?? x[3]).split(' ').filter(Boolean));
	}
	return m;
}

const skip = mailEnvMissing() || false;

describe('IMAP fetching', { skip }, () => {
	let dv, srv, admin, db, keyFile;
	const servers = () => (srv ? [srv] : []);
	const it = withLogs(servers, { timeout: 120_000 });

	before(async () => {
		dv = await startDovecot();
		db = await freshDb();
		keyFile = path.join(db.dir, 'secret.key');
		fs.writeFileSync(keyFile, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
		srv = await startServer({ db, args: ['--secret-key-file', keyFile, '--imap-fetch', '0', '--mail-timeout', '10'] });
		admin = srv.client('admin');
		await admin.login('admin', db.adminPassword);
	});
	after(async () => {
		if (srv?.running) await srv.stop();
		if (dv) await dv.stop();
	});

	const box = (over = {}) => ({
		name: `box-${Math.random().toString(36).slice(2, 8)}`, host: '127.0.0.1', port: dv.imapPort,
		security: 'none', username: USER, password: PASSWORD, poll_seconds: 10, ...over,
	});

	it('the mailbox API checks its input and never shows the password', async () => {
		assertError(await admin.api('POST', '/api/v1/mail/mailboxes', { body: { name: 'x' } }), 400, 'required');
		const bad = [
			[{ port: 0 }, 'port'], [{ port: 70000 }, 'port'], [{ security: 'ssl' }, 'security'],
			[{ host: 'a b' }, 'host'], [{ folder: 'IN*' }, 'folder'], [{ after_fetch: 'move' }, 'move_to'],
			[{ poll_seconds: 5 }, 'poll_seconds'], [{ after_fetch: 'archive' }, 'after_fetch'],
			[{ address: 'not-an-address' }, 'address'], [{ colour: 'red' }, 'colour'],
		];
		for (const [over, field] of bad) {
			const res = await admin.api('POST', '/api/v1/mail/mailboxes', { body: box(over) });
			assert.equal(res.status, 400, `${JSON.stringify(over)}: ${res.text}`);
			assert.equal(res.json.error.field, field, `${JSON.stringify(over)}: ${res.text}`);
		}
		const created = await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ name: 'API 检查' }) });
		const m = created.json;
		assert.equal(m.password_set, true);
		assert.equal(m.password, undefined);
		assert.equal(m.folder, 'INBOX');
		assert.equal(m.after_fetch, 'seen');
		assert.ok(!created.text.includes(PASSWORD));
		const audit = await admin.expect(200, 'GET', '/api/v1/audit?limit=50');
		assert.ok(audit.json.items.some((e) => e.action === 'mailbox.create' && e.object_id === m.id), audit.text.slice(0, 500));
		assertError(await admin.api('POST', '/api/v1/mail/mailboxes', { body: box({ name: 'API 检查' }) }), 409, 'exists');
		const url = `/api/v1/mail/mailboxes/${m.id}`;
		assertError(await admin.api('PATCH', url, { body: { poll_seconds: 30 } }), 428, 'precondition_required');
		assertError(await admin.api('PATCH', url, { body: { poll_seconds: 30 }, headers: { 'If-Match': '"v99"' } }), 412, 'stale');
		const patched = await admin.expect(200, 'PATCH', url, { body: { poll_seconds: 30, password: 'other-secret' }, headers: { 'If-Match': `"v${m.version}"` } });
		assert.equal(patched.json.poll_seconds, 30);
		assert.equal(patched.json.version, m.version + 1);
		const list = await admin.expect(200, 'GET', '/api/v1/mail/mailboxes');
		assert.ok(list.json.items.some((x) => x.id === m.id));
		for (const text of [list.text, (await admin.expect(200, 'GET', url)).text,
			(await admin.expect(200, 'GET', '/api/v1/audit?limit=200')).text]) {
			assert.ok(!text.includes(PASSWORD) && !text.includes('other-secret'), 'a password shows');
		}
		const stored = await sql(db, `SELECT password_enc FROM mailboxes WHERE id = ${m.id}`);
		assert.match(stored, /^v1:/);
		assert.ok(!stored.includes('other-secret'));
		await admin.expect(200, 'DELETE', url);
		assertError(await admin.api('GET', url), 404, 'not_found');
	});

	it('test connection names the stage that failed', async () => {
		const ok = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box() })).json;
		let t = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${ok.id}/test`);
		assert.equal(t.json.ok, true, t.text);
		assert.equal(typeof t.json.messages, 'number');

		const wrong = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ password: 'wrong' }) })).json;
		t = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${wrong.id}/test`);
		assert.equal(t.json.ok, false);
		assert.equal(t.json.stage, 'login', t.text);
		const after1 = (await admin.expect(200, 'GET', `/api/v1/mail/mailboxes/${wrong.id}`)).json;
		assert.ok(after1.last_error.length > 0, 'last_error is set');
		assert.ok(!t.text.includes('wrong') || !t.text.includes('"password"'));

		const nofolder = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ folder: '没有这个' }) })).json;
		t = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${nofolder.id}/test`);
		assert.equal(t.json.stage, 'folder', t.text);

		const closed = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ port: await freePort() }) })).json;
		t = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${closed.id}/test`);
		assert.equal(t.json.stage, 'connect', t.text);

		const tls = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ security: 'tls', port: dv.imapsPort }) })).json;
		t = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${tls.id}/test`);
		assert.equal(t.json.stage, 'tls', `a self-signed certificate is refused when checked: ${t.text}`);
		const tlsOk = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ security: 'tls', port: dv.imapsPort, tls_verify: false }) })).json;
		t = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${tlsOk.id}/test`);
		assert.equal(t.json.ok, true, t.text);
		const starttls = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ security: 'starttls', tls_verify: false }) })).json;
		t = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${starttls.id}/test`);
		assert.equal(t.json.ok, true, t.text);
		for (const m of [ok, wrong, nofolder, closed, tls, tlsOk, starttls])
			await admin.expect(200, 'DELETE', `/api/v1/mail/mailboxes/${m.id}`);
	});

	it('fetches new mail into tickets, marks it \\Seen, and a re-fetch creates nothing', async () => {
		const m = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ security: 'starttls', tls_verify: false }) })).json;
		const before = Number(await sql(db, "SELECT COUNT(*) FROM tickets"));
		for (let i = 1; i <= 3; i++) dv.deliver(message(i));
		let f = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		assert.deepEqual({ ...f.json, error: '' }, { fetched: 3, duplicates: 0, failed: 0, error: '' }, f.text);
		assert.equal(Number(await sql(db, "SELECT COUNT(*) FROM tickets")), before + 3);
		assert.equal(Number(await sql(db, `SELECT COUNT(*) FROM mail_messages WHERE direction = 'in' AND mailbox_id = ${m.id}`)), 3);
		const fl = await flags(dv);
		assert.equal(fl.size, 3);
		for (const [uid, list] of fl) assert.ok(list.includes('\\Seen'), `UID ${uid} is not \\Seen: ${list}`);
		const after1 = (await admin.expect(200, 'GET', `/api/v1/mail/mailboxes/${m.id}`)).json;
		assert.equal(after1.fetched, 3);
		assert.equal(after1.last_uid, Math.max(...fl.keys()));
		assert.equal(after1.last_error, '');

		f = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		assert.equal(f.json.fetched + f.json.duplicates, 0, `nothing new: ${f.text}`);

		await dv.imap('UID STORE 1:* -FLAGS (\\Seen)', 'INBOX');
		f = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		assert.deepEqual([f.json.fetched, f.json.duplicates], [0, 3], f.text);
		assert.equal(Number(await sql(db, "SELECT COUNT(*) FROM tickets")), before + 3, 'no new ticket');
		for (const [, list] of await flags(dv)) assert.ok(list.includes('\\Seen'));
		await admin.expect(200, 'DELETE', `/api/v1/mail/mailboxes/${m.id}`);
	});

	it('moves fetched mail to another folder, and sets aside a message past the size cap', async () => {
		await dv.imap('CREATE "&XfJZBHQG-"'); /* 已处理, in modified UTF-7 */
		await dv.imap('CREATE "Inbox2"');
		for (const d of ['new', 'cur', 'tmp']) fs.mkdirSync(`${dv.maildir}/.Inbox2/${d}`, { recursive: true });
		const m = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', {
			body: box({ folder: 'Inbox2', after_fetch: 'move', move_to: '已处理' }),
		})).json;
		await sql(db, 'UPDATE mail_settings SET max_message_bytes = 4096');
		dv.deliver(message(101), 'Inbox2');
		dv.deliver(message(102, { extra: 'x'.repeat(8000) }), 'Inbox2');
		dv.deliver(message(103), 'Inbox2');
		const f = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		await sql(db, 'UPDATE mail_settings SET max_message_bytes = 26214400');
		assert.deepEqual([f.json.fetched, f.json.failed], [2, 1], f.text);
		assert.match(f.json.error, /set aside/);
		const left = await flags(dv, 'Inbox2');
		assert.equal(left.size, 1, 'the big one stays');
		for (const [, list] of left) assert.ok(list.includes('\\Flagged') && list.includes('\\Seen'));
		assert.equal((await flags(dv, '&XfJZBHQG-')).size, 2, 'two moved to 已处理');
		const row = (await admin.expect(200, 'GET', `/api/v1/mail/mailboxes/${m.id}`)).json;
		assert.equal(row.failed, 1);
		assert.match(row.last_error, /set aside/);
		const again = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		assert.equal(again.json.failed + again.json.fetched + again.json.duplicates, 0, `no loop on the big one: ${again.text}`);
		await admin.expect(200, 'DELETE', `/api/v1/mail/mailboxes/${m.id}`);
	});

	it('deletes fetched mail when the mailbox says so', async () => {
		await dv.imap('CREATE "Gone"');
		const m = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ folder: 'Gone', after_fetch: 'delete' }) })).json;
		dv.deliver(message(401), 'Gone');
		dv.deliver(message(402), 'Gone');
		const f = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		assert.equal(f.json.fetched, 2, f.text);
		assert.equal((await flags(dv, 'Gone')).size, 0, 'both expunged');
		assert.equal(Number(await sql(db, `SELECT COUNT(*) FROM mail_messages WHERE mailbox_id = ${m.id}`)), 2);
		await admin.expect(200, 'DELETE', `/api/v1/mail/mailboxes/${m.id}`);
	});

	it('a folder re-created with a new UIDVALIDITY is read again without doubling its mail', async () => {
		await dv.imap('CREATE "Again"');
		const m = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ folder: 'Again' }) })).json;
		dv.deliver(message(201), 'Again');
		dv.deliver(message(202), 'Again');
		let f = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		assert.equal(f.json.fetched, 2, f.text);
		const v1 = (await admin.expect(200, 'GET', `/api/v1/mail/mailboxes/${m.id}`)).json.uidvalidity;
		await dv.imap('DELETE "Again"');
		await sleep(1100); /* Dovecot's UIDVALIDITY is a time in seconds */
		await dv.imap('CREATE "Again"');
		dv.deliver(message(201), 'Again'); /* the same two, now with UIDs 1 and 2 of the new folder */
		dv.deliver(message(202), 'Again');
		dv.deliver(message(203), 'Again');
		f = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		assert.deepEqual([f.json.fetched, f.json.duplicates], [1, 2], f.text);
		const row = (await admin.expect(200, 'GET', `/api/v1/mail/mailboxes/${m.id}`)).json;
		assert.notEqual(row.uidvalidity, v1);
		assert.equal(row.last_uid, 3);
		assert.equal(Number(await sql(db, `SELECT COUNT(*) FROM mail_messages WHERE mailbox_id = ${m.id}`)), 3);
		await admin.expect(200, 'DELETE', `/api/v1/mail/mailboxes/${m.id}`);
	});

	it('a message the last passes started with and never got past is set aside', async () => {
		await dv.imap('CREATE "Poison"');
		const m = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ folder: 'Poison' }) })).json;
		await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`); /* learns the UIDVALIDITY */
		dv.deliver(message(301), 'Poison');
		dv.deliver(message(302), 'Poison');
		/* As if three passes had started with UID 1 and died on it (a crash leaves no other trace). */
		await sql(db, `UPDATE mailboxes SET stuck_uid = 1, stuck_count = 3 WHERE id = ${m.id}`);
		const f = await admin.expect(200, 'POST', `/api/v1/mail/mailboxes/${m.id}/fetch`);
		assert.deepEqual([f.json.fetched, f.json.failed], [1, 1], f.text);
		assert.match(f.json.error, /UID 1 set aside/);
		const fl = await flags(dv, 'Poison');
		assert.ok(fl.get(1).includes('\\Flagged'), `UID 1 flagged: ${fl.get(1)}`);
		assert.equal(Number(await sql(db, `SELECT COUNT(*) FROM mail_messages WHERE mailbox_id = ${m.id}`)), 1);
		await admin.expect(200, 'DELETE', `/api/v1/mail/mailboxes/${m.id}`);
	});

	it('a kefu killed in the middle of a backlog ends with every mail exactly once', async () => {
		const N = 150;
		await dv.imap('CREATE "Backlog"');
		for (const d of ['new', 'cur', 'tmp']) fs.mkdirSync(`${dv.maildir}/.Backlog/${d}`, { recursive: true });
		for (let i = 0; i < N; i++) dv.deliver(message(1000 + i, { subject: `Backlog ${i}` }), 'Backlog');
		await srv.stop();
		const args = ['--secret-key-file', keyFile, '--imap-fetch', '1', '--mail-timeout', '10'];
		srv = await startServer({ db, args });
		admin = srv.client('admin');
		await admin.login('admin', db.adminPassword);
		const m = (await admin.expect(201, 'POST', '/api/v1/mail/mailboxes', { body: box({ folder: 'Backlog' }) })).json;
		const stored = async () => Number(await sql(db, `SELECT COUNT(*) FROM mail_messages WHERE mailbox_id = ${m.id}`));
		for (let until = Date.now() + 30_000; (await stored()) < 20;) {
			assert.ok(Date.now() < until, `the fetcher stored ${await stored()} in 30 s\n${srv.logs(40)}`);
			await sleep(20);
		}
		await srv.stop('SIGKILL', { allowFailure: true });
		const mid = await stored();
		assert.ok(mid < N, `killed in the middle (${mid} of ${N} stored)`);
		srv = await startServer({ db, args });
		admin = srv.client('admin');
		await admin.login('admin', db.adminPassword);
		for (let until = Date.now() + 90_000; (await stored()) < N;) {
			assert.ok(Date.now() < until, `after the restart ${await stored()} of ${N} stored\n${srv.logs(40)}`);
			await sleep(200);
		}
		await sleep(500);
		assert.equal(await stored(), N);
		assert.equal(Number(await sql(db, `SELECT COUNT(DISTINCT rfc_message_id) FROM mail_messages WHERE mailbox_id = ${m.id}`)), N);
		assert.equal(Number(await sql(db, "SELECT COUNT(*) FROM tickets WHERE subject LIKE 'Backlog %'")), N, 'one ticket per mail');
		for (let until = Date.now() + 20_000; ;) {
			const unseen = await dv.imap('UID SEARCH UNSEEN', 'Backlog');
			if (/^\* SEARCH\s*$/m.test(unseen)) break;
			assert.ok(Date.now() < until, `every message ends \\Seen: ${unseen}`);
			await sleep(200);
		}
	});
});
