/*
 * demo_tickets.c - a demo customer's tickets: every type, every state,
 * with a conversation (the customer's message, the agent's replies, an
 * internal note) from demo_text.c, its "create" event and the event of
 * its last state change, the complaint, return and claim records of its process, the
 * timeline row and the search document ticket_create writes.  Writes
 * desk's tables directly (see demo.h); the queue counters are summed in
 * struct demo_gen and written at the end by demo.c.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "demo/demo_int.h"
#include "demo/demo_text.h"
#include "base/tz.h"
#include "desk/calendar.h"
#include "desk/ticket.h"
#include "store/db.h"
#include "store/search.h"

#define MIN 60
#define HOUR 3600

/* One ticket, decided before anything is written. */
struct plan {
	const char *type;
	enum ticket_state state;
	const struct demo_script *s;
	const struct demo_order *o; /* NULL = about no order */
	const struct demo_agent *agent; /* NULL = unassigned */
	int team; /* index into g->team_ids */
	const char *priority, *channel, *lang;
	int prio; /* the index of priority, tickets.prio */
	int64_t t0, reply, follow, close, resolved, closed, updated, first_response;
	int64_t again, again_answered; /* the customer's message after the first reply, and its answer */
	int winback; /* a win-back care call the demo made for a lapsed customer */
	struct demo_vars v;
	char subject[TEXTLEN_BYTES(TICKET_SUBJECT_MAX)];
};

static const char *const priorities[] = { "low", "normal", "high", "urgent" };

/* Never in the future: a minute before "today" at the latest. */
static int64_t past(const struct demo_gen *g, int64_t t)
{
	return t < g->now - MIN ? t : g->now - MIN;
}

/* The ticket types and how often each is drawn (percent). */
static const struct {
	const char *type;
	int weight;
} types[DEMO_TYPES] = { { "inquiry", 38 },   { "complaint", 15 }, { "return", 12 }, { "claim", 7 },
	                { "suggestion", 6 }, { "follow_up", 12 }, { "care", 10 } };

static const char *pick_type(struct demo_rng *r)
{
	int v = (int)demo_rng_below(r, 100);
	for (int i = 0; i < DEMO_TYPES; i++) {
		if (v < types[i].weight)
			return types[i].type;
		v -= types[i].weight;
	}
	return "inquiry";
}

static int type_index(const char *type)
{
	for (int i = 0; i < DEMO_TYPES; i++)
		if (strcmp(types[i].type, type) == 0)
			return i;
	KF_BUG("a ticket type that is not in the table");
	return 0;
}

/*
 * Until every type has been seen in every state, a ticket takes the first
 * combination still missing that its customer can have (a return needs a
 * delivered order, a claim a shipped one), so that even a small data set
 * shows them all.  Draws nothing: the random stream stays the same.
 */
static void cover(const struct demo_gen *g, const struct demo_order *o, int n, const char **type,
                  enum ticket_state *state)
{
	int shipped = 0, delivered = 0;
	if (g->ncovered == DEMO_TYPES * TS_COUNT)
		return;
	for (int i = 0; i < n; i++) {
		shipped |= o[i].shipment_id != 0;
		delivered |= o[i].delivered_at != 0;
	}
	for (int t = 0; t < DEMO_TYPES; t++) {
		if ((t == 2 && !delivered) || (t == 3 && !shipped) || (t == 5 && !g->last_complaint))
			continue;
		for (int st = 0; st < TS_COUNT; st++) {
			if (!g->covered[t][st]) {
				*type = types[t].type;
				*state = (enum ticket_state)st;
				return;
			}
		}
	}
}

static enum ticket_state pick_state(struct demo_rng *r)
{
	static const int w[TS_COUNT] = { 6, 10, 7, 5, 12, 60 };
	int v = (int)demo_rng_below(r, 100);
	for (int s = 0; s < TS_COUNT; s++) {
		if (v < w[s])
			return (enum ticket_state)s;
		v -= w[s];
	}
	return TS_CLOSED;
}

