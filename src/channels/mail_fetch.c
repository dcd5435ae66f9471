/*
 * mail_fetch.c - see mail_fetch.h.
 */
#include "channels/mail_fetch.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/secret.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "channels/imap.h"
#include "channels/mail_in.h"
#include "channels/mail_settings.h"
#include "channels/mailbox.h"
#include "store/db.h"

#define BUSY_MAX 64 /* mailboxes this process fetches at once */

/* The mailboxes a pass of this process is on (the thread and an admin's "fetch now" never overlap). */
static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t busy_ids[BUSY_MAX];
static int busy_n;
/* Set by mail_fetch_stop: passes end after the message in hand. */
static atomic_int stopping;
static atomic_int timeout_cfg = 60; /* config mail_timeout */

void mail_fetch_set_timeout(int timeout_s)
{
	atomic_store(&timeout_cfg, timeout_s > 0 ? timeout_s : 60);
}

int mail_fetch_timeout(void)
{
	return atomic_load(&timeout_cfg);
}

static int busy_take(int64_t id)
{
	pthread_mutex_lock(&busy_lock);
	int ok = busy_n < BUSY_MAX;
	for (int i = 0; i < busy_n && ok; i++)
		ok = busy_ids[i] != id;
	if (ok)
		busy_ids[busy_n++] = id;
	pthread_mutex_unlock(&busy_lock);
	return ok;
}

static void busy_drop(int64_t id)
{
	pthread_mutex_lock(&busy_lock);
	for (int i = 0; i < busy_n; i++)
		if (busy_ids[i] == id) {
			busy_ids[i] = busy_ids[--busy_n];
			break;
		}
	pthread_mutex_unlock(&busy_lock);
}

int64_t mail_fetch_uid_key(int64_t uidvalidity, int64_t uid)
{
	return ((uidvalidity & 0x7fffffff) << 32) | (uid & 0xffffffff);
}

/* One pass in hand. */
struct pass {
	struct db *db;
	struct mailbox m;
	struct imap *im;
	size_t max_bytes; /* mail_settings.max_message_bytes */
	struct buf raw; /* the message in hand */
	struct mail_fetch_counts *c;
	int64_t done; /* messages dealt with in this pass */
	int64_t total; /* UIDs from last_uid to UIDNEXT at the start, or more when searches found more */
	int first; /* the next message is the pass's first */
	int64_t uidnext; /* the folder's UIDNEXT when the pass began (0: not given) */
	/* Progress not yet written to the mailbox row (one write per MAIL_FETCH_SAVE_EVERY messages). */
	int64_t done_uid; /* the highest UID dealt with */
	int64_t unsaved; /* messages dealt with since the last write */
	int64_t unsaved_fetched, unsaved_failed;
};

/*
 * Write where the pass stands.  Lagging behind is safe: a crash re-reads
 * the messages after the last write, and the dedupe makes them duplicates.
 */
static int save(struct pass *p, struct kf_error *err)
{
	if (p->unsaved == 0)
		return 0;
	int rc = mailbox_advance(p->db, p->m.id, p->done_uid, p->unsaved_fetched, p->unsaved_failed, err);
	if (rc == 0)
		p->unsaved = p->unsaved_fetched = p->unsaved_failed = 0;
	return rc;
}

/* Message uid is dealt with (counted: 1 stored, 0 set aside, -1 neither). */
static int done(struct pass *p, int64_t uid, int counted, struct kf_error *err)
{
	if (uid > p->done_uid)
		p->done_uid = uid;
	p->unsaved++;
	p->unsaved_fetched += counted == 1;
	p->unsaved_failed += counted == 0;
	return p->unsaved >= MAIL_FETCH_SAVE_EVERY ? save(p, err) : 0;
}

/* Leave uid in the folder, flagged for a person, and go past it. */
static int set_aside(struct pass *p, int64_t uid, const char *why, struct kf_error *err)
{
	int rc = imap_flag(p->im, p->m.folder, p->m.uidvalidity, uid, "\\Seen \\Flagged", err);
	if (rc == 0)
		rc = done(p, uid, 0, err);
	if (rc < 0)
		return rc;
	p->c->failed++;
	snprintf(p->c->error, sizeof(p->c->error), "message UID %lld set aside: %s", (long long)uid, why);
	kf_utf8_trim(p->c->error);
	log_msg(LOG_LEVEL_WARN, "imap", "%s: %s", p->m.name, p->c->error);
	return 0;
}

/* What the mailbox wants done with a message whose ticket is committed. */
static int after_fetch(struct pass *p, int64_t uid, struct kf_error *err)
{
	if (strcmp(p->m.after_fetch, "move") == 0)
		return imap_move(p->im, p->m.folder, p->m.uidvalidity, uid, p->m.move_to, err);
	if (strcmp(p->m.after_fetch, "delete") == 0)
		return imap_delete(p->im, p->m.folder, p->m.uidvalidity, uid, err);
	return imap_flag(p->im, p->m.folder, p->m.uidvalidity, uid, "\\Seen", err);
}

