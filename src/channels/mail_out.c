/*
 * mail_out.c - see mail_out.h.  Two halves: queueing (the consumer
 * handler, inside the delivery transaction) and sending (the threads).
 */
#include "channels/mail_out.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth/secret.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "channels/mail_compose.h"
#include "channels/mail_settings.h"
#include "channels/mail_thread.h"
#include "channels/mail_template.h"
#include "channels/mail_token.h"
#include "channels/smtp.h"
#include "crm/privacy.h"
#include "desk/attachment.h"
#include "desk/ticket.h"
#include "store/db.h"

#define CC_MAX 50 /* participants on Cc */
#define NAME_BYTES 404 /* a display name (100 characters) */
#define LINK_MAX 1400 /* public_url (up to 1023 bytes) + "/survey/" + the token */
#define SEND_BATCH 16 /* due rows claimed (one commit) and recorded (one commit) together */
#define CLAIM_TRIES 8 /* looks for due rows when other senders took all those seen */
#define LEASE_S 120 /* a claimed row is left alone this long beyond the exchange's timeout */

/* --- queueing ---------------------------------------------------------------------- */

static struct db_sql q_first_in = DB_SQL(
        "SELECT kind FROM mail_messages WHERE ticket_id = $1 AND direction = 'in' ORDER BY id LIMIT 1");
static struct db_sql q_has_mail = DB_SQL("SELECT COUNT(*) FROM mail_messages WHERE ticket_id = $1");
static struct db_sql q_customer = DB_SQL("SELECT name FROM customers WHERE id = $1 AND erased_at IS NULL");
static struct db_sql q_addr_used = DB_SQL(
        "SELECT m.from_addr FROM mail_messages m JOIN customer_identities i ON i.kind = 'email'"
        " AND i.customer_id = $2 AND lower(i.value) = lower(m.from_addr)"
        " WHERE m.ticket_id = $1 AND m.direction = 'in' ORDER BY m.id DESC LIMIT 1");
static struct db_sql q_addr_first = DB_SQL(
        "SELECT value FROM customer_identities WHERE customer_id = $1 AND kind = 'email' ORDER BY id LIMIT 1");
static struct db_sql q_lang = DB_SQL(
        "SELECT value FROM customer_preferences WHERE customer_id = $1 AND key = 'language'");
/* kefu's mailboxes are its own addresses too: never a Cc (a mail fetched before the support address was set) */
static struct db_sql q_cc = DB_SQL("SELECT address, name FROM ticket_participants p WHERE ticket_id = $1"
                                   " AND NOT EXISTS (SELECT 1 FROM mailboxes m WHERE lower(m.address) = p.address)"
                                   " ORDER BY created_at, address LIMIT 50");
static struct db_sql q_parent = DB_SQL(
        "SELECT rfc_message_id, refs FROM mail_messages WHERE ticket_id = $1 AND status <> 'dropped'"
        " ORDER BY CASE WHEN direction = 'in' THEN 0 ELSE 1 END, id DESC LIMIT 1");
static struct db_sql q_message = DB_SQL(
        "SELECT body, author_name FROM ticket_messages WHERE id = $1 AND ticket_id = $2");
static struct db_sql q_files = DB_SQL(
        "SELECT a.filename, a.content_type, b.bytes FROM attachments a"
        " JOIN attachment_blobs b ON b.sha256 = a.sha256 WHERE a.message_id = $1 AND a.ticket_id = $2"
        " ORDER BY a.id LIMIT 20");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO mail_messages (direction, kind, ticket_id, message_id, rfc_message_id, in_reply_to, refs,"
        " from_addr, from_name, to_addrs, cc_addrs, subject, status, next_at, raw_sha256, size, html,"
        " created_at, updated_at, event_seq)"
        " VALUES ('out', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $13, $14, $15, $12, $12, $16)"
        " ON CONFLICT (event_seq) DO NOTHING");

/* Everything one outgoing mail is made from. */
struct outgoing {
	const char *kind; /* ack, reply, resolved */
	struct ticket *t;
	struct mail_settings s;
	char to[256];
	char to_name[NAME_BYTES];
	struct mail_addr cc[CC_MAX];
	char *cc_text[CC_MAX][2]; /* owned copies behind cc[] */
	int ncc;
	char lang[4];
	char token[MAIL_TOKEN_MAX];
	char parent_id[MAIL_COMPOSE_ID_MAX];
	char refs[MAIL_COMPOSE_REFS_BYTES];
	char *body; /* the reply's text (owned) */
	char agent[NAME_BYTES];
	char link[LINK_MAX];
	int64_t message_id; /* the ticket message answered; 0 for an ack */
};

static void outgoing_release(struct outgoing *o)
{
	for (int i = 0; i < o->ncc; i++) {
		free(o->cc_text[i][0]);
		free(o->cc_text[i][1]);
	}
	free(o->body);
	free(o->t);
}

