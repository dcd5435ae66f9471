/*
 * config.h - kefu's settings, from three places in rising precedence:
 * a config file (key = value lines, # comments), KEFU_* environment
 * variables, and command-line flags (--key value or --key=value).  One
 * table of keys serves all three, so a key has one name, one type, one
 * range and one line of help.  Unknown keys and bad values are errors
 * naming the key and where it came from (file:line, variable or flag).
 */
#ifndef KF_CONFIG_H
#define KF_CONFIG_H

#include <stdio.h>

#include "base/err.h"

#define CONFIG_STR_MAX 1024

struct kf_config {
	char db[CONFIG_STR_MAX]; /* database URL or SQLite path */
	char addr[64]; /* listen address */
	int port; /* listen port (0 = any free port) */
	int workers; /* HTTP worker threads (0 = one per core) */
	int batch_writers; /* group-commit writer threads (http/batch.h); 0 = off */
	char web_dir[CONFIG_STR_MAX]; /* serve web/ from disk (development) */
	int sync_full; /* SQLite synchronous=FULL (1) or NORMAL (0) */
	int access_log; /* one log line per request */
	int max_body; /* request body cap, bytes */
	int request_timeout; /* seconds a request may take to arrive */
	int session_ttl; /* session idle timeout, seconds (sliding) */
	int session_max_age; /* session absolute lifetime from sign-in, seconds */
	int header_timeout; /* seconds a request line and headers may take to arrive */
	int stream_heartbeat; /* seconds between heartbeats on an idle event stream */
	int stream_buffer_kib; /* events waiting for one stream client before it must reconnect */
	int max_conns_per_addr; /* open connections per client address (0 = no limit) */
	int max_connections; /* open connections in all */
	int secure_cookies; /* mark cookies Secure (behind TLS) */
	int login_max_per_account; /* failed sign-ins per account from one address before delays */
	int login_max_per_addr; /* failed sign-ins per address (any account) before delays */
	int login_max_account_wide; /* failed sign-ins per account (any address) before delays */
	int login_max_delay; /* longest sign-in delay, seconds */
	int login_window; /* throttling window, seconds */
	int track_rate; /* public tracking lookups per minute per address (0 = no limit) */
	int track_burst; /* ... of which this many at once */
	int test_clock; /* tests only: POST /api/v1/test/clock and /api/v1/test/tick exist */
	int event_retention_days; /* events older than this are pruned once every consumer has passed them */
	char public_url[CONFIG_STR_MAX]; /* where customers reach kefu: links in mail (survey) start with it */
	char secret_key_file[CONFIG_STR_MAX]; /* 32-byte key sealing stored passwords (auth/secret.h) */
	int mail_senders; /* threads sending the mail outbox (channels/mail_out.h); 0 = none */
	int imap_fetch; /* fetch the configured IMAP mailboxes (channels/imap.h) */
	int mail_timeout; /* seconds an SMTP or IMAP exchange may take */
	char log_level[16]; /* debug, info, warn, error */
};

/* Fill the defaults. */
void config_defaults(struct kf_config *c);
/* Set one key from text; where names the source for messages ("kefu.conf:3"). */
int config_set(struct kf_config *c, const char *key, const char *value, const char *where,
               struct kf_error *err);
/* Read a config file; a missing file is an error. */
int config_load_file(struct kf_config *c, const char *path, struct kf_error *err);
/* Apply KEFU_* variables from envp (KEFU_CONFIG itself is skipped). */
int config_load_env(struct kf_config *c, char *const *envp, struct kf_error *err);
/* Whether "--name" (without dashes, '-' or '_') is a config flag. */
int config_is_key(const char *name);
/* Print every key with its default and help. */
void config_print_help(FILE *f);

#endif
