/*
 * customer.c - see customer.h.  Pure checks first, then the profile, the
 * JSON rendering, the list, and the parts (identities in identity.c, addresses,
 * preferences in preference.c; tags, consents).  Each change: db_begin, customer_touch
 * (exists, not erased, version bumped), the write, audit_record, commit.
 */
#include "crm/customer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "crm/identity.h"
#include "crm/preference.h"
#include "crm/privacy.h"
#include "events/outbox.h"
#include "store/db.h"
#include "store/search.h"

#define COLUMNS \
	"id, kind, name, company_id, COALESCE(external_id, ''), tier, stage, COALESCE(birthday, ''), locale," \
	" note, created_at, updated_at, version, erased_at"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO customers (kind, name, company_id, external_id, tier, stage, birthday, locale, note,"
        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id");
static struct db_sql q_get = DB_SQL("SELECT " COLUMNS " FROM customers WHERE id = $1");
static struct db_sql q_update = DB_SQL(
        "UPDATE customers SET kind = $3, name = $4, company_id = $5, external_id = $6, tier = $7, stage = $8,"
        " birthday = $9, locale = $10, note = $11, updated_at = $12, version = version + 1"
        " WHERE id = $1 AND version = $2");
static struct db_sql q_touch = DB_SQL(
        "UPDATE customers SET updated_at = $2, version = version + 1 WHERE id = $1 AND erased_at IS NULL");
static struct db_sql q_list = DB_SQL(
        "SELECT " COLUMNS " FROM customers c WHERE c.id > $1 AND c.erased_at IS NULL"
        " AND (CAST($2 AS TEXT) = '' OR c.tier = $2)"
        " AND (CAST($3 AS TEXT) = '' OR c.stage = $3)"
        " AND (CAST($4 AS TEXT) = '' OR EXISTS (SELECT 1 FROM customer_tags t"
        " WHERE t.customer_id = c.id AND t.tag = $4))"
        " AND (CAST($5 AS TEXT) = '' OR SUBSTR(c.name, 1, LENGTH(CAST($5 AS TEXT))) = $5"
        " OR c.id IN (SELECT i.customer_id FROM customer_identities i"
        " WHERE (i.kind = 'phone' AND i.value = $6) OR (i.kind = 'email' AND i.value = $7)))"
        " AND (CAST($9 AS TEXT) = '' OR EXISTS (SELECT 1 FROM customer_value v"
        " WHERE v.customer_id = c.id AND v.segment = $9))"
        " ORDER BY c.id LIMIT $8");

static struct db_sql q_ident_list = DB_SQL(
        "SELECT id, kind, value FROM customer_identities WHERE customer_id = $1 ORDER BY id");

#define ADDR_COLUMNS \
	"id, label, recipient, phone, province, city, district, line, postcode, is_default, version"
static struct db_sql q_addr_insert = DB_SQL(
        "INSERT INTO customer_addresses (customer_id, label, recipient, phone, province, city, district, line,"
        " postcode, is_default, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id");
static struct db_sql q_addr_list = DB_SQL("SELECT " ADDR_COLUMNS
                                          " FROM customer_addresses WHERE customer_id = $1 ORDER BY id");
static struct db_sql q_addr_get = DB_SQL("SELECT " ADDR_COLUMNS
                                         " FROM customer_addresses WHERE id = $1 AND customer_id = $2");
static struct db_sql q_addr_count = DB_SQL("SELECT COUNT(*) FROM customer_addresses WHERE customer_id = $1");
static struct db_sql q_addr_update = DB_SQL(
        "UPDATE customer_addresses SET label = $4, recipient = $5, phone = $6, province = $7, city = $8,"
        " district = $9, line = $10, postcode = $11, is_default = $12, updated_at = $13,"
        " version = version + 1 WHERE id = $1 AND customer_id = $2 AND version = $3");
static struct db_sql q_addr_undefault = DB_SQL(
        "UPDATE customer_addresses SET is_default = 0 WHERE customer_id = $1 AND id <> $2 AND is_default = 1");
static struct db_sql q_addr_delete = DB_SQL("DELETE FROM customer_addresses WHERE id = $1 AND customer_id = $2");

static struct db_sql q_tag_add = DB_SQL(
        "INSERT INTO customer_tags (customer_id, tag) VALUES ($1, $2) ON CONFLICT (customer_id, tag) DO NOTHING");
static struct db_sql q_tag_delete = DB_SQL("DELETE FROM customer_tags WHERE customer_id = $1 AND tag = $2");
static struct db_sql q_tag_list = DB_SQL("SELECT tag FROM customer_tags WHERE customer_id = $1 ORDER BY tag");

static struct db_sql q_consent_add = DB_SQL(
        "INSERT INTO customer_consents (customer_id, purpose, granted, at, source) VALUES ($1, $2, $3, $4, $5)"
        " RETURNING id");
static struct db_sql q_consent_list = DB_SQL(
        "SELECT id, purpose, granted, at, source FROM customer_consents WHERE customer_id = $1 ORDER BY id");

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* --- pure checks ------------------------------------------------------- */

static int in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int customer_tier_valid(const char *s, const char *field, struct kf_error *err)
{
	static const char *const tiers[] = { "A", "B", "C", NULL };
	if (in_list(s, tiers))
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", field, "%s must be A, B or C", field);
}

int customer_stage_valid(const char *s, const char *field, struct kf_error *err)
{
	static const char *const stages[] = { "potential", "new",    "satisfied", "loyal",
		                              "at_risk",   "lapsed", NULL };
	if (in_list(s, stages))
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", field,
	               "%s must be one of potential, new, satisfied, loyal, at_risk, lapsed", field);
}

