/*
 * claims.c - see claims.h.  The payout rule lives in process_rules.c.
 */
#include "desk/claims.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk/process_hooks.h"
#include "desk/process_rules.h"
#include "store/db.h"
#include "store/db_json.h"

struct claim {
	int64_t ticket_id, shipment_id; /* the claim ticket and the shipment claimed for */
	char kind[8]; /* damage, loss, late */
	int64_t declared_value_minor; /* the declared value: the payout cap */
	char currency[4]; /* ISO 4217 */
	char evidence[1024]; /* JSON array of attachment ids */
	enum claim_decision decision; /* pending until decided */
	char decision_reason[TEXTLEN_BYTES(CLAIM_TEXT_MAX)]; /* "" = none */
	int64_t payout_minor; /* 0 until decided */
	int64_t carrier_recovery_minor; /* recovered from the carrier */
	char carrier_recovery_status[12]; /* none, claimed, recovered, refused */
	int64_t decided_by, decided_at; /* 0 = pending */
	int64_t created_at, updated_at, version;
};

/* clang-format off */
#define CLAIM_COLS(F, X) \
	F(CLC_TICKET_ID, "ticket_id") \
	X(CLC_SHIPMENT_ID, "shipment_id") \
	X(CLC_KIND, "kind") \
	X(CLC_DECLARED_VALUE_MINOR, "declared_value_minor") \
	X(CLC_CURRENCY, "currency") \
	X(CLC_EVIDENCE, "evidence") \
	X(CLC_DECISION, "decision") \
	X(CLC_DECISION_REASON, "decision_reason") \
	X(CLC_PAYOUT_MINOR, "payout_minor") \
	X(CLC_CARRIER_RECOVERY_MINOR, "carrier_recovery_minor") \
	X(CLC_CARRIER_RECOVERY_STATUS, "carrier_recovery_status") \
	X(CLC_DECIDED_BY, "decided_by") \
	X(CLC_DECIDED_AT, "decided_at") \
	X(CLC_CREATED_AT, "created_at") \
	X(CLC_UPDATED_AT, "updated_at") \
	X(CLC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(CLAIM_COLS, CLC_NCOLS);
#define COLUMNS DB_COLS_SQL(CLAIM_COLS)
static struct db_sql q_get = DB_SQL("SELECT " COLUMNS " FROM claims WHERE ticket_id = $1");
static struct db_sql q_shipment = DB_SQL("SELECT COUNT(*) FROM shipments WHERE id = $1");
static struct db_sql q_attachment = DB_SQL("SELECT COUNT(*) FROM attachments WHERE id = $1 AND ticket_id = $2");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO claims (ticket_id, shipment_id, kind, declared_value_minor, currency, evidence, created_at,"
        " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)");
static struct db_sql q_update = DB_SQL(
        "UPDATE claims SET declared_value_minor = $3, currency = $4, evidence = $5, decision = $6,"
        " decision_reason = $7, payout_minor = $8, carrier_recovery_minor = $9, carrier_recovery_status = $10,"
        " decided_by = $11, decided_at = $12, updated_at = $13, version = version + 1"
        " WHERE ticket_id = $1 AND version = $2");
static struct db_sql q_decision = DB_SQL("SELECT decision FROM claims WHERE ticket_id = $1");

static void text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void from_row(struct db_rows *r, struct claim *c)
{
	c->ticket_id = db_col_int(r, CLC_TICKET_ID);
	c->shipment_id = db_col_int(r, CLC_SHIPMENT_ID);
	text(c->kind, sizeof(c->kind), db_col_text(r, CLC_KIND));
	c->declared_value_minor = db_col_int(r, CLC_DECLARED_VALUE_MINOR);
	text(c->currency, sizeof(c->currency), db_col_text(r, CLC_CURRENCY));
	text(c->evidence, sizeof(c->evidence), db_col_text(r, CLC_EVIDENCE));
	c->decision = claim_rules_decision_parse(db_col_text(r, CLC_DECISION));
	text(c->decision_reason, sizeof(c->decision_reason), db_col_text(r, CLC_DECISION_REASON));
	c->payout_minor = db_col_int(r, CLC_PAYOUT_MINOR);
	c->carrier_recovery_minor = db_col_int(r, CLC_CARRIER_RECOVERY_MINOR);
	text(c->carrier_recovery_status, sizeof(c->carrier_recovery_status),
	     db_col_text(r, CLC_CARRIER_RECOVERY_STATUS));
	c->decided_by = db_col_int(r, CLC_DECIDED_BY);
	c->decided_at = db_col_int(r, CLC_DECIDED_AT);
	c->created_at = db_col_int(r, CLC_CREATED_AT);
	c->updated_at = db_col_int(r, CLC_UPDATED_AT);
	c->version = db_col_int(r, CLC_VERSION);
}

static void fill_row(struct db_rows *r, void *out)
{
	from_row(r, out);
}

static int load(struct db *db, int64_t ticket_id, struct claim *c, struct kf_error *err)
{
	struct process_ticket t;
	int rc = process_ticket_load(db, ticket_id, "claim", &t, err);
	if (rc < 0)
		return rc;
	rc = db_query_row(db, &q_get, DB_ARGS(db_int(ticket_id)), fill_row, c, err);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "claim", "ticket %lld has no claim yet",
		               (long long)ticket_id);
	return rc < 0 ? rc : 0;
}

