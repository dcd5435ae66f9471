-- 0021: the e-mail channel (src/channels/).
-- mail_settings: one row (id 1): the support address, the outgoing relay (password sealed with
--   the server's secret key, auth/secret.h), reopen window, limits.
-- mailboxes: IMAP sources fetched by channels/imap.c; last_uid/uidvalidity say where fetching stands;
--   fetched/failed count messages; tls_verify 0 accepts any certificate (self-signed servers);
--   stuck_uid/stuck_count: the UID a pass started with and how many passes started there (a
--   message that keeps failing or crashing kefu is set aside after a few, channels/mail_fetch.c).
--   Ids are never reused (AUTOINCREMENT; PostgreSQL identities never are): mail_messages keeps
--   (mailbox_id, imap_uid) of deleted mailboxes, and a new mailbox must not inherit them.
-- mail_messages: every mail kefu received or is sending, one row each.  direction 'in': received
--   (status received, or dropped/rejected with reason); 'out': the durable outbox (queued →
--   sent | deferred → … | bounced | failed).  rfc_message_id without <>; refs space-separated;
--   to_addrs/cc_addrs JSON arrays [{"name","address"}]; raw_sha256 names the raw message in
--   attachment_blobs; quote_at: byte offset in the message body where quoted history begins (-1 none);
--   skipped: JSON array of the parts not kept as attachments [{"filename","content_type","size","reason"}].
--   event_seq: the event an outgoing mail answers (channels/mail_out.c: at-least-once delivery inserts
--   it once); NULL for received mail and for mail queued by hand.
-- mail_tokens: the random reply token of a ticket (support+TOKEN@...), made when kefu first mails about it.
--   inbound_token_hash: hash of the token `kefu mail receive` presents (only POST /api/v1/mail/inbound).
-- ticket_participants: addresses besides the customer who take part in a ticket's mail (Cc).
-- mail_bounces: addresses that bounced (kefu sends to them still, the UI warns).
-- mail_templates: admins' versions of the built-in templates (channels/mail_template.c), per language.
-- attachments.message_id: the message an attachment arrived with (NULL: uploaded on its own).
CREATE TABLE mail_settings (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	address TEXT NOT NULL DEFAULT '',
	from_name TEXT NOT NULL DEFAULT '',
	relay_host TEXT NOT NULL DEFAULT '',
	relay_port INTEGER NOT NULL DEFAULT 587,
	relay_security TEXT NOT NULL DEFAULT 'starttls' CHECK (relay_security IN ('tls', 'starttls', 'none')),
	relay_username TEXT NOT NULL DEFAULT '',
	relay_password_enc TEXT NOT NULL DEFAULT '',
	reopen_days INTEGER NOT NULL DEFAULT 14,
	max_message_bytes INTEGER NOT NULL DEFAULT 26214400,
	sender_rate_per_hour INTEGER NOT NULL DEFAULT 30,
	send_ack INTEGER NOT NULL DEFAULT 1,
	inbound_token_hash TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	updated_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO mail_settings (id) VALUES (1);
CREATE TABLE mailboxes (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL UNIQUE,
	address TEXT NOT NULL DEFAULT '',
	host TEXT NOT NULL,
	port INTEGER NOT NULL DEFAULT 993,
	security TEXT NOT NULL DEFAULT 'tls' CHECK (security IN ('tls', 'starttls', 'none')),
	username TEXT NOT NULL DEFAULT '',
	password_enc TEXT NOT NULL DEFAULT '',
	folder TEXT NOT NULL DEFAULT 'INBOX',
	after_fetch TEXT NOT NULL DEFAULT 'seen' CHECK (after_fetch IN ('seen', 'move', 'delete')),
	move_to TEXT NOT NULL DEFAULT '',
	poll_seconds INTEGER NOT NULL DEFAULT 60,
	enabled INTEGER NOT NULL DEFAULT 1,
	uidvalidity INTEGER NOT NULL DEFAULT 0,
	last_uid INTEGER NOT NULL DEFAULT 0,
	last_poll_at INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	fetched INTEGER NOT NULL DEFAULT 0,
	failed INTEGER NOT NULL DEFAULT 0,
	tls_verify INTEGER NOT NULL DEFAULT 1,
	stuck_uid INTEGER NOT NULL DEFAULT 0,
	stuck_count INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE mail_messages (
	id INTEGER PRIMARY KEY,
	direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	kind TEXT NOT NULL DEFAULT 'message',
	ticket_id INTEGER REFERENCES tickets (id),
	message_id INTEGER,
	mailbox_id INTEGER,
	imap_uid INTEGER,
	rfc_message_id TEXT NOT NULL,
	in_reply_to TEXT NOT NULL DEFAULT '',
	refs TEXT NOT NULL DEFAULT '',
	from_addr TEXT NOT NULL DEFAULT '',
	from_name TEXT NOT NULL DEFAULT '',
	to_addrs TEXT NOT NULL DEFAULT '[]',
	cc_addrs TEXT NOT NULL DEFAULT '[]',
	subject TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('received', 'dropped', 'queued', 'sent', 'deferred', 'bounced', 'failed')),
	reason TEXT NOT NULL DEFAULT '',
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	raw_sha256 TEXT NOT NULL DEFAULT '',
	size INTEGER NOT NULL DEFAULT 0,
	quote_at INTEGER NOT NULL DEFAULT -1,
	html TEXT NOT NULL DEFAULT '',
	skipped TEXT NOT NULL DEFAULT '[]',
	event_seq INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX mail_messages_rfc ON mail_messages (direction, rfc_message_id);
CREATE UNIQUE INDEX mail_messages_uid ON mail_messages (mailbox_id, imap_uid) WHERE imap_uid IS NOT NULL;
CREATE INDEX mail_messages_ticket ON mail_messages (ticket_id, id);
CREATE INDEX mail_messages_due ON mail_messages (status, next_at) WHERE direction = 'out';
CREATE UNIQUE INDEX mail_messages_event ON mail_messages (event_seq);
CREATE INDEX mail_messages_sender ON mail_messages (from_addr, created_at) WHERE direction = 'in';
CREATE TABLE mail_tokens (
	token TEXT PRIMARY KEY,
	ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
	created_at INTEGER NOT NULL
);
CREATE TABLE ticket_participants (
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	address TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	added_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (ticket_id, address)
);
CREATE TABLE mail_bounces (
	address TEXT PRIMARY KEY,
	count INTEGER NOT NULL DEFAULT 0,
	first_at INTEGER NOT NULL,
	last_at INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT '',
	diagnostic TEXT NOT NULL DEFAULT '',
	mail_id INTEGER
);
CREATE TABLE mail_templates (
	name TEXT NOT NULL,
	lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (name, lang)
);
ALTER TABLE attachments ADD COLUMN message_id INTEGER;
