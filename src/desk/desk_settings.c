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

/* The desk settings: key, default, range; is_calendar = the value names a calendar. */
static const struct {
	const char *key;
	int64_t def, min, max;
	int is_calendar;
} settings[] = {
	{ "followup_days", 2, 1, 60, 0 }, /* business days from a complaint's resolution to its follow-up */
	{ "winback_days", 90, 1, 3650, 0 }, /* days without an order before the win-back care ticket */
	{ "default_calendar_id", 1, 1, INT64_MAX, 1 }, /* policies without a calendar, and new teams */
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

/* Check every given value before writing any: the whole change applies or nothing. */
static int settings_read(struct db *db, json_t *body, int64_t values[], struct kf_error *err)
{
	const char *keys[SETTINGS_N + 1];
	for (size_t i = 0; i < SETTINGS_N; i++)
		keys[i] = settings[i].key;
	keys[SETTINGS_N] = NULL;
	int rc = json_only_keys(body, keys, err);
	for (size_t i = 0; rc >= 0 && i < SETTINGS_N; i++) {
		values[i] = -1;
		rc = json_get_int(body, settings[i].key, 0, settings[i].min, settings[i].max, &values[i], err);
		if (rc > 0 && settings[i].is_calendar)
			rc = calendar_store_exists(db, values[i], settings[i].key, err);
	}
	return rc < 0 ? rc : 0;
}

int desk_settings_put(struct db *db, const struct actor *a, int64_t now, json_t *body, struct kf_error *err)
{
	int64_t values[SETTINGS_N];
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = settings_read(db, body, values, err);
	for (size_t i = 0; rc >= 0 && i < SETTINGS_N; i++)
		if (values[i] >= 0)
			rc = db_exec(db, &q_setting_put, DB_ARGS(db_text(settings[i].key), db_int(values[i])),
			             err);
	if (rc >= 0)
		rc = desk_store_audit(db, a, now, "settings.update", "settings", 0, json_deep_copy(body), err);
	return desk_store_tx_end(db, rc, err);
}
