/*
 * import.c - see import.h.  Each kind is a table of field names and a
 * row function; the column-to-field mapping is resolved once per input,
 * so a row costs a few array stores before its statements run.
 */
#include "logistics/import.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/str.h"
#include "crm/customer_import.h"
#include "logistics/import_orders.h"
#include "logistics/order.h"
#include "logistics/shipment.h"
#include "store/db.h"

enum {
	/* orders */
	O_NUMBER = 0,
	O_CUSTOMER,
	O_PLACED,
	O_PROMISED,
	O_MODE,
	O_TERMS,
	O_CURRENCY,
	O_LINE_NO,
	O_SKU,
	O_NAME,
	O_CATEGORY,
	O_QUANTITY,
	O_BACKORDERED,
	O_SUBSTITUTED,
	O_PRICE,
	/* shipments */
	S_NUMBER = 0,
	S_ORDER,
	S_CARRIER,
	S_MODE,
	S_SHIPPED,
	S_ETA,
	S_ORIGIN,
	S_DEST,
	/* events */
	E_NUMBER = 0,
	E_AT,
	E_STATUS,
	E_LOCATION,
	E_DESCRIPTION,
};

static const char *const customer_fields[] = { "external_id", "name",    "kind",  "phone",    "email",
	                                       "wechat",      "tier",    "stage", "birthday", "province",
	                                       "city",        "address", "tags",  NULL };
static const char *const order_fields[] = { "order_number",
	                                    "customer_external_id",
	                                    "placed_at",
	                                    "promised_at",
	                                    "shipping_mode",
	                                    "shipping_terms",
	                                    "currency",
	                                    "line_no",
	                                    "sku",
	                                    "name",
	                                    "category",
	                                    "quantity",
	                                    "quantity_backordered",
	                                    "substituted_sku",
	                                    "unit_price",
	                                    NULL };
static const char *const shipment_fields[] = {
	"tracking_number", "order_number", "carrier",     "mode", "shipped_at",
	"eta_at",          "origin",       "destination", NULL
};
static const char *const event_fields[] = { "tracking_number", "at", "status", "location", "description", NULL };

static const char *const kind_names[IMPORT_KIND_COUNT] = { "customers", "orders", "shipments", "events" };
static const char *const *const kind_fields[IMPORT_KIND_COUNT] = { customer_fields, order_fields,
	                                                           shipment_fields, event_fields };

int import_kind_parse(const char *s)
{
	for (int i = 0; s && i < IMPORT_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -1;
}

const char *import_kind_name(enum import_kind k)
{
	return k < IMPORT_KIND_COUNT ? kind_names[k] : "";
}

static int field_index(enum import_kind k, const char *name)
{
	const char *const *f = kind_fields[k];
	for (int i = 0; f[i]; i++)
		if (strcmp(f[i], name) == 0)
			return i;
	return -1;
}

/* ---- parsing values ---------------------------------------------------- */

/* Exactly n digits at s into *v. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* 1 or 2 digits; *len set to how many. */
static int digits12(const char *s, int *v, int *len)
{
	*len = (s[0] >= '0' && s[0] <= '9') ? ((s[1] >= '0' && s[1] <= '9') ? 2 : 1) : 0;
	return *len && digits(s, *len, v);
}

/* Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-compatible low-level date algorithms"). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int date_ok(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* "HH:MM[:SS]" then an optional zone; *secs is seconds since midnight UTC (may be < 0 or >= a day). */
static int parse_clock(const char *s, int64_t *secs)
{
	int h, mi, sec = 0, oh, om;
	if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &mi) || h > 23 || mi > 59)
		return 0;
	s += 5;
	if (s[0] == ':') {
		if (!digits(s + 1, 2, &sec) || sec > 60)
			return 0;
		s += 3;
	}
	*secs = h * 3600 + mi * 60 + sec;
	if (*s == 'Z' && s[1] == '\0')
		return 1;
	if (*s == '\0')
		return 1;
	if ((*s != '+' && *s != '-') || !digits(s + 1, 2, &oh))
		return 0;
	const char *m = s + 3 + (s[3] == ':');
	if (!digits(m, 2, &om) || m[2] != '\0' || oh > 23 || om > 59)
		return 0;
	*secs -= (*s == '+' ? 1 : -1) * (oh * 3600 + om * 60);
	return 1;
}

