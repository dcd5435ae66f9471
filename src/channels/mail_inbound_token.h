/*
 * mail_inbound_token.h - the token `kefu mail receive` (the MTA's pipe)
 * presents to POST /api/v1/mail/inbound: "kfm_" + 256 random bits, shown
 * once when an admin makes it, stored only as its BLAKE2b hash in
 * mail_settings.inbound_token_hash (like API tokens, auth/token.h).  It
 * allows that one route and nothing else; a new token replaces the old.
 */
#ifndef KF_MAIL_INBOUND_TOKEN_H
#define KF_MAIL_INBOUND_TOKEN_H

#include <stdint.h>

#include "auth/audit.h"
#include "auth/password.h"
#include "base/err.h"

struct db;

#define MAIL_INBOUND_TOKEN_PREFIX "kfm_"

/* Make a new token into out (shown once), store its hash, audit "mail.inbound_token". */
int mail_inbound_token_make(struct db *db, const struct actor *a, int64_t now, char out[TOKEN_TEXT_MAX],
                            struct kf_error *err);
/* 0 when token is the current inbound token (hashes compared in constant time), KF_EAUTH otherwise. */
int mail_inbound_token_check(struct db *db, const char *token, struct kf_error *err);

#endif