/* An order to talk about, preferring shipped ones (delivered ones for returns). */
static const struct demo_order *pick_order(struct demo_rng *r, const struct demo_order *o, int n, int delivered)
{
	if (n == 0)
		return NULL;
	int start = (int)demo_rng_below(r, (uint64_t)n);
	for (int i = 0; i < n; i++) {
		const struct demo_order *c = &o[(start + i) % n];
		if (delivered ? c->delivered_at != 0 : c->shipment_id != 0)
			return c;
	}
	return delivered ? NULL : &o[start];
}

/* The team of a ticket: pre-sales, after-sales, logistics, the English desk. */
static int team_of(const struct plan *p)
{
	if (strcmp(p->lang, "en") == 0)
		return 3;
	if (strcmp(p->type, "complaint") == 0)
		return 1; /* complaints are after-sales' whatever they are about */
	if (strcmp(p->type, "claim") == 0 || p->s->category_id == 25 || p->s->category_id == 7)
		return 2;
	if (strcmp(p->type, "inquiry") == 0 || strcmp(p->type, "suggestion") == 0)
		return 0;
	return 1;
}

static void pick_agent(struct demo_gen *g, struct demo_rng *r, struct plan *p)
{
	int start = (int)demo_rng_below(r, (uint64_t)g->nagents);
	p->agent = NULL;
	if (p->state == TS_NEW && demo_rng_chance(r, 50))
		return; /* not routed yet */
	for (int i = 0; i < g->nagents; i++)
		if (g->agents[(start + i) % g->nagents].team == p->team)
			p->agent = &g->agents[(start + i) % g->nagents];
}

/* When things happened: open tickets are recent, finished ones anywhere in the past. */
static void plan_times(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu, struct plan *p)
{
	int done = p->state == TS_RESOLVED || p->state == TS_CLOSED;
	if (!done) {
		p->t0 = g->now - demo_rng_range(r, 10 * MIN, p->state == TS_NEW ? 20 * HOUR : 6 * DEMO_DAY);
	} else {
		int64_t base = p->winback ? g->now - demo_rng_range(r, 5, 80) * DEMO_DAY
		        : p->o            ? (p->o->delivered_at ? p->o->delivered_at : p->o->placed_at)
		                          : g->now - demo_rng_range(r, 3, 365) * DEMO_DAY;
		p->t0 = base + demo_rng_range(r, HOUR, 5 * DEMO_DAY);
		if (p->t0 > g->now - 3 * DEMO_DAY)
			p->t0 = g->now - 3 * DEMO_DAY - (int64_t)demo_rng_below(r, DEMO_DAY);
	}
	if (p->t0 < cu->created_at)
		p->t0 = cu->created_at + HOUR;
	p->reply = past(g, p->t0 + demo_rng_range(r, 5 * MIN, 6 * HOUR));
	p->follow = past(g, p->reply + demo_rng_range(r, 10 * MIN, DEMO_DAY));
	p->close = past(g, p->follow + demo_rng_range(r, 10 * MIN, DEMO_DAY));
	p->resolved = done ? p->close + MIN : 0;
	p->closed = p->state == TS_CLOSED ? past(g, p->resolved + demo_rng_range(r, 2, 7) * DEMO_DAY) : 0;
}