static int parse_epoch(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t n = strlen(s);
	if (n == 0 || n > 12)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v > 0;
}

/* "M/D/YYYY" with an optional " HH:MM[:SS]". */
static int parse_us(const char *s, int64_t *out)
{
	int m, d, y, n1, n2;
	int64_t secs = 0;
	if (!digits12(s, &m, &n1) || s[n1] != '/' || !digits12(s + n1 + 1, &d, &n2))
		return KF_EINVAL;
	s += n1 + 1 + n2;
	if (*s != '/' || !digits(s + 1, 4, &y) || !date_ok(y, m, d))
		return KF_EINVAL;
	s += 5;
	if (*s == ' ' && !parse_clock(s + 1, &secs))
		return KF_EINVAL;
	if (*s != ' ' && *s != '\0')
		return KF_EINVAL;
	*out = days_from_civil(y, m, d) * 86400 + secs;
	return 0;
}

int import_parse_time(const char *s, int64_t *out)
{
	int y, m, d;
	int64_t secs = 0;
	if (!s || !*s)
		return KF_EINVAL;
	if (parse_epoch(s, out))
		return 0;
	if (strchr(s, '/'))
		return parse_us(s, out);
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || !date_ok(y, m, d))
		return KF_EINVAL;
	if (s[10] == 'T' || s[10] == ' ') {
		if (!parse_clock(s + 11, &secs))
			return KF_EINVAL;
	} else if (s[10] != '\0') {
		return KF_EINVAL;
	}
	*out = days_from_civil(y, m, d) * 86400 + secs;
	return *out > 0 ? 0 : KF_EINVAL;
}

/* Decimal places of a currency's minor unit (ISO 4217). */
static int currency_exponent(const char *c)
{
	static const char *const zero[] = { "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG", NULL };
	static const char *const three[] = { "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD", NULL };
	for (int i = 0; c && zero[i]; i++)
		if (strcmp(c, zero[i]) == 0)
			return 0;
	for (int i = 0; c && three[i]; i++)
		if (strcmp(c, three[i]) == 0)
			return 3;
	return 2;
}

int import_parse_money(const char *s, const char *currency, int64_t *out)
{
	int exp = currency_exponent(currency), ndig = 0, nfrac = 0;
	int64_t v = 0;
	if (!s)
		return KF_EINVAL;
	for (; *s >= '0' && *s <= '9'; s++, ndig++) {
		if (ndig >= 15)
			return KF_EINVAL;
		v = v * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nfrac++) {
			if (nfrac >= exp)
				return KF_EINVAL;
			v = v * 10 + (*s - '0');
		}
		if (nfrac == 0)
			return KF_EINVAL;
	}
	if (*s != '\0' || ndig == 0)
		return KF_EINVAL;
	for (; nfrac < exp; nfrac++)
		v *= 10;
	*out = v;
	return 0;
}

/* A whole number 0..max. */
static int parse_count(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;
	if (!s || !*s)
		return KF_EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > max / 10)
			return KF_EINVAL;
		v = v * 10 + (*s - '0');
	}
	if (v > max)
		return KF_EINVAL;
	*out = v;
	return 0;
}

/* ---- errors ------------------------------------------------------------ */

void import_bad(struct import *im, int64_t row, const char *field, const char *message)
{
	import_bad_zh(im, row, field, message, NULL);
}

const char *import_error_message(const struct import_error *e, const char *lang)
{
	return lang && strncmp(lang, "zh", 2) == 0 && e->message_zh[0] ? e->message_zh : e->message;
}

void import_bad_zh(struct import *im, int64_t row, const char *field, const char *message, const char *zh)
{
	im->bad++;
	if (im->nerrors >= IMPORT_MAX_ERRORS)
		return;
	if (!im->errors)
		im->errors = xcalloc(IMPORT_MAX_ERRORS, sizeof(*im->errors));
	struct import_error *e = &im->errors[im->nerrors++];
	e->row = row;
	str_copy(e->field, sizeof(e->field), field ? field : "");
	str_copy(e->message, sizeof(e->message), message ? message : "");
	str_copy(e->message_zh, sizeof(e->message_zh), zh ? zh : "");
}

