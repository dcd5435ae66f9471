/*
 * smtp.h - handing a mail to the configured relay, through libcurl.
 *
 * security "none": smtp://host:port; "starttls": smtp:// with STARTTLS
 * required (CURLUSESSL_ALL), so a relay that does not offer it fails
 * rather than receiving the password in clear; "tls": smtps://.  Login
 * when a user name is set.  The certificate is verified, against the
 * system's CA bundle or the one SSL_CERT_FILE names (OpenSSL's variable,
 * for a relay with a private CA).
 *
 * One struct smtp_client per sending thread: its curl handle is reused
 * across messages, so a run of mails to one relay shares one connection.
 *
 * A result says what the sender does next: SMTP_SENT (the relay took it),
 * SMTP_TEMPORARY (try again later: 4xx, the relay unreachable, a timeout,
 * TLS or login failing -- a configuration an admin fixes, so the outbox
 * survives it) or SMTP_PERMANENT (5xx to the envelope or the data: the
 * relay will never take this mail).  The relay's last reply line (or
 * curl's error) goes to the caller's buffer.
 */
#ifndef KF_SMTP_H
#define KF_SMTP_H

#include <stddef.h>

#define SMTP_REPLY_MAX 512 /* bytes of a reply line kept */

/* Where and how to send (borrowed). */
struct smtp_relay {
	const char *host;
	int port;
	const char *security; /* tls, starttls, none */
	const char *username; /* "" = no login */
	const char *password; /* NULL = none */
	const char *helo; /* the domain announced in EHLO (the support address's) */
	int timeout_s; /* a whole exchange at most (config mail_timeout) */
};

enum smtp_result {
	SMTP_SENT = 0,
	SMTP_TEMPORARY = 1,
	SMTP_PERMANENT = 2,
};

struct smtp_client;

struct smtp_client *smtp_client_new(void);
void smtp_client_free(struct smtp_client *c); /* NULL-safe */

/*
 * Send data (len bytes, CRLF lines) from envelope sender mail_from to the
 * nrcpt addresses of rcpt; every recipient must be accepted.  reply gets
 * the relay's last reply line (n bytes).
 */
enum smtp_result smtp_send(struct smtp_client *c, const struct smtp_relay *r, const char *mail_from,
                           const char *const *rcpt, int nrcpt, const char *data, size_t len, char *reply,
                           size_t n);

/*
 * Connect, secure and log in, then NOOP: 1 when all of it worked, else 0.
 * stage gets the step reached or failed ("connect", "tls", "auth", "smtp",
 * "done"), message a line for the admin (n bytes).
 */
int smtp_test(const struct smtp_relay *r, char stage[16], char *message, size_t n);

#endif
