/*
 * desk_config.h - the store side of the service-level configuration:
 * business calendars (hours, holidays, make-up workdays), SLA policies,
 * teams and their members, desk settings.  Writes are audited in the same
 * transaction and versioned (If-Match); bodies are JSON objects validated
 * here, field by field, so the HTTP face stays parse -> call -> render.
 *
 * Calendar JSON: {"name","time_zone","hours":[{"weekday":1,"start":"09:00",
 * "end":"18:00"},...]} (weekday 0 = Sunday).  Policy JSON: {"name",
 * "ticket_type","priority","customer_tier" ("" or absent = any),
 * "first_response_s","next_response_s","resolution_s","sunset",
 * "calendar_id","rank"}.  Team JSON: {"name","manager_id","calendar_id",
 * "mode":"round_robin"|"least_loaded"}.
 */
#ifndef KF_DESK_CONFIG_H
#define KF_DESK_CONFIG_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "desk/calendar.h"
#include "desk/sla.h"

struct db;

#define DESK_MAX_POLICIES 256 /* SLA policies considered per choice */

/* Load calendar id (0 = the default calendar) into *c; KF_ENOTFOUND if missing. */
int calendar_load(struct db *db, int64_t id, struct calendar *c, struct kf_error *err);
/* Parse a "hours" array into c->week (cleared first); 0 or KF_EINVAL naming "hours". */
int calendar_parse_hours(json_t *hours, struct calendar *c, struct kf_error *err);

int calendar_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err);
int calendar_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
int calendar_create(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                    struct kf_error *err);
int calendar_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                    json_t *body, struct kf_error *err);
/* KF_ECONFLICT "in_use" (saying why) while it is the default, or a policy, a team or a ticket's clock uses it. */
int calendar_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
/* {"date":"YYYY-MM-DD","kind":"holiday"|"workday","name"}; bumps the calendar's version. */
int calendar_holiday_add(struct db *db, const struct actor *a, int64_t now, int64_t cal_id, json_t *body,
                         int64_t *id, struct kf_error *err);
int calendar_holiday_delete(struct db *db, const struct actor *a, int64_t now, int64_t cal_id, int64_t id,
                            struct kf_error *err);

/* Every policy, for sla_choose; *n set; KF_EDB on failure. */
int policy_load_all(struct db *db, struct sla_policy *out, int max, int *n, struct kf_error *err);
int policy_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err);
int policy_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
int policy_create(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                  struct kf_error *err);
int policy_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                  json_t *body, struct kf_error *err);
int policy_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
json_t *policy_to_json(const struct sla_policy *p, const char *name);

int team_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err);
int team_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
int team_create(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                struct kf_error *err);
int team_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version, json_t *body,
                struct kf_error *err);
/* KF_ECONFLICT "has_tickets" while tickets belong to the team; KF_ENOTFOUND if missing. */
int team_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
/* Add or change member user_id: {"languages":"zh,en","category_ids":"1,5","active":true}. */
int team_member_put(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                    json_t *body, struct kf_error *err);
int team_member_delete(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                       struct kf_error *err);

/* A desk setting (followup_days, winback_days, default_calendar_id); def when unset. */
int64_t desk_setting(struct db *db, const char *key, int64_t def);
/* Every desk setting as {"followup_days":2,"winback_days":90,"default_calendar_id":1} (owned). */
json_t *desk_settings_json(struct db *db);
/*
 * Change the settings body names (the keys above, integers: followup_days
 * 1-60, winback_days 1-3650, default_calendar_id an existing calendar);
 * all or nothing, audited as "settings.update".  KF_EINVAL naming the field.
 */
int desk_settings_put(struct db *db, const struct actor *a, int64_t now, json_t *body, struct kf_error *err);

#endif