static void plan_ticket(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu,
                        const struct demo_order *orders, int norders, int winback, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->type = pick_type(r);
	p->state = pick_state(r);
	p->winback = winback;
	if (winback) {
		p->type = "care";
		p->state = TS_CLOSED;
	} else {
		cover(g, orders, norders, &p->type, &p->state);
	}
	if (strcmp(p->type, "follow_up") == 0 && !g->last_complaint)
		p->type = "inquiry"; /* a follow-up call is about a complaint */
	p->lang = cu->english ? "en" : "zh";
	p->o = pick_order(r, orders, norders, strcmp(p->type, "return") == 0);
	if ((strcmp(p->type, "return") == 0 && !p->o) ||
	    (strcmp(p->type, "claim") == 0 && (!p->o || !p->o->shipment_id)))
		p->type = "inquiry";
	if (strcmp(p->type, "care") == 0 || strcmp(p->type, "suggestion") == 0)
		p->o = NULL;
	p->s = winback ? demo_winback_script(p->lang) : demo_script(r, p->type, p->lang);
	p->team = team_of(p);
	pick_agent(g, r, p);
	int prio = strcmp(p->type, "complaint") == 0 || strcmp(p->type, "claim") == 0 ? 2 : 1;
	if (prio == 2 && demo_rng_chance(r, 60))
		prio = cu->tier == 'A' && demo_rng_chance(r, 20) ? 3 : 1;
	if (prio == 1 && demo_rng_chance(r, 10))
		prio = 0;
	p->prio = prio;
	p->priority = priorities[prio];
	static const char *const channels[] = { "email", "web_form", "chat", "phone", "social", "portal" };
	int system = strcmp(p->type, "care") == 0 || strcmp(p->type, "follow_up") == 0;
	p->channel = system ? "system" : channels[demo_rng_below(r, 6)];
	plan_times(g, r, cu, p);
	p->v = (struct demo_vars){ p->o ? p->o->number : "",
		                   p->o ? p->o->tracking : "",
		                   p->o ? (cu->english ? p->o->product->name_en : p->o->product->name_zh) : "",
		                   p->o && p->o->carrier ? p->o->carrier : "",
		                   cu->person.name,
		                   p->agent ? p->agent->display : g->agents[0].display };
	demo_expand(p->s->subject, &p->v, p->subject, sizeof(p->subject));
}

static struct db_arg opt(int64_t v)
{
	return v > 0 ? db_int(v) : db_null();
}

/* The version a ticket has after its history: created, first reply, each state change. */
static int64_t version_of(const struct plan *p, int nstates)
{
	return 1 + (p->first_response ? 1 : 0) + nstates;
}

static int insert_ticket(struct demo_gen *g, const struct demo_customer *cu, const struct plan *p,
                         int nstates, int64_t *id, struct kf_error *err)
{
	int phone = strcmp(p->channel, "phone") == 0 && p->agent;
	*id = g->next_ticket++;
	return demo_put(g, DT_TICKETS,
	                DB_ARGS(db_int(*id), db_text(p->type), db_text(ticket_state_name(p->state)),
	                        db_text(p->priority), db_int(p->prio), opt(p->s->category_id),
	                        db_text(p->channel), db_text(p->subject), db_int(cu->id),
	                        opt(p->o ? p->o->id : 0), opt(p->o ? p->o->shipment_id : 0),
	                        db_int(g->team_ids[p->team]), opt(p->agent ? p->agent->id : 0), db_text(p->lang),
	                        db_text(phone ? "staff" : "system"), db_int(phone ? p->agent->id : 0),
	                        db_int(p->t0), db_int(p->updated), opt(p->first_response), opt(p->resolved),
	                        opt(p->closed), db_int(version_of(p, nstates))),
	                NULL, err);
}

static int message(struct demo_gen *g, int64_t id, const char *kind, const char *author_kind,
                   int64_t author_id, const char *author, const char *tmpl, const struct plan *p, int64_t at,
                   struct kf_error *err)
{
	char body[DEMO_TEXT_MAX];
	demo_expand(tmpl, &p->v, body, sizeof(body));
	return demo_put(g, DT_MESSAGES,
	                DB_ARGS(db_int(id), db_text(kind), db_text(author_kind), db_int(author_id),
	                        db_text(author), db_text(body), db_int(at)),
	                &g->c->messages, err);
}

static int staff_says(struct demo_gen *g, int64_t id, const char *kind, const char *tmpl,
                      const struct plan *p, int64_t at, struct kf_error *err)
{
	const struct demo_agent *a = p->agent ? p->agent : &g->agents[0];
	return message(g, id, kind, "staff", a->id, a->display, tmpl, p, at, err);
}

/*
 * The conversation so far, by state.  Complaints and claims get the whole
 * exchange (the customer's message, the reply, an internal note now and
 * then, the customer's answer and the closing reply); the other tickets
 * mostly the message and its reply, now and then the rest too.
 */
