/*
 * imap.c - see imap.h.
 *
 * libcurl does the protocol: connecting, STARTTLS, the login (SASL when
 * offered), SELECT and the download of one message with its literal.  The
 * other commands go as CURLOPT_CUSTOMREQUEST, whose untagged answers curl
 * hands to the write callback (for "UID ..." commands all of them, for
 * STATUS and CAPABILITY the lines naming them).  A command on the folder
 * goes to the URL imap://host:port/FOLDER;UIDVALIDITY=n, so that curl
 * selects the folder first when this connection has not, and refuses to
 * if its UIDVALIDITY is no longer n.
 */
#include "channels/imap.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stddef.h>

#include "base/str.h"
#include "base/xalloc.h"

#define HOST_URL_MAX 300 /* bytes of "imaps://[host]:port" */
#define URL_MAX (HOST_URL_MAX + 3 * IMAP_FOLDER_WIRE_MAX + 64) /* with the folder percent-encoded */
#define CMD_MAX (2 * IMAP_FOLDER_WIRE_MAX + 128) /* a command with a quoted folder */

struct imap {
	CURL *curl;
	char base[HOST_URL_MAX]; /* "imaps://host:port" */
	char caps[2048]; /* the CAPABILITY line after login */
	char errbuf[CURL_ERROR_SIZE];
	struct buf *sink; /* where the write callback puts what the server sends */
	size_t sink_max; /* bytes the sink may hold */
	int overflow; /* the sink's cap was hit */
	int (*cancelled)(void); /* imap_conf.cancelled */
	CURLcode last; /* what the last exchange ended with */
};

/* --- pure helpers --------------------------------------------------------------------- */

/* The next code point of s (advancing it); -1 for invalid UTF-8. */
static long utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	long c = p[0];
	int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
	if (n < 0)
		return -1;
	if (n > 0)
		c &= 0x3f >> n;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (p[i] & 0x3f);
	}
	static const long min[] = { 0, 0x80, 0x800, 0x10000 };
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*s = p + n + 1;
	return c;
}

/* Modified BASE64 of the UTF-16BE units u[0..n) appended to b. */
static int b64_units(struct buf *b, const unsigned *u, size_t n)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	unsigned long acc = 0;
	int bits = 0, rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		acc = (acc << 16) | u[i];
		bits += 16;
		while (bits >= 6 && rc == 0) {
			bits -= 6;
			rc = buf_addch(b, al[(acc >> bits) & 0x3f]);
		}
		acc &= (1ul << bits) - 1;
	}
	if (bits > 0 && rc == 0)
		rc = buf_addch(b, al[(acc << (6 - bits)) & 0x3f]);
	return rc;
}

/* One run of non-ASCII text starting at *s: "&...-" into b; *s moves past it. */
static int encode_run(const unsigned char **s, struct buf *b)
{
	unsigned units[2 * 64];
	size_t n = 0;
	int rc = buf_addch(b, '&');
	while (rc == 0 && **s && (**s < 0x20 || **s > 0x7e)) {
		long c = utf8_next(s);
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			return KF_EINVAL;
		if (c >= 0x10000) {
			units[n++] = 0xd800u + (unsigned)((c - 0x10000) >> 10);
			units[n++] = 0xdc00u + (unsigned)((c - 0x10000) & 0x3ff);
		} else {
			units[n++] = (unsigned)c;
		}
		if (n >= sizeof(units) / sizeof(units[0]) - 1) {
			rc = KF_ETOOBIG;
			break;
		}
	}
	if (rc == 0)
		rc = b64_units(b, units, n);
	return rc == 0 ? buf_addch(b, '-') : rc;
}

int imap_folder_encode(const char *utf8, char *out, size_t cap)
{
	struct buf b = BUF_INIT;
	const unsigned char *s = (const unsigned char *)utf8;
	int rc = 0;
	b.max = IMAP_FOLDER_WIRE_MAX;
	while (*s && rc == 0) {
		if (*s < 0x20 || *s == 0x7f)
			rc = KF_EINVAL;
		else if (*s == '&') {
			rc = buf_adds(&b, "&-");
			s++;
		} else if (*s < 0x7f) {
			rc = buf_addch(&b, (char)*s);
			s++;
		} else {
			rc = encode_run(&s, &b);
		}
	}
	if (rc == 0 && str_copy(out, cap, b.p ? b.p : ""))
		rc = KF_ETOOBIG;
	buf_release(&b);
	return rc < 0 ? rc : 0;
}