/* One text column of the first row of q into out (n bytes); *found = whether there was a row. */
static int query_text(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, char *out,
                      size_t n, int *found, struct kf_error *err)
{
	struct db_rows *r = NULL;
	out[0] = '\0';
	*found = 0;
	int rc = db_query(db, q, args, nargs, &r, err);
	if (rc == 0)
		rc = db_next(r, err);
	if (rc == 1) {
		str_copy(out, n, db_col_text(r, 0));
		*found = 1;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static void skip(const struct outgoing *o, const char *why)
{
	log_msg(LOG_LEVEL_DEBUG, "mail.out", "ticket %lld: no %s mail: %s", (long long)o->t->id, o->kind, why);
}

/* The customer's name, address and language; 0 with o->to "" when there is none. */
static int recipient(struct db *db, struct outgoing *o, struct kf_error *err)
{
	int found = 0;
	int64_t cid = o->t->customer_id;
	str_copy(o->lang, sizeof(o->lang), strcmp(o->t->language, "en") == 0 ? "en" : "zh");
	if (cid <= 0)
		return 0;
	int rc = query_text(db, &q_customer, DB_ARGS(db_int(cid)), o->to_name, sizeof(o->to_name), &found, err);
	if (rc < 0 || !found)
		return rc;
	rc = query_text(db, &q_addr_used, DB_ARGS(db_int(o->t->id), db_int(cid)), o->to, sizeof(o->to),
	                &found, err);
	if (rc == 0 && !found)
		rc = query_text(db, &q_addr_first, DB_ARGS(db_int(cid)), o->to, sizeof(o->to), &found, err);
	char lang[16];
	if (rc == 0)
		rc = query_text(db, &q_lang, DB_ARGS(db_int(cid)), lang, sizeof(lang), &found, err);
	if (rc == 0 && found && (strcmp(lang, "en") == 0 || strcmp(lang, "zh") == 0))
		str_copy(o->lang, sizeof(o->lang), lang);
	return rc;
}

/* The participants on Cc (not the customer, not kefu's own address). */
static int participants(struct db *db, struct outgoing *o, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_cc, DB_ARGS(db_int(o->t->id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1 && o->ncc < CC_MAX) {
		const char *addr = db_col_text(r, 0), *name = db_col_text(r, 1);
		if (!addr || strcasecmp(addr, o->to) == 0 ||
		    mail_thread_is_own(o->s.address, NULL, 0, addr) || !mail_settings_address_valid(addr))
			continue;
		o->cc_text[o->ncc][0] = xstrdup(addr);
		o->cc_text[o->ncc][1] = xstrdup(name ? name : "");
		o->cc[o->ncc] = (struct mail_addr){ o->cc_text[o->ncc][1], o->cc_text[o->ncc][0] };
		o->ncc++;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* In-Reply-To and References: the ticket's latest received mail (else kefu's latest). */
static int threading(struct db *db, struct outgoing *o, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_parent, DB_ARGS(db_int(o->t->id)), &r, err);
	if (rc == 0)
		rc = db_next(r, err);
	if (rc == 1) {
		str_copy(o->parent_id, sizeof(o->parent_id), db_col_text(r, 0));
		mail_compose_references(db_col_text(r, 1), o->parent_id, o->refs);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int link_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	        c == '_';
}

/* Where customers reach kefu (config public_url), without a trailing '/'; set once at start. */
static char public_url[1024];

void mail_out_set_public_url(const char *url)
{
	size_t len = strlen(url);
	while (len && url[len - 1] == '/')
		len--;
	snprintf(public_url, sizeof(public_url), "%.*s", (int)len, url);
}

/* The survey link in kefu's post ("/survey/TOKEN") under public_url, or "". */
static void link_of(const char *post, char *out, size_t n)
{
	const char *p = strstr(post, "/survey/");
	out[0] = '\0';
	if (!p)
		return;
	size_t len = strlen("/survey/");
	while (p[len] && link_char(p[len]))
		len++;
	if ((size_t)snprintf(out, n, "%s%.*s", public_url, (int)len, p) >= n)
		out[0] = '\0'; /* too long to be a link: none rather than half of one */
}

/* The answered message: the reply's text and author, or the survey link of kefu's post. */
static int answered(struct db *db, struct outgoing *o, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_message, DB_ARGS(db_int(o->message_id), db_int(o->t->id)), &r, err);
	if (rc == 0)
		rc = db_next(r, err);
	if (rc == 1) {
		const char *body = db_col_text(r, 0);
		o->body = xstrdup(body ? body : "");
		str_copy(o->agent, sizeof(o->agent), db_col_text(r, 1));
		link_of(o->body, o->link, sizeof(o->link));
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "message_id", "the replied message is gone");
	return rc < 0 ? rc : 0;
}

/* Whether ticket.created deserves an acknowledgement; *yes. */
static int ack_wanted(struct db *db, struct outgoing *o, int *yes, struct kf_error *err)
{
	char kind[24];
	int found = 0;
	*yes = 0;
	if (strcmp(o->t->channel, "email") != 0 || !o->s.send_ack)
		return 0;
	int rc = query_text(db, &q_first_in, DB_ARGS(db_int(o->t->id)), kind, sizeof(kind), &found, err);
	*yes = rc == 0 && (!found || strcmp(kind, "message") == 0);
	return rc;
}

/* Whether the ticket is one kefu mails about: channel email, or mail on it already. */
static int ticket_mailed(struct db *db, const struct ticket *t, int *yes, struct kf_error *err)
{
	int64_t n = 0;
	*yes = strcmp(t->channel, "email") == 0;
	if (*yes)
		return 0;
	int rc = db_query_int(db, &q_has_mail, DB_ARGS(db_int(t->id)), &n, err);
	*yes = rc == 0 && n > 0;
	return rc;
}

/* The placeholders' values for o (pointing into o). */
static struct mail_vars vars_of(const struct outgoing *o, const char *number)
{
	return (struct mail_vars){ .ticket_number = number,
		                   .ticket_subject = o->t->subject,
		                   .customer_name = o->to_name,
		                   .reply_body = o->body,
		                   .survey_link = o->link,
		                   .agent_name = o->agent,
		                   .shop_name = o->s.from_name[0] ? o->s.from_name : o->s.address };
}

/* "Re: Re: x" (the template's "Re: " before a subject that has one) becomes "Re: x". */
static void re_once(char *s)
{
	if (strncasecmp(s, "Re: Re: ", 8) == 0)
		memmove(s, s + 4, strlen(s + 4) + 1);
}

static char *json_text(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);
	char *out = xstrdup(s ? s : "[]");
	free(s);
	json_decref(v);
	return out;
}

static json_t *addr_json(const struct mail_addr *a, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
		        arr,
		        json_pack("{s:s,s:s}", "name", a[i].name ? a[i].name : "", "address", a[i].address));
	return arr;
}

/* The files of the answered message: *files (n entries, data pointing into *keep). */
static int files_of(struct db *db, const struct outgoing *o, struct mail_file *files, struct buf *keep,
                    int *n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	size_t offs[MAIL_OUT_MAX_FILES][3];
	*n = 0;
	if (o->message_id <= 0)
		return 0;
	int rc = db_query(db, &q_files, DB_ARGS(db_int(o->message_id), db_int(o->t->id)), &r, err);
	while (rc >= 0 && *n < MAIL_OUT_MAX_FILES && (rc = db_next(r, err)) == 1) {
		offs[*n][0] = keep->len;
		buf_adds(keep, db_col_text(r, 0) ? db_col_text(r, 0) : "");
		buf_addch(keep, '\0');
		offs[*n][1] = keep->len;
		buf_adds(keep, db_col_text(r, 1) ? db_col_text(r, 1) : "");
		buf_addch(keep, '\0');
		offs[*n][2] = keep->len;
		if (buf_add(keep, db_col_text(r, 2), db_col_len(r, 2)) < 0)
			rc = kf_fail(err, KF_ETOOBIG, "too_large", "attachments",
			             "the reply's files are too large");
		files[*n].len = db_col_len(r, 2);
		(*n)++;
	}
	db_done(r);
	for (int i = 0; i < *n; i++) {
		files[i].filename = keep->p + offs[i][0];
		files[i].content_type = keep->p + offs[i][1];
		files[i].data = keep->p + offs[i][2];
	}
	return rc < 0 ? rc : 0;
}

/* The queued row for raw (len bytes) of o, from r and the headers in c. */
static int queue_row(struct db *db, const struct outgoing *o, const struct mail_compose_in *c,
                     const struct mail_rendered *r, const char *raw, size_t len, int64_t seq, int64_t now,
                     struct kf_error *err)
{
	char sha[65];
	int rc = attachment_blob_put(db, raw, len, sha, err);
	if (rc < 0)
		return rc;
	char *to = json_text(addr_json(&c->to, 1)), *cc = json_text(addr_json(o->cc, o->ncc));
	rc = db_exec(db, &q_insert,
	             DB_ARGS(db_text(o->kind), db_int(o->t->id),
	                     o->message_id > 0 ? db_int(o->message_id) : db_null(), db_text(c->message_id),
	                     db_text(o->parent_id), db_text(o->refs), db_text(o->s.address),
	                     db_text(o->s.from_name), db_text(to), db_text(cc), db_text(c->subject),
	                     db_int(now), db_text(sha), db_int((int64_t)len), db_text(r->html), db_int(seq)),
	             err);
	free(to);
	free(cc);
	if (rc > 0)
		db_after_commit(db, mail_out_wake);
	return rc < 0 ? rc : 0;
}

/* Render, compose and queue o's mail. */
static int compose_queue(struct db *db, struct outgoing *o, int64_t seq, int64_t now, struct kf_error *err)
{
	struct mail_template tpl;
	struct mail_rendered r = { 0 };
	struct mail_file files[MAIL_OUT_MAX_FILES];
	struct buf keep = BUF_INIT;
	char number[24], tag[32], subject[MAIL_COMPOSE_SUBJECT_MAX], id[MAIL_COMPOSE_ID_MAX], reply_to[300];
	char *raw = NULL;
	size_t len = 0;
	int nfiles = 0;
	ticket_number(o->t->id, number, sizeof(number));
	snprintf(tag, sizeof(tag), "[%s]", number);
	int rc = mail_template_get(db, o->kind, o->lang, &tpl, err);
	if (rc == 0) {
		struct mail_vars v = vars_of(o, number);
		rc = mail_template_render(tpl.subject, tpl.body, &v, &r, err);
		mail_template_release(&tpl);
	}
	if (rc == 0)
		rc = files_of(db, o, files, &keep, &nfiles, err);
	if (rc == 0) {
		re_once(r.subject);
		mail_compose_subject(r.subject, tag, subject, sizeof(subject));
		mail_compose_message_id(mail_compose_domain(o->s.address), o->t->id, id);
		mail_token_address(o->s.address, o->token, reply_to, sizeof(reply_to));
		struct mail_compose_in c = { .from = { o->s.from_name, o->s.address },
			                     .reply_to = reply_to,
			                     .to = { o->to_name, o->to },
			                     .cc = o->cc,
			                     .ncc = o->ncc,
			                     .message_id = id,
			                     .in_reply_to = o->parent_id,
			                     .references = o->refs,
			                     .subject = subject,
			                     .text = r.text,
			                     .html = r.html,
			                     .auto_submitted = strcmp(o->kind, "reply") != 0,
			                     .ticket_number = number,
			                     .date = now,
			                     .files = files,
			                     .nfiles = nfiles };
		rc = mail_compose(&c, &raw, &len, err);
		if (rc == 0)
			rc = queue_row(db, o, &c, &r, raw, len, seq, now, err);
	}
	free(raw);
	buf_release(&keep);
	mail_rendered_release(&r);
	return rc;
}

/* Gather what o's mail needs, then queue it; nothing when a piece is missing. */
static int prepare_queue(struct db *db, struct outgoing *o, int64_t seq, int64_t now, struct kf_error *err)
{
	if (!o->s.address[0] || !o->s.relay_host[0]) {
		skip(o, "no support address or relay configured");
		return 0;
	}
	int rc = recipient(db, o, err);
	if (rc == 0 && !o->to[0]) {
		skip(o, "the customer has no e-mail address");
		return 0;
	}
	if (rc == 0 && !mail_settings_address_valid(o->to)) {
		skip(o, "the customer's e-mail address is not one a relay takes");
		return 0;
	}
	if (rc == 0 && o->message_id > 0)
		rc = answered(db, o, err);
	if (rc == 0 && strcmp(o->kind, "resolved") == 0 && !o->link[0]) {
		skip(o, "kefu's post carries no survey link");
		return 0;
	}
	if (rc == 0)
		rc = participants(db, o, err);
	if (rc == 0)
		rc = threading(db, o, err);
	if (rc == 0)
		rc = mail_token_get(db, o->t->id, now, o->token, err);
	if (rc == 0)
		rc = compose_queue(db, o, seq, now, err);
	return rc;
}

/* What ev asks for: o->kind and o->message_id; "" kind when nothing. */
static void kind_of(const struct event *ev, struct outgoing *o)
{
	o->kind = "";
	if (strcmp(ev->type, "ticket.created") == 0)
		o->kind = "ack";
	else if (strcmp(ev->type, "ticket.replied") == 0)
		o->kind = strcmp(ev->actor_kind ? ev->actor_kind : "", "system") == 0 ? "resolved" : "reply";
	o->message_id = (int64_t)json_integer_value(json_object_get(ev->payload, "message_id"));
}

int mail_out_handle(struct db *db, const struct event *ev, struct kf_error *err)
{
	struct outgoing o = { 0 };
	int yes = 0;
	kind_of(ev, &o);
	if (!o.kind[0] || strcmp(ev->entity, "ticket") != 0)
		return 0;
	o.t = xcalloc(1, sizeof(*o.t));
	int rc = ticket_get(db, ev->entity_id, o.t, err);
	if (rc == KF_ENOTFOUND)
		rc = 0; /* gone (merged away or never committed): nothing to say */
	else if (rc == 0)
		rc = mail_settings_get(db, &o.s, err);
	if (rc == 0 && o.t->id > 0)
		rc = strcmp(o.kind, "ack") == 0 ? ack_wanted(db, &o, &yes, err)
		                                : ticket_mailed(db, o.t, &yes, err);
	if (rc == 0 && yes)
		rc = prepare_queue(db, &o, ev->seq, ev->created_at_ms / 1000, err);
	outgoing_release(&o);
	return rc;
}

static int relay_of(struct db *db, const struct mail_settings *s, int timeout_s, struct smtp_relay *r,
                    char **pw, struct kf_error *err);

/* --- preview and relay test ------------------------------------------------------ */

/* Values a preview without a ticket shows. */
static const struct mail_vars sample_zh = { "#000123",
	                                    "订单 1024 的包裹破损",
	                                    "王小明",
	                                    "您好，已为您安排补发，顺丰单号 SF1234567890，预计明天送达。",
	                                    "https://shop.example/survey/example",
	                                    "李娜",
	                                    "" };
static const struct mail_vars sample_en = { "#000123",
	                                    "Parcel for order 1024 arrived damaged",
	                                    "Alex Smith",
	                                    "We have sent a replacement; tracking number SF1234567890.",
	                                    "https://shop.example/survey/example",
	                                    "Lina",
	                                    "" };

/* The values of ticket_id's mail into o (the reply: the ticket's latest public message). */
static int preview_vars(struct db *db, struct outgoing *o, int64_t ticket_id, struct kf_error *err)
{
	o->t = xcalloc(1, sizeof(*o->t));
	int rc = ticket_get(db, ticket_id, o->t, err);
	if (rc == 0)
		rc = recipient(db, o, err);
	if (rc == 0 && !o->to_name[0])
		str_copy(o->to_name, sizeof(o->to_name), o->t->customer_id ? "" : "-");
	return rc;
}

int mail_out_preview(struct db *db, const char *name, const char *lang, const char *subject, const char *body,
                     int64_t ticket_id, struct mail_rendered *out, struct kf_error *err)
{
	struct mail_template tpl = { 0 };
	struct outgoing o = { .kind = name };
	char number[24] = "#000123", tag[32];
	memset(out, 0, sizeof(*out));
	int rc = mail_template_get(db, name, lang, &tpl, err);
	if (rc == 0)
		rc = mail_settings_get(db, &o.s, err);
	if (rc == 0 && ticket_id > 0)
		rc = preview_vars(db, &o, ticket_id, err);
	if (rc == 0) {
		struct mail_vars v = strcmp(lang, "en") == 0 ? sample_en : sample_zh;
		if (o.t) {
			struct mail_vars sample = v;
			ticket_number(o.t->id, number, sizeof(number));
			v = vars_of(&o, number);
			v.reply_body = sample.reply_body; /* the mail of a reply not written yet */
			v.survey_link = sample.survey_link;
			v.agent_name = sample.agent_name;
		}
		v.shop_name = o.s.from_name[0] ? o.s.from_name : (o.s.address[0] ? o.s.address : "kefu");
		rc = mail_template_render(subject ? subject : tpl.subject, body ? body : tpl.body, &v, out,
		                          err);
	}
	if (rc == 0) {
		char tagged[MAIL_COMPOSE_SUBJECT_MAX];
		snprintf(tag, sizeof(tag), "[%s]", number);
		re_once(out->subject);
		mail_compose_subject(out->subject, tag, tagged, sizeof(tagged));
		free(out->subject);
		out->subject = xstrdup(tagged);
	}
	mail_template_release(&tpl);
	outgoing_release(&o);
	return rc;
}

int mail_out_test(struct db *db, int timeout_s, json_t **out, struct kf_error *err)
{
	struct mail_settings s;
	struct smtp_relay relay;
	char *pw = NULL, stage[16] = "config", message[SMTP_REPLY_MAX] = "no relay host is configured";
	*out = NULL;
	int rc = mail_settings_get(db, &s, err);
	if (rc == 0)
		rc = relay_of(db, &s, timeout_s, &relay, &pw, err);
	int ok = 0;
	if (rc == 0 && s.relay_host[0])
		ok = smtp_test(&relay, stage, message, sizeof(message));
	secret_wipe(pw);
	if (rc == 0)
		*out = json_pack("{s:b,s:s,s:s}", "ok", ok, "stage", stage, "message", message);
	return rc;
}

/* --- retry by hand ----------------------------------------------------------------- */

static struct db_sql q_retry = DB_SQL(
        "UPDATE mail_messages SET status = 'queued', next_at = $2, updated_at = $2"
        " WHERE id = $1 AND direction = 'out' AND status IN ('failed', 'deferred')");
static struct db_sql q_row = DB_SQL("SELECT id, ticket_id, status, attempts, next_at, last_error, direction"
                                    " FROM mail_messages WHERE id = $1");

static int row_json(struct db *db, int64_t id, json_t **row, char *status, size_t n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_row, DB_ARGS(db_int(id)), &r, err);
	if (rc == 0)
		rc = db_next(r, err);
	if (rc == 1 && strcmp(db_col_text(r, 6), "out") == 0) {
		str_copy(status, n, db_col_text(r, 2));
		*row = json_pack("{s:I,s:I,s:s,s:I,s:I,s:s}", "id", (json_int_t)db_col_int(r, 0), "ticket_id",
		                 (json_int_t)db_col_int(r, 1), "status", db_col_text(r, 2), "attempts",
		                 (json_int_t)db_col_int(r, 3), "next_at", (json_int_t)db_col_int(r, 4),
		                 "last_error", db_col_text(r, 5) ? db_col_text(r, 5) : "");
	} else if (rc == 1) {
		rc = 0;
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "id", "no outgoing mail %lld", (long long)id);
	return rc < 0 ? rc : 0;
}

