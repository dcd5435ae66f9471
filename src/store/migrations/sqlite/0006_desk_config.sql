-- 0006: service levels and routing (PRODUCT.md D5, D6, D8): business
-- calendars with weekly hours, holidays and 调休 make-up workdays in an
-- IANA zone; SLA policies by ticket type x priority x customer tier (the
-- sunset rule 日落原则 is the default); the SLA clocks of each ticket;
-- teams, members with skills, the round-robin pointer; notifications;
-- follow-ups (回访) and the care runs; desk settings.  Times are UTC
-- seconds; 0 means "not yet" / "none" in the clock columns.
CREATE TABLE calendars (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	time_zone TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

-- Opening intervals, local wall-clock minutes; weekday 0 = Sunday.
CREATE TABLE calendar_hours (
	calendar_id INTEGER NOT NULL REFERENCES calendars (id),
	weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
	start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
	end_min INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
	PRIMARY KEY (calendar_id, weekday, start_min)
);

CREATE TABLE calendar_holidays (
	id INTEGER PRIMARY KEY,
	calendar_id INTEGER NOT NULL REFERENCES calendars (id),
	date TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'holiday' CHECK (kind IN ('holiday', 'workday')),
	name TEXT NOT NULL DEFAULT '',
	UNIQUE (calendar_id, date)
);

CREATE TABLE sla_policies (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	ticket_type TEXT,
	priority TEXT,
	customer_tier TEXT CHECK (customer_tier IN ('A', 'B', 'C')),
	first_response_s INTEGER NOT NULL DEFAULT 0,
	next_response_s INTEGER NOT NULL DEFAULT 0,
	resolution_s INTEGER NOT NULL DEFAULT 0,
	sunset INTEGER NOT NULL DEFAULT 0,
	calendar_id INTEGER NOT NULL REFERENCES calendars (id),
	rank INTEGER NOT NULL DEFAULT 100,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

-- The clocks of one ticket: first response, next response, resolution;
-- each with due, 80 % warning, done, warned and breached instants.
CREATE TABLE ticket_sla (
	ticket_id INTEGER PRIMARY KEY,
	policy_id INTEGER NOT NULL,
	calendar_id INTEGER NOT NULL,
	started_at INTEGER NOT NULL,
	first_due_at INTEGER NOT NULL DEFAULT 0,
	first_warn_at INTEGER NOT NULL DEFAULT 0,
	first_done_at INTEGER NOT NULL DEFAULT 0,
	first_warned_at INTEGER NOT NULL DEFAULT 0,
	first_breached_at INTEGER NOT NULL DEFAULT 0,
	next_due_at INTEGER NOT NULL DEFAULT 0,
	next_warn_at INTEGER NOT NULL DEFAULT 0,
	next_warned_at INTEGER NOT NULL DEFAULT 0,
	next_breached_at INTEGER NOT NULL DEFAULT 0,
	resolve_due_at INTEGER NOT NULL DEFAULT 0,
	resolve_warn_at INTEGER NOT NULL DEFAULT 0,
	resolve_done_at INTEGER NOT NULL DEFAULT 0,
	resolve_warned_at INTEGER NOT NULL DEFAULT 0,
	resolve_breached_at INTEGER NOT NULL DEFAULT 0,
	paused_since INTEGER NOT NULL DEFAULT 0,
	paused_s INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE teams (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	manager_id INTEGER REFERENCES users (id),
	calendar_id INTEGER REFERENCES calendars (id),
	mode TEXT NOT NULL DEFAULT 'round_robin' CHECK (mode IN ('round_robin', 'least_loaded')),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

-- Skills: languages "zh,en" and category ids "1,5"; empty = any.
CREATE TABLE team_members (
	team_id INTEGER NOT NULL REFERENCES teams (id),
	user_id INTEGER NOT NULL REFERENCES users (id),
	languages TEXT NOT NULL DEFAULT '',
	category_ids TEXT NOT NULL DEFAULT '',
	active INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (team_id, user_id)
);

-- The round-robin pointer of each team.
CREATE TABLE routing_state (
	team_id INTEGER PRIMARY KEY,
	last_user_id INTEGER NOT NULL DEFAULT 0
);

-- One notification per (user, kind, ticket, target): jobs that run twice notify once.
CREATE TABLE notifications (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('sla_warning', 'sla_breach', 'escalation', 'follow_up', 'assigned')),
	ticket_id INTEGER NOT NULL DEFAULT 0,
	target TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL,
	read_at INTEGER,
	UNIQUE (user_id, kind, ticket_id, target)
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- 回访: one per resolution of a complaint; ticket_id is the follow_up ticket once created.
CREATE TABLE followups (
	id INTEGER PRIMARY KEY,
	complaint_id INTEGER NOT NULL,
	customer_id INTEGER,
	due_at INTEGER NOT NULL,
	ticket_id INTEGER,
	outcome TEXT CHECK (outcome IN ('satisfied', 'not_satisfied')),
	note TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	done_at INTEGER
);
CREATE INDEX followups_complaint ON followups (complaint_id);
CREATE INDEX followups_ticket ON followups (ticket_id);

-- One care ticket per (kind, customer, local day): the daily job is idempotent.
CREATE TABLE care_runs (
	kind TEXT NOT NULL CHECK (kind IN ('birthday', 'win_back')),
	customer_id INTEGER NOT NULL,
	day TEXT NOT NULL,
	ticket_id INTEGER NOT NULL,
	PRIMARY KEY (kind, customer_id, day)
);

CREATE TABLE desk_settings (
	key TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);

INSERT INTO calendars (name, time_zone, created_at, updated_at)
	VALUES ('中国标准工作日 / China business days', 'Asia/Shanghai', 0, 0);
INSERT INTO calendar_hours (calendar_id, weekday, start_min, end_min)
	SELECT id, 1, 540, 1080 FROM calendars UNION ALL SELECT id, 2, 540, 1080 FROM calendars
	UNION ALL SELECT id, 3, 540, 1080 FROM calendars UNION ALL SELECT id, 4, 540, 1080 FROM calendars
	UNION ALL SELECT id, 5, 540, 1080 FROM calendars;
INSERT INTO sla_policies (name, first_response_s, next_response_s, resolution_s, sunset, calendar_id, rank, created_at, updated_at)
	SELECT '日落原则 / Sunset rule', 0, 0, 162000, 1, id, 1000, 0, 0 FROM calendars;
INSERT INTO desk_settings (key, value) VALUES ('followup_days', 2), ('winback_days', 90);
INSERT INTO desk_settings (key, value) SELECT 'default_calendar_id', id FROM calendars;
