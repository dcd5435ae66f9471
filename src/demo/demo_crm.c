/*
 * demo_crm.c - one demo customer: the profile, how to reach them, where
 * they live, what they like, their tags and consents, and the search
 * document crm/customer.c would write (name and identities).  Writes
 * crm's tables directly (see demo.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "demo/demo_int.h"
#include "store/db.h"
#include "store/search.h"

/* Lifecycle stages by tier: A customers are mostly loyal, C ones new or drifting away. */
static const char *stage_of(struct demo_rng *r, char tier)
{
	static const char *const a[] = { "loyal", "loyal", "satisfied", "loyal", "at_risk" };
	static const char *const b[] = { "satisfied", "satisfied", "loyal", "new", "at_risk", "lapsed" };
	static const char *const c[] = { "new", "new", "potential", "satisfied", "lapsed", "at_risk" };
	if (tier == 'A')
		return a[demo_rng_below(r, 5)];
	return tier == 'B' ? b[demo_rng_below(r, 6)] : c[demo_rng_below(r, 6)];
}

static int profile(struct demo_gen *g, struct demo_rng *r, int64_t serial, struct demo_customer *cu,
                   struct kf_error *err)
{
	int company = demo_rng_chance(r, 8);
	char ext[24], bday[11];
	cu->english = demo_rng_chance(r, 12);
	if (company)
		demo_company(r, cu->english, &cu->person);
	else
		demo_person(r, cu->english, &cu->person);
	int t = (int)demo_rng_below(r, 100);
	cu->tier = t < 20 ? 'A' : t < 50 ? 'B' : 'C';
	cu->place = demo_place(r);
	cu->created_at = g->now - demo_rng_range(r, 60, 1100) * DEMO_DAY - demo_rng_below(r, DEMO_DAY);
	snprintf(ext, sizeof(ext), "SHOP-%07lld", (long long)serial);
	demo_date(g->now - demo_rng_range(r, 18 * 365, 65 * 365) * DEMO_DAY, bday);
	const char *note = company
	        ? (cu->english ? "Corporate account, monthly invoice." : "企业客户，月结，需开专票。")
	        : (cu->tier == 'A' ? "高价值客户，优先处理。" : "");
	const char *external = demo_rng_chance(r, 60) ? ext : NULL, *stage = stage_of(r, cu->tier);
	cu->id = g->next_customer++;
	return demo_put(g, DT_CUSTOMERS,
	                DB_ARGS(db_int(cu->id), db_text(company ? "company" : "person"),
	                        db_text(cu->person.name), db_text(external), db_textn(&cu->tier, 1),
	                        db_text(stage), db_text(company ? NULL : bday),
	                        db_text(cu->english ? "en" : "zh-CN"), db_text(note), db_int(cu->created_at),
	                        db_int(cu->created_at)),
	                NULL, err);
}

/* Phone always, e-mail mostly, WeChat for half of the Chinese customers; *text for the search doc. */
static int identities(struct demo_gen *g, struct demo_rng *r, int64_t serial, const struct demo_customer *cu,
                      char phone[DEMO_CONTACT_MAX], struct buf *text, struct kf_error *err)
{
	char v[DEMO_CONTACT_MAX];
	demo_phone(r, serial, phone);
	int rc = demo_put(g, DT_IDENTITIES,
	                  DB_ARGS(db_int(cu->id), db_text("phone"), db_text(phone), db_int(cu->created_at)),
	                  &g->c->identities, err);
	buf_addf(text, " %s", phone);
	if (rc == 0 && demo_rng_chance(r, cu->english ? 95 : 65)) {
		demo_email(r, cu->person.latin, serial, v);
		rc = demo_put(g, DT_IDENTITIES,
		              DB_ARGS(db_int(cu->id), db_text("email"), db_text(v), db_int(cu->created_at)),
		              &g->c->identities, err);
		buf_addf(text, " %s", v);
	}
	if (rc == 0 && !cu->english && demo_rng_chance(r, 50)) {
		demo_wechat(r, cu->person.latin, serial, v);
		rc = demo_put(g, DT_IDENTITIES,
		              DB_ARGS(db_int(cu->id), db_text("wechat"), db_text(v), db_int(cu->created_at)),
		              &g->c->identities, err);
		buf_addf(text, " %s", v);
	}
	return rc;
}

