/*
 * import_orders.c - see import_orders.h.
 *
 * The queues are fixed arrays inside one allocation per import, so
 * queuing a row allocates nothing: a line's strings are copied into the
 * line's own slot of text (each field has a validated maximum size), a
 * new order's number into its document's slot.
 */
#include "logistics/import_orders.h"

#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/xalloc.h"
#include "crm/customer_import.h"
#include "logistics/order.h"
#include "store/search.h"
#include "base/banned.h"

/* Room for a validated line's strings: sku 64, name 256, category 64, substituted_sku 64, each + NUL. */
#define LINE_TEXT_MAX (65 + 257 + 65 + 65)
#define NUMBER_MAX 65 /* an order number (64 bytes) + NUL */

struct import_orders {
	struct strmap customers; /* external_id -> customer id */
	int64_t line_order[ORDER_LINES_BATCH]; /* the order of each queued line */
	struct order_line_in lines[ORDER_LINES_BATCH]; /* queued lines; strings point into line_text */
	char line_text[ORDER_LINES_BATCH][LINE_TEXT_MAX]; /* copies of their strings */
	int nlines;
	struct search_doc docs[IMPORT_SEARCH_BATCH]; /* queued documents; titles point into numbers */
	char numbers[IMPORT_SEARCH_BATCH][NUMBER_MAX]; /* copies of their order numbers */
	int ndocs;
};

struct import_orders *import_orders_new(void)
{
	struct import_orders *o = xcalloc(1, sizeof(*o));
	o->customers.max = IMPORT_CUSTOMER_CACHE;
	return o;
}

void import_orders_free(struct import_orders *o)
{
	if (!o)
		return;
	strmap_release(&o->customers);
	free(o);
}

int import_orders_customer(struct import_orders *o, struct db *db, const char *external_id, int64_t *id,
                           struct kf_error *err)
{
	if (strmap_get(&o->customers, external_id, id))
		return 0;
	int rc = customer_by_external_id(db, external_id, id, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "customer_external_id",
		               "no customer with external id %s", external_id);
	if (rc == 0)
		strmap_put(&o->customers, external_id, *id);
	return rc;
}

/* Copy s (at most max bytes, validated by the caller) to *at; the copy, or NULL for NULL. */
static const char *copy_text(const char *s, size_t max, char **at)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n > max)
		KF_BUG("import line field longer than validated");
	char *d = *at;
	memcpy(d, s, n + 1);
	*at += n + 1;
	return d;
}

int import_orders_flush_lines(struct import_orders *o, struct db *db, struct kf_error *err)
{
	int n = o->nlines;
	o->nlines = 0;
	return order_lines_put(db, o->line_order, o->lines, n, err);
}

static int queued(const struct import_orders *o, int64_t order_id, int64_t line_no)
{
	for (int i = 0; i < o->nlines; i++)
		if (o->line_order[i] == order_id && o->lines[i].line_no == line_no)
			return 1;
	return 0;
}

int import_orders_line(struct import_orders *o, struct db *db, int64_t order_id,
                       const struct order_line_in *l, struct kf_error *err)
{
	if (o->nlines == ORDER_LINES_BATCH || queued(o, order_id, l->line_no)) {
		int rc = import_orders_flush_lines(o, db, err);
		if (rc < 0)
			return rc;
	}
	int i = o->nlines++;
	char *at = o->line_text[i];
	o->line_order[i] = order_id;
	o->lines[i] = *l;
	o->lines[i].sku = copy_text(l->sku, 64, &at);
	o->lines[i].name = copy_text(l->name, 256, &at);
	o->lines[i].category = copy_text(l->category, 64, &at);
	o->lines[i].substituted_sku = copy_text(l->substituted_sku, 64, &at);
	return 0;
}

static int flush_docs(struct import_orders *o, struct db *db, struct kf_error *err)
{
	int n = o->ndocs;
	o->ndocs = 0;
	return search_put_many(db, o->docs, n, err);
}

int import_orders_created(struct import_orders *o, struct db *db, int64_t id, const char *number, int64_t now,
                          struct kf_error *err)
{
	if (o->ndocs == IMPORT_SEARCH_BATCH) {
		int rc = flush_docs(o, db, err);
		if (rc < 0)
			return rc;
	}
	int i = o->ndocs++;
	char *at = o->numbers[i];
	o->docs[i] = (struct search_doc){ "order", id, 0, copy_text(number, NUMBER_MAX - 1, &at), NULL, now };
	return 0;
}

int import_orders_flush(struct import_orders *o, struct db *db, struct kf_error *err)
{
	int rc = import_orders_flush_lines(o, db, err);
	if (rc == 0)
		rc = flush_docs(o, db, err);
	return rc;
}

int import_orders_total_add(int64_t *total, int64_t quantity, int64_t unit_price)
{
	int64_t line, sum;
	if (__builtin_mul_overflow(quantity, unit_price, &line) || __builtin_add_overflow(*total, line, &sum))
		return 0;
	*total = sum;
	return 1;
}
