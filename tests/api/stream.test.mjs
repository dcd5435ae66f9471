// stream.test.mjs - the faces of the event stream (issue 13): the cursor
// feed GET /api/v1/events (paging with after/next, types filter, 400s,
// masking) and the server-sent events of GET /api/v1/stream (delivery
// within 100 ms of the commit, Last-Event-ID resumes with no gap and no
// duplicate, heartbeats, a role without pii.read never receives personal
// data, streams end on shutdown).
//
// Latency: the issue states a requirement (an event within 100 ms of its
// commit on the same node), so it is asserted, with a margin that holds
// under ASan on a busy machine: the median of 20 deliveries must be under
// 100 ms (measured from the POST's answer, which comes after the commit, to
// the frame's arrival) and none may take a second.
//
//   KF_TEST_BIN=build/asan/kefu node --test --test-concurrency=1 tests/api/stream.test.mjs

import assert from 'node:assert/strict';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { after, before, describe } from 'node:test';

import { assertError, cleanup, startServer, uniq, withLogs } from './lib.mjs';

let srv, admin, analyst;
const it = withLogs(() => srv);

/** Open GET path as client; resolves once the status line is in. */
function openStream(client, path = '/api/v1/stream', headers = {}) {
	return new Promise((resolve, reject) => {
		const h = { Accept: 'text/event-stream', Cookie: client.cookieHeader(), ...headers };
		const req = http.get({ host: '127.0.0.1', port: client.server.port, path, headers: h, agent: false }, (res) => {
			const s = { req, res, status: res.statusCode, headers: res.headers, frames: [], comments: [], text: '', buf: '', ended: false, waiters: [] };
			res.setEncoding('utf8');
			res.on('data', (d) => {
				s.text += d;
				s.buf += d;
				parseFrames(s);
			});
			res.on('end', () => {
				s.ended = true;
				wake(s);
			});
			res.on('error', () => {});
			resolve(s);
		});
		req.on('error', reject);
	});
}

function parseFrames(s) {
	let i;
	while ((i = s.buf.indexOf('\n\n')) >= 0) {
		const block = s.buf.slice(0, i);
		s.buf = s.buf.slice(i + 2);
		const f = { at: performance.now() };
		for (const line of block.split('\n')) {
			if (line.startsWith(':')) s.comments.push({ text: line.slice(1).trim(), at: f.at });
			else if (line.startsWith('id: ')) f.id = Number(line.slice(4));
			else if (line.startsWith('event: ')) f.event = line.slice(7);
			else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6));
		}
		if (f.event) s.frames.push(f);
	}
	wake(s);
}

function wake(s) {
	for (const w of s.waiters.splice(0)) w();
}

/** Wait until pred(s) is true (or timeout ms); returns its value. */
async function until(s, pred, timeout = 5000, what = 'a frame') {
	const t0 = Date.now();
	for (;;) {
		const v = pred(s);
		if (v) return v;
		if (Date.now() - t0 > timeout) assert.fail(`no ${what} within ${timeout} ms; got: ${s.text.slice(-2000)}`);
		await new Promise((r) => {
			s.waiters.push(r);
			setTimeout(r, 50);
		});
	}
}

function close(s) {
	s.req.destroy();
}

async function customer() {
	const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
	const email = `${uniq('pii')}@example.com`;
	const name = `隐私客户${uniq('n')}`;
	const c = (await admin.expect(201, 'POST', '/api/v1/customers', {
		body: { name, identities: [{ kind: 'phone', value: phone }, { kind: 'email', value: email }] },
	})).json;
	return { ...c, phone, email, name };
}

async function ticket(subject, customerId) {
	const body = { type: 'inquiry', subject, body: `${subject} body` };
	if (customerId) body.customer_id = customerId;
	return (await admin.expect(201, 'POST', '/api/v1/tickets', { body })).json;
}

before(async () => {
	srv = await startServer({ args: ['--stream_heartbeat', '1'] });
	admin = srv.client('admin');
	await admin.login('admin', srv.db.adminPassword);
	const password = 'Analyst-pass-2026!';
	await admin.expect(201, 'POST', '/api/v1/users', { body: { username: 'ana', role: 'analyst', password } });
	analyst = srv.client('analyst');
	await analyst.login('ana', password);
});
after(async () => {
	if (srv) await srv.stop();
});
after(cleanup);

