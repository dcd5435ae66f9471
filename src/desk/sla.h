/*
 * sla.h - service-level arithmetic (seed 000 §7.2, the sunset rule).
 *
 * A policy names which tickets it covers (ticket type, priority, customer
 * tier; an empty field covers any) and three targets in business seconds
 * on a calendar: first response, next response (after each customer
 * message), resolution.  A sunset policy (沃尔玛日落原则, the default)
 * replaces the first-response and next-response targets with "before the
 * close of the business day on which the contact arrived, or of the next
 * business day when it arrived after hours".
 *
 * Everything here is pure; desk/sla_clock.c is the store side.
 */
#ifndef KF_SLA_H
#define KF_SLA_H

#include <stdint.h>

#include "base/err.h"

struct calendar;

#define SLA_FIELD_MAX 32
#define SLA_WARN_PERCENT 80 /* warn when 80 % of the business time is used */

struct sla_policy {
	int64_t id;
	char ticket_type[SLA_FIELD_MAX]; /* "" = any type */
	char priority[SLA_FIELD_MAX]; /* "" = any priority */
	char customer_tier[2]; /* "A", "B", "C" or "" = any tier */
	int64_t first_response_s; /* business seconds; 0 = no target (unless sunset) */
	int64_t next_response_s; /* business seconds; 0 = no target (unless sunset) */
	int64_t resolution_s; /* business seconds; 0 = no target */
	int sunset; /* 1: first and next response by the close of business */
	int64_t calendar_id; /* the calendar its targets run on */
	int rank; /* tie-break among equally specific policies: lower wins */
};

/*
 * The policy for a ticket of type, priority and the customer's tier
 * (NULL or "" when unknown): the most specific match (each named field
 * counts one, the tier two), ties to the lower rank, then the lower id.
 * Tier A gets the tighter policy automatically: for a tier-A customer the
 * tightest matching policy (smallest resolution, then first response; a
 * 0 target counts as none) wins over a more specific but looser one.
 * Returns the index into p[], or -1 when nothing matches.
 */
int sla_choose(const struct sla_policy *p, int n, const char *type, const char *priority, const char *tier);

/* The due time of a response target for a contact at t: sunset or business seconds; 0 = none. */
int sla_response_due(const struct sla_policy *p, const struct calendar *c, int64_t t, int64_t target_s,
                     int64_t *due, struct kf_error *err);

struct sla_due {
	int64_t first_due_at; /* 0 = no target */
	int64_t first_warn_at;
	int64_t resolve_due_at; /* 0 = no target */
	int64_t resolve_warn_at;
};

/* Due and warning times of a ticket created at created_at. */
int sla_compute(const struct sla_policy *p, const struct calendar *c, int64_t created_at, struct sla_due *out,
                struct kf_error *err);

/* The 80 % warning instant of a target running from start to due on the calendar. */
int sla_warn_at(const struct calendar *c, int64_t start, int64_t due, int64_t *warn, struct kf_error *err);

/*
 * A due (or warning) time pushed back by a pause [from, to): the business
 * seconds of the pause are added after the old due time.  0 stays 0.
 */
int sla_extend(const struct calendar *c, int64_t due, int64_t from, int64_t to, int64_t *out,
               struct kf_error *err);

#endif