/* Append the number at *p (advancing) to the array; 0 when there is none. */
static int read_number(const char **p, const char *end, int64_t *out)
{
	int64_t v = 0;
	int digits = 0;
	while (*p < end && **p >= '0' && **p <= '9' && digits < 18) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	*out = v;
	return digits > 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The UID a line gives: the numbers of "* SEARCH ...", or the UID item of "* n FETCH (... UID x ...)". */
static void line_uids(const char *p, const char *le, int64_t **v, size_t *k, size_t *cap)
{
	const char *q = NULL;
	int search = le - p >= 8 && strncasecmp(p, "* SEARCH", 8) == 0;
	if (search)
		q = p + 8;
	else if (le - p > 2 && p[0] == '*' && p[1] == ' ') {
		const char *open = memchr(p, '(', (size_t)(le - p));
		for (const char *u = open; u && u + 4 < le; u++)
			if ((u[-1] == '(' || u[-1] == ' ') && strncasecmp(u, "UID ", 4) == 0) {
				q = u + 4;
				break;
			}
	}
	while (q && q < le) {
		int64_t x;
		while (q < le && (*q == ' ' || *q == '\r'))
			q++;
		if (!read_number(&q, le, &x))
			break;
		if (*k == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			*v = xreallocarray(*v, *cap, sizeof(**v));
		}
		(*v)[(*k)++] = x;
		if (!search)
			break;
	}
}

int imap_parse_uids(const char *text, size_t len, int64_t **uids, size_t *n)
{
	const char *p = text, *end = text + len;
	size_t cap = 0, k = 0;
	int64_t *v = NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		line_uids(p, le, &v, &k, &cap);
		p = eol ? eol + 1 : end;
	}
	if (k > 1)
		qsort(v, k, sizeof(*v), cmp_i64);
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (m == 0 || v[m - 1] != v[i])
			v[m++] = v[i];
	*uids = v;
	*n = m;
	return 0;
}

int imap_parse_status(const char *text, size_t len, struct imap_status *out)
{
	const char *end = text + len;
	const char *p = text;
	memset(out, 0, sizeof(*out));
	while (p < end && !(end - p >= 8 && strncasecmp(p, "* STATUS", 8) == 0))
		p++;
	if (p >= end)
		return KF_EINVAL;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	const char *le = eol ? eol : end;
	const char *open = memchr(p, '(', (size_t)(le - p));
	if (!open)
		return KF_EINVAL;
	static const struct {
		const char *name;
		size_t off;
	} items[] = {
		{ "UIDVALIDITY", offsetof(struct imap_status, uidvalidity) },
		{ "UIDNEXT", offsetof(struct imap_status, uidnext) },
		{ "MESSAGES", offsetof(struct imap_status, messages) },
		{ "UNSEEN", offsetof(struct imap_status, unseen) },
	};
	for (const char *q = open + 1; q < le;) {
		while (q < le && *q == ' ')
			q++;
		const char *w = q;
		while (q < le && *q != ' ' && *q != ')')
			q++;
		size_t wl = (size_t)(q - w);
		while (q < le && *q == ' ')
			q++;
		int64_t v = 0;
		if (!read_number(&q, le, &v))
			break;
		for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
			if (strlen(items[i].name) == wl && strncasecmp(items[i].name, w, wl) == 0)
				*(int64_t *)((char *)out + items[i].off) = v;
	}
	return 0;
}

const char *imap_stage(const struct kf_error *err)
{
	static const struct {
		const char *key;
		const char *stage;
	} stages[] = {
		{ "imap_connect", "connect" }, { "imap_tls", "tls" },      { "imap_login", "login" },
		{ "imap_folder", "folder" },   { "imap_gone", "command" }, { "imap_command", "command" },
	};
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (strcmp(err->key, stages[i].key) == 0)
			return stages[i].stage;
	return "command";
}