int mail_out_retry(struct db *db, int64_t id, int64_t now, json_t **row, struct kf_error *err)
{
	char status[16];
	*row = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_retry, DB_ARGS(db_int(id), db_int(now)), err);
	if (rc >= 0)
		db_after_commit(db, mail_out_wake);
	if (rc == 0) {
		rc = row_json(db, id, row, status, sizeof(status), err);
		if (rc == 0)
			rc = kf_fail(err, KF_ECONFLICT, "mail_not_retryable", "id",
			             "only a failed or deferred mail can be retried; this one is %s", status);
		json_decref(*row);
		*row = NULL;
	} else if (rc > 0) {
		rc = row_json(db, id, row, status, sizeof(status), err);
	}
	return db_finish(db, rc, err);
}

/* --- sending ----------------------------------------------------------------------- */

int64_t mail_out_backoff(int attempts)
{
	static const int64_t steps[] = { 60, 300, 900, 3600, 14400 };
	int n = (int)(sizeof(steps) / sizeof(steps[0]));
	if (attempts < 1)
		attempts = 1;
	return steps[attempts > n ? n - 1 : attempts - 1];
}

int mail_out_retry_at(int64_t created_at, int64_t now, int attempts, int64_t *next_at)
{
	*next_at = now + mail_out_backoff(attempts);
	return now - created_at < MAIL_OUT_GIVE_UP_S;
}

