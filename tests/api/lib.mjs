// lib.mjs - helpers for the API tests (tests/api/*.test.mjs).
//
// Starts kefu servers on 127.0.0.1 with --port 0 on a fresh database,
// talks HTTP to them with a small client (cookie jar, CSRF header, Bearer
// token), runs the CLI, and checks that no process was stopped by a
// sanitizer.  Node built-ins only.
//
// Environment:
//   KF_TEST_BIN        the kefu binary (default build/asan/kefu)
//   KF_TEST_BACKEND    sqlite (default) or postgres
//   KF_TEST_PG_URL  for postgres: a database the tests may wipe (scripts/with-pg.sh sets it)
//   KF_TEST_KEEP    set: keep the temporary directories (databases, backups)
//
// kefu reads every KEFU_* variable as a setting and refuses unknown ones,
// so the KF_TEST_BIN / KF_TEST_BACKEND variables of this harness (and any other
// KEFU_* of the caller) are removed from the environment of every kefu
// process started here; a test passes settings explicitly instead.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const BIN = path.resolve(ROOT, process.env.KF_TEST_BIN || 'build/asan/kefu');
export const BACKEND = process.env.KF_TEST_BACKEND || 'sqlite';
export const PG_URL = process.env.KF_TEST_PG_URL || '';

if (BACKEND !== 'sqlite' && BACKEND !== 'postgres')
	throw new Error(`KF_TEST_BACKEND must be sqlite or postgres, not ${BACKEND}`);
if (BACKEND === 'postgres' && !PG_URL)
	throw new Error('KF_TEST_BACKEND=postgres needs KF_TEST_PG_URL (run the tests under scripts/with-pg.sh)');

const SANITIZER_RE = /ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error:|SUMMARY: (Address|Leak|Undefined)/;

// Every process started here, so that cleanup() (an `after` hook) and the
// exit handler can kill what a failed test left running.
const live = new Set();
const tmpDirs = new Set();

process.on('exit', () => {
	for (const p of live) {
		try {
			p.kill('SIGKILL');
		} catch {
			/* already gone */
		}
	}
});

/** The environment for a kefu process: ours minus KEFU_*, plus extra. */
export function kefuEnv(extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KEFU_')) env[k] = v;
	// Sanitizer reports must reach stderr and end the process with a non-zero code.
	env.ASAN_OPTIONS = env.ASAN_OPTIONS || 'abort_on_error=0:halt_on_error=1';
	env.UBSAN_OPTIONS = env.UBSAN_OPTIONS || 'print_stacktrace=1:halt_on_error=1';
	return Object.assign(env, extra);
}

export function tmpDir(prefix = 'kefu-api-') {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	tmpDirs.add(d);
	return d;
}

/** Fail if a sanitizer reported anything in text (a process's stderr). */
export function assertNoSanitizer(text, what = 'kefu') {
	const m = SANITIZER_RE.exec(text);
	if (m) {
		const at = Math.max(0, m.index - 200);
		assert.fail(`${what}: sanitizer report in stderr:\n${text.slice(at, at + 6000)}`);
	}
}

/**
 * Run a command to completion: {code, signal, stdout, stderr}.
 * opts: input (stdin text), env (extra variables), cwd, timeout (ms; then SIGKILL and fail).
 */
