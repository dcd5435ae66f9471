/*
 * mail_dsn.c - see mail_dsn.h.
 */
#include "channels/mail_dsn.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "channels/mail_charset.h"

#define DSN_VALUE_MAX 1000 /* bytes of one field value kept */

/* One recipient block of a delivery-status part. */
struct dsn_block {
	char *recipient;
	char *action;
	char *status;
	char *diagnostic;
};

/* s[0, len) trimmed of space, repaired, at most DSN_VALUE_MAX bytes.  Owned. */
static char *trimmed(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len > DSN_VALUE_MAX)
		len = DSN_VALUE_MAX;
	char *r = mail_charset_repair(s, len);
	kf_utf8_trim(r);
	return r;
}

/* An address field value "rfc822; x@y" -> "x@y", lower-case, without <>.  Owned. */
static char *recipient_value(const char *v)
{
	const char *semi = strchr(v, ';');
	const char *a = semi ? semi + 1 : v;
	while (isspace((unsigned char)*a) || *a == '<')
		a++;
	size_t n = strcspn(a, "> \t\r\n");
	if (n > MAIL_ADDR_MAX)
		n = 0;
	char *r = trimmed(a, n);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* A Diagnostic-Code value without its type ("smtp; 550 ..." -> "550 ...").  Owned. */
static char *diagnostic_value(const char *v)
{
	const char *semi = strchr(v, ';');
	if (semi && (size_t)(semi - v) < 16)
		v = semi + 1;
	return trimmed(v, strlen(v));
}

/* A Status value "5.1.1 (comment)" -> "5.1.1".  Owned. */
static char *status_value(const char *v)
{
	v += strspn(v, " \t");
	return trimmed(v, strcspn(v, " \t(\r\n"));
}

static void set_once(char **dst, char *v)
{
	if (*dst || !*v) {
		free(v);
		return;
	}
	*dst = v;
}

/* A message id out of a header value: between <>, or the bare token.  Owned, or NULL. */
static char *id_value(const char *v)
{
	const char *lt = strchr(v, '<');
	const char *start = lt ? lt + 1 : v;
	while (isspace((unsigned char)*start))
		start++;
	size_t n = strcspn(start, "> \t\r\n");
	if (n == 0 || n > 998)
		return NULL;
	return trimmed(start, n);
}

static void block_release(struct dsn_block *k)
{
	free(k->recipient);
	free(k->action);
	free(k->status);
	free(k->diagnostic);
	memset(k, 0, sizeof(*k));
}

/* Keep block k in *b when it is the first with a recipient, or the first that failed. */
static void block_end(struct mail_bounce *b, struct dsn_block *k)
{
	if (!k->recipient && !k->action && !k->status) {
		block_release(k);
		return;
	}
	b->is_bounce = 1;
	bool failed = k->action && strcasecmp(k->action, "failed") == 0;
	bool have_failed = b->action && strcasecmp(b->action, "failed") == 0;
	if (b->recipient && (have_failed || !failed)) {
		block_release(k);
		return;
	}
	mail_dsn_release(b);
	b->is_bounce = 1;
	b->recipient = k->recipient;
	b->action = k->action;
	b->status = k->status;
	b->diagnostic = k->diagnostic;
	memset(k, 0, sizeof(*k));
}

/* One unfolded field "name: value" into block k (or the returned message's id into b). */
static void field(struct mail_bounce *b, struct dsn_block *k, const char *line)
{
	const char *colon = strchr(line, ':');
	if (!colon)
		return;
	size_t n = (size_t)(colon - line);
	const char *v = colon + 1;
	if (n == 15 && strncasecmp(line, "Final-Recipient", n) == 0) {
		free(k->recipient);
		k->recipient = recipient_value(v);
	} else if (n == 18 && strncasecmp(line, "Original-Recipient", n) == 0)
		set_once(&k->recipient, recipient_value(v));
	else if (n == 6 && strncasecmp(line, "Action", n) == 0)
		set_once(&k->action, trimmed(v, strlen(v)));
	else if (n == 6 && strncasecmp(line, "Status", n) == 0)
		set_once(&k->status, status_value(v));
	else if (n == 15 && strncasecmp(line, "Diagnostic-Code", n) == 0)
		set_once(&k->diagnostic, diagnostic_value(v));
	else if (n == 10 && strncasecmp(line, "Message-ID", n) == 0) {
		char *id = id_value(v);
		if (id)
			set_once(&b->orig_message_id, id);
	}
}

void mail_dsn_fields(struct mail_bounce *b, const char *text, size_t len)
{
	struct dsn_block k = { NULL, NULL, NULL, NULL };
	struct buf line = BUF_INIT;
	size_t i = 0;
	while (i <= len) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		size_t l = e;
		if (l > i && text[l - 1] == '\r')
			l--;
		bool cont = l > i && (text[i] == ' ' || text[i] == '\t');
		if (!cont && line.len > 0) {
			field(b, &k, line.p);
			buf_reset(&line);
		}
		if (l == i) { /* a blank line ends a block */
			block_end(b, &k);
		} else if (line.len < 4 * DSN_VALUE_MAX) {
			size_t skip = 0;
			if (cont) { /* unfold, the folding white space made one space */
				while (i + skip < l && (text[i + skip] == ' ' || text[i + skip] == '\t'))
					skip++;
				buf_addch(&line, ' ');
			}
			buf_add(&line, text + i + skip, l - i - skip);
		}
		i = e + 1;
	}
	if (line.len > 0)
		field(b, &k, line.p);
	block_end(b, &k);
	buf_release(&line);
}

