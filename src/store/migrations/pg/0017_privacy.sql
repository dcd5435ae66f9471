-- 0015: personal fields (a customer's phone, e-mail and other identities)
-- get a search column of their own, matched only for callers with
-- pii.read (tsv_all), so a role that sees them masked cannot rebuild them
-- by prefix probing (tsv).  The terms already indexed for customers move
-- there whole (name included) until `kefu search --reindex` rebuilds them.
ALTER TABLE search_docs ADD COLUMN pii TEXT NOT NULL DEFAULT '';
UPDATE search_docs SET pii = terms, terms = '' WHERE kind = 'customer';
ALTER TABLE search_docs ADD COLUMN tsv_all tsvector
	GENERATED ALWAYS AS (to_tsvector('simple', terms || ' ' || pii)) STORED;
CREATE INDEX search_docs_tsv_all ON search_docs USING GIN (tsv_all);
