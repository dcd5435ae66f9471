// perf.mjs - figures for the web workspace (prints numbers; never pass/fail):
// inbox first page visible after navigation, ticket page visible after
// an in-app navigation, and the JS + CSS bytes a first visit transfers
// (raw, as kefu serves them, and gzip -9 for comparison).
//
//   node tests/browser/perf.mjs [--customers N] [--runs R] [--db PATH]
//
// KF_TEST_BIN picks the binary (use build/rel/kefu).  --db reuses a demo
// database made before (kefu init + kefu demo), else one is made here.

import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { startServer, tmpDir } from '../api/lib.mjs';
import { cleanup, demoServer, launch, newPage, signIn } from './lib.mjs';

const { values: opt } = parseArgs({ options: { customers: { type: 'string', default: '300' }, runs: { type: 'string', default: '15' }, db: { type: 'string' } } });
const runs = Number(opt.runs);

async function serve() {
	if (!opt.db) return demoServer({ customers: Number(opt.customers) });
	const db = { url: path.resolve(opt.db), dir: tmpDir() };
	const srv = await startServer({ db });
	return { srv, db, base: `http://127.0.0.1:${srv.port}` };
}

const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const line = (what, xs) => console.log(`${what.padEnd(44)} median ${q(xs, 0.5).toFixed(0).padStart(5)} ms   p90 ${q(xs, 0.9).toFixed(0).padStart(5)} ms   (${xs.length} runs)`);

const env = await serve();
const browser = await launch();
const page = await newPage(browser, { lang: 'zh-CN' });
const bytes = new Map();
page.on('response', async (r) => {
	if (/\.(js|css)$/.test(new URL(r.url()).pathname)) bytes.set(r.url(), await r.body().catch(() => Buffer.alloc(0)));
});
await signIn(page, env.base, 'wangfang');
await page.waitForSelector('table.tickets tbody tr');
const ids = await page.$$eval('table.tickets tbody tr', (trs) => trs.map((tr) => tr.dataset.id));
const all = Buffer.concat([...bytes.values()]);
console.log(`JS + CSS on a first visit: ${bytes.size} files, ${all.length} bytes raw (as served), ${zlib.gzipSync(all, { level: 9 }).length} bytes gzip -9`);

const inbox = [];
for (let i = 0; i < runs; i++) {
	await page.goto('about:blank');
	await page.goto(`${env.base}/#/inbox/mine`);
	inbox.push(await page.waitForFunction(() => document.querySelector('table.tickets tbody tr') && performance.now(), null, { polling: 'raf' }).then((h) => h.jsonValue()));
}
line('inbox first page visible (full load)', inbox);

const ticket = [];
for (let i = 0; i < runs; i++) {
	const id = ids[i % ids.length];
	await page.goto(`${env.base}/#/inbox/mine`);
	await page.waitForSelector('table.tickets tbody tr');
	const t0 = await page.evaluate((id) => {
		const t = performance.now();
		location.hash = `#/tickets/${id}`;
		return t;
	}, id);
	const t1 = await page.waitForFunction(() => document.querySelector('.convo .msg, .convo .muted') && document.querySelector('form.props') && performance.now(), null, { polling: 'raf' }).then((h) => h.jsonValue());
	ticket.push(t1 - t0);
}
line('ticket page visible (from the inbox)', ticket);

const seen = Buffer.concat([...bytes.values()]);
console.log(`JS + CSS after the ticket page too: ${bytes.size} files, ${seen.length} bytes raw, ${zlib.gzipSync(seen, { level: 9 }).length} bytes gzip -9`);

await browser.close();
await env.srv.stop();
await cleanup();
