/*
 * customer.h - customer records (CRM): the profile (kind, name, company,
 * tier A/B/C, lifecycle stage, birthday, locale, note), how to reach the
 * customer (identities: phone, e-mail, WeChat, QQ, other; each belongs to
 * one customer), delivery addresses, free-form preferences shown to agents
 * (the Oriental Hotel's "usual seat", seed 004), tags, and the append-only
 * history of consents.  Seeds: 000 chapter 4.1 (collection and storage),
 * 9.1 (classification).
 *
 * Every change runs in one transaction with its audit row (object_type
 * "customer", object_id the customer): before -> after, with personal
 * values masked (privacy.h) so that the audit trail, which erasure keeps,
 * holds no copy of them.  Every change to a customer or one of its parts
 * bumps the customer's version and updated_at.  An erased customer
 * (erased_at set) can be read but not changed (KF_ECONFLICT "erased").
 */
#ifndef KF_CUSTOMER_H
#define KF_CUSTOMER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/textlen.h"

struct db;

#define CUSTOMER_NAME_MAX 200 /* characters of a customer's name (base/textlen.h) */
#define CUSTOMER_VALUE_MAX 128 /* characters of an identity value (base/textlen.h) */
#define CUSTOMER_PREF_KEY_MAX 64 /* characters of a preference key */
#define CUSTOMER_PREF_VALUE_MAX 1024 /* characters of a preference value */
#define CUSTOMER_TAG_MAX 32 /* characters of a tag */
#define CUSTOMER_ADDR_SHORT_MAX 64 /* characters of an address label, province, city, district */
#define CUSTOMER_ADDR_NAME_MAX 128 /* characters of an address recipient */
#define CUSTOMER_ADDR_LINE_MAX 512 /* characters of an address line */

struct customer {
	int64_t id;
	char kind[8]; /* "person" or "company" */
	char name[TEXTLEN_BYTES(CUSTOMER_NAME_MAX)]; /* any script */
	int64_t company_id; /* the company a person works for; 0 = none */
	char external_id[TEXTLEN_BYTES(128)]; /* id in the system it was imported from; "" = none */
	char tier[2]; /* "A", "B" or "C" (seed 9.1) */
	char stage[12]; /* potential, new, satisfied, loyal, at_risk, lapsed */
	char birthday[11]; /* "YYYY-MM-DD" or "" */
	char locale[8]; /* "zh-CN" or "en" */
	char note[TEXTLEN_BYTES(KF_MAX_TEXT_CHARS)]; /* free text for staff, any script */
	int64_t created_at;
	int64_t updated_at;
	int64_t version; /* the ETag */
	int64_t erased_at; /* 0 = not erased */
};

/*
 * Profile fields to set: NULL (company_id < 0) keeps the current value on
 * update and takes the default on create.  "" clears birthday, note and
 * external_id; company_id 0 clears the company.
 */
struct customer_fields {
	const char *kind;
	const char *name;
	int64_t company_id;
	const char *external_id;
	const char *tier;
	const char *stage;
	const char *birthday;
	const char *locale;
	const char *note;
};
#define CUSTOMER_FIELDS_INIT \
	{ \
		NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL, NULL \
	}

struct customer_address {
	int64_t id;
	char label[TEXTLEN_BYTES(CUSTOMER_ADDR_SHORT_MAX)]; /* "家", "公司", ... */
	char recipient[TEXTLEN_BYTES(CUSTOMER_ADDR_NAME_MAX)]; /* personal */
	char phone[33]; /* personal; normalised like a phone identity (ASCII, bytes) */
	char province[TEXTLEN_BYTES(CUSTOMER_ADDR_SHORT_MAX)];
	char city[TEXTLEN_BYTES(CUSTOMER_ADDR_SHORT_MAX)];
	char district[TEXTLEN_BYTES(CUSTOMER_ADDR_SHORT_MAX)];
	char line[TEXTLEN_BYTES(CUSTOMER_ADDR_LINE_MAX)]; /* street and number: personal */
	char postcode[17]; /* ASCII, bytes */
	int is_default; /* 1 = the default delivery address */
	int64_t version; /* the address's ETag */
};

/* Which of a customer_address's fields a request gave (bit per field). */
enum customer_address_field {
	ADDR_LABEL = 1 << 0,
	ADDR_RECIPIENT = 1 << 1,
	ADDR_PHONE = 1 << 2,
	ADDR_PROVINCE = 1 << 3,
	ADDR_CITY = 1 << 4,
	ADDR_DISTRICT = 1 << 5,
	ADDR_LINE = 1 << 6,
	ADDR_POSTCODE = 1 << 7,
	ADDR_DEFAULT = 1 << 8,
};

/* Flags of customer_json. */
enum customer_json_flags {
	CUSTOMER_JSON_MASK = 1 << 0, /* mask personal values; adds "masked": true */
	CUSTOMER_JSON_HISTORY = 1 << 1, /* "consents" is the whole history, not the current state */
};

/* --- pure checks (no I/O) --- */

/*
 * Normalise an identity value for its kind into out (n bytes): e-mail
 * trimmed and lower-cased (one '@', non-empty local part and domain);
 * phone: digits only, a leading '+' kept, spaces, dashes, dots and
 * parentheses dropped, 3 to 20 digits; qq: 5 to 12 digits; wechat and
 * other: trimmed.  KF_EINVAL naming field for an unknown kind or a bad value.
 */
