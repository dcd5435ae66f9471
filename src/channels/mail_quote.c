/*
 * mail_quote.c - see mail_quote.h.
 *
 * The text is read line by line.  Each rule looks at one line (and its
 * neighbours when a header wraps) and says whether quoted history or a
 * signature begins there; the first line any rule claims wins.  A trailing
 * block of ">" lines is found separately (only when nothing but quoted or
 * blank lines follows it, so inline answers between quotes stay visible).
 * The offset returned is always the start of a line, so the text above it
 * is exactly what the sender wrote.
 */
#include "channels/mail_quote.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define QUOTE_LOOKAHEAD 5 /* lines after "From:" searched for "Sent:" */

/* One line of the text, trimmed of white space (ASCII, NBSP, U+3000) at both ends. */
struct line {
	size_t start; /* offset of the line in the text */
	const char *s; /* the trimmed content */
	size_t len; /* its length */
};

/* Length of the white space character at s (ASCII blank, NBSP, ideographic space), 0 if none. */
static size_t space_len(const char *s, size_t avail)
{
	if (avail >= 1 && (*s == ' ' || *s == '\t' || *s == '\r'))
		return 1;
	if (avail >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
		return 2;
	if (avail >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* Whether s ends with white space of length n. */
static size_t space_len_back(const char *s, size_t len)
{
	if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		return 1;
	if (len >= 2 && (unsigned char)s[len - 2] == 0xC2 && (unsigned char)s[len - 1] == 0xA0)
		return 2;
	if (len >= 3 && memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* The line starting at text[off] (which is not past the end); *next = the offset after its LF. */
static struct line line_at(const char *text, size_t off, size_t *next)
{
	const char *nl = strchr(text + off, '\n');
	size_t end = nl ? (size_t)(nl - text) : strlen(text);
	*next = nl ? end + 1 : end;
	struct line l = { off, text + off, end - off };
	size_t n;
	while ((n = space_len(l.s, l.len)) > 0) {
		l.s += n;
		l.len -= n;
	}
	while ((n = space_len_back(l.s, l.len)) > 0)
		l.len -= n;
	return l;
}

static bool starts(const struct line *l, const char *p)
{
	size_t n = strlen(p);
	return l->len >= n && memcmp(l->s, p, n) == 0;
}

static bool starts_ci(const struct line *l, const char *p)
{
	size_t n = strlen(p);
	return l->len >= n && strncasecmp(l->s, p, n) == 0;
}

static bool ends(const struct line *l, const char *p)
{
	size_t n = strlen(p);
	return l->len >= n && memcmp(l->s + l->len - n, p, n) == 0;
}

static bool has(const struct line *l, const char *p)
{
	size_t n = strlen(p);
	for (size_t i = 0; i + n <= l->len; i++)
		if (memcmp(l->s + i, p, n) == 0)
			return true;
	return false;
}

static bool has_ci(const struct line *l, const char *p)
{
	size_t n = strlen(p);
	for (size_t i = 0; i + n <= l->len; i++)
		if (strncasecmp(l->s + i, p, n) == 0)
			return true;
	return false;
}

static bool starts_any(const struct line *l, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (starts(l, list[i]))
			return true;
	return false;
}

/*
 * A separator line: dashes or underscores around 原始邮件 / Original
 * (Message) — QQ Mail, Foxmail, Outlook, Netease — or Outlook's bare line
 * of underscores before a header block (checked by the caller).
 */
static bool is_separator(const struct line *l)
{
	if (!starts(l, "---") && !starts(l, "___") && !starts(l, "—"))
		return false;
	return has(l, "原始邮件") || has(l, "原始郵件") || has(l, "原邮件") ||
	        has_ci(l, "original message") || has_ci(l, "original") || has(l, "回复的原邮件");
}

static bool is_underscores(const struct line *l)
{
	return l->len >= 10 && strspn(l->s, "_") == l->len;
}

static bool ends_ci(const struct line *l, const char *p)
{
	size_t n = strlen(p);
	return l->len >= n && strncasecmp(l->s + l->len - n, p, n) == 0;
}

/* The start of a reply header that may wrap: 在 … / On … */
static bool opens_header(const struct line *l)
{
	return starts(l, "在") || starts_ci(l, "On ");
}

/*
 * A reply header "在 … 写道：" / "On … wrote:" ending on line l; prev is the
 * line just above (NULL when it is blank or missing).  Returns the offset
 * where the header begins, or (size_t)-1.
 */
static size_t wrote_header(const struct line *l, const struct line *prev)
{
	bool zh = ends(l, "写道：") || ends(l, "写道:") || ends(l, "寫道：") || ends(l, "寫道:");
	bool en = ends_ci(l, "wrote:");
	if (!zh && !en)
		return (size_t)-1;
	if (prev && opens_header(prev) && !opens_header(l))
		return prev->start; /* wrapped over two lines */
	if (opens_header(l) || has(l, "@") || (zh && (has(l, "于") || has(l, "於"))))
		return l->start;
	return (size_t)-1;
}

static bool forward_marker(const struct line *l)
{
	return has_ci(l, "forwarded message") || has(l, "转发") || has(l, "轉寄") || has(l, "轉發");
}

/*
 * An Outlook/Foxmail header block: 发件人:/From: on l and 发送时间:/Sent:/
 * Date: within the next lines.  A line of underscores just above belongs to
 * it.  Not the header of a forwarded message (the forward is the content).
 */
static size_t header_block(const char *text, const struct line *l, const struct line *prev, size_t next)
{
	static const char *const from[] = { "发件人:", "发件人：", "發件人:", "發件人：",
		                            "寄件者:", "寄件者：", "From:",   NULL };
	static const char *const sent[] = { "发送时间:", "发送时间：", "發送時間:", "發送時間：",
		                            "寄件日期:", "寄件日期：", "时间:",     "时间：",
		                            "日期:",     "日期：",     "Sent:",     "Date:",
		                            NULL };
	if (!starts_any(l, from) || (prev && forward_marker(prev)))
		return (size_t)-1;
	for (int i = 0; i < QUOTE_LOOKAHEAD && text[next]; i++) {
		struct line a = line_at(text, next, &next);
		if (starts_any(&a, sent))
			return prev && is_underscores(prev) ? prev->start : l->start;
	}
	return (size_t)-1;
}

/* The signature delimiter "-- " (RFC 3676 section 4.3), also without its space. */
static bool sig_delimiter(const char *text, const struct line *l)
{
	const char *raw = text + l->start;
	size_t n = strcspn(raw, "\n");
	if (n > 0 && raw[n - 1] == '\r')
		n--;
	return (n == 3 && memcmp(raw, "-- ", 3) == 0) || (n == 2 && memcmp(raw, "--", 2) == 0);
}

/* A mobile client's footer. */
static bool mobile_footer(const struct line *l)
{
	static const char *const footers[] = { "发自我的iPhone",
		                               "发自我的 iPhone",
		                               "发自我的iPad",
		                               "发自我的 iPad",
		                               "发自我的手机",
		                               "发自我的华为手机",
		                               "发自我的小米手机",
		                               "從我的 iPhone 傳送",
		                               "从我的 iPhone 发送",
		                               "从我的iPhone发送",
		                               "发自网易邮箱大师",
		                               "Sent from my iPhone",
		                               "Sent from my iPad",
		                               "Sent from my Android",
		                               "Sent from my Samsung",
		                               "Sent from my Huawei",
		                               "Sent from Mail for Windows",
		                               "Sent from Outlook",
		                               "Get Outlook for",
		                               NULL };
	return l->len < 100 && starts_any(l, footers);
}

/* Where a rule claims line l begins the quote, or (size_t)-1. */
static size_t line_rule(const char *text, const struct line *l, const struct line *prev, size_t next)
{
	if (is_separator(l) || sig_delimiter(text, l) || mobile_footer(l))
		return l->start;
	size_t at = wrote_header(l, prev);
	if (at != (size_t)-1)
		return at;
	return header_block(text, l, prev, next);
}

size_t mail_quote_start(const char *text)
{
	if (!text)
		return 0;
	struct line prev = { 0, "", 0 };
	bool have_prev = false; /* prev is the line just above, and not blank */
	size_t trailing = (size_t)-1; /* start of the current run of ">" lines */
	size_t off = 0;
	while (text[off]) {
		size_t next;
		struct line l = line_at(text, off, &next);
		if (l.len > 0) {
			size_t at = line_rule(text, &l, have_prev ? &prev : NULL, next);
			if (at != (size_t)-1)
				return at < trailing ? at : trailing;
			if (l.s[0] == '>') {
				if (trailing == (size_t)-1)
					trailing = l.start;
			} else
				trailing = (size_t)-1;
		}
		prev = l;
		have_prev = l.len > 0;
		off = next;
	}
	return trailing != (size_t)-1 ? trailing : off;
}
