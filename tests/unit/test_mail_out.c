/*
 * test_mail_out.c - channels/mail_out.c: the retry schedule (1 min, 5 min,
 * 15 min, 1 h, 4 h, then every 4 h; failed after 48 h), and the consumer
 * handler on SQLite: an acknowledgement, a reply and a resolved mail are
 * queued once per event however often the event is delivered, only for
 * tickets kefu mails about, only with a relay and an address, and a
 * failed mail can be retried by hand once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/err.h"
#include "channels/mail_out.h"
#include "desk/message.h"
#include "desk/ticket.h"
#include "store/db.h"
#include "base/banned.h"

#define T0 1790000000

static void backoff_schedule(void **state)
{
	(void)state;
	assert_int_equal(mail_out_backoff(1), 60);
	assert_int_equal(mail_out_backoff(2), 300);
	assert_int_equal(mail_out_backoff(3), 900);
	assert_int_equal(mail_out_backoff(4), 3600);
	assert_int_equal(mail_out_backoff(5), 14400);
	assert_int_equal(mail_out_backoff(9), 14400);
	int64_t next = 0;
	assert_true(mail_out_retry_at(T0, T0 + 10, 1, &next));
	assert_int_equal(next, T0 + 70);
	assert_true(mail_out_retry_at(T0, T0 + MAIL_OUT_GIVE_UP_S - 1, 12, &next));
	assert_false(mail_out_retry_at(T0, T0 + MAIL_OUT_GIVE_UP_S, 13, &next));
}

struct fixture {
	char dir[64];
	struct store *st;
	struct db *db;
	int64_t ticket;
};

static const struct actor staff = { "staff", 1, "lina", NULL, NULL };

static struct db_sql q_customer = DB_SQL(
        "INSERT INTO customers (name, created_at, updated_at) VALUES ('王小明', 1, 1) RETURNING id");
static struct db_sql q_identity = DB_SQL("INSERT INTO customer_identities (customer_id, kind, value, created_at)"
                                         " VALUES ($1, 'email', 'wang@customer.test', 1)");
static struct db_sql q_relay = DB_SQL(
        "UPDATE mail_settings SET address = $1, relay_host = $2, send_ack = $3, from_name = '好物商城'");
static struct db_sql q_rows = DB_SQL("SELECT COUNT(*) FROM mail_messages WHERE ticket_id = $1 AND kind = $2");
static struct db_sql q_row = DB_SQL(
        "SELECT m.status, m.to_addrs, m.subject, m.message_id, length(b.bytes), m.id FROM mail_messages m"
        " JOIN attachment_blobs b ON b.sha256 = m.raw_sha256 WHERE m.ticket_id = $1 AND m.kind = $2");
static struct db_sql q_fail = DB_SQL("UPDATE mail_messages SET status = 'failed' WHERE id = $1");

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = DB_OPTIONS_INIT;
	char url[128];
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-mailout-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(url, sizeof(url), "sqlite:%s/kefu.db", f->dir);
	opt.create = 1;
	opt.sync_full = 0;
	assert_int_equal(store_open(url, &opt, &f->st, &err), 0);
	f->db = store_db(f->st, &err);
	int64_t cid = 0;
	assert_int_equal(db_query_int(f->db, &q_customer, DB_NOARGS, &cid, &err), 0);
	assert_true(db_exec(f->db, &q_identity, DB_ARGS(db_int(cid)), &err) == 1);
	struct ticket t;
	struct ticket_new in = { .type = "inquiry",
		                 .subject = "包裹破损",
		                 .channel = "email",
		                 .language = "zh",
		                 .customer_id = cid,
		                 .body = "我的包裹坏了" };
	assert_int_equal(ticket_create(f->db, &staff, T0, &in, &t, &err), 0);
	f->ticket = t.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];
	store_close(f->st);
	static const char *const files[] = { "kefu.db", "kefu.db-wal", "kefu.db-shm" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, files[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void relay(struct fixture *f, const char *address, const char *host, int ack)
{
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(db_exec(f->db, &q_relay, DB_ARGS(db_text(address), db_text(host), db_int(ack)), &err),
	                 1);
}

/* Deliver ev as the consumer does: in a transaction of its own. */
static void deliver(struct fixture *f, struct event *ev)
{
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(db_begin(f->db, &err), 0);
	int rc = mail_out_handle(f->db, ev, &err);
	if (rc < 0)
		fail_msg("mail_out_handle: %s", err.message);
	assert_int_equal(db_commit(f->db, &err), 0);
}

