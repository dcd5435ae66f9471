/*
 * returns.c - see returns.h.  The rules live in process_rules.c; this
 * file reads the order's lines and deliveries, asks the rules, and writes.
 */
#include "desk/returns.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "desk/process_hooks.h"
#include "store/db.h"
#include "store/db_json.h"

/* One return as stored. */
struct return_req {
	int64_t id; /* return_requests.id; the RMA number derives from it */
	int64_t ticket_id, order_id; /* the return ticket and its order */
	char reason[TEXTLEN_BYTES(RETURN_TEXT_MAX)]; /* why the customer returns */
	enum return_action action; /* refund, exchange, repair */
	enum return_status status; /* where it is */
	char tracking[129]; /* the return shipment's tracking number, "" = none */
	char inspection_result[32]; /* "" = not inspected */
	char inspection_notes[TEXTLEN_BYTES(RETURN_TEXT_MAX)]; /* "" = none */
	int64_t refund_minor; /* -1 = none yet */
	char currency[4]; /* the order's currency */
	int64_t lines_value_minor; /* quantity x unit price over the lines: the refund cap */
	int64_t delivered_at, window_deadline_at; /* 0 = no delivery recorded */
	int64_t window_override_by; /* users.id of the manager who overrode, 0 = none */
	char window_override_reason[TEXTLEN_BYTES(RETURN_TEXT_MAX)]; /* "" = not overridden */
	int64_t created_at, updated_at, version;
};