static int conversation(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu, int64_t id,
                        struct plan *p, struct kf_error *err)
{
	int system = strcmp(p->channel, "system") == 0;
	int done = p->state == TS_RESOLVED || p->state == TS_CLOSED;
	int full = strcmp(p->type, "complaint") == 0 || strcmp(p->type, "claim") == 0;
	int rc = system
	        ? message(g, id, "note", "system", 0, "kefu", p->s->opening, p, p->t0, err)
	        : message(g, id, "customer", "customer", 0, cu->person.name, p->s->opening, p, p->t0, err);
	if (rc < 0 || p->state == TS_NEW)
		return rc;
	rc = staff_says(g, id, "public", p->s->reply, p, p->reply, err);
	if (rc == 0 && (p->state == TS_PENDING_INTERNAL || (done && full && demo_rng_chance(r, 40))))
		rc = staff_says(g, id, "note", p->s->note, p, p->reply + MIN, err);
	int talk = done && (full || demo_rng_chance(r, 10));
	if (rc == 0 && (talk || (p->state == TS_OPEN && demo_rng_chance(r, 50)))) {
		rc = message(g, id, "customer", system ? "staff" : "customer", 0, cu->person.name,
		             p->s->followup, p, p->follow, err);
		p->again = system ? 0 : p->follow;
	}
	if (rc == 0 && talk) {
		rc = staff_says(g, id, "public", p->s->closing, p, p->close, err);
		p->again_answered = p->again ? p->close : 0;
	}
	return rc;
}

static int event(struct demo_gen *g, int64_t id, const struct plan *p, int64_t at, const char *action,
                 const char *before, const char *after, struct kf_error *err)
{
	const struct demo_agent *a = p->agent ? p->agent : &g->agents[0];
	return demo_put(g, DT_EVENTS,
	                DB_ARGS(db_int(id), db_int(at), db_text("staff"), db_int(a->id), db_text(a->username),
	                        db_text(action), db_text(before), db_text(after)),
	                &g->c->ticket_events, err);
}

static int state_event(struct demo_gen *g, int64_t id, const struct plan *p, int64_t at,
                       enum ticket_state from, enum ticket_state to, struct kf_error *err)
{
	char b[48], a[48];
	snprintf(b, sizeof(b), "{\"state\":\"%s\"}", ticket_state_name(from));
	snprintf(a, sizeof(a), "{\"state\":\"%s\"}", ticket_state_name(to));
	return event(g, id, p, at, "state", b, a, err);
}

/* ,"key":v, or "key":null for v <= 0 (ticket.c's id_json). */
static void json_id(struct buf *b, const char *key, int64_t v)
{
	if (v > 0)
		buf_addf(b, ",\"%s\":%lld", key, (long long)v);
	else
		buf_addf(b, ",\"%s\":null", key);
}

static void json_str(struct buf *b, const char *key, const char *v)
{
	buf_addf(b, ",\"%s\":", key);
	buf_add_json_str(b, v, strlen(v));
}

void demo_ticket_json(const struct ticket *t, struct buf *out)
{
	char num[24];
	ticket_number(t->id, num, sizeof(num));
	if (t->assignee_id > 0)
		buf_addf(out, "{\"assignee_id\":%lld", (long long)t->assignee_id);
	else
		buf_adds(out, "{\"assignee_id\":null");
	json_id(out, "category_id", t->category_id);
	json_str(out, "channel", t->channel);
	json_id(out, "closed_at", t->closed_at);
	buf_addf(out, ",\"created_at\":%lld,\"created_by_id\":%lld", (long long)t->created_at,
	         (long long)t->created_by_id);
	json_str(out, "created_by_kind", t->created_by_kind);
	json_id(out, "customer_id", t->customer_id);
	json_id(out, "first_response_at", t->first_response_at);
	buf_addf(out, ",\"id\":%lld", (long long)t->id);
	json_str(out, "language", t->language);
	json_id(out, "merged_into_id", t->merged_into_id);
	json_str(out, "number", num);
	json_id(out, "order_id", t->order_id);
	json_str(out, "priority", t->priority);
	json_id(out, "resolved_at", t->resolved_at);
	json_id(out, "shipment_id", t->shipment_id);
	json_str(out, "state", ticket_state_name(t->state));
	json_str(out, "subject", t->subject);
	json_id(out, "team_id", t->team_id);
	json_str(out, "type", t->type);
	buf_addf(out, ",\"updated_at\":%lld,\"version\":%lld}", (long long)t->updated_at,
	         (long long)t->version);
}

