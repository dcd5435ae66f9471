/*
 * privacy.c - see privacy.h.  The masking functions come first (pure);
 * export and erasure follow, over the customer module's tables.
 */
#include "crm/privacy.h"

#include <stdio.h>
#include <string.h>

#include "auth/portal.h"
#include "crm/customer.h"
#include "crm/timeline.h"
#include "store/search.h"
#include "store/db.h"
#include "base/banned.h"

/* An output buffer that stops at a character boundary when full. */
struct out {
	char *p;
	size_t n; /* bytes at p, NUL included */
	size_t len;
	int full; /* something did not fit; nothing more is written */
};

static void out_put(struct out *o, const char *s, size_t k)
{
	if (o->full || o->len + k >= o->n) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, k);
	o->len += k;
	o->p[o->len] = '\0';
}

static int out_start(struct out *o, char *p, size_t n)
{
	o->p = p;
	o->n = n;
	o->len = 0;
	o->full = 0;
	if (n == 0)
		return -1;
	p[0] = '\0';
	return 0;
}

/* Bytes of the UTF-8 character at s (1 for a stray byte; never past the NUL). */
static size_t char_len(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	size_t k = c < 0x80 ? 1 : c >= 0xF0 && c <= 0xF7 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	for (size_t i = 1; i < k; i++)
		if (s[i] == '\0')
			return i;
	return k;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void privacy_mask_phone(const char *s, char *out, size_t n)
{
	struct out o;
	size_t digits = 0, head = 0, tail = 0, i = 0;
	if (out_start(&o, out, n) < 0 || !s)
		return;
	for (const char *p = s; *p; p++)
		digits += is_digit(*p);
	if (digits >= 8) {
		head = 3;
		tail = 4;
	} else if (digits >= 3) {
		head = 1;
		tail = 1;
	}
	for (const char *p = s; *p;) {
		size_t k = char_len(p);
		if (is_digit(*p)) {
			int keep = i < head || i >= digits - tail;
			out_put(&o, keep ? p : "*", 1);
			i++;
		} else {
			out_put(&o, p, k);
		}
		p += k;
	}
}

void privacy_mask_email(const char *s, char *out, size_t n)
{
	struct out o;
	if (out_start(&o, out, n) < 0 || !s)
		return;
	const char *at = strrchr(s, '@');
	if (!at || at == s || at[1] == '\0') {
		privacy_mask_text(s, out, n);
		return;
	}
	out_put(&o, s, char_len(s));
	out_put(&o, "***", 3);
	out_put(&o, at, strlen(at));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

void privacy_mask_text(const char *s, char *out, size_t n)
{
	struct out o;
	int in_word = 0;
	if (out_start(&o, out, n) < 0 || !s)
		return;
	for (const char *p = s; *p;) {
		size_t k = char_len(p);
		if (is_space(*p)) {
			out_put(&o, p, k);
			in_word = 0;
		} else if (!in_word && p[k] != '\0' && !is_space(p[k])) {
			out_put(&o, p, k); /* the first character of a longer word */
			in_word = 1;
		} else {
			out_put(&o, "*", 1);
			in_word = 1;
		}
		p += k;
	}
}

void privacy_mask_identity(const char *kind, const char *s, char *out, size_t n)
{
	if (strcmp(kind, "phone") == 0 || strcmp(kind, "qq") == 0)
		privacy_mask_phone(s, out, n);
	else if (strcmp(kind, "email") == 0)
		privacy_mask_email(s, out, n);
	else
		privacy_mask_text(s, out, n);
}

/* --- export ------------------------------------------------------------ */

/* Every timeline row of the customer, newest first, appended to items. */
static int timeline_all(struct db *db, int64_t id, json_t *items, struct kf_error *err)
{
	int64_t at = 0, last = 0;
	do {
		json_t *page = NULL;
		int rc = timeline_page(db, id, at, last, KF_MAX_PAGE_SIZE, &page, &at, &last, err);
		if (rc < 0)
			return rc;
		json_array_extend(items, page);
		json_decref(page);
	} while (last != 0);
	return 0;
}

int privacy_export(struct db *db, const struct actor *a, int64_t now, int64_t id, json_t **out,
                   struct kf_error *err)
{
	json_t *c = NULL, *timeline = json_array();
	*out = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		goto out;
	rc = customer_json(db, id, CUSTOMER_JSON_HISTORY, &c, err);
	if (rc == 0)
		rc = timeline_all(db, id, timeline, err);
	if (rc == 0) {
		json_t *what = json_pack("{s:I,s:I}", "timeline_rows", (json_int_t)json_array_size(timeline),
		                         "exported_at", (json_int_t)now);
		rc = audit_record(db, a, now, "customer.export", "customer", id, NULL, what, err);
		json_decref(what);
	}
	if (rc < 0) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db, err);
	if (rc == 0)
		*out = json_pack("{s:O,s:O,s:I}", "customer", c, "timeline", timeline, "exported_at",
		                 (json_int_t)now);
out:
	json_decref(c);
	json_decref(timeline);
	return rc;
}

/* --- erasure ----------------------------------------------------------- */

static struct db_sql q_anonymise = DB_SQL(
        "UPDATE customers SET name = $2, birthday = NULL, note = '', erased_at = $3, updated_at = $3,"
        " version = version + 1 WHERE id = $1 AND erased_at IS NULL");
static struct db_sql q_del_identities = DB_SQL("DELETE FROM customer_identities WHERE customer_id = $1");
static struct db_sql q_del_addresses = DB_SQL("DELETE FROM customer_addresses WHERE customer_id = $1");
static struct db_sql q_del_preferences = DB_SQL("DELETE FROM customer_preferences WHERE customer_id = $1");
static struct db_sql q_del_tags = DB_SQL("DELETE FROM customer_tags WHERE customer_id = $1");

/* The fields of c that say nothing about the person, for the audit row. */
static json_t *impersonal_json(const struct customer *c)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:I,s:I}", "id", (json_int_t)c->id, "kind", c->kind, "tier",
	                 c->tier, "stage", c->stage, "created_at", (json_int_t)c->created_at, "version",
	                 (json_int_t)c->version);
}