static json_t *opt_int(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *to_json(const struct claim *c)
{
	json_t *ev = json_loads(c->evidence, 0, NULL);
	json_t *j = json_object();
	json_object_set_new(j, "ticket_id", json_integer(c->ticket_id));
	json_object_set_new(j, "shipment_id", json_integer(c->shipment_id));
	json_object_set_new(j, "kind", json_string(c->kind));
	json_object_set_new(j, "declared_value_minor", json_integer(c->declared_value_minor));
	json_object_set_new(j, "currency", json_string(c->currency));
	json_object_set_new(j, "evidence", ev ? ev : json_array());
	json_object_set_new(j, "decision", json_string(claim_rules_decision_name(c->decision)));
	json_object_set_new(j, "decision_reason",
	                    c->decision_reason[0] ? json_string(c->decision_reason) : json_null());
	json_object_set_new(j, "payout_minor", json_integer(c->payout_minor));
	json_object_set_new(j, "carrier_recovery_minor", json_integer(c->carrier_recovery_minor));
	json_object_set_new(j, "carrier_recovery_status", json_string(c->carrier_recovery_status));
	json_object_set_new(j, "decided_by", opt_int(c->decided_by));
	json_object_set_new(j, "decided_at", opt_int(c->decided_at));
	json_object_set_new(j, "created_at", json_integer(c->created_at));
	json_object_set_new(j, "updated_at", json_integer(c->updated_at));
	json_object_set_new(j, "version", json_integer(c->version));
	return j;
}

int claim_get(struct db *db, int64_t ticket_id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct claim *c = xcalloc(1, sizeof(*c));
	int rc = load(db, ticket_id, c, err);
	if (rc == 0) {
		*out = to_json(c);
		*version = c->version;
	}
	free(c);
	return rc;
}

/* Evidence: an array of ids of this ticket's attachments, as compact JSON text into dst. */
static int evidence_text(struct db *db, int64_t ticket_id, json_t *ev, char *dst, size_t cap,
                         struct kf_error *err)
{
	size_t i;
	json_t *v;
	if (!json_is_array(ev) || json_array_size(ev) > CLAIM_EVIDENCE_MAX)
		return kf_fail(err, KF_EINVAL, "invalid", "evidence",
		               "evidence is a list of at most %d attachment ids", CLAIM_EVIDENCE_MAX);
	json_array_foreach(ev, i, v)
	{
		int64_t n = 0;
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return kf_fail(err, KF_EINVAL, "invalid", "evidence",
			               "evidence holds attachment ids (positive integers)");
		int rc = db_query_int(db, &q_attachment,
		                      DB_ARGS(db_int(json_integer_value(v)), db_int(ticket_id)), &n, err);
		if (rc < 0)
			return rc;
		if (n == 0)
			return kf_fail(err, KF_EINVAL, "invalid", "evidence",
			               "attachment %lld is not on ticket %lld",
			               (long long)json_integer_value(v), (long long)ticket_id);
	}
	char *s = json_dumps(ev, JSON_COMPACT);
	int fits = s && strlen(s) < cap;
	text(dst, cap, fits ? s : "[]");
	free(s);
	return fits ? 0 : kf_fail(err, KF_EINVAL, "too_long", "evidence", "evidence is too long");
}

static int create_in_tx(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                        const struct claim_input *in, json_t **out, int64_t *version, struct kf_error *err)
{
	struct process_ticket t;
	char evidence[1024] = "[]";
	int64_t n = 0;
	int rc = process_ticket_load(db, ticket_id, "claim", &t, err);
	int64_t shipment = in->shipment_id ? in->shipment_id : t.shipment_id;
	if (rc == 0 && !shipment)
		rc = kf_fail(err, KF_EINVAL, "required", "shipment_id",
		             "shipment_id is required: the ticket has no shipment");
	if (rc == 0)
		rc = db_query_int(db, &q_shipment, DB_ARGS(db_int(shipment)), &n, err);
	if (rc == 0 && n == 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "shipment_id", "no shipment %lld", (long long)shipment);
	if (rc == 0 && in->evidence)
		rc = evidence_text(db, ticket_id, in->evidence, evidence, sizeof(evidence), err);
	if (rc == 0)
		rc = db_exec(db, &q_insert,
		             DB_ARGS(db_int(ticket_id), db_int(shipment), db_text(in->kind),
		                     db_int(in->declared_value_minor),
		                     db_text(in->currency ? in->currency : "CNY"), db_text(evidence),
		                     db_int(now)),
		             err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "claim", "ticket %lld already has a claim",
		               (long long)ticket_id);
	if (rc >= 0)
		rc = claim_get(db, ticket_id, out, version, err);
	if (rc == 0)
		rc = process_event_add(db, a, now, ticket_id, "claim.create", NULL, *out, err);
	return rc;
}

/* Run fn in a transaction; on failure *out is released. */
static int in_tx(struct db *db, int rc, json_t **out, struct kf_error *err)
{
	if (rc < 0) {
		db_rollback(db);
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	rc = db_commit(db, err);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int claim_create(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                 const struct claim_input *in, json_t **out, int64_t *version, struct kf_error *err)
{
	*out = NULL;
	if (!claim_rules_kind_valid(in->kind))
		return kf_fail(err, KF_EINVAL, "invalid", "kind", "kind must be damage, loss or late");
	if (in->currency && !process_rules_currency_valid(in->currency))
		return kf_fail(err, KF_EINVAL, "invalid", "currency",
		               "currency must be three capital letters (CNY)");
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	return in_tx(db, create_in_tx(db, a, now, ticket_id, in, out, version, err), out, err);
}

static int write(struct db *db, const struct claim *c, int64_t version, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_int(c->ticket_id), db_int(version), db_int(c->declared_value_minor),
	                         db_text(c->currency), db_text(c->evidence),
	                         db_text(claim_rules_decision_name(c->decision)),
	                         c->decision_reason[0] ? db_text(c->decision_reason) : db_null(),
	                         db_int(c->payout_minor), db_int(c->carrier_recovery_minor),
	                         db_text(c->carrier_recovery_status),
	                         c->decided_by ? db_int(c->decided_by) : db_null(),
	                         c->decided_at ? db_int(c->decided_at) : db_null(), db_int(now)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the claim was changed by someone else; reload and try again");
	return rc < 0 ? rc : 0;
}

/* Whether p changes the declared value or its currency, that is the payout cap. */
static int value_changes(const struct claim_patch *p, const struct claim *c)
{
	if (p->declared_value_minor >= 0 && p->declared_value_minor != c->declared_value_minor)
		return 1;
	return p->currency && strcmp(p->currency, c->currency) != 0;
}

static int apply(struct db *db, const struct claim_patch *p, struct claim *c, struct kf_error *err)
{
	int pending = c->decision == CD_PENDING;
	if (!pending && (p->declared_value_minor >= 0 || p->currency || p->evidence))
		return kf_fail(err, KF_ECONFLICT, "decided",
		               p->declared_value_minor >= 0 ? "declared_value_minor"
		                       : p->currency        ? "currency"
		                                            : "evidence",
		               "the claim is decided: its value and evidence no longer change");
	if (p->currency && !process_rules_currency_valid(p->currency))
		return kf_fail(err, KF_EINVAL, "invalid", "currency",
		               "currency must be three capital letters (CNY)");
	if (value_changes(p, c) && !p->can_change_value)
		return kf_fail(err, KF_EPERM, "declared_value_manager", "declared_value_minor",
		               "only a manager may change the declared value: it caps the payout");
	if (p->carrier_recovery_status && !claim_rules_recovery_status_valid(p->carrier_recovery_status))
		return kf_fail(err, KF_EINVAL, "invalid", "carrier_recovery_status",
		               "carrier_recovery_status must be none, claimed, recovered or refused");
	if (p->evidence) {
		int rc = evidence_text(db, c->ticket_id, p->evidence, c->evidence, sizeof(c->evidence), err);
		if (rc < 0)
			return rc;
	}
	if (p->declared_value_minor >= 0)
		c->declared_value_minor = p->declared_value_minor;
	if (p->currency)
		text(c->currency, sizeof(c->currency), p->currency);
	if (p->carrier_recovery_minor >= 0)
		c->carrier_recovery_minor = p->carrier_recovery_minor;
	if (p->carrier_recovery_status)
		text(c->carrier_recovery_status, sizeof(c->carrier_recovery_status),
		     p->carrier_recovery_status);
	return 0;
}

/* What a change or a decision does to a loaded claim. */
struct claim_step {
	const struct claim_patch *patch; /* a change, or NULL */
	enum claim_decision decision; /* a decision, or CD_NONE */
	const char *reason; /* the decision's reason */
	int64_t payout_minor; /* the decision's payout */
	int can_override; /* the decider may pay above the declared value */
};

static int decide(const struct actor *a, int64_t now, const struct claim_step *s, struct claim *c,
                  struct kf_error *err)
{
	if (c->decision != CD_PENDING)
		return kf_fail(err, KF_ECONFLICT, "already_decided", "decision",
		               "the claim was already decided (%s)", claim_rules_decision_name(c->decision));
	int rc = claim_rules_check_payout(s->decision, s->payout_minor, c->declared_value_minor,
	                                  s->reason && s->reason[0], s->can_override, err);
	if (rc < 0)
		return rc;
	c->decision = s->decision;
	text(c->decision_reason, sizeof(c->decision_reason), s->reason);
	c->payout_minor = s->payout_minor;
	c->decided_by = a->id;
	c->decided_at = now;
	return 0;
}

static int step_in_tx(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                      const struct claim_step *s, struct claim *c, json_t **out, int64_t *new_version,
                      struct kf_error *err)
{
	int rc = load(db, ticket_id, c, err);
	if (rc == 0 && c->version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the claim was changed by someone else; reload and try again");
	if (rc < 0)
		return rc;
	json_t *before = to_json(c);
	int value_change = s->patch && value_changes(s->patch, c);
	rc = s->patch ? apply(db, s->patch, c, err) : decide(a, now, s, c, err);
	if (rc == 0)
		rc = write(db, c, version, now, err);
	if (rc == 0)
		rc = claim_get(db, ticket_id, out, new_version, err);
	if (rc == 0)
		rc = process_event_add(db, a, now, ticket_id, s->patch ? "claim.update" : "claim.decide",
		                       before, *out, err);
	if (rc == 0 && value_change)
		rc = audit_record(db, a, now, "claim.declared_value_change", "claim", ticket_id, before, *out,
		                  err);
	if (rc == 0 && !s->patch && s->payout_minor > c->declared_value_minor)
		rc = audit_record(db, a, now, "claim.payout_over_declared", "claim", ticket_id, before, *out,
		                  err);
	json_decref(before);
	return rc;
}

static int run_step(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                    const struct claim_step *s, json_t **out, int64_t *new_version, struct kf_error *err)
{
	struct claim *c = xcalloc(1, sizeof(*c));
	*out = NULL;
	int rc = db_begin(db, err);
	if (rc == 0)
		rc = in_tx(db, step_in_tx(db, a, now, ticket_id, version, s, c, out, new_version, err), out,
		           err);
	free(c);
	return rc;
}

int claim_change(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                 const struct claim_patch *p, json_t **out, int64_t *new_version, struct kf_error *err)
{
	struct claim_step s = { p, CD_NONE, NULL, 0, 0 };
	return run_step(db, a, now, ticket_id, version, &s, out, new_version, err);
}

int claim_decide(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                 enum claim_decision d, const char *reason, int64_t payout_minor, int can_override,
                 json_t **out, int64_t *new_version, struct kf_error *err)
{
	struct claim_step s = { NULL, d, reason, payout_minor, can_override };
	return run_step(db, a, now, ticket_id, version, &s, out, new_version, err);
}

int claim_can_resolve(struct db *db, int64_t ticket_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	char decision[24] = "";
	int rc = db_query(db, &q_decision, DB_ARGS(db_int(ticket_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		text(decision, sizeof(decision), db_col_text(r, 0));
	db_done(r);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return kf_fail(err, KF_ECONFLICT, "claim_incomplete", "claim",
		               "the claim ticket cannot be resolved: it has no claim");
	if (claim_rules_decision_parse(decision) == CD_PENDING)
		return kf_fail(err, KF_ECONFLICT, "claim_incomplete", "decision",
		               "the claim ticket cannot be resolved: the claim is not decided yet");
	return 0;
}