/* The "create" event carries the ticket as it was created, like ticket_create's. */
static int create_event(struct demo_gen *g, const struct demo_customer *cu, int64_t id, const struct plan *p,
                        struct kf_error *err)
{
	struct ticket t;
	struct buf j = BUF_INIT;
	memset(&t, 0, sizeof(t));
	t.id = id;
	str_copy(t.type, sizeof(t.type), p->type);
	t.state = TS_NEW;
	str_copy(t.priority, sizeof(t.priority), p->priority);
	t.category_id = p->s->category_id;
	str_copy(t.channel, sizeof(t.channel), p->channel);
	str_copy(t.subject, sizeof(t.subject), p->subject);
	t.customer_id = cu->id;
	t.order_id = p->o ? p->o->id : 0;
	t.shipment_id = p->o ? p->o->shipment_id : 0;
	str_copy(t.language, sizeof(t.language), p->lang);
	snprintf(t.created_by_kind, sizeof(t.created_by_kind), "system");
	t.created_at = t.updated_at = p->t0;
	t.version = 1;
	demo_ticket_json(&t, &j);
	int rc = demo_put(g, DT_EVENTS,
	                  DB_ARGS(db_int(id), db_int(p->t0), db_text("system"), db_int(0), db_text("kefu"),
	                          db_text("create"), db_null(), db_textn(buf_cstr(&j), j.len)),
	                  &g->c->ticket_events, err);
	buf_release(&j);
	return rc;
}

/* The state path new -> open -> (pending_*) | resolved (-> closed); returns the number of hops. */
static int state_path(const struct plan *p, enum ticket_state path[4], int64_t at[4])
{
	int n = 0;
	if (p->state == TS_NEW)
		return 0;
	path[n] = TS_OPEN, at[n++] = p->reply;
	if (p->state == TS_PENDING_CUSTOMER)
		path[n] = TS_PENDING_CUSTOMER, at[n++] = p->reply + 30;
	if (p->state == TS_PENDING_INTERNAL)
		path[n] = TS_PENDING_INTERNAL, at[n++] = p->reply + MIN + 30;
	if (p->state == TS_RESOLVED || p->state == TS_CLOSED)
		path[n] = TS_RESOLVED, at[n++] = p->resolved;
	if (p->state == TS_CLOSED)
		path[n] = TS_CLOSED, at[n++] = p->closed;
	return n;
}

/* The "create" event and the last state change (the one into the ticket's state now). */
static int events(struct demo_gen *g, const struct demo_customer *cu, int64_t id, const struct plan *p,
                  const enum ticket_state *path, const int64_t *at, int n, struct kf_error *err)
{
	int rc = create_event(g, cu, id, p, err);
	if (rc == 0 && n > 0)
		rc = state_event(g, id, p, at[n - 1], n > 1 ? path[n - 2] : TS_NEW, path[n - 1], err);
	return rc;
}

/* ---- the processes ---- */

