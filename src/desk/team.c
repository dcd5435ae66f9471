/*
 * team.c - see team.h.
 */
#include "desk/team.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/textlen.h"
#include "desk/calendar_store.h"
#include "desk/desk_store.h"
#include "store/db.h"

static struct db_sql q_team_one = DB_SQL(
        "SELECT id, name, manager_id, calendar_id, mode, version FROM teams WHERE id = $1");
static struct db_sql q_team_list = DB_SQL(
        "SELECT id, name, manager_id, calendar_id, mode, version FROM teams WHERE id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_team_members = DB_SQL(
        "SELECT m.user_id, u.username, m.languages, m.category_ids, m.active FROM team_members m"
        " JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 ORDER BY m.user_id");
static struct db_sql q_team_insert = DB_SQL(
        "INSERT INTO teams (name, manager_id, calendar_id, mode, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id");
static struct db_sql q_team_update = DB_SQL(
        "UPDATE teams SET name = $3, manager_id = $4, calendar_id = $5, mode = $6, updated_at = $7,"
        " version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_team_bump = DB_SQL(
        "UPDATE teams SET version = version + 1, updated_at = $2 WHERE id = $1");
static struct db_sql q_team_delete = DB_SQL("DELETE FROM teams WHERE id = $1");
static struct db_sql q_team_exists = DB_SQL("SELECT id FROM teams WHERE id = $1");
/* tickets_team (team_id, state, updated_at, id) answers this at once. */
static struct db_sql q_team_used = DB_SQL(
        "SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE team_id = $1 LIMIT 1) x");
static struct db_sql q_members_clear = DB_SQL("DELETE FROM team_members WHERE team_id = $1");
static struct db_sql q_routing_clear = DB_SQL("DELETE FROM routing_state WHERE team_id = $1");
static struct db_sql q_member_put = DB_SQL(
        "INSERT INTO team_members (team_id, user_id, languages, category_ids, active) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (team_id, user_id) DO UPDATE SET languages = excluded.languages,"
        " category_ids = excluded.category_ids, active = excluded.active");
static struct db_sql q_member_delete = DB_SQL("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2");
static struct db_sql q_user_exists = DB_SQL("SELECT id FROM users WHERE id = $1");

struct team_row {
	int64_t id, manager_id, calendar_id, version;
	char name[TEXTLEN_BYTES(DESK_NAME_MAX_CHARS)];
	char mode[16];
};

static void team_from_row(struct db_rows *r, struct team_row *t)
{
	t->id = db_col_int(r, 0);
	desk_store_copy_col(t->name, sizeof(t->name), db_col_text(r, 1));
	t->manager_id = db_col_isnull(r, 2) ? 0 : db_col_int(r, 2);
	t->calendar_id = db_col_isnull(r, 3) ? 0 : db_col_int(r, 3);
	desk_store_copy_col(t->mode, sizeof(t->mode), db_col_text(r, 4));
	t->version = db_col_int(r, 5);
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *team_to_json(const struct team_row *t)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:s,s:I}", "id", (json_int_t)t->id, "name", t->name, "manager_id",
	                 id_or_null(t->manager_id), "calendar_id", id_or_null(t->calendar_id), "mode",
	                 t->mode, "version", (json_int_t)t->version);
}

static int team_read(struct db *db, int64_t id, struct team_row *t, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_team_one, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = desk_store_not_found(err, "team");
	if (rc > 0)
		team_from_row(r, t);
	db_done(r);
	return rc < 0 ? rc : 0;
}

