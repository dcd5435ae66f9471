/*
 * mail_compose.c - see mail_compose.h.
 *
 * GMime does the encoding work: RFC 2047 for display names and the
 * subject, RFC 2231 for file names, quoted-printable or base64 for the
 * parts (whichever is shorter, chosen by GMime's best-encoding filter),
 * folding of long headers.  GMime's global state is set up once
 * (pthread_once); after that a GMimeMessage per call is thread-safe.
 */
#include "channels/mail_compose.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/textlen.h"
#include "base/xalloc.h"
#include "channels/mail_settings.h"

#define REFS_SCAN_MAX 512 /* ids read from a parent's References */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_setup(void)
{
	g_mime_init();
}

const char *mail_compose_domain(const char *address)
{
	const char *at = strrchr(address, '@');
	return at ? at + 1 : address;
}

void mail_compose_message_id(const char *domain, int64_t ticket_id, char out[MAIL_COMPOSE_ID_MAX])
{
	unsigned char raw[8];
	char hex[2 * sizeof(raw) + 1];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	snprintf(out, MAIL_COMPOSE_ID_MAX, "kefu.%s.%lld@%s", hex, (long long)ticket_id,
	         domain && domain[0] ? domain : "localhost");
}

void mail_compose_subject(const char *subject, const char *tag, char *out, size_t n)
{
	subject = subject ? subject : "";
	if (!tag || !tag[0] || strstr(subject, tag)) {
		size_t keep = textlen_prefix(subject, SIZE_MAX, n - 1);
		snprintf(out, n, "%.*s", (int)keep, subject);
		return;
	}
	size_t room = n > strlen(tag) + 2 ? n - strlen(tag) - 2 : 1;
	size_t keep = textlen_prefix(subject, SIZE_MAX, room);
	while (keep > 0 && subject[keep - 1] == ' ')
		keep--;
	if (keep == 0)
		snprintf(out, n, "%s", tag);
	else
		snprintf(out, n, "%.*s %s", (int)keep, subject, tag);
}

/* The next id of a References value at *p (without <>): its start and length; 0 at the end. */
static size_t ref_next(const char **p, const char **start)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '<' || *s == '>' || *s == ',')
		s++;
	size_t n = strcspn(s, " \t\r\n<>,");
	*start = s;
	*p = s + n;
	return n;
}

static int ref_seen(const char *const *ids, const size_t *lens, int n, const char *id, size_t len)
{
	for (int i = 0; i < n; i++)
		if (lens[i] == len && memcmp(ids[i], id, len) == 0)
			return 1;
	return 0;
}

/* Append ids[i] for the kept indexes into out (space-separated), as long as they fit. */
static void refs_join(const char *const *ids, const size_t *lens, int n, char *out, size_t cap)
{
	size_t used = 0;
	out[0] = '\0';
	int from_tail = n > MAIL_COMPOSE_REFS_MAX ? n - (MAIL_COMPOSE_REFS_MAX - 1) : 1;
	for (int i = 0; i < n; i++) {
		if (i > 0 && i < from_tail)
			continue;
		if (lens[i] >= MAIL_COMPOSE_ID_MAX || used + lens[i] + 2 > cap)
			continue;
		if (used > 0)
			out[used++] = ' ';
		memcpy(out + used, ids[i], lens[i]);
		used += lens[i];
		out[used] = '\0';
	}
}

void mail_compose_references(const char *parent_refs, const char *parent_id, char out[MAIL_COMPOSE_REFS_BYTES])
{
	const char *ids[REFS_SCAN_MAX + 1];
	size_t lens[REFS_SCAN_MAX + 1];
	int n = 0;
	const char *p = parent_refs ? parent_refs : "", *s;
	size_t len;
	while (n < REFS_SCAN_MAX && (len = ref_next(&p, &s)) > 0)
		if (!ref_seen(ids, lens, n, s, len)) {
			ids[n] = s;
			lens[n++] = len;
		}
	p = parent_id ? parent_id : "";
	len = ref_next(&p, &s);
	if (len > 0 && !ref_seen(ids, lens, n, s, len)) {
		ids[n] = s;
		lens[n++] = len;
	}
	refs_join(ids, lens, n, out, MAIL_COMPOSE_REFS_BYTES);
}

/* --- the message ------------------------------------------------------------------- */

/* Add name <address> to list; KF_EINVAL naming field when address is not one. */
static int addr_add(InternetAddressList *list, const struct mail_addr *a, const char *field,
                    struct kf_error *err)
{
	if (!a->address || !mail_settings_address_valid(a->address))
		return kf_fail(err, KF_EINVAL, "invalid", field, "%s: not a mail address", field);
	InternetAddress *ia = internet_address_mailbox_new(a->name && a->name[0] ? a->name : NULL, a->address);
	internet_address_list_add(list, ia);
	g_object_unref(ia);
	return 0;
}

static int addresses_set(GMimeMessage *m, const struct mail_compose_in *in, struct kf_error *err)
{
	int rc = addr_add(g_mime_message_get_from(m), &in->from, "from", err);
	if (rc == 0 && in->reply_to && in->reply_to[0]) {
		struct mail_addr rt = { in->from.name, in->reply_to };
		rc = addr_add(g_mime_message_get_reply_to(m), &rt, "reply_to", err);
	}
	if (rc == 0)
		rc = addr_add(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_TO), &in->to, "to", err);
	for (int i = 0; rc == 0 && i < in->ncc; i++)
		rc = addr_add(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_CC), &in->cc[i], "cc", err);
	return rc;
}

