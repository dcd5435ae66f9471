/*
 * customer_import.c - see customer_import.h.  One import row is one
 * transaction (nested inside the importer's when it holds one): the
 * customer is created, or found by external_id and updated; the row's
 * phone, e-mail and WeChat become identities (one already on this
 * customer is kept, one of another customer is an error naming the
 * column); province/city/address become an address unless the customer
 * already has that one; tags "a;b" are added.  An erased customer is
 * never brought back (KF_ECONFLICT "erased").
 */
#include "crm/customer_import.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/textlen.h"
#include "crm/customer.h"
#include "crm/identity.h"
#include "store/db.h"

static struct db_sql q_by_external = DB_SQL("SELECT id FROM customers WHERE external_id = $1");
static struct db_sql q_external_of = DB_SQL("SELECT external_id FROM customers WHERE id = $1");
static struct db_sql q_same_address = DB_SQL(
        "SELECT COUNT(*) FROM customer_addresses WHERE customer_id = $1 AND province = $2 AND city = $3"
        " AND line = $4");

int customer_by_external_id(struct db *db, const char *external_id, int64_t *id, struct kf_error *err)
{
	int rc = db_query_int(db, &q_by_external, DB_ARGS(db_text(external_id)), id, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "external_id",
		               "no customer has this external_id");
	return rc;
}

int customer_external_id_of(struct db *db, int64_t id, char *out, size_t n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_external_of, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		snprintf(out, n, "%s", db_col_text(r, 0) ? db_col_text(r, 0) : "");
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "customer_id", "no such customer");
	return rc < 0 ? rc : 0;
}

/* The row's columns as strings (every value must be a string; "" = absent). */
static int row_fields(json_t *row, struct customer_fields *f, struct kf_error *err)
{
	static const char *const keys[] = { "external_id", "name",    "kind",  "phone",    "email",
		                            "wechat",      "tier",    "stage", "birthday", "province",
		                            "city",        "address", "tags",  NULL };
	int rc = json_is_object(row)
	        ? json_only_keys(row, keys, err)
	        : kf_fail(err, KF_EINVAL, "type", NULL, "an import row must be an object");
	if (rc == 0)
		rc = json_get_str(row, "external_id", 1, 128, &f->external_id, err);
	if (rc >= 0)
		rc = json_get_text(row, "name", 1, CUSTOMER_NAME_MAX, &f->name, err);
	if (rc >= 0)
		rc = json_get_str(row, "kind", 0, 16, &f->kind, err);
	if (rc >= 0)
		rc = json_get_str(row, "tier", 0, 1, &f->tier, err);
	if (rc >= 0)
		rc = json_get_str(row, "stage", 0, 11, &f->stage, err);
	if (rc >= 0)
		rc = json_get_str(row, "birthday", 0, 10, &f->birthday, err);
	/* An empty optional column keeps what is there. */
	const char **opt[] = { &f->kind, &f->tier, &f->stage, &f->birthday };
	for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
		if (*opt[i] && !**opt[i])
			*opt[i] = NULL;
	return rc < 0 ? rc : 0;
}

/* Add identity (kind, column value) unless this customer has it already. */
static int row_identity(struct db *db, const struct actor *a, int64_t now, int64_t id, json_t *row,
                        const char *kind, const char *column, struct kf_error *err)
{
	char norm[TEXTLEN_BYTES(CUSTOMER_VALUE_MAX)];
	const char *v = NULL;
	int64_t owner = 0;
	json_t *out = NULL;
	struct kf_error none = KF_ERROR_INIT;
	int rc = json_get_text(row, column, 0, CUSTOMER_VALUE_MAX, &v, err);
	if (rc <= 0 || !*v)
		return rc < 0 ? rc : 0;
	rc = customer_identity_normalise(kind, v, column, norm, sizeof(norm), err);
	if (rc == 0)
		rc = identity_owner(db, kind, norm, &owner, &none);
	if (rc == 0 && owner == id)
		return 0;
	if (rc == 0)
		return kf_fail(err, KF_EEXIST, "identity_exists", column,
		               "this %s already belongs to customer #%lld", kind, (long long)owner);
	if (rc == KF_ENOTFOUND)
		rc = identity_add(db, a, now, id, kind, norm, &out, err);
	else if (rc < 0 && none.code)
		*err = none;
	json_decref(out);
	return rc;
}

