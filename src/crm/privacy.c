/*
 * privacy.c - see privacy.h.  The masking functions come first (pure);
 * export and erasure follow, over the customer module's tables.
 */
#include "crm/privacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/portal.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "crm/customer.h"
#include "crm/timeline.h"
#include "events/outbox.h"
#include "store/search.h"
#include "store/db.h"

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

static int addr_char(char c)
{
	return c && !strchr(" \t<>()[],;:\"'", c);
}

/* Mail servers quote the recipient ("550 5.1.1 <x@y>: ..."): each word around an '@' is masked. */
void privacy_mask_emails_in(const char *s, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	const char *p = s ? s : "";
	while (*p) {
		const char *at = strchr(p, '@');
		if (!at) {
			buf_adds(&b, p);
			break;
		}
		const char *start = at, *end = at + 1;
		while (start > p && addr_char(start[-1]))
			start--;
		while (addr_char(*end))
			end++;
		char addr[320], masked[320];
		snprintf(addr, sizeof(addr), "%.*s", (int)(end - start), start);
		privacy_mask_email(addr, masked, sizeof(masked));
		buf_add(&b, p, (size_t)(start - p));
		buf_adds(&b, masked);
		p = end;
	}
	str_copy(out, n, b.p ? b.p : "");
	buf_release(&b);
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

/*
 * --- the copies of the person elsewhere ---------------------------------
 *
 * Before the rows go, the person's values are gathered: the name, every
 * identity, the addresses' recipient, phone and line, and the values the
 * customer's own audit entries recorded under those keys (an old phone or
 * name).  Every copy kefu made of them is then replaced by the marker: in
 * the audit log (entries kept), in the subjects, messages and event
 * payloads of the customer's tickets (kefu writes the name into subjects
 * of care tickets: 老客户回访：<name>), and the search documents of those
 * tickets and messages are rebuilt from the new text.
 */
#define ERASED_MARK "[已删除/erased]"
#define ERASE_MIN_BYTES 2 /* shorter values would blank unrelated text */

static const char *const personal_keys[] = { "name",  "birthday", "note",     "value", "recipient",
	                                     "phone", "line",     "postcode", "email", NULL };

struct values {
	char **v;
	size_t n, cap;
};

/* A masked phone kept as a pattern: digits, '*', '+', '-' and spaces, with 7 digits or more. */
static int masked_phone(const char *s)
{
	int digits = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != '*' && *s != '+' && *s != '-' && *s != ' ')
			return 0;
	}
	return digits >= 7;
}

/* A masked e-mail as privacy_mask_email writes it: one character, "***", then "@domain". */
static int masked_email(const char *s)
{
	const char *stars = strstr(s, "***@");
	return stars && stars > s && !strchr(stars + 4, '*') && !strchr(stars + 4, '@');
}

static void values_add(struct values *vs, const char *s)
{
	if (!s || strlen(s) < ERASE_MIN_BYTES || strcmp(s, ERASED_MARK) == 0)
		return;
	if (strchr(s, '*') && !masked_phone(s) && !masked_email(s))
		return; /* another masked value: nothing to look for */
	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i], s) == 0)
			return;
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 16;
		vs->v = xreallocarray(vs->v, vs->cap, sizeof(*vs->v));
	}
	vs->v[vs->n++] = xstrdup(s);
}

/* Longest first, so that a value inside another (a name inside an e-mail) does not split it. */
static int longer_first(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
	return x < y ? 1 : x > y ? -1 : 0;
}

static void values_free(struct values *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		free(vs->v[i]);
	free(vs->v);
}

/* The masked form of an e-mail value as well: the audit and the screens kept it so. */
static void values_add_masked(struct values *vs, const char *s)
{
	char masked[512];
	if (!strchr(s, '@') || strchr(s, '*'))
		return;
	privacy_mask_email(s, masked, sizeof(masked));
	if (strcmp(masked, s) != 0)
		values_add(vs, masked);
}

static struct db_sql q_person = DB_SQL(
        "SELECT name FROM customers WHERE id = $1"
        " UNION ALL SELECT value FROM customer_identities WHERE customer_id = $1"
        " UNION ALL SELECT recipient FROM customer_addresses WHERE customer_id = $1"
        " UNION ALL SELECT phone FROM customer_addresses WHERE customer_id = $1"
        " UNION ALL SELECT line FROM customer_addresses WHERE customer_id = $1");
