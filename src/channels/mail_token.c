/*
 * mail_token.c - see mail_token.h.
 */
#include "channels/mail_token.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "store/db.h"

static struct db_sql q_get = DB_SQL("SELECT token FROM mail_tokens WHERE ticket_id = $1");
static struct db_sql q_put = DB_SQL(
        "INSERT INTO mail_tokens (token, ticket_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
static struct db_sql q_ticket = DB_SQL("SELECT ticket_id FROM mail_tokens WHERE token = $1");

static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* 32: no l, o, 0, 1 */

static int token_read(struct db *db, int64_t ticket_id, char out[MAIL_TOKEN_MAX], struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(ticket_id)), &r, err);
	if (rc == 0 && (rc = db_next(r, err)) == 1)
		str_copy(out, MAIL_TOKEN_MAX, db_col_text(r, 0));
	db_done(r);
	return rc; /* 1 found, 0 none, < 0 error */
}

int mail_token_get(struct db *db, int64_t ticket_id, int64_t now, char out[MAIL_TOKEN_MAX], struct kf_error *err)
{
	int rc = token_read(db, ticket_id, out, err);
	for (int tries = 0; rc == 0 && tries < 4; tries++) {
		unsigned char raw[MAIL_TOKEN_LEN];
		randombytes_buf(raw, sizeof(raw));
		for (int i = 0; i < MAIL_TOKEN_LEN; i++)
			out[i] = alphabet[raw[i] & 31];
		out[MAIL_TOKEN_LEN] = '\0';
		rc = db_exec(db, &q_put, DB_ARGS(db_text(out), db_int(ticket_id), db_int(now)), err);
		if (rc >= 0)
			rc = token_read(db, ticket_id, out, err); /* ours, or a racing writer's */
	}
	if (rc == 0)
		rc = kf_fail(err, KF_EDB, "mail_token", NULL, "no reply token could be made");
	return rc < 0 ? rc : 0;
}

int mail_token_ticket(struct db *db, const char *token, int64_t *ticket_id, struct kf_error *err)
{
	return db_query_int(db, &q_ticket, DB_ARGS(db_text(token)), ticket_id, err);
}

int mail_token_from_address(const char *support, const char *rcpt, char out[MAIL_TOKEN_MAX])
{
	const char *sat = strrchr(support, '@'), *rat = strrchr(rcpt, '@');
	if (!sat || !rat || strcasecmp(sat, rat) != 0)
		return 0;
	size_t local = (size_t)(sat - support);
	if ((size_t)(rat - rcpt) != local + 1 + MAIL_TOKEN_LEN || strncasecmp(support, rcpt, local) != 0 ||
	    rcpt[local] != '+')
		return 0;
	for (int i = 0; i < MAIL_TOKEN_LEN; i++) {
		char c = (char)tolower((unsigned char)rcpt[local + 1 + i]);
		if (!strchr(alphabet, c) || c == '\0')
			return 0;
		out[i] = c;
	}
	out[MAIL_TOKEN_LEN] = '\0';
	return 1;
}

void mail_token_address(const char *support, const char *token, char *out, size_t n)
{
	const char *at = strrchr(support, '@');
	if (!at)
		snprintf(out, n, "%s", support);
	else
		snprintf(out, n, "%.*s+%s%s", (int)(at - support), support, token, at);
}
