/*
 * improvement.h - improvement actions (改进措施; seed 000 ch. 12: 12.1
 * 改进计划与实施, 12.2 改进效果评估; PRODUCT.md Q4).
 *
 * An action has an owner, a due date and a status (open, in_progress,
 * done, cancelled), and a target: a report, one of its numeric columns
 * (the metric) and optionally one row of it (target_by + target_value,
 * e.g. by category, value "logistics_delay"; without them the report's
 * total row).  When the action is created the report is run for the
 * baseline period [baseline_from, baseline_to) and the metric's value is
 * kept as baseline_value; when it is marked done the report is run for
 * the measured period (given, or by default as long as the baseline and
 * ending at completion) and the value kept as after_value.  So the effect
 * of the action is read as after_value against baseline_value.
 *
 * JSON of an action: {id, title, description, owner_id, due_at, status,
 * target_report, target_metric, target_by, target_value, baseline_from,
 * baseline_to, measured_from, measured_to, baseline_value, after_value,
 * version, created_at, updated_at, completed_at}.  Every change is
 * audited (object type "improvement_action") in the same transaction.
 */
#ifndef KF_IMPROVEMENT_H
#define KF_IMPROVEMENT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct buf;
struct db;
struct report_table;

#define IMPROVEMENT_TITLE_MAX 200 /* characters of a title (base/textlen.h) */
#define IMPROVEMENT_OVERDUE_LISTED 5 /* actions named in the three-controls note */

/* ---- pure ---- */
/* 1 when an action may go from status `from` to `to` (both valid names), else 0. */
int improvement_status_allowed(const char *from, const char *to);
/* 1 when s is a status name. */
int improvement_status_valid(const char *s);
/*
 * The value of column metric in table t at the row whose first column is
 * value (or, value NULL/"", the row whose first column is "total", or the
 * only row).  1 and *out when found and not null; 0 when there is no such
 * row or the cell is null; KF_EINVAL (field target_metric or
 * target_value) when the column is missing or not a number or no row can
 * be chosen.
 */
int improvement_pick(const struct report_table *t, const char *metric, const char *value, double *out,
                     struct kf_error *err);

/* ---- store ---- */
int improvement_list(struct db *db, const char *status, int64_t after, int limit, json_t **items,
                     int64_t *last, struct kf_error *err);
int improvement_get(struct db *db, int64_t id, json_t **out, struct kf_error *err);
/* Create from a JSON body (validated; field errors), capturing the baseline; *out the new action. */
int improvement_create(struct db *db, const struct actor *a, int64_t now, json_t *body, json_t **out,
                       struct kf_error *err);
/* Change title, description, owner_id, due_at, status, measured_from/to; KF_ESTALE on a version mismatch. */
int improvement_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                       json_t *body, json_t **out, struct kf_error *err);
int improvement_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
/* How many open or in-progress actions are past due at now; the first few as "#4 title; #7 title" into names. */
int improvement_overdue(struct db *db, int64_t now, int64_t *count, struct buf *names, struct kf_error *err);

#endif
