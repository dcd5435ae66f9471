/*
 * import_orders.h - the bulk writer behind the orders import (private to
 * logistics/import.c): the work of an orders import that is cheaper done
 * many rows at a time.
 *
 * The importer reads an order's rows as a group.  A new order is kept
 * in memory until its group ends, then queued with the total of its
 * lines and written ORDER_LINES_BATCH orders per statement; its timeline
 * row and search document follow once its id is known (search documents
 * IMPORT_SEARCH_BATCH at a time, through search_put_many).  Lines are
 * queued and written ORDER_LINES_BATCH per statement once their order
 * is written: should the queue fill while the current order is still
 * being read, that order is written at once (and its total later).
 * Orders whose total cannot be summed in C (existing orders, repeated
 * line numbers) are recomputed in SQL after their lines are written.
 * Customers are looked up once per import and kept in a hash map.
 * import_orders_flush writes everything; the importer calls it before
 * it commits.
 */
#ifndef KF_IMPORT_ORDERS_H
#define KF_IMPORT_ORDERS_H

#include <stdint.h>

#include "base/err.h"

struct db;
struct import_orders;
struct order_in;
struct order_line_in;

#define IMPORT_SEARCH_BATCH 2048 /* new orders indexed per search_put_many */
#define IMPORT_CUSTOMER_CACHE 100000 /* customers remembered per import */
#define IMPORT_LINES_QUEUE 64 /* lines waiting for their statements */
#define IMPORT_RECOMPUTE_MAX 64 /* orders waiting for a total from SQL */

/* A writer for one import; now is the import's time (created_at, timeline, search). */
struct import_orders *import_orders_new(int64_t now);
/* Free (NULL-safe); whatever is still queued is dropped. */
void import_orders_free(struct import_orders *o);

/*
 * The customer with this external id: from the cache, else from the
 * database (and then cached).  KF_ENOTFOUND naming customer_external_id.
 */
int import_orders_customer(struct import_orders *o, struct db *db, const char *external_id, int64_t *id,
                           struct kf_error *err);
/* The order with this number, written or queued by this import or not: 0, KF_ENOTFOUND or a fault. */
int import_orders_lookup(struct import_orders *o, struct db *db, const char *number, int64_t *id,
                         struct kf_error *err);
/* The group now being read is the new order in (validated; copied), not yet written. */
void import_orders_begin_new(struct import_orders *o, const struct order_in *in);
/*
 * Queue a validated line (copied) of the current group's order:
 * order_id for an existing order, 0 for the new one.  < 0 only for a
 * database fault.
 */
int import_orders_line(struct import_orders *o, struct db *db, int64_t order_id,
                       const struct order_line_in *l, struct kf_error *err);
/*
 * The new order's group ended: queue it with total (exact: the sum of its
 * lines; else its total is recomputed from its lines in SQL).
 */
int import_orders_end_new(struct import_orders *o, struct db *db, int exact, int64_t total,
                          struct kf_error *err);
/* An existing order got lines: recompute its total once they are written. */
int import_orders_recompute(struct import_orders *o, struct db *db, const char *number, struct kf_error *err);
/* Write everything queued. */
int import_orders_flush(struct import_orders *o, struct db *db, struct kf_error *err);

/*
 * total += quantity * unit_price exactly; 0 when that would overflow
 * int64 (total unchanged), else 1.
 */
int import_orders_total_add(int64_t *total, int64_t quantity, int64_t unit_price);

#endif
