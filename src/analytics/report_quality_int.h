/*
 * report_quality_int.h - what the quality reports (three controls, staff,
 * complaints) share: walking the rows of a query, progress, the names of
 * teams and categories as group keys.  Private to src/analytics.
 */
#ifndef KF_REPORT_QUALITY_INT_H
#define KF_REPORT_QUALITY_INT_H

#include <stdint.h>

#include "analytics/quality.h"
#include "analytics/report.h"
#include "store/db.h"

/* Called once per row; a negative return stops the walk and is returned. */
typedef int (*qrow_fn)(void *ctx, struct db_rows *r);

/* Run q and call fn for each row; 0 or the first error. */
int qdb_each(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, qrow_fn fn, void *ctx,
             struct kf_error *err);
/* Tell the caller's progress callback (if any) that step done of total is finished. */
void qprogress(const struct report_params *p, uint64_t done, uint64_t total);
/* Load the zone p->tz (UTC when unset); KF_EINVAL field "tz". */
int qzone(const struct report_params *p, const struct tz **z, struct kf_error *err);
/*
 * The group of an event at `at` for dimension by: a day/week/month bucket
 * of z, or the team (columns team_col, team_col + 1: id, name) or the
 * category (columns cat_col .. cat_col + 3: id, code, name_zh, name_en) of
 * row r.  NULL when by is none of these.
 */
struct qgroup *qgroup_for(struct qgroups *gs, const char *by, const struct tz *z, int64_t at,
                          struct db_rows *r, int team_col, int cat_col);
/* Create the empty day/week/month buckets of p's period so that quiet days show as zero rows. */
void qgroups_prefill(struct qgroups *gs, const char *by, const struct tz *z, const struct report_params *p);
/* "质量缺陷 / Defect": a category's two names as one text. */
void qcat_name(const char *zh, const char *en, char *out, size_t n);
/* Drill-down for a group: team or category filters on the tickets list, created in p's period; type may be NULL. */
void qset_drill(struct report_table *t, size_t row, const struct report_params *p, const char *by,
                const struct qgroup *g, const char *type);

#endif