describe('GET /api/v1/events', () => {
	it('pages oldest first with after/next; types filters and next still moves past the others', async () => {
		const start = (await admin.expect(200, 'GET', '/api/v1/events?limit=200')).json;
		let cursor = start.next;
		const a = await ticket(uniq('feed-a'));
		const b = await ticket(uniq('feed-b'));
		await admin.expect(201, 'POST', `/api/v1/tickets/${b.id}/replies`, { body: { body: 'answer' } });
		const seen = [];
		for (let i = 0; i < 10; i++) {
			const page = (await admin.expect(200, 'GET', `/api/v1/events?after=${cursor}&limit=1`)).json;
			if (!page.items.length) {
				assert.equal(page.next, cursor, 'an empty page leaves the cursor');
				break;
			}
			assert.equal(page.items.length, 1);
			assert.ok(page.next > cursor, 'next moves on');
			assert.equal(page.items[0].seq, page.next);
			seen.push(page.items[0]);
			cursor = page.next;
		}
		const mine = seen.filter((e) => (e.entity_id === a.id || e.entity_id === b.id) && e.type !== 'ticket.state_changed');
		assert.deepEqual(mine.map((e) => [e.type, e.entity_id]), [['ticket.created', a.id], ['ticket.created', b.id], ['ticket.replied', b.id]]);
		for (let i = 1; i < seen.length; i++) assert.ok(seen[i].seq > seen[i - 1].seq, 'oldest first');
		assert.equal(mine[0].entity, 'ticket');
		assert.equal(mine[0].actor.kind, 'staff');
		assert.equal(mine[0].payload.subject, a.subject);
		assert.ok(mine[0].created_at_ms > 0);

		const only = (await admin.expect(200, 'GET', `/api/v1/events?after=${start.next}&types=ticket.replied`)).json;
		assert.deepEqual(only.items.map((e) => e.type), ['ticket.replied']);
		assert.equal(only.next, cursor, 'next is the last seq scanned, of any type');
		const two = (await admin.expect(200, 'GET', `/api/v1/events?after=${start.next}&types=ticket.replied,ticket.created`)).json;
		assert.equal(two.items.length, 3);
	});

	it('bad arguments are 400 with the field, in both languages', async () => {
		let e = assertError(await admin.api('GET', '/api/v1/events?types=ticket.created,ticket.exploded'), 400, 'invalid');
		assert.equal(e.field, 'types');
		assert.match(e.message, /ticket\.exploded/);
		e = assertError(await admin.api('GET', '/api/v1/events?types=ticket.created,'), 400, 'invalid');
		assert.equal(e.field, 'types');
		e = assertError(await admin.api('GET', '/api/v1/events?after=-1'), 400, 'invalid');
		assert.equal(e.field, 'after');
		e = assertError(await admin.api('GET', '/api/v1/events?after=x'), 400, 'invalid');
		assert.equal(e.field, 'after');
		e = assertError(await admin.api('GET', '/api/v1/events?limit=0'), 400, 'invalid');
		assert.equal(e.field, 'limit');
		e = assertError(await admin.api('GET', '/api/v1/events?limit=201'), 400, 'invalid');
		assert.equal(e.field, 'limit');
		const zh = await admin.api('GET', '/api/v1/events?types=nope', { headers: { 'Accept-Language': 'zh-CN' } });
		assert.equal(zh.status, 400);
		assert.match(zh.json.error.message, /事件类型/, `a Chinese message naming the field: ${zh.text}`);
		assertError(await srv.client('anon').api('GET', '/api/v1/events'), 401, 'unauthenticated');
	});

	it('ticket events carry the customer name as the inbox shows it; a role without pii.read gets no phone or e-mail', async () => {
		const c = await customer();
		const cursor = (await admin.expect(200, 'GET', '/api/v1/events?limit=200')).json.next;
		const t = await ticket(uniq('masked'), c.id);
		const path = `/api/v1/events?after=${cursor}`;
		const full = (await admin.expect(200, 'GET', path)).json.items.find((e) => e.entity_id === t.id);
		assert.equal(full.payload.customer_name, c.name);
		assert.equal(full.payload.customer_id, c.id);
		const inbox = (await analyst.expect(200, 'GET', '/api/v1/tickets?limit=200')).json.items.find((x) => x.id === t.id);
		const res = await analyst.expect(200, 'GET', path);
		const seen = res.json.items.find((e) => e.entity_id === t.id);
		assert.ok(seen, 'the analyst sees the ticket event (ticket.read)');
		assert.equal(seen.payload.customer_name, inbox.customer_name, 'as the inbox renders it for the same role');
		for (const v of [c.phone, c.email]) assert.ok(!res.text.includes(v), `the analyst's feed carries ${v}`);
	});
});

