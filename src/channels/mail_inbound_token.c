/*
 * mail_inbound_token.c - see mail_inbound_token.h.
 */
#include "channels/mail_inbound_token.h"

#include <sodium.h>
#include <string.h>

#include "store/db.h"

static struct db_sql q_set = DB_SQL("UPDATE mail_settings SET inbound_token_hash = $1 WHERE id = 1");
static struct db_sql q_get = DB_SQL("SELECT inbound_token_hash FROM mail_settings WHERE id = 1");

int mail_inbound_token_make(struct db *db, const struct actor *a, int64_t now, char out[TOKEN_TEXT_MAX],
                            struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX];
	token_random(MAIL_INBOUND_TOKEN_PREFIX, out);
	token_hash_hex(out, hash);
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_set, DB_ARGS(db_text(hash)), err);
	if (rc == 0)
		rc = kf_fail(err, KF_EDB, "mail_settings_missing", NULL, "the mail settings row is missing");
	if (rc > 0) {
		json_t *after = json_pack("{s:s}", "inbound_token", "replaced");
		rc = audit_record(db, a, now, "mail.inbound_token", "mail_settings", 1, NULL, after, err);
		json_decref(after);
	}
	if (rc < 0)
		sodium_memzero(out, TOKEN_TEXT_MAX);
	return db_finish(db, rc, err);
}

int mail_inbound_token_check(struct db *db, const char *token, struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX], stored[TOKEN_HASH_HEX] = "";
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_NOARGS, &r, err);
	if (rc == 0 && (rc = db_next(r, err)) == 1) {
		const char *s = db_col_text(r, 0);
		if (s && strlen(s) == TOKEN_HASH_HEX - 1)
			memcpy(stored, s, TOKEN_HASH_HEX);
	}
	db_done(r);
	if (rc < 0)
		return rc;
	token_hash_hex(token ? token : "", hash);
	if (!stored[0] || strncmp(token ? token : "", MAIL_INBOUND_TOKEN_PREFIX, 4) != 0 ||
	    sodium_memcmp(hash, stored, TOKEN_HASH_HEX - 1) != 0)
		return kf_fail(err, KF_EAUTH, "unauthenticated", NULL, "the inbound mail token is not valid");
	return 0;
}
