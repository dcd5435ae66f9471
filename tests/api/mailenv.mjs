// mailenv.mjs - a throwaway Postfix + Dovecot for the mail tests.
//
// startMailEnv() starts a second Postfix instance (`postfix -c DIR`) and a
// Dovecot (`dovecot -c DIR/dovecot.conf`) from Debian's packages, with every
// path (configuration, queue, data, sockets, logs, mailboxes) under a fresh
// temporary directory, listening on 127.0.0.1 only, on free non-standard
// ports.  No file under /etc or /var is written; a system Postfix or Dovecot,
// running or not, does not matter.  Starts in well under a second.
//
//   Postfix smtpd   127.0.0.1:smtpPort        no auth; accepts mail for kefu.test and
//                                             customer.test only, relays nothing else;
//                                             nobody@customer.test is refused with 550 (at RCPT),
//                                             gone@customer.test bounces later (a DSN)
//   Postfix         127.0.0.1:submissionPort  STARTTLS required, then AUTH (SASL through
//                                             Dovecot: user "relay", password "pw-relay")
//   Postfix         127.0.0.1:smtpsPort       the same with implicit TLS
//   Dovecot imap    127.0.0.1:imapPort        plain (STARTTLS offered), users imapbox,
//                                             customer, relay; password "pw-<user>"
//   Dovecot imaps   127.0.0.1:imapsPort       implicit TLS (self-signed certificate, made
//                                             with openssl at start: certFile)
//   Dovecot lmtp    127.0.0.1:lmtpPort        what Postfix delivers to
//
// Routing (Postfix transport map):
//   imapbox@kefu.test     → LMTP → Dovecot user imapbox (kefu fetches it over IMAP)
//   postmaster@kefu.test  → discarded
//   any other @kefu.test  → the pipe transport "kefu" (support@, support+TOKEN@, ...):
//                           `kefu mail receive --url URL --token-file FILE` as user nobody
//                           (through DIR/kefu-pipe, which reads the URL from DIR/kefu.url
//                           so that setKefuUrl() can point it to a restarted server)
//   gone@customer.test    → accepted, then bounced by Postfix (a DSN to the sender: for kefu's
//                           mail, back through the pipe)
//   any @customer.test    → LMTP → Dovecot user customer: every customer address lands in
//                           the one mailbox, one copy per address, with
//                           Delivered-To: customer+ADDRESS-LOCAL-PART@customer.test
//                           (recipientOf(message) gives back the address)
//
// The returned object:
//   { dir, domain, supportAddress, imapAddress, customerDomain, host,
//     smtpPort, submissionPort, smtpsPort, imapPort, imapsPort, lmtpPort, certFile,
//     users: {name: password}, pipeLog,
//     send(opts), readMailbox(user, opts), waitForMail(user, pred, opts), waitFor(fn, opts),
//     queue(), flushQueue(), setKefuUrl(url), syncToken(text?), setPipeCommand(cmd|null),
//     logs(), stop() }
// and the module exports parseMessage(raw) (headers and body of a raw message) and
// recipientOf(message) (the envelope recipient of a message in the customer mailbox).
//
// Options of startMailEnv:
//   kefuUrl    the running kefu's base URL (http://127.0.0.1:PORT); setKefuUrl() later
//   tokenFile  a file holding the inbound token (any mode); setKefuUrl() and syncToken()
//              copy it where user nobody can read it, so after writing it later call
//              env.syncToken() (or set env.tokenFile first)
//   kefuBin    the kefu binary (default lib.mjs's BIN)
//   pipeCommand  instead of kefu, a command (an argv array, or a shell line getting the
//              envelope sender and recipient as $1 and $2) run for each message piped to
//              @kefu.test, the message on stdin, as user nobody; for tests of the environment
//
// If postfix or dovecot is not installed, startMailEnv() returns null and
// mailEnvMissing() says what is missing: tests call t.skip(why) then.
// On a test failure (process exit code not 0) the logs' tails are printed.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN } from './lib.mjs';

const DAEMON_DIR = '/usr/lib/postfix/sbin';
const NOBODY_UID = 65534;
const NOBODY_GID = 65534;

const envs = new Set();