/* clang-format off */
#define RETURN_COLS(F, X) \
	F(RC_ID, "id") \
	X(RC_TICKET_ID, "ticket_id") \
	X(RC_ORDER_ID, "order_id") \
	X(RC_REASON, "reason") \
	X(RC_ACTION, "action") \
	X(RC_STATUS, "status") \
	X(RC_TRACKING, "return_tracking_number") \
	X(RC_INSPECTION_RESULT, "inspection_result") \
	X(RC_INSPECTION_NOTES, "inspection_notes") \
	X(RC_REFUND_MINOR, "refund_minor") \
	X(RC_CURRENCY, "currency") \
	X(RC_LINES_VALUE_MINOR, "lines_value_minor") \
	X(RC_DELIVERED_AT, "delivered_at") \
	X(RC_WINDOW_DEADLINE_AT, "window_deadline_at") \
	X(RC_WINDOW_OVERRIDE_BY, "window_override_by") \
	X(RC_WINDOW_OVERRIDE_REASON, "window_override_reason") \
	X(RC_CREATED_AT, "created_at") \
	X(RC_UPDATED_AT, "updated_at") \
	X(RC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(RETURN_COLS, RC_NCOLS);
#define COLUMNS DB_COLS_SQL(RETURN_COLS)
static struct db_sql q_get = DB_SQL("SELECT " COLUMNS " FROM return_requests WHERE ticket_id = $1");
/* clang-format off */
#define RETURN_LINE_COLS(F, X) \
	F(RLC_ORDER_LINE_ID, "rl.order_line_id") \
	X(RLC_QUANTITY, "rl.quantity") \
	X(RLC_UNIT_PRICE_MINOR, "rl.unit_price_minor") \
	X(RLC_SKU, "ol.sku") \
	X(RLC_NAME, "ol.name")
/* clang-format on */
DB_COLS_ENUM(RETURN_LINE_COLS, RLC_NCOLS);
static struct db_sql q_lines = DB_SQL("SELECT " DB_COLS_SQL(
        RETURN_LINE_COLS) " FROM return_lines rl"
                          " JOIN order_lines ol ON ol.id = rl.order_line_id WHERE rl.return_id = $1"
                          " ORDER BY rl.order_line_id");
static struct db_sql q_order = DB_SQL("SELECT currency FROM orders WHERE id = $1");
/* A no-op write that locks the order row: concurrent returns of one order queue here (PostgreSQL). */
static struct db_sql q_lock_order = DB_SQL("UPDATE orders SET version = version WHERE id = $1");
static struct db_sql q_delivered = DB_SQL(
        "SELECT CAST(MAX(delivered_at) AS BIGINT) FROM shipments WHERE order_id = $1 AND delivered_at IS NOT NULL");
static struct db_sql q_window = DB_SQL(
        "SELECT c.return_window_days FROM tickets t JOIN categories c ON c.id = t.category_id WHERE t.id = $1");
/* clang-format off */
#define ORDER_LINE_COLS(F, X) \
	F(OLC_DELIVERED, "quantity_delivered") \
	X(OLC_UNIT_PRICE_MINOR, "unit_price_minor")
/* clang-format on */
DB_COLS_ENUM(ORDER_LINE_COLS, OLC_NCOLS);
static struct db_sql q_order_line = DB_SQL(
        "SELECT " DB_COLS_SQL(ORDER_LINE_COLS) " FROM order_lines"
                                               " WHERE id = $1 AND order_id = $2");
static struct db_sql q_already = DB_SQL(
        "SELECT CAST(COALESCE(SUM(rl.quantity), 0) AS BIGINT) FROM return_lines rl"
        " JOIN return_requests r ON r.id = rl.return_id WHERE rl.order_line_id = $1 AND r.status <> 'rejected'");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO return_requests (ticket_id, order_id, reason, action, currency, lines_value_minor,"
        " delivered_at, window_deadline_at, window_override_by, window_override_reason, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id");
static struct db_sql q_insert_line = DB_SQL(
        "INSERT INTO return_lines (return_id, order_line_id, quantity, unit_price_minor) VALUES ($1, $2, $3, $4)");
static struct db_sql q_update = DB_SQL(
        "UPDATE return_requests SET reason = $3, status = $4, return_tracking_number = $5,"
        " inspection_result = $6, inspection_notes = $7, refund_minor = $8, updated_at = $9,"
        " version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_status = DB_SQL("SELECT status FROM return_requests WHERE ticket_id = $1");
static struct db_sql q_exists = DB_SQL("SELECT COUNT(*) FROM return_requests WHERE ticket_id = $1");

static void text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void from_row(struct db_rows *r, struct return_req *x)
{
	x->id = db_col_int(r, RC_ID);
	x->ticket_id = db_col_int(r, RC_TICKET_ID);
	x->order_id = db_col_int(r, RC_ORDER_ID);
	text(x->reason, sizeof(x->reason), db_col_text(r, RC_REASON));
	x->action = return_rules_action_parse(db_col_text(r, RC_ACTION));
	x->status = return_rules_status_parse(db_col_text(r, RC_STATUS));
	text(x->tracking, sizeof(x->tracking), db_col_text(r, RC_TRACKING));
	text(x->inspection_result, sizeof(x->inspection_result), db_col_text(r, RC_INSPECTION_RESULT));
	text(x->inspection_notes, sizeof(x->inspection_notes), db_col_text(r, RC_INSPECTION_NOTES));
	x->refund_minor = db_col_isnull(r, RC_REFUND_MINOR) ? -1 : db_col_int(r, RC_REFUND_MINOR);
	text(x->currency, sizeof(x->currency), db_col_text(r, RC_CURRENCY));
	x->lines_value_minor = db_col_int(r, RC_LINES_VALUE_MINOR);
	x->delivered_at = db_col_int(r, RC_DELIVERED_AT);
	x->window_deadline_at = db_col_int(r, RC_WINDOW_DEADLINE_AT);
	x->window_override_by = db_col_int(r, RC_WINDOW_OVERRIDE_BY);
	text(x->window_override_reason, sizeof(x->window_override_reason),
	     db_col_text(r, RC_WINDOW_OVERRIDE_REASON));
	x->created_at = db_col_int(r, RC_CREATED_AT);
	x->updated_at = db_col_int(r, RC_UPDATED_AT);
	x->version = db_col_int(r, RC_VERSION);
}

/* The return of a return ticket, or KF_ENOTFOUND "not_found" field "return". */
static void fill_row(struct db_rows *r, void *out)
{
	from_row(r, out);
}

static int load(struct db *db, int64_t ticket_id, struct return_req *x, struct kf_error *err)
{
	struct process_ticket t;
	int rc = process_ticket_load(db, ticket_id, "return", &t, err);
	if (rc < 0)
		return rc;
	rc = db_query_row(db, &q_get, DB_ARGS(db_int(ticket_id)), fill_row, x, err);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "return", "ticket %lld has no return yet",
		               (long long)ticket_id);
	return rc < 0 ? rc : 0;
}

static json_t *opt_time(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static json_t *opt_str(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static int lines_json(struct db *db, int64_t return_id, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *a = json_array();
	int rc = db_query(db, &q_lines, DB_ARGS(db_int(return_id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(a,
		                      json_pack("{s:I,s:I,s:I,s:o,s:o}", "order_line_id",
		                                (json_int_t)db_col_int(r, RLC_ORDER_LINE_ID), "quantity",
		                                (json_int_t)db_col_int(r, RLC_QUANTITY), "unit_price_minor",
		                                (json_int_t)db_col_int(r, RLC_UNIT_PRICE_MINOR), "sku",
		                                json_str_or_null(db_col_text(r, RLC_SKU)), "name",
		                                json_str_or_null(db_col_text(r, RLC_NAME))));
	db_done(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

static int to_json(struct db *db, const struct return_req *x, json_t **out, struct kf_error *err)
{
	char rma[32];
	json_t *lines = NULL;
	int rc = lines_json(db, x->id, &lines, err);
	if (rc < 0)
		return rc;
	snprintf(rma, sizeof(rma), "RMA%08lld", (long long)x->id);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(x->id));
	json_object_set_new(j, "rma", json_string(rma));
	json_object_set_new(j, "ticket_id", json_integer(x->ticket_id));
	json_object_set_new(j, "order_id", json_integer(x->order_id));
	json_object_set_new(j, "reason", json_string(x->reason));
	json_object_set_new(j, "action", json_string(return_rules_action_name(x->action)));
	json_object_set_new(j, "status", json_string(return_rules_status_name(x->status)));
	json_object_set_new(j, "lines", lines);
	json_object_set_new(j, "return_tracking_number", opt_str(x->tracking));
	json_object_set_new(j, "inspection_result", opt_str(x->inspection_result));
	json_object_set_new(j, "inspection_notes", opt_str(x->inspection_notes));
	json_object_set_new(j, "refund_minor",
	                    x->refund_minor >= 0 ? json_integer(x->refund_minor) : json_null());
	json_object_set_new(j, "currency", json_string(x->currency));
	json_object_set_new(j, "lines_value_minor", json_integer(x->lines_value_minor));
	json_object_set_new(j, "delivered_at", opt_time(x->delivered_at));
	json_object_set_new(j, "window_deadline_at", opt_time(x->window_deadline_at));
	json_object_set_new(j, "window_override_by",
	                    x->window_override_by ? json_integer(x->window_override_by) : json_null());
	json_object_set_new(j, "window_override_reason", opt_str(x->window_override_reason));
	json_object_set_new(j, "created_at", json_integer(x->created_at));
	json_object_set_new(j, "updated_at", json_integer(x->updated_at));
	json_object_set_new(j, "version", json_integer(x->version));
	*out = j;
	return 0;
}

int return_get(struct db *db, int64_t ticket_id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct return_req *x = xcalloc(1, sizeof(*x));
	int rc = load(db, ticket_id, x, err);
	if (rc == 0)
		rc = to_json(db, x, out, err);
	if (rc == 0)
		*version = x->version;
	free(x);
	return rc;
}

/* ---- creating ---------------------------------------------------------- */

/* What the window and the lines of a new return come to. */
struct return_plan {
	int64_t order_id; /* the order returned from */
	char currency[4]; /* the order's currency */
	int64_t delivered_at, deadline; /* the order's last delivery and the window's end, 0 = none */
	int overridden; /* the window was closed and a manager overrode it */
	int64_t unit_price[RETURN_LINES_MAX]; /* per input line */
	int64_t value; /* the refund cap */
};

static int pick_order(const struct process_ticket *t, const struct return_input *in, struct return_plan *pl,
                      struct kf_error *err)
{
	pl->order_id = in->order_id ? in->order_id : t->order_id;
	if (!pl->order_id)
		return kf_fail(err, KF_EINVAL, "required", "order_id",
		               "order_id is required: the ticket has no order");
	if (in->order_id && t->order_id && in->order_id != t->order_id)
		return kf_fail(err, KF_EINVAL, "invalid", "order_id",
		               "order_id %lld is not the ticket's order %lld", (long long)in->order_id,
		               (long long)t->order_id);
	return 0;
}

static int read_order(struct db *db, struct return_plan *pl, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_exec(db, &q_lock_order, DB_ARGS(db_int(pl->order_id)), err);
	if (rc == 0)
		return kf_fail(err, KF_EINVAL, "invalid", "order_id", "no order %lld", (long long)pl->order_id);
	if (rc >= 0)
		rc = db_query(db, &q_order, DB_ARGS(db_int(pl->order_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		text(pl->currency, sizeof(pl->currency), db_col_text(r, 0));
	db_done(r);
	if (rc < 0)
		return rc;
	rc = db_query(db, &q_delivered, DB_ARGS(db_int(pl->order_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	pl->delivered_at = rc == 1 ? db_col_int(r, 0) : 0;
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* The ticket category's window in days, or -1 for the default. */
static int window_days(struct db *db, int64_t ticket_id, int *days, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_window, DB_ARGS(db_int(ticket_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	*days = rc == 1 && !db_col_isnull(r, 0) ? (int)db_col_int(r, 0) : -1;
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* UTC seconds as 2026-05-01T08:00:00Z (ISO 8601). */
static void iso_utc(int64_t t, char *dst, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || strftime(dst, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(dst, cap, "%lld", (long long)t);
}

/*
 * The facts of a closed window for a client to word its own message:
 * reason "no_delivery" or "expired", window_days, and when delivered the
 * delivered_at and deadline instants (ISO 8601 UTC).
 */
static void window_details(struct kf_error *err, int64_t delivered_at, int days)
{
	char when[32];
	int64_t deadline = 0;
	if (!err || strcmp(err->key, "return_window_closed") != 0)
		return;
	return_rules_window_open(delivered_at, days, 0, &deadline);
	kf_detail_str(err, "reason", deadline ? "expired" : "no_delivery");
	if (!deadline) {
		kf_detail_int(err, "window_days", days < 0 ? RETURN_WINDOW_DEFAULT_DAYS : days);
		return;
	}
	kf_detail_int(err, "window_days", (deadline - delivered_at) / 86400);
	iso_utc(delivered_at, when, sizeof(when));
	kf_detail_str(err, "delivered_at", when);
	iso_utc(deadline, when, sizeof(when));
	kf_detail_str(err, "deadline", when);
}

/* The facts of a quantity above what is left: allowed, delivered, already_returned, requested. */
static void quantity_details(struct kf_error *err, const struct return_line_input *l, int64_t delivered,
                             int64_t already)
{
	if (!err || strcmp(err->key, "return_quantity") != 0)
		return;
	kf_detail_int(err, "order_line_id", l->order_line_id);
	kf_detail_int(err, "allowed", return_rules_returnable(delivered, already));
	kf_detail_int(err, "delivered", delivered);
	kf_detail_int(err, "already_returned", already);
	kf_detail_int(err, "requested", l->quantity);
}

static int check_line(struct db *db, const struct return_input *in, size_t i, struct return_plan *pl,
                      struct kf_error *err)
{
	const struct return_line_input *l = &in->lines[i];
	struct db_rows *r = NULL;
	int64_t delivered = 0, already = 0;
	for (size_t k = 0; k < i; k++)
		if (in->lines[k].order_line_id == l->order_line_id)
			return kf_fail(err, KF_EINVAL, "invalid", "lines", "order line %lld is listed twice",
			               (long long)l->order_line_id);
	int rc = db_query(db, &q_order_line, DB_ARGS(db_int(l->order_line_id), db_int(pl->order_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		delivered = db_col_int(r, OLC_DELIVERED);
		pl->unit_price[i] = db_col_int(r, OLC_UNIT_PRICE_MINOR);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_EINVAL, "invalid", "lines", "order line %lld is not on order %lld",
		               (long long)l->order_line_id, (long long)pl->order_id);
	if (rc >= 0)
		rc = db_query_int(db, &q_already, DB_ARGS(db_int(l->order_line_id)), &already, err);
	if (rc >= 0)
		rc = return_rules_check_quantity(l->order_line_id, l->quantity, delivered, already, err);
	if (rc == KF_ECONFLICT)
		quantity_details(err, l, delivered, already);
	return rc < 0 ? rc : 0;
}

static int plan(struct db *db, const struct process_ticket *t, const struct return_input *in, int64_t now,
                int can_override, struct return_plan *pl, struct kf_error *err)
{
	int days = -1;
	int64_t q[RETURN_LINES_MAX];
	if (in->nlines == 0 || in->nlines > RETURN_LINES_MAX)
		return kf_fail(err, KF_EINVAL, "range", "lines", "a return has 1 to %d lines",
		               RETURN_LINES_MAX);
	int rc = pick_order(t, in, pl, err);
	if (rc == 0)
		rc = read_order(db, pl, err);
	if (rc == 0)
		rc = window_days(db, t->id, &days, err);
	if (rc == 0)
		rc = return_rules_check_window(pl->delivered_at, days, now, in->window_override_reason,
		                               can_override, &pl->overridden, err);
	if (rc == KF_ECONFLICT)
		window_details(err, pl->delivered_at, days);
	if (rc == 0)
		return_rules_window_open(pl->delivered_at, days, now, &pl->deadline);
	for (size_t i = 0; rc == 0 && i < in->nlines; i++) {
		rc = check_line(db, in, i, pl, err);
		q[i] = in->lines[i].quantity;
	}
	if (rc == 0)
		rc = return_rules_lines_value(q, pl->unit_price, in->nlines, &pl->value, err);
	return rc;
}

static int insert(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                  const struct return_input *in, const struct return_plan *pl, int64_t *id,
                  struct kf_error *err)
{
	const char *why = pl->overridden ? in->window_override_reason : NULL;
	int rc = db_query_int(db, &q_insert,
	                      DB_ARGS(db_int(ticket_id), db_int(pl->order_id), db_text(in->reason),
	                              db_text(return_rules_action_name(in->action)), db_text(pl->currency),
	                              db_int(pl->value), pl->delivered_at ? db_int(pl->delivered_at) : db_null(),
	                              pl->deadline ? db_int(pl->deadline) : db_null(),
	                              pl->overridden ? db_int(a->id) : db_null(), db_text(why), db_int(now)),
	                      id, err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "return", "ticket %lld already has a return",
		               (long long)ticket_id);
	for (size_t i = 0; rc == 0 && i < in->nlines; i++) {
		rc = db_exec(db, &q_insert_line,
		             DB_ARGS(db_int(*id), db_int(in->lines[i].order_line_id),
		                     db_int(in->lines[i].quantity), db_int(pl->unit_price[i])),
		             err);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

/* The event, and for an override also the audit row. */
static int record_create(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t id,
                         const struct return_plan *pl, json_t *after, struct kf_error *err)
{
	int rc = process_event_add(db, a, now, ticket_id, "return.create", NULL, after, err);
	if (rc < 0 || !pl->overridden)
		return rc;
	json_t *o = json_pack("{s:o,s:o,s:O}", "delivered_at",
	                      pl->delivered_at ? json_integer(pl->delivered_at) : json_null(),
	                      "window_deadline_at", pl->deadline ? json_integer(pl->deadline) : json_null(),
	                      "window_override_reason", json_object_get(after, "window_override_reason"));
	rc = process_event_add(db, a, now, ticket_id, "return.window_override", NULL, o, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "return.window_override", "return", id, NULL, o, err);
	json_decref(o);
	return rc;
}

static int create_in_tx(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                        const struct return_input *in, int can_override, struct return_plan *pl, json_t **out,
                        struct kf_error *err)
{
	struct process_ticket t;
	int64_t id = 0, version, n = 0;
	int rc = process_ticket_load(db, ticket_id, "return", &t, err);
	if (rc == 0)
		rc = db_query_int(db, &q_exists, DB_ARGS(db_int(ticket_id)), &n, err);
	if (rc == 0 && n > 0)
		rc = kf_fail(err, KF_EEXIST, "exists", "return", "ticket %lld already has a return",
		             (long long)ticket_id);
	if (rc == 0)
		rc = plan(db, &t, in, now, can_override, pl, err);
	if (rc == 0)
		rc = insert(db, a, now, ticket_id, in, pl, &id, err);
	if (rc == 0)
		rc = return_get(db, ticket_id, out, &version, err);
	if (rc == 0)
		rc = record_create(db, a, now, ticket_id, id, pl, *out, err);
	return rc;
}

int return_create(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                  const struct return_input *in, int can_override, json_t **out, struct kf_error *err)
{
	struct return_plan *pl = xcalloc(1, sizeof(*pl));
	*out = NULL;
	int rc = db_begin(db, err);
	if (rc == 0) {
		rc = create_in_tx(db, a, now, ticket_id, in, can_override, pl, out, err);
		if (rc < 0)
			db_rollback(db);
		else
			rc = db_commit(db, err);
	}
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	free(pl);
	return rc;
}

/* ---- changing ---------------------------------------------------------- */

static int apply(const struct return_patch *p, struct return_req *x, struct kf_error *err)
{
	if (p->reason && x->status != RS_REQUESTED)
		return kf_fail(err, KF_ECONFLICT, "wrong_step", "reason",
		               "the reason can change only while requested");
	if (p->inspection_result && !return_rules_inspection_valid(p->inspection_result))
		return kf_fail(err, KF_EINVAL, "invalid", "inspection_result",
		               "inspection_result must be ok, damaged, not_as_described, missing_parts or used");
	if (p->reason)
		text(x->reason, sizeof(x->reason), p->reason);
	if (p->return_tracking_number)
		text(x->tracking, sizeof(x->tracking), p->return_tracking_number);
	if (p->inspection_result)
		text(x->inspection_result, sizeof(x->inspection_result), p->inspection_result);
	if (p->inspection_notes)
		text(x->inspection_notes, sizeof(x->inspection_notes), p->inspection_notes);
	if (p->refund_minor >= 0)
		x->refund_minor = p->refund_minor;
	return 0;
}

static int move(enum return_status to, int can_override, struct return_req *x, struct kf_error *err)
{
	int rc = return_rules_check_move(x->status, to, x->action, x->inspection_result[0] != '\0', err);
	if (rc == 0 && to == RS_REFUNDED && x->refund_minor < 0)
		rc = kf_fail(err, KF_ECONFLICT, "step_requirements", "refund_minor",
		             "cannot mark the return refunded: refund_minor is missing");
	if (rc == 0 && x->refund_minor >= 0)
		rc = return_rules_check_refund(x->refund_minor, x->lines_value_minor, can_override, err);
	if (rc == 0)
		x->status = to;
	return rc;
}

static int write(struct db *db, const struct return_req *x, int64_t version, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_int(x->id), db_int(version), db_text(x->reason),
	                         db_text(return_rules_status_name(x->status)),
	                         x->tracking[0] ? db_text(x->tracking) : db_null(),
	                         x->inspection_result[0] ? db_text(x->inspection_result) : db_null(),
	                         x->inspection_notes[0] ? db_text(x->inspection_notes) : db_null(),
	                         x->refund_minor >= 0 ? db_int(x->refund_minor) : db_null(), db_int(now)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the return was changed by someone else; reload and try again");
	return rc < 0 ? rc : 0;
}

static int change_in_tx(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                        enum return_status to, const struct return_patch *p, int can_override,
                        struct return_req *x, json_t **out, int64_t *new_version, struct kf_error *err)
{
	json_t *before = NULL;
	int rc = load(db, ticket_id, x, err);
	if (rc == 0 && x->version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the return was changed by someone else; reload and try again");
	if (rc == 0 && return_rules_status_terminal(x->status))
		rc = kf_fail(err, KF_ECONFLICT, "closed", NULL, "the return is %s and can no longer change",
		             return_rules_status_name(x->status));
	if (rc == 0)
		rc = to_json(db, x, &before, err);
	if (rc == 0)
		rc = apply(p, x, err);
	if (rc == 0 && to != RS_NONE)
		rc = move(to, can_override, x, err);
	else if (rc == 0 && x->refund_minor >= 0)
		rc = return_rules_check_refund(x->refund_minor, x->lines_value_minor, can_override, err);
	if (rc == 0)
		rc = write(db, x, version, now, err);
	if (rc == 0)
		rc = return_get(db, ticket_id, out, new_version, err);
	if (rc == 0)
		rc = process_event_add(db, a, now, ticket_id,
		                       to != RS_NONE ? "return.advance" : "return.update", before, *out, err);
	json_decref(before);
	return rc;
}

int return_change(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                  enum return_status to, const struct return_patch *p, int can_override, json_t **out,
                  int64_t *new_version, struct kf_error *err)
{
	struct return_req *x = xcalloc(1, sizeof(*x));
	*out = NULL;
	int rc = db_begin(db, err);
	if (rc == 0) {
		rc = change_in_tx(db, a, now, ticket_id, version, to, p, can_override, x, out, new_version,
		                  err);
		if (rc < 0)
			db_rollback(db);
		else
			rc = db_commit(db, err);
	}
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	free(x);
	return rc;
}

int return_can_resolve(struct db *db, int64_t ticket_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	char status[16] = "";
	int rc = db_query(db, &q_status, DB_ARGS(db_int(ticket_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		text(status, sizeof(status), db_col_text(r, 0));
	db_done(r);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return kf_fail(err, KF_ECONFLICT, "return_incomplete", "return",
		               "the return ticket cannot be resolved: it has no return authorisation");
	if (!return_rules_status_terminal(return_rules_status_parse(status)))
		return kf_fail(err, KF_ECONFLICT, "return_incomplete", "status",
		               "the return ticket cannot be resolved: the return is %s, not refunded, exchanged,"
		               " repaired or rejected",
		               status);
	return 0;
}
