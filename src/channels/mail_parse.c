/*
 * mail_parse.c - see mail_parse.h.
 *
 * GMime builds the MIME tree with loose RFC 2047, address and parameter
 * parsing and the fallback charsets utf-8, gb18030, big5 for raw 8-bit
 * text in part headers.  The headers kefu threads and shows (From, To, Cc,
 * Reply-To, Sender, Subject) are read raw and repaired by mail_header first
 * (split or charset-less encoded words, 8-bit names), then decoded by
 * GMime; every string handed back goes through mail_charset_repair, every
 * body through mail_charset_to_utf8 (our own charset choice: GMime's
 * filters drop what iconv refuses).  The tree walk picks the body
 * (text/plain over text/html inside multipart/alternative, inline text parts
 * of a mixed message joined) and keeps every other leaf as an attachment;
 * mail_html, mail_quote and mail_dsn do the rest.
 *
 * GMime objects live for one call: the parser options, the stream, the
 * parser and the message are made and unreffed here; the only process-wide
 * state is g_mime_init, run once under pthread_once.
 */
#include "channels/mail_parse.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "channels/mail_charset.h"
#include "channels/mail_dsn.h"
#include "channels/mail_header.h"
#include "channels/mail_html.h"
#include "channels/mail_quote.h"

#define MAIL_MAX_DEPTH 32 /* MIME nesting followed; deeper parts are ignored */
#define MAIL_ID_MAX 998 /* bytes of a Message-ID kept (the RFC 5322 line limit) */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_gmime(void)
{
	g_mime_init();
}

void mail_parse_init(void)
{
	pthread_once(&init_once, init_gmime);
}

/* What the tree walk collects besides *m. */
struct walk {
	GMimeParserOptions *opts; /* the parser's options, for header parsing */
	struct mail_msg *m; /* the result being filled */
	struct buf text; /* inline text/plain parts, joined */
	struct buf html; /* the first inline text/html part, UTF-8, unsanitised */
	int have_html; /* html holds a body (possibly empty) */
	size_t cap_parts; /* allocated entries of m->parts */
};

/* A repaired copy of s (NULL counts as ""), with CR, LF and TAB made spaces. */
static char *header_text(const char *s)
{
	char *r = mail_charset_repair(s, s ? strlen(s) : 0);
	for (char *p = r; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	return r;
}

/* s trimmed of surrounding space and one pair of <>, repaired.  Owned. */
static char *angle_strip(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		s++;
		len -= 2;
	}
	return mail_charset_repair(s, len);
}

/* angle_strip, lower-cased (addresses, MIME types).  Owned. */
static char *addr_clean(const char *s, size_t len)
{
	char *r = angle_strip(s, len);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* The raw (undecoded, folded) value of the first header called name, or NULL.  Borrowed. */
static const char *raw_header(GMimeObject *obj, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
	return h ? g_mime_header_get_raw_value(h) : NULL;
}

/* Fill *a from a mailbox; 0, or -1 when it has no usable address. */
static int addr_set(struct mail_addr *a, InternetAddress *ia)
{
	const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	if (!addr || !*addr || strlen(addr) > MAIL_ADDR_MAX || strpbrk(addr, " \t\r\n<>,;\""))
		return -1;
	a->address = addr_clean(addr, strlen(addr));
	a->name = header_text(internet_address_get_name(ia));
	return 0;
}

static void addr_release(struct mail_addr *a)
{
	free(a->name);
	free(a->address);
	a->name = NULL;
	a->address = NULL;
}

/* Append the mailboxes of list (groups flattened, one level) to *v, up to MAIL_MAX_ADDRS. */
static void addrs_add(struct mail_addr **v, size_t *n, InternetAddressList *list, int depth)
{
	int len = list ? internet_address_list_length(list) : 0;
	for (int i = 0; i < len && *n < MAIL_MAX_ADDRS; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth == 0)
				addrs_add(v, n,
				          internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), 1);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		struct mail_addr a = { NULL, NULL };
		if (addr_set(&a, ia) < 0)
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = a;
	}
}

