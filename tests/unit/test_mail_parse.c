/*
 * test_mail_parse.c - channels/mail_parse.c: headers, bodies in any
 * charset, attachments and the auto-reply flags of raw messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "channels/mail_charset.h"
#include "channels/mail_parse.h"
#include "base/banned.h"

static void parse_ok(const char *raw, struct mail_msg *m)
{
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(mail_parse(raw, strlen(raw), m, &err), 0);
	assert_true(mail_charset_valid(m->text, strlen(m->text)));
	assert_true(mail_charset_valid(m->subject, strlen(m->subject)));
}

static void headers_come_out_decoded(void **state)
{
	(void)state;
	static const char raw[] = "Return-Path: <Zhang@Customer.test>\r\n"
	                          "Delivered-To: support+abc@kefu.test\r\n"
	                          "X-Original-To: support+abc@kefu.test\r\n"
	                          "From: =?UTF-8?B?5byg5LiJ?= <Zhang@Customer.test>\r\n"
	                          "To: Support <support@kefu.test>, \"Li Si\" <li@customer.test>\r\n"
	                          "Cc: wang@customer.test\r\n"
	                          "Reply-To: <reply@customer.test>\r\n"
	                          "Subject: =?GB2312?B?xOO6ww==?= world\r\n"
	                          "Message-ID: <abc.123@customer.test>\r\n"
	                          "In-Reply-To: <kefu-1-x@kefu.test> (message of yesterday)\r\n"
	                          "References: <r1@a.test>\r\n  <r2@a.test>\r\n\t<kefu-1-x@kefu.test>\r\n"
	                          "Date: Tue, 01 Dec 2026 10:00:00 +0800\r\n"
	                          "Content-Type: text/plain; charset=utf-8\r\n"
	                          "\r\n"
	                          "你好，订单没到。\r\n";
	struct mail_msg m;
	parse_ok(raw, &m);
	assert_string_equal(m.from.name, "张三");
	assert_string_equal(m.from.address, "zhang@customer.test");
	assert_string_equal(m.reply_to.address, "reply@customer.test");
	assert_string_equal(m.sender.address, "");
	assert_int_equal(m.nto, 2);
	assert_string_equal(m.to[1].name, "Li Si");
	assert_int_equal(m.ncc, 1);
	assert_string_equal(m.cc[0].address, "wang@customer.test");
	assert_int_equal(m.ndelivered, 1);
	assert_string_equal(m.delivered_to[0].address, "support+abc@kefu.test");
	assert_string_equal(m.return_path, "zhang@customer.test");
	assert_string_equal(m.subject, "你好 world");
	assert_string_equal(m.message_id, "abc.123@customer.test");
	assert_string_equal(m.in_reply_to, "kefu-1-x@kefu.test");
	assert_int_equal(m.nrefs, 3);
	assert_string_equal(m.references[0], "r1@a.test");
	assert_string_equal(m.references[2], "kefu-1-x@kefu.test");
	assert_int_equal(m.date, 1796090400); /* 2026-12-01T02:00:00Z */
	assert_string_equal(m.text, "你好，订单没到。\n");
	assert_null(m.html);
	assert_int_equal(m.auto_flags, 0);
	assert_int_equal(m.nparts, 0);
	assert_int_equal(m.bounce.is_bounce, 0);
	mail_msg_free(&m);
}

static void gbk_body_and_attachment(void **state)
{
	(void)state;
	static const char raw[] = "From: a@b.test\r\n"
	                          "Subject: photo\r\n"
	                          "MIME-Version: 1.0\r\n"
	                          "Content-Type: multipart/mixed; boundary=XX\r\n"
	                          "\r\n"
	                          "--XX\r\n"
	                          "Content-Type: text/plain; charset=gb2312\r\n"
	                          "Content-Transfer-Encoding: base64\r\n"
	                          "\r\n"
	                          "xOO6wyDKwL3n\r\n"
	                          "--XX\r\n"
	                          "Content-Type: image/png; name=\"a.png\"\r\n"
	                          "Content-Disposition: attachment; filename*=UTF-8''%E5%9B%BE.png\r\n"
	                          "Content-Transfer-Encoding: base64\r\n"
	                          "\r\n"
	                          "iVBORw0KGgo=\r\n"
	                          "--XX--\r\n";
	struct mail_msg m;
	parse_ok(raw, &m);
	assert_string_equal(m.text, "你好 世界");
	assert_int_equal(m.nparts, 1);
	assert_string_equal(m.parts[0].filename, "图.png");
	assert_string_equal(m.parts[0].content_type, "image/png");
	assert_int_equal(m.parts[0].len, 8);
	assert_memory_equal(m.parts[0].data, "\x89PNG\r\n\x1a\n", 8);
	assert_null(m.message_id);
	assert_int_equal(m.date, 0);
	mail_msg_free(&m);
}

static void alternative_prefers_plain(void **state)
{
	(void)state;
	static const char raw[] = "From: a@b.test\r\n"
	                          "Content-Type: multipart/alternative; boundary=YY\r\n"
	                          "\r\n"
	                          "--YY\r\n"
	                          "Content-Type: text/html; charset=utf-8\r\n"
	                          "\r\n"
	                          "<p>html <b>body</b></p>\r\n"
	                          "--YY\r\n"
	                          "Content-Type: text/plain; charset=utf-8\r\n"
	                          "Content-Transfer-Encoding: quoted-printable\r\n"
	                          "\r\n"
	                          "plain caf=C3=A9\r\n"
	                          "--YY--\r\n";
	struct mail_msg m;
	parse_ok(raw, &m);
	assert_string_equal(m.text, "plain café");
	assert_non_null(m.html);
	assert_int_equal(m.nparts, 0);
	mail_msg_free(&m);
}

static void auto_flags_from_headers(void **state)
{
	(void)state;
	struct mail_msg m;
	parse_ok("From: a@b.test\nAuto-Submitted: auto-replied\nSubject: x\n\nbody\n", &m);
	assert_int_equal(m.auto_flags, MAIL_AUTO_SUBMITTED);
	mail_msg_free(&m);
	parse_ok("From: a@b.test\nAuto-Submitted: no\nSubject: 自动回复: 休假\n\nbody\n", &m);
	assert_int_equal(m.auto_flags, MAIL_AUTO_REPLY);
	mail_msg_free(&m);
	parse_ok("From: a@b.test\nPrecedence: list\nList-Id: <x.y>\n\nbody\n", &m);
	assert_int_equal(m.auto_flags, MAIL_AUTO_BULK);
	mail_msg_free(&m);
	parse_ok("Return-Path: <>\nFrom: MAILER-DAEMON@mx.test\n\nbody\n", &m);
	assert_int_equal(m.auto_flags, MAIL_AUTO_NULL_SENDER);
	assert_string_equal(m.return_path, "");
	mail_msg_free(&m);
}

static void nothing_readable_is_unparsable(void **state)
{
	(void)state;
	struct mail_msg m;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(mail_parse("", 0, &m, &err), KF_EINVAL);
	assert_string_equal(err.key, "mail_unparsable");
	assert_string_equal(m.text, "");
	mail_msg_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(headers_come_out_decoded),       cmocka_unit_test(gbk_body_and_attachment),
		cmocka_unit_test(alternative_prefers_plain),      cmocka_unit_test(auto_flags_from_headers),
		cmocka_unit_test(nothing_readable_is_unparsable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
