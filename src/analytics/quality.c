/*
 * quality.c - see quality.h; definitions in docs/metrics/quality.md.
 */
#include "analytics/quality.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/stats.h"
#include "base/tz.h"
#include "base/xalloc.h"

#define QG_MAX_GROUPS (1u << 20) /* groups in one report */

enum quality_verdict quality_clock(int64_t due, int64_t done, int64_t breached_at, int64_t now)
{
	if (due <= 0 || (done <= 0 && due > now))
		return QV_NOT_YET;
	if (breached_at > 0 || done <= 0 || done > due)
		return QV_MISSED;
	return QV_MET;
}

enum quality_verdict quality_followup(int64_t due, int64_t done, int64_t grace, int64_t now)
{
	int64_t limit = due + grace;
	if (done > 0)
		return done > limit ? QV_MISSED : QV_MET;
	return limit <= now ? QV_MISSED : QV_NOT_YET;
}

int quality_dissatisfied(int csat, int nps)
{
	if (csat >= 1 && csat <= 5)
		return csat <= 2;
	if (nps >= 0 && nps <= 10)
		return nps <= 6;
	return -1;
}

int quality_closed_without_feedback(int has_confirmation, int has_feedback)
{
	return !has_confirmation || !has_feedback;
}

size_t quality_pareto(const int64_t *count, size_t n, double cut, double *share, double *cum)
{
	int64_t total = 0, run = 0;
	size_t vital = 0;
	for (size_t i = 0; i < n; i++)
		total += count[i];
	for (size_t i = 0; i < n; i++) {
		run += count[i];
		share[i] = total ? (double)count[i] / (double)total : 0.0;
		cum[i] = total ? (double)run / (double)total : 0.0;
		if (total && !vital && cum[i] >= cut - 1e-12)
			vital = i + 1;
	}
	return vital;
}

int quality_bucket(const char *by, const struct tz *z, int64_t t, char *key, size_t keysz, int64_t *order)
{
	int64_t day = tz_floordiv(tz_to_local(z, t), 86400), y;
	int m, d;
	if (strcmp(by, "week") == 0)
		day -= (tz_weekday(day) + 6) % 7; /* back to Monday */
	else if (strcmp(by, "day") != 0 && strcmp(by, "month") != 0)
		return -1;
	tz_civil_from_days(day, &y, &m, &d);
	if (strcmp(by, "month") == 0) {
		snprintf(key, keysz, "%04lld-%02d", (long long)y, m);
		*order = y * 12 + m - 1;
	} else {
		snprintf(key, keysz, "%04lld-%02d-%02d", (long long)y, m, d);
		*order = day;
	}
	return 0;
}

void qgroups_init(struct qgroups *gs)
{
	memset(gs, 0, sizeof *gs);
	gs->index = (struct strmap)STRMAP_INIT(QG_MAX_GROUPS);
}

void qgroups_release(struct qgroups *gs)
{
	for (size_t i = 0; i < gs->n; i++) {
		free(gs->g[i].key);
		free(gs->g[i].name);
		free(gs->g[i].vec[0].v);
		free(gs->g[i].vec[1].v);
	}
	free(gs->g);
	strmap_release(&gs->index);
	memset(gs, 0, sizeof *gs);
}

struct qgroup *qgroups_get(struct qgroups *gs, const char *key, const char *name, int64_t id, int64_t order)
{
	int64_t at;
	if (strmap_get(&gs->index, key, &at))
		return &gs->g[at];
	if (gs->n == QG_MAX_GROUPS)
		KF_BUG("too many report groups");
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? gs->cap * 2 : 16;
		gs->g = xreallocarray(gs->g, gs->cap, sizeof *gs->g);
	}
	struct qgroup *g = &gs->g[gs->n];
	memset(g, 0, sizeof *g);
	g->key = xstrdup(key);
	g->name = xstrdup(name ? name : key);
	g->id = id;
	g->order = order;
	strmap_put(&gs->index, key, (int64_t)gs->n++);
	return g;
}

void qvec_add(struct qvec *v, double x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = xreallocarray(v->v, v->cap, sizeof *v->v);
	}
	v->v[v->n++] = x;
}

int qvec_summary(struct qvec *v, double *mean, double *p50, double *p90)
{
	struct stats_acc a = STATS_ACC_INIT;
	if (v->n == 0)
		return 0;
	for (size_t i = 0; i < v->n; i++)
		stats_add(&a, v->v[i]);
	stats_sort(v->v, v->n);
	stats_mean(&a, mean);
	stats_percentile_sorted(v->v, v->n, 0.5, p50);
	stats_percentile_sorted(v->v, v->n, 0.9, p90);
	return 1;
}

/* Reports run on several threads at once: the column travels as qsort_r's argument. */
static int by_count(const void *a, const void *b, void *arg)
{
	const struct qgroup *x = a, *y = b;
	int col = *(const int *)arg;
	if (x->n[col] != y->n[col])
		return x->n[col] > y->n[col] ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int by_order(const void *a, const void *b, void *arg)
{
	const struct qgroup *x = a, *y = b;
	(void)arg;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->key, y->key);
}

void qgroups_sort(struct qgroups *gs, int col)
{
	if (col >= QG_COUNTS)
		KF_BUG("qgroups_sort column out of range");
	if (gs->n < 2)
		return;
	qsort_r(gs->g, gs->n, sizeof *gs->g, col < 0 ? by_order : by_count, &col);
	strmap_release(&gs->index); /* positions changed; the index is not used after sorting */
	gs->index = (struct strmap)STRMAP_INIT(QG_MAX_GROUPS);
	for (size_t i = 0; i < gs->n; i++)
		strmap_put(&gs->index, gs->g[i].key, (int64_t)i);
}
