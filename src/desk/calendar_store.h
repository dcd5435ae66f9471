/*
 * calendar_store.h - the stored business calendars: hours, holidays and
 * make-up workdays (the arithmetic over a loaded calendar is calendar.h).
 * Writes are audited in the same transaction and versioned (If-Match).
 *
 * Calendar JSON: {"name","time_zone","hours":[{"weekday":1,"start":"09:00",
 * "end":"18:00"},...]} (weekday 0 = Sunday).  The request body is parsed at
 * the edge (http/api_sla.c) into struct calendar_input; the checks are
 * repeated here for other callers.
 */
#ifndef KF_CALENDAR_STORE_H
#define KF_CALENDAR_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "desk/calendar.h"

struct db;

/* Load calendar id (0 = the default calendar) into *c; KF_ENOTFOUND if missing. */
int calendar_store_load(struct db *db, int64_t id, struct calendar *c, struct kf_error *err);
/* Which fields a create or a change gives (PATCH: the rest keeps its value). */
#define CALENDAR_HAS_NAME 0x1u
#define CALENDAR_HAS_TIME_ZONE 0x2u
#define CALENDAR_HAS_HOURS 0x4u

struct calendar_input {
	unsigned present; /* CALENDAR_HAS_* bits; a create needs the name and the time zone */
	const char *name; /* at most DESK_NAME_MAX_CHARS characters */
	const char *time_zone; /* an IANA zone name */
	struct calendar_day week[7]; /* the opening hours (0 = Sunday); Monday-Friday 09:00-18:00 on create */
};

/* "HH:MM" (24:00 allowed) as minutes after midnight; -1 for anything else. */
int calendar_store_parse_hhmm(const char *s, int *out);
/* 0 when calendar id exists; KF_EINVAL "unknown" naming field when not. */
int calendar_store_exists(struct db *db, int64_t id, const char *field, struct kf_error *err);

int calendar_store_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last,
                        struct kf_error *err);
int calendar_store_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
/* KF_EINVAL naming the field (as the API checks it), KF_EEXIST "exists" for a taken name. */
int calendar_store_create(struct db *db, const struct actor *a, int64_t now, const struct calendar_input *in,
                          int64_t *id, struct kf_error *err);
int calendar_store_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                          const struct calendar_input *in, struct kf_error *err);
/* KF_ECONFLICT "in_use" (saying why) while it is the default, or a policy, a team or a ticket's clock uses it. */
int calendar_store_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
/* A dated exception to add; NULL for what was not given. */
struct calendar_holiday_input {
	const char *date; /* "YYYY-MM-DD", required */
	const char *kind; /* "holiday" or "workday"; NULL = holiday */
	const char *name; /* at most DESK_NAME_MAX_CHARS characters; NULL = "" */
};

/* Add in to calendar cal_id; bumps the calendar's version.  KF_EINVAL naming the field. */
int calendar_store_holiday_add(struct db *db, const struct actor *a, int64_t now, int64_t cal_id,
                               const struct calendar_holiday_input *in, int64_t *id, struct kf_error *err);
int calendar_store_holiday_delete(struct db *db, const struct actor *a, int64_t now, int64_t cal_id,
                                  int64_t id, struct kf_error *err);

#endif