int customer_kind_valid(const char *s, const char *field, struct kf_error *err)
{
	static const char *const kinds[] = { "person", "company", NULL };
	if (in_list(s, kinds))
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", field, "%s must be person or company", field);
}

int customer_purpose_valid(const char *s, const char *field, struct kf_error *err)
{
	static const char *const purposes[] = { "marketing_sms",
		                                "marketing_email",
		                                "marketing_wechat",
		                                "marketing_phone",
		                                "data_processing",
		                                "survey",
		                                NULL };
	if (in_list(s, purposes))
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", field,
	               "%s must be one of marketing_sms, marketing_email, marketing_wechat, marketing_phone,"
	               " data_processing, survey",
	               field);
}

static int digits_at(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int customer_birthday_valid(const char *s, const char *field, struct kf_error *err)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = -1, m = -1, d = -1;
	if (s && strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		y = digits_at(s, 4);
		m = digits_at(s + 5, 2);
		d = digits_at(s + 8, 2);
	}
	if (y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1) {
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (d <= days[m - 1] + (m == 2 && leap))
			return 0;
	}
	return kf_fail(err, KF_EINVAL, "invalid", field, "%s must be a date YYYY-MM-DD", field);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copy s without leading and trailing blanks; -1 if it does not fit. */
static int trim_copy(const char *s, char *out, size_t n)
{
	while (*s && is_blank(*s))
		s++;
	size_t len = strlen(s);
	while (len && is_blank(s[len - 1]))
		len--;
	if (len >= n)
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

static int norm_phone(const char *s, char *out, size_t n)
{
	size_t len = 0, digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '+' && len == 0 && p == s + strspn(s, " \t")) {
			/* a leading plus, kept */
		} else if (*p >= '0' && *p <= '9') {
			digits++;
		} else if (strchr(" \t-.()", *p)) {
			continue;
		} else {
			return -1;
		}
		if (len + 1 >= n)
			return -1;
		out[len++] = *p;
	}
	out[len] = '\0';
	return digits >= 3 && digits <= 20 ? 0 : -1;
}

static int norm_email(const char *s, char *out, size_t n)
{
	if (trim_copy(s, out, n) < 0)
		return -1;
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	const char *at = strchr(out, '@');
	if (!at || at == out || at[1] == '\0' || strchr(at + 1, '@') || strpbrk(out, " \t"))
		return -1;
	return 0;
}

static int norm_qq(const char *s, char *out, size_t n)
{
	if (trim_copy(s, out, n) < 0)
		return -1;
	size_t len = strlen(out);
	if (len < 5 || len > 12 || out[0] == '0' || strspn(out, "0123456789") != len)
		return -1;
	return 0;
}

int customer_identity_normalise(const char *kind, const char *value, const char *field, char *out, size_t n,
                                struct kf_error *err)
{
	static const char *const kinds[] = { "phone", "email", "wechat", "qq", "other", NULL };
	int rc;
	if (!in_list(kind, kinds))
		return kf_fail(err, KF_EINVAL, "invalid", field,
		               "%s: kind must be phone, email, wechat, qq or other", field);
	if (!value)
		return kf_fail(err, KF_EINVAL, "required", field, "%s is required", field);
	if (strcmp(kind, "phone") == 0)
		rc = norm_phone(value, out, n);
	else if (strcmp(kind, "email") == 0)
		rc = norm_email(value, out, n);
	else if (strcmp(kind, "qq") == 0)
		rc = norm_qq(value, out, n);
	else
		rc = trim_copy(value, out, n) < 0 || !out[0] ? -1 : 0;
	if (rc < 0)
		return kf_fail(err, KF_EINVAL, "invalid", field, "%s is not a valid %s", field, kind);
	return 0;
}

/* --- profile ----------------------------------------------------------- */

static void customer_from_row(struct db_rows *r, struct customer *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_int(r, 0);
	copy(c->kind, sizeof(c->kind), db_col_text(r, 1));
	copy(c->name, sizeof(c->name), db_col_text(r, 2));
	c->company_id = db_col_isnull(r, 3) ? 0 : db_col_int(r, 3);
	copy(c->external_id, sizeof(c->external_id), db_col_text(r, 4));
	copy(c->tier, sizeof(c->tier), db_col_text(r, 5));
	copy(c->stage, sizeof(c->stage), db_col_text(r, 6));
	copy(c->birthday, sizeof(c->birthday), db_col_text(r, 7));
	copy(c->locale, sizeof(c->locale), db_col_text(r, 8));
	copy(c->note, sizeof(c->note), db_col_text(r, 9));
	c->created_at = db_col_int(r, 10);
	c->updated_at = db_col_int(r, 11);
	c->version = db_col_int(r, 12);
	c->erased_at = db_col_isnull(r, 13) ? 0 : db_col_int(r, 13);
}

int customer_get(struct db *db, int64_t id, struct customer *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		customer_from_row(r, out);
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "customer", "no such customer");
	return rc < 0 ? rc : 0;
}