static struct db_sql q_own_audit = DB_SQL(
        "SELECT before_json, after_json FROM audit_log WHERE object_type = 'customer' AND object_id = $1");

/* The strings under personal keys anywhere in j. */
static void values_from_json(struct values *vs, json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;
	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
		{
			int personal = 0;
			for (const char *const *k = personal_keys; *k; k++)
				personal |= strcmp(*k, key) == 0;
			if (json_is_string(v) && personal && strcmp(key, "note") != 0 &&
			    strcmp(key, "birthday") != 0)
				values_add(vs, json_string_value(v));
			else
				values_from_json(vs, v);
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v) values_from_json(vs, v);
	}
}

static int person_values(struct db *db, int64_t id, struct values *vs, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_person, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		values_add(vs, db_col_text(r, 0));
	db_done(r);
	for (size_t i = 0, n = vs->n; i < n; i++)
		values_add_masked(vs, vs->v[i]);
	r = NULL;
	if (rc >= 0)
		rc = db_query(db, &q_own_audit, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		for (int c = 0; c < 2; c++) {
			json_t *j = db_col_isnull(r, c) ? NULL : json_loads(db_col_text(r, c), 0, NULL);
			values_from_json(vs, j);
			json_decref(j);
		}
	db_done(r);
	if (vs->n > 1)
		qsort(vs->v, vs->n, sizeof(*vs->v), longer_first);
	return rc < 0 ? rc : 0;
}

/* Every statement redact_texts reads returns (key, text): q_subjects, q_bodies, COPY_COL. */
enum { TXT_KEY, TXT_TEXT, TXT_NCOLS };
_Static_assert(TXT_NCOLS == 2, "SELECT key, text");
static struct db_sql q_subjects = DB_SQL("SELECT id, subject FROM tickets WHERE customer_id = $1");
static struct db_sql q_subject_set = DB_SQL("UPDATE tickets SET subject = $2 WHERE id = $1");
static struct db_sql q_bodies = DB_SQL(
        "SELECT m.id, m.body FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.customer_id = $1");
static struct db_sql q_body_set = DB_SQL("UPDATE ticket_messages SET body = $2 WHERE id = $1");
static struct db_sql q_authors = DB_SQL("UPDATE ticket_messages SET author_name = REPLACE(author_name, $2, $3)"
                                        " WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = $1)");
static struct db_sql q_actors = DB_SQL("UPDATE ticket_events SET actor_name = REPLACE(actor_name, $2, $3)"
                                       " WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = $1)");
/* clang-format off */
#define EVENT_COPY_COLS(F, X) \
	F(EVC_ID, "e.id") \
	X(EVC_BEFORE, "e.before_json") \
	X(EVC_AFTER, "e.after_json")
/* clang-format on */
DB_COLS_ENUM(EVENT_COPY_COLS, EVC_NCOLS);
static struct db_sql q_events = DB_SQL("SELECT " DB_COLS_SQL(
        EVENT_COPY_COLS) " FROM ticket_events e"
                         " JOIN tickets t ON t.id = e.ticket_id WHERE t.customer_id = $1");
static struct db_sql q_event_set = DB_SQL(
        "UPDATE ticket_events SET before_json = $2, after_json = $3 WHERE id = $1");

/* A stored JSON copy redacted: the new text, or NULL when unchanged. */
static char *redacted(const char *text, const struct audit_redaction *rd)
{
	json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	char *out = j && audit_json_redact(j, rd, 0) > 0
	        ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
	        : NULL;
	json_decref(j);
	return out;
}

struct event_copy {
	int64_t id;
	char *before, *after;
};

static int redact_events(struct db *db, int64_t id, const struct audit_redaction *rd, struct kf_error *err)
{
	struct event_copy *ev = NULL;
	size_t n = 0, cap = 0;
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_events, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		char *b = redacted(db_col_isnull(r, EVC_BEFORE) ? NULL : db_col_text(r, EVC_BEFORE), rd);
		char *a = redacted(db_col_isnull(r, EVC_AFTER) ? NULL : db_col_text(r, EVC_AFTER), rd);
		if (!b && !a)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ev = xreallocarray(ev, cap, sizeof(*ev));
		}
		ev[n++] = (struct event_copy){ db_col_int(r, EVC_ID),
			                       b ? b
			                               : db_col_isnull(r, EVC_BEFORE)
			                               ? NULL
			                               : xstrdup(db_col_text(r, EVC_BEFORE)),
			                       a ? a
			                               : db_col_isnull(r, EVC_AFTER)
			                               ? NULL
			                               : xstrdup(db_col_text(r, EVC_AFTER)) };
	}
	db_done(r);
	for (size_t i = 0; i < n; i++) {
		if (rc >= 0)
			rc = db_exec(db, &q_event_set,
			             DB_ARGS(db_int(ev[i].id), ev[i].before ? db_text(ev[i].before) : db_null(),
			                     ev[i].after ? db_text(ev[i].after) : db_null()),
			             err);
		free(ev[i].before);
		free(ev[i].after);
	}
	free(ev);
	return rc < 0 ? rc : 0;
}