static struct db_sql q_due = DB_SQL(
        "SELECT id, next_at FROM mail_messages WHERE direction = 'out' AND status IN ('queued', 'deferred')"
        " AND next_at <= $1 ORDER BY next_at, id LIMIT 16");
static struct db_sql q_claim = DB_SQL(
        "UPDATE mail_messages SET next_at = $3 WHERE id = $1 AND next_at = $2 AND direction = 'out'"
        " AND status IN ('queued', 'deferred')");
static struct db_sql q_claimed = DB_SQL(
        "SELECT m.to_addrs, m.cc_addrs, m.created_at, m.attempts, b.bytes FROM mail_messages m"
        " LEFT JOIN attachment_blobs b ON b.sha256 = m.raw_sha256 WHERE m.id = $1");
static struct db_sql q_done = DB_SQL(
        "UPDATE mail_messages SET status = $2, attempts = attempts + 1, next_at = $3, last_error = $4,"
        " updated_at = $5 WHERE id = $1 AND next_at = $6");

/* A claimed row: what to send and to whom. */
struct claimed {
	int64_t id;
	int64_t lease; /* next_at while it is ours */
	int64_t created_at;
	int attempts; /* before this one */
	char *raw; /* owned */
	size_t len;
	json_t *rcpt; /* array of address strings */
};