/* --- the connection ------------------------------------------------------------------- */

static size_t on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct imap *im = arg;
	size_t n = size * nmemb;
	if (!im->sink)
		return n;
	if (im->sink->len + n > im->sink_max || buf_add(im->sink, data, n) < 0) {
		im->overflow = 1;
		return 0;
	}
	return n;
}

/* libcurl's progress callback: a nonzero answer aborts the transfer. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	const struct imap *im = arg;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return im->cancelled();
}

/* The error for curl's rc, at stage key when the code does not say better. */
static int fail(struct imap *im, CURLcode rc, const char *key, struct kf_error *err)
{
	const char *why = im->errbuf[0] ? im->errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
		key = "imap_connect";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		key = strcmp(key, "imap_login") == 0 ? "imap_connect" : key;
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		key = "imap_tls";
		break;
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
		/* SELECT refused is LOGIN_DENIED too: after the login it is the folder. */
		key = strcmp(key, "imap_login") == 0 ? key : "imap_folder";
		break;
	case CURLE_WRITE_ERROR:
		if (im->overflow)
			return kf_fail(err, KF_ETOOBIG, "mail_too_big", NULL,
			               "the message is larger than allowed");
		break;
	default:
		break;
	}
	return kf_fail(err, KF_EIO, key, NULL, "IMAP %s: %s", key + 5, why);
}

/* One exchange: url, with custom (NULL: curl's own FETCH); what the server sends goes to sink. */
static int perform(struct imap *im, const char *url, const char *custom, struct buf *sink, size_t max,
                   const char *key, struct kf_error *err)
{
	im->errbuf[0] = '\0';
	im->sink = sink;
	im->sink_max = max;
	im->overflow = 0;
	curl_easy_setopt(im->curl, CURLOPT_URL, url);
	curl_easy_setopt(im->curl, CURLOPT_CUSTOMREQUEST, custom);
	CURLcode rc = curl_easy_perform(im->curl);
	im->last = rc;
	im->sink = NULL;
	return rc == CURLE_OK ? 0 : fail(im, rc, key, err);
}

/* "imaps://host:port" for conf. */
static int base_url(const struct imap_conf *c, char *out, size_t cap)
{
	const char *scheme = strcmp(c->security, "tls") == 0 ? "imaps" : "imap";
	int v6 = strchr(c->host, ':') != NULL;
	int n = snprintf(out, cap, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", c->host, v6 ? "]" : "", c->port);
	return n > 0 && (size_t)n < cap ? 0 : KF_ETOOBIG;
}

static void set_options(struct imap *im, const struct imap_conf *c)
{
	CURL *h = im->curl;
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, im->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, im);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)c->timeout_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->timeout_s);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(h, CURLOPT_USE_SSL,
	                 strcmp(c->security, "starttls") == 0 ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
	curl_easy_setopt(h, CURLOPT_USERNAME, c->username ? c->username : "");
	if (c->password && c->password[0])
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	im->cancelled = c->cancelled;
	if (c->cancelled) {
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, im);
	}
}

