/*
 * mail_template.c - see mail_template.h.
 *
 * The built-in texts are written the way a careful shop writes to its
 * customers: the ticket number and subject first, what happens next, and
 * a line saying that replying to the mail adds to the request.
 */
#include "channels/mail_template.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/textlen.h"
#include "base/xalloc.h"
#include "channels/mail_html.h"
#include "store/db.h"

/* One built-in template. */
struct builtin {
	const char *name; /* ack, reply, resolved */
	const char *lang; /* zh, en */
	const char *subject;
	const char *body;
};

/* clang-format off */
static const struct builtin builtins[] = {
	{ "ack", "zh", "我们已收到您的请求：{{ticket.subject}}",
	  "{{customer.name}}，您好：\n\n"
	  "感谢您联系{{shop.name}}。我们已收到您的请求，工单号为 {{ticket.number}}，"
	  "客服人员会尽快处理并给您答复。\n\n"
	  "主题：{{ticket.subject}}\n\n"
	  "如需补充信息或图片，直接回复此邮件即可补充，请保留邮件标题中的工单号。\n\n"
	  "{{shop.name}} 客服中心\n"
	  "（此邮件为系统自动发送）" },
	{ "ack", "en", "We have received your request: {{ticket.subject}}",
	  "Hello {{customer.name}},\n\n"
	  "Thank you for contacting {{shop.name}}. We have received your request and opened ticket "
	  "{{ticket.number}} for it; one of our team will get back to you as soon as possible.\n\n"
	  "Subject: {{ticket.subject}}\n\n"
	  "To add details or photos, simply reply to this mail; please keep the ticket number in "
	  "the subject line.\n\n"
	  "{{shop.name}} Customer Service\n"
	  "(This message was sent automatically.)" },
	{ "reply", "zh", "Re: {{ticket.subject}}",
	  "{{customer.name}}，您好：\n\n"
	  "{{reply.body}}\n\n"
	  "{{agent.name}}\n"
	  "{{shop.name}} 客服中心\n\n"
	  "工单号：{{ticket.number}}。直接回复此邮件即可补充，无需另开新请求。" },
	{ "reply", "en", "Re: {{ticket.subject}}",
	  "Hello {{customer.name}},\n\n"
	  "{{reply.body}}\n\n"
	  "{{agent.name}}\n"
	  "{{shop.name}} Customer Service\n\n"
	  "Ticket {{ticket.number}}. Reply to this mail to add to your request; there is no need "
	  "to open a new one." },
	{ "resolved", "zh", "您的请求已处理完毕：{{ticket.subject}}",
	  "{{customer.name}}，您好：\n\n"
	  "您的工单 {{ticket.number}}（{{ticket.subject}}）已处理完毕。\n\n"
	  "我们很想知道这次服务是否让您满意，请花一分钟填写这份简短的评价：\n"
	  "{{survey.link}}\n\n"
	  "如果问题仍未解决，直接回复此邮件即可，工单会重新打开并由我们继续跟进。\n\n"
	  "{{shop.name}} 客服中心\n"
	  "（此邮件为系统自动发送）" },
	{ "resolved", "en", "Your request has been resolved: {{ticket.subject}}",
	  "Hello {{customer.name}},\n\n"
	  "Your ticket {{ticket.number}} ({{ticket.subject}}) has been resolved.\n\n"
	  "We would love to know how we did. Please take a minute to answer a short survey:\n"
	  "{{survey.link}}\n\n"
	  "If the problem is not solved, simply reply to this mail and we will reopen your "
	  "request and follow it up.\n\n"
	  "{{shop.name}} Customer Service\n"
	  "(This message was sent automatically.)" },
};
/* clang-format on */
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

/* The placeholders, in the order of struct mail_vars. */
static const char *const placeholders[] = { "ticket.number", "ticket.subject", "customer.name", "reply.body",
	                                    "survey.link",   "agent.name",     "shop.name" };
#define NPLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))
#define PLACEHOLDER_MAX 40 /* bytes of a placeholder's name, for the error message */

static const struct builtin *builtin_find(const char *name, const char *lang)
{
	for (size_t i = 0; i < NBUILTINS; i++)
		if (strcmp(builtins[i].name, name) == 0 && strcmp(builtins[i].lang, lang) == 0)
			return &builtins[i];
	return NULL;
}

int mail_template_known(const char *name, const char *lang)
{
	return name && lang && builtin_find(name, lang) != NULL;
}

int mail_template_builtin(const char *name, const char *lang, const char **subject, const char **body,
                          struct kf_error *err)
{
	const struct builtin *b = builtin_find(name, lang);
	if (!b)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "name", "no mail template %s/%s", name, lang);
	*subject = b->subject;
	*body = b->body;
	return 0;
}

/* --- rendering --------------------------------------------------------------------- */

