/*
 * session.h - sign-in sessions for staff and portal customers.
 *
 * The cookie carries a random 256-bit token; the database keeps only its
 * hash, so a leaked database does not leak live sessions.  Each session
 * has its own CSRF token, which cookie-authenticated writes must echo in
 * the X-CSRF-Token header.  A session has two limits: an idle timeout
 * that slides (a session used within it is extended, at most once a
 * minute: one write per minute per session, not per request) and an
 * absolute lifetime from sign-in that no use extends, after which the
 * person must sign in again.
 */
#ifndef KF_SESSION_H
#define KF_SESSION_H

#include <stdint.h>

#include "auth/password.h"
#include "auth/principal.h"
#include "base/err.h"

struct db;
struct user;

#define SESSION_COOKIE "kefu_session" /* staff */
#define PORTAL_COOKIE "kefu_portal" /* customers */

struct session_limits {
	int idle_s; /* ends when unused this long (sliding) */
	int max_s; /* ends this long after sign-in, used or not */
};

/* kind is "staff" or "customer". */
int session_create(struct db *db, const char *kind, int64_t principal_id, const char *addr, int64_t now,
                   const struct session_limits *lim, char token[TOKEN_TEXT_MAX], char csrf[48], int64_t *id,
                   struct kf_error *err);
/*
 * Fill who (and u, the user row, loaded by the same query) from a live
 * staff session whose user is enabled; KF_EAUTH otherwise.
 */
int session_resolve_staff(struct db *db, const char *token, int64_t now, const struct session_limits *lim,
                          struct principal *who, struct user *u, struct kf_error *err);
/* The same for a portal (customer) session. */
int session_resolve_customer(struct db *db, const char *token, int64_t now, const struct session_limits *lim,
                             struct principal *who, struct kf_error *err);
/* When a session created at created_at and last used at now expires (pure). */
int64_t session_expiry(int64_t created_at, int64_t now, const struct session_limits *lim);
int session_end(struct db *db, const char *token, struct kf_error *err);
int session_end_all(struct db *db, const char *kind, int64_t principal_id, struct kf_error *err);
/* End every session of the principal but keep (a session id; 0 = end them all). */
int session_end_others(struct db *db, const char *kind, int64_t principal_id, int64_t keep,
                       struct kf_error *err);

#endif