void mail_dsn_returned_id(struct mail_bounce *b, const char *id)
{
	if (!id || !*id || b->orig_message_id)
		return;
	char *v = id_value(id);
	if (v)
		b->orig_message_id = v;
}

static bool bounce_subject(const char *s)
{
	static const char *const words[] = { "Undelivered Mail Returned to Sender",
		                             "Delivery Status Notification",
		                             "Undeliverable",
		                             "Undelivered",
		                             "failure notice",
		                             "Mail delivery failed",
		                             "Returned mail",
		                             "Delivery Failure",
		                             "退信",
		                             "投递失败",
		                             "未送达",
		                             NULL };
	size_t len = strnlen(s, 200); /* the words open a bounce's subject; a long one is not searched through */
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);
		for (size_t k = 0; k + n <= len; k++)
			if (strncasecmp(s + k, words[i], n) == 0)
				return true;
	}
	return false;
}

/* The first "N.N.N" enhanced status code (class 4 or 5) in text, at *at; 0 when none. */
static size_t find_status(const char *text, const char **at)
{
	for (const char *p = text; *p; p++) {
		if ((*p != '4' && *p != '5') || p[1] != '.' || (p > text && isalnum((unsigned char)p[-1])))
			continue;
		const char *q = p + 2;
		size_t d1 = strspn(q, "0123456789");
		if (d1 == 0 || d1 > 3 || q[d1] != '.')
			continue;
		size_t d2 = strspn(q + d1 + 1, "0123456789");
		if (d2 == 0 || d2 > 3)
			continue;
		*at = p;
		return 2 + d1 + 1 + d2;
	}
	return 0;
}

/* The line of text around p, trimmed.  Owned. */
static char *line_at(const char *text, const char *p)
{
	const char *s = p;
	while (s > text && s[-1] != '\n')
		s--;
	return trimmed(s, strcspn(s, "\n"));
}

/* The address around the '@' at a (bounded by white space, quotes, brackets, punctuation).  Owned. */
static char *address_around(const char *text, const char *a)
{
	static const char stop[] = " \t\r\n<>()[]'\":;,";
	const char *s = a;
	while (s > text && !strchr(stop, s[-1]))
		s--;
	size_t n = (size_t)(a - s) + strcspn(a, stop);
	if (n > MAIL_ADDR_MAX || s == a)
		return NULL;
	char *r = trimmed(s, n);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/*
 * The failed recipient of a plain-text bounce: qmail's "<x@y>:" line, else
 * the first address after the sentence that introduces it (Exchange,
 * Exim, Sendmail and others).
 */
static char *plain_recipient(const char *text)
{
	static const char *const intro[] = { "recipients or groups:",
		                             "cannot be reached:",
		                             "could not be delivered to:",
		                             "following address(es) failed:",
		                             "permanent fatal errors",
		                             "following recipients failed",
		                             "以下收件人",
		                             "无法送达",
		                             NULL };
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		if (n > 3 && p[0] == '<' && p[n - 1] == ':' && p[n - 2] == '>' && memchr(p, '@', n))
			return recipient_value(p);
		p += n + (p[n] == '\n');
	}
	for (size_t i = 0; intro[i]; i++) {
		const char *at = strstr(text, intro[i]);
		const char *a = at ? strchr(at, '@') : NULL;
		if (a && a - at < 400)
			return address_around(text, a);
	}
	return NULL;
}

/* The shapes of plain-text bounces: a bounce subject, then recipient, status and the returned id. */
static void plain_bounce(struct mail_bounce *b, const char *subject, const char *text)
{
	if (!bounce_subject(subject))
		return;
	b->is_bounce = 1;
	free(b->recipient);
	b->recipient = plain_recipient(text);
	const char *at = NULL;
	size_t n = find_status(text, &at);
	if (n > 0 && !b->status) {
		b->status = trimmed(at, n);
		b->diagnostic = line_at(text, at);
	}
	const char *mid = strcasestr(text, "\nMessage-ID:");
	char *id = mid ? id_value(mid + 12) : NULL;
	if (id)
		set_once(&b->orig_message_id, id);
}

static void empty_if_null(char **s)
{
	if (!*s)
		*s = xstrdup("");
}

void mail_dsn_finish(struct mail_bounce *b, const char *subject, const char *text)
{
	if (!b->is_bounce && subject && text)
		plain_bounce(b, subject, text);
	empty_if_null(&b->recipient);
	empty_if_null(&b->action);
	empty_if_null(&b->status);
	empty_if_null(&b->diagnostic);
	empty_if_null(&b->orig_message_id);
}

void mail_dsn_release(struct mail_bounce *b)
{
	if (!b)
		return;
	free(b->recipient);
	free(b->action);
	free(b->status);
	free(b->diagnostic);
	free(b->orig_message_id);
	memset(b, 0, sizeof(*b));
}