export function run(cmd, args, opts = {}) {
	const { input, env = {}, cwd = os.tmpdir(), timeout = 60_000, rawEnv } = opts;
	return new Promise((resolve, reject) => {
		const p = spawn(cmd, args, { cwd, env: rawEnv || kefuEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
		live.add(p);
		let stdout = '',
			stderr = '',
			timedOut = false;
		p.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		p.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			timedOut = true;
			p.kill('SIGKILL');
		}, timeout);
		p.on('error', (e) => {
			clearTimeout(timer);
			live.delete(p);
			reject(e);
		});
		p.on('close', (code, signal) => {
			clearTimeout(timer);
			live.delete(p);
			if (timedOut)
				return reject(new Error(`${cmd} ${args.join(' ')}: still running after ${timeout} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
			resolve({ code, signal, stdout, stderr });
		});
		p.stdin.on('error', () => {});
		if (input !== undefined) p.stdin.end(input);
		else p.stdin.end();
	});
}

/** Run the kefu CLI: run(BIN, args, opts). */
export function kefu(args, opts = {}) {
	return run(BIN, args, opts);
}

/** kefu CLI that must succeed (exit 0, no sanitizer report); returns the result. */
export async function kefuOk(args, opts = {}) {
	const r = await kefu(args, opts);
	assertNoSanitizer(r.stderr, `kefu ${args[0]}`);
	assert.equal(r.code, 0, `kefu ${args.join(' ')} exited ${r.code} (signal ${r.signal})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
	return r;
}

/**
 * Empty the shared PostgreSQL test database (every schema but the system
 * ones).  Sessions a previous server left behind go first: a server killed
 * with SIGKILL (the crash tests) leaves its backend running its last
 * statement, and dropping the tables under it can deadlock with it.
 */
export async function resetPostgres() {
	const sql = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend';
		DO $$ DECLARE s text; BEGIN
		FOR s IN SELECT nspname FROM pg_namespace
			WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
			EXECUTE format('DROP SCHEMA %I CASCADE', s);
		END LOOP; END $$;
		CREATE SCHEMA public;`;
	const r = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', PG_URL, '-c', sql], { rawEnv: process.env });
	assert.equal(r.code, 0, `resetting ${PG_URL} failed:\n${r.stderr}`);
}

/**
 * A fresh, initialised database for this backend:
 * {url, dir, adminPassword, initStdout}.  dir is a temp dir in both cases.
 */
export async function freshDb() {
	const dir = tmpDir();
	let url;
	if (BACKEND === 'sqlite') {
		url = path.join(dir, 'kefu.db');
	} else {
		await resetPostgres();
		url = PG_URL;
	}
	const r = await kefuOk(['init', '--db', url], { cwd: dir });
	const m = /admin password: (\S+)/.exec(r.stdout);
	assert.ok(m, `kefu init printed no admin password:\n${r.stdout}`);
	return { url, dir, adminPassword: m[1], initStdout: r.stdout };
}

/**
 * Start `kefu serve` on 127.0.0.1:0.  opts.db: a database from freshDb()
 * (default: a new one); opts.args: more flags; opts.env: more variables.
 * Resolves once "listening on" was printed; returns a Server.
 */
export async function startServer(opts = {}) {
	const db = opts.db || (await freshDb());
	const args = ['serve', '--db', db.url, '--addr', '127.0.0.1', '--port', '0', ...(opts.args || [])];
	const srv = new Server(db, args, opts.env || {});
	await srv.ready;
	return srv;
}

export class Server {
	constructor(db, args, env) {
		this.db = db;
		this.args = args;
		this.stdoutText = '';
		this.stderrText = '';
		this.port = 0;
		this.proc = spawn(BIN, args, { cwd: db.dir, env: kefuEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
		live.add(this.proc);
		this.exited = new Promise((resolve) => {
			this.proc.on('close', (code, signal) => {
				live.delete(this.proc);
				this.exitCode = code;
				this.exitSignal = signal;
				resolve({ code, signal });
			});
		});
		this.proc.stderr.setEncoding('utf8').on('data', (d) => (this.stderrText += d));
		this.ready = new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.proc.kill('SIGKILL');
				reject(new Error(`kefu serve printed no "listening on" line in 30 s\n${this.logs()}`));
			}, 30_000);
			this.proc.stdout.setEncoding('utf8').on('data', (d) => {
				this.stdoutText += d;
				const m = /listening on http:\/\/([^\s/]+):(\d+)\//.exec(this.stdoutText);
				if (m && !this.port) {
					clearTimeout(timer);
					this.host = m[1];
					this.port = Number(m[2]);
					this.base = `http://127.0.0.1:${this.port}`;
					resolve(this);
				}
			});
			this.proc.on('error', (e) => {
				clearTimeout(timer);
				reject(e);
			});
			this.exited.then(({ code, signal }) => {
				clearTimeout(timer);
				if (!this.port)
					reject(new Error(`kefu serve exited (code ${code}, signal ${signal}) before listening\n${this.logs()}`));
			});
		});
		this.ready.catch(() => {});
	}

	get running() {
		return this.exitCode === undefined && this.exitSignal === undefined;
	}

	/** stdout and stderr, for a failure message. */
	logs(tail = 0) {
		let err = this.stderrText;
		if (tail) err = err.split('\n').slice(-tail).join('\n');
		return `--- kefu ${this.args.join(' ')}\n--- stdout:\n${this.stdoutText}\n--- stderr${tail ? ` (last ${tail} lines)` : ''}:\n${err}`;
	}

	/** stderr lines that parse as JSON objects (the structured log). */
	logLines() {
		const out = [];
		for (const line of this.stderrText.split('\n')) {
			if (!line.startsWith('{')) continue;
			try {
				out.push(JSON.parse(line));
			} catch {
				/* not a log line */
			}
		}
		return out;
	}

	/** Fail if a sanitizer reported anything so far. */
	checkSanitizer() {
		assertNoSanitizer(this.stderrText, `kefu serve (port ${this.port})`);
	}

	/**
	 * Send signal, wait for the exit, return the exit code.  Fails when the
	 * process does not exit within timeout ms (it is then killed), when a
	 * sanitizer reported anything, or (unless opts.allowFailure) when the
	 * exit code is not 0 or the process died of a signal.
	 */
	async stop(signal = 'SIGTERM', opts = {}) {
		const { timeout = 20_000, allowFailure = false } = opts;
		if (this.running && !this.signalled) this.signal(signal);
		let timer;
		const res = await Promise.race([
			this.exited,
			new Promise((r) => (timer = setTimeout(() => r(null), timeout))),
		]);
		clearTimeout(timer);
		if (!res) {
			this.proc.kill('SIGKILL');
			await this.exited;
			assert.fail(`kefu did not exit within ${timeout} ms of ${signal}\n${this.logs(80)}`);
		}
		this.checkSanitizer();
		if (!allowFailure)
			assert.ok(res.code === 0 && !res.signal,
				`kefu exited with code ${res.code} signal ${res.signal} after ${signal}\n${this.logs(80)}`);
		return res.code;
	}

	/** Send a signal now (once); stop() then only waits for the exit. */
	signal(sig = 'SIGTERM') {
		this.signalled = sig;
		this.signalledAt = Date.now();
		this.proc.kill(sig);
	}

	/** Kill without checks (cleanup). */
	async kill() {
		if (this.running) {
			this.proc.kill('SIGKILL');
			await this.exited;
		}
	}

	client(name) {
		return new Client(this, name);
	}
}

