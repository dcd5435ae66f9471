/*
 * test_idempotency.c - store/idempotency.c against a real SQLite store in
 * a mkdtemp directory: the first request claims a key, a retry replays
 * the stored answer, a different request under the same key is refused,
 * another principal's key is its own, an unfinished claim reads as in
 * progress, and pruning forgets old keys.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/idempotency.h"
#include "base/banned.h"

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define T0 1700000000

struct fixture {
	char dir[64]; /* the mkdtemp directory */
	char url[128]; /* "sqlite:DIR/kefu.db" */
	struct store *store; /* opened and migrated */
	struct db *db; /* this thread's connection */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	if (!f)
		return -1;
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-idem-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/kefu.db", f->dir);
	opt.create = 1;
	opt.migrate = 1;
	opt.sync_full = 0;
	if (store_open(f->url, &opt, &f->store, &err) < 0) {
		print_error("store_open %s: %s\n", f->url, err.message);
		return -1;
	}
	f->db = store_db(f->store, &err);
	return f->db ? 0 : -1;
}

/* Remove the directory and whatever SQLite left in it (-wal, -shm). */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[64 + 1 + 256];
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (!f)
		return 0;
	store_close(f->store);
	if (f->dir[0])
		remove_dir(f->dir);
	free(f);
	return 0;
}

/* idem_begin inside a transaction that the caller ends. */
static void begin(struct db *db, const char *who, const char *key, const char *method, const char *path,
                  const char *hash, int64_t now, struct idem *out)
{
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(db_begin(db, &err), 0);
	int rc = idem_begin(db, who, key, method, path, hash, now, out, &err);
	if (rc < 0)
		fail_msg("idem_begin: %s", err.message);
}

/* One whole request: claim, and on NEW finish with status/body and commit. */
static enum idem_state request(struct db *db, const char *who, const char *key, const char *hash, int status,
                               const char *body, struct idem *out)
{
	struct kf_error err = KF_ERROR_INIT;
	begin(db, who, key, "POST", "/api/v1/users", hash, T0, out);
	if (out->state != IDEM_NEW) {
		db_rollback(db);
		return out->state;
	}
	assert_int_equal(idem_finish(db, out->id, status, body, &err), 0);
	assert_int_equal(db_commit(db, &err), 0);
	return IDEM_NEW;
}

static void test_new_then_replay(void **state)
{
	struct fixture *f = *state;
	struct idem first = IDEM_INIT, again = IDEM_INIT;
	assert_int_equal(request(f->db, "s1", "k-replay", HASH_A, 201, "{\"id\":7}", &first), IDEM_NEW);
	assert_true(first.id > 0);
	assert_null(first.response);
	assert_int_equal(request(f->db, "s1", "k-replay", HASH_A, 500, "other", &again), IDEM_REPLAY);
	assert_int_equal(again.id, first.id);
	assert_int_equal(again.status, 201);
	assert_non_null(again.response);
	assert_string_equal(again.response, "{\"id\":7}");
	idem_release(&again);
	assert_null(again.response);
	/* And a third time: still the first answer. */
	assert_int_equal(request(f->db, "s1", "k-replay", HASH_A, 500, "other", &again), IDEM_REPLAY);
	assert_string_equal(again.response, "{\"id\":7}");
	idem_release(&again);
	idem_release(&first);
}

static void test_replay_without_body(void **state)
{
	struct fixture *f = *state;
	struct idem i = IDEM_INIT;
	assert_int_equal(request(f->db, "s1", "k-nobody", HASH_A, 204, NULL, &i), IDEM_NEW);
	assert_int_equal(request(f->db, "s1", "k-nobody", HASH_A, 204, NULL, &i), IDEM_REPLAY);
	assert_int_equal(i.status, 204);
	assert_null(i.response);
	idem_release(&i);
}

static void test_mismatch(void **state)
{
	struct fixture *f = *state;
	struct idem i = IDEM_INIT;
	assert_int_equal(request(f->db, "s1", "k-mismatch", HASH_A, 201, "{}", &i), IDEM_NEW);
	/* Same key, another body. */
	assert_int_equal(request(f->db, "s1", "k-mismatch", HASH_B, 201, "{}", &i), IDEM_MISMATCH);
	assert_null(i.response);
	/* Same key and body, another path or method. */
	begin(f->db, "s1", "k-mismatch", "POST", "/api/v1/me/tokens", HASH_A, T0, &i);
	assert_int_equal(i.state, IDEM_MISMATCH);
	db_rollback(f->db);
	begin(f->db, "s1", "k-mismatch", "PUT", "/api/v1/users", HASH_A, T0, &i);
	assert_int_equal(i.state, IDEM_MISMATCH);
	db_rollback(f->db);
	/* The stored answer was not disturbed. */
	assert_int_equal(request(f->db, "s1", "k-mismatch", HASH_A, 201, "{}", &i), IDEM_REPLAY);
	assert_string_equal(i.response, "{}");
	idem_release(&i);
}