int customer_portal_linkable(struct db *db, int64_t id, struct customer *out, struct kf_error *err)
{
	int rc = customer_get(db, id, out, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "customer_id", "no such customer");
	if (rc == 0 && out->erased_at)
		return kf_fail(err, KF_ECONFLICT, "erased", "customer_id", "this customer was erased");
	return rc;
}

static json_t *int_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

json_t *customer_profile_json(const struct customer *c, int mask)
{
	const char *birthday = c->birthday[0] && mask ? PRIVACY_MASKED_DATE : c->birthday;
	return json_pack("{s:I,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:s,s:s,s:I,s:I,s:I,s:o}", "id", (json_int_t)c->id,
	                 "kind", c->kind, "name", c->name, "company_id", int_or_null(c->company_id),
	                 "external_id", json_str_or_null(c->external_id[0] ? c->external_id : NULL), "tier",
	                 c->tier, "stage", c->stage, "birthday",
	                 json_str_or_null(birthday[0] ? birthday : NULL), "locale", c->locale, "note", c->note,
	                 "created_at", (json_int_t)c->created_at, "updated_at", (json_int_t)c->updated_at,
	                 "version", (json_int_t)c->version, "erased_at", int_or_null(c->erased_at));
}

/* A string field of f into dst after check (NULL check = none). */
static int set_field(const char *v, const char *field, size_t max,
                     int (*check)(const char *, const char *, struct kf_error *), char *dst, size_t n,
                     struct kf_error *err)
{
	if (!v)
		return 0;
	if (textlen_chars(v) > max || strlen(v) >= n)
		return kf_fail(err, KF_EINVAL, "too_long", field, "%s is longer than %zu characters", field,
		               max);
	if (check && *v) {
		int rc = check(v, field, err);
		if (rc < 0)
			return rc;
	}
	copy(dst, n, v);
	return 0;
}

static int locale_valid(const char *s, const char *field, struct kf_error *err)
{
	static const char *const locales[] = { "zh-CN", "en", NULL };
	if (in_list(s, locales))
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", field, "%s must be zh-CN or en", field);
}

/* Apply f to c, checking each field given. */
static int fields_apply(const struct customer_fields *f, struct customer *c, struct kf_error *err)
{
	int rc = set_field(f->kind, "kind", 7, customer_kind_valid, c->kind, sizeof(c->kind), err);
	if (rc == 0 && f->name && !f->name[0])
		rc = kf_fail(err, KF_EINVAL, "required", "name", "name is required");
	if (rc == 0)
		rc = set_field(f->name, "name", CUSTOMER_NAME_MAX, NULL, c->name, sizeof(c->name), err);
	if (rc == 0)
		rc = set_field(f->external_id, "external_id", 128, NULL, c->external_id,
		               sizeof(c->external_id), err);
	if (rc == 0 && f->tier && !f->tier[0])
		rc = customer_tier_valid(f->tier, "tier", err);
	if (rc == 0)
		rc = set_field(f->tier, "tier", 1, customer_tier_valid, c->tier, sizeof(c->tier), err);
	if (rc == 0 && f->stage && !f->stage[0])
		rc = customer_stage_valid(f->stage, "stage", err);
	if (rc == 0)
		rc = set_field(f->stage, "stage", 11, customer_stage_valid, c->stage, sizeof(c->stage), err);
	if (rc == 0)
		rc = set_field(f->birthday, "birthday", 10, customer_birthday_valid, c->birthday,
		               sizeof(c->birthday), err);
	if (rc == 0 && f->locale && !f->locale[0])
		rc = locale_valid(f->locale, "locale", err);
	if (rc == 0)
		rc = set_field(f->locale, "locale", 7, locale_valid, c->locale, sizeof(c->locale), err);
	if (rc == 0)
		rc = set_field(f->note, "note", KF_MAX_TEXT_CHARS, NULL, c->note, sizeof(c->note), err);
	if (rc == 0 && f->company_id >= 0)
		c->company_id = f->company_id;
	return rc;
}

/* A person may belong to a company customer; a company belongs to none. */
static int check_company(struct db *db, const struct customer *c, struct kf_error *err)
{
	struct customer co;
	if (!c->company_id)
		return 0;
	if (strcmp(c->kind, "company") == 0 || c->company_id == c->id)
		return kf_fail(err, KF_EINVAL, "invalid", "company_id",
		               "only a person can belong to a company");
	int rc = customer_get(db, c->company_id, &co, err);
	if (rc == KF_ENOTFOUND || (rc == 0 && (strcmp(co.kind, "company") != 0 || co.erased_at)))
		return kf_fail(err, KF_EINVAL, "invalid", "company_id",
		               "company_id must name a company customer");
	return rc;
}

static struct db_arg text_or_null(const char *s)
{
	return s[0] ? db_text(s) : db_null();
}

static int profile_insert(struct db *db, const struct customer *c, int64_t now, int64_t *id,
                          struct kf_error *err)
{
	int rc = db_query_int(
	        db, &q_insert,
	        DB_ARGS(db_text(c->kind), db_text(c->name), c->company_id ? db_int(c->company_id) : db_null(),
	                text_or_null(c->external_id), db_text(c->tier), db_text(c->stage),
	                text_or_null(c->birthday), db_text(c->locale), db_text(c->note), db_int(now)),
	        id, err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "external_id",
		               "a customer with this external_id exists");
	return rc;
}