static int complaint_row(struct demo_gen *g, struct demo_rng *r, int64_t id, const struct plan *p,
                         struct kf_error *err)
{
	static const char *const steps[] = { "received", "initial_handling", "investigation",
		                             "solution", "implementation",   "archived" };
	int step = p->state == TS_OPEN            ? 1 + (int)demo_rng_below(r, 2)
	        : p->state == TS_PENDING_CUSTOMER ? 3
	        : p->state == TS_PENDING_INTERNAL ? 2
	        : p->state == TS_RESOLVED         ? 4
	                                          : 5;
	const struct demo_rca *rca = demo_rca(p->s->category_id);
	int solved = step >= 3, done = step >= 4, closed = step == 5;
	int64_t comp = solved && demo_rng_chance(r, 40) ? demo_rng_range(r, 1, 10) * 1000 : 0;
	return demo_put(
	        g, DT_COMPLAINTS,
	        DB_ARGS(db_int(id), db_text(steps[step]), db_int(p->reply), db_int(p->reply),
	                opt(p->s->category_id), db_text(step >= 2 ? p->s->note : NULL),
	                db_text(solved ? rca->root_cause : NULL), db_text(solved ? rca->department : NULL),
	                db_text(solved ? rca->solution : NULL), db_int(comp), opt(done ? p->resolved : 0),
	                db_text(closed ? "accepted" : NULL), opt(closed ? p->closed : 0),
	                opt(done ? p->resolved : 0), opt(closed ? p->closed : 0), db_int(p->reply),
	                db_int(p->updated), db_int(1 + step)),
	        &g->c->complaints, err);
}

static int return_row(struct demo_gen *g, struct demo_rng *r, int64_t id, const struct plan *p,
                      struct kf_error *err)
{
	int exchange = p->s->category_id == 20, rejected = demo_rng_chance(r, 8);
	int done = p->state == TS_RESOLVED || p->state == TS_CLOSED;
	int stage = done ? 3 : p->state == TS_PENDING_INTERNAL ? 2 : 1; /* authorised, received, final */
	const char *status = stage == 1 ? "authorised"
	        : stage == 2            ? "received"
	        : rejected              ? "rejected"
	        : exchange              ? "exchanged"
	                                : "refunded";
	char rtn[DEMO_CONTACT_MAX];
	snprintf(rtn, sizeof(rtn), "SF1%012lld", (long long)demo_scramble(g->ship_serial++, 12));
	int64_t value = p->o->line_price, rid = g->next_return++;
	int refunded = strcmp(status, "refunded") == 0;
	int rc = demo_put(
	        g, DT_RETURNS,
	        DB_ARGS(db_int(rid), db_int(id), db_int(p->o->id), db_text(p->subject),
	                db_text(exchange ? "exchange" : "refund"), db_text(status),
	                db_text(stage >= 2 ? rtn : NULL), db_text(done ? (rejected ? "used" : "ok") : NULL),
	                db_text(done ? (rejected ? "商品已使用，不符合退货条件" : "商品完好，吊牌齐全") : NULL),
	                refunded ? db_int(value) : db_null(), db_int(value), db_int(p->o->delivered_at),
	                db_int(p->o->delivered_at + 7 * DEMO_DAY), db_int(p->reply), db_int(p->updated),
	                db_int(1 + stage + (done ? 1 : 0))),
	        &g->c->returns, err);
	if (rc == 0)
		rc = demo_put(g, DT_RETURN_LINES,
		              DB_ARGS(db_int(rid), db_int(p->o->line_id), db_int(1), db_int(value)), NULL, err);
	return rc;
}

static int claim_row(struct demo_gen *g, struct demo_rng *r, int64_t id, const struct plan *p,
                     struct kf_error *err)
{
	int cat = p->s->category_id, done = p->state == TS_RESOLVED || p->state == TS_CLOSED;
	int v = (int)demo_rng_below(r, 10);
	const char *decision = !done ? "pending"
	        : v < 7              ? "approved"
	        : v < 9              ? "partially_approved"
	                             : "rejected";
	int64_t declared = p->o->total_minor;
	int64_t payout = !done ? 0 : v < 7 ? declared : v < 9 ? declared / 2 : 0;
	const char *recovery = payout == 0 ? "none" : demo_rng_chance(r, 50) ? "recovered" : "claimed";
	const struct demo_agent *a = p->agent ? p->agent : &g->agents[0];
	return demo_put(g, DT_CLAIMS,
	                DB_ARGS(db_int(id), db_int(p->o->shipment_id),
	                        db_text(cat == 10          ? "loss"
	                                        : cat == 6 ? "late"
	                                                   : "damage"),
	                        db_int(declared), db_text(decision),
	                        db_text(!done           ? NULL
	                                        : v < 9 ? "凭证齐全，承运商责任"
	                                                : "凭证不足，无法认定运输损坏"),
	                        db_int(payout), db_int(strcmp(recovery, "recovered") == 0 ? payout : 0),
	                        db_text(recovery), opt(done ? a->id : 0), opt(done ? p->resolved : 0),
	                        db_int(p->reply), db_int(p->updated), db_int(done ? 2 : 1)),
	                &g->c->claims, err);
}