static int addresses(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu,
                     const char *phone, struct kf_error *err)
{
	char line[160];
	int n = demo_rng_chance(r, 20) ? 2 : 1, rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		const struct demo_place *p = i == 0 ? cu->place : demo_place(r);
		demo_street(r, p, line, sizeof(line));
		rc = demo_put(g, DT_ADDRESSES,
		              DB_ARGS(db_int(cu->id), db_text(i == 0 ? "家" : "公司"), db_text(cu->person.name),
		                      db_text(phone), db_text(p->province), db_text(p->city),
		                      db_text(p->district), db_text(line), db_text(p->postcode),
		                      db_int(i == 0), db_int(cu->created_at), db_int(cu->created_at)),
		              &g->c->addresses, err);
	}
	return rc;
}

/* 0-3 preferences with distinct keys, 0-2 distinct tags. */
static int likes(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu, struct kf_error *err)
{
	int nk = demo_preference_keys(), first = (int)demo_rng_below(r, (uint64_t)nk);
	int np = (int)demo_rng_below(r, 4), rc = 0;
	for (int i = 0; i < np && rc == 0; i++) {
		const char *k, *v;
		demo_preference(r, first + i, &k, &v);
		rc = demo_put(g, DT_PREFERENCES,
		              DB_ARGS(db_int(cu->id), db_text(k), db_text(v), db_int(cu->created_at)),
		              &g->c->preferences, err);
	}
	const char *t1 = cu->tier == 'A' ? "VIP" : demo_tag(r), *t2 = demo_tag(r);
	int nt = (int)demo_rng_below(r, 3);
	if (rc == 0 && (nt > 0 || cu->tier == 'A'))
		rc = demo_put(g, DT_TAGS, DB_ARGS(db_int(cu->id), db_text(t1)), &g->c->tags, err);
	if (rc == 0 && nt > 1 && strcmp(t1, t2) != 0)
		rc = demo_put(g, DT_TAGS, DB_ARGS(db_int(cu->id), db_text(t2)), &g->c->tags, err);
	return rc;
}

static int consents(struct demo_gen *g, struct demo_rng *r, const struct demo_customer *cu, struct kf_error *err)
{
	int rc = demo_put(g, DT_CONSENTS,
	                  DB_ARGS(db_int(cu->id), db_text("data_processing"), db_int(1),
	                          db_int(cu->created_at), db_text("signup")),
	                  &g->c->consents, err);
	if (rc == 0 && demo_rng_chance(r, 60))
		rc = demo_put(g, DT_CONSENTS,
		              DB_ARGS(db_int(cu->id), db_text(cu->english ? "marketing_email" : "marketing_sms"),
		                      db_int(demo_rng_chance(r, 70)), db_int(cu->created_at + DEMO_DAY),
		                      db_text("portal")),
		              &g->c->consents, err);
	return rc;
}

int demo_customer_write(struct demo_gen *g, struct demo_rng *r, int64_t serial, struct demo_customer *cu,
                        struct kf_error *err)
{
	struct buf text = BUF_INIT;
	char phone[DEMO_CONTACT_MAX];
	int rc = profile(g, r, serial, cu, err);
	if (rc == 0)
		rc = identities(g, r, serial, cu, phone, &text, err);
	if (rc == 0)
		rc = addresses(g, r, cu, phone, err);
	if (rc == 0)
		rc = likes(g, r, cu, err);
	if (rc == 0)
		rc = consents(g, r, cu, err);
	if (rc == 0)
		rc = search_load_add_pii(g->search, "customer", cu->id, 0, cu->person.name, NULL,
		                         buf_cstr(&text), cu->created_at, err);
	buf_release(&text);
	if (rc < 0)
		return rc;
	g->c->customers++;
	g->c->search_docs++;
	return 0;
}