/* Deliver the message in hand (UID uid); 1 when it was set aside instead. */
static int deliver(struct pass *p, int64_t uid, struct kf_error *err)
{
	struct kf_error derr = KF_ERROR_INIT;
	struct mail_in_result res;
	struct mail_source src = { "imap", p->m.id, mail_fetch_uid_key(p->m.uidvalidity, uid) };
	int rc = mail_in_deliver(p->db, &src, p->raw.p ? p->raw.p : "", p->raw.len, clock_now(), &res, &derr);
	if (rc == KF_EINVAL || rc == KF_ETOOBIG) {
		rc = set_aside(p, uid, derr.message, err);
		return rc < 0 ? rc : 1;
	}
	if (rc < 0) {
		*err = derr;
		return rc;
	}
	if (res.action == MAIL_IN_DUPLICATE)
		p->c->duplicates++;
	else
		p->c->fetched++;
	return 0;
}

/* Take message uid: fetch, deliver, act on the server, move last_uid. */
static int take(struct pass *p, int64_t uid, struct kf_error *err)
{
	if (p->first) {
		int count = 0;
		p->first = 0;
		int rc = mailbox_stuck_bump(p->db, p->m.id, uid, &count, err);
		if (rc < 0)
			return rc;
		if (count > MAIL_FETCH_STUCK_MAX)
			return set_aside(p, uid, "kefu did not get past it in several passes", err);
	}
	int rc = imap_fetch(p->im, p->m.folder, p->m.uidvalidity, uid, p->max_bytes, &p->raw, err);
	if (rc == KF_ETOOBIG)
		return set_aside(p, uid, "larger than the largest message accepted (max_message_bytes)", err);
	if (rc == KF_ENOTFOUND) /* expunged meanwhile by someone else */
		return done(p, uid, -1, err);
	if (rc < 0)
		return rc;
	rc = deliver(p, uid, err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = after_fetch(p, uid, err);
	return rc < 0 ? rc : done(p, uid, 1, err);
}

/* Append to *v the UIDs in from..to (to < 0: from on) of the folder; filtered, since "n:*" also names the last. */
static int search_range(struct pass *p, int64_t from, int64_t to, int64_t **v, size_t *n, struct kf_error *err)
{
	char crit[64];
	int64_t *got = NULL;
	size_t ng = 0;
	if (to < 0)
		snprintf(crit, sizeof(crit), "UID %lld:*", (long long)from);
	else
		snprintf(crit, sizeof(crit), "UID %lld:%lld", (long long)from, (long long)to);
	int rc = imap_search(p->im, p->m.folder, p->m.uidvalidity, crit, &got, &ng, err);
	for (size_t i = 0; rc == 0 && i < ng; i++)
		if (got[i] >= from && (to < 0 || got[i] <= to)) {
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[(*n)++] = got[i];
		}
	free(got);
	return rc;
}

/*
 * The candidates, ascending: the unseen UIDs up to last_uid, then the UIDs
 * above it, searched MAIL_FETCH_WINDOW UIDs at a time up to the UIDNEXT the
 * pass began with (one answer line stays short), until a batch is found.
 */
static int candidates(struct pass *p, int64_t **uids, size_t *n, struct kf_error *err)
{
	*uids = NULL;
	*n = 0;
	int rc = p->done ? imap_noop(p->im, p->m.folder, p->m.uidvalidity, err) : 0;
	if (rc == 0 && p->m.last_uid > 0) {
		char crit[64];
		snprintf(crit, sizeof(crit), "UNSEEN UID 1:%lld", (long long)p->m.last_uid);
		rc = imap_search(p->im, p->m.folder, p->m.uidvalidity, crit, uids, n, err);
	}
	int64_t from = p->m.last_uid + 1;
	if (rc == 0 && p->uidnext <= 0)
		return search_range(p, from, -1, uids, n, err);
	for (; rc == 0 && from < p->uidnext && *n < MAIL_FETCH_BATCH; from += MAIL_FETCH_WINDOW)
		rc = search_range(p, from, from + MAIL_FETCH_WINDOW - 1, uids, n, err);
	return rc;
}

/*
 * Take the candidates, a batch at a time, searching again after each batch
 * that reached above last_uid (the server may show a large backlog in
 * parts), until none is left or the process stops.
 */
static int take_all(struct pass *p, struct kf_error *err)
{
	int rc = 0;
	for (int more = 1; more && rc == 0 && !atomic_load(&stopping);) {
		int64_t *uids = NULL;
		size_t n = 0;
		rc = candidates(p, &uids, &n, err);
		if (rc == 0 && p->done + (int64_t)n > p->total) /* the server may show a backlog in parts */
			p->total = p->done + (int64_t)n;
		size_t take_n = n < MAIL_FETCH_BATCH ? n : MAIL_FETCH_BATCH;
		more = take_n > 0 && uids[take_n - 1] > p->m.last_uid;
		for (size_t i = 0; rc == 0 && i < take_n && !atomic_load(&stopping); i++) {
			rc = take(p, uids[i], err);
			if (rc == 0 && ++p->done % MAIL_FETCH_PROGRESS_EVERY == 0)
				log_msg(LOG_LEVEL_INFO, "imap", "%s: %lld/%lld", p->m.name, (long long)p->done,
				        (long long)(p->total > p->done ? p->total : p->done));
		}
		free(uids);
		if (rc == 0 && more) /* last_uid moved on: save and read it again */
			rc = save(p, err);
		if (rc == 0 && more)
			rc = mailbox_get(p->db, p->m.id, &p->m, err);
	}
	return rc;
}

static int is_stopping(void)
{
	return atomic_load(&stopping);
}

/* The client settings of mailbox m with password pw. */
static struct imap_conf conf_of(const struct mailbox *m, const char *pw, int timeout_s)
{
	struct imap_conf c = {
		.host = m->host,
		.port = m->port,
		.security = m->security,
		.tls_verify = m->tls_verify,
		.username = m->username,
		.password = pw ? pw : "",
		.timeout_s = timeout_s > 0 ? timeout_s : 60,
		.cancelled = is_stopping,
	};
	return c;
}

/* Log in and look at the folder; a new UIDVALIDITY starts the mailbox over. */
static int pass_open(struct pass *p, int timeout_s, struct kf_error *err)
{
	struct imap_status st;
	char *pw = NULL;
	int rc = mailbox_password(p->db, p->m.id, &pw, err);
	if (rc == 0) {
		struct imap_conf c = conf_of(&p->m, pw, timeout_s);
		rc = imap_open(&c, &p->im, err);
	}
	secret_wipe(pw);
	if (rc == 0)
		rc = imap_status(p->im, p->m.folder, &st, err);
	p->uidnext = rc == 0 ? st.uidnext : 0;
	if (rc == 0 && st.uidvalidity != p->m.uidvalidity) {
		if (p->m.uidvalidity)
			log_msg(LOG_LEVEL_WARN, "imap",
			        "%s: UIDVALIDITY changed (%lld -> %lld): reading the folder again", p->m.name,
			        (long long)p->m.uidvalidity, (long long)st.uidvalidity);
		rc = mailbox_restart(p->db, p->m.id, st.uidvalidity, err);
		if (rc == 0)
			rc = mailbox_get(p->db, p->m.id, &p->m, err);
	}
	return rc;
}

static int run_pass(struct db *db, int64_t id, int timeout_s, struct mail_fetch_counts *out,
                    struct kf_error *err)
{
	struct mail_settings s;
	struct pass p = { .db = db, .c = out, .first = 1, .raw = BUF_INIT };
	int rc = mailbox_get(db, id, &p.m, err);
	if (rc == 0)
		rc = mail_settings_get(db, &s, err);
	if (rc < 0)
		return rc;
	p.max_bytes = (size_t)s.max_message_bytes;
	p.raw.max = p.max_bytes + 1;
	rc = pass_open(&p, timeout_s, err);
	if (rc == 0 && p.uidnext > p.m.last_uid + 1) /* at most this many new messages: the progress line's total */
		p.total = p.uidnext - 1 - p.m.last_uid;
	if (rc == 0)
		rc = take_all(&p, err);
	struct kf_error serr = KF_ERROR_INIT;
	int saved = save(&p, rc < 0 ? &serr : err); /* what was done counts, also when the pass failed */
	rc = rc < 0 ? rc : saved;
	if (rc < 0) {
		str_copy(out->error, sizeof(out->error), err->message);
		log_msg(LOG_LEVEL_WARN, "imap", "%s: %s", p.m.name, err->message);
	}
	imap_close(p.im);
	buf_release(&p.raw);
	struct kf_error e2 = KF_ERROR_INIT;
	int src = mailbox_set_error(db, id, out->error, &e2);
	if (rc == KF_EDB || rc == KF_EBUSY) /* the store failed: the caller hears it; the rest is in last_error */
		return rc;
	if (src < 0)
		*err = e2;
	return src < 0 ? src : 0;
}

int mail_fetch_mailbox(struct db *db, int64_t id, int timeout_s, struct mail_fetch_counts *out,
                       struct kf_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!busy_take(id))
		return kf_fail(err, KF_ECONFLICT, "mailbox_busy", "mailbox",
		               "this mailbox is being fetched already");
	int rc = run_pass(db, id, timeout_s, out, err);
	busy_drop(id);
	return rc;
}

