/*
 * sla.c - see sla.h.
 */
#include "desk/sla.h"

#include <string.h>

#include "desk/calendar.h"

static int field_matches(const char *want, const char *have)
{
	return want[0] == '\0' || (have && strcmp(want, have) == 0);
}

static int specificity(const struct sla_policy *p)
{
	return (p->ticket_type[0] != '\0') + (p->priority[0] != '\0') + 2 * (p->customer_tier[0] != '\0');
}

/* 1 when a beats b in the ordinary order (specific, rank, id). */
static int more_specific(const struct sla_policy *a, const struct sla_policy *b)
{
	if (specificity(a) != specificity(b))
		return specificity(a) > specificity(b);
	if (a->rank != b->rank)
		return a->rank < b->rank;
	return a->id < b->id;
}

/* A 0 target is no target: it sorts after every real one. */
static int64_t target(int64_t s)
{
	return s > 0 ? s : INT64_MAX;
}

/* 1 when a is tighter than b; equal tightness falls back to specificity. */
static int tighter(const struct sla_policy *a, const struct sla_policy *b)
{
	if (target(a->resolution_s) != target(b->resolution_s))
		return target(a->resolution_s) < target(b->resolution_s);
	if (target(a->first_response_s) != target(b->first_response_s))
		return target(a->first_response_s) < target(b->first_response_s);
	return more_specific(a, b);
}

int sla_choose(const struct sla_policy *p, int n, const char *type, const char *priority, const char *tier)
{
	int best = -1;
	int tier_a = tier && strcmp(tier, "A") == 0;
	for (int i = 0; i < n; i++) {
		if (!field_matches(p[i].ticket_type, type) || !field_matches(p[i].priority, priority) ||
		    !field_matches(p[i].customer_tier, tier))
			continue;
		if (best < 0 || (tier_a ? tighter(&p[i], &p[best]) : more_specific(&p[i], &p[best])))
			best = i;
	}
	return best;
}

int sla_response_due(const struct sla_policy *p, const struct calendar *c, int64_t t, int64_t target_s,
                     int64_t *due, struct kf_error *err)
{
	if (p->sunset)
		return calendar_end_of_business_day(c, t, due, err);
	if (target_s <= 0) {
		*due = 0;
		return 0;
	}
	return calendar_add_business_seconds(c, t, target_s, due, err);
}

int sla_warn_at(const struct calendar *c, int64_t start, int64_t due, int64_t *warn, struct kf_error *err)
{
	if (due == 0) {
		*warn = 0;
		return 0;
	}
	int64_t total = calendar_business_seconds_between(c, start, due);
	return calendar_add_business_seconds(c, start, total * SLA_WARN_PERCENT / 100, warn, err);
}

int sla_compute(const struct sla_policy *p, const struct calendar *c, int64_t created_at, struct sla_due *out,
                struct kf_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = sla_response_due(p, c, created_at, p->first_response_s, &out->first_due_at, err);
	if (rc == 0)
		rc = sla_warn_at(c, created_at, out->first_due_at, &out->first_warn_at, err);
	if (rc == 0 && p->resolution_s > 0)
		rc = calendar_add_business_seconds(c, created_at, p->resolution_s, &out->resolve_due_at, err);
	if (rc == 0)
		rc = sla_warn_at(c, created_at, out->resolve_due_at, &out->resolve_warn_at, err);
	return rc;
}

int sla_extend(const struct calendar *c, int64_t due, int64_t from, int64_t to, int64_t *out,
               struct kf_error *err)
{
	if (due == 0 || to <= from) {
		*out = due;
		return 0;
	}
	return calendar_add_business_seconds(c, due, calendar_business_seconds_between(c, from, to), out, err);
}