/* clang-format off */
#define TICKET_DOC_COLS(F, X) \
	F(TD_ID, "t.id") \
	X(TD_TITLE, "t.subject") \
	X(TD_AT, "t.updated_at") \
	X(TD_TEXT, "(SELECT m.body FROM ticket_messages m WHERE m.ticket_id = t.id ORDER BY m.id LIMIT 1)")
/* clang-format on */
DB_COLS_ENUM(TICKET_DOC_COLS, TD_NCOLS);
static struct db_sql q_ticket_docs = DB_SQL(
        "SELECT " DB_COLS_SQL(TICKET_DOC_COLS) " FROM tickets t"
                                               " WHERE t.customer_id = $1 ORDER BY t.id");
/* clang-format off */
#define MESSAGE_DOC_COLS(F, X) \
	F(MD_ID, "m.id") \
	X(MD_PARENT, "m.ticket_id") \
	X(MD_TEXT, "m.body") \
	X(MD_AT, "m.created_at")
/* clang-format on */
DB_COLS_ENUM(MESSAGE_DOC_COLS, MD_NCOLS);
static struct db_sql q_message_docs = DB_SQL("SELECT " DB_COLS_SQL(
        MESSAGE_DOC_COLS) " FROM ticket_messages m"
                          " JOIN tickets t ON t.id = m.ticket_id WHERE t.customer_id = $1 ORDER BY m.id");

struct doc_copy {
	int64_t id, parent, at;
	char *title, *text;
};

/* The rows of q (id, title-or-parent, ..., text) as documents; ticket = 1 for q_ticket_docs. */
static int docs_read(struct db *db, struct db_sql *q, int64_t id, int ticket, struct doc_copy **out,
                     size_t *n, struct kf_error *err)
{
	size_t cap = 0;
	struct db_rows *r = NULL;
	int rc = db_query(db, q, DB_ARGS(db_int(id)), &r, err);
	*out = NULL;
	*n = 0;
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xreallocarray(*out, cap, sizeof(**out));
		}
		struct doc_copy *d = &(*out)[(*n)++];
		int text = ticket ? TD_TEXT : MD_TEXT;
		d->id = db_col_int(r, ticket ? TD_ID : MD_ID);
		d->parent = ticket ? 0 : db_col_int(r, MD_PARENT);
		d->title = ticket ? xstrdup(db_col_text(r, TD_TITLE)) : NULL;
		d->at = db_col_int(r, ticket ? TD_AT : MD_AT);
		d->text = db_col_isnull(r, text) ? NULL : xstrdup(db_col_text(r, text));
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* The search documents of the customer's tickets and messages, from the redacted text. */
static int reindex(struct db *db, int64_t id, struct kf_error *err)
{
	struct doc_copy *d = NULL;
	size_t n = 0;
	int rc = 0;
	for (int ticket = 1; ticket >= 0 && rc == 0; ticket--) {
		rc = docs_read(db, ticket ? &q_ticket_docs : &q_message_docs, id, ticket, &d, &n, err);
		for (size_t i = 0; i < n; i++) {
			if (rc == 0)
				rc = search_put(db, ticket ? "ticket" : "message", d[i].id, d[i].parent,
				                d[i].title, d[i].text, d[i].at, err);
			free(d[i].title);
			free(d[i].text);
		}
		free(d);
		d = NULL;
	}
	return rc;
}

