/*
 * bounce.c - see bounce.h.
 */
#include "channels/bounce.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/textlen.h"
#include "crm/privacy.h"
#include "store/db.h"

static struct db_sql q_record = DB_SQL(
        "INSERT INTO mail_bounces (address, count, first_at, last_at, status, diagnostic, mail_id)"
        " VALUES ($1, 1, $2, $2, $3, $4, $5) ON CONFLICT (address) DO UPDATE SET count = mail_bounces.count + 1,"
        " last_at = $2, status = $3, diagnostic = $4, mail_id = $5");
static struct db_sql q_is = DB_SQL("SELECT 1 FROM mail_bounces WHERE address = $1");
static struct db_sql q_remove = DB_SQL("DELETE FROM mail_bounces WHERE address = $1");
static struct db_sql q_list = DB_SQL("SELECT address, count, first_at, last_at, status, diagnostic, mail_id"
                                     " FROM mail_bounces ORDER BY last_at DESC, address LIMIT 1000");

int bounce_record(struct db *db, const char *address, const char *status, const char *diagnostic,
                  int64_t mail_id, int64_t now, struct kf_error *err)
{
	const char *d = diagnostic ? diagnostic : "";
	size_t n = textlen_prefix(d, (size_t)-1, BOUNCE_DIAGNOSTIC_MAX);
	int rc = db_exec(db, &q_record,
	                 DB_ARGS(db_text(address), db_int(now), db_text(status ? status : ""), db_textn(d, n),
	                         mail_id > 0 ? db_int(mail_id) : db_null()),
	                 err);
	return rc < 0 ? rc : 0;
}

int bounce_is(struct db *db, const char *address, struct kf_error *err)
{
	int64_t one;
	int rc = db_query_int(db, &q_is, DB_ARGS(db_text(address)), &one, err);
	return rc == KF_ENOTFOUND ? 0 : rc < 0 ? rc : 1;
}

int bounce_remove(struct db *db, const char *address, struct kf_error *err)
{
	char addr[300];
	size_t i = 0;
	for (; address && address[i] && i + 1 < sizeof(addr); i++)
		addr[i] = (char)tolower((unsigned char)address[i]);
	addr[i] = '\0';
	int rc = db_exec(db, &q_remove, DB_ARGS(db_text(addr)), err);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "address", "this address is not bouncing");
	return rc < 0 ? rc : 0;
}

int bounce_list_json(struct db *db, int mask, json_t **items, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	int rc = db_query(db, &q_list, DB_NOARGS, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		const char *address = db_col_text(r, 0) ? db_col_text(r, 0) : "";
		char a[300];
		if (mask)
			privacy_mask_email(address, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "%s", address);
		json_array_append_new(
		        *items,
		        json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:o}", "address", a, "count",
		                  (json_int_t)db_col_int(r, 1), "first_at", (json_int_t)db_col_int(r, 2),
		                  "last_at", (json_int_t)db_col_int(r, 3), "status",
		                  db_col_text(r, 4) ? db_col_text(r, 4) : "", "diagnostic",
		                  db_col_text(r, 5) ? db_col_text(r, 5) : "", "mail_id",
		                  db_col_isnull(r, 6) ? json_null() : json_integer(db_col_int(r, 6))));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}