static void claimed_release(struct claimed *c)
{
	free(c->raw);
	json_decref(c->rcpt);
	*c = (struct claimed){ 0 };
}

static void rcpt_add(json_t *rcpt, const char *addrs)
{
	json_t *arr = json_loads(addrs ? addrs : "[]", 0, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *a = json_string_value(json_object_get(v, "address"));
		if (a && mail_settings_address_valid(a))
			json_array_append_new(rcpt, json_string(a));
	}
	json_decref(arr);
}

static int claimed_read(struct db *db, struct claimed *c, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_claimed, DB_ARGS(db_int(c->id)), &r, err);
	if (rc == 0)
		rc = db_next(r, err);
	if (rc == 1) {
		c->rcpt = json_array();
		rcpt_add(c->rcpt, db_col_text(r, 0));
		rcpt_add(c->rcpt, db_col_text(r, 1));
		c->created_at = db_col_int(r, 2);
		c->attempts = (int)db_col_int(r, 3);
		if (!db_col_isnull(r, 4)) { /* NULL: erased (crm/privacy.c) before it was sent */
			c->len = db_col_len(r, 4);
			c->raw = xmalloc(c->len + 1);
			memcpy(c->raw, db_col_text(r, 4), c->len);
			c->raw[c->len] = '\0';
		}
	}
	db_done(r);
	return rc < 0 ? rc : rc == 1;
}

