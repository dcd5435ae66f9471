// i18n.test.mjs - every visible string comes from web/i18n/*.json.
//
// Fails when a key exists in one language and not the other, when a value
// is empty, when the {placeholders} of a key differ between languages,
// when a key used in web/**/*.js (t('…'), t(`…${x}`) prefixes, te('prefix', …)
// and data-i18n="…" in HTML) is missing, or when a known enum value has
// no label.  No browser needed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const WEB = path.join(ROOT, 'web');
const LANGS = ['zh-CN', 'en'];
const dict = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(fs.readFileSync(path.join(WEB, 'i18n', `${l}.json`), 'utf8'))]));

function files(dir, ext) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory() && e.name !== 'vendor') out.push(...files(p, ext));
		else if (ext.some((x) => e.name.endsWith(x))) out.push(p);
	}
	return out;
}

/** The keys, key prefixes and te() prefixes a source text uses. */
export function usedKeys(src) {
	const keys = new Set();
	const prefixes = new Set();
	const enums = new Set();
	for (const m of src.matchAll(/\bt\(\s*'([\w.-]+)'/g)) keys.add(m[1]);
	for (const m of src.matchAll(/\bt\(\s*`([\w.-]*)\$\{/g)) prefixes.add(m[1]);
	for (const m of src.matchAll(/\bte\(\s*'([\w-]+)'/g)) enums.add(m[1]);
	for (const m of src.matchAll(/data-i18n="([\w.-]+)"/g)) keys.add(m[1]);
	return { keys, prefixes, enums };
}

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

/** Enum values the API sends; each needs a label (prefix.value) in both languages. */
const ENUMS = {
	state: ['new', 'open', 'pending_customer', 'pending_internal', 'resolved', 'closed'],
	type: ['inquiry', 'complaint', 'return', 'claim', 'suggestion', 'follow_up', 'care'],
	priority: ['low', 'normal', 'high', 'urgent'],
	channel: ['portal', 'web_form', 'email', 'phone', 'chat', 'social', 'api', 'system'],
	msg: ['public', 'note', 'customer'],
	step: ['received', 'initial_handling', 'investigation', 'solution', 'implementation', 'archived'],
	rstatus: ['requested', 'authorised', 'received', 'inspected', 'refunded', 'exchanged', 'repaired', 'rejected'],
	decision: ['pending', 'approved', 'partially_approved', 'rejected'],
	stage: ['potential', 'new', 'satisfied', 'loyal', 'at_risk', 'lapsed'],
	track: ['pending', 'info_received', 'in_transit', 'out_for_delivery', 'failed_attempt', 'available_for_pickup', 'delivered', 'exception', 'expired'],
	role: ['admin', 'manager', 'agent', 'crm', 'analyst'],
};

describe('i18n', () => {
	it('both languages have the same keys, none empty, same placeholders', () => {
		const [a, b] = LANGS.map((l) => dict[l]);
		const onlyA = Object.keys(a).filter((k) => !(k in b));
		const onlyB = Object.keys(b).filter((k) => !(k in a));
		assert.deepEqual(onlyA, [], `keys only in ${LANGS[0]}`);
		assert.deepEqual(onlyB, [], `keys only in ${LANGS[1]}`);
		for (const l of LANGS) for (const [k, v] of Object.entries(dict[l])) assert.ok(typeof v === 'string' && v.trim(), `${l}: ${k} is empty`);
		for (const k of Object.keys(a)) assert.equal(placeholders(a[k]), placeholders(b[k]), `placeholders of ${k} differ`);
	});

	it('every key the pages use exists in both languages', () => {
		const missing = [];
		for (const f of files(WEB, ['.js', '.html'])) {
			const { keys, prefixes, enums } = usedKeys(fs.readFileSync(f, 'utf8'));
			const rel = path.relative(ROOT, f);
			for (const l of LANGS) {
				for (const k of keys) if (!(k in dict[l])) missing.push(`${rel}: ${l} lacks ${k}`);
				for (const p of [...prefixes, ...[...enums].map((e) => e + '.')])
					if (!Object.keys(dict[l]).some((k) => k.startsWith(p))) missing.push(`${rel}: ${l} has no key starting ${p}`);
			}
		}
		assert.deepEqual(missing, []);
	});

	it('every enum value the API sends has a label', () => {
		const missing = [];
		for (const l of LANGS) for (const [p, vals] of Object.entries(ENUMS)) for (const v of vals) if (!(`${p}.${v}` in dict[l])) missing.push(`${l}: ${p}.${v}`);
		assert.deepEqual(missing, []);
	});

	it('finds the keys of a source text (the extractor itself)', () => {
		const u = usedKeys("t('a.b'); t(`view.${x}`); te('state', s); <b data-i18n=\"c.d\">");
		assert.deepEqual([...u.keys].sort(), ['a.b', 'c.d']);
		assert.deepEqual([...u.prefixes], ['view.']);
		assert.deepEqual([...u.enums], ['state']);
	});
});
