/*
 * demo_orders.c - a demo customer's orders: lines of real-looking
 * products, one shipment per shipped order with its tracking events in
 * the status model (info_received -> in_transit -> out_for_delivery ->
 * delivered, with failed attempts, pickup points, exceptions and expired
 * tracking now and then), late parcels with their delay notices, and the
 * pending "shipment_eta" job of every parcel still on its way.  Writes
 * logistics' tables, the timeline, delay notices and jobs directly as
 * bulk rows (see demo.h), the search documents through search_load_add.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "demo/demo_int.h"
#include "logistics/delay.h"
#include "store/db.h"
#include "store/search.h"

#define MAX_LINES 3
#define MAX_EVENTS 10
#define HOUR 3600

static const char *const warehouses[] = { "上海市", "广州市", "杭州市", "北京市", "武汉市", "成都市" };

struct line {
	const struct demo_product *p;
	int64_t qty, price;
};

struct event {
	int64_t at;
	const char *status, *location, *description;
};

/* What happens to one parcel, decided before anything is written. */
struct parcel {
	const struct demo_carrier *carrier;
	char number[DEMO_CONTACT_MAX];
	const char *origin, *destination;
	int64_t shipped_at, eta_at, delivered_at; /* delivered_at 0 = not (yet) */
	struct event ev[MAX_EVENTS];
	int nev;
	const char *exception; /* the exception's description, NULL = none */
	int exc; /* the index of the exception event in ev */
};

static void add_event(struct parcel *p, int64_t at, const char *status, const char *loc, const char *desc)
{
	if (p->nev < MAX_EVENTS)
		p->ev[p->nev++] = (struct event){ at, status, loc, desc };
}

static const char *const exceptions[] = { "收件人电话无法接通，包裹滞留网点", "外包装破损，暂扣待处理",
	                                  "地址不详，等待客户确认", "天气原因，航班延误" };

/*
 * The events of a parcel up to now, and whether it was delivered: about
 * three for most (picked up, out for delivery, delivered), with the
 * label printed before pickup, a stop at a hub, failed attempts, pickup
 * points, exceptions and expired tracking now and then.
 */
static void plan_events(struct demo_rng *r, int64_t now, struct parcel *p)
{
	int64_t t = p->shipped_at, transit = demo_rng_range(r, 1, 3) * DEMO_DAY + demo_rng_below(r, 8 * HOUR);
	int late = demo_rng_chance(r, 8), fate = (int)demo_rng_below(r, 100);
	if (late)
		transit += demo_rng_range(r, 2, 5) * DEMO_DAY;
	int64_t pickup = t;
	if (demo_rng_chance(r, 10)) {
		add_event(p, t, "info_received", p->origin, "商家已发货，等待揽收");
		pickup = t + 4 * HOUR;
	}
	add_event(p, pickup, "in_transit", p->origin, "快件已揽收，发往分拨中心");
	if (fate < 2 && t + 20 * HOUR < now) { /* lost in the network: the carrier goes quiet */
		add_event(p, t + 20 * HOUR, "in_transit", p->origin, "快件已到达分拨中心");
		if (t + 15 * DEMO_DAY < now)
			add_event(p, t + 15 * DEMO_DAY, "expired", "", "长时间无物流更新");
		return;
	}
	int64_t hub = t + transit / 2, out = t + transit - 3 * HOUR;
	if (fate < 5 || demo_rng_chance(r, 10))
		add_event(p, hub, "in_transit", p->destination, "快件已到达转运中心");
	if (fate < 5) {
		p->exception = exceptions[demo_rng_below(r, 4)];
		p->exc = p->nev;
		add_event(p, hub + 6 * HOUR, "exception", p->destination, p->exception);
		out += 2 * DEMO_DAY;
		add_event(p, out - 6 * HOUR, "in_transit", p->destination, "问题已处理，继续派送");
	}
	add_event(p, out, "out_for_delivery", p->destination, "快递员正在派送");
	int64_t done = out + 3 * HOUR;
	if (fate >= 5 && fate < 9) {
		add_event(p, out + 2 * HOUR, "failed_attempt", p->destination, "派送未成功：家中无人");
		add_event(p, out + DEMO_DAY - 2 * HOUR, "out_for_delivery", p->destination, "再次派送");
		done = out + DEMO_DAY;
	} else if (fate >= 9 && fate < 13) {
		add_event(p, out + 2 * HOUR, "available_for_pickup", p->destination,
		          "已放入快递柜/驿站，请凭取件码取件");
		done = out + demo_rng_range(r, 5, 30) * HOUR;
	}
	add_event(p, done, "delivered", p->destination, "已签收，感谢使用");
	/* What has not happened yet is not there. */
	while (p->nev > 0 && p->ev[p->nev - 1].at > now)
		p->nev--;
	if (p->nev > 0 && strcmp(p->ev[p->nev - 1].status, "delivered") == 0)
		p->delivered_at = done;
	if (p->exception && p->nev <= p->exc)
		p->exception = NULL;
}