/*
 * Claim up to SEND_BATCH due rows at now into cs, in one transaction (one commit for the batch):
 * returns how many, or KF_E*.  Each lease covers the whole batch's sending.
 */
static int claim_once(struct db *db, int64_t now, int64_t lease_s, struct claimed *cs, int *seen,
                      struct kf_error *err)
{
	struct db_rows *r = NULL;
	int64_t ids[SEND_BATCH][2];
	int n = 0, got = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query(db, &q_due, DB_ARGS(db_int(now)), &r, err);
	while (rc >= 0 && n < SEND_BATCH && (rc = db_next(r, err)) == 1) {
		ids[n][0] = db_col_int(r, 0);
		ids[n++][1] = db_col_int(r, 1);
	}
	db_done(r);
	for (int i = 0; rc >= 0 && i < n; i++) {
		int64_t lease = now + lease_s;
		rc = db_exec(db, &q_claim, DB_ARGS(db_int(ids[i][0]), db_int(ids[i][1]), db_int(lease)), err);
		if (rc != 1)
			continue; /* another sender took it */
		cs[got] = (struct claimed){ .id = ids[i][0], .lease = lease };
		rc = claimed_read(db, &cs[got], err);
		got += rc == 1;
	}
	rc = db_finish(db, rc < 0 ? rc : 0, err);
	if (rc < 0) {
		for (int i = 0; i < got; i++)
			claimed_release(&cs[i]);
		return rc;
	}
	*seen = n;
	return got;
}