process.on('exit', (code) => {
	const failed = code !== 0 || !!process.exitCode;
	for (const e of envs) {
		if (failed) {
			try {
				process.stderr.write(e.logs() + `(kept ${e.dir}; the next start removes it)\n`);
			} catch {
				/* best effort */
			}
		}
		e.kill();
		if (!failed && !process.env.KF_TEST_KEEP) fs.rmSync(e.dir, { recursive: true, force: true });
	}
});

// A test process ended by a signal runs no 'exit' handler: stop the servers, then exit as the
// signal would have (installed once the first environment starts).
let signalsHooked = false;
function hookSignals() {
	if (signalsHooked) return;
	signalsHooked = true;
	for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
		process.once(sig, () => {
			for (const e of envs) e.kill();
			process.exit(code);
		});
	}
}

/**
 * Environments a SIGKILLed test process left behind (its owner pid is gone):
 * stop their servers by their master pids and remove their directories.
 */
function reapOrphans() {
	let names = [];
	try {
		names = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('kefu-mail-'));
	} catch {
		return;
	}
	for (const n of names) {
		const dir = path.join(os.tmpdir(), n);
		let owner;
		try {
			owner = parseInt(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'), 10);
		} catch {
			continue; // not ours, or still being made
		}
		if (!(owner > 1) || alive(owner)) continue;
		for (const f of [path.join(dir, 'postfix-queue', 'pid', 'master.pid'), path.join(dir, 'dovecot-run', 'master.pid')]) {
			try {
				const pid = parseInt(fs.readFileSync(f, 'utf8'), 10);
				if (pid > 1) process.kill(pid, 'SIGKILL');
			} catch {
				/* not running */
			}
		}
		if (!process.env.KF_TEST_KEEP) fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** What is missing to run the mail environment, or '' when everything is there. */
export function mailEnvMissing() {
	const need = {
		postfix: '/usr/sbin/postfix',
		'postfix master': `${DAEMON_DIR}/master`,
		dovecot: '/usr/sbin/dovecot',
		'dovecot lmtp': '/usr/lib/dovecot/lmtp',
		'dovecot imap': '/usr/lib/dovecot/imap',
		swaks: '/usr/bin/swaks',
		openssl: '/usr/bin/openssl',
	};
	const missing = Object.entries(need)
		.filter(([, f]) => !fs.existsSync(f))
		.map(([n]) => n);
	if (missing.length) return `not installed: ${missing.join(', ')} (scripts/deps.sh installs them)`;
	if (process.getuid && process.getuid() !== 0) return 'the mail test servers need root (they run Debian\'s postfix and dovecot)';
	return '';
}

/** n free TCP ports on 127.0.0.1 (held open together so that they differ). */
async function freePorts(n) {
	const servers = [];
	try {
		for (let i = 0; i < n; i++) {
			const s = net.createServer();
			await new Promise((resolve, reject) => {
				s.once('error', reject);
				s.listen(0, '127.0.0.1', resolve);
			});
			servers.push(s);
		}
		return servers.map((s) => s.address().port);
	} finally {
		await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
	}
}

function sh(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeout || 30_000, env: opts.env || process.env, input: opts.input });
	if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
	return r;
}

/**
 * Run a command that leaves a daemon behind (dovecot, postfix start): its
 * output goes to a file, since the daemon keeps inherited pipes open and
 * spawnSync would wait for them.  Returns {status, output}.
 */
function startDaemon(cmd, args, logFile, timeout = 60_000) {
	const fd = fs.openSync(logFile, 'a');
	try {
		const r = spawnSync(cmd, args, { stdio: ['ignore', fd, fd], timeout });
		if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
		return { status: r.status, output: fs.readFileSync(logFile, 'utf8') };
	} finally {
		fs.closeSync(fd);
	}
}

