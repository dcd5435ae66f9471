-- 0019: the event stream's outbox.  Every change a listener, a consumer or
-- an integration reacts to appends one row here in the change's own
-- transaction (src/events/outbox.c), so a rolled-back change leaves no
-- event and a committed one always has its event.  seq is the position in
-- the stream: AUTOINCREMENT never reuses a number, and SQLite's single
-- writer commits in seq order, so a reader that has seen seq N has seen
-- everything before it.  The types are listed in docs/events.md.
CREATE TABLE events (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	type TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_id INTEGER NOT NULL,
	actor_kind TEXT NOT NULL,
	actor_id INTEGER NOT NULL DEFAULT 0,
	payload TEXT NOT NULL DEFAULT '{}',
	created_at INTEGER NOT NULL
);
CREATE INDEX events_type ON events (type, seq);
CREATE INDEX events_entity ON events (entity, entity_id, seq);
CREATE INDEX events_created ON events (created_at);