int mail_fetch_test(struct db *db, int64_t id, int timeout_s, struct mail_fetch_test *out, struct kf_error *err)
{
	struct mailbox m;
	struct imap *im = NULL;
	struct imap_status st;
	struct kf_error e = KF_ERROR_INIT;
	char *pw = NULL;
	memset(out, 0, sizeof(*out));
	int rc = mailbox_get(db, id, &m, err);
	if (rc == 0)
		rc = mailbox_password(db, id, &pw, err);
	if (rc < 0)
		return rc;
	struct imap_conf c = conf_of(&m, pw, timeout_s);
	int irc = imap_open(&c, &im, &e);
	secret_wipe(pw);
	if (irc == 0)
		irc = imap_status(im, m.folder, &st, &e);
	imap_close(im);
	out->ok = irc == 0;
	out->stage = irc == 0 ? "folder" : imap_stage(&e);
	if (irc == 0) {
		out->messages = st.messages;
		out->unseen = st.unseen;
	}
	str_copy(out->message, sizeof(out->message), irc == 0 ? "" : e.message);
	kf_utf8_trim(out->message);
	return mailbox_set_error(db, id, out->message, err);
}

int mail_fetch_due(struct db *db, int64_t now, int timeout_s, int64_t *next_at, struct kf_error *err)
{
	struct mailbox_due due[MAILBOX_MAX];
	int n = 0, passes = 0;
	*next_at = now + MAIL_FETCH_IDLE_MAX_S;
	int rc = mailbox_schedule(db, due, MAILBOX_MAX, &n, err);
	for (int i = 0; rc >= 0 && i < n && !atomic_load(&stopping); i++) {
		int64_t poll = due[i].due_at - due[i].last_poll_at;
		if (due[i].due_at > now) {
			*next_at = due[i].due_at < *next_at ? due[i].due_at : *next_at;
			continue;
		}
		rc = mailbox_claim(db, due[i].id, due[i].last_poll_at, now, err);
		if (rc == 1) {
			struct mail_fetch_counts c;
			rc = mail_fetch_mailbox(db, due[i].id, timeout_s, &c, err);
			rc = rc == KF_ECONFLICT ? 0 : rc;
			passes++;
		}
		if (now + poll < *next_at)
			*next_at = now + poll;
	}
	return rc < 0 ? rc : passes;
}

