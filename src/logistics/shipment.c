/*
 * shipment.c - see shipment.h.
 */
#include "logistics/shipment.h"

#include <stdio.h>
#include <string.h>

#include "base/textlen.h"
#include "base/json.h"
#include "crm/timeline.h"
#include "events/outbox.h"
#include "jobs/job.h"
#include "logistics/delay.h"
#include "logistics/order.h"
#include "logistics/tracking.h"
#include "store/db.h"
#include "store/db_json.h"

/* clang-format off */
#define SHIP_ROW_COLS(F, X) \
	F(SC_ID, "id") \
	X(SC_ORDER_ID, "order_id") \
	X(SC_CUSTOMER_ID, "customer_id") \
	X(SC_CARRIER, "carrier") \
	X(SC_TRACKING_NUMBER, "tracking_number") \
	X(SC_MODE, "mode") \
	X(SC_STATUS, "status") \
	X(SC_STATUS_AT, "status_at") \
	X(SC_ORIGIN, "origin") \
	X(SC_DESTINATION, "destination") \
	X(SC_SHIPPED_AT, "shipped_at") \
	X(SC_ETA_AT, "eta_at") \
	X(SC_DELIVERED_AT, "delivered_at") \
	X(SC_CREATED_AT, "created_at") \
	X(SC_UPDATED_AT, "updated_at") \
	X(SC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(SHIP_ROW_COLS, SC_NCOLS);
#define SHIP_COLS DB_COLS_SQL(SHIP_ROW_COLS)
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO shipments (order_id, customer_id, carrier, tracking_number, mode, origin, destination,"
        " shipped_at, eta_at, status_at, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10) RETURNING id");
static struct db_sql q_ship_line = DB_SQL(
        "UPDATE order_lines SET quantity_shipped = quantity_shipped + $3"
        " WHERE id = $1 AND order_id = $2 AND quantity_shipped + $3 <= quantity");
static struct db_sql q_line_exists = DB_SQL("SELECT id FROM order_lines WHERE id = $1 AND order_id = $2");
static struct db_sql q_line_insert = DB_SQL(
        "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity) VALUES ($1, $2, $3)");
static struct db_sql q_ship_all = DB_SQL(
        "UPDATE order_lines SET quantity_shipped = quantity WHERE order_id = $1");
static struct db_sql q_by_number = DB_SQL("SELECT id FROM shipments WHERE tracking_number = $1");
static struct db_sql q_get = DB_SQL("SELECT " SHIP_COLS " FROM shipments WHERE id = $1");
/* clang-format off */
#define SHIP_LINE_COLS(F, X) \
	F(SLC_ORDER_LINE_ID, "order_line_id") \
	X(SLC_QUANTITY, "quantity")
/* clang-format on */
DB_COLS_ENUM(SHIP_LINE_COLS, SLC_NCOLS);
static struct db_sql q_lines = DB_SQL(
        "SELECT " DB_COLS_SQL(SHIP_LINE_COLS) " FROM shipment_lines"
                                              " WHERE shipment_id = $1 ORDER BY order_line_id");
/* clang-format off */
#define EVENT_COLS(F, X) \
	F(EC_ID, "id") \
	X(EC_AT, "at") \
	X(EC_STATUS, "status") \
	X(EC_LOCATION, "location") \
	X(EC_DESCRIPTION, "description") \
	X(EC_SOURCE, "source")
/* clang-format on */
DB_COLS_ENUM(EVENT_COLS, EC_NCOLS);
static struct db_sql q_events = DB_SQL(
        "SELECT " DB_COLS_SQL(EVENT_COLS) " FROM tracking_events"
                                          " WHERE shipment_id = $1 ORDER BY at, id");
static struct db_sql q_update = DB_SQL(
        "UPDATE shipments SET eta_at = $3, carrier = $4, origin = $5, destination = $6, updated_at = $7,"
        " version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_refresh = DB_SQL(
        "UPDATE shipments SET carrier = $2, mode = $3, origin = $4, destination = $5, shipped_at = $6,"
        " eta_at = $7, updated_at = $8, version = version + 1 WHERE id = $1");
static struct db_sql q_event_insert = DB_SQL(
        "INSERT INTO tracking_events (shipment_id, at, status, location, description, source, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (shipment_id, at, status) DO NOTHING RETURNING id");
/* clang-format off */
#define STATE_COLS(F, X) \
	F(STC_STATUS, "status") \
	X(STC_STATUS_AT, "status_at") \
	X(STC_ORDER_ID, "order_id") \
	X(STC_CUSTOMER_ID, "COALESCE(customer_id, 0)") \
	X(STC_ETA_AT, "COALESCE(eta_at, 0)")
/* clang-format on */
DB_COLS_ENUM(STATE_COLS, STC_NCOLS);
static struct db_sql q_state = DB_SQL("SELECT " DB_COLS_SQL(STATE_COLS) " FROM shipments"
                                                                        " WHERE id = $1");
static struct db_sql q_move = DB_SQL(
        "UPDATE shipments SET status = $2, status_at = $3, delivered_at = $4, updated_at = $5,"
        " version = version + 1 WHERE id = $1");
static struct db_sql q_nlines = DB_SQL("SELECT COUNT(*) FROM shipment_lines WHERE shipment_id = $1");
static struct db_sql q_deliver_lines = DB_SQL(
        "UPDATE order_lines SET quantity_delivered = CASE WHEN quantity_delivered + (SELECT sl.quantity"
        " FROM shipment_lines sl WHERE sl.shipment_id = $1 AND sl.order_line_id = order_lines.id) > quantity"
        " THEN quantity ELSE quantity_delivered + (SELECT sl.quantity FROM shipment_lines sl"
        " WHERE sl.shipment_id = $1 AND sl.order_line_id = order_lines.id) END"
        " WHERE id IN (SELECT order_line_id FROM shipment_lines WHERE shipment_id = $1)");
static struct db_sql q_deliver_all = DB_SQL(
        "UPDATE order_lines SET quantity_shipped = quantity, quantity_delivered = quantity WHERE order_id = $1");
/* clang-format off */
#define TRACK_COLS(F, X) \
	F(TC_ID, "id") \
	X(TC_TRACKING_NUMBER, "tracking_number") \
	X(TC_STATUS, "status") \
	X(TC_CARRIER, "carrier") \
	X(TC_MODE, "mode") \
	X(TC_ORIGIN, "origin") \
	X(TC_DESTINATION, "destination") \
	X(TC_ETA_AT, "eta_at") \
	X(TC_DELIVERED_AT, "delivered_at")
/* clang-format on */
DB_COLS_ENUM(TRACK_COLS, TC_NCOLS);
static struct db_sql q_track = DB_SQL("SELECT " DB_COLS_SQL(TRACK_COLS) " FROM shipments"
                                                                        " WHERE tracking_number = $1");
/* clang-format off */
#define TRACK_EVENT_COLS(F, X) \
	F(TEC_AT, "at") \
	X(TEC_STATUS, "status") \
	X(TEC_LOCATION, "location")
/* clang-format on */
DB_COLS_ENUM(TRACK_EVENT_COLS, TEC_NCOLS);
static struct db_sql q_track_events = DB_SQL(
        "SELECT " DB_COLS_SQL(TRACK_EVENT_COLS) " FROM tracking_events"
                                                " WHERE shipment_id = $1 ORDER BY at, id");

static const char *const modes[] = { "road", "sea", "air", "express", "rail", "pickup", NULL };

static int mode_ok(const char *m)
{
	if (!m)
		return 1;
	for (int i = 0; modes[i]; i++)
		if (strcmp(m, modes[i]) == 0)
			return 1;
	return 0;
}

static int text_ok(const char *s, size_t max, int required)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return !required;
	if (textlen_chars(s) > max) /* limits count characters */
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int bad(struct kf_error *err, const char *field, const char *what)
{
	return kf_fail(err, KF_EINVAL, "invalid", field, "%s %s", field, what);
}

int shipment_validate(const struct shipment_in *in, struct kf_error *err)
{
	if (in->order_id <= 0)
		return bad(err, "order_id", "is required");
	if (!text_ok(in->tracking_number, 64, 1))
		return bad(err, "tracking_number",
		           "is required: 1 to 64 characters without control characters");
	if (!text_ok(in->carrier, 64, 0))
		return bad(err, "carrier", "must be at most 64 characters");
	if (!mode_ok(in->mode))
		return bad(err, "mode", "must be road, sea, air, express, rail or pickup");
	if (!text_ok(in->origin, 64, 0))
		return bad(err, "origin", "must be a city, at most 64 characters");
	if (!text_ok(in->destination, 64, 0))
		return bad(err, "destination", "must be a city, at most 64 characters");
	if (in->shipped_at < 0 || in->eta_at < 0)
		return bad(err, in->eta_at < 0 ? "eta_at" : "shipped_at", "must be a time");
	if (in->nlines > SHIPMENT_MAX_LINES)
		return kf_fail(err, KF_ETOOBIG, "too_many_lines", "lines", "a shipment has at most %d lines",
		               SHIPMENT_MAX_LINES);
	for (int i = 0; i < in->nlines; i++) {
		char f[KF_ERR_FIELD_MAX];
		snprintf(f, sizeof(f), "lines[%d].quantity", i);
		if (in->lines[i].quantity <= 0)
			return kf_fail(err, KF_EINVAL, "invalid", f, "%s must be at least 1", f);
		if (in->lines[i].order_line_id <= 0) {
			snprintf(f, sizeof(f), "lines[%d].order_line_id", i);
			return kf_fail(err, KF_EINVAL, "invalid", f, "%s is required", f);
		}
	}
	return 0;
}

int tracking_event_validate(const struct tracking_event_in *ev, struct kf_error *err)
{
	if (ev->at <= 0)
		return bad(err, "at", "is required");
	if (tracking_parse(ev->status) == TRACK_NONE)
		return bad(err, "status",
		           "must be pending, info_received, in_transit, out_for_delivery, failed_attempt,"
		           " available_for_pickup, delivered, exception or expired");
	if (!text_ok(ev->location, 128, 0))
		return bad(err, "location", "must be at most 128 characters");
	if (!text_ok(ev->description, 1024, 0))
		return bad(err, "description", "must be at most 1024 characters");
	return 0;
}

static struct db_arg opt_time(int64_t t)
{
	return t > 0 ? db_int(t) : db_null();
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Ship one line: add to its quantity_shipped, never past the quantity. */
static int ship_line(struct db *db, int64_t id, int64_t order_id, const struct shipment_line_in *l, int i,
                     struct kf_error *err)
{
	char f[KF_ERR_FIELD_MAX];
	int64_t found;
	int rc = db_exec(db, &q_ship_line,
	                 DB_ARGS(db_int(l->order_line_id), db_int(order_id), db_int(l->quantity)), err);
	if (rc == 0) {
		snprintf(f, sizeof(f), "lines[%d].order_line_id", i);
		rc = db_query_int(db, &q_line_exists, DB_ARGS(db_int(l->order_line_id), db_int(order_id)),
		                  &found, err);
		if (rc == KF_ENOTFOUND)
			return kf_fail(err, KF_EINVAL, "invalid", f, "%s is not a line of the order", f);
		if (rc < 0)
			return rc;
		snprintf(f, sizeof(f), "lines[%d].quantity", i);
		return kf_fail(err, KF_ECONFLICT, "over_shipped", f, "%s is more than is left to ship", f);
	}
	if (rc > 0)
		rc = db_exec(db, &q_line_insert,
		             DB_ARGS(db_int(id), db_int(l->order_line_id), db_int(l->quantity)), err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EINVAL, "duplicate_line", "lines", "a line is listed twice");
	return rc < 0 ? rc : 0;
}

static int ship_lines(struct db *db, int64_t id, const struct shipment_in *in, int64_t now, struct kf_error *err)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < in->nlines; i++)
		rc = ship_line(db, id, in->order_id, &in->lines[i], i, err);
	if (rc == 0 && in->nlines == 0) {
		rc = db_exec(db, &q_ship_all, DB_ARGS(db_int(in->order_id)), err);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0)
		rc = order_refresh_status(db, in->order_id, now, "shipped", err);
	return rc;
}