/* A domain error on a row: bad input is recorded (0); a fault ends the import (< 0). */
static int row_error(struct import *im, int64_t row, int rc, const struct kf_error *e, struct kf_error *err)
{
	if (rc == KF_EDB || rc == KF_EBUSY || rc == KF_EIO) {
		if (err && e != err)
			*err = *e;
		return rc;
	}
	import_bad(im, row, e->field, e->message);
	return 0;
}

static int bad_value(struct import *im, int64_t row, const char *field, const char *what)
{
	char msg[KF_ERR_MSG_MAX];
	snprintf(msg, sizeof(msg), "%s %s", field, what);
	import_bad(im, row, field, msg);
	return 1;
}

/* ---- begin, columns, end ------------------------------------------------ */

int import_begin(struct import *im, struct db *db, const struct actor *a, int64_t now, enum import_kind kind,
                 int skip_bad, struct kf_error *err)
{
	memset(im, 0, sizeof(*im));
	im->db = db;
	im->actor = *a;
	im->now = now;
	im->kind = kind;
	im->skip_bad = skip_bad;
	for (int i = 0; i < 256; i++)
		im->col_field[i] = -1;
	int rc = db_begin(db, err);
	if (rc < 0)
		im->db = NULL;
	if (rc == 0 && kind == IMPORT_ORDERS)
		im->orders = import_orders_new(now);
	return rc;
}

int import_columns(struct import *im, const char *const *names, int n, struct kf_error *err)
{
	int seen[IMPORT_MAX_FIELDS] = { 0 };
	if (n > 256)
		return kf_fail(err, KF_EINVAL, "too_many_columns", NULL, "more than 256 columns");
	im->ncols = n;
	for (int i = 0; i < n; i++) {
		im->col_field[i] = -1;
		if (!names[i][0])
			continue;
		int f = field_index(im->kind, names[i]);
		if (f < 0)
			return kf_fail(err, KF_EINVAL, "unknown_column", names[i],
			               "column '%s' is not a field of %s imports", names[i],
			               kind_names[im->kind]);
		if (seen[f]++)
			return kf_fail(err, KF_EINVAL, "duplicate_column", names[i],
			               "column '%s' is given twice", names[i]);
		im->col_field[i] = f;
	}
	return 0;
}

/*
 * End the current order group.  A new order goes to the bulk writer with
 * its total when that was summed exactly in C (rising line numbers);
 * an existing order that got lines has its total recomputed in SQL.
 */
static int flush_group(struct import *im, struct kf_error *err)
{
	int rc = 0;
	if (im->group_live && im->group_new)
		rc = import_orders_end_new(im->orders, im->db, im->group_exact, im->group_total, err);
	else if (im->group_live && im->group_dirty)
		rc = import_orders_recompute(im->orders, im->db, im->group, err);
	im->group_live = 0;
	im->group_new = 0;
	im->group_dirty = 0;
	return rc;
}

int import_end(struct import *im, struct kf_error *err)
{
	if (!im->db)
		return kf_fail(err, KF_EDB, "db", NULL, "the import has no transaction");
	int rc = flush_group(im, err);
	if (rc == 0 && im->orders)
		rc = import_orders_flush(im->orders, im->db, err);
	if (rc == 0 && im->bad && !im->skip_bad)
		rc = kf_fail(err, KF_EINVAL, "import_failed", NULL,
		             "%lld of %lld rows are bad; nothing was imported", (long long)im->bad,
		             (long long)im->rows);
	if (rc == 0) {
		json_t *after = json_pack("{s:s,s:I,s:I,s:I,s:b}", "kind", kind_names[im->kind], "rows",
		                          (json_int_t)im->rows, "imported", (json_int_t)im->imported, "bad",
		                          (json_int_t)im->bad, "skip_bad", im->skip_bad);
		char action[32];
		snprintf(action, sizeof(action), "import.%s", kind_names[im->kind]);
		rc = audit_record(im->db, &im->actor, im->now, action, "import", 0, NULL, after, err);
		json_decref(after);
	}
	struct db *db = im->db;
	im->db = NULL;
	return db_finish(db, rc, err);
}

void import_release(struct import *im)
{
	if (im->db)
		db_rollback(im->db);
	im->db = NULL;
	free(im->errors);
	im->errors = NULL;
	import_orders_free(im->orders);
	im->orders = NULL;
}