static int erase_rows(struct db *db, int64_t id, int64_t now, struct kf_error *err)
{
	struct db_sql *parts[] = { &q_del_identities, &q_del_addresses, &q_del_preferences, &q_del_tags };
	char name[96];
	snprintf(name, sizeof(name), "已删除客户 / erased customer #%lld", (long long)id);
	int rc = db_exec(db, &q_anonymise, DB_ARGS(db_int(id), db_text(name), db_int(now)), err);
	if (rc == 0)
		return kf_fail(err, KF_ECONFLICT, "erased", NULL, "this customer was erased");
	for (size_t i = 0; rc >= 0 && i < sizeof(parts) / sizeof(parts[0]); i++)
		rc = db_exec(db, parts[i], DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = timeline_erase(db, id, err);
	if (rc == 0)
		rc = search_remove(db, "customer", id, err);
	if (rc == 0)
		rc = portal_accounts_erase(db, id, err);
	return rc < 0 ? rc : 0;
}

int privacy_erase(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	struct customer c;
	json_t *before = NULL, *after = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_get(db, id, &c, err);
	if (rc == 0 && c.erased_at)
		rc = kf_fail(err, KF_ECONFLICT, "erased", NULL, "this customer was erased");
	if (rc == 0) {
		before = impersonal_json(&c);
		rc = erase_rows(db, id, now, err);
	}
	if (rc == 0)
		rc = customer_get(db, id, &c, err);
	if (rc == 0) {
		after = impersonal_json(&c);
		json_object_set_new(after, "erased_at", json_integer(now));
		rc = audit_record(db, a, now, "customer.erase", "customer", id, before, after, err);
	}
	json_decref(before);
	json_decref(after);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}
