/*
 * quality.h - the arithmetic of the quality reports (three controls,
 * staff, complaints Pareto), every figure defined in
 * docs/metrics/quality.md, and the group table the reports fill.
 *
 * Pure: no store, no clock (now is passed), no globals.  The reports
 * (report_three_controls.c, report_staff.c, report_complaints.c) read
 * rows from the database, classify each row with these functions and
 * add it to its group.
 */
#ifndef KF_QUALITY_H
#define KF_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include "base/strmap.h"

struct tz;
struct report_def;

/* The quality reports (registered in report_list.c). */
extern const struct report_def report_three_controls; /* report_three_controls.c */
extern const struct report_def report_staff; /* report_staff.c */
extern const struct report_def report_complaints; /* report_complaints.c */

/* ---- classifying one event ---- */

enum quality_verdict {
	QV_NOT_YET = -1, /* not an opportunity yet: due in the future and not done */
	QV_MET = 0, /* done in time */
	QV_MISSED = 1, /* done late, breached, or overdue and not done */
};

/*
 * An SLA clock (due, done; 0 = none).  Counted when due > 0 and either
 * done or due by now; missed when breached_at > 0 (the scheduler's
 * verdict), done after due, or not done and due <= now.
 */
enum quality_verdict quality_clock(int64_t due, int64_t done, int64_t breached_at, int64_t now);
/*
 * A follow-up (回访) due at due, done at done (0 = not yet): missed when
 * not done within grace seconds of due (done later, or still open and
 * due + grace <= now); not yet while open inside the grace.
 */
enum quality_verdict quality_followup(int64_t due, int64_t done, int64_t grace, int64_t now);
/*
 * A survey response: 1 dissatisfied (CSAT 1-2; without a CSAT, an NPS of
 * 0-6, a detractor), 0 not, -1 no score to judge (both missing).
 * csat 0 and nps -1 mean "missing".
 */
int quality_dissatisfied(int csat, int nps);
/* An archived complaint closed without the customer's confirmation or without feedback to the department. */
int quality_closed_without_feedback(int has_confirmation, int has_feedback);

/* ---- Pareto ---- */
/*
 * For counts sorted in descending order: each one's share of the total
 * and the cumulative share up to and including it (the Pareto line).
 * A zero total gives shares of 0.  Returns how many leading rows make
 * the "vital few": the rows up to and including the first whose
 * cumulative share reaches cut (0.8 for the 80/20 rule).
 */
size_t quality_pareto(const int64_t *count, size_t n, double cut, double *share, double *cum);

/* ---- time buckets ---- */
/*
 * The bucket of instant t for by = "day", "week" (ISO weeks, Monday
 * first) or "month", on the wall clock of z: *key gets its label
 * ("2024-03-05", the week's Monday "2024-03-04", "2024-03") and *order a
 * number that sorts buckets in time.  Returns 0, or -1 when by is none
 * of these.
 */
int quality_bucket(const char *by, const struct tz *z, int64_t t, char *key, size_t keysz, int64_t *order);

/* ---- groups: the rows of a report while it is being gathered ---- */
#define QG_COUNTS 24 /* counters per group */

struct qvec {
	double *v; /* values (seconds) */
	size_t n, cap;
};

struct qgroup {
	char *key; /* the group's value: a date, a code, a name; owned */
	char *name; /* what people read; owned */
	int64_t id; /* the row's id for the drill-down (team, user, category); 0 = none */
	int64_t order; /* sort key for time buckets */
	int64_t n[QG_COUNTS]; /* counters, meaning per report */
	struct qvec vec[2]; /* durations, meaning per report */
};

struct qgroups {
	struct qgroup *g; /* n groups in the order first seen */
	size_t n, cap;
	struct strmap index; /* key -> position in g */
};

void qgroups_init(struct qgroups *gs);
void qgroups_release(struct qgroups *gs);
/* The group with key (made with name, id and order when new). */
struct qgroup *qgroups_get(struct qgroups *gs, const char *key, const char *name, int64_t id, int64_t order);
void qvec_add(struct qvec *v, double x);
/* Sort v and give its mean, median and 90th percentile (type 7); 0 when empty. */
int qvec_summary(struct qvec *v, double *mean, double *p50, double *p90);
/* Sort groups by counter col descending (ties by key), or by order ascending when col < 0. */
void qgroups_sort(struct qgroups *gs, int col);

#endif