struct text_copy {
	int64_t id;
	char *text;
};

/* The texts (JSON when json) of q (id, text) for the customer redacted, and written back with set where they changed. */
static int redact_texts(struct db *db, int64_t id, struct db_sql *q, struct db_sql *set, int json,
                        const struct audit_redaction *rd, struct kf_error *err)
{
	struct text_copy *tc = NULL;
	size_t n = 0, cap = 0;
	struct db_rows *r = NULL;
	int rc = db_query(db, q, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		if (db_col_isnull(r, TXT_TEXT))
			continue;
		char *t = json ? redacted(db_col_text(r, TXT_TEXT), rd)
		               : audit_text_redact(db_col_text(r, TXT_TEXT), rd);
		if (!t)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			tc = xreallocarray(tc, cap, sizeof(*tc));
		}
		tc[n++] = (struct text_copy){ db_col_int(r, TXT_KEY), t };
	}
	db_done(r);
	for (size_t i = 0; i < n; i++) {
		if (rc >= 0)
			rc = db_exec(db, set, DB_ARGS(db_int(tc[i].id), db_text(tc[i].text)), err);
		free(tc[i].text);
	}
	free(tc);
	return rc < 0 ? rc : 0;
}

/*
 * The free-text columns of the customer's processes, files and follow-ups:
 * (key, text) read where the text is set, written back by key.  A column
 * holding JSON is redacted as JSON, so that it stays valid.
 */
#define OF_TICKETS "(SELECT id FROM tickets WHERE customer_id = $1)"
#define COPY_COL(tbl, key, col, whose, json) \
	{ \
		DB_SQL("SELECT " key ", " col " FROM " tbl " WHERE " col " IS NOT NULL AND (" whose ")"), \
		        DB_SQL("UPDATE " tbl " SET " col " = $2 WHERE " key " = $1"), json \
	}
#define BY_TICKET "ticket_id IN " OF_TICKETS
#define BY_EITHER "customer_id = $1 OR ticket_id IN " OF_TICKETS

struct copy_col {
	struct db_sql get, set;
	int json;
};

static struct copy_col copy_cols[] = {
	COPY_COL("complaints", "ticket_id", "investigation_notes", BY_TICKET, 0),
	COPY_COL("complaints", "ticket_id", "root_cause", BY_TICKET, 0),
	COPY_COL("complaints", "ticket_id", "responsible_department", BY_TICKET, 0),
	COPY_COL("complaints", "ticket_id", "solution", BY_TICKET, 0),
	COPY_COL("return_requests", "id", "reason", BY_TICKET, 0),
	COPY_COL("return_requests", "id", "inspection_result", BY_TICKET, 0),
	COPY_COL("return_requests", "id", "inspection_notes", BY_TICKET, 0),
	COPY_COL("return_requests", "id", "return_tracking_number", BY_TICKET, 0),
	COPY_COL("return_requests", "id", "window_override_reason", BY_TICKET, 0),
	COPY_COL("claims", "ticket_id", "decision_reason", BY_TICKET, 0),
	COPY_COL("attachments", "id", "filename", BY_TICKET, 0),
	COPY_COL("followups", "id", "note", BY_EITHER, 0),
	COPY_COL("survey_responses", "id", "comment", BY_EITHER, 0),
	COPY_COL("quotes", "id", "request", BY_EITHER, 1),
	COPY_COL("quotes", "id", "result", BY_EITHER, 1),
	COPY_COL("shipments", "id", "origin", "customer_id = $1", 0),
	COPY_COL("shipments", "id", "destination", "customer_id = $1", 0),
	/* the event stream's copies (docs/events.md): ticket subjects, customer events */
	COPY_COL("events", "seq", "payload",
	         "(entity = 'ticket' AND entity_id IN " OF_TICKETS
	         ") OR (entity = 'customer' AND entity_id = $1)",
	         1),
};