static int row_address(struct db *db, const struct actor *a, int64_t now, int64_t id, json_t *row,
                       struct kf_error *err)
{
	static const struct {
		const char *column; /* import column */
		const char *key; /* address field */
	} map[] = { { "province", "province" }, { "city", "city" }, { "address", "line" } };
	struct customer_address in, out;
	unsigned given = 0;
	int64_t same = 0;
	json_t *obj = json_object();
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		json_t *v = json_object_get(row, map[i].column);
		if (json_is_string(v) && json_string_length(v))
			json_object_set(obj, map[i].key, v);
	}
	memset(&in, 0, sizeof(in));
	int rc = json_object_get(obj, "line") ? customer_address_read(obj, "", 1, &in, &given, err) : 0;
	if (rc < 0 && strcmp(err->field, "line") == 0)
		snprintf(err->field, sizeof(err->field), "address");
	if (rc == 0 && given)
		rc = db_query_int(db, &q_same_address,
		                  DB_ARGS(db_int(id), db_text(in.province), db_text(in.city), db_text(in.line)),
		                  &same, err);
	if (rc == 0 && given && same == 0)
		rc = customer_address_add(db, a, now, id, &in, &out, err);
	json_decref(obj);
	return rc;
}

static int row_tags(struct db *db, const struct actor *a, int64_t now, int64_t id, json_t *row,
                    struct kf_error *err)
{
	char tag[TEXTLEN_BYTES(CUSTOMER_TAG_MAX)];
	const char *v = NULL;
	int rc = json_get_text(row, "tags", 0, 1024, &v, err);
	for (const char *p = v; rc >= 0 && p && *p;) {
		size_t n = strcspn(p, ";");
		while (n && *p == ' ') {
			p++;
			n--;
		}
		size_t len = n;
		while (len && p[len - 1] == ' ')
			len--;
		if (len < sizeof(tag)) { /* more bytes are more than CUSTOMER_TAG_MAX characters */
			memcpy(tag, p, len);
			tag[len] = '\0';
		}
		if (len >= sizeof(tag) || textlen_chars(tag) > CUSTOMER_TAG_MAX)
			return kf_fail(err, KF_EINVAL, "too_long", "tags",
			               "a tag is longer than %d characters", CUSTOMER_TAG_MAX);
		if (len) {
			rc = customer_tag_add(db, a, now, id, tag, err);
			if (rc < 0 && strcmp(err->field, "tag") == 0)
				snprintf(err->field, sizeof(err->field), "tags");
		}
		p += n + (p[n] == ';');
	}
	return rc < 0 ? rc : 0;
}

/* Create the customer, or update the one with this external id. */
static int row_profile(struct db *db, const struct actor *a, int64_t now, const struct customer_fields *f,
                       int64_t *id, struct kf_error *err)
{
	struct customer c;
	int rc = customer_by_external_id(db, f->external_id, id, err);
	if (rc == KF_ENOTFOUND) {
		rc = customer_create(db, a, now, f, NULL, &c, err);
		*id = rc == 0 ? c.id : 0;
		return rc;
	}
	if (rc == 0)
		rc = customer_get(db, *id, &c, err);
	if (rc == 0 && c.erased_at)
		return kf_fail(err, KF_ECONFLICT, "erased", "external_id",
		               "customer %s was erased; it is not imported again", f->external_id);
	if (rc == 0)
		rc = customer_update(db, a, now, *id, c.version, f, &c, err);
	return rc;
}

int customer_import_row(struct db *db, const struct actor *a, json_t *row, int64_t now, int64_t *id,
                        struct kf_error *err)
{
	struct customer_fields f = CUSTOMER_FIELDS_INIT;
	int rc = row_fields(row, &f, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = row_profile(db, a, now, &f, id, err);
	if (rc == 0)
		rc = row_identity(db, a, now, *id, row, "phone", "phone", err);
	if (rc == 0)
		rc = row_identity(db, a, now, *id, row, "email", "email", err);
	if (rc == 0)
		rc = row_identity(db, a, now, *id, row, "wechat", "wechat", err);
	if (rc == 0)
		rc = row_address(db, a, now, *id, row, err);
	if (rc == 0)
		rc = row_tags(db, a, now, *id, row, err);
	return db_finish(db, rc, err);
}