int team_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last = 0;
	int rc = db_query(db, &q_team_list, DB_ARGS(db_int(after), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		struct team_row t;
		team_from_row(r, &t);
		json_array_append_new(*items, team_to_json(&t));
		*last = t.id;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int team_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct team_row t;
	struct db_rows *r = NULL;
	int rc = team_read(db, id, &t, err);
	if (rc < 0)
		return rc;
	*version = t.version;
	*out = team_to_json(&t);
	json_t *members = json_array();
	json_object_set_new(*out, "members", members);
	rc = db_query(db, &q_team_members, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(members,
		                      json_pack("{s:I,s:s,s:s,s:s,s:b}", "user_id",
		                                (json_int_t)db_col_int(r, 0), "username", db_col_text(r, 1),
		                                "languages", db_col_text(r, 2), "category_ids",
		                                db_col_text(r, 3), "active", (int)db_col_int(r, 4)));
	db_done(r);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc < 0 ? rc : 0;
}

static int team_check_mode(const char *mode, struct kf_error *err)
{
	if (mode[0] == '\0' || strcmp(mode, "round_robin") == 0 || strcmp(mode, "least_loaded") == 0)
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", "mode", "mode has a value that is not allowed");
}

/* Apply what in gives onto t (a fresh row on create); the checks a request body had. */
static int team_apply(struct db *db, const struct team_input *in, int create, struct team_row *t,
                      struct kf_error *err)
{
	int rc = 0;
	if (create && !(in->present & TEAM_HAS_NAME))
		rc = kf_fail(err, KF_EINVAL, "required", "name", "name is required");
	if (rc == 0 && (in->present & TEAM_HAS_NAME))
		rc = desk_store_check_text("name", in->name, DESK_NAME_MAX_CHARS, err);
	if (rc == 0 && (in->present & TEAM_HAS_NAME))
		snprintf(t->name, sizeof(t->name), "%s", in->name);
	if (rc == 0 && (in->present & TEAM_HAS_MANAGER))
		t->manager_id = in->manager_id;
	if (rc == 0 && (in->present & TEAM_HAS_CALENDAR))
		t->calendar_id = in->calendar_id;
	if (rc == 0 && (in->present & TEAM_HAS_MODE))
		rc = team_check_mode(in->mode, err);
	if (rc == 0 && (in->present & TEAM_HAS_MODE))
		snprintf(t->mode, sizeof(t->mode), "%s", in->mode);
	if (rc >= 0 && t->mode[0] == '\0')
		snprintf(t->mode, sizeof(t->mode), "round_robin");
	if (rc >= 0 && t->manager_id)
		rc = desk_store_exists(db, &q_user_exists, t->manager_id, "manager_id", "user", err);
	if (rc >= 0 && t->calendar_id)
		rc = calendar_store_exists(db, t->calendar_id, "calendar_id", err);
	return rc < 0 ? rc : 0;
}

static struct db_arg opt_id(int64_t id)
{
	return id ? db_int(id) : db_null();
}

int team_create(struct db *db, const struct actor *a, int64_t now, const struct team_input *in, int64_t *id,
                struct kf_error *err)
{
	struct team_row t;
	memset(&t, 0, sizeof(t));
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = team_apply(db, in, 1, &t, err);
	if (rc == 0)
		rc = db_query_int(db, &q_team_insert,
		                  DB_ARGS(db_text(t.name), opt_id(t.manager_id), opt_id(t.calendar_id),
		                          db_text(t.mode), db_int(now)),
		                  id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a team with this name already exists");
	if (rc == 0) {
		t.id = *id;
		t.version = 1;
		rc = desk_store_audit(db, a, now, "team.create", "team", *id, team_to_json(&t), err);
	}
	return desk_store_tx_end(db, rc, err);
}

int team_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                const struct team_input *in, struct kf_error *err)
{
	struct team_row t;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = team_read(db, id, &t, err);
	if (rc == 0 && t.version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the team was changed by someone else; reload and try again");
	if (rc == 0)
		rc = team_apply(db, in, 0, &t, err);
	if (rc == 0)
		rc = db_exec(db, &q_team_update,
		             DB_ARGS(db_int(id), db_int(version), db_text(t.name), opt_id(t.manager_id),
		                     opt_id(t.calendar_id), db_text(t.mode), db_int(now)),
		             err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a team with this name already exists");
	if (rc == 0)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the team was changed by someone else; reload and try again");
	if (rc > 0)
		rc = desk_store_audit(db, a, now, "team.update", "team", id, team_to_json(&t), err);
	return desk_store_tx_end(db, rc, err);
}

int team_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	int64_t used = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = desk_store_exists(db, &q_team_exists, id, "id", "team", err);
	if (rc == KF_EINVAL)
		rc = desk_store_not_found(err, "team");
	if (rc == 0)
		rc = db_query_int(db, &q_team_used, DB_ARGS(db_int(id)), &used, err);
	if (rc == 0 && used > 0)
		rc = kf_fail(err, KF_ECONFLICT, "has_tickets", NULL,
		             "tickets belong to the team; move them to another team first");
	if (rc == 0)
		rc = db_exec(db, &q_members_clear, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_routing_clear, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_team_delete, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = desk_store_audit(db, a, now, "team.delete", "team", id, NULL, err);
	return desk_store_tx_end(db, rc, err);
}

/* "zh,en" or "1,5": comma-separated tokens of [a-z0-9]. */
static int skill_list_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == ','))
			return 0;
	return 1;
}

static int member_check(const struct team_member_input *in, struct kf_error *err)
{
	int rc = 0;
	if (strlen(in->languages) > 64)
		rc = kf_fail(err, KF_EINVAL, "too_long", "languages", "languages is longer than 64 bytes");
	if (rc == 0 && strlen(in->category_ids) > 512)
		rc = kf_fail(err, KF_EINVAL, "too_long", "category_ids",
		             "category_ids is longer than 512 bytes");
	if (rc == 0 && !skill_list_ok(in->languages))
		rc = kf_fail(err, KF_EINVAL, "invalid", "languages", "languages must look like zh,en");
	if (rc == 0 && !skill_list_ok(in->category_ids))
		rc = kf_fail(err, KF_EINVAL, "invalid", "category_ids", "category_ids must look like 1,5");
	return rc;
}

int team_member_put(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                    const struct team_member_input *in, struct kf_error *err)
{
	const char *langs = in->languages, *cats = in->category_ids;
	int active = in->active;
	int rc = member_check(in, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = desk_store_exists(db, &q_user_exists, user_id, "user_id", "user", err);
	if (rc == KF_EINVAL)
		rc = desk_store_not_found(err, "user");
	if (rc == 0)
		rc = db_exec(db, &q_team_bump, DB_ARGS(db_int(team_id), db_int(now)), err);
	if (rc == 0)
		rc = desk_store_not_found(err, "team");
	if (rc > 0)
		rc = db_exec(db, &q_member_put,
		             DB_ARGS(db_int(team_id), db_int(user_id), db_text(langs), db_text(cats),
		                     db_int(active)),
		             err);
	if (rc >= 0)
		rc = desk_store_audit(db, a, now, "team.member_put", "team", team_id,
		                      json_pack("{s:I,s:s,s:s,s:b}", "user_id", (json_int_t)user_id,
		                                "languages", langs, "category_ids", cats, "active", active),
		                      err);
	return desk_store_tx_end(db, rc, err);
}

int team_member_delete(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                       struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_member_delete, DB_ARGS(db_int(team_id), db_int(user_id)), err);
	if (rc == 0)
		rc = desk_store_not_found(err, "team member");
	if (rc > 0)
		rc = db_exec(db, &q_team_bump, DB_ARGS(db_int(team_id), db_int(now)), err);
	if (rc >= 0)
		rc = desk_store_audit(db, a, now, "team.member_delete", "team", team_id,
		                      json_pack("{s:I}", "user_id", (json_int_t)user_id), err);
	return desk_store_tx_end(db, rc, err);
}