int customer_identity_normalise(const char *kind, const char *value, const char *field, char *out, size_t n,
                                struct kf_error *err);
/* 0 when s is a tier ("A", "B", "C"), a stage, a kind, a real date YYYY-MM-DD; else KF_EINVAL naming field. */
int customer_tier_valid(const char *s, const char *field, struct kf_error *err);
int customer_stage_valid(const char *s, const char *field, struct kf_error *err);
int customer_kind_valid(const char *s, const char *field, struct kf_error *err);
int customer_birthday_valid(const char *s, const char *field, struct kf_error *err);
/* Consent purposes: marketing_sms, marketing_email, marketing_wechat, marketing_phone, data_processing, survey. */
int customer_purpose_valid(const char *s, const char *field, struct kf_error *err);

/*
 * Read an address from obj into *out, fields named prefix + key in errors
 * (prefix "" or "addresses[0]."); *given is the set of enum
 * customer_address_field read.  line is required when required is set.
 */
int customer_address_read(json_t *obj, const char *prefix, int required, struct customer_address *out,
                          unsigned *given, struct kf_error *err);

/* --- the store --- */

/* An identity given on create; kind and value as given (normalised by the store). */
struct customer_identity_input {
	const char *kind, *value;
};

/* A preference given on create; value NULL when it was not a string. */
struct customer_preference_input {
	const char *key, *value;
};

/*
 * What a create adds beside the profile (the API's "identities",
 * "addresses", "preferences" and "tags"), parsed at the edge
 * (http/api_customers.c); the store checks each again.  Arrays borrowed;
 * a tag NULL when it was not a string.
 */
struct customer_extras {
	size_t nidentities;
	const struct customer_identity_input *identities;
	size_t naddresses;
	const struct customer_address *addresses; /* line required, phone normalised */
	size_t npreferences;
	const struct customer_preference_input *preferences;
	size_t ntags;
	const char *const *tags;
};

/*
 * Create a customer with f and extra (may be NULL).  A taken identity is
 * KF_EEXIST "identity_exists" naming it.  *out is the new customer.
 */
int customer_create(struct db *db, const struct actor *a, int64_t now, const struct customer_fields *f,
                    const struct customer_extras *extra, struct customer *out, struct kf_error *err);
int customer_get(struct db *db, int64_t id, struct customer *out, struct kf_error *err);
/* A customer a portal account may be linked to: it exists (KF_ENOTFOUND) and is not erased (KF_ECONFLICT). */
int customer_portal_linkable(struct db *db, int64_t id, struct customer *out, struct kf_error *err);
/* Change the profile; KF_ESTALE (nothing changed) when version is not the stored one. */
int customer_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                    const struct customer_fields *f, struct customer *out, struct kf_error *err);

/*
 * The whole customer as JSON (*out owned): the profile, identities,
 * addresses, preferences {key: value}, tags, consents and "masked".
 */
int customer_json(struct db *db, int64_t id, unsigned flags, json_t **out, struct kf_error *err);
/* The profile alone. */
json_t *customer_profile_json(const struct customer *c, int mask);

/* Filters of customer_list; "" = any. */
struct customer_filter {
	const char *tier;
	const char *stage;
	const char *tag;
	const char *q; /* a name prefix, or an exact phone or e-mail */
	const char *segment; /* an RFM segment in the customer_value snapshot (analytics/rfm.h) */
};

/*
 * One page of customers ascending by id after after_id, not erased,
 * filtered by f.  *items is a new array of profiles (masked when mask);
 * *last_id the last id given.
 */
int customer_list(struct db *db, const struct customer_filter *f, int mask, int64_t after_id, int limit,
                  json_t **items, int64_t *last_id, struct kf_error *err);

/* For the part modules (identity.c, address.c, preference.c): the audit
 * row of a change to customer id (before and after consumed), then the
 * customer's search index. */
int customer_audit(struct db *db, const struct actor *a, int64_t now, const char *action, int64_t id,
                   json_t *before, json_t *after, struct kf_error *err);
/* 0 when s is a non-blank name of at most max characters without '/'
 * (nor ';' when no_semicolon) and no space at either end; else KF_EINVAL. */
int customer_check_name(const char *s, const char *field, size_t max, int no_semicolon, struct kf_error *err);

/* Parts of a customer.  *out (where given) is the new part as JSON, owned. */
int customer_address_add(struct db *db, const struct actor *a, int64_t now, int64_t id,
                         const struct customer_address *in, struct customer_address *out, struct kf_error *err);
/* Change the fields in given; KF_ESTALE when version is not the address's. */
int customer_address_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t aid,
                            int64_t version, const struct customer_address *in, unsigned given,
                            struct customer_address *out, struct kf_error *err);
int customer_address_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t aid,
                            struct kf_error *err);
json_t *customer_address_json(const struct customer_address *ad, int mask);
/* Add (no change when present) or remove one tag. */
int customer_tag_add(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *tag,
                     struct kf_error *err);
int customer_tag_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *tag,
                        struct kf_error *err);
/* Append a consent event at now. */
int customer_consent_add(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *purpose,
                         int granted, const char *source, json_t **out, struct kf_error *err);

/*
 * Bump the customer's version and updated_at inside the caller's
 * transaction: KF_ENOTFOUND if there is no such customer, KF_ECONFLICT
 * "erased" if it was erased.  Every change to a part calls it first.
 */
int customer_touch(struct db *db, int64_t id, int64_t now, struct kf_error *err);

#endif
