// csp.test.mjs - the Content-Security-Policy of the HTML pages (issue 12
// item 8) does not break them: the workspace (several pages), the portal,
// the tracking page and a survey page load in Chromium under the policy
// with no violation reported and no page error.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/browser/csp.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { assertNoPageErrors, cleanup, demoServer, launch, newPage, signIn, withLogs } from './lib.mjs';

let env, browser;
after(async () => {
	await browser?.close();
	await cleanup();
});

/** A page that records every CSP violation (DOM event and console report). */
async function watchedPage() {
	const page = await newPage(browser, { lang: 'zh-CN' });
	page.violations = [];
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) page.violations.push(m.text());
	});
	await page.context().addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__csp = window.__csp || [];
			window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
		});
	});
	return page;
}

async function assertClean(page, what) {
	const dom = await page.evaluate(() => window.__csp || []);
	assert.deepEqual([...page.violations, ...dom], [], `${what}: CSP violations`);
	assertNoPageErrors(page);
}

describe('Content-Security-Policy on the pages', () => {
	const it = withLogs(() => env?.srv, { timeout: 120_000 });

	before(async () => {
		env = await demoServer();
		browser = await launch();
	});

	it('the workspace works under the policy', async () => {
		const page = await watchedPage();
		const res = await page.goto(`${env.base}/`);
		assert.match(res.headers()['content-security-policy'] || '', /script-src 'self'/);
		await signIn(page, env.base, 'zhaomin');
		for (const hash of ['#/inbox', '#/dashboard', '#/reports', '#/quotes', '#/admin', '#/tickets/new']) {
			await page.goto(`${env.base}/${hash}`);
			await page.waitForLoadState('networkidle');
			await page.locator('main').first().waitFor();
		}
		await page.locator('#top').waitFor();
		await assertClean(page, 'workspace');
		await page.context().close();
	});

	it('the portal, tracking and survey pages work under the policy', async () => {
		const page = await watchedPage();
		for (const path of ['/portal', '/track/NO-SUCH-PARCEL-1', '/survey/NoSuchToken']) {
			const res = await page.goto(`${env.base}${path}`);
			assert.match(res.headers()['content-security-policy'] || '', /frame-ancestors 'none'/, path);
			await page.waitForLoadState('networkidle');
			assert.ok((await page.textContent('body')).trim().length > 0, `${path} rendered nothing`);
		}
		await page.locator('.track-result, body').first().waitFor();
		await assertClean(page, 'public pages');
		await page.context().close();
	});
});
