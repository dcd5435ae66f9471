-- 0011: customer value (RFM, ABC, loyalty, lifecycle; PRODUCT.md Q5, Q6, C2).
-- One row per customer, written by the customer_value job
-- (analytics/value_job.c) so dashboards read it at once; only rows that
-- changed are rewritten: recency is kept as the last purchase's time, so a
-- row does not change only because a day passed.  Definitions: docs/metrics/customer-value.md.
-- A customer who never bought has last_purchase_at, r, f, m and segment NULL,
-- abc_class 'C' and stage 'potential'.  customers.tier takes abc_class and
-- customers.stage takes stage in the same run.
CREATE TABLE customer_value (
	customer_id INTEGER PRIMARY KEY REFERENCES customers (id),
	last_purchase_at INTEGER,
	frequency INTEGER NOT NULL DEFAULT 0,
	monetary_minor INTEGER NOT NULL DEFAULT 0,
	r INTEGER CHECK (r BETWEEN 1 AND 5),
	f INTEGER CHECK (f BETWEEN 1 AND 5),
	m INTEGER CHECK (m BETWEEN 1 AND 5),
	segment TEXT,
	abc_class TEXT NOT NULL DEFAULT 'C' CHECK (abc_class IN ('A', 'B', 'C')),
	tucker INTEGER NOT NULL DEFAULT 0 CHECK (tucker IN (0, 1)),
	share_of_wallet REAL,
	loyalty TEXT NOT NULL DEFAULT 'unknown'
		CHECK (loyalty IN ('true', 'latent', 'spurious', 'none', 'unknown')),
	stage TEXT NOT NULL DEFAULT 'potential'
		CHECK (stage IN ('potential', 'new', 'satisfied', 'loyal', 'at_risk', 'lapsed')),
	computed_at INTEGER NOT NULL
);
CREATE INDEX customer_value_segment ON customer_value (segment, customer_id);

-- One row per recompute: the instant it ran as of, with which ABC
-- thresholds, and what it found and changed.  Reports read customer_value
-- only when the newest run is fresh (analytics/value.h).
CREATE TABLE customer_value_runs (
	id INTEGER PRIMARY KEY,
	as_of INTEGER NOT NULL,
	abc_a REAL NOT NULL,
	abc_b REAL NOT NULL,
	customers INTEGER NOT NULL,
	buyers INTEGER NOT NULL,
	orders INTEGER NOT NULL,
	revenue_minor INTEGER NOT NULL,
	rows_written INTEGER NOT NULL,
	tiers_changed INTEGER NOT NULL,
	stages_changed INTEGER NOT NULL
);