describe('GET /api/v1/stream', () => {
	it('answers text/event-stream and delivers an event within 100 ms of its commit (median of 20)', async () => {
		const s = await openStream(admin, '/api/v1/stream?types=ticket.created');
		try {
			assert.equal(s.status, 200);
			assert.match(s.headers['content-type'], /^text\/event-stream/);
			assert.equal(s.headers['cache-control'], 'no-cache');
			const lat = [];
			for (let i = 0; i < 20; i++) {
				const subject = uniq('lat');
				const t = await ticket(subject);
				const answered = performance.now();
				const f = await until(s, (x) => x.frames.find((fr) => fr.data.entity_id === t.id), 2000, `the frame of ticket ${t.id}`);
				assert.equal(f.event, 'ticket.created');
				assert.equal(f.id, f.data.seq);
				lat.push(Math.max(0, f.at - answered));
			}
			lat.sort((x, y) => x - y);
			const median = lat[10];
			console.log(`stream delivery after the POST's answer (ms): median ${median.toFixed(1)}, max ${lat[19].toFixed(1)}`);
			assert.ok(median < 100, `median delivery ${median} ms`);
			assert.ok(lat[19] < 1000, `slowest delivery ${lat[19]} ms`);
		} finally {
			close(s);
		}
	});

	it('Last-Event-ID resumes with no gap and no duplicate, then follows live', async () => {
		let s = await openStream(admin, '/api/v1/stream?types=ticket.created');
		const first = await ticket(uniq('resume0'));
		const f0 = await until(s, (x) => x.frames.find((fr) => fr.data.entity_id === first.id));
		close(s);
		const made = [];
		for (let i = 0; i < 5; i++) made.push((await ticket(uniq(`resume${i + 1}`))).id);
		s = await openStream(admin, '/api/v1/stream?types=ticket.created', { 'Last-Event-ID': String(f0.id) });
		try {
			await until(s, (x) => x.frames.length >= 5, 5000, 'the 5 missed events');
			const live = await ticket(uniq('resume-live'));
			await until(s, (x) => x.frames.find((fr) => fr.data.entity_id === live.id), 5000, 'the live event');
			const ids = s.frames.map((f) => f.data.entity_id);
			assert.deepEqual(ids, [...made, live.id], 'the 5 in order, no duplicate, then the live one');
			const seqs = s.frames.map((f) => f.id);
			for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1]);
			assert.ok(seqs[0] > f0.id);
		} finally {
			close(s);
		}
		// ?after= does the same for a client that cannot set the header.
		s = await openStream(admin, `/api/v1/stream?types=ticket.created&after=${f0.id}`);
		try {
			await until(s, (x) => x.frames.length >= 6, 5000, 'the replay');
			assert.deepEqual(s.frames.slice(0, 5).map((f) => f.data.entity_id), made);
		} finally {
			close(s);
		}
	});

	it('sends a heartbeat comment to an idle client (every stream_heartbeat seconds)', async () => {
		const s = await openStream(admin, '/api/v1/stream?types=survey.answered');
		try {
			await until(s, (x) => x.comments.filter((c) => c.text === 'heartbeat').length >= 2, 5000, 'two heartbeats');
			assert.equal(s.frames.length, 0);
		} finally {
			close(s);
		}
	});

	it('never shows personal data to a role without pii.read', async () => {
		const sa = await openStream(analyst, '/api/v1/stream');
		const sm = await openStream(admin, '/api/v1/stream');
		try {
			const c = await customer();
			const t = await ticket(uniq('pii-stream'), c.id);
			await admin.expect(201, 'POST', `/api/v1/tickets/${t.id}/replies`, { body: { body: 'hello' } });
			const fa = await until(sa, (x) => x.frames.find((f) => f.event === 'ticket.replied' && f.data.entity_id === t.id));
			const fm = await until(sm, (x) => x.frames.find((f) => f.event === 'ticket.created' && f.data.entity_id === t.id));
			assert.equal(fm.data.payload.customer_name, c.name);
			const created = sa.frames.find((f) => f.event === 'ticket.created' && f.data.entity_id === t.id);
			assert.ok(created, 'the analyst sees the ticket events (ticket.read)');
			assert.ok(fa);
			for (const v of [c.phone, c.email]) assert.ok(!sa.text.includes(v), `the analyst's stream carries ${v}`);
		} finally {
			close(sa);
			close(sm);
		}
	});

	it('bad arguments are 400 before any stream starts; signed-out is 401', async () => {
		let s = await openStream(admin, '/api/v1/stream?types=ticket.bogus');
		await until(s, (x) => x.ended, 5000, 'the end');
		assert.equal(s.status, 400);
		assert.equal(JSON.parse(s.text).error.field, 'types');
		s = await openStream(admin, '/api/v1/stream', { 'Last-Event-ID': 'abc' });
		await until(s, (x) => x.ended, 5000, 'the end');
		assert.equal(s.status, 400);
		assert.equal(JSON.parse(s.text).error.field, 'Last-Event-ID');
		s = await openStream(srv.client('anon'), '/api/v1/stream');
		await until(s, (x) => x.ended, 5000, 'the end');
		assert.equal(s.status, 401);
	});

	it('open streams end cleanly and promptly on shutdown', async () => {
		const other = await startServer();
		const c = other.client('admin');
		await c.login('admin', other.db.adminPassword);
		const streams = await Promise.all([1, 2, 3].map(() => openStream(c)));
		await new Promise((r) => setTimeout(r, 100)); /* let them suspend */
		const t0 = Date.now();
		await other.stop('SIGTERM', { timeout: 8000 });
		assert.ok(Date.now() - t0 < 5000, `shutdown took ${Date.now() - t0} ms`);
		for (const s of streams) await until(s, (x) => x.ended, 2000, 'the end of the stream');
	});
});

