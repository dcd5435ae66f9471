/*
 * audit.h - the audit log: logins, failed logins and every
 * administrative change (who, when, what, before -> after).  Rows are
 * only ever appended.  Callers write the audit row in the same
 * transaction as the change it describes.
 */
#ifndef KF_AUDIT_H
#define KF_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

struct db;

struct actor {
	const char *kind; /* "staff", "customer", "cli", "system", "anonymous" */
	int64_t id; /* users.id / customer_accounts.id, 0 if none */
	const char *name; /* username, login, or the OS user for the CLI */
	const char *addr; /* client address, NULL for the CLI */
	const char *rid; /* request id, NULL for the CLI */
};

/* Append one row; before/after are borrowed and may be NULL. */
int audit_record(struct db *db, const struct actor *a, int64_t at, const char *action, const char *object_type,
                 int64_t object_id, json_t *before, json_t *after, struct kf_error *err);

/*
 * Newest first.  before_id 0 = from the newest; object_type NULL = all.
 * *items is a new array of rows; *last_id the id of the last row given.
 */
int audit_list(struct db *db, const char *object_type, int64_t object_id, int64_t before_id, int limit,
               json_t **items, int64_t *last_id, struct kf_error *err);

/*
 * Erasure (crm/privacy.c): the personal values of one person, to be
 * replaced by a marker wherever kefu copied them.  values: strings of 2
 * bytes or more; keys: object keys whose string value is replaced whole
 * (in the person's own entries), NULL-terminated, may be NULL.
 */
struct audit_redaction {
	const char *const *values;
	size_t nvalues;
	const char *const *keys;
	const char *mark;
};

/*
 * s with every value replaced by the mark (a value with '*' is a masked
 * phone, each '*' one digit); a new string, or NULL when nothing matched.
 */
char *audit_text_redact(const char *s, const struct audit_redaction *r);
/* Replace in the strings of j (never in keys); how many strings changed. */
int audit_json_redact(json_t *j, const struct audit_redaction *r, int whole_keys);
/*
 * Mask the before/after copies of the audit entries about object_type
 * object_id (values and whole keys) and of any other entry containing one
 * of the values (the values): the entries are kept, the person is not.
 */
int audit_redact(struct db *db, const char *object_type, int64_t object_id, const struct audit_redaction *r,
                 struct kf_error *err);

#endif