/* ---- the kinds ---------------------------------------------------------- */

static int row_customer(struct import *im, int64_t row, struct kf_error *err)
{
	struct kf_error e = KF_ERROR_INIT;
	json_t *obj = json_object();
	int64_t id = 0;
	for (int i = 0; customer_fields[i]; i++)
		if (im->vals[i])
			json_object_set_new(obj, customer_fields[i], json_string(im->vals[i]));
	int rc = customer_import_row(im->db, &im->actor, obj, im->now, &id, &e);
	json_decref(obj);
	if (rc < 0)
		return row_error(im, row, rc, &e, err);
	im->imported++;
	return 0;
}

#define TIME_FORMS "is not a date or time (YYYY-MM-DD[THH:MM[:SS][Z|+08:00]] or M/D/YYYY)"

/* Parse an optional time field; 1 and recorded when bad. */
static int opt_time(struct import *im, int64_t row, int f, const char *name, int64_t *out)
{
	*out = 0;
	if (im->vals[f] && import_parse_time(im->vals[f], out) < 0)
		return bad_value(im, row, name, TIME_FORMS);
	return 0;
}

/* An optional time field of the order header; KF_EINVAL naming it when bad. */
static int header_time(struct import *im, int f, const char *name, int64_t *out, struct kf_error *e)
{
	*out = 0;
	if (im->vals[f] && import_parse_time(im->vals[f], out) < 0)
		return kf_fail(e, KF_EINVAL, "invalid", name, "%s " TIME_FORMS, name);
	return 0;
}

/*
 * A new order from the row into o.  KF_EINVAL or KF_ENOTFOUND (an unknown
 * customer) with e naming the field when the row cannot make one, which
 * is only an error when the order does not exist yet; < 0 otherwise for
 * a fault.
 */
static int order_header(struct import *im, struct order_in *o, struct kf_error *e)
{
	memset(o, 0, sizeof(*o));
	o->number = im->vals[O_NUMBER];
	o->shipping_mode = im->vals[O_MODE];
	o->shipping_terms = im->vals[O_TERMS];
	o->currency = im->vals[O_CURRENCY];
	if (!im->vals[O_PLACED])
		return kf_fail(e, KF_EINVAL, "invalid", "placed_at", "placed_at is required for a new order");
	int rc = header_time(im, O_PLACED, "placed_at", &o->placed_at, e);
	if (rc == 0)
		rc = header_time(im, O_PROMISED, "promised_at", &o->promised_at, e);
	if (rc == 0)
		rc = order_validate(o, e);
	if (rc == 0 && im->vals[O_CUSTOMER])
		rc = import_orders_customer(im->orders, im->db, im->vals[O_CUSTOMER], &o->customer_id, e);
	return rc;
}

/*
 * The order with this row's number (*id), or a new one from the row's
 * header (*created = 1, *id = 0: the bulk writer writes it when its group
 * ends).  A header that cannot make an order is an error only when there
 * is no order to find.
 */
static int order_find_or_add(struct import *im, int64_t *id, int *created, struct kf_error *e)
{
	struct order_in o;
	*created = 0;
	int rc = import_orders_lookup(im->orders, im->db, im->vals[O_NUMBER], id, e);
	if (rc != KF_ENOTFOUND)
		return rc;
	*id = 0;
	rc = order_header(im, &o, e);
	if (rc < 0)
		return rc;
	import_orders_begin_new(im->orders, &o);
	*created = 1;
	return 0;
}

/* "order number X already belongs to customer Y", both languages (the Chinese in details[0]). */
static int owned_by_other(struct import *im, const char *owner, struct kf_error *e)
{
	struct kf_error zh = KF_ERROR_INIT;
	const char *number = im->vals[O_NUMBER];
	kf_fail(&zh, KF_ECONFLICT, "order_customer", "customer_external_id",
	        "订单号 %.64s 已属于客户 %.64s，不是 %.64s", number, owner, im->vals[O_CUSTOMER]);
	int rc = kf_fail(e, KF_ECONFLICT, "order_customer", "customer_external_id",
	                 "order number %.64s already belongs to customer %.64s, not %.64s", number, owner,
	                 im->vals[O_CUSTOMER]);
	kf_detail_str(e, "zh", zh.message);
	return rc;
}

