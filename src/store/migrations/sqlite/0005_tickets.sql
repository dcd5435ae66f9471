-- 0005: tickets and their conversation: the ticket row, the queue
-- counters, messages (public replies, internal notes, customer
-- messages), the event timeline of every change, the category tree
-- (complaint classes, seed 000 ch. 9.1, in Chinese and English), canned
-- replies, attachments (content-addressed blobs) and ticket links.
CREATE TABLE categories (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES categories (id),
	code TEXT NOT NULL UNIQUE,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL,
	sort INTEGER NOT NULL DEFAULT 0,
	return_window_days INTEGER,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX categories_parent ON categories (parent_id, sort);

CREATE TABLE tickets (
	id INTEGER PRIMARY KEY,
	type TEXT NOT NULL CHECK (type IN ('inquiry', 'complaint', 'return', 'claim', 'suggestion', 'follow_up', 'care')),
	state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'open', 'pending_customer', 'pending_internal', 'resolved', 'closed')),
	priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	prio INTEGER NOT NULL DEFAULT 1,
	category_id INTEGER REFERENCES categories (id),
	channel TEXT NOT NULL DEFAULT 'api' CHECK (channel IN ('portal', 'web_form', 'email', 'phone', 'chat', 'social', 'api', 'system')),
	subject TEXT NOT NULL,
	customer_id INTEGER,
	order_id INTEGER,
	shipment_id INTEGER,
	team_id INTEGER,
	assignee_id INTEGER,
	language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
	created_by_kind TEXT NOT NULL,
	created_by_id INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	first_response_at INTEGER,
	resolved_at INTEGER,
	closed_at INTEGER,
	merged_into_id INTEGER,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_state ON tickets (state, updated_at, id);
CREATE INDEX tickets_assignee ON tickets (assignee_id, state, updated_at, id);
CREATE INDEX tickets_team ON tickets (team_id, state, updated_at, id);
CREATE INDEX tickets_customer ON tickets (customer_id, created_at);
CREATE INDEX tickets_type ON tickets (type, state);

-- Queue counts kept in step with tickets in the same transaction, so the
-- inbox badges never COUNT(*) the table.  scope 'all' (key 0), 'team'
-- (key team id, 0 = none), 'assignee' (key user id, 0 = unassigned).
CREATE TABLE ticket_counts (
	scope TEXT NOT NULL,
	key INTEGER NOT NULL,
	state TEXT NOT NULL,
	n INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (scope, key, state)
);

CREATE TABLE ticket_messages (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	kind TEXT NOT NULL CHECK (kind IN ('public', 'note', 'customer')),
	author_kind TEXT NOT NULL CHECK (author_kind IN ('staff', 'customer', 'system')),
	author_id INTEGER NOT NULL DEFAULT 0,
	author_name TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

CREATE TABLE ticket_events (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER NOT NULL,
	at INTEGER NOT NULL,
	actor_kind TEXT NOT NULL,
	actor_id INTEGER NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	before_json TEXT,
	after_json TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE canned_replies (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
	category_id INTEGER REFERENCES categories (id),
	created_by INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

-- Attachment bytes live in the database, keyed by their SHA-256: stored
-- once however often they are attached, written in the same transaction
-- as the attachment row, backed up with everything else.
CREATE TABLE attachment_blobs (
	sha256 TEXT PRIMARY KEY,
	bytes BLOB NOT NULL
);
CREATE TABLE attachments (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	filename TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL REFERENCES attachment_blobs (sha256),
	created_by INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, id);

-- Links are stored in both directions (parent on one side, child on the
-- other), so either ticket lists them with one indexed read.
CREATE TABLE ticket_links (
	ticket_id INTEGER NOT NULL,
	other_id INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('related', 'duplicate', 'parent', 'child')),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (ticket_id, other_id)
);

-- The complaint classes (seed 000 ch. 9.1) with sensible children.
INSERT INTO categories (id, parent_id, code, name_zh, name_en, sort) VALUES
	(1, NULL, 'product_quality', '产品质量', 'Product quality', 10),
	(2, 1, 'product_defect', '质量缺陷', 'Defect', 11),
	(3, 1, 'not_as_described', '与描述不符', 'Not as described', 12),
	(4, 1, 'counterfeit', '疑似假冒', 'Suspected counterfeit', 13),
	(5, NULL, 'logistics_delay', '物流延误', 'Logistics delay', 20),
	(6, 5, 'late_delivery', '配送超时', 'Late delivery', 21),
	(7, 5, 'tracking_stalled', '物流信息停滞', 'Tracking not updated', 22),
	(8, NULL, 'damage_loss', '货物损坏/丢失', 'Damage or loss', 30),
	(9, 8, 'damaged_on_arrival', '到货破损', 'Damaged on arrival', 31),
	(10, 8, 'lost_parcel', '包裹丢失', 'Lost parcel', 32),
	(11, NULL, 'wrong_item', '错发/漏发', 'Wrong or missing item', 40),
	(12, 11, 'wrong_item_sent', '错发商品', 'Wrong item sent', 41),
	(13, 11, 'missing_item', '漏发商品', 'Item missing', 42),
	(14, NULL, 'service_attitude', '服务态度', 'Service attitude', 50),
	(15, NULL, 'billing', '费用/账单', 'Billing', 60),
	(16, 15, 'overcharge', '多收费用', 'Overcharged', 61),
	(17, 15, 'invoice', '发票问题', 'Invoice', 62),
	(18, NULL, 'returns_refunds', '退换货', 'Returns and refunds', 70),
	(19, 18, 'return_request', '退货申请', 'Return request', 71),
	(20, 18, 'exchange_request', '换货申请', 'Exchange request', 72),
	(21, 18, 'refund_status', '退款进度', 'Refund status', 73),
	(22, NULL, 'inquiry', '咨询', 'Inquiry', 80),
	(23, 22, 'order_status', '订单状态', 'Order status', 81),
	(24, 22, 'product_info', '产品信息', 'Product information', 82),
	(25, 22, 'delivery_info', '配送信息', 'Delivery information', 83),
	(26, NULL, 'suggestion', '建议', 'Suggestion', 90),
	(27, NULL, 'other', '其他', 'Other', 100);