function shOk(cmd, args, opts = {}) {
	const r = sh(cmd, args, opts);
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status} (signal ${r.signal})\n${r.stdout}\n${r.stderr}`);
	return r;
}

/** Run a command asynchronously: {code, stdout, stderr}. */
function runAsync(cmd, args, { input, timeout = 60_000, env = process.env } = {}) {
	return new Promise((resolve, reject) => {
		const p = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '',
			stderr = '';
		p.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		p.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		const timer = setTimeout(() => p.kill('SIGKILL'), timeout);
		p.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		p.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
		p.stdin.on('error', () => {});
		p.stdin.end(input === undefined ? '' : input);
	});
}

function tail(file, lines = 40) {
	let text;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		return `(no ${file})\n`;
	}
	const all = text.split('\n');
	return all.slice(Math.max(0, all.length - lines - 1)).join('\n');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Quote a string for a POSIX shell. */
function shq(s) {
	return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/** Split a raw message into {headers: [[name, value]...], header(name), headersAll(name), body}. */
export function parseMessage(raw) {
	const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : raw;
	const m = /\r?\n\r?\n/.exec(text);
	const head = m ? text.slice(0, m.index) : text;
	const body = m ? text.slice(m.index + m[0].length) : '';
	const headers = [];
	for (const line of head.split(/\r?\n/)) {
		if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1][1] += ' ' + line.trim();
		else {
			const i = line.indexOf(':');
			if (i > 0) headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
		}
	}
	const lower = (n) => n.toLowerCase();
	return {
		headers,
		body,
		raw: text,
		header(name) {
			const h = headers.find(([k]) => lower(k) === lower(name));
			return h ? h[1] : undefined;
		},
		headersAll(name) {
			return headers.filter(([k]) => lower(k) === lower(name)).map(([, v]) => v);
		},
	};
}

/** The envelope recipient of a message read from the customer mailbox (bob@customer.test). */
export function recipientOf(m) {
	const d = (m.header('delivered-to') || '').trim();
	const x = /^customer\+(.+)@customer\.test$/i.exec(d);
	return x ? `${x[1]}@customer.test` : d;
}

/**
 * Start the environment; resolves to the env object, or null when the
 * servers are not installed (see mailEnvMissing()).
 */
export async function startMailEnv(opts = {}) {
	if (mailEnvMissing()) return null;
	const env = new MailEnv(opts);
	envs.add(env);
	try {
		await env.start();
	} catch (e) {
		const logs = env.logs();
		env.kill();
		envs.delete(env);
		throw new Error(`${e.message}\n${logs}`);
	}
	return env;
}

class MailEnv {
	constructor({ kefuUrl = '', tokenFile = '', kefuBin = BIN, pipeCommand = null } = {}) {
		this.kefuUrl = kefuUrl;
		this.tokenFile = tokenFile;
		this.kefuBin = kefuBin;
		this.pipeCommand = pipeCommand;
		this.domain = 'kefu.test';
		this.customerDomain = 'customer.test';
		this.supportAddress = 'support@kefu.test';
		this.imapAddress = 'imapbox@kefu.test';
		this.host = '127.0.0.1';
		this.users = { imapbox: 'pw-imapbox', customer: 'pw-customer', relay: 'pw-relay' };
		this.stopped = false;
	}

	async start() {
		const t0 = Date.now();
		reapOrphans();
		hookSignals();
		// /tmp/kefu-mail-XXXX, traversable by nobody (the pipe) and dovecot's users.
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-mail-'));
		fs.chmodSync(this.dir, 0o755);
		fs.writeFileSync(path.join(this.dir, 'owner.pid'), `${process.pid}\n`);
		const d = this.dir;
		[this.smtpPort, this.submissionPort, this.smtpsPort, this.imapPort, this.imapsPort, this.lmtpPort] = await freePorts(6);

		this.pfDir = path.join(d, 'postfix');
		this.queueDir = path.join(d, 'postfix-queue');
		this.dataDir = path.join(d, 'postfix-data');
		this.dvDir = path.join(d, 'dovecot');
		this.runDir = path.join(d, 'dovecot-run');
		this.mailDir = path.join(d, 'mail');
		for (const x of [this.pfDir, this.dvDir, this.mailDir, this.queueDir]) fs.mkdirSync(x, { mode: 0o755 });
		// Postfix's data directory belongs to its mail_owner; makeQueue() makes the queue's
		// subdirectories.
		fs.mkdirSync(this.dataDir, { mode: 0o700 });
		fs.chownSync(this.dataDir, userId('postfix'), groupId('postfix'));
		this.maillog = path.join(d, 'postfix.log');
		this.dovecotLog = path.join(d, 'dovecot.log');
		this.pipeLog = path.join(d, 'pipe.log');
		this.certFile = path.join(d, 'cert.pem');
		this.keyFile = path.join(d, 'key.pem');
		this.authSocket = path.join(this.runDir, 'auth-postfix');
		for (const f of [this.pipeLog]) {
			fs.writeFileSync(f, '');
			fs.chownSync(f, NOBODY_UID, NOBODY_GID);
		}

		// A self-signed certificate for the TLS ports (EC: fast to make).
		shOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
			'-subj', '/CN=mail.kefu.test', '-addext', 'subjectAltName=DNS:mail.kefu.test,DNS:localhost,IP:127.0.0.1',
			'-keyout', this.keyFile, '-out', this.certFile]);
		fs.chmodSync(this.keyFile, 0o600);
		fs.chmodSync(this.certFile, 0o644);

		this.writePipe();
		this.writeDovecot();
		this.writePostfix();

		// Dovecot first: Postfix's LMTP and SASL point at it.
		this.timing = { prep: Date.now() - t0 };
		const dv = startDaemon('/usr/sbin/dovecot', ['-c', this.dovecotConf], path.join(this.dir, 'dovecot-start.out'));
		if (dv.status !== 0) throw new Error(`dovecot did not start (exit ${dv.status}):\n${dv.output}`);
		this.dovecotPidFile = path.join(this.runDir, 'master.pid');

		this.timing.dovecot = Date.now() - t0;
		// The queue directories, as postfix-files wants them; then `postfix start` with the
		// quick-start file skips its integrity checks (2.5 s of small processes here).
		this.makeQueue();
		const out = path.join(this.dir, 'postfix-start.out');
		fs.writeFileSync(path.join(this.queueDir, 'quick-start'), '');
		const pf = startDaemon('/usr/sbin/postfix', ['-c', this.pfDir, 'start'], out);
		if (pf.status !== 0) throw new Error(`postfix did not start (exit ${pf.status}):\n${pf.output}`);
		this.postfixPidFile = path.join(this.queueDir, 'pid', 'master.pid');
		this.timing.postfix = Date.now() - t0;

		// Both answer on their ports before we return.
		await this.waitFor(async () => (await banner(this.smtpPort)).startsWith('220') && (await banner(this.imapPort)).startsWith('* OK') && (await banner(this.lmtpPort)).startsWith('220'), {
			timeout: 20_000,
			what: 'postfix and dovecot to answer',
		});
		this.startMs = Date.now() - t0;
	}

	/** Postfix's queue directory tree (what `post-install create-missing` makes, from /etc/postfix/postfix-files). */
	makeQueue() {
		const owner = userId('postfix');
		const ownerGid = groupId('postfix');
		const postdrop = groupId('postdrop');
		const dirs = {
			pid: [0, 0, 0o755],
			maildrop: [owner, postdrop, 0o730],
			public: [owner, postdrop, 0o710],
		};
		for (const n of ['active', 'bounce', 'corrupt', 'defer', 'deferred', 'flush', 'hold', 'incoming', 'private', 'saved', 'trace']) dirs[n] = [owner, ownerGid, 0o700];
		for (const [n, [uid, gid, mode]] of Object.entries(dirs)) {
			const p = path.join(this.queueDir, n);
			fs.mkdirSync(p);
			fs.chownSync(p, uid, gid);
			fs.chmodSync(p, mode);
		}
	}

	/** The pipe script Postfix runs (as nobody) for mail to @kefu.test. */
	writePipe() {
		const d = this.dir;
		this.urlFile = path.join(d, 'kefu.url');
		this.pipeTokenFile = path.join(d, 'kefu.token');
		this.pipeCmdFile = path.join(d, 'pipe.cmd');
		this.pipeScript = path.join(d, 'kefu-pipe');
		this.setKefuUrl(this.kefuUrl);
		this.setPipeCommand(this.pipeCommand);
		// Postfix's pipe(8) gives no environment but a few variables; exit code
		// passes through (sysexits: 75 defers, 64/65/77/78 bounce).
		const script = `#!/bin/sh