/** Kill every process still running and remove temp dirs: use as an `after` hook. */
export async function cleanup() {
	const waits = [];
	for (const p of live) {
		waits.push(new Promise((r) => p.once('close', r)));
		try {
			p.kill('SIGKILL');
		} catch {
			/* gone */
		}
	}
	await Promise.all(waits);
	if (!process.env.KF_TEST_KEEP)
		for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
	tmpDirs.clear();
}

/**
 * A test wrapper that, when the test fails, adds the tail of the server's
 * stderr to the report and fails if a sanitizer reported anything.
 *   const it = withLogs(() => srv);  it('name', async (t) => {...});
 */
export function withLogs(getServers, defaults = {}) {
	const f = (name, opts, fn) => {
		if (typeof opts === 'function') [fn, opts] = [opts, {}];
		return test(name, { timeout: 60_000, ...defaults, ...opts }, async (t) => {
			try {
				await fn(t);
			} catch (e) {
				for (const s of [].concat(getServers() || []))
					if (s) for (const line of s.logs(60).split('\n')) t.diagnostic(line);
				throw e;
			}
			for (const s of [].concat(getServers() || [])) if (s) s.checkSanitizer();
		});
	};
	return f;
}

// ---- HTTP ---------------------------------------------------------------

const noKeepAlive = new http.Agent({ keepAlive: false, maxSockets: 64 });

/**
 * One HTTP request: {status, headers, text, json, raw}.  body: string,
 * Buffer or undefined.  headers: plain object (an array value sends the
 * header several times).  Rejects on connection errors and on a body cut
 * short (so a truncated answer can never pass as an answer).
 */
