// mail.test.mjs - the e-mail channel in the workspace (issue 14), in a real
// browser against a real kefu: mail delivered through POST /mail/inbound
// with the inbound token; an agent sees the mail ticket's From/To/Cc, folds
// and unfolds the quoted history, opens the sanitised HTML in its sandboxed
// frame, adds a Cc (a bad address refused next to the field, text kept) and
// removes one, in English and in Chinese; an admin saves the relay settings
// (the password is never echoed), tests the relay (a failed stage shown),
// generates an inbound token, edits a template (an unknown placeholder
// refused under the body) and previews it, adds a mailbox whose test
// connection fails at a stage, edits it (a bad interval next to its
// field), fetches it (the error shown) and deletes it; a concurrent settings change (412) keeps
// the admin's edit and takes the other; an analyst sees masked addresses and neither
// the original nor the Cc form; an agent's reply shows its delivery status
// (deferred: the relay is down) and is retried; its bounce (a Postfix DSN)
// marks it bounced, the composer warns, the admin lists the address and
// removes it; the admin section in Chinese.  Then with a throwaway Postfix
// and Dovecot (tests/api/mailenv.mjs; skipped, saying why, when they are
// not installed): the admin's relay and mailbox tests connect (Chinese); a
// customer's mail through Postfix and `kefu mail receive` opens a ticket,
// the agent's reply shows "Sent" and reaches the customer's mailbox with
// the Cc and the reply token.  Plus the pure helpers of
// pages/ticket_mail.js and pages/admin_mail.js in node.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/mail.test.mjs
//   (also on PostgreSQL: scripts/with-pg.sh env KF_TEST_BACKEND=postgres …)

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it as plainIt } from 'node:test';

import { useStrings } from '../../web/js/i18n.js';
import { addrText, canRetry, deliveryStatus, mailTarget, pollDelay, skippedText, splitQuoted, validAddress } from '../../web/js/pages/ticket_mail.js';
import { fetchText, mailboxBody, receiveLines, settingsPatch, testText } from '../../web/js/pages/admin_mail.js';
import { freshDb, kefuOk, startServer, tmpDir } from '../api/lib.mjs';
import { mailEnvMissing, recipientOf, startMailEnv } from '../api/mailenv.mjs';
import { assertNoPageErrors, cleanup, DEMO_PASSWORD, launch, newPage, signIn, withLogs } from './lib.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/i18n/en.json'), 'utf8'));

let env, browser, admin, agent, token, kettle;
after(async () => {
	await browser?.close();
	await cleanup();
});

/**
 * A served demo database like lib.mjs's demoServer, with a secret key file
 * so that passwords can be stored on PostgreSQL too (SQLite would make
 * DB.key itself).
 */
async function mailServer(env = {}) {
	const db = await freshDb();
	await kefuOk(['demo', '--customers', '10', '--seed', '1', '--db', db.url], { cwd: db.dir, timeout: 120_000 });
	const keyFile = path.join(tmpDir('kefu-mailweb-'), 'secret.key');
	fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
	const srv = await startServer({ db, args: ['--secret-key-file', keyFile], env });
	return { srv, db, base: `http://127.0.0.1:${srv.port}` };
}