int imap_open(const struct imap_conf *conf, struct imap **out, struct kf_error *err)
{
	struct buf caps = BUF_INIT;
	*out = NULL;
	struct imap *im = xcalloc(1, sizeof(*im));
	im->curl = curl_easy_init();
	if (!im->curl) {
		free(im);
		return kf_fail(err, KF_EIO, "imap_connect", NULL, "IMAP connect: cannot start libcurl");
	}
	if (base_url(conf, im->base, sizeof(im->base)) < 0) {
		imap_close(im);
		return kf_fail(err, KF_EINVAL, "invalid", "host", "host: too long");
	}
	set_options(im, conf);
	char url[HOST_URL_MAX + 2];
	snprintf(url, sizeof(url), "%s/", im->base);
	int rc = perform(im, url, "CAPABILITY", &caps, sizeof(im->caps) - 1, "imap_login", err);
	/* The password stays with curl for reconnects; caps is what the server offers now. */
	if (rc == 0) {
		str_copy(im->caps, sizeof(im->caps), caps.p ? caps.p : "");
		for (char *c = im->caps; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
		*out = im;
	} else {
		imap_close(im);
	}
	buf_release(&caps);
	return rc;
}

void imap_close(struct imap *im)
{
	if (!im)
		return;
	if (im->curl)
		curl_easy_cleanup(im->curl);
	free(im);
}

int imap_has(const struct imap *im, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = im->caps; (p = strstr(p, name)) != NULL; p += n) {
		int start = p == im->caps || p[-1] == ' ';
		int end = p[n] == '\0' || p[n] == ' ' || p[n] == '\r' || p[n] == '\n';
		if (start && end)
			return 1;
	}
	return 0;
}

/* folder as an IMAP quoted string in modified UTF-7 ("INBOX"). */
static int folder_quoted(const char *folder, char *out, size_t cap, struct kf_error *err)
{
	char wire[IMAP_FOLDER_WIRE_MAX + 1];
	if (imap_folder_encode(folder, wire, sizeof(wire)) < 0 || strpbrk(wire, "\"\\%"))
		return kf_fail(err, KF_EINVAL, "invalid", "folder", "folder: not a folder name IMAP can carry");
	int n = snprintf(out, cap, "\"%s\"", wire);
	return n > 0 && (size_t)n < cap ? 0 : kf_fail(err, KF_EINVAL, "invalid", "folder", "folder: too long");
}

/* The URL of folder (checked against uidvalidity), and of message uid in it when uid > 0. */
static int folder_url(const struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, char *out,
                      size_t cap, struct kf_error *err)
{
	char wire[IMAP_FOLDER_WIRE_MAX + 1];
	struct buf b = BUF_INIT;
	if (imap_folder_encode(folder, wire, sizeof(wire)) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "folder", "folder: not a folder name IMAP can carry");
	int rc = buf_addf(&b, "%s/", im->base);
	for (const unsigned char *p = (const unsigned char *)wire; *p && rc == 0; p++)
		rc = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		                *p == '-' || *p == '.' || *p == '_' || *p == '~'
		        ? buf_addch(&b, (char)*p)
		        : buf_addf(&b, "%%%02X", *p);
	if (rc == 0 && uidvalidity > 0)
		rc = buf_addf(&b, ";UIDVALIDITY=%lld", (long long)uidvalidity);
	if (rc == 0 && uid > 0)
		rc = buf_addf(&b, "/;UID=%lld", (long long)uid);
	if (rc == 0 && str_copy(out, cap, b.p))
		rc = KF_ETOOBIG;
	buf_release(&b);
	return rc < 0 ? kf_fail(err, KF_EINVAL, "invalid", "folder", "folder: too long") : 0;
}

int imap_status(struct imap *im, const char *folder, struct imap_status *out, struct kf_error *err)
{
	char q[CMD_MAX], cmd[CMD_MAX + 64], url[HOST_URL_MAX + 2];
	struct buf b = BUF_INIT;
	int rc = folder_quoted(folder, q, sizeof(q), err);
	if (rc < 0)
		return rc;
	snprintf(cmd, sizeof(cmd), "STATUS %s (UIDVALIDITY UIDNEXT MESSAGES UNSEEN)", q);
	snprintf(url, sizeof(url), "%s/", im->base);
	rc = perform(im, url, cmd, &b, 64 * 1024, "imap_folder", err);
	if (rc == 0 && (!b.p || imap_parse_status(b.p, b.len, out) < 0 || out->uidvalidity <= 0))
		rc = kf_fail(err, KF_EIO, "imap_folder", "folder",
		             "IMAP folder: the server gave no UIDVALIDITY");
	buf_release(&b);
	return rc;
}

int imap_noop(struct imap *im, const char *folder, int64_t uidvalidity, struct kf_error *err)
{
	char url[URL_MAX];
	int rc = folder_url(im, folder, uidvalidity, 0, url, sizeof(url), err);
	return rc < 0 ? rc : perform(im, url, "NOOP", NULL, 0, "imap_command", err);
}

