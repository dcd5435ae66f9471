/*
 * config.c - see config.h.
 */
#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/str.h"

enum key_type { KEY_STR, KEY_INT, KEY_BOOL };

struct key {
	const char *name; /* key in files; KEFU_<NAME> in the environment; --name as a flag */
	enum key_type type; /* how the text is read */
	size_t offset; /* where it lives in struct kf_config */
	size_t size; /* KEY_STR: buffer size */
	long min, max; /* KEY_INT: allowed range */
	const char *help; /* one line */
};

#define S(f, h) \
	{ \
#f, KEY_STR, offsetof(struct kf_config, f), sizeof(((struct kf_config *)0)->f), 0, 0, h \
	}
#define I(f, lo, hi, h) \
	{ \
#f, KEY_INT, offsetof(struct kf_config, f), 0, lo, hi, h \
	}
#define B(f, h) \
	{ \
#f, KEY_BOOL, offsetof(struct kf_config, f), 0, 0, 1, h \
	}

static const struct key keys[] = {
	S(db, "database: a SQLite file path, sqlite:PATH, or postgresql://user@host/db"),
	S(addr, "address to listen on"),
	I(port, 0, 65535, "port to listen on (0 = any free port)"),
	I(workers, 0, 256, "HTTP worker threads (0 = one per core)"),
	I(batch_writers, 0, 8, "writer threads that commit ticket and message writes in batches (0 = off)"),
	S(web_dir, "serve the web UI from this directory instead of the built-in copy"),
	B(sync_full, "SQLite synchronous=FULL: an acknowledged write survives power loss"),
	B(access_log, "write one JSON line per request to stderr"),
	I(max_body, 1024, 64L * 1024 * 1024, "largest request body in bytes (413 above)"),
	I(request_timeout, 1, 3600, "seconds a request may take to arrive (408 after)"),
	I(session_ttl, 60, 90L * 24 * 3600, "session idle timeout in seconds: a session unused this long ends"),
	I(session_max_age, 1, 90L * 24 * 3600,
	  "session lifetime in seconds from sign-in, however much it is used"),
	I(header_timeout, 1, 600,
	  "seconds a request line and headers may take to arrive (connection closed after)"),
	I(max_conns_per_addr, 0, 100000, "open connections per client address (0 = no limit)"),
	I(max_connections, 16, 1000000, "open connections in all (also bounded by the open-file limit)"),
	B(secure_cookies, "mark cookies Secure (set when kefu runs behind TLS)"),
	I(login_max_per_account, 1, 1000, "failed sign-ins on one account from one address before delays start"),
	I(login_max_per_addr, 1, 100000, "failed sign-ins from one address, any account, before it is slowed"),
	I(login_max_account_wide, 1, 1000000,
	  "failed sign-ins on one account, any address, before it is slowed at addresses it never used"),
	I(login_max_delay, 1, 86400, "longest sign-in delay in seconds (delays double from 1 s)"),
	I(track_rate, 0, 1000000,
	  "public tracking lookups allowed per minute per client address (0 = no limit)"),
	I(track_burst, 1, 1000000,
	  "public tracking lookups one address may make at once before the rate applies"),
	I(stream_buffer_kib, 1, 65536,
	  "KiB of events waiting for one slow stream client before it is told to reconnect"),
	I(stream_heartbeat, 1, 3600,
	  "seconds between heartbeat comments on an idle event stream (GET /api/v1/stream)"),
	I(event_retention_days, 1, 36500,
	  "days events are kept (pruned only once every durable consumer has passed them)"),
	I(login_window, 1, 86400, "login throttling window in seconds: older failures are forgotten"),
	S(log_level, "debug, info, warn or error"),
	S(public_url,
	  "the address customers reach kefu at (https://help.shop.cn), for links in mail; "
	  "default http://ADDR:PORT of this server"),
	S(secret_key_file,
	  "file holding the 32-byte key (64 hex digits) that seals stored mail passwords; "
	  "default for a SQLite database: DB.key, made on first use"),
	I(mail_senders, 0, 16, "threads sending queued outgoing mail through the relay (0 = none)"),
	B(imap_fetch, "fetch the IMAP mailboxes configured in the admin UI"),
	I(mail_timeout, 1, 3600, "seconds one SMTP or IMAP exchange may take"),
	B(test_clock,
	  "tests only: admins may set the server's clock and run scheduler passes "
	  "(POST /api/v1/test/clock, /api/v1/test/tick); never in production"),
};

void config_defaults(struct kf_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->db, sizeof(c->db), "kefu.db");
	snprintf(c->addr, sizeof(c->addr), "127.0.0.1");
	c->port = 8080;
	c->sync_full = 1;
	c->batch_writers = 2;
	c->access_log = 1;
	c->max_body = KF_MAX_BODY_BYTES;
	c->request_timeout = KF_REQUEST_TIMEOUT_S;
	c->session_ttl = 2 * 3600;
	c->session_max_age = 12 * 3600;
	c->header_timeout = KF_HEADER_TIMEOUT_S;
	c->max_conns_per_addr = KF_MAX_CONNS_PER_ADDR;
	c->max_connections = KF_MAX_CONNECTIONS;
	c->login_max_per_account = 5;
	c->login_max_per_addr = 50;
	c->login_max_account_wide = 100;
	c->login_max_delay = 300;
	c->track_rate = 60;
	c->track_burst = 20;
	c->event_retention_days = 30;
	c->mail_senders = 1;
	c->imap_fetch = 1;
	c->mail_timeout = 60;
	c->login_window = 15 * 60;
	c->stream_heartbeat = 15;
	c->stream_buffer_kib = 256;
	snprintf(c->log_level, sizeof(c->log_level), "info");
}