export function httpRequest(base, method, urlPath, { body, headers = {}, agent = noKeepAlive, timeout = 30_000 } = {}) {
	const u = new URL(urlPath, base);
	return new Promise((resolve, reject) => {
		const h = { ...headers };
		if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-length'))
			h['Content-Length'] = Buffer.byteLength(body);
		const req = http.request(
			{ host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: h, agent, timeout },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('error', reject);
				res.on('aborted', () => reject(Object.assign(new Error('response aborted mid-body'), { code: 'ETRUNCATED' })));
				res.on('end', () => {
					if (!res.complete)
						return reject(Object.assign(new Error('response ended before its body was complete'), { code: 'ETRUNCATED' }));
					const raw = Buffer.concat(chunks);
					const text = raw.toString('utf8');
					let json;
					if (/json/.test(res.headers['content-type'] || '') && text.length) {
						try {
							json = JSON.parse(text);
						} catch (e) {
							return reject(Object.assign(new Error(`bad JSON in ${res.statusCode} answer: ${e.message}: ${text.slice(0, 300)}`), { code: 'EBADJSON' }));
						}
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json, raw });
				});
			},
		);
		req.on('timeout', () => req.destroy(Object.assign(new Error(`${method} ${urlPath}: no answer in ${timeout} ms`), { code: 'ETIMEDOUT' })));
		req.on('error', reject);
		if (body !== undefined) req.end(body);
		else req.end();
	});
}

/** Parse Set-Cookie headers into [{name, value, attrs: {lowercased: value|true}}]. */
export function parseSetCookies(res) {
	const list = [].concat(res.headers['set-cookie'] || []);
	return list.map((line) => {
		const [nv, ...rest] = line.split(';').map((s) => s.trim());
		const eq = nv.indexOf('=');
		const attrs = {};
		for (const a of rest) {
			const i = a.indexOf('=');
			if (i < 0) attrs[a.toLowerCase()] = true;
			else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
		}
		return { name: nv.slice(0, eq), value: nv.slice(eq + 1), attrs, line };
	});
}

/** A user agent: cookie jar, CSRF token, optional Bearer token. */
export class Client {
	constructor(server, name = 'client') {
		this.server = server;
		this.name = name;
		this.cookies = new Map();
		this.csrf = null;
		this.bearer = null;
		this.lang = null;
	}

	get base() {
		return this.server.base;
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	/**
	 * A request with this client's credentials.  opts: body (object -> JSON,
	 * string/Buffer sent as is), headers, csrf (false: send none; a string:
	 * send that), auth (false: no Bearer), cookies (false: no cookies).
	 */
	async api(method, urlPath, opts = {}) {
		const headers = { Accept: 'application/json' };
		let body = opts.body;
		if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
			body = JSON.stringify(body);
			headers['Content-Type'] = 'application/json';
		} else if (body !== undefined) {
			headers['Content-Type'] = 'application/json';
		}
		if (opts.cookies !== false && this.cookies.size) headers.Cookie = this.cookieHeader();
		if (opts.auth !== false && this.bearer) headers.Authorization = `Bearer ${this.bearer}`;
		const write = !['GET', 'HEAD', 'OPTIONS'].includes(method);
		if (typeof opts.csrf === 'string') headers['X-CSRF-Token'] = opts.csrf;
		else if (write && opts.csrf !== false && this.csrf) headers['X-CSRF-Token'] = this.csrf;
		if (this.lang) headers['Accept-Language'] = this.lang;
		Object.assign(headers, opts.headers || {});
		for (const [k, v] of Object.entries(headers)) if (v === null) delete headers[k];
		const res = await httpRequest(this.base, method, urlPath, { body, headers, agent: opts.agent });
		this.absorb(res);
		return res;
	}

	/** Keep the cookies a response sets (Max-Age=0 or empty value deletes). */
	absorb(res) {
		for (const c of parseSetCookies(res)) {
			if (c.value === '' || c.attrs['max-age'] === '0') this.cookies.delete(c.name);
			else this.cookies.set(c.name, c.value);
		}
	}

