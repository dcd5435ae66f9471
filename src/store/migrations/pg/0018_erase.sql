-- 0018: a caller's words an agent logs (a phone call, a walk-in) are the
-- customer's message; the agent who typed them is kept apart in
-- logged_by_id / logged_by_name (NULL when the customer wrote it, or kefu).
-- Earlier such messages were stored with author_kind 'system' and the
-- agent's name as the author: they become the customer's, logged by that
-- name (kefu's own jobs - survey, sla, followup, routing, customer_value -
-- stay kefu's).
ALTER TABLE ticket_messages ADD COLUMN logged_by_id BIGINT;
ALTER TABLE ticket_messages ADD COLUMN logged_by_name TEXT;
UPDATE ticket_messages SET author_kind = 'customer', logged_by_name = author_name, author_name = ''
	WHERE kind = 'customer' AND author_kind = 'system' AND author_name <> ''
	AND author_name NOT IN ('survey', 'sla', 'followup', 'routing', 'customer_value');
