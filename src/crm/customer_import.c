/*
 * customer_import.c - see customer_import.h (being written).
 */
#include "crm/customer_import.h"

#include "base/banned.h"

int customer_import_row(struct db *db, const struct actor *a, json_t *row, int64_t now, int64_t *id,
                        struct kf_error *err)
{
	(void)db;
	(void)a;
	(void)row;
	(void)now;
	(void)id;
	return kf_fail(err, KF_EUNSUPPORTED, "unsupported", NULL, "customer import is not available yet");
}

int customer_by_external_id(struct db *db, const char *external_id, int64_t *id, struct kf_error *err)
{
	(void)db;
	(void)external_id;
	(void)id;
	return kf_fail(err, KF_ENOTFOUND, "not_found", "customer", "no such customer");
}