static int64_t count(struct fixture *f, const char *kind)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t n = -1;
	assert_int_equal(db_query_int(f->db, &q_rows, DB_ARGS(db_int(f->ticket), db_text(kind)), &n, &err), 0);
	return n;
}

static void ack_queued_once(void **state)
{
	struct fixture *f = *state;
	struct event ev = { .seq = 7,
		            .type = "ticket.created",
		            .entity = "ticket",
		            .entity_id = f->ticket,
		            .actor_kind = "staff",
		            .created_at_ms = (int64_t)T0 * 1000 };
	deliver(f, &ev); /* no relay, no address: nothing */
	assert_int_equal(count(f, "ack"), 0);
	relay(f, "support@kefu.test", "127.0.0.1", 0);
	deliver(f, &ev); /* send_ack off: nothing */
	assert_int_equal(count(f, "ack"), 0);
	relay(f, "support@kefu.test", "127.0.0.1", 1);
	deliver(f, &ev);
	deliver(f, &ev); /* delivered again: still one */
	assert_int_equal(count(f, "ack"), 1);
	struct kf_error err = KF_ERROR_INIT;
	struct db_rows *r = NULL;
	assert_int_equal(db_query(f->db, &q_row, DB_ARGS(db_int(f->ticket), db_text("ack")), &r, &err), 0);
	assert_int_equal(db_next(r, &err), 1);
	assert_string_equal(db_col_text(r, 0), "queued");
	assert_non_null(strstr(db_col_text(r, 1), "wang@customer.test"));
	assert_non_null(strstr(db_col_text(r, 2), "[#0000"));
	assert_true(db_col_int(r, 4) > 500);
	int64_t id = db_col_int(r, 5);
	db_done(r);
	/* retried by hand: only once failed */
	json_t *row = NULL;
	assert_int_equal(mail_out_retry(f->db, id, T0, &row, &err), KF_ECONFLICT);
	assert_string_equal(err.key, "mail_not_retryable");
	assert_int_equal(db_exec(f->db, &q_fail, DB_ARGS(db_int(id)), &err), 1);
	assert_int_equal(mail_out_retry(f->db, id, T0 + 5, &row, &err), 0);
	assert_string_equal(json_string_value(json_object_get(row, "status")), "queued");
	assert_int_equal(json_integer_value(json_object_get(row, "next_at")), T0 + 5);
	json_decref(row);
	assert_int_equal(mail_out_retry(f->db, 999999, T0, &row, &err), KF_ENOTFOUND);
}

static void reply_and_resolved(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	json_t *msg = NULL;
	relay(f, "support@kefu.test", "127.0.0.1", 1);
	assert_int_equal(message_add(f->db, &staff, T0 + 60, f->ticket, MESSAGE_PUBLIC, "已为您补发。",
	                             TS_NONE, &t, &msg, &err),
	                 0);
	json_t *payload = json_pack("{s:O}", "message_id", json_object_get(msg, "id"));
	struct event ev = { .seq = 20,
		            .type = "ticket.replied",
		            .entity = "ticket",
		            .entity_id = f->ticket,
		            .actor_kind = "staff",
		            .payload = payload,
		            .created_at_ms = (int64_t)(T0 + 60) * 1000 };
	deliver(f, &ev);
	deliver(f, &ev);
	assert_int_equal(count(f, "reply"), 1);
	json_decref(payload);
	json_decref(msg);
	/* kefu's own post: a resolved mail only when it carries a survey link */
	static const struct actor survey = { "system", 0, "survey", NULL, NULL };
	const char *const posts[] = { "系统消息，没有链接。",
		                      "您的工单已处理完毕：/survey/AbC-123_x（链接 7 天内有效）。" };
	for (int i = 0; i < 2; i++) {
		msg = NULL;
		assert_int_equal(message_add(f->db, &survey, T0 + 120, f->ticket, MESSAGE_PUBLIC, posts[i],
		                             TS_NONE, &t, &msg, &err),
		                 0);
		payload = json_pack("{s:O}", "message_id", json_object_get(msg, "id"));
		struct event sys = { .seq = 30 + i,
			             .type = "ticket.replied",
			             .entity = "ticket",
			             .entity_id = f->ticket,
			             .actor_kind = "system",
			             .payload = payload,
			             .created_at_ms = (int64_t)(T0 + 120) * 1000 };
		deliver(f, &sys);
		assert_int_equal(count(f, "resolved"), i);
		json_decref(payload);
		json_decref(msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_schedule),
		cmocka_unit_test_setup_teardown(ack_queued_once, setup, teardown),
		cmocka_unit_test_setup_teardown(reply_and_resolved, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