/* Every copy of the person outside the customer's own rows, replaced by the marker. */
static int erase_copies(struct db *db, int64_t id, struct kf_error *err)
{
	struct values vs = { 0 };
	int rc = person_values(db, id, &vs, err);
	struct audit_redaction rd = { (const char *const *)vs.v, vs.n, personal_keys, ERASED_MARK };
	struct db_sql *names[] = { &q_authors, &q_actors };
	for (size_t v = 0; v < vs.n && rc >= 0; v++)
		for (size_t t = 0; t < sizeof(names) / sizeof(names[0]) && rc >= 0 && !strchr(vs.v[v], '*'); t++)
			rc = db_exec(db, names[t],
			             DB_ARGS(db_int(id), db_text(vs.v[v]), db_text(ERASED_MARK)), err);
	if (rc >= 0)
		rc = redact_texts(db, id, &q_subjects, &q_subject_set, 0, &rd, err);
	if (rc == 0)
		rc = redact_texts(db, id, &q_bodies, &q_body_set, 0, &rd, err);
	for (size_t i = 0; rc == 0 && i < sizeof(copy_cols) / sizeof(copy_cols[0]); i++)
		rc = redact_texts(db, id, &copy_cols[i].get, &copy_cols[i].set, copy_cols[i].json, &rd, err);
	if (rc == 0)
		rc = redact_events(db, id, &rd, err);
	if (rc == 0)
		rc = audit_redact(db, "customer", id, &rd, err);
	if (rc == 0)
		rc = reindex(db, id, err);
	values_free(&vs);
	return rc < 0 ? rc : 0;
}

/*
 * --- mail (issue 14, migration 0021) ------------------------------------
 *
 * The mails of the customer's tickets and the mails they sent elsewhere
 * lose their addresses, names, subject, HTML and skipped-file list, and
 * their raw copies go (a blob stays only while another mail or an
 * attachment still uses it); the participant rows of their tickets and
 * those naming their addresses go, and so do bounce records of their
 * addresses.  Run before the identities are deleted (they name the
 * addresses).
 */
#define THEIR_EMAILS "(SELECT value FROM customer_identities WHERE customer_id = $1 AND kind = 'email')"
#define THEIR_MAILS "(ticket_id IN " OF_TICKETS " OR from_addr IN " THEIR_EMAILS ")"
static struct db_sql q_mail_raws = DB_SQL("SELECT DISTINCT raw_sha256 FROM mail_messages WHERE " THEIR_MAILS
                                          " AND raw_sha256 <> ''");
static struct db_sql q_mail_blank = DB_SQL(
        "UPDATE mail_messages SET from_addr = '', from_name = '', to_addrs = '[]', cc_addrs = '[]', subject = '',"
        " html = '', skipped = '[]', raw_sha256 = '' WHERE " THEIR_MAILS);
static struct db_sql q_mail_blob_drop = DB_SQL(
        "DELETE FROM attachment_blobs WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM mail_messages m"
        " WHERE m.raw_sha256 = $1) AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = $1)");
static struct db_sql q_mail_participants = DB_SQL(
        "DELETE FROM ticket_participants WHERE ticket_id IN " OF_TICKETS " OR address IN " THEIR_EMAILS);
static struct db_sql q_mail_bounces = DB_SQL("DELETE FROM mail_bounces WHERE address IN " THEIR_EMAILS);

static int erase_mail(struct db *db, int64_t id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	struct values raws = { 0 };
	int rc = db_query(db, &q_mail_raws, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		values_add(&raws, db_col_text(r, 0));
	db_done(r);
	if (rc >= 0)
		rc = db_exec(db, &q_mail_blank, DB_ARGS(db_int(id)), err);
	for (size_t i = 0; rc >= 0 && i < raws.n; i++)
		rc = db_exec(db, &q_mail_blob_drop, DB_ARGS(db_text(raws.v[i])), err);
	if (rc >= 0)
		rc = db_exec(db, &q_mail_participants, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_mail_bounces, DB_ARGS(db_int(id)), err);
	values_free(&raws);
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
	if (rc == 0)
		rc = erase_copies(db, id, err);
	if (rc == 0)
		rc = erase_mail(db, id, err);
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
	if (rc == 0) { /* no personal data: only that it happened */
		struct event ev = { .type = "customer.erased",
			            .entity = "customer",
			            .entity_id = id,
			            .created_at_ms = now * 1000 };
		rc = outbox_append(db, &ev, a, err);
	}
	json_decref(before);
	json_decref(after);
	return db_finish(db, rc, err);
}