/* The index of the placeholder named by [p, p+n) (spaces around ignored), or -1. */
static int placeholder_index(const char *p, size_t n)
{
	while (n > 0 && *p == ' ')
		p++, n--;
	while (n > 0 && p[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < NPLACEHOLDERS; i++)
		if (strlen(placeholders[i]) == n && memcmp(placeholders[i], p, n) == 0)
			return (int)i;
	return -1;
}

static const char *var_value(const struct mail_vars *v, int i)
{
	const char *vals[NPLACEHOLDERS] = { v->ticket_number, v->ticket_subject, v->customer_name,
		                            v->reply_body,    v->survey_link,    v->agent_name,
		                            v->shop_name };
	return vals[i] ? vals[i] : "";
}

static int placeholder_bad(const char *p, size_t n, const char *field, struct kf_error *err)
{
	size_t show = textlen_prefix(p, PLACEHOLDER_MAX, n < PLACEHOLDER_MAX ? n : PLACEHOLDER_MAX);
	return kf_fail(err, KF_EINVAL, "mail_template_placeholder", field,
	               "%s: unknown placeholder {{%.*s}} (known: ticket.number, ticket.subject, customer.name, "
	               "reply.body, survey.link, agent.name, shop.name)",
	               field, (int)show, p);
}

/*
 * Expand tpl into out (v NULL: only check).  Each "{{name}}" becomes its
 * value; a "{{" without "}}" or an unknown name fails, naming field.
 */
static int expand(const char *tpl, const struct mail_vars *v, const char *field, struct buf *out,
                  struct kf_error *err)
{
	const char *p = tpl;
	for (;;) {
		const char *open = strstr(p, "{{");
		if (!open) {
			if (out)
				buf_adds(out, p);
			return 0;
		}
		const char *close = strstr(open + 2, "}}");
		if (!close)
			return placeholder_bad(open + 2, strlen(open + 2), field, err);
		int i = placeholder_index(open + 2, (size_t)(close - open - 2));
		if (i < 0)
			return placeholder_bad(open + 2, (size_t)(close - open - 2), field, err);
		if (out) {
			buf_add(out, p, (size_t)(open - p));
			buf_adds(out, var_value(v, i));
		}
		p = close + 2;
	}
}

int mail_template_check(const char *tpl, const char *field, struct kf_error *err)
{
	return expand(tpl, NULL, field, NULL, err);
}

/* s on one line: CR, LF and tabs become spaces. */
static void one_line(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
}

/* text as an HTML document: escaped, <p> per paragraph (blank line), <br> per line break. */
static char *html_of(const char *text)
{
	struct buf b = BUF_INIT;
	buf_adds(&b,
	         "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
	         "<body style=\"font-family:sans-serif;font-size:14px;line-height:1.6\">\n<p>");
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (p[0] == '\n' && p[1] == '\n') {
			buf_adds(&b, "</p>\n<p>");
			while (p[1] == '\n' || p[1] == '\r')
				p++;
		} else if (*p == '\n') {
			buf_adds(&b, "<br>\n");
		} else {
			size_t n = strcspn(p, "\r\n");
			mail_html_escape(&b, p, n);
			p += n - 1;
		}
	}
	buf_adds(&b, "</p>\n</body></html>\n");
	return buf_detach(&b, NULL);
}

int mail_template_render(const char *subject_tpl, const char *body_tpl, const struct mail_vars *v,
                         struct mail_rendered *out, struct kf_error *err)
{
	struct buf s = BUF_INIT, t = BUF_INIT;
	*out = (struct mail_rendered){ 0 };
	int rc = expand(subject_tpl, v, "subject", &s, err);
	if (rc == 0)
		rc = expand(body_tpl, v, "body", &t, err);
	if (rc == 0) {
		out->subject = buf_detach(&s, NULL);
		out->text = buf_detach(&t, NULL);
		if (!out->subject)
			out->subject = xstrdup("");
		if (!out->text)
			out->text = xstrdup("");
		one_line(out->subject);
		out->html = html_of(out->text);
	}
	buf_release(&s);
	buf_release(&t);
	return rc;
}

void mail_rendered_release(struct mail_rendered *r)
{
	free(r->subject);
	free(r->text);
	free(r->html);
	*r = (struct mail_rendered){ 0 };
}

/* --- storage ----------------------------------------------------------------------- */

static struct db_sql q_get = DB_SQL(
        "SELECT subject, body, version, updated_at FROM mail_templates WHERE name = $1 AND lang = $2");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO mail_templates (name, lang, subject, body, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)");
static struct db_sql q_update = DB_SQL(
        "UPDATE mail_templates SET subject = $3, body = $4, version = version + 1, updated_at = $5"
        " WHERE name = $1 AND lang = $2 AND version = $6");
static struct db_sql q_delete = DB_SQL("DELETE FROM mail_templates WHERE name = $1 AND lang = $2");

void mail_template_release(struct mail_template *t)
{
	free(t->subject);
	free(t->body);
	t->subject = t->body = NULL;
}

