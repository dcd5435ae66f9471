/*
 * mail_token.h - the reply token of a ticket: 12 random characters
 * [a-z2-9] (60 bits, unguessable), stored in mail_tokens when kefu first
 * mails about the ticket, carried in the Reply-To address of every mail
 * kefu sends (support+TOKEN@shop.cn).  A reply to that address threads to
 * its ticket whatever the client did to the headers and the subject.
 */
#ifndef KF_MAIL_TOKEN_H
#define KF_MAIL_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;

#define MAIL_TOKEN_LEN 12
#define MAIL_TOKEN_MAX (MAIL_TOKEN_LEN + 1)

/* The token of ticket_id, made and stored (in the caller's transaction, if any) on first use. */
int mail_token_get(struct db *db, int64_t ticket_id, int64_t now, char out[MAIL_TOKEN_MAX],
                   struct kf_error *err);
/* The ticket whose token is token; KF_ENOTFOUND when none. */
int mail_token_ticket(struct db *db, const char *token, int64_t *ticket_id, struct kf_error *err);
/*
 * Whether rcpt is support's address with a token: "local+TOKEN@domain" where
 * support is "local@domain" (compared without case); copies the token
 * (lower-case) into out.  Pure.
 */
int mail_token_from_address(const char *support, const char *rcpt, char out[MAIL_TOKEN_MAX]);
/* "local+TOKEN@domain" for support "local@domain" into out (n bytes); support itself when it has no '@'. Pure. */
void mail_token_address(const char *support, const char *token, char *out, size_t n);

#endif
