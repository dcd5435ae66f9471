// schema_parity.test.mjs - one schema, two dialects.
//
// Migrates a fresh SQLite database and a fresh PostgreSQL database with
// kefu's own migrations (`kefu init`) and compares their catalogs: tables,
// columns (type through the mapping below, nullability, defaults where
// comparable), primary keys, unique constraints, indexes (name, columns in
// order, unique, partial), foreign keys (columns, referenced table and
// columns, ON DELETE), CHECK constraints by the columns they name and the
// literals they hold, and views and triggers by name.
// Any difference fails with a message naming the table, column or index.
// Deliberate differences are in ALLOW below, each with its reason.
//
// The comparison needs both databases, so the parity test itself runs in
// the PostgreSQL API run (make pg-suite / api-pg); on a SQLite-only run it
// is skipped with the reason printed.  The comparison machinery is proven on
// every run by the planted-difference tests, which compare a fresh SQLite
// schema with an altered copy of itself (and, on PostgreSQL, the PostgreSQL
// schema with an altered copy of the SQLite one).
//
// Catalogs are read with the sqlite3 and psql command-line clients.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BACKEND, PG_URL, cleanup, kefuOk, resetPostgres, run, tmpDir } from './lib.mjs';

test.after(cleanup);

// --- deliberate differences ---------------------------------------------------
// Each entry: what (a prefix of a difference message) and why.
const ALLOW = [
	{ what: 'table search_fts: only in sqlite', why: 'SQLite full-text search is an FTS5 virtual table; PostgreSQL uses the tsvector column search_docs.tsv (docs/architecture.md, search)' },
	{ what: 'table search_fts_config: only in sqlite', why: 'FTS5 shadow table of search_fts' },
	{ what: 'table search_fts_content: only in sqlite', why: 'FTS5 shadow table of search_fts' },
	{ what: 'table search_fts_data: only in sqlite', why: 'FTS5 shadow table of search_fts' },
	{ what: 'table search_fts_docsize: only in sqlite', why: 'FTS5 shadow table of search_fts' },
	{ what: 'table search_fts_idx: only in sqlite', why: 'FTS5 shadow table of search_fts' },
	{ what: 'table search_docs column terms: only in postgres', why: 'on SQLite the terms are a column of the FTS5 table search_fts (rowid = search_docs.id)' },
	{ what: 'table search_docs column pii: only in postgres', why: 'on SQLite the personal terms are a column of the FTS5 table search_fts (0017_privacy)' },
	{ what: 'table search_docs column tsv: only in postgres', why: 'PostgreSQL full text: the generated tsvector of terms' },
	{ what: 'table search_docs column tsv_all: only in postgres', why: 'PostgreSQL full text: the generated tsvector of terms and pii (0017_privacy)' },
	{ what: 'table search_docs index search_docs_tsv: only in postgres', why: 'the GIN index of tsv; FTS5 indexes itself on SQLite' },
	{ what: 'table search_docs index search_docs_tsv_all: only in postgres', why: 'the GIN index of tsv_all; FTS5 indexes itself on SQLite' },
];

// --- type mapping -------------------------------------------------------------
// SQLite declared type affinity <-> PostgreSQL data_type.
const SQLITE_TYPES = { INTEGER: 'integer', TEXT: 'text', REAL: 'real', BLOB: 'blob' };
const PG_TYPES = {
	bigint: 'integer',
	integer: 'integer',
	smallint: 'integer',
	boolean: 'integer',
	text: 'text',
	'character varying': 'text',
	'double precision': 'real',
	real: 'real',
	bytea: 'blob',
	tsvector: 'tsvector',
};

// --- reading the catalogs -----------------------------------------------------

