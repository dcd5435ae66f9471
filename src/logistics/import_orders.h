/*
 * import_orders.h - the bulk writer behind the orders import (private to
 * logistics/import.c): the work of an orders import that is cheaper done
 * many rows at a time.
 *
 * Lines are queued and written ORDER_LINES_BATCH per statement; a new
 * order's search document is queued and written IMPORT_SEARCH_BATCH at a
 * time through search_put_many; customers are looked up once per import
 * and kept in a hash map.  Everything queued is written by
 * import_orders_flush, which the importer calls before it reads what was
 * written (an order's total from its lines) and before it commits.
 */
#ifndef KF_IMPORT_ORDERS_H
#define KF_IMPORT_ORDERS_H

#include <stdint.h>

#include "base/err.h"

struct db;
struct import_orders;
struct order_line_in;

#define IMPORT_SEARCH_BATCH 2048 /* new orders indexed per search_put_many */
#define IMPORT_CUSTOMER_CACHE 100000 /* customers remembered per import */

struct import_orders *import_orders_new(void);
/* Free (NULL-safe); whatever is still queued is dropped. */
void import_orders_free(struct import_orders *o);

/*
 * The customer with this external id: from the cache, else from the
 * database (and then cached).  KF_ENOTFOUND naming customer_external_id.
 */
int import_orders_customer(struct import_orders *o, struct db *db, const char *external_id, int64_t *id,
                           struct kf_error *err);
/*
 * Queue line l of order order_id (a validated line: its strings are
 * copied); writes the queue first when it is full or already holds
 * this (order, line_no).  < 0 only for a database fault.
 */
int import_orders_line(struct import_orders *o, struct db *db, int64_t order_id,
                       const struct order_line_in *l, struct kf_error *err);
/* Queue the search document of order id, created by this import (number: 1..64 bytes, copied). */
int import_orders_created(struct import_orders *o, struct db *db, int64_t id, const char *number, int64_t now,
                          struct kf_error *err);
/* Write the queued lines (not the search documents). */
int import_orders_flush_lines(struct import_orders *o, struct db *db, struct kf_error *err);
/* Write everything queued. */
int import_orders_flush(struct import_orders *o, struct db *db, struct kf_error *err);

/*
 * total += quantity * unit_price exactly; 0 when that would overflow
 * int64 (total unchanged), else 1.
 */
int import_orders_total_add(int64_t *total, int64_t quantity, int64_t unit_price);

#endif