static void test_principals_apart(void **state)
{
	struct fixture *f = *state;
	struct idem a = IDEM_INIT, b = IDEM_INIT, c = IDEM_INIT;
	assert_int_equal(request(f->db, "s1", "k-shared", HASH_A, 201, "{\"who\":1}", &a), IDEM_NEW);
	assert_int_equal(request(f->db, "s2", "k-shared", HASH_A, 201, "{\"who\":2}", &b), IDEM_NEW);
	assert_int_equal(request(f->db, "c1", "k-shared", HASH_B, 201, "{\"who\":3}", &c), IDEM_NEW);
	assert_true(a.id != b.id && b.id != c.id);
	assert_int_equal(request(f->db, "s2", "k-shared", HASH_A, 201, NULL, &b), IDEM_REPLAY);
	assert_string_equal(b.response, "{\"who\":2}");
	idem_release(&b);
}

static void test_rollback_forgets_claim(void **state)
{
	struct fixture *f = *state;
	struct idem i = IDEM_INIT;
	/* The handler failed: its transaction, claim included, rolls back. */
	begin(f->db, "s1", "k-rollback", "POST", "/api/v1/users", HASH_A, T0, &i);
	assert_int_equal(i.state, IDEM_NEW);
	db_rollback(f->db);
	assert_int_equal(request(f->db, "s1", "k-rollback", HASH_A, 201, "{}", &i), IDEM_NEW);
}

static void test_in_progress(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct idem first = IDEM_INIT, other = IDEM_INIT;
	struct db *db2 = NULL;
	struct db_options opt = DB_OPTIONS_INIT;
	/* A claim that is committed before its answer (another node still working). */
	begin(f->db, "s1", "k-busy", "POST", "/api/v1/users", HASH_A, T0, &first);
	assert_int_equal(first.state, IDEM_NEW);
	assert_int_equal(db_commit(f->db, &err), 0);
	/* Another connection, same request: in progress. */
	assert_int_equal(db_open(f->url, &opt, &db2, &err), 0);
	begin(db2, "s1", "k-busy", "POST", "/api/v1/users", HASH_A, T0 + 1, &other);
	assert_int_equal(other.state, IDEM_IN_PROGRESS);
	assert_int_equal(other.id, first.id);
	assert_null(other.response);
	db_rollback(db2);
	/* A different body under the running key is still a mismatch. */
	begin(db2, "s1", "k-busy", "POST", "/api/v1/users", HASH_B, T0 + 1, &other);
	assert_int_equal(other.state, IDEM_MISMATCH);
	db_rollback(db2);
	/* Once finished, the other connection replays it. */
	assert_int_equal(db_begin(f->db, &err), 0);
	assert_int_equal(idem_finish(f->db, first.id, 200, "{\"done\":true}", &err), 0);
	assert_int_equal(db_commit(f->db, &err), 0);
	begin(db2, "s1", "k-busy", "POST", "/api/v1/users", HASH_A, T0 + 2, &other);
	assert_int_equal(other.state, IDEM_REPLAY);
	assert_int_equal(other.status, 200);
	assert_string_equal(other.response, "{\"done\":true}");
	db_rollback(db2);
	idem_release(&other);
	db_close(db2);
}

static void test_prune(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct idem i = IDEM_INIT;
	begin(f->db, "s9", "k-old", "POST", "/p", HASH_A, 1000, &i);
	assert_int_equal(idem_finish(f->db, i.id, 201, "old", &err), 0);
	assert_int_equal(db_commit(f->db, &err), 0);
	begin(f->db, "s9", "k-new", "POST", "/p", HASH_A, 5000, &i);
	assert_int_equal(idem_finish(f->db, i.id, 201, "new", &err), 0);
	assert_int_equal(db_commit(f->db, &err), 0);

	assert_int_equal(idem_prune(f->db, 5000, &err), 0);

	/* The old key is forgotten: the same request is new again. */
	begin(f->db, "s9", "k-old", "POST", "/p", HASH_A, 6000, &i);
	assert_int_equal(i.state, IDEM_NEW);
	db_rollback(f->db);
	/* The key created at the cutoff itself is kept. */
	begin(f->db, "s9", "k-new", "POST", "/p", HASH_A, 6000, &i);
	assert_int_equal(i.state, IDEM_REPLAY);
	assert_string_equal(i.response, "new");
	db_rollback(f->db);
	idem_release(&i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_then_replay),
		cmocka_unit_test(test_replay_without_body),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_principals_apart),
		cmocka_unit_test(test_rollback_forgets_claim),
		cmocka_unit_test(test_in_progress),
		cmocka_unit_test(test_prune),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