static int finish(struct db *db, int rc, struct kf_error *err)
{
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

static struct db_sql q_search_name = DB_SQL("SELECT name FROM customers WHERE id = $1");

/*
 * Re-index the customer for search: the name, and the identities (phone,
 * e-mail, WeChat...) as personal terms, matched only for pii.read.
 */
static int search_reindex(struct db *db, int64_t id, int64_t now, struct kf_error *err)
{
	struct buf text = BUF_INIT;
	struct db_rows *r = NULL;
	char *name = NULL;
	int rc = db_query(db, &q_search_name, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1)
		name = xstrdup(db_col_text(r, 0));
	db_done(r);
	r = NULL;
	if (rc >= 0)
		rc = db_query(db, &q_ident_list, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		buf_addf(&text, " %s", db_col_text(r, 2));
	db_done(r);
	if (rc >= 0 && name)
		rc = search_put_pii(db, "customer", id, 0, name, NULL, buf_cstr(&text), now, err);
	free(name);
	buf_release(&text);
	return rc < 0 ? rc : 0;
}

/* Every change to a customer ends here: the audit row, then the search index. */
/*
 * Append the customer event type about id (docs/events.md): changed (owned,
 * NULL = no payload) names what changed, never a value, so the stream holds
 * nothing personal of the customer.
 */
static int customer_emit(struct db *db, const struct actor *a, int64_t now, const char *type, int64_t id,
                         json_t *changed, struct kf_error *err)
{
	json_t *p = changed ? json_pack("{s:o}", "changed", changed) : NULL;
	struct event ev = {
		.type = type, .entity = "customer", .entity_id = id, .payload = p, .created_at_ms = now * 1000
	};
	int rc = outbox_append(db, &ev, a, err);
	json_decref(p);
	return rc;
}

/* The part of the customer an audited action changed (customer.updated's "changed"). */
static const struct {
	const char *prefix, *part;
} action_parts[] = {
	{ "customer.address.", "addresses" },      { "customer.tag.", "tags" },
	{ "customer.consent", "consents" },        { "customer.identity.", "identities" },
	{ "customer.preference.", "preferences" },
};

/* The event of an audited action: customer.created, or customer.updated naming the part. */
static int action_emit(struct db *db, const struct actor *a, int64_t now, const char *action, int64_t id,
                       struct kf_error *err)
{
	if (strcmp(action, "customer.create") == 0)
		return customer_emit(db, a, now, "customer.created", id, NULL, err);
	for (size_t i = 0; i < sizeof(action_parts) / sizeof(action_parts[0]); i++)
		if (strncmp(action, action_parts[i].prefix, strlen(action_parts[i].prefix)) == 0)
			return customer_emit(db, a, now, "customer.updated", id,
			                     json_pack("[s]", action_parts[i].part), err);
	return 0; /* customer.update names its fields itself (profile_changed) */
}

int customer_audit(struct db *db, const struct actor *a, int64_t now, const char *action, int64_t id,
                   json_t *before, json_t *after, struct kf_error *err)
{
	int rc = audit_record(db, a, now, action, "customer", id, before, after, err);
	json_decref(before);
	json_decref(after);
	if (rc == 0)
		rc = search_reindex(db, id, now, err);
	return rc < 0 ? rc : action_emit(db, a, now, action, id, err);
}

static int extras_add(struct db *db, int64_t id, int64_t now, const struct customer_extras *extra,
                      struct kf_error *err);

int customer_create(struct db *db, const struct actor *a, int64_t now, const struct customer_fields *f,
                    const struct customer_extras *extra, struct customer *out, struct kf_error *err)
{
	struct customer c;
	json_t *after = NULL;
	int64_t id = 0;
	memset(&c, 0, sizeof(c));
	copy(c.kind, sizeof(c.kind), "person");
	copy(c.tier, sizeof(c.tier), "C");
	copy(c.stage, sizeof(c.stage), "new");
	copy(c.locale, sizeof(c.locale), "zh-CN");
	if (!f->name)
		return kf_fail(err, KF_EINVAL, "required", "name", "name is required");
	int rc = fields_apply(f, &c, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = check_company(db, &c, err);
	if (rc == 0)
		rc = profile_insert(db, &c, now, &id, err);
	if (rc == 0)
		rc = extras_add(db, id, now, extra, err);
	if (rc == 0)
		rc = customer_get(db, id, out, err);
	if (rc == 0)
		rc = customer_json(db, id, CUSTOMER_JSON_MASK, &after, err);
	if (rc == 0)
		rc = customer_audit(db, a, now, "customer.create", id, NULL, after, err);
	return finish(db, rc, err);
}

static int profile_write(struct db *db, const struct customer *c, int64_t version, int64_t now,
                         struct kf_error *err)
{
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_int(c->id), db_int(version), db_text(c->kind), db_text(c->name),
	                         c->company_id ? db_int(c->company_id) : db_null(),
	                         text_or_null(c->external_id), db_text(c->tier), db_text(c->stage),
	                         text_or_null(c->birthday), db_text(c->locale), db_text(c->note), db_int(now)),
	                 err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "external_id",
		               "a customer with this external_id exists");
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the customer was changed by someone else; reload and try again");
	return rc < 0 ? rc : 0;
}

/* The names of the profile fields that differ between b and c (owned; bookkeeping left out). */
static json_t *profile_changed(const struct customer *b, const struct customer *c)
{
	json_t *jb = customer_profile_json(b, 0), *jc = customer_profile_json(c, 0), *out = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(jc, key, v)
	{
		if (strcmp(key, "updated_at") != 0 && strcmp(key, "version") != 0 &&
		    !json_equal(v, json_object_get(jb, key)))
			json_array_append_new(out, json_string(key));
	}
	json_decref(jb);
	json_decref(jc);
	return out;
}

/* customer.updated naming the changed profile fields; none when nothing changed. */
static int profile_emit(struct db *db, const struct actor *a, int64_t now, const struct customer *b,
                        const struct customer *c, struct kf_error *err)
{
	json_t *changed = profile_changed(b, c);
	if (json_array_size(changed) == 0) {
		json_decref(changed);
		return 0;
	}
	return customer_emit(db, a, now, "customer.updated", c->id, changed, err);
}

int customer_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                    const struct customer_fields *f, struct customer *out, struct kf_error *err)
{
	struct customer before;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_get(db, id, &before, err);
	if (rc == 0 && before.version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the customer was changed by someone else; reload and try again");
	if (rc == 0 && before.erased_at)
		rc = kf_fail(err, KF_ECONFLICT, "erased", NULL, "this customer was erased");
	*out = before;
	if (rc == 0)
		rc = fields_apply(f, out, err);
	if (rc == 0)
		rc = check_company(db, out, err);
	if (rc == 0)
		rc = profile_write(db, out, version, now, err);
	if (rc == 0)
		rc = customer_get(db, id, out, err);
	if (rc == 0)
		rc = customer_audit(db, a, now, "customer.update", id, customer_profile_json(&before, 1),
		                    customer_profile_json(out, 1), err);
	if (rc == 0)
		rc = profile_emit(db, a, now, &before, out, err);
	return finish(db, rc, err);
}

int customer_touch(struct db *db, int64_t id, int64_t now, struct kf_error *err)
{
	struct customer c;
	int rc = db_exec(db, &q_touch, DB_ARGS(db_int(id), db_int(now)), err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = customer_get(db, id, &c, err);
	if (rc == 0)
		rc = kf_fail(err, KF_ECONFLICT, "erased", NULL, "this customer was erased");
	return rc;
}

/* --- rendering --------------------------------------------------------- */

static void address_from_row(struct db_rows *r, struct customer_address *ad)
{
	memset(ad, 0, sizeof(*ad));
	ad->id = db_col_int(r, 0);
	copy(ad->label, sizeof(ad->label), db_col_text(r, 1));
	copy(ad->recipient, sizeof(ad->recipient), db_col_text(r, 2));
	copy(ad->phone, sizeof(ad->phone), db_col_text(r, 3));
	copy(ad->province, sizeof(ad->province), db_col_text(r, 4));
	copy(ad->city, sizeof(ad->city), db_col_text(r, 5));
	copy(ad->district, sizeof(ad->district), db_col_text(r, 6));
	copy(ad->line, sizeof(ad->line), db_col_text(r, 7));
	copy(ad->postcode, sizeof(ad->postcode), db_col_text(r, 8));
	ad->is_default = (int)db_col_int(r, 9);
	ad->version = db_col_int(r, 10);
}

json_t *customer_address_json(const struct customer_address *ad, int mask)
{
	char recipient[sizeof(ad->recipient) + 4], phone[sizeof(ad->phone) + 4];
	const char *line = mask && ad->line[0] ? PRIVACY_MASKED_LINE : ad->line;
	privacy_mask_text(ad->recipient, recipient, sizeof(recipient));
	privacy_mask_phone(ad->phone, phone, sizeof(phone));
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I}", "id", (json_int_t)ad->id, "label",
	                 ad->label, "recipient", mask ? recipient : ad->recipient, "phone",
	                 mask ? phone : ad->phone, "province", ad->province, "city", ad->city, "district",
	                 ad->district, "line", line, "postcode", ad->postcode, "is_default", ad->is_default,
	                 "version", (json_int_t)ad->version);
}

