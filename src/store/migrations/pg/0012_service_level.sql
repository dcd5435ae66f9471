-- 0012: service-level facts and daily aggregates (PRODUCT.md L3; the
-- definitions are in docs/metrics/service-level.md, the arithmetic in
-- src/analytics/service_level.c, the upkeep in src/analytics/service_facts.c).
--
-- order_facts holds what each order last added to service_daily: its
-- local day (days since 1970-01-01 of placed_at in service_state.tz), the
-- dimensions it was counted under and its flags and counts
-- (analytics/service_level.h enum sl_flag).  order_fact_categories holds
-- the same per product category of its lines.  When an order changes, the
-- job takes the old fact out of service_daily and puts the new one in, so
-- service_daily always equals a full recomputation.  cycle_s is -1 for an
-- order not delivered.
CREATE TABLE order_facts (
	order_id BIGINT PRIMARY KEY,
	day BIGINT NOT NULL,
	carrier TEXT NOT NULL DEFAULT '',
	mode TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	flags BIGINT NOT NULL,
	lines BIGINT NOT NULL,
	lines_complete BIGINT NOT NULL,
	lines_stockout BIGINT NOT NULL,
	units BIGINT NOT NULL,
	units_shipped BIGINT NOT NULL,
	cycle_s BIGINT NOT NULL
);

CREATE TABLE order_fact_categories (
	order_id BIGINT NOT NULL,
	category TEXT NOT NULL,
	flags BIGINT NOT NULL,
	lines BIGINT NOT NULL,
	lines_complete BIGINT NOT NULL,
	lines_stockout BIGINT NOT NULL,
	units BIGINT NOT NULL,
	units_shipped BIGINT NOT NULL,
	cycle_s BIGINT NOT NULL,
	PRIMARY KEY (order_id, category)
);

-- One row per (dimension kind, value, local day): the additive counters of
-- analytics/service_level.h enum sl_counter, the sum of squared cycle
-- times and the cycle-time histogram (analytics/stats.h compact form).
-- kind 'all' has value ''.
CREATE TABLE service_daily (
	kind TEXT NOT NULL CHECK (kind IN ('all', 'carrier', 'mode', 'region', 'category')),
	value TEXT NOT NULL,
	day BIGINT NOT NULL,
	orders BIGINT NOT NULL,
	processed BIGINT NOT NULL,
	lines BIGINT NOT NULL,
	lines_complete BIGINT NOT NULL,
	lines_stockout BIGINT NOT NULL,
	units BIGINT NOT NULL,
	units_shipped BIGINT NOT NULL,
	complete BIGINT NOT NULL,
	in_full BIGINT NOT NULL,
	delivered BIGINT NOT NULL,
	due BIGINT NOT NULL,
	on_time BIGINT NOT NULL,
	otif BIGINT NOT NULL,
	perfect BIGINT NOT NULL,
	damaged BIGINT NOT NULL,
	claimed BIGINT NOT NULL,
	cycle_sum BIGINT NOT NULL,
	cycle_sumsq BIGINT NOT NULL,
	hist BYTEA NOT NULL,
	PRIMARY KEY (kind, value, day)
);

-- The job's state: the zone of the days, and the watermark (changes with
-- updated_at above it are still to be folded in).
CREATE TABLE service_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	tz TEXT NOT NULL DEFAULT 'Asia/Shanghai',
	watermark BIGINT NOT NULL DEFAULT -1
);
INSERT INTO service_state (id) VALUES (1);

-- What the job reads changes by: orders, shipments (parcels shipped and
-- delivered, tracking events that move them) and claims by updated_at;
-- damage complaints by their order.
CREATE INDEX orders_updated ON orders (updated_at);
CREATE INDEX shipments_updated ON shipments (updated_at);
CREATE INDEX claims_updated ON claims (updated_at);
CREATE INDEX tickets_order ON tickets (order_id);