/*
 * An existing order that the row names a customer for must be that
 * customer's: 0, KF_ENOTFOUND (the row's customer does not exist),
 * KF_ECONFLICT "order_customer" (another customer's order) or a fault.
 */
static int order_same_customer(struct import *im, int64_t id, struct kf_error *e)
{
	int64_t want = 0, have = 0;
	char owner[136];
	if (!im->vals[O_CUSTOMER])
		return 0;
	int rc = import_orders_customer(im->orders, im->db, im->vals[O_CUSTOMER], &want, e);
	if (rc == 0)
		rc = order_customer(im->db, id, &have, e);
	if (rc < 0 || have == 0 || have == want)
		return rc;
	rc = customer_external_id_of(im->db, have, owner, sizeof(owner), e);
	if (rc < 0)
		return rc;
	if (!owner[0])
		snprintf(owner, sizeof(owner), "#%lld", (long long)have);
	return owned_by_other(im, owner, e);
}

/* A further row of the group being read must not name another customer; 1 when it does (recorded). */
static int group_same_customer(struct import *im, int64_t row)
{
	struct kf_error e = KF_ERROR_INIT;
	const char *c = im->vals[O_CUSTOMER];
	if (!c || !im->group_customer[0] || strcmp(c, im->group_customer) == 0)
		return 0;
	owned_by_other(im, im->group_customer, &e);
	import_bad_zh(im, row, "customer_external_id", e.message, e.details[0].value);
	return 1;
}

/* The row names a customer kefu does not have: say so, and what to do; 1. */
static int customer_missing(struct import *im, int64_t row)
{
	struct kf_error en = KF_ERROR_INIT, zh = KF_ERROR_INIT;
	const char *c = im->vals[O_CUSTOMER];
	kf_fail(&en, KF_ENOTFOUND, "no_customer", "customer_external_id",
	        "customer '%.64s' does not exist; import customers first (kefu import customers FILE)", c);
	kf_fail(&zh, KF_ENOTFOUND, "no_customer", "customer_external_id",
	        "客户“%.64s”不存在；请先导入客户（kefu import customers 文件）", c);
	import_bad_zh(im, row, "customer_external_id", en.message, zh.message);
	return 1;
}

/* Find or create the order of this row's group; 1 when the row is bad. */
static int order_group(struct import *im, int64_t row, struct kf_error *err)
{
	struct kf_error e = KF_ERROR_INIT;
	const char *number = im->vals[O_NUMBER];
	if (!number)
		return bad_value(im, row, "order_number", "is required");
	if (im->group_live && strcmp(number, im->group) == 0)
		return group_same_customer(im, row);
	int rc = flush_group(im, err);
	if (rc < 0)
		return rc;
	im->group_order = 0;
	if (strlen(number) >= sizeof(im->group))
		return bad_value(im, row, "order_number", "is longer than 64 characters");
	int64_t id = 0;
	int created = 0;
	rc = order_find_or_add(im, &id, &created, &e);
	if (rc == 0 && !created)
		rc = order_same_customer(im, id, &e);
	if (rc == KF_ENOTFOUND && strcmp(e.field, "customer_external_id") == 0)
		return customer_missing(im, row);
	if (rc == KF_ECONFLICT && strcmp(e.key, "order_customer") == 0)
		return import_bad_zh(im, row, "customer_external_id", e.message, e.details[0].value), 1;
	if (rc < 0)
		return row_error(im, row, rc, &e, err) < 0 ? rc : 1;
	snprintf(im->group_customer, sizeof(im->group_customer), "%s",
	         im->vals[O_CUSTOMER] ? im->vals[O_CUSTOMER] : "");
	str_copy(im->group, sizeof(im->group), number);
	im->group_order = id;
	im->group_live = 1;
	im->group_new = created;
	im->group_next_line = 1;
	im->group_exact = created;
	im->group_total = 0;
	im->group_max_line = 0;
	return 0;
}

/* Keep the group's total in C while that stays exact (see flush_group). */
static void group_count(struct import *im, const struct order_line_in *l)
{
	if (l->line_no <= im->group_max_line ||
	    !import_orders_total_add(&im->group_total, l->quantity, l->unit_price_minor))
		im->group_exact = 0;
	if (l->line_no > im->group_max_line)
		im->group_max_line = l->line_no;
}