int shipment_insert(struct db *db, int64_t now, const struct shipment_in *in, int64_t *id, struct kf_error *err)
{
	int64_t customer = 0;
	int rc = order_customer(db, in->order_id, &customer, err);
	if (rc == 0)
		rc = db_query_int(db, &q_insert,
		                  DB_ARGS(db_int(in->order_id), customer ? db_int(customer) : db_null(),
		                          db_text(or_empty(in->carrier)), db_text(in->tracking_number),
		                          db_text(in->mode ? in->mode : "road"),
		                          db_text(or_empty(in->origin)), db_text(or_empty(in->destination)),
		                          opt_time(in->shipped_at), opt_time(in->eta_at), db_int(now)),
		                  id, err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "tracking_number", "tracking number %s is in use",
		               in->tracking_number);
	if (rc == 0)
		rc = ship_lines(db, *id, in, now, err);
	if (rc == 0 && in->eta_at > 0)
		rc = job_schedule(db, DELAY_JOB_KIND, *id, in->eta_at, now, err);
	if (rc == 0)
		rc = timeline_add(db, customer, now, "shipment", *id, in->tracking_number, err);
	return rc;
}

/* Append a shipment event (type, payload stolen) at now, by a (NULL = the system). */
static int shipment_emit(struct db *db, const struct actor *a, int64_t now, const char *type, int64_t id,
                         json_t *payload, struct kf_error *err)
{
	struct event ev = { .type = type,
		            .entity = "shipment",
		            .entity_id = id,
		            .payload = payload,
		            .created_at_ms = now * 1000 };
	int rc = outbox_append(db, &ev, a, err);
	json_decref(payload);
	return rc;
}

