/*
 * smtp.c - see smtp.h.
 *
 * libcurl speaks SMTP as an upload: CURLOPT_MAIL_FROM, CURLOPT_MAIL_RCPT,
 * the message through a read callback (curl does the dot-stuffing and the
 * final "."), the EHLO domain as the URL's path.  The relay's reply lines
 * reach the debug callback as CURLINFO_HEADER_IN; the last one is kept so
 * the outbox can show what the relay said ("550 5.1.1 <x@y>: Recipient
 * address rejected").
 */
#include "channels/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/xalloc.h"

#define URL_MAX 512

struct smtp_client {
	CURL *curl; /* reused: its connection cache keeps the relay's connection */
};

/* The message being uploaded and the reply being captured (one exchange). */
struct exchange {
	const char *data;
	size_t len;
	size_t off; /* bytes handed to curl so far */
	char reply[SMTP_REPLY_MAX]; /* the relay's last reply line */
	char refusal[SMTP_REPLY_MAX]; /* its last 4xx/5xx line (the QUIT after a refusal answers 221) */
	int auth_offered; /* the EHLO answer listed AUTH */
	char error[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct smtp_client *smtp_client_new(void)
{
	pthread_once(&curl_once, curl_setup);
	struct smtp_client *c = xcalloc(1, sizeof(*c));
	c->curl = curl_easy_init();
	return c;
}

void smtp_client_free(struct smtp_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c);
}

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct exchange *x = arg;
	size_t room = size * nitems, left = x->len - x->off;
	size_t n = left < room ? left : room;
	memcpy(buf, x->data + x->off, n);
	x->off += n;
	return n;
}

static size_t discard_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	(void)buf;
	(void)arg;
	return size * nitems;
}

/* Keep the relay's last reply line (without CRLF). */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	(void)h;
	struct exchange *x = arg;
	if (type != CURLINFO_HEADER_IN || size == 0)
		return 0;
	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	size_t n = size < sizeof(x->reply) - 1 ? size : sizeof(x->reply) - 1;
	memcpy(x->reply, data, n);
	x->reply[n] = '\0';
	if (data[0] == '4' || data[0] == '5')
		memcpy(x->refusal, x->reply, n + 1);
	if (n >= 8 && strncmp(x->reply, "250", 3) == 0 && strncasecmp(x->reply + 4, "AUTH", 4) == 0)
		x->auth_offered = 1;
	return 0;
}

/* The options of every exchange with relay r. */
static void relay_options(CURL *h, const struct smtp_relay *r, struct exchange *x)
{
	char url[URL_MAX];
	int tls = strcmp(r->security, "tls") == 0;
	snprintf(url, sizeof(url), "%s://%s:%d/%s", tls ? "smtps" : "smtp", r->host, r->port,
	         r->helo && r->helo[0] ? r->helo : "localhost");
	curl_easy_setopt(h, CURLOPT_URL, url);
	const char *ca = getenv("SSL_CERT_FILE"); /* OpenSSL's convention for a private CA bundle */
	if (ca && ca[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	curl_easy_setopt(h, CURLOPT_USE_SSL,
	                 strcmp(r->security, "starttls") == 0 ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (r->username && r->username[0]) {
		curl_easy_setopt(h, CURLOPT_USERNAME, r->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, r->password ? r->password : "");
	} else {
		curl_easy_setopt(h, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(h, CURLOPT_PASSWORD, NULL);
	}
	long t = r->timeout_s > 0 ? r->timeout_s : 60;
	curl_easy_setopt(h, CURLOPT_TIMEOUT, t);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, t < 30 ? t : 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* reply lines reach debug_cb; nothing is printed */
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->error);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_cb);
}

/* What a failed exchange means for the mail. */
static enum smtp_result classify(CURL *h, CURLcode rc)
{
	long code = 0;
	if (rc == CURLE_OK)
		return SMTP_SENT;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	/* The relay's configuration, not this mail: login refused or required, TLS required (RFC 4954, 3207). */
	if (rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED || code == 530 || code == 535 || code == 538)
		return SMTP_TEMPORARY;
	if (code >= 500 && code < 600 &&
	    (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_WEIRD_SERVER_REPLY ||
	     rc == CURLE_UPLOAD_FAILED))
		return SMTP_PERMANENT;
	return SMTP_TEMPORARY;
}

static void reply_out(const struct exchange *x, CURLcode rc, char *reply, size_t n)
{
	if (rc == CURLE_OK)
		str_copy(reply, n, x->reply);
	else if (x->refusal[0])
		str_copy(reply, n, x->refusal);
	else
		snprintf(reply, n, "%s", x->error[0] ? x->error : curl_easy_strerror(rc));
}

enum smtp_result smtp_send(struct smtp_client *c, const struct smtp_relay *r, const char *mail_from,
                           const char *const *rcpt, int nrcpt, const char *data, size_t len, char *reply,
                           size_t n)
{
	struct exchange x = { .data = data, .len = len };
	struct curl_slist *to = NULL;
	char from[320];
	snprintf(from, sizeof(from), "<%s>", mail_from);
	for (int i = 0; i < nrcpt; i++) {
		char a[320];
		snprintf(a, sizeof(a), "<%s>", rcpt[i]);
		to = curl_slist_append(to, a);
	}
	CURL *h = c->curl;
	relay_options(h, r, &x);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &x);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	CURLcode rc = curl_easy_perform(h);
	enum smtp_result res = classify(h, rc);
	reply_out(&x, rc, reply, n);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(to);
	return res;
}

static const char *stage_of(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return "done";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
		return "connect";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_USE_SSL_FAILED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return "tls";
	case CURLE_LOGIN_DENIED:
		return "auth";
	default:
		return "smtp";
	}
}

int smtp_test(const struct smtp_relay *r, char stage[16], char *message, size_t n)
{
	pthread_once(&curl_once, curl_setup);
	struct exchange x = { 0 };
	CURL *h = curl_easy_init();
	relay_options(h, r, &x);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "NOOP");
	CURLcode rc = curl_easy_perform(h);
	int ok = rc == CURLE_OK;
	str_copy(stage, 16, stage_of(rc));
	if (ok && r->username && r->username[0] && !x.auth_offered) {
		ok = 0; /* curl goes on without a login the relay does not offer: say so */
		str_copy(stage, 16, "auth");
		snprintf(message, n, "the relay offers no login on this connection (try starttls or tls)");
	} else if (ok) {
		snprintf(message, n, "%s", x.reply[0] ? x.reply : "the relay answered");
	} else {
		reply_out(&x, rc, message, n);
	}
	curl_easy_cleanup(h);
	return ok;
}