# Run by Postfix's pipe transport "kefu" (user nobody) with one message on stdin.
d=${shq(d)}
if [ -s "$d/pipe.cmd" ]; then
	cmd=$(cat "$d/pipe.cmd")
	eval "$cmd"
	rc=$?
else
	${shq(this.kefuBin)} mail receive --url "$(cat "$d/kefu.url")" --token-file "$d/kefu.token" 2>>"$d/pipe.log"
	rc=$?
fi
echo "$(date -u +%FT%TZ) sender=$1 recipient=$2 exit=$rc" >>"$d/pipe.log"
exit $rc
`;
		fs.writeFileSync(this.pipeScript, script, { mode: 0o755 });
	}

	/** Point the pipe at another kefu (a restarted server has a new port). */
	setKefuUrl(url) {
		this.kefuUrl = url || '';
		fs.writeFileSync(this.urlFile, this.kefuUrl + '\n', { mode: 0o644 });
		fs.chmodSync(this.urlFile, 0o644);
		this.syncToken();
	}

	/** Copy the inbound token (tokenFile, or the given text) where user nobody can read it. */
	syncToken(text) {
		let tok = text;
		if (tok === undefined && this.tokenFile) {
			try {
				tok = fs.readFileSync(this.tokenFile, 'utf8');
			} catch {
				tok = '';
			}
		}
		if (tok === undefined) tok = '';
		this.tokenText = tok;
		fs.writeFileSync(this.pipeTokenFile, tok, { mode: 0o644 });
		fs.chmodSync(this.pipeTokenFile, 0o644);
	}

	/** A shell command line run instead of kefu for each piped message (null: kefu again). */
	setPipeCommand(cmd) {
		this.pipeCommand = cmd;
		const text = !cmd ? '' : Array.isArray(cmd) ? cmd.map(shq).join(' ') : cmd;
		fs.writeFileSync(this.pipeCmdFile, text, { mode: 0o644 });
		fs.chmodSync(this.pipeCmdFile, 0o644);
	}

	writeDovecot() {
		const d = this.dvDir;
		this.dovecotConf = path.join(d, 'dovecot.conf');
		const lines = [];
		for (const [user, pw] of Object.entries(this.users)) {
			const home = path.join(this.mailDir, user);
			fs.mkdirSync(home, { mode: 0o700 });
			fs.chownSync(home, NOBODY_UID, NOBODY_GID);
			lines.push(`${user}:{PLAIN}${pw}:${NOBODY_UID}:${NOBODY_GID}::${home}::`);
		}
		const users = path.join(d, 'users');
		fs.writeFileSync(users, lines.join('\n') + '\n', { mode: 0o640 });
		// The auth process runs as user dovecot (default_internal_user): the file must be readable by it.
		const dovecotGid = groupId('dovecot');
		fs.chownSync(users, 0, dovecotGid);
		const conf = `# throwaway Dovecot for kefu's mail tests (tests/api/mailenv.mjs)
