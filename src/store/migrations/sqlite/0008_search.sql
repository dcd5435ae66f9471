-- 0008: full-text search over tickets, messages, customers and orders,
-- in Chinese and English (terms made by base/textsearch.c: CJK bigrams
-- and lower-cased words), and saved views per user.
CREATE TABLE search_docs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	ref_id INTEGER NOT NULL,
	parent_id INTEGER,
	title TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	UNIQUE (kind, ref_id)
);
CREATE VIRTUAL TABLE search_fts USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE saved_views (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	query TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (user_id, name)
);