static int process(struct demo_gen *g, struct demo_rng *r, int64_t id, const struct plan *p,
                   struct kf_error *err)
{
	if (p->state == TS_NEW)
		return 0;
	if (strcmp(p->type, "complaint") == 0)
		return complaint_row(g, r, id, p, err);
	if (strcmp(p->type, "return") == 0)
		return return_row(g, r, id, p, err);
	if (strcmp(p->type, "claim") == 0)
		return claim_row(g, r, id, p, err);
	return 0;
}

static void count(struct demo_gen *g, const struct plan *p)
{
	int64_t user = p->agent ? p->agent->id : 0;
	int t = type_index(p->type);
	g->ncovered += !g->covered[t][p->state];
	g->covered[t][p->state] = 1;
	g->n_all[p->state]++;
	g->n_team[p->team + 1][p->state]++;
	if (user >= 0 && user < DEMO_USER_SLOTS)
		g->n_user[user][p->state]++;
	g->c->tickets++;
}

/* ---- clocks, follow-ups and care ---- */

static int is_done(enum ticket_state s)
{
	return s == TS_RESOLVED || s == TS_CLOSED;
}

static int clocks(struct demo_gen *g, const struct demo_customer *cu, int64_t id, const struct plan *p,
                  struct kf_error *err)
{
	struct demo_sla_facts f = { p->type,           p->priority,
		                    cu->tier,          p->t0,
		                    p->first_response, p->again,
		                    p->again_answered, p->state == TS_PENDING_CUSTOMER ? p->reply + 30 : 0,
		                    p->resolved,       is_done(p->state) };
	return demo_sla_write(g, id, &f, err);
}

static int followup_row(struct demo_gen *g, int64_t fid, int64_t complaint, int64_t customer, int64_t due,
                        int64_t ticket, int done, int64_t created, int64_t done_at, struct kf_error *err)
{
	return demo_put(g, DT_FOLLOWUPS,
	                DB_ARGS(db_int(fid), db_int(complaint), db_int(customer), db_int(due), opt(ticket),
	                        db_text(done ? "satisfied" : NULL),
	                        db_text(done ? "客户表示满意 / satisfied" : ""), db_int(created),
	                        opt(done ? done_at : 0)),
	                NULL, err);
}

/*
 * The follow-up (回访) side of a ticket: a follow-up call is the one of
 * the customer's latest resolved complaint (its outcome recorded once the
 * call is done); a resolved complaint whose follow-up falls due after
 * "now" has it scheduled, with its followup_due job, as
 * followup_on_resolved does.
 */
static int followups(struct demo_gen *g, const struct demo_customer *cu, int64_t id, const struct plan *p,
                     struct kf_error *err)
{
	int done = is_done(p->state);
	if (strcmp(p->type, "follow_up") == 0) {
		int64_t created = g->last_complaint_resolved && g->last_complaint_resolved < p->t0
		        ? g->last_complaint_resolved
		        : p->t0;
		return followup_row(g, g->next_followup++, g->last_complaint, cu->id, p->t0, id, done,
		                    created, p->resolved, err);
	}
	if (strcmp(p->type, "complaint") != 0)
		return 0;
	if (!done)
		return 0; /* no follow-up before the complaint is resolved */
	g->last_complaint = id;
	g->last_complaint_resolved = p->resolved;
	int64_t due = 0;
	int rc = calendar_add_business_days(g->cal, p->resolved, (int)g->followup_days, &due, err);
	if (rc < 0 || due <= g->now)
		return rc;
	int64_t fid = g->next_followup++;
	rc = followup_row(g, fid, id, cu->id, due, 0, 0, p->resolved, 0, err);
	if (rc == 0)
		rc = demo_put(g, DT_JOBS,
		              DB_ARGS(db_text("followup_due"), db_int(fid), db_int(due), db_int(p->resolved),
		                      db_int(p->resolved)),
		              &g->c->jobs, err);
	return rc;
}