/* *a = the first of v[0, n) (the rest freed), or name "" and address "". */
static void addr_take_first(struct mail_addr *a, struct mail_addr *v, size_t n)
{
	if (n > 0) {
		*a = v[0];
		for (size_t i = 1; i < n; i++)
			addr_release(&v[i]);
	} else {
		a->name = xstrdup("");
		a->address = xstrdup("");
	}
	free(v);
}

/*
 * Append the mailboxes of every header called name to *v.  The raw value
 * is normalised first (mail_header.h), so split or charset-less encoded
 * words and raw 8-bit names come out right.
 */
static void addrs_header(struct walk *w, GMimeObject *obj, const char *name, struct mail_addr **v, size_t *n)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int count = hl ? g_mime_header_list_get_count(hl) : 0;
	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		if (strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		char *norm = mail_header_normalise(g_mime_header_get_raw_value(h));
		InternetAddressList *list = internet_address_list_parse(w->opts, norm);
		addrs_add(v, n, list, 0);
		if (list)
			g_object_unref(list);
		free(norm);
	}
}

/* *a = the first mailbox of the first header called name. */
static void addr_header(struct walk *w, GMimeObject *obj, const char *name, struct mail_addr *a)
{
	struct mail_addr *v = NULL;
	size_t n = 0;
	addrs_header(w, obj, name, &v, &n);
	addr_take_first(a, v, n);
}

/* The decoded text of the unstructured header name ("" when absent).  Owned. */
static char *text_header(struct walk *w, GMimeObject *obj, const char *name)
{
	char *norm = mail_header_normalise(raw_header(obj, name));
	char *dec = g_mime_utils_header_decode_text(w->opts, norm);
	char *r = header_text(dec);
	g_free(dec);
	free(norm);
	size_t lead = strspn(r, " ");
	size_t len = strlen(r + lead);
	while (len > 0 && r[lead + len - 1] == ' ')
		len--;
	memmove(r, r + lead, len);
	r[len] = '\0';
	return r;
}

/* A message id fit to keep: printable ASCII without space or <>, 1..MAIL_ID_MAX bytes. */
static bool id_usable(const char *id)
{
	size_t len = id ? strlen(id) : 0;
	if (len == 0 || len > MAIL_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* The ids in a References / In-Reply-To value, oldest first; *n set.  A bare id without <> counts. */
static char **ids_parse(GMimeParserOptions *opts, const char *value, size_t *n)
{
	*n = 0;
	if (!value)
		return NULL;
	char **v = NULL;
	GMimeReferences *refs = g_mime_references_parse(opts, value);
	int len = refs ? g_mime_references_length(refs) : 0;
	for (int i = 0; i < len; i++) {
		const char *id = g_mime_references_get_message_id(refs, i);
		if (!id_usable(id))
			continue;
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = xstrdup(id);
	}
	if (refs)
		g_mime_references_free(refs);
	if (*n == 0) {
		char *bare = angle_strip(value, strlen(value));
		if (id_usable(bare) && strchr(bare, '@')) {
			v = xmalloc(sizeof(*v));
			v[(*n)++] = bare;
		} else
			free(bare);
	}
	return v;
}

static void ids_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* m->references: the newest MAIL_MAX_REFS ids of References, oldest first. */
static void refs_set(struct walk *w, GMimeObject *obj)
{
	size_t n = 0;
	char **v = ids_parse(w->opts, raw_header(obj, "References"), &n);
	size_t skip = n > MAIL_MAX_REFS ? n - MAIL_MAX_REFS : 0;
	for (size_t i = 0; i < skip; i++)
		free(v[i]);
	if (skip > 0)
		memmove(v, v + skip, (n - skip) * sizeof(*v));
	w->m->references = v;
	w->m->nrefs = n - skip;
}

static void in_reply_to_set(struct walk *w, GMimeObject *obj)
{
	size_t n = 0;
	char **v = ids_parse(w->opts, raw_header(obj, "In-Reply-To"), &n);
	if (n > 0) {
		w->m->in_reply_to = v[0];
		v[0] = NULL;
	}
	ids_free(v, n);
}

/* Delivered-To and X-Original-To values, each once. */
static void delivered_set(struct mail_msg *m, GMimeObject *obj)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int count = hl ? g_mime_header_list_get_count(hl) : 0;
	for (int i = 0; i < count && m->ndelivered < MAIL_MAX_ADDRS; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		if (!raw || (strcasecmp(name, "Delivered-To") != 0 && strcasecmp(name, "X-Original-To") != 0))
			continue;
		char *a = addr_clean(raw, strlen(raw));
		bool dup = *a == '\0' || strlen(a) > MAIL_ADDR_MAX;
		for (size_t j = 0; j < m->ndelivered && !dup; j++)
			dup = strcmp(m->delivered_to[j].address, a) == 0;
		if (dup) {
			free(a);
			continue;
		}
		m->delivered_to = xreallocarray(m->delivered_to, m->ndelivered + 1, sizeof(*m->delivered_to));
		m->delivered_to[m->ndelivered].name = xstrdup("");
		m->delivered_to[m->ndelivered++].address = a;
	}
}

/* True when the value of header name (case-insensitive) starts with one of the words in list. */
static bool header_is(GMimeObject *obj, const char *name, const char *const *list)
{
	const char *v = g_mime_object_get_header(obj, name);
	if (!v)
		return false;
	while (isspace((unsigned char)*v))
		v++;
	for (size_t i = 0; list[i]; i++)
		if (strncasecmp(v, list[i], strlen(list[i])) == 0)
			return true;
	return false;
}

/* A case-insensitive (ASCII) substring test. */
static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return true;
	return false;
}