	/** Staff sign-in; must succeed; keeps the session cookie and CSRF token. */
	async login(username, password) {
		const res = await this.api('POST', '/api/v1/auth/login', { body: { username, password } });
		assert.equal(res.status, 200, `login as ${username}: ${res.status} ${res.text}`);
		assert.ok(res.json.csrf_token, `login gave no csrf_token: ${res.text}`);
		this.csrf = res.json.csrf_token;
		return res;
	}

	/** Portal (customer) sign-in; must succeed. */
	async portalLogin(login, password) {
		const res = await this.api('POST', '/api/v1/portal/login', { body: { login, password } });
		assert.equal(res.status, 200, `portal login as ${login}: ${res.status} ${res.text}`);
		this.csrf = res.json.csrf_token;
		return res;
	}

	/** Like api() but asserts the status; returns the response. */
	async expect(status, method, urlPath, opts = {}) {
		const res = await this.api(method, urlPath, opts);
		assert.equal(res.status, status, `${this.name}: ${method} ${urlPath} -> ${res.status}, want ${status}: ${res.text}`);
		return res;
	}
}

/** Assert res is the error shape with this status and code; returns the error object. */
export function assertError(res, status, code, what = '') {
	assert.equal(res.status, status, `${what}: status ${res.status}, want ${status}: ${res.text}`);
	assert.ok(res.json && typeof res.json.error === 'object' && res.json.error,
		`${what}: not the error shape {"error":{...}}: ${res.text}`);
	const e = res.json.error;
	assert.equal(typeof e.message, 'string', `${what}: error.message is not a string: ${res.text}`);
	assert.ok(e.message.length > 0, `${what}: empty error.message`);
	assert.ok('field' in e, `${what}: error has no "field" key: ${res.text}`);
	if (code) assert.equal(e.code, code, `${what}: error code ${e.code}, want ${code}: ${res.text}`);
	return e;
}

/**
 * Send raw bytes over one TCP connection: steps is a list of strings
 * (written) and numbers (ms to wait).  Resolves with everything the server
 * sent until it closed the connection (or idleMs passed with the
 * connection open after the last step).
 */
export function rawExchange(port, steps, { idleMs = 5000 } = {}) {
	return new Promise((resolve, reject) => {
		const sock = net.connect({ host: '127.0.0.1', port });
		const chunks = [];
		const errors = [];
		let done = false,
			idleTimer = null;
		const finish = () => {
			if (done) return;
			done = true;
			clearTimeout(idleTimer);
			sock.destroy();
			resolve({ text: Buffer.concat(chunks).toString('latin1'), errors });
		};
		sock.on('data', (d) => chunks.push(d));
		sock.on('error', (e) => errors.push(e.code || e.message));
		sock.on('close', finish);
		sock.on('connect', async () => {
			try {
				for (const s of steps) {
					if (typeof s === 'number') await new Promise((r) => setTimeout(r, s));
					else if (!sock.destroyed && sock.writable) sock.write(s);
				}
			} catch (e) {
				errors.push(e.message);
			}
			idleTimer = setTimeout(finish, idleMs);
		});
		sock.setTimeout(60_000, () => reject(new Error('raw exchange: no close in 60 s')));
	});
}

/** The flags that start a server whose clock the tests set (POST /api/v1/test/...). */
export const TEST_CLOCK_ARGS = ['--test-clock', '1'];

/**
 * Test clock (server started with TEST_CLOCK_ARGS; admin is a signed-in
 * admin Client): set now to utcSeconds; returns {now, now_ms}.
 */
export async function setClock(admin, utcSeconds) {
	return (await admin.expect(200, 'POST', '/api/v1/test/clock', { body: { now: utcSeconds } })).json;
}

/** Test clock: move now forward by whole seconds; returns {now, now_ms}. */
export async function advanceClock(admin, seconds) {
	return (await admin.expect(200, 'POST', '/api/v1/test/clock', { body: { advance: seconds } })).json;
}

/** Test clock: run the scheduler's pass at the clock's now; returns {now, now_ms, ran: [{kind, ref_id}]}. */
export async function tick(admin) {
	return (await admin.expect(200, 'POST', '/api/v1/test/tick')).json;
}

export function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** A name unique within this process run. */
let seq = 0;
export function uniq(prefix) {
	seq += 1;
	return `${prefix}${process.pid % 10000}x${seq}`;
}
