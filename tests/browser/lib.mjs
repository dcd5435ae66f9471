// lib.mjs - helpers for the browser tests (tests/browser/*.test.mjs).
//
// Starts a real `kefu serve` (tests/api/lib.mjs) on a fresh database
// filled by `kefu demo`, and Debian's chromium through playwright-core
// with the flags this machine needs (no network, no sandbox as root, a
// fresh profile in a temp dir).  KF_SCREENSHOTS=1 saves the pages a test
// names with shot() to docs/screenshots/.
//
// Environment: those of tests/api/lib.mjs, plus
//   KF_CHROMIUM      the browser (default /usr/bin/chromium)
//   KF_SCREENSHOTS   set: save screenshots

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { freshDb, kefuOk, ROOT, run, startServer } from '../api/lib.mjs';

export { cleanup, withLogs } from '../api/lib.mjs';
export const DEMO_PASSWORD = 'demo-password-1';
export const SHOTS = path.join(ROOT, 'docs', 'screenshots');

/** A served demo database: {srv, db, base}. customers: size of the demo. */
export async function demoServer({ customers = 40, setup } = {}) {
	const db = await freshDb();
	await kefuOk(['demo', '--customers', String(customers), '--seed', '1', '--db', db.url], { cwd: db.dir, timeout: 120_000 });
	if (setup) await setup(db);
	const srv = await startServer({ db });
	return { srv, db, base: `http://127.0.0.1:${srv.port}` };
}

/** Run SQL on a SQLite test database (test-only fast-forwards). */
export async function sqlite(db, sql) {
	const r = await run('sqlite3', [db.url, sql], { rawEnv: process.env });
	assert.equal(r.code, 0, `sqlite3 failed: ${r.stderr}`);
	return r.stdout.trim();
}

/** Chromium, headless; Playwright gives each launch a fresh temporary --user-data-dir. */
export async function launch() {
	return chromium.launch({
		executablePath: process.env.KF_CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--disable-quic',
		],
	});
}

/**
 * A new page in its own context (own cookies and storage) with the UI
 * language preset: lang 'zh-CN' or 'en'.  Page errors fail the test.
 */
export async function newPage(browser, { lang = 'en', width = 1280, height = 860, timezone = 'Asia/Shanghai' } = {}) {
	const ctx = await browser.newContext({ viewport: { width, height }, locale: lang, timezoneId: timezone });
	await ctx.addInitScript((l) => {
		if (!localStorage.getItem('kefu.lang')) localStorage.setItem('kefu.lang', l);
	}, lang);
	const page = await ctx.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	page.setDefaultTimeout(15_000);
	return page;
}

/** Sign in on the staff page as user. */
export async function signIn(page, base, user, password = DEMO_PASSWORD) {
	await page.goto(`${base}/#/inbox`);
	await page.fill('input[name=username]', user);
	await page.fill('input[name=password]', password);
	await page.click('form.login button[type=submit]');
	await page.waitForSelector('#top:not([hidden])');
}

/** Save a screenshot as docs/screenshots/<name>.png when KF_SCREENSHOTS is set. */
export async function shot(page, name, opts = {}) {
	if (!process.env.KF_SCREENSHOTS) return;
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.waitForTimeout(200);
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false, ...opts });
}

/** No uncaught errors happened on page. */
export function assertNoPageErrors(page) {
	assert.deepEqual(page.errors, [], 'uncaught page errors');
}
