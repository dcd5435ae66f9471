-- 0004: orders, their lines, shipments, tracking events and delay notices
-- (seed 000 ch. 3-4: 出货流程, 货物跟踪; PRODUCT.md L1, L2).
--
-- orders.number is the shop's own order number (unique); customer_id is
-- NULL for an order not linked to a customer (a guest order).
-- shipping_mode is the shop's service name as free text ("Standard
-- Class", "次日达"); shipments.mode is the transport mode, one of a fixed
-- list.  Quantities are checked in C with clear errors and again here.
CREATE TABLE orders (
	id INTEGER PRIMARY KEY,
	number TEXT NOT NULL UNIQUE,
	customer_id INTEGER,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN
		('open', 'partially_shipped', 'shipped', 'delivered', 'cancelled', 'completed')),
	placed_at INTEGER NOT NULL,
	promised_at INTEGER,
	shipping_mode TEXT NOT NULL DEFAULT '',
	shipping_terms TEXT NOT NULL DEFAULT '',
	currency TEXT NOT NULL DEFAULT 'CNY',
	total_minor INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX orders_customer ON orders (customer_id, placed_at);
CREATE INDEX orders_placed ON orders (placed_at);

CREATE TABLE order_lines (
	id INTEGER PRIMARY KEY,
	order_id INTEGER NOT NULL REFERENCES orders (id),
	line_no INTEGER NOT NULL,
	sku TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	quantity INTEGER NOT NULL CHECK (quantity >= 0),
	quantity_shipped INTEGER NOT NULL DEFAULT 0 CHECK (quantity_shipped >= 0),
	quantity_delivered INTEGER NOT NULL DEFAULT 0 CHECK (quantity_delivered >= 0),
	quantity_backordered INTEGER NOT NULL DEFAULT 0 CHECK (quantity_backordered >= 0),
	substituted_sku TEXT,
	unit_price_minor INTEGER NOT NULL DEFAULT 0 CHECK (unit_price_minor >= 0),
	UNIQUE (order_id, line_no)
);

CREATE TABLE shipments (
	id INTEGER PRIMARY KEY,
	order_id INTEGER REFERENCES orders (id),
	customer_id INTEGER,
	carrier TEXT NOT NULL DEFAULT '',
	tracking_number TEXT NOT NULL UNIQUE,
	mode TEXT NOT NULL DEFAULT 'road' CHECK (mode IN ('road', 'sea', 'air', 'express', 'rail', 'pickup')),
	status TEXT NOT NULL DEFAULT 'pending',
	status_at INTEGER NOT NULL DEFAULT 0,
	origin TEXT NOT NULL DEFAULT '',
	destination TEXT NOT NULL DEFAULT '',
	shipped_at INTEGER,
	eta_at INTEGER,
	delivered_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX shipments_order ON shipments (order_id);
CREATE INDEX shipments_customer ON shipments (customer_id, id);
CREATE INDEX shipments_eta ON shipments (status, eta_at);

CREATE TABLE shipment_lines (
	shipment_id INTEGER NOT NULL REFERENCES shipments (id),
	order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
	quantity INTEGER NOT NULL CHECK (quantity > 0),
	PRIMARY KEY (shipment_id, order_line_id)
);

-- UNIQUE (shipment_id, at, status): a carrier re-sending an event adds nothing.
CREATE TABLE tracking_events (
	id INTEGER PRIMARY KEY,
	shipment_id INTEGER NOT NULL REFERENCES shipments (id),
	at INTEGER NOT NULL,
	status TEXT NOT NULL,
	location TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL DEFAULT 'api',
	created_at INTEGER NOT NULL,
	UNIQUE (shipment_id, at, status)
);

-- 运输延误的提前通知: eta_at records the ETA a notice was raised for, so the
-- ETA job raises at most one notice per ETA.
CREATE TABLE delay_notices (
	id INTEGER PRIMARY KEY,
	shipment_id INTEGER NOT NULL REFERENCES shipments (id),
	customer_id INTEGER,
	reason TEXT NOT NULL CHECK (reason IN ('eta_passed', 'exception')),
	detail TEXT NOT NULL DEFAULT '',
	eta_at INTEGER,
	raised_at INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
	done_at INTEGER,
	done_by INTEGER
);
CREATE INDEX delay_notices_status ON delay_notices (status, id);
CREATE INDEX delay_notices_shipment ON delay_notices (shipment_id);
