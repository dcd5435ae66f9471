-- 0009: satisfaction surveys (PRODUCT.md Q1; seed 000 ch. 6).
-- An invitation is made by the scheduler after a ticket is resolved or an
-- order delivered; its link carries a random token of which only the
-- SHA-256 is stored; the link works once and until expires_at.
-- kind 'resolution' asks CSAT (1-5), CES (1-7, CES 2.0 agreement) and NPS
-- (0-10); kind 'delivery' asks the same plus the SERVQUAL pairs.  agent_id
-- and team_id are the ticket's assignee and team when the invitation was
-- made, so staff CSAT credits the person who solved it.
CREATE TABLE survey_invitations (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('resolution', 'delivery')),
	customer_id INTEGER,
	ticket_id INTEGER,
	order_id INTEGER,
	agent_id INTEGER,
	team_id INTEGER,
	language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
	token_hash TEXT NOT NULL UNIQUE,
	sent_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	responded_at INTEGER
);
CREATE INDEX survey_invitations_sent ON survey_invitations (sent_at);
CREATE INDEX survey_invitations_ticket ON survey_invitations (ticket_id);
CREATE INDEX survey_invitations_order ON survey_invitations (order_id);
CREATE INDEX survey_invitations_customer ON survey_invitations (customer_id, sent_at);

-- One response per invitation; every score optional (a customer may skip).
CREATE TABLE survey_responses (
	id INTEGER PRIMARY KEY,
	invitation_id INTEGER NOT NULL UNIQUE REFERENCES survey_invitations (id),
	kind TEXT NOT NULL,
	customer_id INTEGER,
	ticket_id INTEGER,
	order_id INTEGER,
	agent_id INTEGER,
	team_id INTEGER,
	csat INTEGER CHECK (csat BETWEEN 1 AND 5),
	nps INTEGER CHECK (nps BETWEEN 0 AND 10),
	ces INTEGER CHECK (ces BETWEEN 1 AND 7),
	comment TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX survey_responses_created ON survey_responses (created_at);
CREATE INDEX survey_responses_customer ON survey_responses (customer_id, created_at);

-- SERVQUAL (Parasuraman, Zeithaml & Berry): expectation and perception on
-- 1-7 per dimension; the gap is perception - expectation.
CREATE TABLE survey_servqual (
	response_id INTEGER NOT NULL REFERENCES survey_responses (id),
	dimension TEXT NOT NULL CHECK (dimension IN ('tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy')),
	expectation INTEGER NOT NULL CHECK (expectation BETWEEN 1 AND 7),
	perception INTEGER NOT NULL CHECK (perception BETWEEN 1 AND 7),
	PRIMARY KEY (response_id, dimension)
);
