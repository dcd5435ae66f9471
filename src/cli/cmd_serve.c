/*
 * cmd_serve.c - kefu serve: open the store (applying pending
 * migrations), start the job scheduler (jobs/scheduler.h) and run the
 * HTTP server until SIGTERM/SIGINT; the scheduler stops before the store
 * closes.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/consumers.h"
#include "auth/ratelimit.h"
#include "auth/secret.h"
#include "base/log.h"
#include "channels/mail_out.h"
#include "channels/mail_fetch.h"
#include "cli/cli.h"
#include "events/consumer.h"
#include "http/server.h"
#include "jobs/scheduler.h"
#include "store/db.h"

static void options_from(const struct kf_config *c, struct server_options *o)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	o->addr = c->addr;
	o->port = c->port;
	o->workers = c->workers > 0 ? c->workers : (cores > 0 ? (int)cores : 1);
	o->batch_writers = c->batch_writers;
	o->web_dir = c->web_dir[0] ? c->web_dir : NULL;
	o->max_body = (size_t)c->max_body;
	o->request_timeout_s = c->request_timeout;
	o->header_timeout_s = c->header_timeout;
	o->max_conns_per_addr = c->max_conns_per_addr;
	o->max_connections = c->max_connections;
	o->access_log = c->access_log;
	o->secure_cookies = c->secure_cookies;
	o->session_ttl_s = c->session_ttl;
	o->session_max_s = c->session_max_age;
	o->login_max_per_account = c->login_max_per_account;
	o->login_max_per_addr = c->login_max_per_addr;
	o->login_max_account_wide = c->login_max_account_wide;
	o->login_max_delay_s = c->login_max_delay;
	o->login_window_s = c->login_window;
	o->track_rate = c->track_rate;
	o->track_burst = c->track_burst;
	o->test_clock = c->test_clock;
	o->stream_heartbeat_s = c->stream_heartbeat;
	o->stream_buffer_kib = c->stream_buffer_kib;
}

static int level_of(const char *name)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	for (int i = 0; i < 4; i++)
		if (strcmp(names[i], name) == 0)
			return LOG_LEVEL_DEBUG + i;
	return LOG_LEVEL_INFO;
}

/*
 * The key that seals stored mail passwords (auth/secret.h): secret_key_file, else DB.key beside
 * a SQLite database (made on first start); a PostgreSQL server without one runs without a key.
 */
static int load_secret(const struct kf_config *c, struct kf_error *err)
{
	if (c->secret_key_file[0])
		return secret_load_key_file(c->secret_key_file, 0, err);
	const char *db = c->db;
	if (strncmp(db, "postgres", 8) == 0)
		return 0;
	if (strncmp(db, "sqlite:", 7) == 0)
		db += 7;
	if (!db[0] || strcmp(db, ":memory:") == 0)
		return 0;
	char path[CONFIG_STR_MAX + 8];
	snprintf(path, sizeof(path), "%s.key", db);
	return secret_load_key_file(path, 1, err);
}

/* SIGTERM/SIGINT go to the server's waiting thread (server_run): threads started before it must not take them. */
static void block_stop_signals(void)
{
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
}

int cmd_serve(int argc, char **argv)
{
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct app app = { 0 };
	struct scheduler *sched = NULL;
	struct consumer_runner *deliver = NULL;
	struct mail_sender *mail_sender = NULL;
	struct mail_fetcher *fetcher = NULL;
	const char *pos[1];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("serve"), NULL, &cfg, pos, 0, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	log_set_level(level_of(cfg.log_level));
	o.sync_full = cfg.sync_full;
	rc = load_secret(&cfg, &err);
	if (rc == 0)
		rc = store_open(cfg.db, &o, &app.store, &err);
	if (rc < 0)
		return cli_fail(&err);
	options_from(&cfg, &app.opt);
	app.public_limit = ratelimit_new(app.opt.track_rate, app.opt.track_burst);
	consumers_install();
	block_stop_signals();
	rc = scheduler_start(app.store, &sched, &err);
	if (rc == 0)
		rc = consumer_start(app.store, cfg.event_retention_days, &deliver, &err);
	mail_fetch_set_timeout(cfg.mail_timeout);
	if (rc == 0 && cfg.imap_fetch)
		rc = mail_fetch_start(app.store, cfg.mail_timeout, &fetcher, &err);
	if (rc == 0)
		rc = mail_out_start(app.store, cfg.mail_senders, cfg.mail_timeout, &mail_sender, &err);
	if (rc == 0)
		rc = server_run(&app, &err);
	mail_out_stop(mail_sender);
	mail_fetch_stop(fetcher);
	consumer_stop(deliver);
	scheduler_stop(sched);
	store_close(app.store);
	ratelimit_free(app.public_limit);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
