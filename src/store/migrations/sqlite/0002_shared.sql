-- 0002: the durable job table behind the scheduler: SLA checks,
-- follow-ups, care, delay notices.  One pending job per (kind, ref_id);
-- scheduling again moves its due time.  A restart loses none.
CREATE TABLE jobs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	ref_id INTEGER NOT NULL,
	due_at INTEGER NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	locked_until INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (kind, ref_id)
);
CREATE INDEX jobs_due ON jobs (state, due_at);

-- The customer timeline (360° view): every area appends a row when it
-- creates something about a customer (an order, a shipment, a ticket, a
-- message, a follow-up, a survey, a delay notice), in the same
-- transaction.  One indexed table makes the newest-first page constant
-- cost at any size, instead of a UNION over every area's tables.
CREATE TABLE timeline (
	id INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL,
	at INTEGER NOT NULL,
	kind TEXT NOT NULL,
	ref_id INTEGER NOT NULL,
	summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX timeline_customer ON timeline (customer_id, at, id);
