-- 0001: the platform: identity of the database, staff users, customer
-- (portal) accounts, sessions, API tokens, login throttling, the audit log
-- and the idempotency store.  Times are UTC seconds; hashes are hex text.
CREATE TABLE kefu_meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL DEFAULT '',
	email TEXT,
	role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'agent', 'crm', 'analyst')),
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	locale TEXT NOT NULL DEFAULT 'zh-CN',
	time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE customer_accounts (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL DEFAULT '',
	customer_id INTEGER,
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('staff', 'customer')),
	principal_id INTEGER NOT NULL,
	csrf TEXT NOT NULL,
	addr TEXT,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_principal ON sessions (kind, principal_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_used_at INTEGER,
	revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	login TEXT NOT NULL,
	addr TEXT NOT NULL
);
CREATE INDEX login_failures_login ON login_failures (login, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor_kind TEXT NOT NULL,
	actor_id INTEGER,
	actor_name TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id INTEGER,
	before_json TEXT,
	after_json TEXT,
	addr TEXT,
	request_id TEXT
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE idempotency_keys (
	id INTEGER PRIMARY KEY,
	principal TEXT NOT NULL,
	key TEXT NOT NULL,
	method TEXT NOT NULL,
	path TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status INTEGER NOT NULL DEFAULT 0,
	response TEXT,
	created_at INTEGER NOT NULL,
	UNIQUE (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
