-- 0007: the complaint, return and claim processes (PRODUCT.md D2-D4; seed
-- 000 §9.2 客户投诉处理流程, §7.1 退换货政策与流程, 货物损坏赔付).
-- Each process hangs off its ticket (one complaint record per complaint
-- ticket, one return authorisation per return ticket, one claim per claim
-- ticket); every change also appends a ticket_events row.  Money is
-- integer minor units with a currency; times UTC seconds.

-- A complaint's record: the step it reached and what each step recorded.
-- Created on the first write; until then a complaint ticket reads as
-- received with version 1.
CREATE TABLE complaints (
	ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
	step TEXT NOT NULL DEFAULT 'received' CHECK (step IN
		('received', 'initial_handling', 'investigation', 'solution', 'implementation', 'archived')),
	acknowledged_at INTEGER,
	classified_at INTEGER,
	category_id INTEGER REFERENCES categories (id),
	investigation_notes TEXT,
	root_cause TEXT,
	responsible_department TEXT,
	solution TEXT,
	compensation_minor INTEGER NOT NULL DEFAULT 0 CHECK (compensation_minor >= 0),
	currency TEXT NOT NULL DEFAULT 'CNY',
	implemented_at INTEGER,
	customer_confirmation TEXT CHECK (customer_confirmation IN ('accepted', 'rejected')),
	customer_confirmed_at INTEGER,
	feedback_to_department_at INTEGER,
	archived_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

-- A return authorisation (RMA = 'RMA' + the id zero-padded to 8 digits).
CREATE TABLE return_requests (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
	order_id INTEGER NOT NULL REFERENCES orders (id),
	reason TEXT NOT NULL,
	action TEXT NOT NULL CHECK (action IN ('refund', 'exchange', 'repair')),
	status TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'authorised', 'received',
		'inspected', 'refunded', 'exchanged', 'repaired', 'rejected')),
	return_tracking_number TEXT,
	inspection_result TEXT,
	inspection_notes TEXT,
	refund_minor INTEGER CHECK (refund_minor >= 0),
	currency TEXT NOT NULL DEFAULT 'CNY',
	lines_value_minor INTEGER NOT NULL DEFAULT 0,
	delivered_at INTEGER,
	window_deadline_at INTEGER,
	window_override_by INTEGER,
	window_override_reason TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX return_requests_order ON return_requests (order_id);

CREATE TABLE return_lines (
	return_id INTEGER NOT NULL REFERENCES return_requests (id),
	order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
	quantity INTEGER NOT NULL CHECK (quantity > 0),
	unit_price_minor INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (return_id, order_line_id)
);
CREATE INDEX return_lines_line ON return_lines (order_line_id);

-- A claim for a damaged, lost or late shipment.  evidence is a JSON array
-- of attachment ids.
CREATE TABLE claims (
	ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
	shipment_id INTEGER NOT NULL REFERENCES shipments (id),
	kind TEXT NOT NULL CHECK (kind IN ('damage', 'loss', 'late')),
	declared_value_minor INTEGER NOT NULL CHECK (declared_value_minor >= 0),
	currency TEXT NOT NULL DEFAULT 'CNY',
	evidence TEXT NOT NULL DEFAULT '[]',
	decision TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN
		('pending', 'approved', 'partially_approved', 'rejected')),
	decision_reason TEXT,
	payout_minor INTEGER NOT NULL DEFAULT 0 CHECK (payout_minor >= 0),
	carrier_recovery_minor INTEGER NOT NULL DEFAULT 0 CHECK (carrier_recovery_minor >= 0),
	carrier_recovery_status TEXT NOT NULL DEFAULT 'none' CHECK (carrier_recovery_status IN
		('none', 'claimed', 'recovered', 'refused')),
	decided_by INTEGER,
	decided_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX claims_shipment ON claims (shipment_id);