/*
 * claim_once, again while another sender took every row it saw: the rows it took are leased now,
 * so the next look finds the ones after them (several senders draining one queue).
 */
static int claim_batch(struct db *db, int64_t now, int64_t lease_s, struct claimed *cs, struct kf_error *err)
{
	int got = 0, seen = 0;
	for (int tries = 0; tries < CLAIM_TRIES && got == 0; tries++) {
		got = claim_once(db, now, lease_s, cs, &seen, err);
		if (got < 0 || seen == 0)
			break;
	}
	return got;
}

/* The relay of settings s (password opened into *pw, owned). */
static int relay_of(struct db *db, const struct mail_settings *s, int timeout_s, struct smtp_relay *r,
                    char **pw, struct kf_error *err)
{
	*r = (struct smtp_relay){ .host = s->relay_host,
		                  .port = s->relay_port,
		                  .security = s->relay_security,
		                  .username = s->relay_username,
		                  .helo = mail_compose_domain(s->address),
		                  .timeout_s = timeout_s };
	int rc = mail_settings_relay_password(db, pw, err);
	r->password = *pw;
	return rc;
}

/* Whether c may be part of an address in a relay's reply line. */
/* Record how sending c went. */
static int record(struct db *db, const struct claimed *c, enum smtp_result res, const char *reply,
                  int64_t now, struct kf_error *err)
{
	const char *status = "sent";
	int64_t next_at = now;
	if (res == SMTP_PERMANENT)
		status = "failed";
	else if (res == SMTP_TEMPORARY)
		status = mail_out_retry_at(c->created_at, now, c->attempts + 1, &next_at) ? "deferred"
		                                                                          : "failed";
	char masked[SMTP_REPLY_MAX];
	privacy_mask_emails_in(reply, masked,
	                       sizeof(masked)); /* last_error is shown without pii.read and outlives an erasure */
	int rc = db_exec(db, &q_done,
	                 DB_ARGS(db_int(c->id), db_text(status), db_int(next_at), db_text(masked),
	                         db_int(now), db_int(c->lease)),
	                 err);
	if (rc >= 0)
		log_msg(res == SMTP_SENT ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN, "mail.out", "mail %lld: %s (%s)",
		        (long long)c->id, status, masked);
	return rc < 0 ? rc : 0;
}

/* What the relay said about c: *res and reply (n bytes). */
static void send_one(struct smtp_client *cl, const struct smtp_relay *relay, const struct mail_settings *s,
                     const struct claimed *c, enum smtp_result *res, char *reply, size_t n)
{
	if (!c->raw || json_array_size(c->rcpt) == 0) {
		*res = SMTP_PERMANENT;
		str_copy(reply, n, !c->raw ? "erased before it was sent" : "no recipient");
	} else if (!s->relay_host[0] || !s->address[0]) {
		*res = SMTP_TEMPORARY;
		str_copy(reply, n, "no relay configured");
	} else {
		const char *rcpt[CC_MAX + 1];
		int k = 0;
		for (size_t i = 0; i < json_array_size(c->rcpt) && k < CC_MAX + 1; i++)
			rcpt[k++] = json_string_value(json_array_get(c->rcpt, i));
		*res = smtp_send(cl, relay, s->address, rcpt, k, c->raw, c->len, reply, n);
	}
}