int imap_search(struct imap *im, const char *folder, int64_t uidvalidity, const char *criteria,
                int64_t **uids, size_t *n, struct kf_error *err)
{
	char url[URL_MAX], cmd[256];
	struct buf b = BUF_INIT;
	*uids = NULL;
	*n = 0;
	int rc = folder_url(im, folder, uidvalidity, 0, url, sizeof(url), err);
	if (rc < 0)
		return rc;
	snprintf(cmd, sizeof(cmd), "UID SEARCH %s", criteria);
	rc = perform(im, url, cmd, &b, IMAP_SEARCH_MAX, "imap_command", err);
	if (rc == KF_ETOOBIG)
		rc = kf_fail(err, KF_EIO, "imap_command", NULL, "IMAP command: the search answer is too long");
	if (rc == 0)
		rc = imap_parse_uids(b.p ? b.p : "", b.len, uids, n);
	buf_release(&b);
	return rc;
}

int imap_fetch(struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, size_t max_bytes,
               struct buf *out, struct kf_error *err)
{
	char url[URL_MAX];
	buf_reset(out);
	int rc = folder_url(im, folder, uidvalidity, uid, url, sizeof(url), err);
	if (rc < 0)
		return rc;
	rc = perform(im, url, NULL, out, max_bytes, "imap_command", err);
	/* The server answered OK without the message (expunged meanwhile); not a timeout or a lost line. */
	if (rc == KF_EIO && im->last == CURLE_REMOTE_FILE_NOT_FOUND && out->len == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "imap_gone", NULL, "IMAP: message %lld is no longer there",
		             (long long)uid);
	return rc;
}

/* A command about uid in folder: fmt has one %lld (the UID) and, with arg, one %s after it. */
static int uid_command(struct imap *im, const char *folder, int64_t uidvalidity, const char *fmt, int64_t uid,
                       const char *arg, struct kf_error *err)
{
	char url[URL_MAX], cmd[CMD_MAX + 64];
	int rc = folder_url(im, folder, uidvalidity, 0, url, sizeof(url), err);
	if (rc < 0)
		return rc;
	snprintf(cmd, sizeof(cmd), fmt, (long long)uid, arg ? arg : "");
	return perform(im, url, cmd, NULL, 0, "imap_command", err);
}

int imap_flag(struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, const char *flags,
              struct kf_error *err)
{
	return uid_command(im, folder, uidvalidity, "UID STORE %lld +FLAGS.SILENT (%s)", uid, flags, err);
}

static int expunge_all(struct imap *im, const char *folder, int64_t uidvalidity, struct kf_error *err)
{
	char url[URL_MAX];
	int rc = folder_url(im, folder, uidvalidity, 0, url, sizeof(url), err);
	return rc < 0 ? rc : perform(im, url, "EXPUNGE", NULL, 0, "imap_command", err);
}

int imap_delete(struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, struct kf_error *err)
{
	int rc = imap_flag(im, folder, uidvalidity, uid, "\\Deleted", err);
	if (rc == 0 && imap_has(im, "UIDPLUS"))
		rc = uid_command(im, folder, uidvalidity, "UID EXPUNGE %lld%s", uid, NULL, err);
	else if (rc == 0) /* without UIDPLUS: every \Deleted message of the folder goes */
		rc = expunge_all(im, folder, uidvalidity, err);
	return rc;
}

int imap_move(struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, const char *dest,
              struct kf_error *err)
{
	char q[CMD_MAX];
	int rc = folder_quoted(dest, q, sizeof(q), err);
	if (rc < 0)
		return rc;
	if (imap_has(im, "MOVE"))
		return uid_command(im, folder, uidvalidity, "UID MOVE %lld %s", uid, q, err);
	rc = uid_command(im, folder, uidvalidity, "UID COPY %lld %s", uid, q, err);
	return rc == 0 ? imap_delete(im, folder, uidvalidity, uid, err) : rc;
}
