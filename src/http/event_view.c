/*
 * event_view.c - who sees which event, and how (event_view.h).
 */
#include "http/event_view.h"

#include <string.h>

#include "auth/rbac.h"
#include "base/xalloc.h"
#include "crm/customer.h"
#include "crm/privacy.h"
#include "events/event_types.h"
#include "events/outbox.h"

#define MASK_BYTES 512 /* a masked value (payload strings are short) */

/* The permission that reads each entity (as its REST resource needs). */
static const struct {
	const char *entity;
	int perm;
} readers[] = {
	{ "ticket", PERM_TICKET_READ },  { "customer", PERM_CUSTOMER_READ }, { "order", PERM_ORDER_READ },
	{ "shipment", PERM_ORDER_READ }, { "survey", PERM_REPORT_READ },
};

int event_view_allowed(int role, const struct event *ev)
{
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		if (ev->entity && strcmp(readers[i].entity, ev->entity) == 0)
			return rbac_allows((enum role)role, (enum perm)readers[i].perm);
	return 0;
}

int event_view_unmasked(int role)
{
	return rbac_allows((enum role)role, PERM_PII_READ);
}

static int type_add(char *name, const char *types[], int *n, struct kf_error *err)
{
	if (!*name || !event_type_known(name))
		return kf_fail(err, KF_EINVAL, "invalid", "types", "unknown event type '%s'", name);
	if (*n >= EVENT_VIEW_MAX_TYPES)
		return kf_fail(err, KF_EINVAL, "too_many", "types", "at most %d event types",
		               EVENT_VIEW_MAX_TYPES);
	types[(*n)++] = name;
	return 0;
}

int event_view_types(const char *text, char *buf, size_t bufsize, const char *types[EVENT_VIEW_MAX_TYPES + 1],
                     int *all, struct kf_error *err)
{
	int n = 0;
	types[0] = NULL;
	*all = !text || !*text;
	if (*all)
		return 0;
	if (strlen(text) >= bufsize)
		return kf_fail(err, KF_EINVAL, "too_long", "types", "types is too long");
	memcpy(buf, text, strlen(text) + 1);
	for (char *p = buf, *comma; p; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (type_add(p, types, &n, err) < 0)
			return KF_EINVAL;
	}
	types[n] = NULL;
	return 0;
}

/* The masked form of the string value of key, or NULL when key holds no personal data. */
static const char *mask_value(const char *key, const char *kind, const char *s, char *out, size_t n)
{
	if (strcmp(key, "phone") == 0 || strcmp(key, "mobile") == 0)
		privacy_mask_phone(s, out, n);
	else if (strcmp(key, "email") == 0)
		privacy_mask_email(s, out, n);
	else if (strcmp(key, "value") == 0 && kind)
		privacy_mask_identity(kind, s, out, n);
	else if (strcmp(key, "recipient") == 0)
		privacy_mask_text(s, out, n);
	else if (strcmp(key, "birthday") == 0)
		return PRIVACY_MASKED_DATE;
	else if (strcmp(key, "line") == 0 || strcmp(key, "address") == 0)
		return PRIVACY_MASKED_LINE;
	else
		return NULL;
	return out;
}

static void mask_any(json_t *v);

void event_view_mask(json_t *obj)
{
	const char *key;
	json_t *v;
	char out[MASK_BYTES];
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	json_object_foreach(obj, key, v)
	{
		if (!json_is_string(v)) {
			mask_any(v);
			continue;
		}
		const char *m = mask_value(key, kind, json_string_value(v), out, sizeof(out));
		if (m)
			json_string_set(v, m);
	}
}

static void mask_any(json_t *v)
{
	size_t i;
	json_t *it;
	if (json_is_object(v))
		event_view_mask(v);
	else if (json_is_array(v))
		json_array_foreach(v, i, it) mask_any(it);
}

/* "customer_name" on a ticket event, as the inbox renders it; a customer that is gone adds nothing. */
static int add_customer_name(struct db *db, json_t *payload, int mask, struct kf_error *err)
{
	int64_t id = json_integer_value(json_object_get(payload, "customer_id"));
	if (!id || json_object_get(payload, "customer_name"))
		return 0;
	struct customer *c = xcalloc(1, sizeof(*c));
	int rc = customer_get(db, id, c, err);
	if (rc >= 0) {
		json_t *p = customer_profile_json(c, mask);
		json_object_set(payload, "customer_name", json_object_get(p, "name"));
		json_decref(p);
	}
	free(c);
	return rc == KF_ENOTFOUND ? 0 : rc < 0 ? rc : 0;
}

int event_view_json(struct db *db, const struct event *ev, int mask, json_t **out, struct kf_error *err)
{
	json_t *payload = json_deep_copy(ev->payload ? ev->payload : json_object());
	int rc = 0;
	if (mask)
		mask_any(payload);
	if (strcmp(ev->entity, "ticket") == 0)
		rc = add_customer_name(db, payload, mask, err);
	if (rc < 0) {
		json_decref(payload);
		return rc;
	}
	*out = json_pack("{s:I,s:s,s:s,s:I,s:{s:s,s:I},s:o,s:I}", "seq", (json_int_t)ev->seq, "type",
	                 ev->type, "entity", ev->entity, "entity_id", (json_int_t)ev->entity_id, "actor",
	                 "kind", ev->actor_kind ? ev->actor_kind : "system", "id", (json_int_t)ev->actor_id,
	                 "payload", payload, "created_at_ms", (json_int_t)ev->created_at_ms);
	return 0;
}
