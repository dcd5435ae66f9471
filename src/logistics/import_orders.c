/*
 * import_orders.c - see import_orders.h.
 *
 * The queues are fixed arrays inside one allocation per import, so
 * queuing a row allocates nothing: strings are copied into their entry's
 * own text (each field has a validated maximum size).  A queued line
 * names its order by number until the order is written; writing orders
 * fills in the ids of their queued lines.
 */
#include "logistics/import_orders.h"

#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/xalloc.h"
#include "crm/customer_import.h"
#include "crm/timeline.h"
#include "logistics/order.h"
#include "store/search.h"

#define NUMBER_MAX 65 /* an order number (64 bytes) + NUL */
/* Room for a validated line's strings: sku 64, name 256, category 64, substituted_sku 64, each + NUL. */
#define LINE_TEXT_MAX (65 + 257 + 65 + 65)
/* Room for a validated header's strings: number, shipping_mode 64, shipping_terms 64, currency 3. */
#define HEADER_TEXT_MAX (NUMBER_MAX + 65 + 65 + 4)

struct queued_line {
	int64_t order_id; /* 0 until its order is written */
	char number[NUMBER_MAX]; /* its order */
	struct order_line_in l; /* strings point into text */
	char text[LINE_TEXT_MAX];
};

struct queued_order {
	struct order_in o; /* strings point into text */
	int64_t total; /* total_minor to write */
	char text[HEADER_TEXT_MAX];
};

struct import_orders {
	int64_t now; /* the import's time */
	struct strmap customers; /* external_id -> customer id */
	struct queued_order cur; /* the group being read, when its order is new */
	int cur_new; /* cur is valid */
	int64_t cur_id; /* cur's id once written ahead of its group's end, else 0 */
	struct queued_order orders[ORDER_LINES_BATCH]; /* new orders of ended groups */
	int norders;
	struct queued_line lines[IMPORT_LINES_QUEUE]; /* lines waiting for their statement */
	int nlines;
	char recompute[IMPORT_RECOMPUTE_MAX][NUMBER_MAX]; /* orders whose total SQL sums */
	int nrecompute;
	struct search_doc docs[IMPORT_SEARCH_BATCH]; /* new orders' documents; titles point into numbers */
	char numbers[IMPORT_SEARCH_BATCH][NUMBER_MAX];
	int ndocs;
};

struct import_orders *import_orders_new(int64_t now)
{
	struct import_orders *o = xcalloc(1, sizeof(*o));
	o->now = now;
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
		KF_BUG("import field longer than validated");
	char *d = *at;
	memcpy(d, s, n + 1);
	*at += n + 1;
	return d;
}

/* ---- search documents ---------------------------------------------------- */

static int flush_docs(struct import_orders *o, struct db *db, struct kf_error *err)
{
	int n = o->ndocs;
	o->ndocs = 0;
	return search_put_many(db, o->docs, n, err);
}

/* Order id was created by this import: its timeline row now, its search document queued. */
static int created(struct import_orders *o, struct db *db, int64_t id, const struct order_in *in,
                   struct kf_error *err)
{
	int rc = timeline_add(db, in->customer_id, o->now, "order", id, in->number, err);
	if (rc == 0 && o->ndocs == IMPORT_SEARCH_BATCH)
		rc = flush_docs(o, db, err);
	if (rc < 0)
		return rc;
	int i = o->ndocs++;
	char *at = o->numbers[i];
	o->docs[i] = (struct search_doc){ "order", id,    0, copy_text(in->number, NUMBER_MAX - 1, &at),
		                          NULL,    o->now };
	return 0;
}

/* ---- orders ---------------------------------------------------------------- */

static void header_copy(struct queued_order *q, const struct order_in *in, int64_t total)
{
	char *at = q->text;
	q->o = *in;
	q->o.number = copy_text(in->number, NUMBER_MAX - 1, &at);
	q->o.shipping_mode = copy_text(in->shipping_mode, 64, &at);
	q->o.shipping_terms = copy_text(in->shipping_terms, 64, &at);
	q->o.currency = copy_text(in->currency, 3, &at);
	q->o.lines = NULL;
	q->o.nlines = 0;
	q->total = total;
}

/* Queued lines of order number learn its id. */
static void lines_learn(struct import_orders *o, const char *number, int64_t id)
{
	for (int i = 0; i < o->nlines; i++)
		if (o->lines[i].order_id == 0 && strcmp(o->lines[i].number, number) == 0)
			o->lines[i].order_id = id;
}

static int flush_orders(struct import_orders *o, struct db *db, struct kf_error *err)
{
	struct order_in in[ORDER_LINES_BATCH] = { 0 };
	int64_t totals[ORDER_LINES_BATCH] = { 0 }, ids[ORDER_LINES_BATCH];
	int n = o->norders, rc = 0;
	if (n == 0)
		return 0;
	o->norders = 0;
	for (int i = 0; i < n; i++) {
		in[i] = o->orders[i].o;
		totals[i] = o->orders[i].total;
	}
	rc = order_insert_many(db, o->now, in, totals, n, ids, err);
	for (int i = 0; i < n && rc == 0; i++) {
		lines_learn(o, in[i].number, ids[i]);
		rc = created(o, db, ids[i], &in[i], err);
	}
	return rc;
}

