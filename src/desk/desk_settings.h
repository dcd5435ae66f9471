/*
 * desk_settings.h - the desk settings: followup_days, winback_days and
 * default_calendar_id, stored as integers with defaults and ranges.
 */
#ifndef KF_DESK_SETTINGS_H
#define KF_DESK_SETTINGS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/* A desk setting (followup_days, winback_days, default_calendar_id); def when unset. */
int64_t desk_settings_get(struct db *db, const char *key, int64_t def);
/* Every desk setting as {"followup_days":2,"winback_days":90,"default_calendar_id":1} (owned). */
json_t *desk_settings_json(struct db *db);
/*
 * Change the settings body names (the keys above, integers: followup_days
 * 1-60, winback_days 1-3650, default_calendar_id an existing calendar);
 * all or nothing, audited as "settings.update".  KF_EINVAL naming the field.
 */
int desk_settings_put(struct db *db, const struct actor *a, int64_t now, json_t *body, struct kf_error *err);

#endif
