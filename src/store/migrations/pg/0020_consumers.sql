-- 0020: durable consumers of the event stream (src/events/consumer.c).
-- event_consumers: one row per consumer, its cursor, last_seq (the seq of the last
-- event it has dealt with) and who holds it; the row is locked for the
-- length of each delivery transaction (node: who moved it last), so one node at a time delivers a
-- consumer's events.  event_failures: an event whose handler failed, to be
-- retried at next_at (state 'retry') or parked for an admin ('dead').
-- event_stats: what the "stats" consumer writes (events per UTC day and type).
CREATE TABLE event_consumers (
	name TEXT PRIMARY KEY,
	last_seq BIGINT NOT NULL DEFAULT 0,
	node TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);
CREATE TABLE event_failures (
	consumer TEXT NOT NULL,
	seq BIGINT NOT NULL,
	attempts BIGINT NOT NULL,
	next_at BIGINT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('retry', 'dead')),
	last_error TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (consumer, seq)
);
CREATE INDEX event_failures_due ON event_failures (state, next_at);
CREATE TABLE event_stats (
	day TEXT NOT NULL,
	type TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (day, type)
);