static int addresses_json(struct db *db, int64_t id, int mask, json_t *into, struct kf_error *err)
{
	struct db_rows *r = NULL;
	struct customer_address ad;
	json_t *list = json_array();
	int rc = db_query(db, &q_addr_list, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		address_from_row(r, &ad);
		json_array_append_new(list, customer_address_json(&ad, mask));
	}
	db_done(r);
	json_object_set_new(into, "addresses", list);
	return rc < 0 ? rc : 0;
}

static int tags_json(struct db *db, int64_t id, json_t *into, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *list = json_array();
	int rc = db_query(db, &q_tag_list, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(list, json_string(db_col_text(r, 0)));
	db_done(r);
	json_object_set_new(into, "tags", list);
	return rc < 0 ? rc : 0;
}

static json_t *consent_json(int64_t cid, const char *purpose, int granted, int64_t at, const char *source)
{
	return json_pack("{s:I,s:s,s:b,s:I,s:s}", "id", (json_int_t)cid, "purpose", purpose, "granted",
	                 granted, "at", (json_int_t)at, "source", source);
}

/* history: every event in order; else {purpose: latest event}. */
static int consents_json(struct db *db, int64_t id, int history, json_t *into, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *all = history ? json_array() : json_object();
	int rc = db_query(db, &q_consent_list, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		json_t *e = consent_json(db_col_int(r, 0), db_col_text(r, 1), (int)db_col_int(r, 2),
		                         db_col_int(r, 3), db_col_text(r, 4));
		if (history)
			json_array_append_new(all, e);
		else
			json_object_set_new(all, db_col_text(r, 1), e);
	}
	db_done(r);
	json_object_set_new(into, "consents", all);
	return rc < 0 ? rc : 0;
}

int customer_json(struct db *db, int64_t id, unsigned flags, json_t **out, struct kf_error *err)
{
	struct customer c;
	int mask = (flags & CUSTOMER_JSON_MASK) != 0;
	*out = NULL;
	int rc = customer_get(db, id, &c, err);
	if (rc < 0)
		return rc;
	json_t *j = customer_profile_json(&c, mask);
	rc = identity_list_json(db, id, mask, j, err);
	if (rc == 0)
		rc = addresses_json(db, id, mask, j, err);
	if (rc == 0)
		rc = preference_list_json(db, id, j, err);
	if (rc == 0)
		rc = tags_json(db, id, j, err);
	if (rc == 0)
		rc = consents_json(db, id, (flags & CUSTOMER_JSON_HISTORY) != 0, j, err);
	json_object_set_new(j, "masked", json_boolean(mask));
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

/* --- list -------------------------------------------------------------- */

int customer_list(struct db *db, const struct customer_filter *f, int mask, int64_t after_id, int limit,
                  json_t **items, int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	struct customer c;
	char phone[TEXTLEN_BYTES(CUSTOMER_VALUE_MAX)] = "", email[TEXTLEN_BYTES(CUSTOMER_VALUE_MAX)] = "";
	const char *q = f->q ? f->q : "";
	if (*q && customer_identity_normalise("phone", q, "q", phone, sizeof(phone), NULL) < 0)
		phone[0] = '\0';
	if (*q && customer_identity_normalise("email", q, "q", email, sizeof(email), NULL) < 0)
		email[0] = '\0';
	if (mask) /* who sees them masked does not match on them either (no guessing oracle) */
		phone[0] = email[0] = '\0';
	*items = json_array();
	*last_id = 0;
	int rc = db_query(db, &q_list,
	                  DB_ARGS(db_int(after_id), db_text(f->tier ? f->tier : ""),
	                          db_text(f->stage ? f->stage : ""), db_text(f->tag ? f->tag : ""),
	                          db_text(q), db_text(phone), db_text(email), db_int(limit),
	                          db_text(f->segment ? f->segment : "")),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		customer_from_row(r, &c);
		*last_id = c.id;
		json_array_append_new(*items, customer_profile_json(&c, mask));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

/* --- identities -------------------------------------------------------- */

/* --- addresses --------------------------------------------------------- */

struct addr_key {
	const char *key;
	unsigned bit; /* enum customer_address_field */
	size_t off; /* offset of the char array in struct customer_address */
	size_t size; /* its size */
	size_t chars; /* its limit in characters; 0 = ASCII, size - 1 bytes */
};

#define ADDR_KEY(k, b, c) \
	{ \
#k, b, offsetof(struct customer_address, k), sizeof(((struct customer_address *)0)->k), c \
	}
static const struct addr_key addr_keys[] = {
	ADDR_KEY(label, ADDR_LABEL, CUSTOMER_ADDR_SHORT_MAX),
	ADDR_KEY(recipient, ADDR_RECIPIENT, CUSTOMER_ADDR_NAME_MAX),
	ADDR_KEY(phone, ADDR_PHONE, 0),
	ADDR_KEY(province, ADDR_PROVINCE, CUSTOMER_ADDR_SHORT_MAX),
	ADDR_KEY(city, ADDR_CITY, CUSTOMER_ADDR_SHORT_MAX),
	ADDR_KEY(district, ADDR_DISTRICT, CUSTOMER_ADDR_SHORT_MAX),
	ADDR_KEY(line, ADDR_LINE, CUSTOMER_ADDR_LINE_MAX),
	ADDR_KEY(postcode, ADDR_POSTCODE, 0),
};

static int address_phone(char *phone, size_t n, const char *field, struct kf_error *err)
{
	char norm[sizeof(((struct customer_address *)0)->phone)];
	if (!phone[0])
		return 0;
	int rc = customer_identity_normalise("phone", phone, field, norm, sizeof(norm), err);
	if (rc == 0)
		copy(phone, n, norm);
	return rc;
}

int customer_address_read(json_t *obj, const char *prefix, int required, struct customer_address *out,
                          unsigned *given, struct kf_error *err)
{
	static const char *const keys[] = { "label",    "recipient", "phone",    "province",   "city",
		                            "district", "line",      "postcode", "is_default", NULL };
	char field[KF_ERR_FIELD_MAX];
	int rc = 0;
	*given = 0;
	if (!json_is_object(obj))
		return kf_fail(err, KF_EINVAL, "type", prefix, "%s must be an object",
		               prefix[0] ? prefix : "address");
	if (json_only_keys(obj, keys, err) < 0)
		return KF_EINVAL;
	for (size_t i = 0; rc >= 0 && i < sizeof(addr_keys) / sizeof(addr_keys[0]); i++) {
		const struct addr_key *k = &addr_keys[i];
		const char *v = NULL;
		snprintf(field, sizeof(field), "%s%s", prefix, k->key);
		rc = k->chars ? json_get_text(obj, k->key, 0, k->chars, &v, err)
		              : json_get_str(obj, k->key, 0, k->size - 1, &v, err);
		if (rc == 1) {
			copy((char *)out + k->off, k->size, v);
			*given |= k->bit;
		}
		if (rc < 0)
			copy(err->field, sizeof(err->field), field);
	}
	if (rc >= 0 && (*given & ADDR_PHONE)) {
		snprintf(field, sizeof(field), "%sphone", prefix);
		rc = address_phone(out->phone, sizeof(out->phone), field, err);
	}
	if (rc >= 0) {
		rc = json_get_bool(obj, "is_default", 0, &out->is_default, err);
		*given |= rc == 1 ? ADDR_DEFAULT : 0;
	}
	if (rc >= 0 && required && (!(*given & ADDR_LINE) || !out->line[0])) {
		snprintf(field, sizeof(field), "%sline", prefix);
		rc = kf_fail(err, KF_EINVAL, "required", field, "%s is required", field);
	}
	return rc < 0 ? rc : 0;
}

static int address_get(struct db *db, int64_t id, int64_t aid, struct customer_address *out,
                       struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_addr_get, DB_ARGS(db_int(aid), db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		address_from_row(r, out);
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "aid", "no such address");
	return rc < 0 ? rc : 0;
}

/* Insert ad; the first address of a customer is its default.  *aid is the new id. */
static int address_insert(struct db *db, int64_t id, const struct customer_address *ad, int64_t now,
                          int64_t *aid, struct kf_error *err)
{
	int64_t count = 0;
	int rc = db_query_int(db, &q_addr_count, DB_ARGS(db_int(id)), &count, err);
	int is_default = ad->is_default || count == 0;
	if (rc == 0)
		rc = db_query_int(db, &q_addr_insert,
		                  DB_ARGS(db_int(id), db_text(ad->label), db_text(ad->recipient),
		                          db_text(ad->phone), db_text(ad->province), db_text(ad->city),
		                          db_text(ad->district), db_text(ad->line), db_text(ad->postcode),
		                          db_int(is_default), db_int(now)),
		                  aid, err);
	if (rc == 0 && is_default)
		rc = db_exec(db, &q_addr_undefault, DB_ARGS(db_int(id), db_int(*aid)), err);
	return rc < 0 ? rc : 0;
}

int customer_address_add(struct db *db, const struct actor *a, int64_t now, int64_t id,
                         const struct customer_address *in, struct customer_address *out, struct kf_error *err)
{
	int64_t aid = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = address_insert(db, id, in, now, &aid, err);
	if (rc == 0)
		rc = address_get(db, id, aid, out, err);
	if (rc == 0)
		rc = customer_audit(db, a, now, "customer.address.add", id, NULL,
		                    customer_address_json(out, 1), err);
	return finish(db, rc, err);
}

static void address_apply(const struct customer_address *in, unsigned given, struct customer_address *ad)
{
	for (size_t i = 0; i < sizeof(addr_keys) / sizeof(addr_keys[0]); i++)
		if (given & addr_keys[i].bit)
			copy((char *)ad + addr_keys[i].off, addr_keys[i].size,
			     (const char *)in + addr_keys[i].off);
	if (given & ADDR_DEFAULT)
		ad->is_default = in->is_default;
}

static int address_write(struct db *db, int64_t id, int64_t version, const struct customer_address *ad,
                         int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_addr_update,
	                 DB_ARGS(db_int(ad->id), db_int(id), db_int(version), db_text(ad->label),
	                         db_text(ad->recipient), db_text(ad->phone), db_text(ad->province),
	                         db_text(ad->city), db_text(ad->district), db_text(ad->line),
	                         db_text(ad->postcode), db_int(ad->is_default), db_int(now)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the address was changed by someone else; reload and try again");
	if (rc > 0 && ad->is_default)
		rc = db_exec(db, &q_addr_undefault, DB_ARGS(db_int(id), db_int(ad->id)), err);
	return rc < 0 ? rc : 0;
}

int customer_address_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t aid,
                            int64_t version, const struct customer_address *in, unsigned given,
                            struct customer_address *out, struct kf_error *err)
{
	struct customer_address before;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = address_get(db, id, aid, &before, err);
	if (rc == 0 && before.version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the address was changed by someone else; reload and try again");
	*out = before;
	address_apply(in, given, out);
	if (rc == 0 && !out->line[0])
		rc = kf_fail(err, KF_EINVAL, "required", "line", "line is required");
	if (rc == 0)
		rc = address_write(db, id, version, out, now, err);
	if (rc == 0)
		rc = address_get(db, id, aid, out, err);
	if (rc == 0)
		rc = customer_audit(db, a, now, "customer.address.update", id,
		                    customer_address_json(&before, 1), customer_address_json(out, 1), err);
	return finish(db, rc, err);
}

int customer_address_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t aid,
                            struct kf_error *err)
{
	struct customer_address before;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = address_get(db, id, aid, &before, err);
	if (rc == 0)
		rc = db_exec(db, &q_addr_delete, DB_ARGS(db_int(aid), db_int(id)), err);
	if (rc >= 0)
		rc = customer_audit(db, a, now, "customer.address.remove", id,
		                    customer_address_json(&before, 1), NULL, err);
	return finish(db, rc, err);
}

/* --- preferences, tags, consents ---------------------------------------- */

/* Not empty, not blank, at most max characters, no '/', and no ';' when no_semicolon. */
int customer_check_name(const char *s, const char *field, size_t max, int no_semicolon, struct kf_error *err)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || strspn(s, " \t\r\n") == n)
		return kf_fail(err, KF_EINVAL, "required", field, "%s is required", field);
	if (textlen_chars(s) > max) {
		kf_fail(err, KF_EINVAL, "too_long", field, "%s is longer than %zu characters", field, max);
		kf_detail_int(err, "max", (long long)max);
		return KF_EINVAL;
	}
	if (strchr(s, '/') || (no_semicolon && strchr(s, ';')) || is_blank(s[0]) || is_blank(s[n - 1]))
		return kf_fail(err, KF_EINVAL, "invalid", field,
		               "%s may not contain '/'%s or start or end with a space", field,
		               no_semicolon ? " or ';'" : "");
	return 0;
}

int customer_tag_add(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *tag,
                     struct kf_error *err)
{
	int rc = customer_check_name(tag, "tag", CUSTOMER_TAG_MAX, 1, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = db_exec(db, &q_tag_add, DB_ARGS(db_int(id), db_text(tag)), err);
	if (rc > 0)
		rc = customer_audit(db, a, now, "customer.tag.add", id, NULL, json_pack("{s:s}", "tag", tag),
		                    err);
	return finish(db, rc, err);
}

int customer_tag_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *tag,
                        struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = db_exec(db, &q_tag_delete, DB_ARGS(db_int(id), db_text(tag)), err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "tag", "the customer has no such tag");
	if (rc > 0)
		rc = customer_audit(db, a, now, "customer.tag.remove", id, json_pack("{s:s}", "tag", tag),
		                    NULL, err);
	return finish(db, rc, err);
}

int customer_consent_add(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *purpose,
                         int granted, const char *source, json_t **out, struct kf_error *err)
{
	int64_t cid = 0;
	*out = NULL;
	int rc = customer_purpose_valid(purpose, "purpose", err);
	if (rc == 0 && source && textlen_chars(source) > 128)
		rc = kf_fail(err, KF_EINVAL, "too_long", "source", "source is longer than 128 characters");
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = db_query_int(db, &q_consent_add,
		                  DB_ARGS(db_int(id), db_text(purpose), db_int(granted ? 1 : 0), db_int(now),
		                          db_text(source ? source : "")),
		                  &cid, err);
	json_t *e = rc == 0 ? consent_json(cid, purpose, granted, now, source ? source : "") : NULL;
	if (rc == 0)
		rc = customer_audit(db, a, now, "customer.consent", id, NULL, json_incref(e), err);
	rc = finish(db, rc, err);
	if (rc == 0)
		*out = e;
	else
		json_decref(e);
	return rc;
}

/* --- inline parts on create ---------------------------------------------- */

static int extra_identities(struct db *db, int64_t id, int64_t now, const struct customer_extras *x,
                            struct kf_error *err)
{
	char field[KF_ERR_FIELD_MAX], norm[TEXTLEN_BYTES(CUSTOMER_VALUE_MAX)];
	for (size_t i = 0; i < x->nidentities; i++) {
		const struct customer_identity_input *it = &x->identities[i];
		int64_t iid;
		int rc = 0;
		snprintf(field, sizeof(field), "identities[%zu].%s", i, it->kind ? "value" : "kind");
		if (!it->kind || !it->value)
			rc = kf_fail(err, KF_EINVAL, "required", field, "%s is required", field);
		if (rc >= 0)
			rc = customer_identity_normalise(it->kind, it->value, field, norm, sizeof(norm), err);
		if (rc >= 0)
			rc = identity_insert(db, id, it->kind, norm, now, field, &iid, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int extra_addresses(struct db *db, int64_t id, int64_t now, const struct customer_extras *x,
                           struct kf_error *err)
{
	char field[KF_ERR_FIELD_MAX];
	for (size_t i = 0; i < x->naddresses; i++) {
		int64_t aid;
		int rc = 0;
		snprintf(field, sizeof(field), "addresses[%zu].line", i);
		if (!x->addresses[i].line[0])
			rc = kf_fail(err, KF_EINVAL, "required", field, "%s is required", field);
		if (rc == 0)
			rc = address_insert(db, id, &x->addresses[i], now, &aid, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int extra_preferences(struct db *db, int64_t id, int64_t now, const struct customer_extras *x,
                             struct kf_error *err)
{
	for (size_t i = 0; i < x->npreferences; i++) {
		int rc = preference_insert(db, id, now, x->preferences[i].key, x->preferences[i].value, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int extra_tags(struct db *db, int64_t id, const struct customer_extras *x, struct kf_error *err)
{
	for (size_t i = 0; i < x->ntags; i++) {
		const char *tag = x->tags[i];
		int rc = customer_check_name(tag, "tags", CUSTOMER_TAG_MAX, 1, err);
		if (rc == 0)
			rc = db_exec(db, &q_tag_add, DB_ARGS(db_int(id), db_text(tag)), err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int extras_add(struct db *db, int64_t id, int64_t now, const struct customer_extras *extra,
                      struct kf_error *err)
{
	if (!extra)
		return 0;
	int rc = extra_identities(db, id, now, extra, err);
	if (rc == 0)
		rc = extra_addresses(db, id, now, extra, err);
	if (rc == 0)
		rc = extra_preferences(db, id, now, extra, err);
	if (rc == 0)
		rc = extra_tags(db, id, extra, err);
	return rc;
}