int mail_template_get(struct db *db, const char *name, const char *lang, struct mail_template *out,
                      struct kf_error *err)
{
	const char *bs = NULL, *bb = NULL;
	struct db_rows *r = NULL;
	memset(out, 0, sizeof(*out));
	int rc = mail_template_builtin(name, lang, &bs, &bb, err);
	if (rc < 0)
		return rc;
	str_copy(out->name, sizeof(out->name), name);
	str_copy(out->lang, sizeof(out->lang), lang);
	rc = db_query(db, &q_get, DB_ARGS(db_text(name), db_text(lang)), &r, err);
	if (rc == 0)
		rc = db_next(r, err);
	if (rc == 1) {
		out->subject = xstrdup(db_col_text(r, 0) ? db_col_text(r, 0) : "");
		out->body = xstrdup(db_col_text(r, 1) ? db_col_text(r, 1) : "");
		out->custom = 1;
		out->version = db_col_int(r, 2);
		out->updated_at = db_col_int(r, 3);
	} else if (rc == 0) {
		out->subject = xstrdup(bs);
		out->body = xstrdup(bb);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

json_t *mail_template_json(const struct mail_template *t)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:I,s:I}", "name", t->name, "lang", t->lang, "subject",
	                 t->subject ? t->subject : "", "body", t->body ? t->body : "", "custom", t->custom,
	                 "version", (json_int_t)t->version, "updated_at", (json_int_t)t->updated_at);
}

int mail_template_list_json(struct db *db, json_t **items, struct kf_error *err)
{
	*items = json_array();
	for (size_t i = 0; i < NBUILTINS; i++) {
		struct mail_template t;
		int rc = mail_template_get(db, builtins[i].name, builtins[i].lang, &t, err);
		if (rc < 0) {
			json_decref(*items);
			*items = NULL;
			return rc;
		}
		json_array_append_new(*items, mail_template_json(&t));
		mail_template_release(&t);
	}
	return 0;
}

/* The checks of an admin's template: lengths, a one-line subject, known placeholders. */
static int put_check(const char *subject, const char *body, struct kf_error *err)
{
	if (!subject[0] || textlen_chars(subject) > MAIL_TEMPLATE_SUBJECT_MAX || strpbrk(subject, "\r\n"))
		return kf_fail(err, KF_EINVAL, "invalid", "subject",
		               "subject: 1 to %d characters on one line", MAIL_TEMPLATE_SUBJECT_MAX);
	if (!body[0] || textlen_chars(body) > MAIL_TEMPLATE_BODY_MAX)
		return kf_fail(err, KF_EINVAL, "invalid", "body", "body: 1 to %d characters",
		               MAIL_TEMPLATE_BODY_MAX);
	int rc = mail_template_check(subject, "subject", err);
	return rc < 0 ? rc : mail_template_check(body, "body", err);
}

static int stale(struct kf_error *err)
{
	return kf_fail(err, KF_ESTALE, "stale", "version",
	               "the mail template was changed meanwhile; reload it");
}

/* Insert or update (name, lang) inside the caller's transaction, cur being the one in force. */
static int put_row(struct db *db, const struct mail_template *cur, const char *subject, const char *body,
                   int64_t version, int64_t now, struct kf_error *err)
{
	if (version >= 0 && version != cur->version)
		return stale(err);
	if (!cur->custom)
		return db_exec(db, &q_insert,
		               DB_ARGS(db_text(cur->name), db_text(cur->lang), db_text(subject),
		                       db_text(body), db_int(now)),
		               err);
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_text(cur->name), db_text(cur->lang), db_text(subject), db_text(body),
	                         db_int(now), db_int(cur->version)),
	                 err);
	return rc == 0 ? stale(err) : rc;
}

static json_t *audit_key(const char *name, const char *lang)
{
	return json_pack("{s:s,s:s}", "name", name, "lang", lang);
}

int mail_template_put(struct db *db, const struct actor *a, int64_t now, const char *name, const char *lang,
                      const char *subject, const char *body, int64_t version, struct mail_template *out,
                      struct kf_error *err)
{
	struct mail_template cur = { 0 };
	memset(out, 0, sizeof(*out));
	int rc = put_check(subject, body, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = mail_template_get(db, name, lang, &cur, err);
	if (rc == 0)
		rc = put_row(db, &cur, subject, body, version, now, err);
	if (rc == KF_EEXIST)
		rc = stale(err); /* a concurrent first version */
	if (rc >= 0) {
		json_t *before = json_pack("{s:s,s:s}", "subject", cur.subject, "body", cur.body);
		json_t *after = json_pack("{s:s,s:s,s:s,s:s}", "name", name, "lang", lang, "subject", subject,
		                          "body", body);
		rc = audit_record(db, a, now, "mail.template", "mail_template", 0, before, after, err);
		json_decref(before);
		json_decref(after);
	}
	if (rc >= 0)
		rc = mail_template_get(db, name, lang, out, err);
	mail_template_release(&cur);
	return db_finish(db, rc, err);
}

int mail_template_reset(struct db *db, const struct actor *a, int64_t now, const char *name, const char *lang,
                        struct kf_error *err)
{
	const char *bs = NULL, *bb = NULL;
	int rc = mail_template_builtin(name, lang, &bs, &bb, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_delete, DB_ARGS(db_text(name), db_text(lang)), err);
	if (rc > 0) {
		json_t *after = audit_key(name, lang);
		rc = audit_record(db, a, now, "mail.template_reset", "mail_template", 0, NULL, after, err);
		json_decref(after);
	}
	return db_finish(db, rc, err);
}
