/*
 * throttle.h - throttling of guesses: sign-ins (staff and portal) and
 * other secrets a client may try (survey links).
 *
 * Sign-in (throttle_login_*): failures are rows in signin_failures, so
 * the limits hold across restarts and across several kefu nodes on one
 * PostgreSQL.  Nothing is ever locked: a key that failed too often must
 * wait a delay that doubles with each further failure (1 s, 2 s, 4 s ...
 * up to max_delay_s) counted from its last failure, answered 429 with
 * Retry-After.  Three keys are counted:
 *   - the account from this address: always applies, so a guesser at
 *     one address is slowed on the account it guesses;
 *   - this address on any account (password spraying) and
 *   - the account from any address (a guesser with many addresses):
 *     these two apply only where the account has not signed in from this
 *     address before (signin_known), so neither someone failing from
 *     elsewhere nor a neighbour behind the same NAT failing on other
 *     accounts delays an owner at an address they use.
 * A failure is recorded before the password is checked and taken back on
 * success, so parallel guesses see each other.  A success also forgets
 * the account's failures from this address.
 *
 * Survey links (throttle_check/throttle_fail): failures per address in
 * login_failures; at max failures inside the window further attempts
 * wait until the oldest leaves the window.
 */
#ifndef KF_THROTTLE_H
#define KF_THROTTLE_H

#include <stdint.h>

#include "base/err.h"

struct db;

struct throttle_limits {
	int per_account; /* failures allowed per account per window */
	int per_addr; /* failures allowed per address per window */
	int window_s; /* the window, seconds */
};

/* What the store saw inside the window for one key. */
struct throttle_count {
	int failures; /* failures inside the window */
	int64_t oldest; /* time of the oldest of them (0 if none) */
};

/* Pure: seconds to wait (0 = go ahead). */
int throttle_wait(const struct throttle_count *account, const struct throttle_count *addr, int64_t now,
                  const struct throttle_limits *lim);

/* Seconds to wait before login may try (0 = go ahead). */
int throttle_check(struct db *db, const char *login, const char *addr, int64_t now,
                   const struct throttle_limits *lim, int *wait_s, struct kf_error *err);
int throttle_fail(struct db *db, const char *login, const char *addr, int64_t now,
                  const struct throttle_limits *lim, struct kf_error *err);
int throttle_clear(struct db *db, const char *login, struct kf_error *err);

/* ---- sign-in -------------------------------------------------------------- */

#define THROTTLE_KNOWN_DAYS 90 /* a sign-in from an address makes it known this long */

struct login_limits {
	int per_pair; /* failures of one account from one address before its delays start */
	int per_addr; /* failures from one address, any account, before the address is slowed */
	int per_login; /* failures of one account, any address, before it is slowed at unknown addresses */
	int window_s; /* failures older than this are forgotten */
	int max_delay_s; /* the longest delay */
};

/* Failures of one key inside the window. */
struct login_tally {
	int failures; /* how many */
	int64_t last_ms; /* when the newest was (0 if none) */
};

/* What the store knows about one attempt. */
struct login_seen {
	struct login_tally pair; /* this account from this address */
	struct login_tally addr; /* this address, any account */
	struct login_tally login; /* this account, any address */
	int known; /* the account signed in from this address within THROTTLE_KNOWN_DAYS */
};

/* Pure: the delay after failures of a key with threshold free failures (ms; 0 = none). */
int64_t throttle_delay_ms(int failures, int threshold, int max_delay_s);
/* Pure: milliseconds the attempt must still wait (0 = go ahead). */
int64_t throttle_login_wait_ms(const struct login_seen *s, int64_t now_ms, const struct login_limits *lim);

/*
 * Before checking a password: *wait_ms > 0 when the attempt must wait
 * (nothing recorded); otherwise a failure is recorded for it at once and
 * *pending is its id.  login is the throttle key ("staff:NAME",
 * "customer:LOGIN").
 */
int throttle_login_begin(struct db *db, const char *login, const char *addr, int64_t now_ms,
                         const struct login_limits *lim, int64_t *wait_ms, int64_t *pending,
                         struct kf_error *err);
/* After a wrong password: the pending failure happened at now_ms (delays count from its end). */
int throttle_login_failed(struct db *db, int64_t pending, int64_t now_ms, struct kf_error *err);
/* After a right password: forget the account's failures from addr, remember addr as known. */
int throttle_login_ok(struct db *db, const char *login, const char *addr, int64_t now, struct kf_error *err);

#endif
