/*
 * order.c - see order.h.
 */
#include "logistics/order.h"

#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "base/buf.h"
#include "base/textlen.h"
#include "base/json.h"
#include "crm/timeline.h"
#include "events/outbox.h"
#include "store/search.h"
#include "store/db.h"
#include "store/db_json.h"

/* clang-format off */
#define ORDER_ROW_COLS(F, X) \
	F(OC_ID, "id") \
	X(OC_NUMBER, "number") \
	X(OC_CUSTOMER_ID, "customer_id") \
	X(OC_STATUS, "status") \
	X(OC_PLACED_AT, "placed_at") \
	X(OC_PROMISED_AT, "promised_at") \
	X(OC_SHIPPING_MODE, "shipping_mode") \
	X(OC_SHIPPING_TERMS, "shipping_terms") \
	X(OC_CURRENCY, "currency") \
	X(OC_TOTAL_MINOR, "total_minor") \
	X(OC_CREATED_AT, "created_at") \
	X(OC_UPDATED_AT, "updated_at") \
	X(OC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(ORDER_ROW_COLS, OC_NCOLS);
#define ORDER_COLS DB_COLS_SQL(ORDER_ROW_COLS)

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO orders (number, customer_id, placed_at, promised_at, shipping_mode, shipping_terms,"
        " currency, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id");
static struct db_sql q_line_put = DB_SQL(
        "INSERT INTO order_lines (order_id, line_no, sku, name, category, quantity, quantity_backordered,"
        " substituted_sku, unit_price_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (order_id, line_no) DO UPDATE SET sku = excluded.sku, name = excluded.name,"
        " category = excluded.category, quantity = excluded.quantity,"
        " quantity_backordered = excluded.quantity_backordered,"
        " substituted_sku = excluded.substituted_sku, unit_price_minor = excluded.unit_price_minor");
/*
 * The import's batch of ORDER_LINES_BATCH lines in one statement: the same
 * upsert as q_line_put, sixteen rows at a time, which saves the per-statement
 * cost of fifteen round trips through the VM (and the network on PostgreSQL).
 */
static struct db_sql q_lines_put = DB_SQL(
        "INSERT INTO order_lines (order_id, line_no, sku, name, category, quantity, quantity_backordered,"
        " substituted_sku, unit_price_minor) VALUES"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ", ($10, $11, $12, $13, $14, $15, $16, $17, $18)"
        ", ($19, $20, $21, $22, $23, $24, $25, $26, $27)"
        ", ($28, $29, $30, $31, $32, $33, $34, $35, $36)"
        ", ($37, $38, $39, $40, $41, $42, $43, $44, $45)"
        ", ($46, $47, $48, $49, $50, $51, $52, $53, $54)"
        ", ($55, $56, $57, $58, $59, $60, $61, $62, $63)"
        ", ($64, $65, $66, $67, $68, $69, $70, $71, $72)"
        ", ($73, $74, $75, $76, $77, $78, $79, $80, $81)"
        ", ($82, $83, $84, $85, $86, $87, $88, $89, $90)"
        ", ($91, $92, $93, $94, $95, $96, $97, $98, $99)"
        ", ($100, $101, $102, $103, $104, $105, $106, $107, $108)"
        ", ($109, $110, $111, $112, $113, $114, $115, $116, $117)"
        ", ($118, $119, $120, $121, $122, $123, $124, $125, $126)"
        ", ($127, $128, $129, $130, $131, $132, $133, $134, $135)"
        ", ($136, $137, $138, $139, $140, $141, $142, $143, $144)"
        " ON CONFLICT (order_id, line_no) DO UPDATE SET sku = excluded.sku, name = excluded.name,"
        " category = excluded.category, quantity = excluded.quantity,"
        " quantity_backordered = excluded.quantity_backordered,"
        " substituted_sku = excluded.substituted_sku, unit_price_minor = excluded.unit_price_minor");
#define LINE_ARGS 9 /* parameters per row of q_line_put and q_lines_put */
/*
 * The import's new orders, ORDER_LINES_BATCH per statement with their
 * totals; their ids are read back by number.  Besides the per-statement
 * cost this saves the ephemeral table SQLite builds on every execution
 * for the status CHECK (status IN (...)).
 */
#define ORDER_ARGS 10 /* parameters per row of q_order_put and q_orders_put */
#define ORDER_PUT_COLS \
	"INSERT INTO orders (number, customer_id, placed_at, promised_at, shipping_mode, shipping_terms, currency," \
	" total_minor, created_at, updated_at)"
static struct db_sql q_order_put = DB_SQL(ORDER_PUT_COLS " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
static struct db_sql q_orders_put = DB_SQL(ORDER_PUT_COLS
                                           " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                                           ", ($11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
                                           ", ($21, $22, $23, $24, $25, $26, $27, $28, $29, $30)"
                                           ", ($31, $32, $33, $34, $35, $36, $37, $38, $39, $40)"
                                           ", ($41, $42, $43, $44, $45, $46, $47, $48, $49, $50)"
                                           ", ($51, $52, $53, $54, $55, $56, $57, $58, $59, $60)"
                                           ", ($61, $62, $63, $64, $65, $66, $67, $68, $69, $70)"
                                           ", ($71, $72, $73, $74, $75, $76, $77, $78, $79, $80)"
                                           ", ($81, $82, $83, $84, $85, $86, $87, $88, $89, $90)"
                                           ", ($91, $92, $93, $94, $95, $96, $97, $98, $99, $100)"
                                           ", ($101, $102, $103, $104, $105, $106, $107, $108, $109, $110)"
                                           ", ($111, $112, $113, $114, $115, $116, $117, $118, $119, $120)"
                                           ", ($121, $122, $123, $124, $125, $126, $127, $128, $129, $130)"
                                           ", ($131, $132, $133, $134, $135, $136, $137, $138, $139, $140)"
                                           ", ($141, $142, $143, $144, $145, $146, $147, $148, $149, $150)"
                                           ", ($151, $152, $153, $154, $155, $156, $157, $158, $159, $160)");
/* clang-format off */
#define NUMBER_COLS(F, X) \
	F(NC_NUMBER, "number") \
	X(NC_ID, "id")
/* clang-format on */
DB_COLS_ENUM(NUMBER_COLS, NC_NCOLS);
static struct db_sql q_ids_by_numbers = DB_SQL("SELECT " DB_COLS_SQL(
        NUMBER_COLS) " FROM orders"
                     " WHERE number IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)");
static struct db_sql q_total_by_number = DB_SQL(
        "UPDATE orders SET total_minor = (SELECT COALESCE(SUM(quantity * unit_price_minor), 0)"
        " FROM order_lines WHERE order_id = orders.id), updated_at = $2 WHERE number = $1");
static struct db_sql q_set_total = DB_SQL("UPDATE orders SET total_minor = $2, updated_at = $3 WHERE id = $1");
static struct db_sql q_total = DB_SQL(
        "UPDATE orders SET total_minor = (SELECT COALESCE(SUM(quantity * unit_price_minor), 0)"
        " FROM order_lines WHERE order_id = $1), updated_at = $2 WHERE id = $1");
static struct db_sql q_by_number = DB_SQL("SELECT id FROM orders WHERE number = $1");
static struct db_sql q_customer_exists = DB_SQL("SELECT id FROM customers WHERE id = $1");
static struct db_sql q_get = DB_SQL("SELECT " ORDER_COLS " FROM orders WHERE id = $1");
static struct db_sql q_list_all = DB_SQL("SELECT " ORDER_COLS
                                         " FROM orders WHERE id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_list_customer = DB_SQL(
        "SELECT " ORDER_COLS " FROM orders WHERE customer_id = $3 AND id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_list_filtered = DB_SQL(
        "SELECT " ORDER_COLS " FROM orders o WHERE o.id > $1 AND ($3 = 0 OR o.customer_id = $3)"
        " AND ($4 = 0 OR o.placed_at >= $4) AND ($5 = 0 OR o.placed_at < $5)"
        " AND ($6 = '' OR EXISTS (SELECT 1 FROM order_facts f WHERE f.order_id = o.id AND f.carrier = $6))"
        " AND ($7 = '' OR EXISTS (SELECT 1 FROM order_facts f WHERE f.order_id = o.id AND f.mode = $7))"
        " AND ($8 = '' OR EXISTS (SELECT 1 FROM order_facts f WHERE f.order_id = o.id AND f.region = $8))"
        " AND ($9 = '' OR EXISTS (SELECT 1 FROM order_fact_categories c WHERE c.order_id = o.id AND c.category = $9))"
        " ORDER BY o.id LIMIT $2");
/* clang-format off */
#define LINE_COLS(F, X) \
	F(LC_ID, "id") \
	X(LC_LINE_NO, "line_no") \
	X(LC_SKU, "sku") \
	X(LC_NAME, "name") \
	X(LC_CATEGORY, "category") \
	X(LC_QUANTITY, "quantity") \
	X(LC_QUANTITY_SHIPPED, "quantity_shipped") \
	X(LC_QUANTITY_DELIVERED, "quantity_delivered") \
	X(LC_QUANTITY_BACKORDERED, "quantity_backordered") \
	X(LC_SUBSTITUTED_SKU, "substituted_sku") \
	X(LC_UNIT_PRICE_MINOR, "unit_price_minor")
/* clang-format on */
DB_COLS_ENUM(LINE_COLS, LC_NCOLS);
static struct db_sql q_lines = DB_SQL("SELECT " DB_COLS_SQL(LINE_COLS) " FROM order_lines"
                                                                       " WHERE order_id = $1 ORDER BY line_no");
/* clang-format off */
#define SHIPMENT_COLS(F, X) \
	F(SHC_ID, "id") \
	X(SHC_TRACKING_NUMBER, "tracking_number") \
	X(SHC_CARRIER, "carrier") \
	X(SHC_MODE, "mode") \
	X(SHC_STATUS, "status") \
	X(SHC_ETA_AT, "eta_at") \
	X(SHC_DELIVERED_AT, "delivered_at")
/* clang-format on */
DB_COLS_ENUM(SHIPMENT_COLS, SHC_NCOLS);
static struct db_sql q_shipments = DB_SQL(
        "SELECT " DB_COLS_SQL(SHIPMENT_COLS) " FROM shipments"
                                             " WHERE order_id = $1 ORDER BY id");
static struct db_sql q_update = DB_SQL(
        "UPDATE orders SET status = $3, promised_at = $4, shipping_mode = $5, shipping_terms = $6,"
        " updated_at = $7, version = version + 1 WHERE id = $1 AND version = $2");
/* clang-format off */
#define SUM_COLS(F, X) \
	F(SUM_LINES, "COUNT(*)") \
	X(SUM_QUANTITY, "COALESCE(SUM(quantity), 0)") \
	X(SUM_ALL_SHIPPED, "COALESCE(SUM(CASE WHEN quantity_shipped >= quantity THEN 1 ELSE 0 END), 0)") \
	X(SUM_ALL_DELIVERED, "COALESCE(SUM(CASE WHEN quantity_delivered >= quantity THEN 1 ELSE 0 END), 0)") \
	X(SUM_SHIPPED, "COALESCE(SUM(quantity_shipped), 0)") \
	X(SUM_DELIVERED, "COALESCE(SUM(quantity_delivered), 0)") \
	X(SUM_STATUS, "MAX(o.status)")
/* clang-format on */
DB_COLS_ENUM(SUM_COLS, SUM_NCOLS);
static struct db_sql q_sums = DB_SQL(
        "SELECT " DB_COLS_SQL(SUM_COLS) " FROM orders o"
                                        " LEFT JOIN order_lines l ON l.order_id = o.id WHERE o.id = $1");
static struct db_sql q_set_status = DB_SQL(
        "UPDATE orders SET status = $2, updated_at = $3, version = version + 1 WHERE id = $1 AND status <> $2");
static struct db_sql q_order_customer = DB_SQL("SELECT COALESCE(customer_id, 0) FROM orders WHERE id = $1");

static const char *const order_statuses[] = { "open",      "partially_shipped", "shipped", "delivered",
	                                      "cancelled", "completed",         NULL };

static int status_valid(const char *s)
{
	for (int i = 0; order_statuses[i]; i++)
		if (strcmp(s, order_statuses[i]) == 0)
			return 1;
	return 0;
}

/* Text of 1..max characters without control characters. */
static int text_ok(const char *s, size_t max, int required)
{
	if (!s)
		return !required;
	size_t n = strlen(s);
	if (n == 0)
		return !required;
	if (textlen_chars(s) > max) /* limits count characters */
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int currency_ok(const char *c)
{
	if (!c)
		return 1;
	if (strlen(c) != 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (c[i] < 'A' || c[i] > 'Z')
			return 0;
	return 1;
}

static int bad(struct kf_error *err, const char *prefix, const char *field, const char *what)
{
	char f[KF_ERR_FIELD_MAX];
	snprintf(f, sizeof(f), "%s%s", prefix, field);
	return kf_fail(err, KF_EINVAL, "invalid", f, "%s%s %s", prefix, field, what);
}

int order_line_validate(const struct order_line_in *l, const char *prefix, struct kf_error *err)
{
	if (!text_ok(l->sku, 64, 1))
		return bad(err, prefix, "sku", "is required: 1 to 64 characters");
	if (!text_ok(l->name, 256, 0))
		return bad(err, prefix, "name", "must be at most 256 characters");
	if (!text_ok(l->category, 64, 0))
		return bad(err, prefix, "category", "must be at most 64 characters");
	if (!text_ok(l->substituted_sku, 64, 0))
		return bad(err, prefix, "substituted_sku", "must be at most 64 characters");
	if (l->quantity < 0 || l->quantity > 1000000000)
		return bad(err, prefix, "quantity", "must be 0 to 1000000000");
	if (l->quantity_backordered < 0 || l->quantity_backordered > l->quantity)
		return bad(err, prefix, "quantity_backordered", "must be 0 to the quantity");
	if (l->unit_price_minor < 0 || l->unit_price_minor > 100000000000000LL)
		return bad(err, prefix, "unit_price_minor", "must be 0 to 10^14 minor units");
	if (l->line_no < 0 || l->line_no > 1000000)
		return bad(err, prefix, "line_no", "must be 1 to 1000000");
	return 0;
}

int order_validate(const struct order_in *in, struct kf_error *err)
{
	char prefix[32];
	if (!text_ok(in->number, 64, 1))
		return bad(err, "", "number", "is required: 1 to 64 characters without control characters");
	if (in->customer_id < 0)
		return bad(err, "", "customer_id", "must be a customer id");
	if (in->placed_at <= 0)
		return bad(err, "", "placed_at", "is required");
	if (in->promised_at < 0)
		return bad(err, "", "promised_at", "must be a time");
	if (!text_ok(in->shipping_mode, 64, 0))
		return bad(err, "", "shipping_mode", "must be at most 64 characters");
	if (!text_ok(in->shipping_terms, 64, 0))
		return bad(err, "", "shipping_terms", "must be at most 64 characters");
	if (!currency_ok(in->currency))
		return bad(err, "", "currency", "must be a three-letter ISO 4217 code such as CNY");
	if (in->nlines > ORDER_MAX_LINES)
		return kf_fail(err, KF_ETOOBIG, "too_many_lines", "lines", "an order has at most %d lines",
		               ORDER_MAX_LINES);
	for (int i = 0; i < in->nlines; i++) {
		snprintf(prefix, sizeof(prefix), "lines[%d].", i);
		int rc = order_line_validate(&in->lines[i], prefix, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static struct db_arg opt_time(int64_t t)
{
	return t > 0 ? db_int(t) : db_null();
}

int order_insert(struct db *db, int64_t now, const struct order_in *in, int64_t *id, struct kf_error *err)
{
	int rc = db_query_int(db, &q_insert,
	                      DB_ARGS(db_text(in->number), in->customer_id ? db_int(in->customer_id) : db_null(),
	                              db_int(in->placed_at), opt_time(in->promised_at),
	                              db_text(in->shipping_mode ? in->shipping_mode : ""),
	                              db_text(in->shipping_terms ? in->shipping_terms : ""),
	                              db_text(in->currency ? in->currency : "CNY"), db_int(now)),
	                      id, err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "number", "order %s already exists", in->number);
	return rc;
}

/* Adds the LINE_ARGS parameters of one line row to a. */
static void line_args(int64_t order_id, const struct order_line_in *l, struct db_argv *a)
{
	db_argv_add(a, db_int(order_id));
	db_argv_add(a, db_int(l->line_no));
	db_argv_add(a, db_text(l->sku));
	db_argv_add(a, db_text(l->name && *l->name ? l->name : l->sku));
	db_argv_add(a, db_text(l->category ? l->category : ""));
	db_argv_add(a, db_int(l->quantity));
	db_argv_add(a, db_int(l->quantity_backordered));
	db_argv_add(a, l->substituted_sku && *l->substituted_sku ? db_text(l->substituted_sku) : db_null());
	db_argv_add(a, db_int(l->unit_price_minor));
}

int order_line_put(struct db *db, int64_t order_id, const struct order_line_in *l, struct kf_error *err)
{
	DB_ARGV(a, LINE_ARGS);
	line_args(order_id, l, &a);
	int rc = db_exec(db, &q_line_put, DB_ARGV_PASS(&a), err);
	return rc < 0 ? rc : 0;
}

int order_lines_put(struct db *db, const int64_t *order_ids, const struct order_line_in *lines, int n,
                    struct kf_error *err)
{
	DB_ARGV(a, ORDER_LINES_BATCH * LINE_ARGS);
	if (n < 0 || n > ORDER_LINES_BATCH)
		KF_BUG("order_lines_put: batch size out of range");
	if (n < ORDER_LINES_BATCH) {
		for (int i = 0; i < n; i++) {
			int rc = order_line_put(db, order_ids[i], &lines[i], err);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	for (int i = 0; i < n; i++)
		line_args(order_ids[i], &lines[i], &a);
	int rc = db_exec(db, &q_lines_put, DB_ARGV_PASS(&a), err);
	return rc < 0 ? rc : 0;
}

/* Adds the ORDER_ARGS parameters of one new order with its total to a. */
static void order_args(int64_t now, const struct order_in *in, int64_t total, struct db_argv *a)
{
	db_argv_add(a, db_text(in->number));
	db_argv_add(a, in->customer_id ? db_int(in->customer_id) : db_null());
	db_argv_add(a, db_int(in->placed_at));
	db_argv_add(a, opt_time(in->promised_at));
	db_argv_add(a, db_text(in->shipping_mode ? in->shipping_mode : ""));
	db_argv_add(a, db_text(in->shipping_terms ? in->shipping_terms : ""));
	db_argv_add(a, db_text(in->currency ? in->currency : "CNY"));
	db_argv_add(a, db_int(total));
	db_argv_add(a, db_int(now));
	db_argv_add(a, db_int(now));
}

/* ids[i] of in[i].number, read back after the insert. */
static int ids_by_numbers(struct db *db, const struct order_in *in, int n, int64_t *ids, struct kf_error *err)
{
	DB_ARGV(a, ORDER_LINES_BATCH);
	struct db_rows *r = NULL;
	for (int i = 0; i < ORDER_LINES_BATCH; i++)
		db_argv_add(&a, db_text(in[i < n ? i : n - 1].number)); /* a short batch repeats its last number */
	int rc = db_query(db, &q_ids_by_numbers, DB_ARGV_PASS(&a), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		const char *number = db_col_text(r, NC_NUMBER);
		for (int i = 0; i < n; i++)
			if (strcmp(in[i].number, number) == 0)
				ids[i] = db_col_int(r, NC_ID);
	}
	db_done(r);
	for (int i = 0; i < n && rc >= 0; i++)
		if (ids[i] <= 0)
			rc = kf_fail(err, KF_EDB, "db", NULL, "order %s was inserted but is not there",
			             in[i].number);
	return rc < 0 ? rc : 0;
}

/* One order alone (a short batch). */
static int order_put_one(struct db *db, int64_t now, const struct order_in *in, int64_t total,
                         struct kf_error *err)
{
	DB_ARGV(a, ORDER_ARGS);
	order_args(now, in, total, &a);
	return db_exec(db, &q_order_put, DB_ARGV_PASS(&a), err);
}

/* A full batch in one statement. */
static int orders_put_batch(struct db *db, int64_t now, const struct order_in *in, const int64_t *totals,
                            struct kf_error *err)
{
	DB_ARGV(a, ORDER_LINES_BATCH * ORDER_ARGS);
	for (int i = 0; i < ORDER_LINES_BATCH; i++)
		order_args(now, &in[i], totals[i], &a);
	return db_exec(db, &q_orders_put, DB_ARGV_PASS(&a), err);
}

int order_insert_many(struct db *db, int64_t now, const struct order_in *in, const int64_t *totals, int n,
                      int64_t *ids, struct kf_error *err)
{
	int rc = 0;
	if (n < 0 || n > ORDER_LINES_BATCH)
		KF_BUG("order_insert_many: batch size out of range");
	if (n == 0)
		return 0;
	for (int i = 0; i < n; i++)
		ids[i] = 0;
	if (n == ORDER_LINES_BATCH)
		rc = orders_put_batch(db, now, in, totals, err);
	for (int i = 0; i < n && n < ORDER_LINES_BATCH && rc >= 0; i++)
		rc = order_put_one(db, now, &in[i], totals[i], err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "number",
		               "an order of this import was created meanwhile");
	return rc < 0 ? rc : ids_by_numbers(db, in, n, ids, err);
}

int order_update_total_by_number(struct db *db, const char *number, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_total_by_number, DB_ARGS(db_text(number), db_int(now)), err);
	return rc < 0 ? rc : 0;
}

int order_set_total(struct db *db, int64_t order_id, int64_t total_minor, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_set_total, DB_ARGS(db_int(order_id), db_int(total_minor), db_int(now)), err);
	return rc < 0 ? rc : 0;
}

int order_update_total(struct db *db, int64_t order_id, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_total, DB_ARGS(db_int(order_id), db_int(now)), err);
	return rc < 0 ? rc : 0;
}

int order_id_by_number(struct db *db, const char *number, int64_t *id, struct kf_error *err)
{
	int rc = db_query_int(db, &q_by_number, DB_ARGS(db_text(number)), id, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "order_number", "no order %s", number);
	return rc;
}

static int customer_check(struct db *db, int64_t customer_id, struct kf_error *err)
{
	int64_t found;
	if (customer_id == 0)
		return 0;
	int rc = db_query_int(db, &q_customer_exists, DB_ARGS(db_int(customer_id)), &found, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "customer_id", "no such customer");
	return rc;
}

static int lines_insert(struct db *db, int64_t id, const struct order_in *in, struct kf_error *err)
{
	for (int i = 0; i < in->nlines; i++) {
		struct order_line_in l = in->lines[i];
		if (l.line_no == 0)
			l.line_no = i + 1;
		int rc = order_line_put(db, id, &l, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Index the order for search: its number, and the SKUs and names of its lines. */
static int order_index(struct db *db, int64_t id, const struct order_in *in, int64_t now, struct kf_error *err)
{
	struct buf text = BUF_INIT;
	int rc = 0;
	for (int i = 0; i < in->nlines && rc == 0; i++)
		rc = buf_addf(&text, " %s %s", in->lines[i].sku, in->lines[i].name ? in->lines[i].name : "");
	if (rc == 0)
		rc = search_put(db, "order", id, 0, in->number, buf_cstr(&text), now, err);
	else
		rc = kf_fail(err, KF_ETOOBIG, "too_large", "lines", "the order's lines are too large to index");
	buf_release(&text);
	return rc;
}

int order_create(struct db *db, const struct actor *a, int64_t now, const struct order_in *in, int64_t *id,
                 struct kf_error *err)
{
	json_t *after = NULL;
	int64_t v;
	int rc = order_validate(in, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_check(db, in->customer_id, err);
	if (rc == 0)
		rc = order_insert(db, now, in, id, err);
	if (rc == 0)
		rc = lines_insert(db, *id, in, err);
	if (rc == 0)
		rc = order_update_total(db, *id, now, err);
	if (rc == 0)
		rc = timeline_add(db, in->customer_id, now, "order", *id, in->number, err);
	if (rc == 0)
		rc = order_index(db, *id, in, now, err);
	if (rc == 0)
		rc = order_get_json(db, *id, &after, &v, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "order.create", "order", *id, NULL, after, err);
	if (rc == 0) { /* the number and customer, no lines or amounts */
		json_t *p = json_pack("{s:s,s:I}", "number", in->number, "customer_id",
		                      (json_int_t)in->customer_id);
		struct event ev = { .type = "order.created",
			            .entity = "order",
			            .entity_id = *id,
			            .payload = p,
			            .created_at_ms = now * 1000 };
		rc = outbox_append(db, &ev, a, err);
		json_decref(p);
	}
	json_decref(after);
	return db_finish(db, rc, err);
}

static json_t *opt_int(struct db_rows *r, int col)
{
	return db_col_isnull(r, col) ? json_null() : json_integer(db_col_int(r, col));
}

static json_t *order_row_json(struct db_rows *r)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(db_col_int(r, OC_ID)));
	json_object_set_new(j, "number", json_text(db_col_text(r, OC_NUMBER)));
	json_object_set_new(j, "customer_id", opt_int(r, OC_CUSTOMER_ID));
	json_object_set_new(j, "status", json_text(db_col_text(r, OC_STATUS)));
	json_object_set_new(j, "placed_at", json_integer(db_col_int(r, OC_PLACED_AT)));
	json_object_set_new(j, "promised_at", opt_int(r, OC_PROMISED_AT));
	json_object_set_new(j, "shipping_mode", json_text(db_col_text(r, OC_SHIPPING_MODE)));
	json_object_set_new(j, "shipping_terms", json_text(db_col_text(r, OC_SHIPPING_TERMS)));
	json_object_set_new(j, "currency", json_text(db_col_text(r, OC_CURRENCY)));
	json_object_set_new(j, "total_minor", json_integer(db_col_int(r, OC_TOTAL_MINOR)));
	json_object_set_new(j, "created_at", json_integer(db_col_int(r, OC_CREATED_AT)));
	json_object_set_new(j, "updated_at", json_integer(db_col_int(r, OC_UPDATED_AT)));
	json_object_set_new(j, "version", json_integer(db_col_int(r, OC_VERSION)));
	return j;
}

static json_t *line_row_json(struct db_rows *r)
{
	json_t *j = json_object();
	static const char *const names[] = { "id",
		                             "line_no",
		                             "sku",
		                             "name",
		                             "category",
		                             "quantity",
		                             "quantity_shipped",
		                             "quantity_delivered",
		                             "quantity_backordered",
		                             "substituted_sku",
		                             "unit_price_minor" };
	_Static_assert(sizeof names / sizeof names[0] == LC_NCOLS, "a name per column of LINE_COLS");
	for (int c = 0; c < LC_NCOLS; c++) {
		if (db_col_isnull(r, c))
			json_object_set_new(j, names[c], json_null());
		else if (c >= LC_SKU && c <= LC_CATEGORY)
			json_object_set_new(j, names[c], json_text(db_col_text(r, c)));
		else if (c == LC_SUBSTITUTED_SKU)
			json_object_set_new(j, names[c], json_text(db_col_text(r, c)));
		else
			json_object_set_new(j, names[c], json_integer(db_col_int(r, c)));
	}
	return j;
}

static json_t *shipment_row_json(struct db_rows *r)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o}", "id", (json_int_t)db_col_int(r, SHC_ID),
	                 "tracking_number", db_col_text(r, SHC_TRACKING_NUMBER), "carrier",
	                 db_col_text(r, SHC_CARRIER), "mode", db_col_text(r, SHC_MODE), "status",
	                 db_col_text(r, SHC_STATUS), "eta_at", opt_int(r, SHC_ETA_AT), "delivered_at",
	                 opt_int(r, SHC_DELIVERED_AT));
}

int order_get_json(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *j = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		j = order_row_json(r);
		*version = db_col_int(r, OC_VERSION);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "order", "no such order");
	if (rc > 0)
		rc = db_rows_json_set(db, &q_lines, id, j, "lines", line_row_json, err);
	if (rc == 0)
		rc = db_rows_json_set(db, &q_shipments, id, j, "shipments", shipment_row_json, err);
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

int order_list(struct db *db, int64_t customer_id, int64_t after_id, int limit, json_t **items,
               int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc;
	*items = json_array();
	*last_id = 0;
	if (customer_id)
		rc = db_query(db, &q_list_customer,
		              DB_ARGS(db_int(after_id), db_int(limit), db_int(customer_id)), &r, err);
	else
		rc = db_query(db, &q_list_all, DB_ARGS(db_int(after_id), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, OC_ID);
		json_array_append_new(*items, order_row_json(r));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

int order_list_filtered(struct db *db, const struct order_filter *f, int64_t after_id, int limit,
                        json_t **items, int64_t *last_id, struct kf_error *err)
{
	if (!f->placed_from && !f->placed_to && !*f->carrier && !*f->mode && !*f->region && !*f->category)
		return order_list(db, f->customer_id, after_id, limit, items, last_id, err);
	struct db_rows *r = NULL;
	*items = json_array();
	*last_id = 0;
	int rc = db_query(db, &q_list_filtered,
	                  DB_ARGS(db_int(after_id), db_int(limit), db_int(f->customer_id),
	                          db_int(f->placed_from), db_int(f->placed_to), db_text(f->carrier),
	                          db_text(f->mode), db_text(f->region), db_text(f->category)),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, OC_ID);
		json_array_append_new(*items, order_row_json(r));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

/* The new values: the stored ones with the patch applied and checked. */
static int patch_apply(const struct order_patch *p, json_t *cur, const char **status, int64_t *promised,
                       const char **mode, const char **terms, struct kf_error *err)
{
	*status = p->status ? p->status : json_string_value(json_object_get(cur, "status"));
	*promised = p->has_promised_at ? p->promised_at
	                               : json_integer_value(json_object_get(cur, "promised_at"));
	*mode = p->shipping_mode ? p->shipping_mode : json_string_value(json_object_get(cur, "shipping_mode"));
	*terms = p->shipping_terms ? p->shipping_terms
	                           : json_string_value(json_object_get(cur, "shipping_terms"));
	if (!status_valid(*status))
		return bad(err, "", "status",
		           "must be open, partially_shipped, shipped, delivered, cancelled or completed");
	if (*promised < 0)
		return bad(err, "", "promised_at", "must be a time");
	if (!text_ok(*mode, 64, 0))
		return bad(err, "", "shipping_mode", "must be at most 64 characters");
	if (!text_ok(*terms, 64, 0))
		return bad(err, "", "shipping_terms", "must be at most 64 characters");
	return 0;
}

/* Cancelling is refused once anything shipped. */
static int cancel_ok(json_t *cur, const char *status, struct kf_error *err)
{
	size_t i;
	json_t *l;
	if (strcmp(status, "cancelled") != 0)
		return 0;
	json_array_foreach(json_object_get(cur, "lines"), i,
	                   l) if (json_integer_value(json_object_get(l, "quantity_shipped")) >
	                          0) return kf_fail(err, KF_ECONFLICT, "order_shipped", "status",
	                                            "the order has shipped; it cannot be cancelled");
	return 0;
}

static int order_write(struct db *db, int64_t id, int64_t version, int64_t now, const char *status,
                       int64_t promised, const char *mode, const char *terms, struct kf_error *err)
{
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_int(id), db_int(version), db_text(status), opt_time(promised),
	                         db_text(mode), db_text(terms), db_int(now)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the order was changed by someone else; reload and try again");
	return rc < 0 ? rc : 0;
}

int order_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                 const struct order_patch *p, struct kf_error *err)
{
	json_t *before = NULL, *after = NULL;
	const char *status = NULL, *mode = NULL, *terms = NULL;
	int64_t promised = 0, v = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = order_get_json(db, id, &before, &v, err);
	if (rc == 0 && v != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the order was changed by someone else; reload and try again");
	if (rc == 0)
		rc = patch_apply(p, before, &status, &promised, &mode, &terms, err);
	if (rc == 0)
		rc = cancel_ok(before, status, err);
	if (rc == 0)
		rc = order_write(db, id, version, now, status, promised, mode, terms, err);
	if (rc == 0)
		rc = order_get_json(db, id, &after, &v, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "order.update", "order", id, before, after, err);
	json_decref(before);
	json_decref(after);
	return db_finish(db, rc, err);
}

int order_customer(struct db *db, int64_t id, int64_t *customer_id, struct kf_error *err)
{
	int rc = db_query_int(db, &q_order_customer, DB_ARGS(db_int(id)), customer_id, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "order_id", "no such order");
	return rc;
}

/* The status the lines say: n lines, all shipped / delivered counts, quantities moved. */
static const char *status_from_lines(int64_t n, int64_t all_shipped, int64_t all_delivered, int64_t shipped,
                                     int64_t delivered)
{
	if (n == 0)
		return NULL;
	if (all_delivered == n)
		return "delivered";
	if (all_shipped == n)
		return "shipped";
	if (shipped > 0 || delivered > 0)
		return "partially_shipped";
	return "open";
}

int order_refresh_status(struct db *db, int64_t id, int64_t now, const char *if_no_lines, struct kf_error *err)
{
	struct db_rows *r = NULL;
	const char *want = NULL;
	int keep = 1;
	int rc = db_query(db, &q_sums, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		const char *cur = db_col_text(r, SUM_STATUS);
		keep = !cur || strcmp(cur, "cancelled") == 0 || strcmp(cur, "completed") == 0;
		want = status_from_lines(db_col_int(r, SUM_LINES), db_col_int(r, SUM_ALL_SHIPPED),
		                         db_col_int(r, SUM_ALL_DELIVERED), db_col_int(r, SUM_SHIPPED),
		                         db_col_int(r, SUM_DELIVERED));
		if (db_col_int(r, SUM_LINES) == 0)
			want = if_no_lines;
	}
	db_done(r);
	if (rc < 0 || keep || !want)
		return rc < 0 ? rc : 0;
	rc = db_exec(db, &q_set_status, DB_ARGS(db_int(id), db_text(want), db_int(now)), err);
	return rc < 0 ? rc : 0;
}
