/*
 * test_head.c - http/head.c: the strict check of a connection's first
 * request head.  Every malformed head libmicrohttpd would answer with its
 * own HTML is refused here with the status kefu answers in JSON; every
 * well-formed head passes, also when it arrives a byte at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/head.h"
#include "base/banned.h"

static int check(const char *s, struct head_result *r)
{
	return head_check(s, strlen(s), r);
}

static void valid_heads_pass(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /api/v1/tickets?x=1 HTTP/1.0\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\ncontent-length:0\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  Chunked \r\n\r\n",
		"GET / HTTP/1.1\nHost: a\n\n",
		"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Utf8: \xe6\x8a\xa5\xe5\x91\x8a\r\n\r\n",
		"GET / HTTP/1.1\r\nX-Tab: a\tb\r\nHost: a\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct head_result r;
		assert_int_equal(check(ok[i], &r), 1);
		assert_int_equal(r.len, strlen(ok[i]));
		assert_null(r.message);
	}
}

static void the_body_is_not_part_of_the_head(void **state)
{
	(void)state;
	struct head_result r;
	const char *s = "POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
	assert_int_equal(check(s, &r), 1);
	assert_int_equal(r.len, strlen(s) - 3);
}

static void malformed_heads_are_refused(void **state)
{
	(void)state;
	static const struct {
		const char *head;
		int status;
	} cases[] = {
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 413 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n: empty name\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400 },
		{ "GET / HTTP/9.9\r\nHost: a\r\n\r\n", 505 },
		{ "GET / HTTP/2.0\r\n\r\n", 505 },
		{ "GET / HTTP/1.1x\r\n\r\n", 400 },
		{ "GET / FTP/1.1\r\n\r\n", 400 },
		{ "GET /\r\n\r\n", 400 },
		{ "GET  / HTTP/1.1\r\n\r\n", 400 },
		{ "G(T / HTTP/1.1\r\n\r\n", 400 },
		{ " / HTTP/1.1\r\n\r\n", 400 },
		{ "GET /a b HTTP/1.1\r\n\r\n", 400 },
		{ "GET /\x7f HTTP/1.1\r\n\r\n", 400 },
		{ "\x16\x03\x01\x02\x01\x01\xfc\x03\x03\n", 400 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct head_result r;
		int got = check(cases[i].head, &r);
		if (got != cases[i].status)
			fail_msg("case %zu: %d, expected %d", i, got, cases[i].status);
		assert_non_null(r.message);
	}
}

static void errors_show_before_the_head_ends(void **state)
{
	(void)state;
	struct head_result r;
	assert_int_equal(check("GET / HTTP/1.1\r\nBroken\r\n", &r), 400);
	assert_int_equal(check("GET / HTTP/1.1\r\nHost: a\r\n", &r), 0);
	assert_int_equal(check("GET / HTT", &r), 0);
	assert_int_equal(check("", &r), 0);
	assert_int_equal(check("\r\n\r\n", &r), 0);
}

/* Fed a byte at a time, a valid head is "more" until its last byte. */
static void a_head_a_byte_at_a_time(void **state)
{
	(void)state;
	const char *s = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n";
	size_t n = strlen(s);
	struct head_result r;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(head_check(s, i, &r), 0);
	assert_int_equal(head_check(s, n, &r), 1);
}

static void sizes_are_capped(void **state)
{
	(void)state;
	size_t big = HEAD_MAX_BYTES + 100;
	char *s = malloc(big + 1);
	struct head_result r;
	assert_non_null(s);
	/* a request line that never ends */
	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', big - 5);
	s[big] = '\0';
	assert_int_equal(head_check(s, HEAD_MAX_LINE, &r), 0);
	assert_int_equal(head_check(s, HEAD_MAX_LINE + 1, &r), 414);
	/* a complete request line that is too long */
	memcpy(s + HEAD_MAX_LINE + 1, " HTTP/1.1\r\n\r\n", 14);
	assert_int_equal(head_check(s, HEAD_MAX_LINE + 14, &r), 414);
	/* many header lines */
	size_t pos = (size_t)snprintf(s, big, "GET / HTTP/1.1\r\n");
	while (pos + 40 < big)
		pos += (size_t)snprintf(s + pos, big - pos, "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
	assert_int_equal(head_check(s, pos, &r), 431);
	/* one endless header line */
	pos = (size_t)snprintf(s, big, "GET / HTTP/1.1\r\nX: ");
	memset(s + pos, 'b', big - pos);
	assert_int_equal(head_check(s, big, &r), 431);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_heads_pass),
		cmocka_unit_test(the_body_is_not_part_of_the_head),
		cmocka_unit_test(malformed_heads_are_refused),
		cmocka_unit_test(errors_show_before_the_head_ends),
		cmocka_unit_test(a_head_a_byte_at_a_time),
		cmocka_unit_test(sizes_are_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
