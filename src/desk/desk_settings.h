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

/* The ranges of the settings (default_calendar_id must also name a calendar). */
#define DESK_SETTINGS_FOLLOWUP_MIN 1
#define DESK_SETTINGS_FOLLOWUP_MAX 60
#define DESK_SETTINGS_WINBACK_MIN 1
#define DESK_SETTINGS_WINBACK_MAX 3650

/* Which settings a change gives. */
#define DESK_SETTINGS_HAS_FOLLOWUP 0x1u
#define DESK_SETTINGS_HAS_WINBACK 0x2u
#define DESK_SETTINGS_HAS_CALENDAR 0x4u

/* A change of the settings, parsed at the edge (http/api_sla.c); checked again here. */
struct desk_settings_input {
	unsigned present; /* DESK_SETTINGS_HAS_* bits; the rest keeps its value */
	int64_t followup_days; /* DESK_SETTINGS_FOLLOWUP_MIN..MAX */
	int64_t winback_days; /* DESK_SETTINGS_WINBACK_MIN..MAX */
	int64_t default_calendar_id; /* an existing calendar */
};

/*
 * Change the settings in gives; all or nothing, audited as
 * "settings.update" with what was given.  KF_EINVAL "range" or "unknown"
 * naming the field.
 */
int desk_settings_put(struct db *db, const struct actor *a, int64_t now, const struct desk_settings_input *in,
                      struct kf_error *err);

#endif
