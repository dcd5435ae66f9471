/*
 * demo_surveys.c - satisfaction surveys for the demo data set: what the
 * survey jobs (quality/survey.c) would have sent and what customers would
 * have answered, so the survey and SERVQUAL reports are not empty.
 *
 * Set-based, after the tickets and orders are written, inside the load's
 * transaction: three INSERT ... SELECT statements over the rows just
 * written, so the cost grows with the database engine's speed, not with a
 * round trip per row.  Every choice is a function of a row id and the
 * seed (a multiplicative hash modulo 100), so the same seed gives the same
 * surveys.  Invitations: every resolved or closed ticket with a customer
 * (not care or follow_up) an hour after it was resolved; every delivered
 * order with a customer a day after its last parcel arrived.  Their
 * token_hash is "demo:t<id>" / "demo:o<id>", which no real token hashes
 * to: the links in the demo cannot be opened, but a customer can ask the
 * portal for a fresh one.  About 38 % of resolution and 22 % of delivery
 * invitations are answered (within three days, never after "today").
 * Scores lean positive, complaints lower, and agents differ a little;
 * SERVQUAL gaps are largest for reliability and responsiveness and small
 * or positive for tangibles (the pattern of the seed's example).
 */
#include "demo/demo_int.h"

#include "store/db.h"

/* 0..99 from a row id and the seed: Knuth's multiplicative hash, mixed. */
#define H(col) "((" col " * 2654435761 + $1) % 100)"

static struct db_sql q_invite_tickets = DB_SQL(
        "INSERT INTO survey_invitations (kind, customer_id, ticket_id, order_id, agent_id, team_id, language,"
        " token_hash, sent_at, expires_at, responded_at)"
        " SELECT 'resolution', customer_id, id, order_id, assignee_id, team_id, language, 'demo:t' || id,"
        " resolved_at + 3600, resolved_at + 3600 + 14 * 86400,"
        " CASE WHEN " H(
                "id") " < 38 AND resolved_at + 3600 + (id % 72) * 3600 < $2"
                      " THEN resolved_at + 3600 + (id % 72) * 3600 END"
                      " FROM tickets WHERE state IN ('resolved', 'closed') AND type NOT IN ('care', 'follow_up')"
                      " AND customer_id IS NOT NULL AND resolved_at IS NOT NULL AND merged_into_id IS NULL"
                      " AND resolved_at + 3600 < $2");
static struct db_sql q_invite_orders = DB_SQL(
        "INSERT INTO survey_invitations (kind, customer_id, order_id, language, token_hash, sent_at, expires_at,"
        " responded_at)"
        " SELECT 'delivery', o.customer_id, o.id, CASE WHEN c.locale LIKE 'en%' THEN 'en' ELSE 'zh' END,"
        " 'demo:o' || o.id, s.last + 86400, s.last + 15 * 86400,"
        " CASE WHEN " H(
                "o.id") " < 22 AND s.last + 86400 + (o.id % 48) * 3600 < $2"
                        " THEN s.last + 86400 + (o.id % 48) * 3600 END"
                        " FROM orders o JOIN customers c ON c.id = o.customer_id"
                        " JOIN (SELECT order_id, MAX(delivered_at) AS last, COUNT(*) AS n, COUNT(delivered_at) AS done"
                        " FROM shipments WHERE order_id IS NOT NULL GROUP BY order_id) s ON s.order_id = o.id"
                        " WHERE s.n = s.done AND s.last + 86400 < $2");

/*
 * The answers: h (0..99, larger = less happy) from the invitation id, the
 * seed, the ticket type and the agent; CSAT, NPS and CES follow h, with a
 * few questions skipped.  $2 is unused here but keeps the arguments alike.
 */
static struct db_sql q_answers = DB_SQL(
        "INSERT INTO survey_responses (invitation_id, kind, customer_id, ticket_id, order_id, agent_id, team_id,"
        " csat, nps, ces, comment, created_at)"
        " SELECT id, kind, customer_id, ticket_id, order_id, agent_id, team_id,"
        " CASE WHEN h < 45 THEN 5 WHEN h < 76 THEN 4 WHEN h < 88 THEN 3 WHEN h < 94 THEN 2 ELSE 1 END,"
        " CASE WHEN id % 10 = 3 THEN NULL WHEN h < 38 THEN 9 + id % 2 WHEN h < 70 THEN 7 + id % 2"
        " WHEN h < 86 THEN 5 + id % 2 ELSE id % 5 END,"
        " CASE WHEN id % 7 = 0 THEN NULL WHEN h < 48 THEN 6 + id % 2 WHEN h < 78 THEN 5 WHEN h < 90 THEN 4"
        " ELSE 2 + id % 2 END,"
        " '', responded_at"
        " FROM (SELECT i.*, " H("i.id") " + CASE WHEN t.type = 'complaint' THEN 18 ELSE 0 END"
                                        " + COALESCE(i.agent_id, 0) % 3 * 4 + 0 * $2 AS h"
                                        " FROM survey_invitations i LEFT JOIN tickets t ON t.id = i.ticket_id"
                                        " WHERE i.responded_at IS NOT NULL AND i.token_hash LIKE 'demo:%') a");

/* Five SERVQUAL pairs per delivery answer: e 4..6, p = e + the dimension's gap + noise, in 1..7. */
static struct db_sql q_servqual = DB_SQL(
        "INSERT INTO survey_servqual (response_id, dimension, expectation, perception)"
        " SELECT id, dim, e, CASE WHEN e + g + n < 1 THEN 1 WHEN e + g + n > 7 THEN 7 ELSE e + g + n END"
        " FROM (SELECT r.id, d.dim, 4 + (r.id + d.k) % 3 AS e, d.g,"
        " ((r.id * (d.k + 3) + $1) % 3) - 1 + 0 * $2 AS n"
        " FROM survey_responses r JOIN survey_invitations i ON i.id = r.invitation_id"
        " CROSS JOIN (SELECT 'tangibles' AS dim, 1 AS k, 0 AS g UNION ALL SELECT 'reliability', 2, -1"
        " UNION ALL SELECT 'responsiveness', 3, -1 UNION ALL SELECT 'assurance', 4, 0"
        " UNION ALL SELECT 'empathy', 5, 0) d"
        " WHERE r.kind = 'delivery' AND i.token_hash LIKE 'demo:%') x");

int demo_surveys_write(struct demo_gen *g, struct kf_error *err)
{
	struct db_sql *steps[] = { &q_invite_tickets, &q_invite_orders, &q_answers, &q_servqual };
	int64_t seed = (int64_t)(g->o->seed % 1000003);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int rc = db_exec(g->db, steps[i], DB_ARGS(db_int(seed), db_int(g->now)), err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
