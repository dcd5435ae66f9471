/*
 * order.h - orders and their lines (PRODUCT.md L1; seed 000 ch. 3,
 * 出货流程).  An order is the shop's: its number is the shop's own,
 * unique.  Lines carry what was ordered, shipped, delivered, backordered
 * and substituted.  The order's status follows its lines as shipments
 * ship and deliver them (order_refresh_status), unless staff cancelled or
 * completed it.
 *
 * shipping_mode is the shop's service name as free text ("Standard
 * Class", "次日达", at most 64 bytes); the transport mode of a parcel is
 * shipments.mode.  Money is int64 minor units in the order's currency.
 */
#ifndef KF_ORDER_H
#define KF_ORDER_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define ORDER_MAX_LINES 1000

struct order_line_in {
	int64_t line_no; /* 0 = next */
	const char *sku; /* required, 1..64 bytes */
	const char *name; /* NULL = the sku */
	const char *category; /* may be NULL */
	const char *substituted_sku; /* may be NULL */
	int64_t quantity; /* >= 0 */
	int64_t quantity_backordered; /* 0..quantity */
	int64_t unit_price_minor; /* >= 0 */
};

struct order_in {
	const char *number; /* required, 1..64 bytes */
	int64_t customer_id; /* 0 = not linked to a customer */
	int64_t placed_at; /* required */
	int64_t promised_at; /* 0 = none */
	const char *shipping_mode; /* may be NULL */
	const char *shipping_terms; /* "FOB origin", "delivered"; may be NULL */
	const char *currency; /* ISO 4217, NULL = CNY */
	const struct order_line_in *lines; /* borrowed */
	int nlines;
};

struct order_patch {
	const char *status; /* NULL = unchanged */
	int has_promised_at; /* promised_at given (0 clears it) */
	int64_t promised_at;
	const char *shipping_mode; /* NULL = unchanged */
	const char *shipping_terms; /* NULL = unchanged */
};

/* Check everything about in that needs no store; KF_EINVAL naming the field. */
int order_validate(const struct order_in *in, struct kf_error *err);
/* Check one line; field names are prefixed with prefix ("lines[2]."). */
int order_line_validate(const struct order_line_in *l, const char *prefix, struct kf_error *err);

/*
 * Create the order and its lines, add it to the customer's timeline and
 * audit it, in one transaction.  KF_EEXIST when the number is taken,
 * KF_ENOTFOUND when customer_id names no customer.
 */
int order_create(struct db *db, const struct actor *a, int64_t now, const struct order_in *in, int64_t *id,
                 struct kf_error *err);

/*
 * For the import: insert the order header only, no audit, inside the
 * caller's transaction.  *id is the new order.
 */
int order_insert(struct db *db, int64_t now, const struct order_in *in, int64_t *id, struct kf_error *err);
/* For the import: insert or replace line l->line_no of order_id (no transaction of its own). */
int order_line_put(struct db *db, int64_t order_id, const struct order_line_in *l, struct kf_error *err);
/*
 * For the import: insert or replace n lines at once (0 <= n <=
 * ORDER_LINES_BATCH), line i into order order_ids[i].  No two may name
 * the same (order, line_no): PostgreSQL refuses to upsert one row twice in
 * a statement.  Strings are borrowed for the call.
 */
#define ORDER_LINES_BATCH 16
int order_lines_put(struct db *db, const int64_t *order_ids, const struct order_line_in *lines, int n,
                    struct kf_error *err);
/*
 * For the import: insert n new orders (0 <= n <= ORDER_LINES_BATCH) with
 * their totals (header only, no audit, in the caller's transaction); ids[i]
 * is in[i]'s new id.  The numbers must be new and distinct (KF_EEXIST).
 */
int order_insert_many(struct db *db, int64_t now, const struct order_in *in, const int64_t *totals, int n,
                      int64_t *ids, struct kf_error *err);
/* For the import: recompute total_minor of the order with this number from its lines. */
int order_update_total_by_number(struct db *db, const char *number, int64_t now, struct kf_error *err);
/* For the import: set total_minor of an order whose lines the caller summed itself. */
int order_set_total(struct db *db, int64_t order_id, int64_t total_minor, int64_t now, struct kf_error *err);
/* Recompute total_minor from the lines. */
int order_update_total(struct db *db, int64_t order_id, int64_t now, struct kf_error *err);
/* The order with this number; KF_ENOTFOUND. */
int order_id_by_number(struct db *db, const char *number, int64_t *id, struct kf_error *err);

/* The order as JSON with "lines" and "shipments"; *version for the ETag.  *out is new. */
int order_get_json(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
/* One page by id; customer_id 0 = every customer.  *items new; *last_id the cursor. */
int order_list(struct db *db, int64_t customer_id, int64_t after_id, int limit, json_t **items,
               int64_t *last_id, struct kf_error *err);
/* The narrower list behind a service-level report row (report_service.c's
 * drill-down): placed in [placed_from, placed_to) (0 = open), and the
 * carrier, mode, region or product category of the order's service-level
 * fact (order_facts, kept by the service_facts job; "" = any). */
struct order_filter {
	int64_t customer_id;
	int64_t placed_from, placed_to;
	const char *carrier, *mode, *region, *category;
};
int order_list_filtered(struct db *db, const struct order_filter *f, int64_t after_id, int limit,
                        json_t **items, int64_t *last_id, struct kf_error *err);
/* Change status / promised_at / shipping fields if version matches (KF_ESTALE), audited. */
int order_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                 const struct order_patch *p, struct kf_error *err);

/* The customer of an order (0 when none); KF_ENOTFOUND. */
int order_customer(struct db *db, int64_t id, int64_t *customer_id, struct kf_error *err);
/*
 * Set the order's status from its lines (open, partially_shipped,
 * shipped, delivered); a cancelled or completed order keeps its status.
 * An order without lines takes if_no_lines (NULL: unchanged).
 */
int order_refresh_status(struct db *db, int64_t id, int64_t now, const char *if_no_lines, struct kf_error *err);

#endif
