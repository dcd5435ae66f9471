/*
 * wiring.c - see wiring.h: the table of in-process listeners (who reacts
 * to which event, in which order) and the table of job kinds.
 *
 * Order matters and is the order of the table: routing assigns a new
 * ticket before its SLA clocks start (so the clocks' notifications reach
 * the assignee); on a state change the clocks move first (changed, then
 * resolved or reopened), then a resolved complaint schedules its
 * follow-up, then the ticket's survey is scheduled.
 */
#include "app/wiring.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/service_facts.h"
#include "analytics/value.h"
#include "auth/audit.h"
#include "base/xalloc.h"
#include "desk/followup.h"
#include "desk/message.h"
#include "desk/routing.h"
#include "desk/sla_clock.h"
#include "desk/ticket.h"
#include "desk/ticket_state.h"
#include "events/outbox.h"
#include "jobs/job.h"
#include "jobs/scheduler.h"
#include "logistics/delay.h"
#include "quality/survey.h"
#include "store/db.h"
#include "store/idempotency.h"

#define IDEM_KEEP_S (24 * 3600) /* Idempotency-Key replies are kept a day */
#define DAILY_S (24 * 3600)

/* --- listeners --------------------------------------------------------------------- */

/* The change's time: the emitter sets created_at_ms from its "now". */
static int64_t ev_now(const struct event *ev)
{
	return ev->created_at_ms / 1000;
}

static const char *ev_str(const struct event *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev->payload, key));
	return s ? s : "";
}

static int64_t ev_int(const struct event *ev, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(ev->payload, key));
}

/* ticket.created: a new ticket goes to a team and maybe an agent. */
static int on_route(struct db *db, const struct event *ev, struct kf_error *err)
{
	return routing_on_created(db, ev->entity_id, ev_now(ev), err);
}

static int sla_state(struct db *db, const struct event *ev, struct kf_error *err)
{
	int64_t id = ev->entity_id, now = ev_now(ev);
	enum ticket_state from = ticket_state_parse(ev_str(ev, "from"));
	enum ticket_state to = ticket_state_parse(ev_str(ev, "state"));
	int rc = sla_clock_on_event(db, id, DESK_STATE_CHANGED, now, err);
	if (rc == 0 && to == TS_RESOLVED)
		rc = sla_clock_on_event(db, id, DESK_RESOLVED, now, err);
	if (rc == 0 && ticket_state_is_reopen(from, to))
		rc = sla_clock_on_event(db, id, DESK_REOPENED, now, err);
	return rc;
}

/* ticket.updated changing priority or type: the SLA policy may change. */
static int sla_updated(struct db *db, const struct event *ev, struct kf_error *err)
{
	json_t *before = json_object_get(ev->payload, "before");
	if (!json_object_get(before, "priority") && !json_object_get(before, "type"))
		return 0;
	return sla_clock_on_event(db, ev->entity_id, DESK_PRIORITY_CHANGED, ev_now(ev), err);
}

/* The SLA clocks of every ticket event that moves them. */
static int on_sla(struct db *db, const struct event *ev, struct kf_error *err)
{
	const char *t = ev->type;
	int64_t id = ev->entity_id, now = ev_now(ev);
	if (strcmp(t, "ticket.created") == 0)
		return sla_clock_on_event(db, id, DESK_TICKET_CREATED, now, err);
	if (strcmp(t, "ticket.replied") == 0) /* kefu's own messages (survey links) answer no one */
		return strcmp(ev->actor_kind, "system") == 0
		        ? 0
		        : sla_clock_on_event(db, id, DESK_PUBLIC_REPLY, now, err);
	if (strcmp(t, "ticket.customer_replied") == 0)
		return sla_clock_on_event(db, id, DESK_CUSTOMER_REPLY, now, err);
	if (strcmp(t, "ticket.state_changed") == 0)
		return sla_state(db, ev, err);
	if (strcmp(t, "ticket.updated") == 0)
		return sla_updated(db, ev, err);
	if (strcmp(t, "ticket.merged") == 0 && strcmp(ev_str(ev, "from"), "closed") != 0)
		return sla_clock_on_event(db, id, DESK_STATE_CHANGED, now, err);
	return 0;
}

static int entered_resolved(const struct event *ev)
{
	return strcmp(ev_str(ev, "state"), "resolved") == 0;
}

/* ticket.state_changed into resolved: a complaint schedules its follow-up call. */
static int on_followup(struct db *db, const struct event *ev, struct kf_error *err)
{
	return entered_resolved(ev) ? followup_on_resolved(db, ev->entity_id, ev_now(ev), err) : 0;
}