async function sqliteJson(file, sql) {
	const r = await run('sqlite3', ['-json', file, sql], { rawEnv: process.env });
	assert.equal(r.code, 0, `sqlite3 ${file}: ${sql}\n${r.stderr}`);
	return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

async function pgJson(url, sql) {
	const q = `SELECT coalesce(json_agg(row_to_json(q)), '[]') FROM (${sql}) q`;
	const r = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', url, '-c', q], { rawEnv: process.env });
	assert.equal(r.code, 0, `psql: ${sql}\n${r.stderr}`);
	return JSON.parse(r.stdout);
}

function emptyTable() {
	return { columns: {}, pk: [], uniques: [], indexes: {}, fks: [], checks: [] };
}

/** A default as written, reduced to something both dialects can agree on. */
export function normDefault(d) {
	if (d === null || d === undefined) return null;
	let s = String(d).trim();
	if (/^nextval\(/i.test(s)) return null; // the serial of an identity column
	while (/^\(.*\)$/s.test(s)) s = s.slice(1, -1).trim();
	const cast = /::([a-z ]+)(\[\])?$/i.exec(s);
	if (cast) s = s.slice(0, cast.index);
	// PostgreSQL shows DEFAULT -1 on an integer column as '-1'::integer.
	if (cast && /^(bigint|integer|smallint|double precision|real|numeric)$/i.test(cast[1]) && /^'-?\d+(\.\d+)?'$/.test(s)) s = s.slice(1, -1);
	while (/^\(.*\)$/s.test(s)) s = s.slice(1, -1).trim();
	if (/^'.*'$/s.test(s) || /^-?\d+(\.\d+)?$/.test(s)) return s;
	if (/^(true|false)$/i.test(s)) return /^true$/i.test(s) ? '1' : '0';
	return '<expression>';
}

/** The identifiers of cols that occur in expr outside string literals. */
function columnsIn(expr, cols) {
	const bare = expr.replace(/'([^']|'')*'/g, "''");
	const found = new Set();
	for (const m of bare.matchAll(/"([^"]+)"|\b([A-Za-z_][A-Za-z0-9_]*)\b/g)) {
		const id = (m[1] || m[2]).toLowerCase();
		if (cols.includes(id)) found.add(id);
	}
	return [...found].sort();
}

/**
 * The literals of a CHECK expression, sorted: strings as written, numbers
 * bare.  PostgreSQL's rendering ('a'::text, ARRAY[...], (0)::double
 * precision, '-1'::integer, BETWEEN as >= AND <=) keeps the same literals.
 */
export function literalsIn(expr) {
	const lits = new Set();
	const rest = expr.replace(/'((?:[^']|'')*)'(::([a-z ]+))?/gi, (_, str, _c, type) => {
		const numeric = type && /^(bigint|integer|smallint|numeric|real|double precision)/i.test(type.trim()) && /^-?\d+(\.\d+)?$/.test(str);
		lits.add(numeric ? String(Number(str)) : `'${str}'`);
		return ' ';
	});
	for (const m of rest.matchAll(/(?<![A-Za-z0-9_.])-?\d+(\.\d+)?(?![A-Za-z0-9_])/g)) lits.add(String(Number(m[0])));
	return [...lits].sort();
}

/** A CHECK constraint as a key: the columns it names and its literals. */
function checkKey(cols, expr) {
	const lits = literalsIn(expr);
	return cols.join(',') + (lits.length ? ` [${lits.join(', ')}]` : '');
}

/** The text from just after an opening parenthesis up to its match. */
function parenBody(text) {
	let depth = 0;
	let quote = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (ch === "'") quote = !quote;
		else if (!quote && ch === '(') depth++;
		else if (!quote && ch === ')') {
			if (depth === 0) return text.slice(0, i);
			depth--;
		}
	}
	return text;
}

/** The top-level parts of a CREATE TABLE body, split at commas. */
function createParts(sql) {
	const open = sql.indexOf('(');
	const parts = [];
	let depth = 0;
	let cur = '';
	let quote = null;
	for (const ch of sql.slice(open + 1)) {
		if (quote) {
			if (ch === quote) quote = null;
		} else if (ch === "'" || ch === '"') quote = ch;
		else if (ch === '(') depth++;
		else if (ch === ')') {
			if (depth === 0) break;
			depth--;
		} else if (ch === ',' && depth === 0) {
			parts.push(cur.trim());
			cur = '';
			continue;
		}
		cur += ch;
	}
	if (cur.trim()) parts.push(cur.trim());
	return parts;
}

