/*
 * mail_thread.c - see mail_thread.h.
 */
#include "channels/mail_thread.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "channels/mail_parse.h"

#define TAG_DIGITS_MAX 12

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The length of the tag opener at p ("[#", "[# ", "［＃" ...), 0 when none. */
static size_t tag_open(const char *p)
{
	size_t n = 0;
	if (p[0] == '[')
		n = 1;
	else if (strncmp(p, "［", 3) == 0)
		n = 3;
	else
		return 0;
	if (p[n] == '#')
		n += 1;
	else if (strncmp(p + n, "＃", 3) == 0)
		n += 3;
	else
		return 0;
	return p[n] == ' ' ? n + 1 : n;
}

/* The length of the closer at p ("]" or "］"), 0 when none. */
static size_t tag_close(const char *p)
{
	if (p[0] == ']')
		return 1;
	return strncmp(p, "］", 3) == 0 ? 3 : 0;
}

/* The tag at p: its length in bytes (0 = none) and its number into *id. */
static size_t tag_at(const char *p, int64_t *id)
{
	size_t o = tag_open(p), d = 0;
	int64_t v = 0;
	if (!o)
		return 0;
	while (is_digit(p[o + d]) && d < TAG_DIGITS_MAX)
		v = v * 10 + (p[o + d++] - '0');
	size_t c = d ? tag_close(p + o + d) : 0;
	if (!c)
		return 0;
	*id = v;
	return o + d + c;
}

int64_t mail_thread_subject_tag(const char *subject)
{
	for (const char *p = subject ? subject : ""; *p; p++) {
		int64_t id = 0;
		if (tag_at(p, &id) && id > 0)
			return id;
	}
	return 0;
}

/* Reply and forward prefixes, longest first where one starts another ("Fwd" before "Fw"). */
static const char *const prefixes[] = { "re", "fwd",  "fw",   "aw",   "wg",   "sv",   "vs",
	                                "tr", "答复", "回复", "回覆", "转发", "轉寄", "轉發" };

static size_t skip_blank(const char *p)
{
	size_t n = 0;
	for (;;) {
		if (p[n] == ' ' || p[n] == '\t')
			n++;
		else if (strncmp(p + n, "\xe3\x80\x80", 3) == 0) /* U+3000 ideographic space */
			n += 3;
		else
			return n;
	}
}

/* The length of one prefix with its colon at p ("Re: ", "Re[2]:", "回复：" ...), 0 when none. */
static size_t prefix_at(const char *p)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		if (strncasecmp(p, prefixes[i], n) != 0)
			continue;
		if (p[n] == '[' || p[n] == '(') { /* Re[2]: Re(3): */
			size_t k = n + 1;
			while (is_digit(p[k]))
				k++;
			if (k == n + 1 || (p[k] != ']' && p[k] != ')'))
				continue;
			n = k + 1;
		}
		n += skip_blank(p + n);
		if (p[n] == ':')
			return n + 1 + skip_blank(p + n + 1);
		if (strncmp(p + n, "：", 3) == 0)
			return n + 3 + skip_blank(p + n + 3);
	}
	return 0;
}

void mail_thread_clean_subject(const char *subject, char *out, size_t n)
{
	const char *p = subject ? subject : "";
	size_t k;
	int64_t id;
	p += skip_blank(p);
	for (;;) { /* prefixes and tags in front, in any order: "Re: [#12] Fwd: x" */
		if ((k = prefix_at(p)) > 0 || (k = tag_at(p, &id)) > 0)
			p += k + skip_blank(p + k);
		else
			break;
	}
	size_t o = 0;
	while (*p && o + 1 < n) {
		if ((k = tag_at(p, &id)) > 0) { /* a tag further on: drop it and the blank before */
			while (o > 0 && out[o - 1] == ' ')
				o--;
			p += k;
			if (o > 0 && *p && *p != ' ')
				out[o++] = ' ';
			continue;
		}
		out[o++] = *p++;
	}
	if ((*p & 0xC0) == 0x80) { /* cut inside a character: drop its first bytes too */
		while (o > 0 && (out[o - 1] & 0xC0) == 0x80)
			o--;
		if (o > 0)
			o--;
	}
	out[o] = '\0';
	o = strlen(out);
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		out[--o] = '\0';
	if (o >= 3 && strcmp(out + o - 3, "\xe3\x80\x80") == 0)
		out[o - 3] = '\0';
}

int mail_thread_token(const char *addr, char tok[MAIL_TOKEN_MAX])
{
	const char *at = addr ? strrchr(addr, '@') : NULL, *plus = NULL;
	if (!at)
		return 0;
	for (const char *p = addr; p < at; p++)
		if (*p == '+')
			plus = p;
	if (!plus || plus == addr)
		return 0;
	char support[MAIL_ADDR_MAX + 1];
	snprintf(support, sizeof(support), "%.*s%s", (int)(plus - addr), addr, at);
	return mail_token_from_address(support, addr, tok);
}

int mail_thread_addr_eq(const char *a, const char *b)
{
	return a && b && a[0] && strcasecmp(a, b) == 0;
}

int mail_thread_is_own(const char *support, const char *const *extra, size_t n, const char *addr)
{
	for (size_t i = 0; i < n; i++)
		if (mail_thread_addr_eq(extra[i], addr))
			return 1;
	const char *sat = support ? strrchr(support, '@') : NULL, *aat = addr ? strrchr(addr, '@') : NULL;
	if (!sat || !aat || strcasecmp(sat, aat) != 0)
		return 0;
	size_t local = (size_t)(sat - support), alocal = (size_t)(aat - addr);
	if (strncasecmp(support, addr, local) != 0)
		return 0;
	return alocal == local || (alocal > local + 1 && addr[local] == '+');
}

int64_t mail_thread_choose(const struct mail_thread_cand *c, enum mail_thread_via *via)
{
	const struct {
		int64_t id;
		enum mail_thread_via via;
	} order[] = {
		{ c->token_ticket, MAIL_THREAD_TOKEN },
		{ c->reply_ticket, MAIL_THREAD_IN_REPLY_TO },
		{ c->refs_ticket, MAIL_THREAD_REFERENCES },
		{ c->tag_sender_ok ? c->tag_ticket : 0, MAIL_THREAD_TAG },
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i].id > 0) {
			*via = order[i].via;
			return order[i].id;
		}
	*via = MAIL_THREAD_NEW;
	return 0;
}

const char *mail_thread_via_name(enum mail_thread_via via)
{
	static const char *const names[] = { "new", "token", "in_reply_to", "references", "tag" };
	return (unsigned)via < sizeof(names) / sizeof(names[0]) ? names[via] : "new";
}

int mail_thread_may_reopen(int64_t closed_at, int reopen_days, int64_t now)
{
	return closed_at <= 0 || closed_at + (int64_t)reopen_days * 86400 >= now;
}

const char *mail_thread_kind(unsigned auto_flags)
{
	if (auto_flags & MAIL_AUTO_BULK)
		return "bulk";
	if (auto_flags & (MAIL_AUTO_SUBMITTED | MAIL_AUTO_REPLY | MAIL_AUTO_NULL_SENDER))
		return "auto_reply";
	return "message";
}