static int write_events(struct demo_gen *g, int64_t id, const struct parcel *p, struct kf_error *err)
{
	for (int i = 0; i < p->nev; i++) {
		const struct event *e = &p->ev[i];
		int rc = demo_put(g, DT_TRACKING,
		                  DB_ARGS(db_int(id), db_int(e->at), db_text(e->status), db_text(e->location),
		                          db_text(e->description), db_text("api"), db_int(e->at)),
		                  &g->c->tracking_events, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A delay notice with its timeline row, as logistics/delay.c's delay_raise writes it. */
static int notice(struct demo_gen *g, int64_t shipment, int64_t customer, const char *reason,
                  const char *detail, int64_t eta_at, int64_t at, struct kf_error *err)
{
	char summary[200];
	int64_t id = g->next_notice++;
	int rc = demo_put(g, DT_NOTICES,
	                  DB_ARGS(db_int(id), db_int(shipment), db_int(customer), db_text(reason),
	                          db_text(detail), db_int(eta_at), db_int(at)),
	                  &g->c->delay_notices, err);
	snprintf(summary, sizeof(summary), "%s: %s", reason, detail);
	return rc < 0 ? rc : demo_timeline(g, customer, at, "delay_notice", id, summary, err);
}

/* The notices and the job that follow from the parcel's state now. */
static int aftermath(struct demo_gen *g, int64_t id, int64_t customer, const struct parcel *p,
                     struct demo_order *o, struct kf_error *err)
{
	char detail[160];
	int rc = 0;
	if (p->exception)
		rc = notice(g, id, customer, "exception", p->exception, p->eta_at, p->ev[p->exc].at, err);
	const char *last = p->nev ? p->ev[p->nev - 1].status : "pending";
	int open = !p->delivered_at && strcmp(last, "expired") != 0;
	if (rc == 0 && open && p->eta_at <= g->now) {
		snprintf(detail, sizeof(detail), "%s not delivered by its ETA", p->number);
		rc = notice(g, id, customer, "eta_passed", detail, p->eta_at, p->eta_at + 300, err);
		o->late = 1;
	}
	/* jobs/job.c's job_schedule of logistics/delay.h's DELAY_JOB_KIND */
	if (rc == 0 && open && p->eta_at > g->now)
		rc = demo_put(g, DT_JOBS,
		              DB_ARGS(db_text(DELAY_JOB_KIND), db_int(id), db_int(p->eta_at),
		                      db_int(p->shipped_at), db_int(p->shipped_at)),
		              &g->c->jobs, err);
	if (p->delivered_at > p->eta_at)
		o->late = 1;
	return rc;
}

/* Decide the parcel of order o (carrier, number, events up to now). */
static void plan_parcel(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu,
                        const struct demo_order *o, struct parcel *p)
{
	memset(p, 0, sizeof(*p));
	p->carrier = demo_carrier(r);
	demo_tracking_number(p->carrier, g->ship_serial++, p->number);
	p->origin = warehouses[demo_rng_below(r, 6)];
	p->destination = cu->place->city;
	p->shipped_at = o->placed_at + demo_rng_range(r, 2 * HOUR, 30 * HOUR);
	p->eta_at = p->shipped_at + (strcmp(p->carrier->mode, "express") == 0 ? 2 : 3) * DEMO_DAY;
	plan_events(r, g->now, p);
}

static int write_parcel(struct demo_gen *g, const struct demo_customer *cu, struct demo_order *o,
                        const struct parcel *p, struct kf_error *err)
{
	const struct event *last = &p->ev[p->nev - 1];
	o->shipment_id = g->next_shipment++;
	int rc = demo_put(g, DT_SHIPMENTS,
	                  DB_ARGS(db_int(o->shipment_id), db_int(o->id), db_int(cu->id),
	                          db_text(p->carrier->name), db_text(p->number), db_text(p->carrier->mode),
	                          db_text(last->status), db_int(last->at), db_text(p->origin),
	                          db_text(p->destination), db_int(p->shipped_at), db_int(p->eta_at),
	                          p->delivered_at ? db_int(p->delivered_at) : db_null(),
	                          db_int(p->shipped_at), db_int(last->at), db_int(1 + p->nev)),
	                  &g->c->shipments, err);
	if (rc == 0)
		rc = write_events(g, o->shipment_id, p, err);
	if (rc == 0)
		rc = demo_timeline(g, cu->id, p->shipped_at, "shipment", o->shipment_id, p->number, err);
	return rc == 0 ? aftermath(g, o->shipment_id, cu->id, p, o, err) : rc;
}

/* 1-3 lines of different products; quantities mostly 1. */
static int plan_lines(struct demo_rng *r, int english_rich, struct line *l)
{
	int n = demo_rng_chance(r, 55) ? 1 : demo_rng_chance(r, 65) ? 2 : 3;
	for (int i = 0; i < n; i++) {
		l[i].p = demo_product(r);
		for (int j = 0; j < i; j++)
			if (l[j].p == l[i].p)
				l[i].p = demo_product(r); /* a rare repeat is harmless */
		l[i].qty = demo_rng_chance(r, 75) ? 1 : demo_rng_range(r, 2, 3 + english_rich);
		l[i].price = demo_rng_chance(r, 20) ? l[i].p->price_minor * 9 / 10 : l[i].p->price_minor;
	}
	return n;
}

static int write_lines(struct demo_gen *g, struct demo_order *o, const struct line *l, int n, int shipped,
                       int delivered, int english, struct buf *text, struct kf_error *err)
{
	for (int i = 0; i < n; i++) {
		int64_t id = g->next_line++;
		const char *name = english ? l[i].p->name_en : l[i].p->name_zh;
		int rc = demo_put(g, DT_LINES,
		                  DB_ARGS(db_int(id), db_int(o->id), db_int(i + 1), db_text(l[i].p->sku),
		                          db_text(name), db_text(l[i].p->category), db_int(l[i].qty),
		                          db_int(shipped ? l[i].qty : 0), db_int(delivered ? l[i].qty : 0),
		                          db_int(l[i].price)),
		                  &g->c->order_lines, err);
		if (rc < 0)
			return rc;
		buf_addf(text, " %s %s", l[i].p->sku, name);
		if (i == 0) {
			o->line_id = id;
			o->line_qty = l[i].qty;
			o->line_price = l[i].price;
		}
	}
	return 0;
}

/* The status and version of an order (1 + its status changes: shipped, delivered, completed). */
static const char *order_status(const struct demo_gen *g, const struct demo_order *o, int cancelled,
                                int shipped, int64_t *version)
{
	if (cancelled)
		return *version = 2, "cancelled";
	if (!shipped)
		return *version = 1, "open";
	if (!o->delivered_at)
		return *version = 2, "shipped";
	if (o->delivered_at + 15 * DEMO_DAY < g->now)
		return *version = 4, "completed";
	return *version = 3, "delivered";
}

static int insert_order(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu,
                        struct demo_order *o, const char *status, int64_t version, int64_t updated,
                        struct kf_error *err)
{
	const char *mode = demo_rng_chance(r, 30) ? "次日达" : "标准快递";
	return demo_put(g, DT_ORDERS,
	                DB_ARGS(db_int(o->id), db_text(o->number), db_int(cu->id), db_text(status),
	                        db_int(o->placed_at), db_int(o->placed_at + 3 * DEMO_DAY), db_text(mode),
	                        db_text(cu->english ? "DAP" : ""), db_int(o->total_minor),
	                        db_int(o->placed_at), db_int(updated), db_int(version)),
	                &g->c->orders, err);
}

static int one_order(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu,
                     struct demo_order *o, struct kf_error *err)
{
	struct line l[MAX_LINES];
	struct parcel p;
	struct buf text = BUF_INIT;
	int64_t version, span = g->now - cu->created_at;
	char day[11];
	memset(o, 0, sizeof(*o));
	o->id = g->next_order++;
	o->placed_at = g->now -
	        (int64_t)demo_rng_below(r, (uint64_t)(span < 365 * DEMO_DAY ? span : 365 * DEMO_DAY));
	int cancelled = demo_rng_chance(r, 4);
	int shipped = !cancelled && o->placed_at + 30 * HOUR < g->now;
	int n = plan_lines(r, cu->tier == 'A', l);
	demo_date(o->placed_at, day);
	snprintf(o->number, sizeof(o->number), "DD%.4s%.2s%.2s%08lld", day, day + 5, day + 8,
	         (long long)demo_scramble(g->order_serial++, 8));
	o->product = l[0].p;
	for (int i = 0; i < n; i++)
		o->total_minor += l[i].qty * l[i].price;
	if (shipped) {
		plan_parcel(g, r, cu, o, &p);
		o->delivered_at = p.delivered_at;
		o->carrier = p.carrier->name;
		str_copy(o->tracking, sizeof(o->tracking), p.number);
	}
	const char *status = order_status(g, o, cancelled, shipped, &version);
	int64_t updated = o->delivered_at ? o->delivered_at : shipped ? p.shipped_at : o->placed_at;
	int rc = insert_order(g, r, cu, o, status, version, updated, err);
	if (rc == 0)
		rc = write_lines(g, o, l, n, shipped, o->delivered_at != 0, cu->english, &text, err);
	if (rc == 0 && shipped)
		rc = write_parcel(g, cu, o, &p, err);
	if (rc == 0)
		rc = demo_timeline(g, cu->id, o->placed_at, "order", o->id, o->number, err);
	if (rc == 0)
		rc = search_load_add(g->search, "order", o->id, 0, o->number, buf_cstr(&text), o->placed_at,
		                     err);
	buf_release(&text);
	g->c->search_docs += rc == 0;
	return rc;
}

int demo_orders_write(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu, int n,
                      struct demo_order *out, struct kf_error *err)
{
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = one_order(g, r, cu, &out[i], err);
	return rc;
}