instance_name = kefu-test-${path.basename(this.dir)}
base_dir = ${this.runDir}
state_dir = ${path.join(this.dir, 'dovecot-state')}
log_path = ${this.dovecotLog}
info_log_path = ${this.dovecotLog}
debug_log_path = ${this.dovecotLog}
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <${this.certFile}
ssl_key = <${this.keyFile}
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
mail_location = maildir:~/Maildir
mail_uid = ${NOBODY_UID}
mail_gid = ${NOBODY_GID}
first_valid_uid = 1
first_valid_gid = 1
lmtp_save_to_detail_mailbox = no
recipient_delimiter = +
postmaster_address = postmaster@kefu.test
login_greeting = kefu test imap ready
mail_fsync = never
shutdown_clients = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Ln ${users}
}
userdb {
  driver = passwd-file
  args = username_format=%Ln ${users}
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    auto = create
    special_use = \\Sent
  }
  mailbox Processed {
    auto = create
  }
  mailbox Trash {
    auto = create
    special_use = \\Trash
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${this.imapsPort}
    ssl = yes
  }
  process_min_avail = 1
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${this.lmtpPort}
  }
  unix_listener lmtp {
    mode = 0600
  }
}
service auth {
  unix_listener auth-postfix {
    path = auth-postfix
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@kefu.test
}
`;
		fs.writeFileSync(this.dovecotConf, conf);
	}

	writePostfix() {
		const d = this.pfDir;
		// Postfix re-reads a main.cf (or map) changed less than a second ago, in 300 ms
		// sleeps, until it is older: date them back.
		const past = new Date(Date.now() - 60_000);
		const w = (name, text) => {
			fs.writeFileSync(path.join(d, name), text);
			fs.utimesSync(path.join(d, name), past, past);
		};
		const lmtp = `lmtp:inet:127.0.0.1:${this.lmtpPort}`;
		// gone@customer.test is accepted, then bounced by Postfix itself: a delivery status
		// notification to the envelope sender (kefu's address: back through the pipe).
		w('transport', `imapbox@kefu.test ${lmtp}\npostmaster@kefu.test discard:\nkefu.test kefu:\n` +
			`gone@customer.test error:5.1.1 <gone@customer.test>: mailbox unavailable (user gone)\ncustomer.test ${lmtp}\n`);
		// Every customer address lands in Dovecot user "customer", one copy per address,
		// with the address kept as the detail: Delivered-To: customer+bob@customer.test.
		w('virtual', `if !/^customer\\+/\n/^gone@customer\\.test$/ gone@customer.test\n/^(.+)@customer\\.test$/ customer+\${1}@customer.test\nendif\n`);
		w('recipient_access', `nobody@customer.test 550 5.1.1 <nobody@customer.test>: Recipient address rejected: no such user\n`);
		w('relay_recipients', `@kefu.test x\n@customer.test x\n`);
		const main = `# throwaway Postfix for kefu's mail tests (tests/api/mailenv.mjs)
compatibility_level = 3.6
config_directory = ${d}
queue_directory = ${this.queueDir}
data_directory = ${this.dataDir}
maillog_file = ${this.maillog}
maillog_file_prefixes = ${this.dir}
syslog_name = postfix-kefu-test
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.kefu.test
mydomain = kefu.test
myorigin = kefu.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = kefu.test, customer.test
relay_recipient_maps = texthash:${d}/relay_recipients
transport_maps = texthash:${d}/transport
virtual_alias_maps = regexp:${d}/virtual
recipient_delimiter = +
default_transport = error:5.7.1 this test server delivers nothing outside kefu.test and customer.test
relay_transport = error:5.7.1 this test server relays nothing
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:${d}/recipient_access, reject_unauth_destination
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP kefu-test
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
biff = no
notify_classes =
message_size_limit = 52428800
mailbox_size_limit = 0
kefu_destination_recipient_limit = 1
kefu_destination_concurrency_limit = 8
lmtp_destination_concurrency_limit = 8
lmtp_destination_recipient_limit = 1
default_process_limit = 40
in_flow_delay = 0
queue_run_delay = 300s
minimal_backoff_time = 300s
maximal_backoff_time = 600s
smtpd_tls_cert_file = ${this.certFile}
smtpd_tls_key_file = ${this.keyFile}
smtpd_tls_security_level = may
smtpd_tls_loglevel = 0
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${this.authSocket}
smtpd_sasl_auth_enable = no
`;
		w('main.cf', main);
		const pipeArgv = `argv=${this.pipeScript} \${sender} \${original_recipient}`;
		const master = `# throwaway Postfix for kefu's mail tests: no chroot anywhere
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:${this.smtpPort} inet n - n - - smtpd
127.0.0.1:${this.submissionPort} inet n - n - - smtpd
  -o syslog_name=postfix-kefu-test/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:${this.smtpsPort} inet n - n - - smtpd
  -o syslog_name=postfix-kefu-test/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
kefu      unix  -       n       n       -       -       pipe
  flags=DORq user=nobody ${pipeArgv}
`;
		w('master.cf', master);
	}

	/**
	 * Send a message through Postfix with swaks.
	 * opts: from, to (string or array), cc (string or array; header only unless in to),
	 *   subject, body, headers ({name: value} or [[name, value]]), raw (a whole message:
	 *   string or Buffer; then subject/body/headers are not used), attach (file paths or
	 *   {filename, contentType, content}: a multipart/mixed message),
	 *   port: 'smtp' (default) | 'submission' | 'smtps', auth {user, password},
	 *   expect: 'ok' (default; throw unless accepted) | 'any'.
	 * Resolves to {code, stdout, stderr, accepted, queueId}.
	 */
	async send(opts = {}) {
		const to = [].concat(opts.to || this.supportAddress);
		const cc = [].concat(opts.cc || []);
		const from = opts.from === undefined ? 'alice@customer.test' : opts.from;
		const port = { smtp: this.smtpPort, submission: this.submissionPort, smtps: this.smtpsPort }[opts.port || 'smtp'];
		const args = ['--server', '127.0.0.1', '--port', String(port), '--helo', 'client.customer.test', '--from', from, '--to', to.concat(opts.bcc || []).concat(opts.envelopeCc === false ? [] : cc).join(','),
			'--timeout', '30', '--hide-informational'];
		if (opts.port === 'submission') args.push('--tls');
		if (opts.port === 'smtps') args.push('--tls-on-connect');
		if (opts.auth) args.push('--auth', 'LOGIN', '--auth-user', opts.auth.user, '--auth-password', opts.auth.password);
		if (opts.raw !== undefined) {
			const file = path.join(this.dir, `send-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.eml`);
			fs.writeFileSync(file, opts.raw);
			args.push('--data', `@${file}`);
		} else {
			const hdr = [];
			hdr.push(['From', opts.fromHeader || from]);
			hdr.push(['To', to.join(', ')]);
			if (cc.length) hdr.push(['Cc', cc.join(', ')]);
			hdr.push(['Subject', opts.subject || 'test message']);
			hdr.push(['Date', new Date().toUTCString().replace('GMT', '+0000')]);
			hdr.push(['Message-ID', opts.messageId || `<${Date.now()}.${Math.random().toString(36).slice(2)}@customer.test>`]);
			const extra = Array.isArray(opts.headers) ? opts.headers : Object.entries(opts.headers || {});
			for (const [k, v] of extra) {
				const i = hdr.findIndex(([n]) => n.toLowerCase() === k.toLowerCase());
				if (i >= 0) hdr.splice(i, 1);
				if (v !== null && v !== undefined) hdr.push([k, v]);
			}
			if (!hdr.some(([n]) => n.toLowerCase() === 'mime-version')) hdr.push(['MIME-Version', '1.0']);
			let body = opts.body === undefined ? 'hello' : opts.body;
			if (opts.attach) {
				// multipart/mixed: the text, then each attachment in base64.
				const boundary = `=_kefu_test_${Math.random().toString(36).slice(2)}`;
				hdr.push(['Content-Type', `multipart/mixed; boundary="${boundary}"`]);
				const parts = [`--${boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${body}\n`];
				for (const a of [].concat(opts.attach)) {
					const att = typeof a === 'string' ? { filename: path.basename(a), content: fs.readFileSync(a) } : a;
					const b64 = Buffer.from(att.content).toString('base64').replace(/.{76}/g, '$&\n');
					parts.push(`--${boundary}\nContent-Type: ${att.contentType || 'application/octet-stream'}; name="${att.filename}"\n` +
						`Content-Disposition: attachment; filename="${att.filename}"\nContent-Transfer-Encoding: base64\n\n${b64}\n`);
				}
				body = parts.join('') + `--${boundary}--`;
			} else if (!hdr.some(([n]) => n.toLowerCase() === 'content-type')) {
				hdr.push(['Content-Type', 'text/plain; charset=utf-8'], ['Content-Transfer-Encoding', '8bit']);
			}
			// swaks ends the data with a line break of its own.
			const text = hdr.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n\n' + body;
			const file = path.join(this.dir, `send-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.eml`);
			fs.writeFileSync(file, text);
			args.push('--data', `@${file}`);
		}
		const r = await runAsync('swaks', args, { timeout: 60_000 });
		const all = r.stdout + r.stderr;
		const m = /<[-~]\s+250 2\.0\.0 Ok: queued as (\w+)/.exec(all);
		const res = { code: r.code, stdout: r.stdout, stderr: r.stderr, accepted: r.code === 0 && !!m, queueId: m ? m[1] : null };
		if ((opts.expect || 'ok') === 'ok' && !res.accepted)
			throw new Error(`swaks ${args.join(' ')} exited ${r.code}:\n${all}\n${this.logs()}`);
		return res;
	}

	/**
	 * The messages in a Dovecot user's INBOX (Maildir new/ and cur/), oldest first.
	 * opts.raw: Buffers instead of strings (latin1 keeps every byte either way).
	 */
	readMailbox(user, opts = {}) {
		const md = path.join(this.mailDir, user, 'Maildir');
		const files = [];
		for (const sub of ['cur', 'new']) {
			let names = [];
			try {
				names = fs.readdirSync(path.join(md, sub));
			} catch {
				continue;
			}
			for (const n of names) files.push(path.join(md, sub, n));
		}
		// Maildir names start with the delivery time (seconds.microseconds-ish): sort by mtime then name.
		const stat = files.map((f) => ({ f, t: fs.statSync(f).mtimeMs }));
		stat.sort((a, b) => a.t - b.t || (a.f < b.f ? -1 : 1));
		return stat.map(({ f }) => (opts.raw ? fs.readFileSync(f) : fs.readFileSync(f, 'latin1')));
	}

	/** Wait until user's mailbox has a message for which pred(parsed, raw) is true; returns the parsed message. */
	async waitForMail(user, pred = () => true, opts = {}) {
		return this.waitFor(
			() => {
				for (const raw of this.readMailbox(user)) {
					const m = parseMessage(raw);
					if (pred(m, raw)) return m;
				}
				return null;
			},
			{ timeout: 30_000, what: `a message in mailbox ${user}`, ...opts },
		);
	}

	/** Poll fn (may be async) until it returns a truthy value; throws with the logs after opts.timeout ms. */
	async waitFor(fn, { timeout = 30_000, interval = 100, what = 'a condition' } = {}) {
		const end = Date.now() + timeout;
		let lastErr;
		for (;;) {
			try {
				const v = await fn();
				if (v) return v;
			} catch (e) {
				lastErr = e;
			}
			if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}${lastErr ? ` (last error: ${lastErr.message})` : ''}\n${this.logs()}`);
			await sleep(interval);
		}
	}

	/** Postfix's queue: [{queue_id, queue_name, sender, recipients: [{address, delay_reason}]}]. */
	queue() {
		const r = shOk('/usr/sbin/postqueue', ['-c', this.pfDir, '-j']);
		return r.stdout
			.split('\n')
			.filter((l) => l.trim())
			.map((l) => JSON.parse(l));
	}

	/** Deliver what waits in the queue now (postqueue -f). */
	flushQueue() {
		shOk('/usr/sbin/postqueue', ['-c', this.pfDir, '-f']);
	}

	/** The tails of the Postfix, Dovecot and pipe logs. */
	logs(lines = 40) {
		if (!this.dir) return '';
		return [
			`--- ${this.maillog} (tail) ---`,
			tail(this.maillog, lines),
			`--- ${this.dovecotLog} (tail) ---`,
			tail(this.dovecotLog, lines),
			`--- ${this.pipeLog} (tail) ---`,
			tail(this.pipeLog, lines),
			'',
		].join('\n');
	}

	/** Stop both servers (synchronously, by their master pids) without waiting. */
	kill() {
		for (const f of [this.postfixPidFile, this.dovecotPidFile]) {
			if (!f) continue;
			try {
				const pid = parseInt(fs.readFileSync(f, 'utf8'), 10);
				if (pid > 1) process.kill(pid, 'SIGTERM');
			} catch {
				/* not running */
			}
		}
	}

	/** Stop Postfix and Dovecot, wait until they are gone, remove the directory (unless KF_TEST_KEEP). */
	async stop() {
		if (this.stopped) return;
		this.stopped = true;
		envs.delete(this);
		const pids = [];
		for (const f of [this.postfixPidFile, this.dovecotPidFile]) {
			try {
				const pid = parseInt(fs.readFileSync(f, 'utf8'), 10);
				if (pid > 1) pids.push(pid);
			} catch {
				/* not running */
			}
		}
		for (const pid of pids) {
			try {
				process.kill(pid, 'SIGTERM');
			} catch {
				/* gone */
			}
		}
		const end = Date.now() + 10_000;
		while (pids.some(alive) && Date.now() < end) await sleep(50);
		for (const pid of pids.filter(alive)) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				/* gone */
			}
		}
		if (!process.env.KF_TEST_KEEP) fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function userId(name) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(name + ':'));
	if (!line) throw new Error(`no user ${name}`);
	return parseInt(line.split(':')[2], 10);
}

function groupId(name) {
	const line = fs
		.readFileSync('/etc/group', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(name + ':'));
	if (!line) throw new Error(`no group ${name}`);
	return parseInt(line.split(':')[2], 10);
}

/** The first line a server sends on connect ('' on error). */
function banner(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		let buf = '';
		const done = (v) => {
			s.destroy();
			resolve(v);
		};
		s.setTimeout(3000, () => done(''));
		s.on('error', () => done(''));
		s.on('data', (d) => {
			buf += d.toString('latin1');
			if (buf.includes('\n')) done(buf);
		});
	});
}