int shipment_create(struct db *db, const struct actor *a, int64_t now, const struct shipment_in *in,
                    int64_t *id, struct kf_error *err)
{
	json_t *after = NULL;
	int64_t v;
	int rc = shipment_validate(in, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = shipment_insert(db, now, in, id, err);
	if (rc == 0)
		rc = shipment_get_json(db, *id, &after, &v, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "shipment.create", "shipment", *id, NULL, after, err);
	if (rc == 0)
		rc = shipment_emit(db, a, now, "shipment.created", *id,
		                   json_pack("{s:I,s:s}", "order_id", (json_int_t)in->order_id, "carrier",
		                             in->carrier ? in->carrier : ""),
		                   err);
	json_decref(after);
	return db_finish(db, rc, err);
}

int shipment_refresh(struct db *db, int64_t now, int64_t id, const struct shipment_in *in, struct kf_error *err)
{
	int rc = db_exec(db, &q_refresh,
	                 DB_ARGS(db_int(id), db_text(or_empty(in->carrier)),
	                         db_text(in->mode ? in->mode : "road"), db_text(or_empty(in->origin)),
	                         db_text(or_empty(in->destination)), opt_time(in->shipped_at),
	                         opt_time(in->eta_at), db_int(now)),
	                 err);
	if (rc >= 0 && in->eta_at > 0)
		rc = job_schedule(db, DELAY_JOB_KIND, id, in->eta_at, now, err);
	return rc < 0 ? rc : 0;
}

int shipment_id_by_number(struct db *db, const char *number, int64_t *id, struct kf_error *err)
{
	int rc = db_query_int(db, &q_by_number, DB_ARGS(db_text(number)), id, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "tracking_number", "no shipment %s", number);
	return rc;
}

static json_t *opt_int(struct db_rows *r, int col)
{
	return db_col_isnull(r, col) ? json_null() : json_integer(db_col_int(r, col));
}

static json_t *ship_json(struct db_rows *r)
{
	static const char *const names[] = {
		"id",           "order_id",   "customer_id", "carrier",     "tracking_number", "mode",
		"status",       "status_at",  "origin",      "destination", "shipped_at",      "eta_at",
		"delivered_at", "created_at", "updated_at",  "version"
	};
	json_t *j = json_object();
	_Static_assert(sizeof names / sizeof names[0] == SC_NCOLS, "a name per column of SHIP_ROW_COLS");
	for (int c = 0; c < SC_NCOLS; c++) {
		int text = (c >= SC_CARRIER && c <= SC_STATUS) || c == SC_ORIGIN || c == SC_DESTINATION;
		json_object_set_new(j, names[c], text ? json_text(db_col_text(r, c)) : opt_int(r, c));
	}
	enum tracking_status st = tracking_parse(db_col_text(r, SC_STATUS));
	json_object_set_new(
	        j, "status_label",
	        json_pack("{s:s,s:s}", "zh", tracking_label(st, "zh"), "en", tracking_label(st, "en")));
	return j;
}

static json_t *line_json(struct db_rows *r)
{
	return json_pack("{s:I,s:I}", "order_line_id", (json_int_t)db_col_int(r, SLC_ORDER_LINE_ID),
	                 "quantity", (json_int_t)db_col_int(r, SLC_QUANTITY));
}

static json_t *event_json(struct db_rows *r)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_col_int(r, EC_ID), "at",
	                 (json_int_t)db_col_int(r, EC_AT), "status", db_col_text(r, EC_STATUS), "location",
	                 db_col_text(r, EC_LOCATION), "description", db_col_text(r, EC_DESCRIPTION), "source",
	                 db_col_text(r, EC_SOURCE));
}

