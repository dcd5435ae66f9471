/*
 * cmd_mail.c - kefu mail receive: the MTA's side of the inbound channel.
 * Reads one raw RFC 5322 message on standard input and hands it to a
 * running kefu (POST /api/v1/mail/inbound) with the inbound token, the way
 * Postfix's pipe transport or an alias hands mail to RT's mailgate:
 *
 *   support  unix  -  n  n  -  -  pipe
 *     flags=DRhu user=kefu argv=/usr/bin/kefu mail receive --url http://127.0.0.1:8080
 *
 * The exit status follows sysexits.h, so the MTA retries a temporary
 * failure (kefu down or busy) and bounces only a permanent one:
 *   0  EX_OK        stored, or a duplicate / dropped mail (nothing to retry)
 *   64 EX_USAGE     bad command line
 *   65 EX_DATAERR   the mail cannot be read, or is larger than allowed (400, 413)
 *   75 EX_TEMPFAIL  kefu unreachable, 5xx, 429, 503, a timeout
 *   77 EX_NOPERM    the token was refused (401, 403)
 *   78 EX_CONFIG    no token (KEFU_MAIL_TOKEN or --token-file)
 * On failure one line on standard error says why.
 */
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "base/buf.h"
#include "base/limits.h"
#include "cli/cli.h"

#define MAIL_RECEIVE_MAX_DEFAULT (100LL * 1024 * 1024) /* the largest mail_settings.max_message_bytes */
#define MAIL_TOKEN_FILE_MAX 256 /* bytes of a token file */
#define MAIL_ANSWER_MAX 4096 /* bytes of kefu's answer kept for the message */

struct receive_opts {
	const char *url; /* kefu's base URL */
	const char *token_file;
	const char *mailbox;
	const char *max_bytes;
	const char *timeout;
};

/* The token from KEFU_MAIL_TOKEN or the first line of path into out; 0 or -1. */
static int token_read(const char *path, char *out, size_t n)
{
	const char *env = getenv("KEFU_MAIL_TOKEN");
	if (!path && env && *env) {
		snprintf(out, n, "%s", env);
		return 0;
	}
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return -1;
	size_t got = fread(out, 1, n - 1, f);
	fclose(f);
	out[got] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] ? 0 : -1;
}

/* Standard input into b, at most max + 1 bytes (so that "more than max" is seen); 0 or -1. */
static int stdin_read(struct buf *b, size_t max)
{
	char chunk[65536];
	b->max = max + 1 + sizeof(chunk);
	for (;;) {
		size_t n = fread(chunk, 1, sizeof(chunk), stdin);
		if (n > 0 && buf_add(b, chunk, n) < 0)
			return -1;
		if (b->len > max)
			return 0;
		if (n < sizeof(chunk))
			return ferror(stdin) ? -1 : 0;
	}
}

static size_t answer_keep(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;
	if (b->len + n <= MAIL_ANSWER_MAX)
		buf_add(b, data, n);
	return n;
}

/* The exit status for an HTTP status. */
static int status_exit(long status)
{
	if (status >= 200 && status < 300)
		return EX_OK;
	if (status == 401 || status == 403)
		return EX_NOPERM;
	if (status == 400 || status == 413 || status == 415 || status == 422)
		return EX_DATAERR;
	return EX_TEMPFAIL; /* 404 (not a kefu?), 408, 429, 5xx: try again later */
}

/* POST the mail; *status the HTTP status (0 when none came), answer kefu's body. */
static CURLcode post(const struct receive_opts *o, const char *token, const struct buf *mail, long *status,
                     struct buf *answer)
{
	char url[2048], auth[512];
	const char *base = o->url ? o->url : "http://127.0.0.1:8080";
	size_t bl = strlen(base);
	snprintf(url, sizeof(url), "%.*s/api/v1/mail/inbound%s%s",
	         (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base, o->mailbox ? "?mailbox=" : "",
	         o->mailbox ? o->mailbox : "");
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	struct curl_slist *h = curl_slist_append(NULL, auth);
	h = curl_slist_append(h, "Content-Type: message/rfc822");
	h = curl_slist_append(h, "Expect:");
	CURL *c = curl_easy_init();
	CURLcode rc = CURLE_FAILED_INIT;
	*status = 0;
	if (c) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, mail->p ? mail->p : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)mail->len);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, answer_keep);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, answer);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout ? strtol(o->timeout, NULL, 10) : 120L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		rc = curl_easy_perform(c);
		if (rc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		curl_easy_cleanup(c);
	}
	curl_slist_free_all(h);
	return rc;
}

/* kefu's error message from its answer, or the answer's start. */
static void answer_line(const struct buf *answer, char *out, size_t n)
{
	json_t *j = json_loads(buf_cstr(answer), 0, NULL);
	const char *msg = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	snprintf(out, n, "%s", msg ? msg : buf_cstr(answer));
	out[strcspn(out, "\r\n")] = '\0';
	json_decref(j);
}