/* The line of an order row; 1 when bad. */
static int order_line(struct import *im, int64_t row, struct order_line_in *l)
{
	const char *cur = im->vals[O_CURRENCY];
	memset(l, 0, sizeof(*l));
	l->sku = im->vals[O_SKU];
	l->name = im->vals[O_NAME];
	l->category = im->vals[O_CATEGORY];
	l->substituted_sku = im->vals[O_SUBSTITUTED];
	if (!l->sku) {
		for (int f = O_LINE_NO; f <= O_PRICE; f++)
			if (im->vals[f])
				return bad_value(im, row, "sku", "is required for an order line");
		return 0;
	}
	if (im->vals[O_LINE_NO] &&
	    (parse_count(im->vals[O_LINE_NO], 1000000, &l->line_no) < 0 || l->line_no == 0))
		return bad_value(im, row, "line_no", "must be a whole number from 1 to 1000000");
	if (parse_count(im->vals[O_QUANTITY], 1000000000, &l->quantity) < 0)
		return bad_value(im, row, "quantity", "must be a whole number from 0 to 1000000000");
	if (im->vals[O_BACKORDERED] &&
	    parse_count(im->vals[O_BACKORDERED], 1000000000, &l->quantity_backordered) < 0)
		return bad_value(im, row, "quantity_backordered", "must be a whole number");
	if (im->vals[O_PRICE] &&
	    import_parse_money(im->vals[O_PRICE], cur ? cur : "CNY", &l->unit_price_minor) < 0)
		return bad_value(im, row, "unit_price",
		                 "must be a decimal amount like 12.30 (no signs or thousands separators, no more"
		                 " decimals than the currency has)");
	return 0;
}