/* Auto-reply markers open the subject ("自动回复: …", "Out of Office: …"); only its start is searched. */
#define SUBJECT_SCAN_MAX 200

static bool subject_auto_reply(const char *subject)
{
	static const char *const words[] = {
		"自动回复",      "自動回覆",          "自动答复",   "Auto-Reply",
		"Autoreply",     "Automatic reply",   "Auto Reply", "Out of Office",
		"Out-of-Office", "Abwesenheitsnotiz", NULL
	};
	char head[SUBJECT_SCAN_MAX + 1];
	size_t n = strnlen(subject, SUBJECT_SCAN_MAX);
	memcpy(head, subject, n);
	head[n] = '\0';
	for (size_t i = 0; words[i]; i++)
		if (contains_ci(head, words[i]))
			return true;
	return false;
}

/* enum mail_auto bits from the top-level headers. */
static unsigned auto_flags(GMimeObject *obj, const struct mail_msg *m)
{
	static const char *const no[] = { "no", NULL };
	static const char *const bulk[] = { "bulk", "junk", "list", NULL };
	static const char *const suppress[] = { "all", "oof", NULL };
	unsigned f = 0;
	if (g_mime_object_get_header(obj, "Auto-Submitted") && !header_is(obj, "Auto-Submitted", no))
		f |= MAIL_AUTO_SUBMITTED;
	if (g_mime_object_get_header(obj, "X-Autoreply") || g_mime_object_get_header(obj, "X-Autorespond") ||
	    header_is(obj, "X-Auto-Response-Suppress", suppress) || subject_auto_reply(m->subject))
		f |= MAIL_AUTO_REPLY;
	if (header_is(obj, "Precedence", bulk) || g_mime_object_get_header(obj, "List-Id") ||
	    g_mime_object_get_header(obj, "List-Unsubscribe"))
		f |= MAIL_AUTO_BULK;
	const char *at = strchr(m->from.address, '@');
	size_t local = at ? (size_t)(at - m->from.address) : strlen(m->from.address);
	bool daemon = (local == 13 && strncasecmp(m->from.address, "mailer-daemon", 13) == 0) ||
	        (local == 10 && strncasecmp(m->from.address, "postmaster", 10) == 0);
	if ((m->return_path && !*m->return_path) || daemon)
		f |= MAIL_AUTO_NULL_SENDER;
	return f;
}