/* A win-back call: its care_runs row, on the local day it was made, keeps the care job from repeating it. */
static int care_run(struct demo_gen *g, const struct demo_customer *cu, int64_t id, const struct plan *p,
                    struct kf_error *err)
{
	char day[16];
	int64_t y;
	int m, d;
	if (!p->winback)
		return 0;
	tz_civil_from_days(calendar_local_day(g->cal, p->t0), &y, &m, &d);
	snprintf(day, sizeof(day), "%04lld-%02d-%02d", (long long)y, m, d);
	return demo_put(g, DT_CARE_RUNS,
	                DB_ARGS(db_text("win_back"), db_int(cu->id), db_text(day), db_int(id)), NULL, err);
}

static int one_ticket(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu,
                      const struct demo_order *orders, int norders, int winback, struct kf_error *err)
{
	struct plan p;
	enum ticket_state path[4];
	int64_t at[4], id = 0;
	char opening[DEMO_TEXT_MAX];
	plan_ticket(g, r, cu, orders, norders, winback, &p);
	int n = state_path(&p, path, at);
	p.first_response = p.state == TS_NEW ? 0 : p.reply;
	p.updated = n ? at[n - 1] : p.t0;
	if (p.state == TS_OPEN)
		p.updated = p.follow; /* the customer may have answered */
	int rc = insert_ticket(g, cu, &p, n, &id, err);
	if (rc == 0)
		rc = conversation(g, r, cu, id, &p, err);
	if (rc == 0)
		rc = events(g, cu, id, &p, path, at, n, err);
	if (rc == 0)
		rc = process(g, r, id, &p, err);
	if (rc == 0)
		rc = clocks(g, cu, id, &p, err);
	if (rc == 0)
		rc = followups(g, cu, id, &p, err);
	if (rc == 0)
		rc = care_run(g, cu, id, &p, err);
	if (rc == 0)
		rc = demo_timeline(g, cu->id, p.t0, "ticket", id, p.subject, err);
	demo_expand(p.s->opening, &p.v, opening, sizeof(opening));
	if (rc == 0)
		rc = search_load_add(g->search, "ticket", id, 0, p.subject, opening, p.t0, err);
	if (rc < 0)
		return rc;
	count(g, &p);
	g->c->search_docs++;
	return 0;
}

/* Did the customer order, and not for winback_days? */
static int lapsed(const struct demo_gen *g, const struct demo_order *orders, int norders)
{
	int64_t last = 0;
	for (int i = 0; i < norders; i++)
		last = orders[i].placed_at > last ? orders[i].placed_at : last;
	return norders > 0 && last < g->now - g->winback_days * DEMO_DAY;
}

int demo_tickets_write(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu,
                       const struct demo_order *orders, int norders, int n, struct kf_error *err)
{
	int rc = 0;
	g->last_complaint = g->last_complaint_resolved = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = one_ticket(g, r, cu, orders, norders, 0, err);
	/*
	 * Most lapsed customers had their win-back call in the last weeks (on
	 * a stream of their own, so the rest of the data does not change);
	 * the care job's first run finds the few left, not the whole backlog.
	 */
	struct demo_rng w = demo_rng_fork(g->o->seed ^ 0x77696e6261636bULL, (uint64_t)cu->id);
	if (rc == 0 && lapsed(g, orders, norders) && !demo_rng_chance(&w, 12))
		rc = one_ticket(g, &w, cu, orders, norders, 1, err);
	return rc;
}