int shipment_get_json(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *j = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		j = ship_json(r);
		*version = db_col_int(r, SC_VERSION);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "shipment", "no such shipment");
	if (rc > 0)
		rc = db_rows_json_set(db, &q_lines, id, j, "lines", line_json, err);
	if (rc == 0)
		rc = db_rows_json_set(db, &q_events, id, j, "events", event_json, err);
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

/*
 * Delivered: the lines' quantity_delivered grows, the order's status
 * follows, the ETA job goes, and shipment.delivered tells the listeners
 * (the order's survey, app/wiring.c).
 */
static int deliver(struct db *db, int64_t id, int64_t order_id, int64_t now, struct kf_error *err)
{
	int64_t n = 0;
	int rc = db_query_int(db, &q_nlines, DB_ARGS(db_int(id)), &n, err);
	if (rc == 0 && n > 0)
		rc = db_exec(db, &q_deliver_lines, DB_ARGS(db_int(id)), err);
	else if (rc == 0 && order_id)
		rc = db_exec(db, &q_deliver_all, DB_ARGS(db_int(order_id)), err);
	if (rc >= 0 && order_id)
		rc = order_refresh_status(db, order_id, now, "delivered", err);
	if (rc >= 0)
		rc = job_cancel(db, DELAY_JOB_KIND, id, err);
	if (rc >= 0)
		rc = shipment_emit(db, NULL, now, "shipment.delivered", id,
		                   json_pack("{s:I}", "order_id", (json_int_t)order_id), err);
	return rc < 0 ? rc : 0;
}