/* --- the thread ---------------------------------------------------------------------- */

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static int wake_pending; /* guarded by wake_lock */

struct mail_fetcher {
	struct store *st;
	int timeout_s;
	pthread_t thread;
};

void mail_fetch_wake(void)
{
	pthread_mutex_lock(&wake_lock);
	wake_pending = 1;
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
}

/* Sleep up to seconds, or until woken. */
static void nap(int64_t seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(seconds < 1 ? 1 : seconds);
	pthread_mutex_lock(&wake_lock);
	while (!wake_pending && !atomic_load(&stopping))
		if (pthread_cond_timedwait(&wake_cond, &wake_lock, &until) != 0)
			break;
	wake_pending = 0;
	pthread_mutex_unlock(&wake_lock);
}

static void *fetcher_loop(void *arg)
{
	struct mail_fetcher *f = arg;
	while (!atomic_load(&stopping)) {
		struct kf_error err = KF_ERROR_INIT;
		struct db *db = store_db(f->st, &err);
		int64_t now = clock_now(), next = now + MAIL_FETCH_IDLE_MAX_S;
		int rc = db ? mail_fetch_due(db, now, f->timeout_s, &next, &err) : KF_EDB;
		if (rc < 0)
			log_msg(LOG_LEVEL_WARN, "imap", "fetching failed (%d): %s; retrying", rc, err.message);
		int64_t wait = next - clock_now();
		nap(wait > MAIL_FETCH_IDLE_MAX_S ? MAIL_FETCH_IDLE_MAX_S : wait);
	}
	return NULL;
}

int mail_fetch_start(struct store *st, int timeout_s, struct mail_fetcher **out, struct kf_error *err)
{
	struct mail_fetcher *f = xcalloc(1, sizeof(*f));
	f->st = st;
	f->timeout_s = timeout_s;
	atomic_store(&stopping, 0);
	/* The thread takes no signal: SIGTERM/SIGINT belong to the server's waiting thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int created = pthread_create(&f->thread, NULL, fetcher_loop, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (created != 0) {
		free(f);
		return kf_fail(err, KF_EIO, "thread", NULL, "cannot start the IMAP fetch thread");
	}
	*out = f;
	return 0;
}

void mail_fetch_stop(struct mail_fetcher *f)
{
	if (!f)
		return;
	atomic_store(&stopping, 1);
	mail_fetch_wake();
	pthread_join(f->thread, NULL);
	free(f);
}
