/*
 * participant.c - see participant.h.
 */
#include "channels/participant.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/textlen.h"
#include "channels/mail_settings.h"
#include "crm/privacy.h"
#include "desk/ticket.h"
#include "store/db.h"

static struct db_sql q_add = DB_SQL(
        "INSERT INTO ticket_participants (ticket_id, address, name, added_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING");
static struct db_sql q_remove = DB_SQL("DELETE FROM ticket_participants WHERE ticket_id = $1 AND address = $2");
static struct db_sql q_is = DB_SQL("SELECT 1 FROM ticket_participants WHERE ticket_id = $1 AND address = $2");
static struct db_sql q_list = DB_SQL("SELECT address, name, added_by, created_at FROM ticket_participants"
                                     " WHERE ticket_id = $1 ORDER BY created_at, address");

/* address lower-cased into out (n bytes); KF_EINVAL when it is not a mail address. */
static int normalise(const char *address, char *out, size_t n, struct kf_error *err)
{
	size_t len = address ? strlen(address) : 0;
	if (len == 0 || len >= n || !mail_settings_address_valid(address))
		return kf_fail(err, KF_EINVAL, "invalid", "address",
		               "address: not a mail address (name@example.com)");
	for (size_t i = 0; i <= len; i++)
		out[i] = (char)tolower((unsigned char)address[i]);
	return 0;
}

/* name with control characters dropped, cut to PARTICIPANT_NAME_MAX characters, into out. */
static void clean_name(const char *name, char *out, size_t n)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p && o + 1 < n; p++)
		if (*p >= ' ' && *p != 0x7f)
			out[o++] = (char)*p;
	out[o] = '\0';
	out[textlen_prefix(out, PARTICIPANT_NAME_MAX, n - 1)] = '\0';
}

static int event(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, const char *action,
                 const char *address, struct kf_error *err)
{
	char masked[300];
	privacy_mask_email(address, masked, sizeof(masked));
	json_t *after = json_pack("{s:s}", "address", masked);
	int rc = ticket_event_add(db, a, now, ticket_id, action, NULL, after, err);
	json_decref(after);
	return rc;
}

int participant_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, const char *address,
                    const char *name, int *added, struct kf_error *err)
{
	char addr[256], clean[TEXTLEN_BYTES(PARTICIPANT_NAME_MAX)];
	struct ticket t;
	if (added)
		*added = 0;
	int rc = normalise(address, addr, sizeof(addr), err);
	if (rc < 0)
		return rc;
	clean_name(name, clean, sizeof(clean));
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = ticket_get(db, ticket_id, &t, err);
	if (rc == 0)
		rc = db_exec(db, &q_add,
		             DB_ARGS(db_int(ticket_id), db_text(addr), db_text(clean), db_text(a->kind),
		                     db_int(now)),
		             err);
	if (rc == 1) {
		if (added)
			*added = 1;
		rc = event(db, a, now, ticket_id, "participant_added", addr, err);
	}
	return db_finish(db, rc, err);
}

int participant_remove(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                       const char *address, struct kf_error *err)
{
	char addr[256];
	int rc = normalise(address, addr, sizeof(addr), err);
	if (rc < 0)
		return rc == KF_EINVAL
		        ? kf_fail(err, KF_ENOTFOUND, "not_found", "address", "no such participant")
		        : rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_remove, DB_ARGS(db_int(ticket_id), db_text(addr)), err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "address", "no such participant");
	else if (rc > 0)
		rc = event(db, a, now, ticket_id, "participant_removed", addr, err);
	return db_finish(db, rc, err);
}

int participant_is(struct db *db, int64_t ticket_id, const char *address, struct kf_error *err)
{
	char addr[256];
	int64_t one;
	struct kf_error ignore = KF_ERROR_INIT;
	if (normalise(address, addr, sizeof(addr), &ignore) < 0)
		return 0;
	int rc = db_query_int(db, &q_is, DB_ARGS(db_int(ticket_id), db_text(addr)), &one, err);
	return rc == KF_ENOTFOUND ? 0 : rc < 0 ? rc : 1;
}

int participant_list_json(struct db *db, int64_t ticket_id, int mask, json_t **items, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	int rc = db_query(db, &q_list, DB_ARGS(db_int(ticket_id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		const char *address = db_col_text(r, 0), *name = db_col_text(r, 1);
		char a[300], n[TEXTLEN_BYTES(PARTICIPANT_NAME_MAX) + 4];
		if (mask) {
			privacy_mask_email(address ? address : "", a, sizeof(a));
			privacy_mask_text(name ? name : "", n, sizeof(n));
		} else {
			snprintf(a, sizeof(a), "%s", address ? address : "");
			snprintf(n, sizeof(n), "%s", name ? name : "");
		}
		json_array_append_new(*items,
		                      json_pack("{s:s,s:s,s:s,s:I}", "address", a, "name", n, "added_by",
		                                db_col_text(r, 2) ? db_col_text(r, 2) : "", "created_at",
		                                (json_int_t)db_col_int(r, 3)));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}