describe('stream connections and limits', () => {
	it('stream clients count against max_conns_per_addr; a closed one frees its place within a heartbeat', async () => {
		const limited = await startServer({ args: ['--stream_heartbeat', '1', '--max_conns_per_addr', '4'] });
		try {
			const c = limited.client('admin');
			await c.login('admin', limited.db.adminPassword);
			const open = [];
			for (let i = 0; i < 4; i++) {
				const s = await openStream(c);
				assert.equal(s.status, 200);
				open.push(s);
			}
			await new Promise((r) => setTimeout(r, 200));
			await assert.rejects(openStream(c), 'a fifth connection from the address is refused');
			close(open.pop());
			let again = null;
			for (let i = 0; i < 30 && !again; i++) {
				await new Promise((r) => setTimeout(r, 200));
				again = await openStream(c).catch(() => null);
			}
			assert.ok(again && again.status === 200, 'the closed stream\'s place is free again');
			open.push(again);
			for (const s of open) close(s);
			await limited.stop();
		} finally {
			await limited.kill();
		}
	});
});

describe('a client that falls behind', () => {
	it('is told to reconnect when its buffer is full, and with Last-Event-ID misses nothing', async () => {
		const small = await startServer({ args: ['--stream_buffer_kib', '1'] });
		try {
			const c = small.client('admin');
			await c.login('admin', small.db.adminPassword);
			let cursor = (await c.expect(200, 'GET', '/api/v1/events?limit=200')).json.next;
			const made = [];
			for (let i = 0; i < 12; i++)
				made.push((await c.expect(201, 'POST', '/api/v1/tickets', { body: { type: 'inquiry', subject: uniq(`behind${i}`), body: 'x' } })).json.id);
			const got = [];
			let reconnects = 0;
			for (let round = 0; round < 20 && got.length < made.length; round++) {
				const s = await openStream(c, '/api/v1/stream?types=ticket.created', { 'Last-Event-ID': String(cursor) });
				await until(s, (x) => x.ended || x.frames.filter((f) => f.event === 'ticket.created').length + got.length >= made.length, 5000, 'the end or every event');
				close(s);
				const frames = s.frames.filter((f) => f.event === 'ticket.created');
				got.push(...frames.map((f) => f.data.entity_id));
				if (frames.length) cursor = frames.at(-1).id;
				const last = s.frames.at(-1);
				if (last && last.event === 'reconnect') {
					reconnects++;
					assert.ok(s.ended, 'the stream ends after the reconnect event');
					assert.equal(last.data.last_event_id, cursor, 'it names the last event sent');
				}
			}
			assert.ok(reconnects >= 2, `the 1 KiB buffer made the client reconnect (${reconnects} times)`);
			assert.deepEqual(got, made, 'every event once, in order, across the reconnects');
			await small.stop();
		} finally {
			await small.kill();
		}
	});
});
