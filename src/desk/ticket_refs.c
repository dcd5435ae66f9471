/*
 * ticket_refs.c - see ticket_refs.h.  One existence query per kind of
 * reference, run only for the ids a request names.
 */
#include "desk/ticket_refs.h"

#include <stddef.h>

#include "auth/rbac.h"
#include "store/db.h"
#include "store/db_json.h"

static struct db_sql q_customer = DB_SQL("SELECT COUNT(*) FROM customers WHERE id = $1");
static struct db_sql q_order = DB_SQL("SELECT COUNT(*) FROM orders WHERE id = $1");
static struct db_sql q_shipment = DB_SQL("SELECT COUNT(*) FROM shipments WHERE id = $1");
static struct db_sql q_team = DB_SQL("SELECT COUNT(*) FROM teams WHERE id = $1");
/* clang-format off */
#define USER_STATE_COLS(F, X) \
	F(USC_ROLE, "role") \
	X(USC_DISABLED, "disabled")
/* clang-format on */
DB_COLS_ENUM(USER_STATE_COLS, USC_NCOLS);
static struct db_sql q_user = DB_SQL("SELECT " DB_COLS_SQL(USER_STATE_COLS) " FROM users"
                                                                            " WHERE id = $1");

/* One kind of reference: its key and the query counting its row. */
struct ref_kind {
	const char *field; /* the JSON key, also the error's field */
	const char *noun; /* for the message */
	struct db_sql *q; /* SELECT COUNT(*) ... WHERE id = $1 */
};

static int check_one(struct db *db, const struct ref_kind *k, int64_t id, struct kf_error *err)
{
	int64_t n = 0;
	if (id <= 0)
		return 0;
	int rc = db_query_int(db, k->q, DB_ARGS(db_int(id)), &n, err);
	if (rc < 0)
		return rc;
	if (n == 0) {
		kf_fail(err, KF_EINVAL, "invalid", k->field, "no %s with id %lld", k->noun, (long long)id);
		kf_detail_int(err, "id", id);
		return KF_EINVAL;
	}
	return 0;
}

/* The row of the assignee: role and disabled flag. */
struct assignee_row {
	enum role role; /* ROLE_NONE when unknown */
	int disabled; /* 1 = the account is disabled */
};

static void fill_assignee(struct db_rows *r, void *out)
{
	struct assignee_row *a = out;
	a->role = role_parse(db_col_text(r, USC_ROLE));
	a->disabled = db_col_int(r, USC_DISABLED) != 0;
}

static int check_assignee(struct db *db, int64_t id, struct kf_error *err)
{
	struct assignee_row a = { ROLE_NONE, 0 };
	if (id <= 0)
		return 0;
	int rc = db_query_row(db, &q_user, DB_ARGS(db_int(id)), fill_assignee, &a, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "assignee_id", "no user with id %lld", (long long)id);
	else if (a.disabled)
		rc = kf_fail(err, KF_EINVAL, "assignee_unavailable", "assignee_id",
		             "user %lld is disabled and cannot be assigned tickets", (long long)id);
	else if (!rbac_allows(a.role, PERM_TICKET_WRITE))
		rc = kf_fail(err, KF_EINVAL, "assignee_unavailable", "assignee_id",
		             "user %lld is a %s and cannot work tickets", (long long)id, role_name(a.role));
	else
		return 0;
	kf_detail_int(err, "id", id);
	return rc;
}

int ticket_refs_check(struct db *db, const struct ticket_refs *r, struct kf_error *err)
{
	static const struct ref_kind kinds[] = {
		{ "customer_id", "customer", &q_customer },
		{ "order_id", "order", &q_order },
		{ "shipment_id", "shipment", &q_shipment },
		{ "team_id", "team", &q_team },
	};
	const int64_t ids[] = { r->customer_id, r->order_id, r->shipment_id, r->team_id };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int rc = check_one(db, &kinds[i], ids[i], err);
		if (rc < 0)
			return rc;
	}
	return check_assignee(db, r->assignee_id, err);
}

int ticket_refs_may_assign(int64_t me, int64_t from, int64_t to, struct kf_error *err)
{
	if (me <= 0 || from == to)
		return 0;
	if (from == 0 && to == me)
		return 0; /* take an unassigned ticket */
	if (from == me && to == 0)
		return 0; /* hand one's own ticket back */
	return kf_fail(err, KF_EPERM, "reassign_forbidden", "assignee_id",
	               from && from != me
	                       ? "the ticket is assigned to someone else; reassigning needs a manager"
	                       : "you may assign a ticket only to yourself; assigning others needs a manager");
}