struct ship_state {
	enum tracking_status status;
	int64_t status_at, order_id, customer_id, eta_at;
};

static int state_get(struct db *db, int64_t id, struct ship_state *s, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_state, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		s->status = tracking_parse(db_col_text(r, STC_STATUS));
		s->status_at = db_col_int(r, STC_STATUS_AT);
		s->order_id = db_col_isnull(r, STC_ORDER_ID) ? 0 : db_col_int(r, STC_ORDER_ID);
		s->customer_id = db_col_int(r, STC_CUSTOMER_ID);
		s->eta_at = db_col_int(r, STC_ETA_AT);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "shipment", "no such shipment");
	return rc < 0 ? rc : 0;
}

/* Move the shipment to the event's status, with what follows from it. */
static int move(struct db *db, int64_t id, const struct ship_state *s, enum tracking_status to,
                const struct tracking_event_in *ev, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_move,
	                 DB_ARGS(db_int(id), db_text(tracking_name(to)), db_int(ev->at),
	                         to == TRACK_DELIVERED ? db_int(ev->at) : db_null(), db_int(now)),
	                 err);
	if (rc >= 0 && to == TRACK_DELIVERED)
		rc = deliver(db, id, s->order_id, now, err);
	if (rc >= 0 && to == TRACK_EXCEPTION && s->status != TRACK_EXCEPTION)
		rc = delay_raise(db, id, s->customer_id, "exception",
		                 ev->description && *ev->description ? ev->description : ev->location,
		                 s->eta_at, now, err);
	return rc < 0 ? rc : 0;
}

