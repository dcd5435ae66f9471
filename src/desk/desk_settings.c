/*
 * desk_settings.c - see desk_settings.h.
 */
#include "desk/desk_settings.h"

#include <stdint.h>

#include "base/json.h"
#include "desk/calendar_store.h"
#include "desk/desk_store.h"
#include "store/db.h"

static struct db_sql q_setting = DB_SQL("SELECT value FROM desk_settings WHERE key = $1");
static struct db_sql q_setting_put = DB_SQL(
        "INSERT INTO desk_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");

int64_t desk_settings_get(struct db *db, const char *key, int64_t def)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t v;
	return db_query_int(db, &q_setting, DB_ARGS(db_text(key)), &v, &err) == 0 ? v : def;
}

/* The desk settings: key, default, range, the bit of a change; is_calendar = the value names a calendar. */
static const struct {
	const char *key;
	int64_t def, min, max;
	unsigned bit;
	int is_calendar;
} settings[] = {
	/* business days from a complaint's resolution to its follow-up */
	{ "followup_days", 2, DESK_SETTINGS_FOLLOWUP_MIN, DESK_SETTINGS_FOLLOWUP_MAX,
	  DESK_SETTINGS_HAS_FOLLOWUP, 0 },
	/* days without an order before the win-back care ticket */
	{ "winback_days", 90, DESK_SETTINGS_WINBACK_MIN, DESK_SETTINGS_WINBACK_MAX, DESK_SETTINGS_HAS_WINBACK,
	  0 },
	/* policies without a calendar, and new teams */
	{ "default_calendar_id", 1, 1, INT64_MAX, DESK_SETTINGS_HAS_CALENDAR, 1 },
};
#define SETTINGS_N (sizeof(settings) / sizeof(settings[0]))

json_t *desk_settings_json(struct db *db)
{
	json_t *out = json_object();
	for (size_t i = 0; i < SETTINGS_N; i++)
		json_object_set_new(out, settings[i].key,
		                    json_integer(desk_settings_get(db, settings[i].key, settings[i].def)));
	return out;
}

/* The value of setting i in in; 0 when in does not give it. */
static int settings_given(const struct desk_settings_input *in, size_t i, int64_t *v)
{
	const int64_t given[SETTINGS_N] = { in->followup_days, in->winback_days, in->default_calendar_id };
	*v = given[i];
	return (in->present & settings[i].bit) != 0;
}

/* Check every given value before writing any: the whole change applies or nothing. */
static int settings_check(struct db *db, const struct desk_settings_input *in, struct kf_error *err)
{
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < SETTINGS_N; i++) {
		int64_t v;
		if (!settings_given(in, i, &v))
			continue;
		rc = desk_store_check_range(settings[i].key, v, settings[i].min, settings[i].max, err);
		if (rc == 0 && settings[i].is_calendar)
			rc = calendar_store_exists(db, v, settings[i].key, err);
	}
	return rc < 0 ? rc : 0;
}

static int settings_write(struct db *db, const struct desk_settings_input *in, struct kf_error *err)
{
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < SETTINGS_N; i++) {
		int64_t v;
		if (settings_given(in, i, &v))
			rc = db_exec(db, &q_setting_put, DB_ARGS(db_text(settings[i].key), db_int(v)), err);
	}
	return rc < 0 ? rc : 0;
}

/* The audit record names what was given, as the request did. */
static json_t *settings_audit(const struct desk_settings_input *in)
{
	json_t *o = json_object();
	for (size_t i = 0; i < SETTINGS_N; i++) {
		int64_t v;
		if (settings_given(in, i, &v))
			json_object_set_new(o, settings[i].key, json_integer(v));
	}
	return o;
}

int desk_settings_put(struct db *db, const struct actor *a, int64_t now, const struct desk_settings_input *in,
                      struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = settings_check(db, in, err);
	if (rc == 0)
		rc = settings_write(db, in, err);
	if (rc == 0)
		rc = desk_store_audit(db, a, now, "settings.update", "settings", 0, settings_audit(in), err);
	return desk_store_tx_end(db, rc, err);
}