/* What quality/survey.c needs of ticket t (pointing into t). */
static void survey_ticket_of(const struct ticket *t, struct survey_ticket *s)
{
	*s = (struct survey_ticket){ .id = t->id,
		                     .customer_id = t->customer_id,
		                     .order_id = t->order_id,
		                     .assignee_id = t->assignee_id,
		                     .team_id = t->team_id,
		                     .merged_into_id = t->merged_into_id,
		                     .type = t->type,
		                     .language = t->language,
		                     .subject = t->subject,
		                     .settled = t->state == TS_RESOLVED || t->state == TS_CLOSED };
}

/* ticket.state_changed into resolved: the ticket's satisfaction survey. */
static int on_survey_resolved(struct db *db, const struct event *ev, struct kf_error *err)
{
	if (!entered_resolved(ev))
		return 0;
	struct ticket *t = xcalloc(1, sizeof(*t));
	struct survey_ticket s;
	int rc = ticket_get(db, ev->entity_id, t, err);
	if (rc == 0) {
		survey_ticket_of(t, &s);
		rc = survey_on_resolved(db, &s, ev_now(ev), err);
	}
	free(t);
	return rc;
}

/* shipment.delivered: when every shipment of the order is, the order's survey. */
static int on_survey_delivered(struct db *db, const struct event *ev, struct kf_error *err)
{
	int64_t order_id = ev_int(ev, "order_id");
	return order_id ? survey_on_delivered(db, order_id, ev_now(ev), err) : 0;
}

static const char *const t_created[] = { "ticket.created", NULL };
static const char *const t_sla[] = { "ticket.created",
	                             "ticket.replied",
	                             "ticket.customer_replied",
	                             "ticket.state_changed",
	                             "ticket.updated",
	                             "ticket.merged",
	                             NULL };
static const char *const t_state[] = { "ticket.state_changed", NULL };
static const char *const t_delivered[] = { "shipment.delivered", NULL };

static const struct event_listener listeners[] = {
	{ "routing", t_created, on_route },
	{ "sla_clock", t_sla, on_sla },
	{ "followup", t_state, on_followup },
	{ "survey_resolved", t_state, on_survey_resolved },
	{ "survey_delivered", t_delivered, on_survey_delivered },
};

/* --- job kinds --------------------------------------------------------------------- */

static int run_care(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err)
{
	(void)ref_id;
	return care_job_daily(db, now, err);
}

/* Forget old Idempotency-Key replies; again tomorrow. */
static int run_idem_prune(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = idem_prune(db, now - IDEM_KEEP_S, err);
	if (rc == 0)
		rc = job_schedule(db, "idem_prune", ref_id, now + DAILY_S, now, err);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

/* kefu itself posts a ticket's survey link (ticket.replied by the system). */
static const struct actor survey_actor = { "system", 0, "survey", NULL, NULL };

/* Inside the job's transaction: the ticket's survey, then its link posted on the ticket. */
static int survey_resolution_tx(struct db *db, struct ticket *t, int64_t now, struct kf_error *err)
{
	struct survey_ticket s;
	char post[SURVEY_POST_MAX];
	json_t *msg = NULL;
	survey_ticket_of(t, &s);
	int rc = survey_ticket_invite(db, &s, now, post, sizeof(post), err);
	if (rc == 0 && *post)
		rc = message_add(db, &survey_actor, now, t->id, MESSAGE_PUBLIC, post, TS_NONE, t, &msg, err);
	json_decref(msg);
	return rc;
}

int wiring_survey_resolution(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err)
{
	struct ticket *t = xcalloc(1, sizeof(*t));
	int rc = db_begin(db, err);
	if (rc == 0) {
		rc = ticket_get(db, ticket_id, t, err);
		if (rc == 0)
			rc = survey_resolution_tx(db, t, now, err);
		else if (rc == KF_ENOTFOUND)
			rc = 0; /* the ticket is gone: nothing to do */
		rc = db_finish(db, rc, err);
	}
	free(t);
	return rc;
}

static const struct job_kind kinds[] = {
	{ "sla_warn", sla_job_warn, 0 },
	{ "sla_breach", sla_job_breach, 0 },
	{ "followup_due", followup_job_due, 0 },
	{ "care_daily", run_care, 1 },
	{ DELAY_JOB_KIND, delay_eta_job, 0 },
	{ "idem_prune", run_idem_prune, 1 },
	{ SF_JOB_KIND, sf_job, 1 },
	{ VALUE_JOB_KIND, value_job, 1 },
	{ SURVEY_RESOLUTION_JOB, wiring_survey_resolution, 0 },
	{ SURVEY_DELIVERY_JOB, survey_job_delivery, 0 },
};

void wiring_install(void)
{
	outbox_set_listeners(listeners, (int)(sizeof listeners / sizeof listeners[0]));
	scheduler_set_kinds(kinds, (int)(sizeof kinds / sizeof kinds[0]));
}