int shipment_event_apply(struct db *db, int64_t now, int64_t id, const struct tracking_event_in *ev,
                         int *added, struct kf_error *err)
{
	struct ship_state s = { TRACK_NONE, 0, 0, 0, 0 };
	struct db_rows *r = NULL;
	int moved = 0;
	*added = 0;
	int rc = state_get(db, id, &s, err);
	if (rc == 0)
		rc = db_query(db, &q_event_insert,
		              DB_ARGS(db_int(id), db_int(ev->at), db_text(ev->status),
		                      db_text(or_empty(ev->location)), db_text(or_empty(ev->description)),
		                      db_text(ev->source ? ev->source : "api"), db_int(now)),
		              &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	db_done(r);
	if (rc <= 0)
		return rc;
	*added = 1;
	enum tracking_status to = tracking_apply(s.status, s.status_at, tracking_parse(ev->status), ev->at,
	                                         &moved);
	rc = shipment_emit(db, NULL, now, "shipment.tracked", id,
	                   json_pack("{s:s,s:s,s:b}", "event_status", ev->status, "status", tracking_name(to),
	                             "moved", moved),
	                   err);
	return rc == 0 && moved ? move(db, id, &s, to, ev, now, err) : rc;
}

int shipment_add_event(struct db *db, int64_t now, int64_t id, const struct tracking_event_in *ev, int *added,
                       struct kf_error *err)
{
	int rc = tracking_event_validate(ev, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = shipment_event_apply(db, now, id, ev, added, err);
	return db_finish(db, rc, err);
}

static int patch_check(const struct shipment_patch *p, struct kf_error *err)
{
	if (p->has_eta_at && p->eta_at < 0)
		return bad(err, "eta_at", "must be a time");
	if (p->status && tracking_parse(p->status) == TRACK_NONE)
		return bad(err, "status", "must be a tracking status");
	if (p->carrier && !text_ok(p->carrier, 64, 0))
		return bad(err, "carrier", "must be at most 64 characters");
	if (p->origin && !text_ok(p->origin, 64, 0))
		return bad(err, "origin", "must be a city, at most 64 characters");
	if (p->destination && !text_ok(p->destination, 64, 0))
		return bad(err, "destination", "must be a city, at most 64 characters");
	return 0;
}

static const char *pick(const char *patch, json_t *cur, const char *key)
{
	return patch ? patch : json_string_value(json_object_get(cur, key));
}

/* Write the patch's fields, then its status as a staff event, then the ETA job. */
static int patch_write(struct db *db, int64_t now, int64_t id, int64_t version,
                       const struct shipment_patch *p, json_t *cur, struct kf_error *err)
{
	int64_t eta = p->has_eta_at ? p->eta_at : json_integer_value(json_object_get(cur, "eta_at"));
	int added = 0;
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_int(id), db_int(version), opt_time(eta),
	                         db_text(pick(p->carrier, cur, "carrier")),
	                         db_text(pick(p->origin, cur, "origin")),
	                         db_text(pick(p->destination, cur, "destination")), db_int(now)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the shipment was changed by someone else; reload and try again");
	if (rc > 0 && p->status) {
		struct tracking_event_in ev = { now, p->status, NULL, "set by staff", "staff" };
		rc = shipment_event_apply(db, now, id, &ev, &added, err);
	}
	if (rc >= 0 && p->has_eta_at && eta > 0 && tracking_open(tracking_parse(pick(p->status, cur, "status"))))
		rc = job_schedule(db, DELAY_JOB_KIND, id, eta, now, err);
	else if (rc >= 0 && p->has_eta_at && eta == 0)
		rc = job_cancel(db, DELAY_JOB_KIND, id, err);
	return rc < 0 ? rc : 0;
}

int shipment_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                    const struct shipment_patch *p, struct kf_error *err)
{
	json_t *before = NULL, *after = NULL;
	int64_t v = 0;
	int rc = patch_check(p, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = shipment_get_json(db, id, &before, &v, err);
	if (rc == 0 && v != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the shipment was changed by someone else; reload and try again");
	if (rc == 0)
		rc = patch_write(db, now, id, version, p, before, err);
	if (rc == 0)
		rc = shipment_get_json(db, id, &after, &v, err);
	if (rc == 0) {
		json_object_del(before, "events");
		json_object_del(after, "events");
		rc = audit_record(db, a, now, "shipment.update", "shipment", id, before, after, err);
	}
	json_decref(before);
	json_decref(after);
	return db_finish(db, rc, err);
}

static json_t *labels(const char *status)
{
	enum tracking_status st = tracking_parse(status);
	return json_pack("{s:s,s:s}", "zh", tracking_label(st, "zh"), "en", tracking_label(st, "en"));
}

static json_t *track_event_json(struct db_rows *r)
{
	return json_pack("{s:I,s:s,s:o,s:s}", "at", (json_int_t)db_col_int(r, TEC_AT), "status",
	                 db_col_text(r, TEC_STATUS), "status_label", labels(db_col_text(r, TEC_STATUS)),
	                 "location", db_col_text(r, TEC_LOCATION));
}

static json_t *track_json(struct db_rows *r)
{
	return json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:o,s:o}", "tracking_number",
	                 db_col_text(r, TC_TRACKING_NUMBER), "status", db_col_text(r, TC_STATUS),
	                 "status_label", labels(db_col_text(r, TC_STATUS)), "carrier",
	                 db_col_text(r, TC_CARRIER), "mode", db_col_text(r, TC_MODE), "origin",
	                 db_col_text(r, TC_ORIGIN), "destination", db_col_text(r, TC_DESTINATION), "eta_at",
	                 opt_int(r, TC_ETA_AT), "delivered_at", opt_int(r, TC_DELIVERED_AT));
}

int shipment_track_json(struct db *db, const char *number, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *j = NULL;
	int64_t id = 0;
	int rc = db_query(db, &q_track, DB_ARGS(db_text(number)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		id = db_col_int(r, TC_ID);
		j = track_json(r);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "number",
		               "no shipment with this tracking number");
	if (rc > 0)
		rc = db_rows_json_set(db, &q_track_events, id, j, "events", track_event_json, err);
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}
