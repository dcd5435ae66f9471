-- 0013: pricing and quotes (PRODUCT.md P1-P4; seed 000 第五章 服务定价决策,
-- seed 002 物流服务定价).  A rate card is kept as the CSV it was imported
-- from (pricing/ratecard_csv.h is the one parser; the server caches the
-- parsed card per id and version).  A quote stores the request and the
-- computed answer as JSON, so it reads back exactly as it was given even
-- after the card changes; it may hang off a ticket, an order or a customer.
CREATE TABLE rate_cards (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	carrier TEXT NOT NULL,
	mode TEXT NOT NULL,
	csv TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	created_by INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

-- Key-customer contract rates: a discount on freight, in basis points.
CREATE TABLE contract_rates (
	customer_id INTEGER PRIMARY KEY,
	freight_bp INTEGER NOT NULL CHECK (freight_bp BETWEEN 0 AND 10000),
	note TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

-- The seller's price policy (quantity tiers, promotions, pickup allowance)
-- as one JSON document; one row.
CREATE TABLE price_policy (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	body TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO price_policy (id, body, updated_at) VALUES (1, '{"tiers":[],"promotions":[],"pickup_allowance_bp":10000}', 0);

CREATE TABLE quotes (
	id INTEGER PRIMARY KEY,
	card_id INTEGER,
	customer_id INTEGER,
	ticket_id INTEGER,
	order_id INTEGER,
	currency TEXT NOT NULL,
	total_minor INTEGER NOT NULL,
	freight_minor INTEGER NOT NULL DEFAULT 0,
	billable_g INTEGER NOT NULL DEFAULT 0,
	request TEXT NOT NULL,
	result TEXT NOT NULL,
	created_by INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE INDEX quotes_ticket ON quotes (ticket_id);
CREATE INDEX quotes_order ON quotes (order_id);
CREATE INDEX quotes_customer ON quotes (customer_id);
CREATE INDEX quotes_created ON quotes (created_at);