/* "<a> <b> ..." of a space-separated list of ids (owned). */
static char *angle_list(const char *ids)
{
	GString *s = g_string_new(NULL);
	const char *p = ids, *start;
	size_t len;
	while ((len = ref_next(&p, &start)) > 0)
		g_string_append_printf(s, "%s<%.*s>", s->len ? " " : "", (int)len, start);
	char *out = xstrdup(s->str);
	g_string_free(s, TRUE);
	return out;
}

static void headers_set(GMimeMessage *m, const struct mail_compose_in *in)
{
	GMimeObject *o = GMIME_OBJECT(m);
	GDateTime *d = g_date_time_new_from_unix_utc(in->date);
	g_mime_message_set_date(m, d);
	g_date_time_unref(d);
	g_mime_message_set_message_id(m, in->message_id);
	g_mime_message_set_subject(m, in->subject ? in->subject : "", "utf-8");
	if (in->in_reply_to && in->in_reply_to[0]) {
		char *v = angle_list(in->in_reply_to);
		g_mime_object_set_header(o, "In-Reply-To", v, NULL);
		free(v);
	}
	if (in->references && in->references[0]) {
		char *v = angle_list(in->references);
		g_mime_object_set_header(o, "References", v, NULL);
		free(v);
	}
	if (in->auto_submitted)
		g_mime_object_set_header(o, "Auto-Submitted", "auto-replied", NULL);
	if (in->ticket_number && in->ticket_number[0])
		g_mime_object_set_header(o, "X-Kefu-Ticket", in->ticket_number, NULL);
}

/* A leaf part of type/subtype holding data, in the shortest 7-bit transfer encoding. */
static GMimePart *leaf_new(const char *type, const char *subtype, const void *data, size_t len)
{
	GMimePart *p = g_mime_part_new_with_type(type, subtype);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(p, w);
	g_object_unref(w);
	g_object_unref(s);
	g_mime_part_set_content_encoding(
	        p, g_mime_part_get_best_content_encoding(p, GMIME_ENCODING_CONSTRAINT_7BIT));
	return p;
}

/* text with every line ending in CRLF (text parts are canonical before they are encoded, RFC 2046). */
static GString *crlf_of(const char *text)
{
	GString *s = g_string_sized_new(strlen(text) + 64);
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			g_string_append_c(s, '\r');
		g_string_append_c(s, *p);
	}
	return s;
}

static GMimeObject *text_leaf(const char *subtype, const char *text)
{
	GString *crlf = crlf_of(text);
	GMimePart *p = leaf_new("text", subtype, crlf->str, crlf->len);
	g_string_free(crlf, TRUE);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(p), "charset", "utf-8");
	return GMIME_OBJECT(p);
}

/* Whether s is a token of a media type ([A-Za-z0-9!#$&^_.+-], 1..64 bytes). */
static int media_token(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(s[i]) && !strchr("!#$&^_.+-", s[i]))
			return 0;
	return 1;
}

static GMimeObject *file_leaf(const struct mail_file *f)
{
	char type[65] = "application", subtype[65] = "octet-stream";
	const char *ct = f->content_type ? f->content_type : "";
	const char *slash = strchr(ct, '/');
	size_t sublen = slash ? strcspn(slash + 1, "; ") : 0;
	if (slash && media_token(ct, (size_t)(slash - ct)) && media_token(slash + 1, sublen)) {
		snprintf(type, sizeof(type), "%.*s", (int)(slash - ct), ct);
		snprintf(subtype, sizeof(subtype), "%.*s", (int)sublen, slash + 1);
	}
	GMimePart *p = leaf_new(type, subtype, f->data, f->len);
	g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_part_set_filename(p, f->filename && f->filename[0] ? f->filename : "attachment");
	return GMIME_OBJECT(p);
}

/* The body: alternative text + html, inside mixed with the files when there are any. */
static GMimeObject *body_new(const struct mail_compose_in *in)
{
	GMimeObject *body = text_leaf("plain", in->text ? in->text : "");
	if (in->html) {
		GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
		GMimeObject *html = text_leaf("html", in->html);
		g_mime_multipart_add(alt, body);
		g_mime_multipart_add(alt, html);
		g_object_unref(body);
		g_object_unref(html);
		body = GMIME_OBJECT(alt);
	}
	if (in->nfiles <= 0)
		return body;
	GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_add(mixed, body);
	g_object_unref(body);
	for (int i = 0; i < in->nfiles; i++) {
		GMimeObject *f = file_leaf(&in->files[i]);
		g_mime_multipart_add(mixed, f);
		g_object_unref(f);
	}
	return GMIME_OBJECT(mixed);
}

/* m as bytes with CRLF line ends: *out owned. */
static void message_bytes(GMimeMessage *m, char **out, size_t *len)
{
	GMimeFormatOptions *fo = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	GMimeStream *mem = g_mime_stream_mem_new();
	g_mime_object_write_to_stream(GMIME_OBJECT(m), fo, mem);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*len = ba->len;
	*out = xmalloc(ba->len + 1);
	memcpy(*out, ba->data, ba->len);
	(*out)[ba->len] = '\0';
	g_object_unref(mem);
	g_mime_format_options_free(fo);
}

int mail_compose(const struct mail_compose_in *in, char **out, size_t *len, struct kf_error *err)
{
	*out = NULL;
	*len = 0;
	pthread_once(&gmime_once, gmime_setup);
	GMimeMessage *m = g_mime_message_new(TRUE);
	int rc = addresses_set(m, in, err);
	if (rc == 0) {
		headers_set(m, in);
		GMimeObject *body = body_new(in);
		g_mime_message_set_mime_part(m, body);
		g_object_unref(body);
		message_bytes(m, out, len);
	}
	g_object_unref(m);
	return rc;
}