/* Keys match with '-' and '_' treated alike, case-insensitively (for the environment). */
static char key_char(char c)
{
	return c == '-' ? '_' : (char)tolower((unsigned char)c);
}

static int key_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (key_char(*a) != key_char(*b))
			return 0;
	return *a == *b;
}

static const struct key *key_find(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_eq(keys[i].name, name))
			return &keys[i];
	return NULL;
}

int config_is_key(const char *name)
{
	return key_find(name) != NULL;
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" }, *const no[] = { "0", "false", "no", "off" };
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int set_int(const struct key *k, void *field, const char *value, const char *where, struct kf_error *err)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < k->min || v > k->max)
		return kf_fail(err, KF_EINVAL, "invalid", k->name,
		               "%s: %s must be an integer from %ld to %ld, not '%s'", where, k->name, k->min,
		               k->max, value);
	*(int *)field = (int)v;
	return 0;
}

static int check_special(const char *key, const char *value, const char *where, struct kf_error *err)
{
	static const char *const levels[] = { "debug", "info", "warn", "error", NULL };
	if (strcmp(key, "log_level") != 0)
		return 0;
	for (const char *const *l = levels; *l; l++)
		if (strcmp(*l, value) == 0)
			return 0;
	return kf_fail(err, KF_EINVAL, "invalid", key,
	               "%s: log_level must be debug, info, warn or error, not '%s'", where, value);
}

int config_set(struct kf_config *c, const char *key, const char *value, const char *where, struct kf_error *err)
{
	const struct key *k = key_find(key);
	if (!k)
		return kf_fail(err, KF_EINVAL, "unknown_key", key, "%s: unknown setting '%s'", where, key);
	void *field = (char *)c + k->offset;
	if (k->type == KEY_INT)
		return set_int(k, field, value, where, err);
	if (k->type == KEY_BOOL) {
		if (parse_bool(value, (int *)field) < 0)
			return kf_fail(err, KF_EINVAL, "invalid", k->name,
			               "%s: %s must be true or false, not '%s'", where, k->name, value);
		return 0;
	}
	if (strlen(value) >= k->size)
		return kf_fail(err, KF_EINVAL, "too_long", k->name, "%s: %s is longer than %zu bytes", where,
		               k->name, k->size - 1);
	int rc = check_special(k->name, value, where, err);
	if (rc == 0)
		snprintf(field, k->size, "%s", value);
	return rc;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* One line of a config file: blank, "# comment", or "key = value". */
static int config_line(struct kf_config *c, char *line, const char *where, struct kf_error *err)
{
	char *s = trim(line);
	if (*s == '\0' || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return kf_fail(err, KF_EINVAL, "syntax", NULL, "%s: expected 'key = value'", where);
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	size_t n = strlen(value);
	if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		value[n - 1] = '\0';
		value++;
	}
	return config_set(c, key, value, where, err);
}

int config_load_file(struct kf_config *c, const char *path, struct kf_error *err)
{
	char line[KF_MAX_CONFIG_LINE + 2], where[CONFIG_STR_MAX + 32];
	int rc = 0, lineno = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return kf_fail(err, KF_EIO, "io", "config", "cannot read config file %s: %s", path,
		               strerror(errno));
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		snprintf(where, sizeof(where), "%s:%d", path, ++lineno);
		if (strlen(line) > KF_MAX_CONFIG_LINE && !strchr(line, '\n'))
			rc = kf_fail(err, KF_EINVAL, "too_long", NULL, "%s: line longer than %d bytes", where,
			             KF_MAX_CONFIG_LINE);
		else
			rc = config_line(c, line, where, err);
	}
	fclose(f);
	return rc;
}

int config_load_env(struct kf_config *c, char *const *envp, struct kf_error *err)
{
	char key[128];
	for (; envp && *envp; envp++) {
		const char *e = *envp, *eq = strchr(e, '=');
		if (strncmp(e, "KEFU_", 5) != 0 || !eq || (size_t)(eq - e - 5) >= sizeof(key))
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)(eq - e - 5), e + 5);
		if (key_eq(key, "config"))
			continue;
		char where[160];
		snprintf(where, sizeof(where), "environment KEFU_%s", key);
		int rc = config_set(c, key, eq + 1, where, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void config_print_help(FILE *f)
{
	struct kf_config d;
	config_defaults(&d);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		const void *field = (const char *)&d + k->offset;
		char def[64];
		if (k->type == KEY_STR)
			str_copy(def, sizeof(def), (const char *)field);
		else
			snprintf(def, sizeof(def), "%d", *(const int *)field);
		fprintf(f, "  --%-22s %s (default: %s)\n", k->name, k->help, def[0] ? def : "none");
	}
}
