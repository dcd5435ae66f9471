-- 0003: customers (CRM): the profile, how to reach them (identities),
-- where to deliver (addresses), what they like (preferences, e.g. the
-- Oriental Hotel's "usual seat"), tags, and the history of their consents.
-- Personal data lives only in these tables, so erasure can find all of it.
CREATE TABLE customers (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'company')),
	name TEXT NOT NULL,
	company_id INTEGER REFERENCES customers (id),
	external_id TEXT UNIQUE,
	tier TEXT NOT NULL DEFAULT 'C' CHECK (tier IN ('A', 'B', 'C')),
	stage TEXT NOT NULL DEFAULT 'new'
		CHECK (stage IN ('potential', 'new', 'satisfied', 'loyal', 'at_risk', 'lapsed')),
	birthday TEXT,
	locale TEXT NOT NULL DEFAULT 'zh-CN',
	note TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	erased_at INTEGER
);
CREATE INDEX customers_tier ON customers (tier, id);
CREATE INDEX customers_stage ON customers (stage, id);
CREATE INDEX customers_updated ON customers (updated_at);
CREATE INDEX customers_name ON customers (name);
CREATE INDEX customers_company ON customers (company_id);

-- value is normalised: e-mail trimmed and lower-cased, phone digits only
-- (a leading + kept), so one identity belongs to one customer.
CREATE TABLE customer_identities (
	id INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers (id),
	kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'wechat', 'qq', 'other')),
	value TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

CREATE TABLE customer_addresses (
	id INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers (id),
	label TEXT NOT NULL DEFAULT '',
	recipient TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	province TEXT NOT NULL DEFAULT '',
	city TEXT NOT NULL DEFAULT '',
	district TEXT NOT NULL DEFAULT '',
	line TEXT NOT NULL,
	postcode TEXT NOT NULL DEFAULT '',
	is_default INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX customer_addresses_customer ON customer_addresses (customer_id);

CREATE TABLE customer_preferences (
	customer_id INTEGER NOT NULL REFERENCES customers (id),
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (customer_id, key)
);

CREATE TABLE customer_tags (
	customer_id INTEGER NOT NULL REFERENCES customers (id),
	tag TEXT NOT NULL,
	UNIQUE (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);

-- Append-only: the current consent for a purpose is its latest row.
CREATE TABLE customer_consents (
	id INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers (id),
	purpose TEXT NOT NULL,
	granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
	at INTEGER NOT NULL,
	source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_consents_customer ON customer_consents (customer_id, purpose, at, id);
