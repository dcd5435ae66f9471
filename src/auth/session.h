/*
 * session.h - sign-in sessions for staff and portal customers.
 *
 * The cookie carries a random 256-bit token; the database keeps only its
 * hash, so a leaked database does not leak live sessions.  Each session
 * has its own CSRF token, which cookie-authenticated writes must echo in
 * the X-CSRF-Token header.  Expiry slides: a session used within its
 * lifetime is extended, at most once a minute (one write per minute per
 * session, not per request).
 */
#ifndef KF_SESSION_H
#define KF_SESSION_H

#include <stdint.h>

#include "auth/password.h"
#include "auth/principal.h"
#include "base/err.h"

struct db;

#define SESSION_COOKIE "kefu_session" /* staff */
#define PORTAL_COOKIE "kefu_portal" /* customers */

/* kind is "staff" or "customer". */
int session_create(struct db *db, const char *kind, int64_t principal_id, const char *addr, int64_t now,
                   int ttl_s, char token[TOKEN_TEXT_MAX], char csrf[48], int64_t *id, struct kf_error *err);
/* Fill who from a live session whose account is enabled; KF_EAUTH otherwise. */
int session_resolve(struct db *db, const char *kind, const char *token, int64_t now, int ttl_s,
                    struct principal *who, struct kf_error *err);
int session_end(struct db *db, const char *token, struct kf_error *err);
int session_end_all(struct db *db, const char *kind, int64_t principal_id, struct kf_error *err);

#endif