/** A port nothing listens on (bound, then closed). */
function closedPort() {
	return new Promise((resolve) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/** A raw RFC 5322 message (CRLF lines); with html, multipart/alternative. */
function rawMail({ from, to = 'support@kefu.test', cc, subject, id, body, html }) {
	const head = [`From: ${from}`, `To: ${to}`, cc ? `Cc: ${cc}` : null, `Subject: ${subject}`, `Message-ID: <${id}@customer.test>`, 'Date: Tue, 01 Dec 2026 10:00:00 +0800', 'MIME-Version: 1.0'];
	const plain = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'];
	if (!html) return [...head.filter(Boolean), ...plain, '', ...body.split('\n')].join('\r\n');
	const b = 'kefu-test-boundary';
	return [
		...head.filter(Boolean),
		`Content-Type: multipart/alternative; boundary="${b}"`,
		'',
		`--${b}`,
		...plain,
		'',
		...body.split('\n'),
		`--${b}`,
		'Content-Type: text/html; charset=utf-8',
		'Content-Transfer-Encoding: 8bit',
		'',
		html,
		`--${b}--`,
		'',
	].join('\r\n');
}

/** Deliver raw through the inbound endpoint with the inbound token; the ticket id. */
async function deliver(raw) {
	const res = await admin.api('POST', '/api/v1/mail/inbound', {
		body: Buffer.from(raw, 'utf8'),
		headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${token}` },
		cookies: false,
		csrf: false,
	});
	assert.ok(res.status === 200 || res.status === 201, `inbound: ${res.status} ${res.text}`);
	assert.ok(res.json.ticket_id, `inbound gave no ticket: ${res.text}`);
	return res.json.ticket_id;
}

/** The quoted text is folded: shown part visible, quoted hidden; the toggle unfolds and folds it again. */
async function foldUnfold(page, { show, hide, quoted }) {
	const toggle = page.locator('.mail-body .quote-toggle').first();
	await toggle.waitFor();
	assert.equal((await toggle.textContent()).trim(), show);
	assert.doesNotMatch(await page.locator('.mail-body > .body').first().textContent(), quoted);
	const q = page.locator('.mail-body .quoted').first();
	assert.equal(await q.isVisible(), false);
	await toggle.click();
	assert.equal(await q.isVisible(), true);
	assert.match(await q.textContent(), quoted);
	assert.equal((await toggle.textContent()).trim(), hide);
	assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
	await toggle.click();
	assert.equal(await q.isVisible(), false);
}

/** Add a Cc through the panel (a bad address first: refused next to the field, text kept), then remove one. */
async function addAndRemoveCc(page, id, { add, name, remove, badMessage }) {
	const form = page.locator('form.mail-add-cc');
	await form.locator('input[name=address]').fill('not-an-address');
	await form.locator('input[name=name]').fill(name);
	await form.locator('button[type=submit]').click();
	const err = form.locator('.field-error:not(:empty)').first();
	await err.waitFor();
	assert.equal(await err.textContent(), badMessage);
	assert.equal(await form.locator('input[name=address]').getAttribute('aria-invalid'), 'true');
	assert.equal(await form.locator('input[name=name]').inputValue(), name);
	await form.locator('input[name=address]').fill(add);
	await form.locator('button[type=submit]').click();
	await page.waitForSelector(`.mail-parts li[data-address="${add}"]`);
	assert.match(await page.textContent(`.mail-parts li[data-address="${add}"]`), new RegExp(name));
	await page.click(`.mail-parts li[data-address="${remove}"] button`);
	await page.waitForSelector(`.mail-parts li[data-address="${remove}"]`, { state: 'detached' });
	const parts = (await agent.expect(200, 'GET', `/api/v1/tickets/${id}/participants`)).json.items.map((p) => p.address);
	assert.ok(parts.includes(add), parts.join());
	assert.ok(!parts.includes(remove), parts.join());
	// the composer says whom a reply goes to
	assert.match(await page.textContent('.mail-to'), new RegExp(add.replace('.', '\\.')));
}

describe('mail in the workspace', () => {
	const it = withLogs(() => env?.srv, { timeout: 120_000 });

	before(async () => {
		env = await mailServer();
		browser = await launch();
		admin = env.srv.client('admin');
		await admin.login('admin', env.db.adminPassword);
		token = (await admin.expect(201, 'POST', '/api/v1/mail/inbound-token')).json.token;
		assert.match(token, /^kfm_/);
		agent = env.srv.client('wangfang');
		await agent.login('wangfang', DEMO_PASSWORD);
	});

	it('an agent sees the headers, folds quoted text and manages Cc (English)', async () => {
		const id = (kettle = await deliver(
			rawMail({
				from: 'Zhang San <zhang.san@customer.test>',
				cc: 'Li Si <li.si@customer.test>',
				subject: 'The kettle arrived broken',
				id: 'kettle-1',
				body: 'The kettle arrived broken, the lid is cracked.\n\nOn Mon, Nov 30, 2026 at 10:00 AM Shop <support@kefu.test> wrote:\n> Thank you for your order 12345.\n> It ships today.\n',
				html: '<p>The kettle arrived <b>broken</b>.</p><script>alert(1)</script><img src="https://tracker.example/p.gif">',
			})
		));
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${id}`);
		const head = page.locator('.mail-head').first();
		await head.waitFor();
		const kv = await head.locator('dl.mail-addrs').evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
		assert.equal(kv.From, 'Zhang San <zhang.san@customer.test>');
		assert.match(kv.To, /support@kefu\.test/);
		assert.equal(kv.Cc, 'Li Si <li.si@customer.test>');
		assert.ok(kv.Date, 'a date');
		assert.equal(await head.locator('a.mail-raw').textContent(), 'View original');
		assert.match(await page.locator('.msg .body').first().textContent(), /the lid is cracked/);
		await foldUnfold(page, { show: 'Show quoted text', hide: 'Hide quoted text', quoted: /Thank you for your order 12345/ });
		// the Cc of the mail is a participant, not a new ticket
		await page.waitForSelector('.mail-parts li[data-address="li.si@customer.test"]');
		assert.match(await page.textContent('.mail-to'), /^To: .*zhang\.san@customer\.test.*Cc: .*li\.si@customer\.test/);
		await addAndRemoveCc(page, id, { add: 'wang.wu@customer.test', name: 'Wang Wu', remove: 'li.si@customer.test', badMessage: 'Enter a mail address such as name@example.com' });
		// the original downloads as .eml
		const raw = await page.request.get(`${env.base}${await head.locator('a.mail-raw').getAttribute('href')}`);
		assert.equal(raw.status(), 200);
		assert.match(raw.headers()['content-disposition'] || '', /\.eml/);
		// the HTML opens in a sandboxed frame, sanitised, under a sandbox CSP
		await head.locator('button.mail-show-html').click();
		const frame = head.locator('iframe.mail-html');
		await frame.waitFor();
		assert.equal(await frame.getAttribute('sandbox'), '');
		const inner = await (await frame.elementHandle()).contentFrame();
		await inner.waitForSelector('text=broken'); /* the frame is allowed to show it (no frame-ancestors refusal) */
		const html = await page.request.get(`${env.base}${await frame.getAttribute('src')}`);
		assert.equal(html.status(), 200);
		assert.match(html.headers()['content-type'], /^text\/html/);
		assert.match(html.headers()['content-security-policy'], /sandbox/);
		const htmlText = await html.text();
		assert.match(htmlText, /broken/);
		assert.doesNotMatch(htmlText, /<script/i);
		assert.match(html.headers()['content-security-policy'], /default-src 'none'/); /* a remote image the sanitiser kept cannot load */
		await head.locator('button.mail-show-html').click();
		assert.equal(await frame.count(), 0);
		// the test harness's init script (localStorage) cannot run in the sandboxed frame: not the page's error
		page.errors = page.errors.filter((e) => !/sandboxed and lacks the 'allow-same-origin'/.test(e));
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('the same in Chinese: labels, a Chinese quote header folded, Cc', async () => {
		const id = await deliver(
			rawMail({
				from: '=?UTF-8?B?5byg5LiJ?= <zhang.cn@customer.test>',
				cc: 'zhao@customer.test',
				subject: '=?UTF-8?B?5qCH6aKY77ya6YCA6LSn?=',
				id: 'tuihuo-1',
				body: '我要退货，商品有破损。\n\n在 2026年11月30日 10:00，客服 <support@kefu.test> 写道：\n> 您的订单已发货。\n',
			})
		);
		const page = await newPage(browser, { lang: 'zh-CN' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${id}`);
		const head = page.locator('.mail-head').first();
		await head.waitFor();
		const labels = await head.locator('dl.mail-addrs dt').allTextContents();
		assert.deepEqual(labels, ['发件人', '收件人', '抄送', '时间']);
		assert.match(await head.locator('dl.mail-addrs dd').first().textContent(), /张三 <zhang\.cn@customer\.test>/);
		assert.equal(await head.locator('a.mail-raw').textContent(), '查看原始邮件');
		await foldUnfold(page, { show: '显示引用内容', hide: '隐藏引用内容', quoted: /您的订单已发货/ });
		assert.equal(await page.textContent('.mail-panel h2'), '邮件');
		await addAndRemoveCc(page, id, { add: 'qian@customer.test', name: '钱七', remove: 'zhao@customer.test', badMessage: '请输入有效的邮箱地址，例如 name@example.com' });
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('an admin saves the relay (password not echoed), tests it, makes a token, edits and previews a template, adds a mailbox', async () => {
		const deadPort = await closedPort();
		const page = await newPage(browser, { lang: 'en' });
		page.on('dialog', (d) => d.accept());
		await signIn(page, env.base, 'admin', env.db.adminPassword);
		await page.goto(`${env.base}/#/admin/mail?part=settings`);
		const form = page.locator('form.mail-settings');
		await form.waitFor();
		await form.locator('input[name=address]').fill('support@kefu.test');
		await form.locator('input[name=from_name]').fill('客服中心');
		await form.locator('input[name=relay_host]').fill('127.0.0.1');
		await form.locator('input[name=relay_port]').fill(String(deadPort));
		await form.locator('select[name=relay_security]').selectOption('none');
		await form.locator('input[name=relay_username]').fill('kefu-relay');
		await form.locator('input[name=relay_password]').fill('relay-secret-1234');
		await form.locator('button[type=submit]').click();
		await page.waitForSelector('form.mail-settings .pw-set');
		const s = (await admin.expect(200, 'GET', '/api/v1/mail/settings')).json;
		assert.equal(s.relay_host, '127.0.0.1');
		assert.equal(s.relay_port, deadPort);
		assert.equal(s.relay_security, 'none');
		assert.equal(s.relay_password_set, true);
		assert.ok(!JSON.stringify(s).includes('relay-secret-1234'), 'the API never returns the password');
		assert.ok(!(await page.content()).includes('relay-secret-1234'), 'the page never shows the password');
		assert.equal(await page.locator('form.mail-settings input[name=relay_password]').isVisible(), false);
		// a bad value comes back next to its field, the typed value kept
		await form.locator('input[name=reopen_days]').fill('-3');
		await form.locator('button[type=submit]').click();
		await page.waitForSelector('form.mail-settings input[name=reopen_days][aria-invalid=true]');
		assert.equal(await form.locator('input[name=reopen_days]').inputValue(), '-3');
		// the relay test stops at a stage and says so
		await page.click('.mail-relay-test button.mail-test');
		const result = page.locator('.mail-relay-test .mail-test-result.bad');
		await result.waitFor();
		assert.match(await result.textContent(), /^Failed at /);
		assert.ok(await result.getAttribute('data-stage'));
		// the inbound token is shown once with the kefu mail receive lines
		await page.click('button.mail-token-new');
		await page.waitForSelector('pre.mail-receive');
		const shown = await page.textContent('code.mail-token');
		assert.match(shown, /^kfm_/);
		assert.match(await page.textContent('pre.mail-receive'), new RegExp(`kefu mail receive --url ${env.base} --token-file`));
		token = shown; /* the old one is replaced */

		// templates: an unknown placeholder is refused under the body, then a preview
		await page.goto(`${env.base}/#/admin/mail?part=templates`);
		await page.click('button.tp-edit[data-template="ack/en"]');
		const tf = page.locator('form.template-edit');
		await tf.locator('input[name=subject]').fill('We got your mail {{ticket.number}}');
		await tf.locator('textarea[name=body]').fill('Hello {{customer.name}}, {{no.such}}');
		await tf.locator('button[type=submit]').click();
		await page.waitForSelector('form.template-edit textarea[name=body][aria-invalid=true]');
		assert.match(await tf.locator('.field-error:not(:empty)').first().textContent(), /no\.such/);
		assert.equal(await tf.locator('textarea[name=body]').inputValue(), 'Hello {{customer.name}}, {{no.such}}');
		await tf.locator('textarea[name=body]').fill('Hello {{customer.name}}, we will answer soon.');
		await tf.locator('button[type=submit]').click();
		await page.waitForSelector('button.tp-reset');
		const tpl = (await admin.expect(200, 'GET', '/api/v1/mail/templates')).json.items.find((x) => x.name === 'ack' && x.lang === 'en');
		assert.equal(tpl.custom, true);
		assert.equal(tpl.body, 'Hello {{customer.name}}, we will answer soon.');
		await page.click('button.tp-edit[data-template="ack/en"]');
		await page.click('form.template-edit button.mail-preview-btn');
		await page.waitForSelector('pre.mail-preview-text');
		assert.match(await page.textContent('pre.mail-preview-text'), /we will answer soon/);
		assert.match(await page.textContent('.mail-preview-subject'), /We got your mail/);

		// a mailbox on a dead port: added, then its test fails at a stage
		await page.goto(`${env.base}/#/admin/mail?part=mailboxes`);
		const add = page.locator('form.mailbox-add');
		await add.waitFor();
		await add.locator('input[name=name]').fill('Support inbox');
		await add.locator('input[name=address]').fill('imapbox@kefu.test');
		await add.locator('input[name=host]').fill('127.0.0.1');
		await add.locator('input[name=port]').fill(String(deadPort));
		await add.locator('select[name=security]').selectOption('none');
		await add.locator('input[name=username]').fill('imapbox');
		await add.locator('input[name=password]').fill('pw-imapbox');
		await add.locator('button[type=submit]').click();
		const row = page.locator('table.data tbody tr', { hasText: 'Support inbox' });
		await row.waitFor();
		await row.locator('button.mail-test').click();
		const mb = row.locator('.mail-test-result.bad');
		await mb.waitFor();
		assert.match(await mb.textContent(), /^Failed at /);
		assert.ok(await mb.getAttribute('data-stage'));
		const boxes = (await admin.expect(200, 'GET', '/api/v1/mail/mailboxes')).json.items;
		assert.ok(!JSON.stringify(boxes).includes('pw-imapbox'), 'the mailbox password is not echoed');
		// edited: a bad poll interval refused next to its field (value kept), then saved; the password stays set
		await row.locator('button', { hasText: 'Edit' }).click();
		const ef = page.locator('form.mailbox-edit');
		await ef.locator('input[name=poll_seconds]').waitFor();
		assert.equal(await ef.locator('input[name=password]').isVisible(), false, 'a set password is not shown');
		await ef.locator('input[name=poll_seconds]').fill('5');
		await ef.locator('button[type=submit]').click();
		await page.waitForSelector('form.mailbox-edit input[name=poll_seconds][aria-invalid=true]');
		assert.equal(await ef.locator('input[name=poll_seconds]').inputValue(), '5');
		await ef.locator('input[name=poll_seconds]').fill('120');
		await ef.locator('button[type=submit]').click();
		await ef.waitFor({ state: 'detached' });
		const edited = (await admin.expect(200, 'GET', '/api/v1/mail/mailboxes')).json.items.find((x) => x.name === 'Support inbox');
		assert.equal(edited.poll_seconds, 120);
		assert.equal(edited.password_set, true);
		// fetch now on the dead port says what went wrong; then the mailbox is deleted
		await row.locator('button.mb-fetch').click();
		await row.locator('.mail-test-result.bad').waitFor();
		assert.match(await row.locator('.mail-test-result.bad').textContent(), /\S/);
		await row.locator('button', { hasText: 'Delete' }).click();
		await row.waitFor({ state: 'detached' });
		assert.equal((await admin.expect(200, 'GET', '/api/v1/mail/mailboxes')).json.items.length, 0);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a concurrent change of the mail settings: the 412 keeps the edit, takes the other change, saving again applies', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'admin', env.db.adminPassword);
		await page.goto(`${env.base}/#/admin/mail?part=settings`);
		const form = page.locator('form.mail-settings');
		await form.waitFor();
		// someone else renames the sender meanwhile
		const cur = await admin.expect(200, 'GET', '/api/v1/mail/settings');
		await admin.expect(200, 'PATCH', '/api/v1/mail/settings', { body: { from_name: 'Other admin' }, headers: { 'If-Match': cur.headers.etag } });
		await form.locator('input[name=reopen_days]').fill('30');
		await form.locator('button[type=submit]').click();
		await form.locator('.form-error:not(:empty)').waitFor();
		assert.equal(await form.locator('input[name=reopen_days]').inputValue(), '30');
		assert.equal(await form.locator('input[name=from_name]').inputValue(), 'Other admin');
		await form.locator('button[type=submit]').click();
		await page.waitForSelector('.toast:has-text("Saved")');
		const s = (await admin.expect(200, 'GET', '/api/v1/mail/settings')).json;
		assert.equal(s.reopen_days, 30);
		assert.equal(s.from_name, 'Other admin');
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('an analyst (no pii.read, no ticket.write) sees masked addresses, no original and no Cc form', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'zhouqiang');
		await page.goto(`${env.base}/#/tickets/${kettle}`);
		const head = page.locator('.mail-head').first();
		await head.waitFor();
		const from = await head.locator('dl.mail-addrs dd').first().textContent();
		assert.doesNotMatch(from, /zhang\.san@customer\.test/);
		assert.match(from, /\*/);
		assert.equal(await head.locator('a.mail-raw').count(), 0);
		await page.waitForSelector('.mail-panel');
		assert.equal(await page.locator('form.mail-add-cc').count(), 0);
		assert.equal(await page.locator('.mail-parts button').count(), 0);
		assert.doesNotMatch(await page.textContent('.mail-panel'), /li\.si@customer\.test|wang\.wu@customer\.test/);
		const raw = await page.request.get(`${env.base}/api/v1/mail/messages/${(await head.getAttribute('data-mail-id'))}/raw`);
		assert.equal(raw.status(), 403);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a reply on a mail ticket shows its delivery status (the relay is down: deferred), and retry queues it again', async () => {
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${kettle}`);
		await page.waitForSelector('.mail-head');
		assert.match(await page.textContent('form.composer .mail-to'), /To: .*zhang\.san@customer\.test/);
		await page.fill('form.composer textarea[name=body]', 'Sorry about the kettle; a new one is on its way.');
		await page.click('form.composer button[type=submit]');
		const out = page.locator('.mail-head.mail-out').last();
		await out.waitFor({ timeout: 40_000 });
		assert.match(await out.locator('dl.mail-addrs').textContent(), /zhang\.san@customer\.test/);
		const chip = out.locator('.mail-status.ms-deferred, .mail-status.ms-failed');
		await chip.waitFor({ timeout: 40_000 });
		assert.match(await chip.textContent(), /^(Deferred, next try |Failed)/);
		const retry = out.locator('button.mail-retry');
		assert.equal(await retry.isVisible(), true);
		await retry.click();
		await page.waitForSelector('.toast:has-text("Queued to be sent again")');
		const mails = (await agent.expect(200, 'GET', `/api/v1/tickets/${kettle}/mail`)).json.items.filter((m) => m.direction === 'out');
		assert.ok(mails.length >= 1);
		assert.ok(mails.every((m) => m.to.some((a) => a.address === 'zhang.san@customer.test')));
		assert.ok(mails.some((m) => m.attempts >= 1), JSON.stringify(mails));
		// the mail log of the admin lists it
		const log = (await admin.expect(200, 'GET', '/api/v1/mail/messages?direction=out')).json.items;
		assert.ok(log.some((m) => m.ticket_id === kettle), JSON.stringify(log));
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a bounce of that reply: the mail shows bounced, the composer warns, the admin lists the address and removes it', async () => {
		const out = (await agent.expect(200, 'GET', `/api/v1/tickets/${kettle}/mail`)).json.items.filter((m) => m.direction === 'out');
		const dsn = fs
			.readFileSync(path.join(ROOT, 'tests/data/mail/postfix_dsn.eml'), 'utf8')
			.replaceAll('nobody@customer.test', 'zhang.san@customer.test')
			.replaceAll('kefu-321-0a1b2c3d@kefu.test', out[out.length - 1].rfc_message_id)
			.replace('20261205040005.3F2A1B0@mx.kefu.test', 'browser-dsn-1@mx.kefu.test');
		await deliver(dsn);
		const page = await newPage(browser, { lang: 'en' });
		page.on('dialog', (d) => d.accept());
		await signIn(page, env.base, 'wangfang');
		await page.goto(`${env.base}/#/tickets/${kettle}`);
		const chip = page.locator('.mail-head.mail-out .mail-status.ms-bounced').last();
		await chip.waitFor();
		assert.match(await chip.textContent(), /^Bounced/);
		const warn = page.locator('form.composer .mail-bouncing');
		await warn.waitFor();
		assert.equal(await warn.textContent(), "The customer's address zhang.san@customer.test has bounced; this reply may not arrive.");
		assert.match(await page.textContent('.mail-log'), /Bounce notice/);
		await page.context().close();

		const adm = await newPage(browser, { lang: 'en' });
		adm.on('dialog', (d) => d.accept());
		await signIn(adm, env.base, 'admin', env.db.adminPassword);
		await adm.goto(`${env.base}/#/admin/mail?part=bounces`);
		const row = adm.locator('table.data tbody tr', { hasText: 'zhang.san@customer.test' });
		await row.waitFor();
		assert.match(await row.textContent(), /5\.1\.1/);
		await row.locator('button').click();
		await adm.waitForSelector('p.mail-no-bounces');
		assert.equal((await admin.expect(200, 'GET', '/api/v1/mail/bounces')).json.items.length, 0);
		assertNoPageErrors(adm);
		await adm.context().close();
	});

	it('the admin section in Chinese', async () => {
		const page = await newPage(browser, { lang: 'zh-CN' });
		await signIn(page, env.base, 'admin', env.db.adminPassword);
		await page.goto(`${env.base}/#/admin/mail`);
		await page.waitForSelector('form.mail-settings');
		assert.equal(await page.textContent('.admin-body h1'), '邮件');
		assert.deepEqual(await page.locator('nav.mail-parts a').allTextContents(), ['设置', '收件邮箱', '邮件模板', '退信地址', '邮件日志']);
		assert.match(await page.textContent('form.mail-settings'), /发信中继（SMTP）/);
		assert.match(await page.textContent('form.mail-settings .pw-set'), /已设置/);
		await page.goto(`${env.base}/#/admin/mail?part=templates`);
		await page.waitForSelector('button.tp-edit');
		assert.match(await page.textContent('.mail-part'), /受理确认/);
		await page.goto(`${env.base}/#/admin/mail?part=log`);
		await page.waitForSelector('table.mail-log');
		await page.goto(`${env.base}/#/admin/mail?part=bounces`);
		await page.waitForSelector('.mail-part h2');
		assert.equal(await page.textContent('.mail-part h2'), '退信地址');
		assertNoPageErrors(page);
		await page.context().close();
	});
});

describe('mail through a real Postfix and Dovecot', () => {
	const MISSING = mailEnvMissing(); /* Postfix or Dovecot not installed: the tests skip, saying so */
	let real, mx, radmin;
	const it = withLogs(() => real?.srv, { timeout: 120_000 });
	after(async () => {
		await real?.srv.stop();
		await mx?.stop();
	});

	before(async () => {
		if (MISSING) return;
		const tokenFile = path.join(tmpDir('kefu-mailweb-token-'), 'token');
		mx = await startMailEnv({ tokenFile }); /* kefuBin: lib.mjs's BIN, an absolute path */
		real = await mailServer({ SSL_CERT_FILE: mx.certFile });
		mx.setKefuUrl(real.base);
		radmin = real.srv.client('admin');
		await radmin.login('admin', real.db.adminPassword);
		fs.writeFileSync(tokenFile, (await radmin.expect(201, 'POST', '/api/v1/mail/inbound-token')).json.token + '\n');
		mx.syncToken(); /* where the pipe (user nobody) reads it */
		browser = browser || (await launch());
	});

	it('an admin points kefu at the relay and a mailbox in Chinese: both tests connect', async (t) => {
		if (MISSING) return t.skip(MISSING);
		const page = await newPage(browser, { lang: 'zh-CN' });
		await signIn(page, real.base, 'admin', real.db.adminPassword);
		await page.goto(`${real.base}/#/admin/mail?part=settings`);
		const form = page.locator('form.mail-settings');
		await form.waitFor();
		await form.locator('input[name=address]').fill(mx.supportAddress);
		await form.locator('input[name=from_name]').fill('好物商城客服');
		await form.locator('input[name=relay_host]').fill('127.0.0.1');
		await form.locator('input[name=relay_port]').fill(String(mx.smtpPort));
		await form.locator('select[name=relay_security]').selectOption('none');
		await form.locator('button[type=submit]').click();
		await page.waitForSelector('.toast:has-text("已保存")');
		await page.click('.mail-relay-test button.mail-test');
		const ok = page.locator('.mail-relay-test .mail-test-result.ok');
		await ok.waitFor({ timeout: 30_000 });
		assert.match(await ok.textContent(), /^连接成功/);

		await page.goto(`${real.base}/#/admin/mail?part=mailboxes`);
		const add = page.locator('form.mailbox-add');
		await add.waitFor();
		await add.locator('input[name=name]').fill('售后邮箱');
		await add.locator('input[name=address]').fill(mx.imapAddress);
		await add.locator('input[name=host]').fill('127.0.0.1');
		await add.locator('input[name=port]').fill(String(mx.imapPort));
		await add.locator('select[name=security]').selectOption('none');
		await add.locator('input[name=username]').fill('imapbox');
		await add.locator('input[name=password]').fill(mx.users.imapbox);
		await add.locator('button[type=submit]').click();
		const row = page.locator('table.data tbody tr', { hasText: '售后邮箱' });
		await row.waitFor();
		await row.locator('button.mail-test').click();
		const mb = row.locator('.mail-test-result.ok');
		await mb.waitFor({ timeout: 30_000 });
		assert.match(await mb.textContent(), /^连接成功，文件夹中有 \d+ 封邮件/);
		assertNoPageErrors(page);
		await page.context().close();
	});

	it('a customer writes through Postfix, the agent answers in the browser: Sent, and the reply reaches the customer with the Cc', async (t) => {
		if (MISSING) return t.skip(MISSING);
		const subject = `Order 9001: wrong colour ${Date.now()}`;
		await mx.send({ from: 'alice@customer.test', fromHeader: 'Alice Zhou <alice@customer.test>', cc: 'bob@customer.test', subject, body: 'I ordered blue and got red.\n' });
		const row = await mx.waitFor(
			async () => (await radmin.expect(200, 'GET', '/api/v1/mail/messages?direction=in')).json.items.find((m) => m.subject === subject && m.ticket_id),
			{ what: 'the piped mail in kefu' }
		);
		const page = await newPage(browser, { lang: 'en' });
		await signIn(page, real.base, 'wangfang');
		await page.goto(`${real.base}/#/tickets/${row.ticket_id}`);
		await page.waitForSelector('.mail-head');
		assert.match(await page.textContent('form.composer .mail-to'), /To: Alice Zhou <alice@customer\.test> · Cc: .*bob@customer\.test/);
		await page.fill('form.composer textarea[name=body]', 'Sorry! A blue one ships today.');
		await page.click('form.composer button[type=submit]');
		const sent = page.locator('.mail-head.mail-out .mail-status.ms-sent').last();
		await sent.waitFor({ timeout: 40_000 });
		assert.equal(await sent.textContent(), 'Sent');
		const got = await mx.waitForMail('customer', (m) => recipientOf(m) === 'alice@customer.test' && /A blue one ships today|wrong colour/.test(m.raw) && /\[#\d{6}\]/.test(m.header('subject') || ''));
		assert.match(got.header('to'), /alice@customer\.test/);
		assert.match(got.header('cc') || '', /bob@customer\.test/);
		assert.match(got.header('reply-to') || '', /support\+\w+@kefu\.test/);
		assertNoPageErrors(page);
		await page.context().close();
	});
});

describe('mail helpers (node)', () => {
	before(() => useStrings('en', en));

	plainIt('splits the quoted history at a UTF-8 byte offset', () => {
		const body = '谢谢。\n\n在 2026年 写道：\n> 原文';
		const at = new TextEncoder().encode('谢谢。\n\n').length;
		assert.deepEqual(splitQuoted(body, at), ['谢谢。', '在 2026年 写道：\n> 原文']);
		// inside a multibyte character: back to its start
		assert.deepEqual(splitQuoted('你好世界', 4), ['你', '好世界']);
		assert.deepEqual(splitQuoted(body, -1), [body, '']);
		assert.deepEqual(splitQuoted(body, null), [body, '']);
		assert.deepEqual(splitQuoted(body, 9999), [body, '']);
		assert.deepEqual(splitQuoted('text\n\n   ', 5), ['text\n\n   ', ''], 'nothing but blanks after the offset: nothing folded');
	});

	plainIt('checks addresses as the API does', () => {
		for (const a of ['a@b.test', 'li.si+x@customer.test', ' a@b ']) assert.ok(validAddress(a), a);
		for (const a of ['', 'a', 'a@', '@b', 'a b@c.d', '<a@b.c>', 'a@b,c@d', 'a@@b', 'a@b..c']) assert.ok(!validAddress(a), a);
		assert.equal(addrText({ name: '张三', address: 'z@c.test' }), '张三 <z@c.test>');
		assert.equal(addrText({ name: '', address: 'z@c.test' }), 'z@c.test');
	});

	plainIt('words the delivery status; only failed and deferred outgoing mail can be retried', () => {
		assert.equal(deliveryStatus({ status: 'failed', last_error: '550 no such user' }).detail, '550 no such user');
		assert.equal(deliveryStatus({ status: 'deferred', next_at: 1765000000 }).key, 'mail.status.deferred_next');
		assert.equal(deliveryStatus({ status: 'sent', last_error: 'old' }).detail, '');
		assert.ok(canRetry({ direction: 'out', status: 'failed' }));
		assert.ok(canRetry({ direction: 'out', status: 'deferred' }));
		assert.ok(!canRetry({ direction: 'out', status: 'sent' }));
		assert.ok(!canRetry({ direction: 'in', status: 'dropped' }));
		for (const s of ['queued', 'sent', 'bounced', 'failed', 'received', 'dropped']) assert.ok(`mail.status.${s}` in en, s);
		assert.equal(skippedText({ filename: 'big.zip', reason: 'too_big' }), 'big.zip (too big)');
		assert.equal(skippedText({ reason: 'too_many', count: 3 }), '3 more parts (too many)');
	});

	plainIt('looks again soon for queued mail, after the next try for deferred mail, never for settled mail', () => {
		const now = 1_765_000_000_000;
		assert.equal(pollDelay([], false, now), null);
		assert.equal(pollDelay([], true, now), 5000, 'a reply was just sent');
		assert.equal(pollDelay([{ direction: 'out', status: 'sent' }, { direction: 'in', status: 'received' }], false, now), null);
		assert.equal(pollDelay([{ direction: 'out', status: 'queued' }], false, now), 5000);
		assert.equal(pollDelay([{ direction: 'out', status: 'deferred', next_at: now / 1000 + 20 }], false, now), 22000);
		assert.equal(pollDelay([{ direction: 'out', status: 'deferred', next_at: now / 1000 + 3600 }], false, now), 60000);
		assert.equal(pollDelay([{ direction: 'out', status: 'deferred', next_at: now / 1000 - 60 }], false, now), 5000);
	});

	plainIt('finds the customer address and whether it bounced', () => {
		const c = { name: 'Z', address: 'z@c.test' };
		const inn = { id: 1, direction: 'in', from: c };
		assert.deepEqual(mailTarget([inn]), { to: c, bouncing: false });
		const out = (id, status) => ({ id, direction: 'out', to: [c], status });
		assert.equal(mailTarget([inn, out(2, 'bounced')]).bouncing, true);
		assert.equal(mailTarget([inn, out(2, 'bounced'), out(3, 'sent')]).bouncing, false);
		assert.equal(mailTarget([inn, out(2, 'bounced'), out(3, 'queued')]).bouncing, true, 'a queued mail says nothing yet');
		assert.deepEqual(mailTarget([]), { to: null, bouncing: false });
	});

	plainIt('sends only the changed settings, numbers as numbers, the password only when typed', () => {
		const cur = { address: 's@k.test', relay_port: 587, relay_host: '', send_ack: true, reopen_days: 14 };
		assert.deepEqual(settingsPatch(cur, { address: 's@k.test', relay_port: '587', relay_host: ' smtp.k.test ', send_ack: true, reopen_days: '14', relay_password: '' }), { relay_host: 'smtp.k.test' });
		assert.deepEqual(settingsPatch(cur, { relay_port: 'x', send_ack: false, relay_password: 'pw' }), { relay_port: 'x', send_ack: false, relay_password: 'pw' });
		assert.deepEqual(mailboxBody({ name: ' a ', port: '993', enabled: false, poll_seconds: '60' }, ''), { name: 'a', port: 993, enabled: false, poll_seconds: 60 });
		assert.equal(mailboxBody({ name: 'a' }, 'pw').password, 'pw');
	});

	plainIt('gives the copy-paste lines and the test answer in words', () => {
		const l = receiveLines('kfm_x', 'https://kefu.shop.cn');
		assert.match(l, /kefu mail receive --url https:\/\/kefu\.shop\.cn --token-file \/etc\/kefu\/mail\.token/);
		assert.match(l, /flags=DORhu user=kefu argv=\/usr\/bin\/kefu mail receive/);
		assert.match(l, /'kfm_x'/);
		assert.equal(testText({ ok: true }), 'Connection works');
		assert.equal(testText({ ok: true, messages: 3 }), 'Connection works; 3 messages in the folder');
		assert.equal(testText({ ok: false, stage: 'connect', message: 'refused' }), 'Failed at connect: refused');
		assert.equal(testText({ ok: true, messages: 3, unseen: 1 }), 'Connection works; 3 messages in the folder, 1 unseen');
		assert.equal(fetchText({ fetched: 2, duplicates: 1, failed: 0, error: '' }), '2 fetched, 1 duplicates, 0 failed');
		assert.equal(fetchText({ fetched: 0, duplicates: 0, failed: 0, error: 'connect: refused' }), '0 fetched, 0 duplicates, 0 failed; connect: refused');
	});
});