static int row_order(struct import *im, int64_t row, struct kf_error *err)
{
	struct kf_error e = KF_ERROR_INIT;
	struct order_line_in l;
	if (order_line(im, row, &l))
		return 0;
	int rc = l.sku ? order_line_validate(&l, "", &e) : 0;
	if (rc < 0)
		return row_error(im, row, rc, &e, err);
	rc = order_group(im, row, err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (l.sku) {
		if (l.line_no == 0)
			l.line_no = im->group_next_line;
		im->group_next_line = l.line_no + 1;
		group_count(im, &l);
		rc = import_orders_line(im->orders, im->db, im->group_order, &l, err);
		if (rc < 0)
			return rc;
		im->group_dirty = 1;
	}
	im->imported++;
	return 0;
}

static int row_shipment(struct import *im, int64_t row, struct kf_error *err)
{
	struct kf_error e = KF_ERROR_INIT;
	struct shipment_in s = { 0 };
	int64_t id = 0;
	s.tracking_number = im->vals[S_NUMBER];
	s.carrier = im->vals[S_CARRIER];
	s.mode = im->vals[S_MODE];
	s.origin = im->vals[S_ORIGIN];
	s.destination = im->vals[S_DEST];
	if (!im->vals[S_ORDER])
		return bad_value(im, row, "order_number", "is required"), 0;
	if (opt_time(im, row, S_SHIPPED, "shipped_at", &s.shipped_at) ||
	    opt_time(im, row, S_ETA, "eta_at", &s.eta_at))
		return 0;
	int rc = order_id_by_number(im->db, im->vals[S_ORDER], &s.order_id, &e);
	if (rc == 0)
		rc = shipment_validate(&s, &e);
	if (rc == 0) {
		rc = shipment_id_by_number(im->db, s.tracking_number, &id, &e);
		if (rc == 0)
			rc = shipment_refresh(im->db, im->now, id, &s, &e);
		else if (rc == KF_ENOTFOUND)
			rc = shipment_insert(im->db, im->now, &s, &id, &e);
	}
	if (rc < 0)
		return row_error(im, row, rc, &e, err);
	im->imported++;
	return 0;
}

static int row_event(struct import *im, int64_t row, struct kf_error *err)
{
	struct kf_error e = KF_ERROR_INIT;
	struct tracking_event_in ev = { 0, im->vals[E_STATUS], im->vals[E_LOCATION], im->vals[E_DESCRIPTION],
		                        "import" };
	const char *number = im->vals[E_NUMBER];
	int added = 0, rc = 0;
	if (!number)
		return bad_value(im, row, "tracking_number", "is required"), 0;
	if (!im->vals[E_AT])
		return bad_value(im, row, "at", "is required"), 0;
	if (opt_time(im, row, E_AT, "at", &ev.at))
		return 0;
	rc = tracking_event_validate(&ev, &e);
	if (rc == 0 && strcmp(number, im->last_ship) != 0) {
		im->last_ship[0] = '\0';
		rc = shipment_id_by_number(im->db, number, &im->last_ship_id, &e);
		if (rc == 0 && strlen(number) < sizeof(im->last_ship))
			str_copy(im->last_ship, sizeof(im->last_ship), number);
	}
	if (rc == 0)
		rc = shipment_event_apply(im->db, im->now, im->last_ship_id, &ev, &added, &e);
	if (rc < 0)
		return row_error(im, row, rc, &e, err);
	im->imported++;
	return 0;
}

static int row_dispatch(struct import *im, int64_t row, struct kf_error *err)
{
	im->rows++;
	switch (im->kind) {
	case IMPORT_CUSTOMERS:
		return row_customer(im, row, err);
	case IMPORT_ORDERS:
		return row_order(im, row, err);
	case IMPORT_SHIPMENTS:
		return row_shipment(im, row, err);
	case IMPORT_EVENTS:
		return row_event(im, row, err);
	case IMPORT_KIND_COUNT:
		break;
	}
	KF_BUG("unknown import kind");
}

/* Record the row as bad when one of its fields is not UTF-8 (nothing of it is stored); 1 then. */
static int bad_utf8(struct import *im, int64_t row)
{
	const char *const *names = kind_fields[im->kind];
	for (int f = 0; names[f]; f++) {
		if (!im->vals[f] || json_utf8_bad(im->vals[f], strlen(im->vals[f])) < 0)
			continue;
		struct kf_error en = KF_ERROR_INIT, zh = KF_ERROR_INIT;
		kf_fail(&en, KF_EINVAL, "not_utf8", names[f], "line %lld: field %s is not valid UTF-8",
		        (long long)row, names[f]);
		kf_fail(&zh, KF_EINVAL, "not_utf8", names[f], "第 %lld 行：字段 %s 不是有效的 UTF-8 文本",
		        (long long)row, names[f]);
		im->rows++;
		import_bad_zh(im, row, names[f], en.message, zh.message);
		return 1;
	}
	return 0;
}

int import_values(struct import *im, int64_t row, const char *const *values, int n, struct kf_error *err)
{
	memset(im->vals, 0, sizeof(im->vals));
	if (n > im->ncols) {
		im->rows++;
		import_bad(im, row, "", "the row has more fields than the header");
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (im->col_field[i] >= 0 && values[i] && values[i][0])
			im->vals[im->col_field[i]] = values[i];
	if (bad_utf8(im, row))
		return 0;
	return row_dispatch(im, row, err);
}

/* One JSON value as text into buf: strings as is, integers in decimal; else NULL. */
static const char *value_text(json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return NULL;
}

int import_object(struct import *im, int64_t row, json_t *obj, struct kf_error *err)
{
	char nums[IMPORT_MAX_FIELDS][24];
	const char *key;
	json_t *v;
	memset(im->vals, 0, sizeof(im->vals));
	if (!json_is_object(obj)) {
		im->rows++;
		import_bad(im, row, "", "a row must be a JSON object");
		return 0;
	}
	json_object_foreach(obj, key, v)
	{
		int f = field_index(im->kind, key);
		if (f < 0 || (!json_is_null(v) && !value_text(v, nums[f], sizeof(nums[f])))) {
			char msg[KF_ERR_MSG_MAX];
			snprintf(msg, sizeof(msg),
			         f < 0 ? "%.64s is not a field of %s imports"
			               : "%.64s must be a string or a whole number",
			         key, kind_names[im->kind]);
			im->rows++;
			import_bad(im, row, key, msg);
			return 0;
		}
		const char *t = json_is_null(v) ? NULL : value_text(v, nums[f], sizeof(nums[f]));
		im->vals[f] = t && *t ? t : NULL;
	}
	return row_dispatch(im, row, err);
}
