/*
 * import.h - the import framework: customers, orders, shipments and
 * tracking events from rows of named fields, one row at a time, for the
 * CLI (kefu import: CSV or JSON lines, streamed) and the API (batches of
 * JSON rows).
 *
 * An import is one transaction.  Each row is checked completely before
 * anything of it is written, so a bad row writes nothing and is recorded
 * as (row, field, message).  Orders are written in bulk: new orders and
 * lines go in multi-row statements, a new order's total is summed in C,
 * customers are looked up once per import, and new orders are indexed
 * for search in batches (see import_orders.h); a database fault while
 * writing a batch ends the import (nothing is committed).  import_end then either commits (no bad rows,
 * or skip_bad) or rolls everything back (all-or-nothing, the default).
 * One audit row per import carries the counts; rows are not audited
 * one by one.  Imports are upserts: importing the same file twice
 * changes nothing the second time.
 *
 * Fields per kind (values are text; empty = absent):
 *   customers: external_id, name, kind, phone, email, wechat, tier, stage,
 *     birthday, province, city, address, tags (see crm/customer_import.h)
 *   orders (one row per order line; the rows of one order contiguous; the
 *     order fields are read from its first row): order_number,
 *     customer_external_id, placed_at, promised_at, shipping_mode,
 *     shipping_terms, currency, and for the line: line_no (default: its
 *     position among the order's rows), sku, name, category, quantity,
 *     quantity_backordered, substituted_sku, unit_price.  A row without
 *     sku creates the order only.  An order that exists already keeps its
 *     fields; its lines are upserted by line_no.
 *   shipments: tracking_number, order_number, carrier, mode, shipped_at,
 *     eta_at, origin, destination (an existing tracking number is updated)
 *   events: tracking_number, at, status, location, description
 * Every value must be UTF-8: a row with a field that is not is bad ("field
 * X is not valid UTF-8") and nothing of it is stored.  An order names an
 * existing customer (import customers first: a row naming an unknown one
 * is bad and says so), and an order number that already belongs to
 * another customer is a bad row, never merged.
 * Times: see import_parse_time.  Money: see import_parse_money.
 */
#ifndef KF_IMPORT_H
#define KF_IMPORT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

enum import_kind { IMPORT_CUSTOMERS, IMPORT_ORDERS, IMPORT_SHIPMENTS, IMPORT_EVENTS, IMPORT_KIND_COUNT };

#define IMPORT_MAX_FIELDS 16 /* fields of the widest kind */
#define IMPORT_MAX_ERRORS 1000 /* errors kept (all are counted) */
#define IMPORT_MAX_API_ROWS 5000 /* rows in one API request */

struct import_error {
	int64_t row; /* line number (CLI) or row index (API) */
	char field[KF_ERR_FIELD_MAX]; /* "" for the whole row */
	char message[KF_ERR_MSG_MAX]; /* English */
	char message_zh[KF_ERR_MSG_MAX]; /* Chinese, or "" when only the English was written */
};

struct import {
	struct db *db;
	struct actor actor; /* for the audit row */
	int64_t now;
	enum import_kind kind;
	int skip_bad; /* commit the good rows even when some are bad */
	int ncols; /* columns of the input (import_columns) */
	int col_field[256]; /* field index of each column, -1 = ignored */
	const char *vals[IMPORT_MAX_FIELDS]; /* the current row by field; NULL = absent */
	int64_t rows, imported, bad; /* counts */
	struct import_error *errors; /* the first IMPORT_MAX_ERRORS bad rows (owned) */
	int nerrors;
	char group[80]; /* orders: number of the order whose rows are being read */
	char group_customer[136]; /* its customer's external id as the rows give it, "" = none given */
	int64_t group_order; /* its id; 0 while a new order is not written yet */
	int64_t group_next_line; /* next default line_no */
	int group_dirty; /* lines were written: recompute the total */
	int group_live; /* a group is being read (its order found or queued) */
	int group_new; /* its order is new: written by the bulk writer when the group ends */
	int group_exact; /* group_total is the order's total (a new order, line_no rising, no overflow) */
	int64_t group_total; /* sum of quantity * unit price of its lines */
	int64_t group_max_line; /* highest line_no written in this group */
	struct import_orders *orders; /* orders: the work written in batches (owned) */
	char last_ship[80]; /* events: the last tracking number looked up */
	int64_t last_ship_id;
};

/* "customers" -> IMPORT_CUSTOMERS; -1 if unknown. */
int import_kind_parse(const char *s);
const char *import_kind_name(enum import_kind k);

/* Start an import (opens the transaction).  actor is copied; its strings must outlive the import. */
int import_begin(struct import *im, struct db *db, const struct actor *a, int64_t now, enum import_kind kind,
                 int skip_bad, struct kf_error *err);
/*
 * Name the input's columns (the CSV header after --map): each must be a
 * field of the kind or "" (ignored).  KF_EINVAL naming an unknown or
 * repeated column.
 */
int import_columns(struct import *im, const char *const *names, int n, struct kf_error *err);
/*
 * One row by column (values[i] for column i; n may differ from the
 * header: missing columns are absent, extra ones an error).  Returns 0
 * (imported or recorded as bad) or < 0 for a fault that ends the import.
 */
int import_values(struct import *im, int64_t row, const char *const *values, int n, struct kf_error *err);
/* One row as a JSON object of strings or integers keyed by field name. */
int import_object(struct import *im, int64_t row, json_t *obj, struct kf_error *err);
/* Record a bad row found by the caller (unreadable CSV, bad JSON line). */
void import_bad(struct import *im, int64_t row, const char *field, const char *message);
/* The same with the Chinese wording too (zh may be NULL). */
void import_bad_zh(struct import *im, int64_t row, const char *field, const char *message, const char *zh);
/* The message of e in the language asked for ("zh..." gives the Chinese when there is one). Borrowed. */
const char *import_error_message(const struct import_error *e, const char *lang);
/*
 * Finish: commit (and audit) when no row was bad or skip_bad is set; else
 * roll back and return KF_EINVAL ("import_failed").  Always ends the
 * transaction.
 */
int import_end(struct import *im, struct kf_error *err);
/* Roll back (if still open) and free. */
void import_release(struct import *im);

/*
 * A time as UTC seconds: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (or a
 * space for T) with an optional "Z" or "+HH:MM"/"-HH:MM" offset, "M/D/YYYY"
 * (the Superstore data) with an optional " HH:MM[:SS]", or plain Unix
 * seconds.  Without an offset a time is UTC.  KF_EINVAL otherwise.
 */
int import_parse_time(const char *s, int64_t *out);
/*
 * A decimal amount as minor units of currency, exactly: "12.30" CNY ->
 * 1230, "12.3" -> 1230, "12" -> 1200, "500" JPY -> 500.  Refused: more
 * decimals than the currency has ("12.345" CNY), signs, thousands
 * separators ("1,234.5": ambiguous between locales), exponents, blanks,
 * more than 15 integer digits.
 */
int import_parse_money(const char *s, const char *currency, int64_t *out);

#endif
