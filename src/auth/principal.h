/*
 * principal.h - who is making a request: nobody, a staff user, or a
 * customer with a portal account.  Filled by the authentication gate.
 */
#ifndef KF_PRINCIPAL_H
#define KF_PRINCIPAL_H

#include <stdint.h>

#include "base/limits.h"

enum principal_kind {
	PRINCIPAL_NONE = 0, /* anonymous */
	PRINCIPAL_STAFF, /* a staff user (users table) */
	PRINCIPAL_CUSTOMER, /* a portal account (customer_accounts table) */
};

struct principal {
	enum principal_kind kind;
	int64_t id; /* users.id or customer_accounts.id */
	int64_t customer_id; /* the customer record of a portal account; 0 = none (and for staff) */
	int role; /* enum role (auth/rbac.h); 0 for customers */
	char name[KF_MAX_NAME_BYTES + 1]; /* username or login */
	int via_token; /* authenticated by an API token, not a cookie */
	int64_t session_id; /* sessions.id; 0 for API tokens */
	int64_t token_id; /* api_tokens.id; 0 for sessions */
	char csrf[48]; /* the session's CSRF token */
};

#endif