static bool subject_forward(const char *s)
{
	static const char *const prefixes[] = { "fwd:",   "fw:",   "fwd：",  "fw：",  "转发:",
		                                "转发：", "轉寄:", "轉寄：", "转发 ", NULL };
	while (isspace((unsigned char)*s))
		s++;
	for (size_t i = 0; prefixes[i]; i++)
		if (strncasecmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static bool body_forward(const char *text)
{
	static const char *const marks[] = {
		"---------- Forwarded message",        "Begin forwarded message:",
		"-------- Forwarded Message --------", "---------- 转发的邮件",
		"-------- 转发邮件信息 --------",      NULL
	};
	for (size_t i = 0; marks[i]; i++)
		if (strstr(text, marks[i]))
			return true;
	return false;
}

/* The decoded bytes of a leaf part into *b (replacing its contents). */
static void part_bytes(GMimePart *part, struct buf *b)
{
	buf_reset(b);
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	if (!content)
		return;
	GMimeStream *s = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, s);
	GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	if (a && a->len > 0)
		buf_add(b, a->data, a->len);
	g_object_unref(s);
}

/* Line ends made LF (CRLF and lone CR), a leading byte order mark dropped; in place. */
static void text_normalise(char *t)
{
	const char *p = t;
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	char *o = t;
	for (; *p; p++) {
		if (*p == '\r') {
			*o++ = '\n';
			if (p[1] == '\n')
				p++;
		} else
			*o++ = *p;
	}
	*o = '\0';
}

/*
 * Undo format=flowed (RFC 3676 section 4): a line ending in a space (not
 * the signature separator "-- ") continues on the next line of the same
 * quote depth; one space after the quote marks is stuffing; with
 * delsp=yes the trailing space goes too.  Quoted lines come out as "> ".
 */
static char *flowed_decode(const char *t, bool delsp)
{
	struct buf b = BUF_INIT;
	b.max = (size_t)-1 / 4;
	int prev_depth = -1; /* quote depth of the previous line when it flowed on, else -1 */
	while (*t) {
		size_t n = strcspn(t, "\n");
		const char *c = t;
		int depth = 0;
		while (c < t + n && *c == '>') {
			depth++;
			c++;
		}
		if (c < t + n && *c == ' ')
			c++; /* stuffing */
		size_t cn = (size_t)(t + n - c);
		bool sig = cn == 3 && memcmp(c, "-- ", 3) == 0;
		bool flows = cn > 0 && c[cn - 1] == ' ' && !sig;
		if (prev_depth != depth) {
			if (prev_depth >= 0 || b.len > 0)
				buf_addch(&b, '\n');
			for (int i = 0; i < depth; i++)
				buf_adds(&b, "> ");
		}
		buf_add(&b, c, flows && delsp ? cn - 1 : cn);
		prev_depth = flows ? depth : -1;
		t += n + (t[n] == '\n');
	}
	if (b.len > 0 && prev_depth < 0)
		buf_addch(&b, '\n');
	if (!b.p)
		return xstrdup("");
	return buf_detach(&b, NULL);
}

/* Whether the content-type parameter name of obj is value (case-insensitive). */
static bool param_is(GMimeObject *obj, const char *name, const char *value)
{
	const char *v = g_mime_object_get_content_type_parameter(obj, name);
	return v && strcasecmp(v, value) == 0;
}

/* UTF-8 text of a text part, line ends made LF, format=flowed undone.  Owned. */
static char *part_text(GMimePart *part)
{
	struct buf raw = BUF_INIT;
	raw.max = (size_t)-1 / 4;
	part_bytes(part, &raw);
	GMimeObject *obj = GMIME_OBJECT(part);
	const char *cs = g_mime_object_get_content_type_parameter(obj, "charset");
	char *t = mail_charset_to_utf8(raw.p, raw.len, cs);
	buf_release(&raw);
	text_normalise(t);
	if (!param_is(obj, "format", "flowed"))
		return t;
	char *f = flowed_decode(t, param_is(obj, "delsp", "yes"));
	free(t);
	return f;
}

/* "type/subtype" of obj, lower-case.  Owned. */
static char *mime_type(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *t = ct ? g_mime_content_type_get_media_type(ct) : NULL;
	const char *s = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/%s", t && *t ? t : "application", s && *s ? s : "octet-stream");
	char *r = addr_clean(b.p, b.len);
	buf_release(&b);
	return r;
}

/* A new attachment slot, or NULL when MAIL_MAX_PARTS are kept (counted in parts_dropped). */
static struct mail_part *part_new(struct walk *w)
{
	struct mail_msg *m = w->m;
	if (m->nparts >= MAIL_MAX_PARTS) {
		m->parts_dropped++;
		return NULL;
	}
	if (m->nparts == w->cap_parts) {
		w->cap_parts = w->cap_parts ? w->cap_parts * 2 : 4;
		m->parts = xreallocarray(m->parts, w->cap_parts, sizeof(*m->parts));
	}
	struct mail_part *p = &m->parts[m->nparts++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* A file name fit for a download: repaired, no path separators or control characters. */
static char *filename_clean(const char *s)
{
	char *r = header_text(s);
	for (char *p = r; *p; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20)
			*p = '_';
	return r;
}

static void attach_leaf(struct walk *w, GMimePart *part)
{
	struct mail_part *p = part_new(w);
	if (!p)
		return;
	GMimeObject *obj = GMIME_OBJECT(part);
	p->filename = filename_clean(g_mime_part_get_filename(part));
	p->content_type = mime_type(obj);
	const char *cid = g_mime_object_get_content_id(obj);
	p->content_id = cid ? angle_strip(cid, strlen(cid)) : xstrdup("");
	const char *disp = g_mime_object_get_disposition(obj);
	p->is_inline = disp && strcasecmp(disp, "inline") == 0;
	struct buf b = BUF_INIT;
	b.max = (size_t)-1 / 4;
	part_bytes(part, &b);
	p->len = b.len;
	p->data = b.p ? (unsigned char *)buf_detach(&b, NULL) : xcalloc(1, 1);
}

/* A message/rfc822 part (a forward, the returned mail of a bounce) as "<subject>.eml". */
static void attach_message(struct walk *w, GMimeMessagePart *mp)
{
	GMimeMessage *inner = g_mime_message_part_get_message(mp);
	if (!inner)
		return;
	struct mail_part *p = part_new(w);
	if (!p)
		return;
	GMimeObject *obj = GMIME_OBJECT(mp);
	const char *subject = g_mime_message_get_subject(inner);
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s.eml", subject && *subject ? subject : "message");
	p->filename = filename_clean(name.p);
	buf_release(&name);
	p->content_type = mime_type(obj);
	const char *cid = g_mime_object_get_content_id(obj);
	p->content_id = cid ? angle_strip(cid, strlen(cid)) : xstrdup("");
	GMimeStream *s = g_mime_stream_mem_new();
	g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, s);
	GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	p->len = a ? a->len : 0;
	p->data = xmalloc(p->len + 1);
	if (p->len)
		memcpy(p->data, a->data, p->len);
	g_object_unref(s);
}

/* Whether a leaf is a body candidate: text/plain or text/html, not an attachment, no file name. */
static bool is_body_text(GMimeObject *obj, const char *type)
{
	if (strcmp(type, "text/plain") != 0 && strcmp(type, "text/html") != 0)
		return false;
	const char *disp = g_mime_object_get_disposition(obj);
	if (disp && strcasecmp(disp, "attachment") == 0)
		return false;
	const char *fn = g_mime_part_get_filename(GMIME_PART(obj));
	return !fn || !*fn;
}

/* Take a text leaf as body.  In an alternative only the first plain and the first html count. */
static bool take_body(struct walk *w, GMimePart *part, const char *type, bool alternative)
{
	bool html = strcmp(type, "text/html") == 0;
	if (html && w->have_html)
		return false;
	if (!html && alternative && w->text.len > 0)
		return false;
	char *t = part_text(part);
	if (html) {
		buf_adds(&w->html, t);
		w->have_html = 1;
	} else {
		if (w->text.len > 0 && w->text.p[w->text.len - 1] != '\n')
			buf_addch(&w->text, '\n');
		buf_adds(&w->text, t);
	}
	free(t);
	return true;
}

static void walk_obj(struct walk *w, GMimeObject *obj, int depth, bool alternative, bool report);

static void walk_multipart(struct walk *w, GMimeMultipart *mp, int depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
	bool alt = ct && g_mime_content_type_is_type(ct, "multipart", "alternative");
	bool report = ct && g_mime_content_type_is_type(ct, "multipart", "report");
	int count = g_mime_multipart_get_count(mp);
	if (alt) {
		/* text/plain first, whatever the order the client wrote them in. */
		for (int i = 0; i < count; i++) {
			GMimeObject *c = g_mime_multipart_get_part(mp, i);
			if (GMIME_IS_PART(c) &&
			    g_mime_content_type_is_type(g_mime_object_get_content_type(c), "text", "plain"))
				walk_obj(w, c, depth + 1, true, false);
		}
	}
	for (int i = 0; i < count; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		if (alt && GMIME_IS_PART(c) &&
		    g_mime_content_type_is_type(g_mime_object_get_content_type(c), "text", "plain"))
			continue;
		walk_obj(w, c, depth + 1, alt, report);
	}
}

static void walk_obj(struct walk *w, GMimeObject *obj, int depth, bool alternative, bool report)
{
	if (!obj || depth > MAIL_MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		walk_multipart(w, GMIME_MULTIPART(obj), depth);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (report && inner)
			mail_dsn_returned_id(&w->m->bounce, g_mime_message_get_message_id(inner));
		attach_message(w, GMIME_MESSAGE_PART(obj));
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	GMimePart *part = GMIME_PART(obj);
	char *type = mime_type(obj);
	if (report &&
	    (strcmp(type, "message/delivery-status") == 0 || strcmp(type, "text/rfc822-headers") == 0)) {
		struct buf b = BUF_INIT;
		b.max = (size_t)-1 / 4;
		part_bytes(part, &b);
		mail_dsn_fields(&w->m->bounce, buf_cstr(&b), b.len);
		buf_release(&b);
	}
	bool taken = is_body_text(obj, type) && take_body(w, part, type, alternative);
	bool other_body = strcmp(type, "text/plain") == 0 || strcmp(type, "text/html") == 0;
	if (!taken && !(alternative && other_body)) /* a second plain or html alternative is dropped */
		attach_leaf(w, part);
	free(type);
}

/*
 * Mark the parts the HTML refers to by cid: as inline.  One pass over the
 * HTML: each "cid:" found is compared with the parts' Content-IDs.
 */
static void cid_mark(struct mail_msg *m, const char *html)
{
	size_t left = 0; /* parts with a Content-ID not yet marked */
	for (size_t i = 0; i < m->nparts; i++)
		left += *m->parts[i].content_id && !m->parts[i].is_inline;
	for (const char *p = html; *p && left > 0; p++) {
		if ((*p | 0x20) != 'c' || strncasecmp(p, "cid:", 4) != 0)
			continue; /* not strcasestr: sanitizers make each call scan the whole rest */
		for (size_t i = 0; i < m->nparts; i++) {
			struct mail_part *part = &m->parts[i];
			size_t n = strlen(part->content_id);
			if (n == 0 || part->is_inline || strncasecmp(p + 4, part->content_id, n) != 0)
				continue;
			part->is_inline = 1;
			left--;
		}
	}
}

/* Body text and html into *m once the tree is walked. */
static void body_finish(struct walk *w)
{
	struct mail_msg *m = w->m;
	if (w->have_html) {
		cid_mark(m, buf_cstr(&w->html));
		m->html = mail_html_sanitise(buf_cstr(&w->html), w->html.len);
		if (w->text.len == 0) {
			char *t = mail_html_to_text(buf_cstr(&w->html), w->html.len);
			buf_adds(&w->text, t);
			free(t);
		}
	}
	m->text = mail_charset_repair(buf_cstr(&w->text), w->text.len);
	m->quote_at = mail_quote_start(m->text);
	m->is_forward = subject_forward(m->subject) || body_forward(m->text);
}

/* Every header field of *m. */
static void headers_set(struct walk *w, GMimeMessage *msg)
{
	struct mail_msg *m = w->m;
	GMimeObject *obj = GMIME_OBJECT(msg);
	addr_header(w, obj, "From", &m->from);
	addr_header(w, obj, "Reply-To", &m->reply_to);
	addr_header(w, obj, "Sender", &m->sender);
	addrs_header(w, obj, "To", &m->to, &m->nto);
	addrs_header(w, obj, "Cc", &m->cc, &m->ncc);
	delivered_set(m, obj);
	const char *rp = raw_header(obj, "Return-Path");
	if (rp)
		m->return_path = addr_clean(rp, strlen(rp));
	m->subject = text_header(w, obj, "Subject");
	const char *id = g_mime_message_get_message_id(msg);
	m->message_id = id_usable(id) ? xstrdup(id) : NULL;
	in_reply_to_set(w, obj);
	refs_set(w, obj);
	GDateTime *d = g_mime_message_get_date(msg);
	gint64 t = d ? g_date_time_to_unix(d) : 0;
	m->date = t > 0 ? t : 0;
	m->auto_flags = auto_flags(obj, m);
}

static GMimeParserOptions *options_new(void)
{
	static const char *fallback[] = { "utf-8", "gb18030", "big5", NULL };
	GMimeParserOptions *o = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(o, FALSE);
	g_mime_parser_options_set_fallback_charsets(o, fallback);
	return o;
}

/* Whether the message read has a header block at all. */
static bool has_headers(GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	return hl && g_mime_header_list_get_count(hl) > 0;
}

int mail_parse(const char *raw, size_t len, struct mail_msg *out, struct kf_error *err)
{
	memset(out, 0, sizeof(*out));
	mail_parse_init();
	struct walk w = { .m = out, .text = BUF_INIT, .html = BUF_INIT };
	w.text.max = (size_t)-1 / 4;
	w.html.max = (size_t)-1 / 4;
	w.opts = options_new();
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw ? raw : "", raw ? len : 0);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, w.opts);
	int rc = 0;
	if (!msg || !has_headers(msg)) {
		rc = kf_fail(err, KF_EINVAL, "mail_unparsable", "", "the message has no header block");
		goto out;
	}
	headers_set(&w, msg);
	walk_obj(&w, g_mime_message_get_mime_part(msg), 0, false, false);
	body_finish(&w);
out:
	if (!out->text)
		out->text = xstrdup("");
	if (!out->subject)
		out->subject = xstrdup("");
	if (!out->from.address)
		addr_take_first(&out->from, NULL, 0);
	if (!out->reply_to.address)
		addr_take_first(&out->reply_to, NULL, 0);
	if (!out->sender.address)
		addr_take_first(&out->sender, NULL, 0);
	mail_dsn_finish(&out->bounce, out->subject, out->text);
	if (rc < 0)
		out->quote_at = strlen(out->text);
	buf_release(&w.text);
	buf_release(&w.html);
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	g_mime_parser_options_free(w.opts);
	return rc;
}

static void addrs_free(struct mail_addr *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		addr_release(&v[i]);
	free(v);
}

void mail_msg_free(struct mail_msg *m)
{
	if (!m)
		return;
	addr_release(&m->from);
	addr_release(&m->reply_to);
	addr_release(&m->sender);
	addrs_free(m->to, m->nto);
	addrs_free(m->cc, m->ncc);
	addrs_free(m->delivered_to, m->ndelivered);
	free(m->return_path);
	free(m->subject);
	free(m->message_id);
	free(m->in_reply_to);
	ids_free(m->references, m->nrefs);
	free(m->text);
	free(m->html);
	mail_dsn_release(&m->bounce);
	for (size_t i = 0; i < m->nparts; i++) {
		free(m->parts[i].filename);
		free(m->parts[i].content_type);
		free(m->parts[i].content_id);
		free(m->parts[i].data);
	}
	free(m->parts);
	memset(m, 0, sizeof(*m));
}
