-- 0015: personal fields (a customer's phone, e-mail and other identities)
-- get a search column of their own, matched only for callers with
-- pii.read, so a role that sees them masked cannot rebuild them by
-- prefix probing.  The terms already indexed for customers move there
-- whole (name included) until `kefu search --reindex` rebuilds them.
CREATE VIRTUAL TABLE search_fts_new USING fts5(terms, pii, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO search_fts_new (rowid, terms, pii)
	SELECT f.rowid, CASE WHEN d.kind = 'customer' THEN '' ELSE f.terms END,
	       CASE WHEN d.kind = 'customer' THEN f.terms ELSE '' END
	FROM search_fts f JOIN search_docs d ON d.id = f.rowid;
DROP TABLE search_fts;
ALTER TABLE search_fts_new RENAME TO search_fts;
