/*
 * test_imap.c - the pure parts of channels/imap.c and mail_fetch.c:
 * folder names in modified UTF-7 (RFC 3501 5.1.3), the "* SEARCH",
 * "* n FETCH (UID x)" and "* STATUS" answers as servers send them, and the key a message's UID is
 * stored under.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "channels/imap.h"
#include "channels/mail_fetch.h"
#include "base/banned.h"

static const struct {
	const char *utf8; /* the folder as an admin types it */
	int rc; /* expected return */
	const char *wire; /* expected modified UTF-7 */
} folders[] = {
	{ "INBOX", 0, "INBOX" },
	{ "已处理", 0, "&XfJZBHQG-" },
	{ "Entwürfe", 0, "Entw&APw-rfe" },
	{ "A&B", 0, "A&-B" },
	{ "客服/订单 😀", 0, "&W6JnDQ-/&i6JTVQ- &2D3eAA-" }, /* a surrogate pair */
	{ "~peter/mail/台北/日本語", 0, "~peter/mail/&U,BTFw-/&ZeVnLIqe-" }, /* the RFC's example */
	{ "bad\x01", KF_EINVAL, NULL },
	{ "bad\xff", KF_EINVAL, NULL },
	{ "cut\xe5\xb7", KF_EINVAL, NULL },
};

static void test_folder_encode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		char out[256] = "";
		int rc = imap_folder_encode(folders[i].utf8, out, sizeof(out));
		if (rc != folders[i].rc)
			fail_msg("%s: rc %d, want %d", folders[i].utf8, rc, folders[i].rc);
		if (rc == 0)
			assert_string_equal(out, folders[i].wire);
	}
	char small[6];
	assert_int_equal(imap_folder_encode("已处理", small, sizeof(small)), KF_ETOOBIG);
}

static void test_parse_uids(void **state)
{
	(void)state;
	int64_t *uids = NULL;
	size_t n = 0;
	const char *text = "* SEARCH 7 3 12 3\r\n* 4 EXISTS\r\n* SEARCH 40\r\n";
	assert_int_equal(imap_parse_uids(text, strlen(text), &uids, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(uids[0], 3);
	assert_int_equal(uids[1], 7);
	assert_int_equal(uids[2], 12);
	assert_int_equal(uids[3], 40);
	free(uids);
	text = "* SEARCH\r\n";
	assert_int_equal(imap_parse_uids(text, strlen(text), &uids, &n), 0);
	assert_int_equal(n, 0);
	free(uids);
	text = "* 1 FETCH (UID 17)\r\n* 2 FETCH (FLAGS (\\Seen) UID 9)\r\n* 3 FETCH (UID 17)\r\n* 4 EXISTS\r\n";
	assert_int_equal(imap_parse_uids(text, strlen(text), &uids, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(uids[0], 9);
	assert_int_equal(uids[1], 17);
	free(uids);
	assert_int_equal(imap_parse_uids("", 0, &uids, &n), 0);
	assert_int_equal(n, 0);
	free(uids);
}

static void test_parse_status(void **state)
{
	(void)state;
	struct imap_status st;
	const char *text =
	        "* STATUS \"&XfJZBHQG-\" (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1796689389 UNSEEN 2)\r\n";
	assert_int_equal(imap_parse_status(text, strlen(text), &st), 0);
	assert_int_equal(st.messages, 231);
	assert_int_equal(st.uidnext, 44292);
	assert_int_equal(st.uidvalidity, 1796689389);
	assert_int_equal(st.unseen, 2);
	text = "* OK still here\r\n";
	assert_int_equal(imap_parse_status(text, strlen(text), &st), KF_EINVAL);
}

static void test_uid_key(void **state)
{
	(void)state;
	/* Different UIDVALIDITY, same UID: different keys; the UID is the low half. */
	assert_true(mail_fetch_uid_key(1796689389, 5) != mail_fetch_uid_key(1796689390, 5));
	assert_int_equal(mail_fetch_uid_key(1796689389, 5) & 0xffffffff, 5);
	assert_true(mail_fetch_uid_key(0xffffffffLL, 0xffffffffLL) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folder_encode),
		cmocka_unit_test(test_parse_uids),
		cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_uid_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