static int receive(const struct receive_opts *o)
{
	char token[MAIL_TOKEN_FILE_MAX], why[512];
	struct buf mail = BUF_INIT, answer = BUF_INIT;
	long status = 0;
	long long max = o->max_bytes ? strtoll(o->max_bytes, NULL, 10) : MAIL_RECEIVE_MAX_DEFAULT;
	int rc = EX_OK;
	if (max <= 0 || max > MAIL_RECEIVE_MAX_DEFAULT) {
		fprintf(stderr, "kefu mail receive: --max-bytes must be 1 to %lld\n", MAIL_RECEIVE_MAX_DEFAULT);
		return EX_USAGE;
	}
	if (token_read(o->token_file, token, sizeof(token)) < 0) {
		fprintf(stderr, "kefu mail receive: no token: set KEFU_MAIL_TOKEN or give --token-file\n");
		return EX_CONFIG;
	}
	if (stdin_read(&mail, (size_t)max) < 0) {
		fprintf(stderr, "kefu mail receive: cannot read the mail from standard input\n");
		rc = EX_TEMPFAIL;
	} else if (mail.len > (size_t)max) {
		fprintf(stderr, "kefu mail receive: the mail is larger than %lld bytes\n", max);
		rc = EX_DATAERR;
	} else if (mail.len == 0) {
		fprintf(stderr, "kefu mail receive: standard input is empty\n");
		rc = EX_DATAERR;
	} else {
		CURLcode cr = post(o, token, &mail, &status, &answer);
		rc = cr != CURLE_OK ? EX_TEMPFAIL : status_exit(status);
		if (cr != CURLE_OK)
			fprintf(stderr, "kefu mail receive: kefu is not reachable: %s\n",
			        curl_easy_strerror(cr));
		else if (rc != EX_OK) {
			answer_line(&answer, why, sizeof(why));
			fprintf(stderr, "kefu mail receive: kefu answered %ld: %s\n", status, why);
		}
	}
	memset(token, 0, sizeof(token));
	buf_release(&mail);
	buf_release(&answer);
	return rc;
}

static const char usage_text[] =
        "usage: kefu mail receive [--url URL] [--token-file FILE] [--mailbox ID] [--max-bytes N] [--timeout S]\n"
        "  reads one raw mail on standard input and hands it to kefu (POST /api/v1/mail/inbound)\n"
        "  --url URL          kefu's address (default http://127.0.0.1:8080)\n"
        "  --token-file FILE  file holding the inbound token (else the KEFU_MAIL_TOKEN environment variable)\n"
        "  --mailbox ID       the mailbox id the mail arrived in\n"
        "  --max-bytes N      refuse larger mail (default 104857600)\n"
        "  --timeout S        seconds to wait for kefu (default 120)\n"
        "exit status (sysexits.h): 0 stored or duplicate, 64 usage, 65 unreadable or too large,\n"
        "  75 temporary failure (retry), 77 token refused, 78 no token\n";

/* Where the value of flag name goes, or NULL for an unknown flag. */
static const char **flag_slot(struct receive_opts *o, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t offset;
	} slots[] = {
		{ "url", offsetof(struct receive_opts, url) },
		{ "token-file", offsetof(struct receive_opts, token_file) },
		{ "mailbox", offsetof(struct receive_opts, mailbox) },
		{ "max-bytes", offsetof(struct receive_opts, max_bytes) },
		{ "timeout", offsetof(struct receive_opts, timeout) },
	};
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (strlen(slots[i].name) == n && strncmp(slots[i].name, name, n) == 0)
			return (const char **)((char *)o + slots[i].offset);
	return NULL;
}

/*
 * The flags after "receive" (--name VALUE or --name=VALUE).  No
 * configuration file and no database: the MTA runs this as any user, and
 * KEFU_* settings of the server are none of its business.
 */
static int parse_flags(int argc, char **argv, struct receive_opts *o)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return fputs(usage_text, stdout), 1;
		if (strncmp(a, "--", 2) != 0)
			return fprintf(stderr, "kefu mail receive: unexpected argument '%s'\n%s", a,
			               usage_text),
			       -1;
		const char *eq = strchr(a + 2, '=');
		const char **slot = flag_slot(o, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (!slot)
			return fprintf(stderr, "kefu mail receive: unknown option '%s'\n%s", a, usage_text), -1;
		if (!eq && i + 1 >= argc)
			return fprintf(stderr, "kefu mail receive: %s needs a value\n", a), -1;
		*slot = eq ? eq + 1 : argv[++i];
	}
	return 0;
}

int cmd_mail(int argc, char **argv)
{
	struct receive_opts o = { 0 };
	if (argc < 2 || strcmp(argv[1], "receive") != 0) {
		fputs(usage_text, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc >= 2 && strcmp(argv[1], "--help") == 0 ? EX_OK : EX_USAGE;
	}
	int rc = parse_flags(argc - 2, argv + 2, &o);
	if (rc != 0)
		return rc > 0 ? EX_OK : EX_USAGE;
	if (o.mailbox && (!*o.mailbox || strspn(o.mailbox, "0123456789") != strlen(o.mailbox))) {
		fprintf(stderr, "kefu mail receive: --mailbox must be a mailbox id\n");
		return EX_USAGE;
	}
	if (o.timeout && (!*o.timeout || strspn(o.timeout, "0123456789") != strlen(o.timeout))) {
		fprintf(stderr, "kefu mail receive: --timeout must be whole seconds\n");
		return EX_USAGE;
	}
	return receive(&o);
}