/* Write the current group's order now, ahead of its group's end (its lines must be written). */
static int write_current(struct import_orders *o, struct db *db, struct kf_error *err)
{
	int64_t zero = 0;
	int rc = order_insert_many(db, o->now, &o->cur.o, &zero, 1, &o->cur_id, err);
	if (rc == 0) {
		lines_learn(o, o->cur.o.number, o->cur_id);
		rc = created(o, db, o->cur_id, &o->cur.o, err);
	}
	return rc;
}

int import_orders_lookup(struct import_orders *o, struct db *db, const char *number, int64_t *id,
                         struct kf_error *err)
{
	for (int i = 0; i < o->norders; i++)
		if (strcmp(o->orders[i].o.number, number) == 0) {
			int rc = flush_orders(o, db, err);
			if (rc < 0)
				return rc;
			break;
		}
	/*
	 * Most lookups find nothing (a new order); without err that costs no
	 * message formatting.  A fault is asked again for its message.
	 */
	int rc = order_id_by_number(db, number, id, NULL);
	if (rc < 0 && rc != KF_ENOTFOUND)
		rc = order_id_by_number(db, number, id, err);
	return rc;
}

void import_orders_begin_new(struct import_orders *o, const struct order_in *in)
{
	header_copy(&o->cur, in, 0);
	o->cur_new = 1;
	o->cur_id = 0;
}

/* ---- lines and totals ------------------------------------------------------ */

/* n queued lines from first, in one statement unless two are the same (order, line_no). */
static int lines_write(struct db *db, const struct queued_line *q, int n, struct kf_error *err)
{
	int64_t ids[ORDER_LINES_BATCH];
	struct order_line_in lines[ORDER_LINES_BATCH];
	int together = n == ORDER_LINES_BATCH;
	for (int i = 0; i < n; i++) {
		if (q[i].order_id <= 0)
			KF_BUG("import: a line is written before its order");
		ids[i] = q[i].order_id;
		lines[i] = q[i].l;
		for (int j = 0; j < i; j++)
			if (ids[j] == ids[i] && lines[j].line_no == lines[i].line_no)
				together = 0;
	}
	if (together)
		return order_lines_put(db, ids, lines, n, err);
	for (int i = 0; i < n; i++) {
		int rc = order_lines_put(db, &ids[i], &lines[i], 1, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Write every queued order and line (the current order first if it has lines queued), then the SQL totals. */
static int flush_lines(struct import_orders *o, struct db *db, struct kf_error *err)
{
	int rc = flush_orders(o, db, err);
	for (int i = 0; i < o->nlines && rc == 0 && o->cur_new && !o->cur_id; i++)
		if (o->lines[i].order_id == 0)
			rc = write_current(o, db, err);
	for (int i = 0; i < o->nlines && rc == 0; i += ORDER_LINES_BATCH) {
		int n = o->nlines - i < ORDER_LINES_BATCH ? o->nlines - i : ORDER_LINES_BATCH;
		rc = lines_write(db, &o->lines[i], n, err);
	}
	o->nlines = 0;
	for (int i = 0; i < o->nrecompute && rc == 0; i++)
		rc = order_update_total_by_number(db, o->recompute[i], o->now, err);
	o->nrecompute = 0;
	return rc;
}

int import_orders_line(struct import_orders *o, struct db *db, int64_t order_id,
                       const struct order_line_in *l, struct kf_error *err)
{
	if (o->nlines == IMPORT_LINES_QUEUE) {
		int rc = flush_lines(o, db, err);
		if (rc < 0)
			return rc;
	}
	struct queued_line *q = &o->lines[o->nlines++];
	char *at = q->text;
	q->order_id = order_id ? order_id : o->cur_id;
	if (!order_id && !o->cur_new)
		KF_BUG("import_orders_line: a line of no order");
	char *num = q->number;
	copy_text(order_id ? "" : o->cur.o.number, NUMBER_MAX - 1, &num);
	q->l = *l;
	q->l.sku = copy_text(l->sku, 64, &at);
	q->l.name = copy_text(l->name, 256, &at);
	q->l.category = copy_text(l->category, 64, &at);
	q->l.substituted_sku = copy_text(l->substituted_sku, 64, &at);
	return 0;
}

int import_orders_recompute(struct import_orders *o, struct db *db, const char *number, struct kf_error *err)
{
	if (o->nrecompute == IMPORT_RECOMPUTE_MAX) {
		int rc = flush_lines(o, db, err);
		if (rc < 0)
			return rc;
	}
	char *at = o->recompute[o->nrecompute++];
	copy_text(number, NUMBER_MAX - 1, &at);
	return 0;
}

int import_orders_end_new(struct import_orders *o, struct db *db, int exact, int64_t total, struct kf_error *err)
{
	int rc = 0;
	if (!o->cur_new)
		KF_BUG("import_orders_end_new: no new order");
	o->cur_new = 0;
	if (o->cur_id && exact && total != 0)
		return order_set_total(db, o->cur_id, total, o->now, err);
	if (!o->cur_id)
		header_copy(&o->orders[o->norders++], &o->cur.o, exact ? total : 0);
	if (!exact)
		rc = import_orders_recompute(o, db, o->cur.o.number, err);
	if (rc == 0 && o->norders == ORDER_LINES_BATCH)
		rc = flush_orders(o, db, err);
	return rc;
}

int import_orders_flush(struct import_orders *o, struct db *db, struct kf_error *err)
{
	int rc = flush_lines(o, db, err);
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
