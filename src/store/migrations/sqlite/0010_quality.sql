-- 0010: quality control (PRODUCT.md Q2-Q4; seed 000 ch. 6 and ch. 12):
-- improvement actions (改进措施) with their target metric and the value of
-- that metric before (baseline period) and after (measured period); an
-- index for the reports that read tickets by creation time.
CREATE TABLE improvement_actions (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	owner_id INTEGER REFERENCES users (id),
	due_at INTEGER,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
	target_report TEXT NOT NULL,
	target_metric TEXT NOT NULL,
	target_by TEXT NOT NULL DEFAULT '',
	target_value TEXT NOT NULL DEFAULT '',
	baseline_from INTEGER NOT NULL,
	baseline_to INTEGER NOT NULL,
	measured_from INTEGER,
	measured_to INTEGER,
	baseline_value REAL,
	after_value REAL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	completed_at INTEGER
);
CREATE INDEX improvement_actions_status ON improvement_actions (status, due_at);
CREATE INDEX tickets_created ON tickets (created_at);