/* Send the n claimed mails cs through the relay of the current settings; record them in one transaction. */
static int send_batch(struct db *db, struct smtp_client *cl, int timeout_s, const struct claimed *cs, int n,
                      struct kf_error *err)
{
	struct mail_settings s;
	struct smtp_relay relay;
	enum smtp_result res[SEND_BATCH];
	char *pw = NULL, reply[SEND_BATCH][SMTP_REPLY_MAX];
	int rc = mail_settings_get(db, &s, err);
	if (rc == 0)
		rc = relay_of(db, &s, timeout_s, &relay, &pw, err);
	for (int i = 0; rc == 0 && i < n; i++) {
		int down = i > 0 && res[i - 1] == SMTP_TEMPORARY && reply[i - 1][0] != '4';
		if (down) { /* the relay is unreachable (or unconfigured): the rest of the batch waits too */
			res[i] = res[i - 1];
			memcpy(reply[i], reply[i - 1], sizeof(reply[i]));
		} else {
			send_one(cl, &relay, &s, &cs[i], &res[i], reply[i], sizeof(reply[i]));
		}
	}
	secret_wipe(pw);
	if (rc < 0)
		return rc;
	int64_t now = clock_now();
	rc = db_begin(db, err);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = record(db, &cs[i], res[i], reply[i], now, err);
	return rc < 0 && !db_in_tx(db) ? rc : db_finish(db, rc, err);
}

struct mail_sender {
	struct store *st;
	int n; /* threads */
	int timeout_s;
	pthread_t *threads;
	int stop; /* guarded by wake_mu */
};

static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv = PTHREAD_COND_INITIALIZER;
static uint64_t wakes; /* guarded by wake_mu */

void mail_out_wake(void)
{
	pthread_mutex_lock(&wake_mu);
	wakes++;
	pthread_cond_broadcast(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
}

/* Sleep until woken, stopped or MAIL_OUT_POLL_MS passed; returns whether to stop. */
static int sender_wait(struct mail_sender *s, uint64_t *seen)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)MAIL_OUT_POLL_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&wake_mu);
	while (!s->stop && wakes == *seen && pthread_cond_timedwait(&wake_cv, &wake_mu, &until) == 0)
		;
	*seen = wakes;
	int stop = s->stop;
	pthread_mutex_unlock(&wake_mu);
	return stop;
}

/* Send every due mail, a batch at a time; returns how many, or KF_E*. */
static int sender_pass(struct mail_sender *s, struct db *db, struct smtp_client *cl, struct kf_error *err)
{
	struct claimed cs[SEND_BATCH];
	int sent = 0, n;
	int64_t lease_s = (int64_t)s->timeout_s * SEND_BATCH + LEASE_S;
	while ((n = claim_batch(db, clock_now(), lease_s, cs, err)) > 0) {
		int rc = send_batch(db, cl, s->timeout_s, cs, n, err);
		for (int i = 0; i < n; i++)
			claimed_release(&cs[i]);
		if (rc < 0)
			return rc;
		sent += n;
	}
	return n < 0 ? n : sent;
}

static void *sender_loop(void *arg)
{
	struct mail_sender *s = arg;
	struct smtp_client *cl = smtp_client_new();
	uint64_t seen = 0;
	do {
		struct kf_error err = KF_ERROR_INIT;
		struct db *db = store_db(s->st, &err);
		int rc = db ? sender_pass(s, db, cl, &err) : KF_EDB;
		if (rc < 0)
			log_msg(LOG_LEVEL_WARN, "mail.out", "sending failed (%d): %s; retrying", rc,
			        err.message);
	} while (!sender_wait(s, &seen));
	smtp_client_free(cl);
	return NULL;
}

int mail_out_start(struct store *st, int nthreads, int timeout_s, struct mail_sender **out, struct kf_error *err)
{
	*out = NULL;
	if (nthreads <= 0)
		return 0;
	struct mail_sender *s = xcalloc(1, sizeof(*s));
	s->st = st;
	s->timeout_s = timeout_s > 0 ? timeout_s : 60;
	s->threads = xcalloc((size_t)nthreads, sizeof(*s->threads));
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* SIGTERM/SIGINT belong to the server's thread */
	for (; s->n < nthreads; s->n++)
		if (pthread_create(&s->threads[s->n], NULL, sender_loop, s) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	*out = s;
	if (s->n < nthreads)
		return kf_fail(err, KF_EIO, "thread", NULL, "cannot start the mail sending threads");
	return 0;
}

void mail_out_stop(struct mail_sender *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&wake_mu);
	s->stop = 1;
	pthread_cond_broadcast(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
	for (int i = 0; i < s->n; i++)
		pthread_join(s->threads[i], NULL);
	free(s->threads);
	free(s);
}