/** The CHECK constraints of a SQLite CREATE TABLE, as sorted column lists. */
function sqliteChecks(sql, cols) {
	const checks = [];
	for (const part of createParts(sql)) {
		const first = part.split(/\s+/)[0].replace(/"/g, '').toLowerCase();
		const isColumn = cols.includes(first);
		for (const m of part.matchAll(/\bCHECK\s*\(/gi)) {
			const body = parenBody(part.slice(m.index + m[0].length));
			const set = new Set(columnsIn(body, cols));
			if (isColumn) set.add(first);
			checks.push(checkKey([...set].sort(), body));
		}
	}
	return checks.sort();
}

const SQLITE_ACTIONS = { 'NO ACTION': 'no action', RESTRICT: 'restrict', CASCADE: 'cascade', 'SET NULL': 'set null', 'SET DEFAULT': 'set default' };
const PG_ACTIONS = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

export async function readSqlite(file) {
	const schema = {};
	const tables = await sqliteJson(file, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
	for (const t of tables) schema[t.name] = emptyTable();
	const cols = await sqliteJson(file, "SELECT m.name AS tbl, p.name, p.type, p.[notnull] AS nn, p.dflt_value AS dflt, p.pk FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'");
	for (const c of cols) {
		const t = schema[c.tbl];
		if (!t) continue;
		const type = SQLITE_TYPES[String(c.type).toUpperCase()] || `?${c.type}`;
		t.columns[c.name] = { type, notnull: !!c.nn || c.pk > 0, default: normDefault(c.dflt) };
		if (c.pk > 0) t.pk[c.pk - 1] = c.name;
	}
	const idx = await sqliteJson(file, "SELECT m.name AS tbl, il.name AS idx, il.[unique] AS uniq, il.origin, il.partial, (SELECT json_group_array(coalesce(ii.name, '<expression>')) FROM (SELECT * FROM pragma_index_info(il.name) ORDER BY seqno) ii) AS cols FROM sqlite_master m, pragma_index_list(m.name) il WHERE m.type = 'table'");
	for (const i of idx) {
		const t = schema[i.tbl];
		if (!t || i.origin === 'pk') continue;
		const colList = JSON.parse(i.cols);
		if (i.origin === 'u') t.uniques.push(colList.join(','));
		else t.indexes[i.idx] = { cols: colList, unique: !!i.uniq, partial: !!i.partial };
	}
	const fks = await sqliteJson(file, "SELECT m.name AS tbl, f.id, f.seq, f.[table] AS ref, f.[from] AS col, f.[to] AS refcol, f.on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1, 2, 3");
	const byId = new Map();
	for (const f of fks) {
		const key = `${f.tbl}#${f.id}`;
		if (!byId.has(key)) byId.set(key, { tbl: f.tbl, ref: f.ref, cols: [], refcols: [], onDelete: SQLITE_ACTIONS[f.on_delete] || f.on_delete });
		const e = byId.get(key);
		e.cols.push(f.col);
		e.refcols.push(f.refcol);
	}
	for (const e of byId.values()) {
		// REFERENCES t without columns means t's primary key.
		const refcols = e.refcols.some((c) => c === null) ? schema[e.ref]?.pk || [] : e.refcols;
		schema[e.tbl]?.fks.push(`(${e.cols.join(',')}) -> ${e.ref}(${refcols.join(',')}) on delete ${e.onDelete}`);
	}
	for (const t of tables) {
		const s = schema[t.name];
		s.checks = sqliteChecks(t.sql || '', Object.keys(s.columns));
		s.uniques.sort();
		s.fks.sort();
	}
	const others = await sqliteJson(file, "SELECT type || ' ' || name AS what FROM sqlite_master WHERE type IN ('view', 'trigger')");
	return { tables: schema, others: others.map((o) => o.what).sort() };
}

const PG_ATTS = (arr, rel) =>
	`(SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(${arr}) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum)`;

export async function readPg(url) {
	const schema = {};
	const tables = await pgJson(url, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
	for (const t of tables) schema[t.name] = emptyTable();
	const cols = await pgJson(url, "SELECT table_name AS tbl, column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS dflt FROM information_schema.columns WHERE table_schema = 'public'");
	for (const c of cols) {
		const t = schema[c.tbl];
		if (!t) continue;
		t.columns[c.name] = { type: PG_TYPES[c.type] || `?${c.type}`, notnull: c.nullable === 'NO', default: normDefault(c.dflt) };
	}
	const cons = await pgJson(
		url,
		`SELECT c.relname AS tbl, co.contype AS kind, ${PG_ATTS('co.conkey', 'co.conrelid')} AS cols,
			fc.relname AS ref, ${PG_ATTS('co.confkey', 'co.confrelid')} AS refcols, co.confdeltype AS ondel,
			pg_get_constraintdef(co.oid) AS def
		FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_class fc ON fc.oid = co.confrelid
		WHERE n.nspname = 'public' AND co.contype IN ('p', 'u', 'f', 'c')`,
	);
	for (const k of cons) {
		const t = schema[k.tbl];
		if (!t) continue;
		const colList = k.cols || [];
		if (k.kind === 'p') t.pk = colList;
		else if (k.kind === 'u') t.uniques.push(colList.join(','));
		else if (k.kind === 'f') t.fks.push(`(${colList.join(',')}) -> ${k.ref}(${(k.refcols || []).join(',')}) on delete ${PG_ACTIONS[k.ondel]}`);
		else t.checks.push(checkKey([...colList].sort(), k.def.replace(/^CHECK\s*/i, '')));
	}
	const idx = await pgJson(
		url,
		`SELECT c.relname AS tbl, i.relname AS idx, ix.indisunique AS uniq, ix.indpred IS NOT NULL AS partial,
			(SELECT array_agg(coalesce(a.attname, '<expression>') ORDER BY k.ord)
			 FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
			 LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum > 0) AS cols
		FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND NOT ix.indisprimary
		AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = ix.indexrelid AND co.contype IN ('u', 'p'))`,
	);
	for (const i of idx) {
		const t = schema[i.tbl];
		if (t) t.indexes[i.idx] = { cols: i.cols, unique: i.uniq, partial: i.partial };
	}
	for (const t of Object.values(schema)) {
		t.uniques.sort();
		t.fks.sort();
		t.checks.sort();
	}
	const others = await pgJson(
		url,
		`SELECT 'view ' || table_name AS what FROM information_schema.views WHERE table_schema = 'public'
		UNION ALL SELECT 'trigger ' || tg.tgname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT tg.tgisinternal`,
	);
	return { tables: schema, others: others.map((o) => o.what).sort() };
}

// --- comparing ----------------------------------------------------------------

function diffList(out, where, what, a, b, na, nb) {
	for (const x of a) if (!b.includes(x)) out.push(`${where}: ${what} ${x} only in ${na}`);
	for (const x of b) if (!a.includes(x)) out.push(`${where}: ${what} ${x} only in ${nb}`);
}

function compareColumns(out, name, ta, tb, na, nb) {
	for (const c of Object.keys(ta.columns).sort()) {
		const ca = ta.columns[c];
		const cb = tb.columns[c];
		const where = `table ${name} column ${c}`;
		if (!cb) {
			out.push(`${where}: only in ${na}`);
			continue;
		}
		if (ca.type !== cb.type) out.push(`${where}: type ${ca.type} in ${na}, ${cb.type} in ${nb}`);
		if (ca.notnull !== cb.notnull) out.push(`${where}: ${ca.notnull ? 'NOT NULL' : 'nullable'} in ${na}, ${cb.notnull ? 'NOT NULL' : 'nullable'} in ${nb}`);
		const comparable = ca.default !== '<expression>' && cb.default !== '<expression>';
		if (comparable ? ca.default !== cb.default : (ca.default === null) !== (cb.default === null))
			out.push(`${where}: default ${ca.default} in ${na}, ${cb.default} in ${nb}`);
	}
	for (const c of Object.keys(tb.columns).sort()) if (!ta.columns[c]) out.push(`table ${name} column ${c}: only in ${nb}`);
}

function compareIndexes(out, name, ta, tb, na, nb) {
	const fmt = (i) => `(${i.cols.join(',')})${i.unique ? ' unique' : ''}${i.partial ? ' partial' : ''}`;
	for (const i of Object.keys(ta.indexes).sort()) {
		const where = `table ${name} index ${i}`;
		if (!tb.indexes[i]) out.push(`${where}: only in ${na}`);
		else if (fmt(ta.indexes[i]) !== fmt(tb.indexes[i])) out.push(`${where}: ${fmt(ta.indexes[i])} in ${na}, ${fmt(tb.indexes[i])} in ${nb}`);
	}
	for (const i of Object.keys(tb.indexes).sort()) if (!ta.indexes[i]) out.push(`table ${name} index ${i}: only in ${nb}`);
}

function compareTable(out, name, ta, tb, na, nb) {
	compareColumns(out, name, ta, tb, na, nb);
	if (ta.pk.join(',') !== tb.pk.join(',')) out.push(`table ${name}: primary key (${ta.pk.join(',')}) in ${na}, (${tb.pk.join(',')}) in ${nb}`);
	diffList(out, `table ${name}`, 'unique constraint on', ta.uniques, tb.uniques, na, nb);
	diffList(out, `table ${name}`, 'foreign key', ta.fks, tb.fks, na, nb);
	diffList(out, `table ${name}`, 'CHECK constraint on', ta.checks, tb.checks, na, nb);
	compareIndexes(out, name, ta, tb, na, nb);
}

/** Every difference between two schemas, as messages; allowed ones left out. */
export function compareSchemas(sa, sb, na, nb, allow = ALLOW) {
	const out = [];
	const a = sa.tables;
	const b = sb.tables;
	for (const name of Object.keys(a).sort()) {
		if (!b[name]) out.push(`table ${name}: only in ${na}`);
		else compareTable(out, name, a[name], b[name], na, nb);
	}
	for (const name of Object.keys(b).sort()) if (!a[name]) out.push(`table ${name}: only in ${nb}`);
	for (const o of sa.others) if (!sb.others.includes(o)) out.push(`${o}: only in ${na}`);
	for (const o of sb.others) if (!sa.others.includes(o)) out.push(`${o}: only in ${nb}`);
	return out.filter((m) => !allow.some((e) => m.startsWith(e.what)));
}

// --- the databases --------------------------------------------------------------

async function freshSqlite() {
	const dir = tmpDir();
	const file = path.join(dir, 'kefu.db');
	await kefuOk(['init', '--db', file], { cwd: dir });
	return file;
}

async function sqliteExec(file, sql) {
	const r = await run('sqlite3', [file, sql], { rawEnv: process.env });
	assert.equal(r.code, 0, `sqlite3: ${sql}\n${r.stderr}`);
}

async function copySqlite(file) {
	const copy = path.join(tmpDir(), 'copy.db');
	await sqliteExec(file, `VACUUM INTO '${copy}'`);
	assert.ok(fs.existsSync(copy));
	return copy;
}

async function freshPg() {
	await resetPostgres();
	const dir = tmpDir();
	await kefuOk(['init', '--db', PG_URL], { cwd: dir });
}

// --- the tests ----------------------------------------------------------------

test('the SQLite and PostgreSQL schemas from the migrations agree', async (t) => {
	if (BACKEND !== 'postgres') {
		const why = 'schema parity needs PostgreSQL: it runs in the PostgreSQL API run (make pg-suite); this SQLite run only proves the comparison on planted differences';
		console.log(`# SKIPPED: ${why}`);
		t.skip(why);
		return;
	}
	const file = await freshSqlite();
	await freshPg();
	const lite = await readSqlite(file);
	const pg = await readPg(PG_URL);
	assert.ok(Object.keys(lite.tables).length > 50, `sqlite catalog read ${Object.keys(lite.tables).length} tables`);
	assert.ok(Object.keys(pg.tables).length > 50, `postgres catalog read ${Object.keys(pg.tables).length} tables`);
	// The readers see what is there (an empty reading on both sides would agree).
	for (const [name, { tables: s }] of [['sqlite', lite], ['postgres', pg]]) {
		const stateCheck = "state ['closed', 'new', 'open', 'pending_customer', 'pending_internal', 'resolved']";
		assert.ok(s.tickets.checks.includes(stateCheck), `${name}: no CHECK on tickets.state read: ${s.tickets.checks}`);
		assert.ok(s.tickets.fks.some((f) => f.startsWith('(category_id) -> categories(id)')), `${name}: no foreign key tickets.category_id read: ${s.tickets.fks}`);
		assert.deepEqual(s.tickets.pk, ['id'], `${name}: primary key of tickets`);
		assert.ok(Object.keys(s.tickets.indexes).length > 0, `${name}: no index of tickets read`);
		assert.equal(s.tickets.columns.subject.notnull, true, `${name}: tickets.subject NOT NULL`);
	}
	const count = (s, key) => Object.values(s.tables).reduce((n, t) => n + t[key].length, 0);
	for (const key of ['checks', 'fks']) {
		assert.ok(count(lite, key) > 30, `sqlite: only ${count(lite, key)} ${key} read`);
		assert.ok(count(pg, key) > 30, `postgres: only ${count(pg, key)} ${key} read`);
	}
	const diffs = compareSchemas(lite, pg, 'sqlite', 'postgres');
	assert.deepEqual(diffs, [], `the schemas differ:\n  ${diffs.join('\n  ')}`);
	// An allow-list entry that no longer matches anything is stale: remove it.
	const raw = compareSchemas(lite, pg, 'sqlite', 'postgres', []);
	const stale = ALLOW.filter((e) => !raw.some((m) => m.startsWith(e.what))).map((e) => e.what);
	assert.deepEqual(stale, [], `allow-list entries that match no difference: ${stale.join('; ')}`);
});

test('a planted difference in SQLite is reported, naming table, column and index', async () => {
	const file = await freshSqlite();
	const copy = await copySqlite(file);
	const same = compareSchemas(await readSqlite(file), await readSqlite(copy), 'a', 'b');
	assert.deepEqual(same, [], 'a copy differs from itself');
	const ticketIndex = (await sqliteJson(copy, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL ORDER BY name LIMIT 1"))[0].name;
	await sqliteExec(file, 'CREATE TABLE planted_t (id INTEGER PRIMARY KEY, n INTEGER, t_id INTEGER)');
	await sqliteExec(
		copy,
		`ALTER TABLE tickets ADD COLUMN planted TEXT NOT NULL DEFAULT 'x';
		 CREATE INDEX planted_idx ON customers(name, id) WHERE name IS NOT NULL;
		 DROP INDEX ${ticketIndex};
		 CREATE TABLE planted_t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n > 0),
			t_id INTEGER REFERENCES tickets(id) ON DELETE CASCADE, UNIQUE (n, t_id));
		 CREATE TABLE planted_only (id INTEGER PRIMARY KEY);
		 CREATE VIEW planted_v AS SELECT id FROM tickets;
		 CREATE TRIGGER planted_trg AFTER INSERT ON planted_only BEGIN SELECT 1; END;`,
	);
	const diffs = compareSchemas(await readSqlite(file), await readSqlite(copy), 'a', 'b');
	const want = [
		'table customers index planted_idx: only in b',
		'table planted_only: only in b',
		'table planted_t column n: nullable in a, NOT NULL in b',
		'table planted_t: CHECK constraint on n [0] only in b',
		'table planted_t: foreign key (t_id) -> tickets(id) on delete cascade only in b',
		'table planted_t: unique constraint on n,t_id only in b',
		'table tickets column planted: only in b',
		`table tickets index ${ticketIndex}: only in a`,
		'trigger planted_trg: only in b',
		'view planted_v: only in b',
	];
	assert.deepEqual([...diffs].sort(), want.sort());
});

test('the comparison sees types, nullability, defaults, keys, checks and index shape', () => {
	const base = () => ({
		others: [],
		tables: {
			t: {
				columns: { id: { type: 'integer', notnull: true, default: null }, n: { type: 'text', notnull: false, default: "'a'" } },
				pk: ['id'],
				uniques: [],
				indexes: { t_n: { cols: ['n'], unique: false, partial: false } },
				fks: [],
				checks: [],
			},
		},
	});
	const cases = [
		[(s) => (s.tables.t.columns.n.type = 'integer'), 'table t column n: type text in a, integer in b'],
		[(s) => (s.tables.t.columns.n.notnull = true), 'table t column n: nullable in a, NOT NULL in b'],
		[(s) => (s.tables.t.columns.n.default = "'b'"), "table t column n: default 'a' in a, 'b' in b"],
		[(s) => (s.tables.t.columns.n.default = null), "table t column n: default 'a' in a, null in b"],
		[(s) => (s.tables.t.pk = ['id', 'n']), 'table t: primary key (id) in a, (id,n) in b'],
		[(s) => s.tables.t.uniques.push('n'), 'table t: unique constraint on n only in b'],
		[(s) => s.tables.t.fks.push('(n) -> u(id) on delete cascade'), 'table t: foreign key (n) -> u(id) on delete cascade only in b'],
		[(s) => s.tables.t.checks.push('n'), 'table t: CHECK constraint on n only in b'],
		[(s) => (s.tables.t.indexes.t_n.unique = true), 'table t index t_n: (n) in a, (n) unique in b'],
		[(s) => (s.tables.t.indexes.t_n.partial = true), 'table t index t_n: (n) in a, (n) partial in b'],
		[(s) => (s.tables.t.indexes.t_n.cols = ['n', 'id']), 'table t index t_n: (n) in a, (n,id) in b'],
		[(s) => s.others.push('view v'), 'view v: only in b'],
		[(s) => delete s.tables.t.columns.n, 'table t column n: only in a'],
	];
	assert.deepEqual(compareSchemas(base(), base(), 'a', 'b'), []);
	for (const [plant, want] of cases) {
		const b = base();
		plant(b);
		assert.deepEqual(compareSchemas(base(), b, 'a', 'b'), [want]);
	}
});

test('CHECK literals read alike from both spellings', () => {
	assert.deepEqual(literalsIn("state IN ('new', 'open')"), ["'new'", "'open'"]);
	assert.deepEqual(literalsIn("(state = ANY (ARRAY['new'::text, 'open'::text]))"), ["'new'", "'open'"]);
	assert.deepEqual(literalsIn('weekday BETWEEN 0 AND 6'), ['0', '6']);
	assert.deepEqual(literalsIn('((weekday >= 0) AND (weekday <= 6))'), ['0', '6']);
	assert.deepEqual(literalsIn("(x >= (0)::double precision) AND (y > '-1'::integer)"), ['-1', '0']);
	assert.deepEqual(literalsIn("code2 IN ('a1', 'it''s')"), ["'a1'", "'it''s'"]);
});

test('defaults are compared where both dialects can spell them alike', () => {
	assert.equal(normDefault("'open'::text"), "'open'");
	assert.equal(normDefault("'[]'"), "'[]'");
	assert.equal(normDefault('0'), '0');
	assert.equal(normDefault('(0)'), '0');
	assert.equal(normDefault("'-1'::integer"), '-1');
	assert.equal(normDefault("'-1'::text"), "'-1'");
	assert.equal(normDefault("nextval('t_id_seq'::regclass)"), null);
	assert.equal(normDefault('now()'), '<expression>');
	assert.equal(normDefault(null), null);
});

test('a planted difference on the PostgreSQL side is reported', async (t) => {
	if (BACKEND !== 'postgres') {
		t.skip('needs PostgreSQL (runs in make pg-suite)');
		return;
	}
	const file = await freshSqlite();
	await freshPg();
	const r = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', PG_URL, '-c', 'ALTER TABLE tickets ALTER COLUMN subject DROP NOT NULL; CREATE INDEX pg_planted ON tickets (state, id); ALTER TABLE customers ADD CONSTRAINT planted_check CHECK (id > 0); ALTER TABLE tickets DROP CONSTRAINT tickets_language_check; ALTER TABLE tickets ADD CONSTRAINT tickets_language_check CHECK (language IN (\'zh\', \'en\', \'fr\'))'], { rawEnv: process.env });
	assert.equal(r.code, 0, r.stderr);
	const diffs = compareSchemas(await readSqlite(file), await readPg(PG_URL), 'sqlite', 'postgres');
	assert.ok(diffs.includes('table tickets column subject: NOT NULL in sqlite, nullable in postgres'), diffs.join('\n'));
	assert.ok(diffs.includes('table tickets index pg_planted: only in postgres'), diffs.join('\n'));
	assert.ok(diffs.includes('table customers: CHECK constraint on id [0] only in postgres'), diffs.join('\n'));
	assert.ok(diffs.includes("table tickets: CHECK constraint on language ['en', 'fr', 'zh'] only in postgres"), diffs.join('\n'));
	assert.ok(diffs.includes("table tickets: CHECK constraint on language ['en', 'zh'] only in sqlite"), diffs.join('\n'));
	assert.equal(diffs.length, 5, diffs.join('\n'));
});
