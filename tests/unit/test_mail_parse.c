/*
 * test_mail_parse.c - channels/mail_parse.c: headers, bodies in any
 * charset, attachments and the auto-reply flags of raw messages; then every
 * message of the corpus tests/data/mail/NAME.eml against its expected parse
 * NAME.json (the keys are described in tests/data/mail/README.md).  The
 * corpus is read from $KF_DATA_DIR/mail (default tests/data/mail).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>

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
	assert_int_equal(mail_parse("no header here\nat all\n", 22, &m, &err), KF_EINVAL);
	mail_msg_free(&m);
	/* Headers and nothing else, or an empty part: an empty text (the byte order mark check reads no further). */
	parse_ok("From: a@b.test\n\n", &m);
	assert_string_equal(m.text, "");
	assert_int_equal(m.quote_at, 0);
	mail_msg_free(&m);
	parse_ok("From: a@b.test\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n7w==\n", &m);
	assert_string_equal(m.text, "ï"); /* a lone 0xEF byte, no charset: read as windows-1252 */
	mail_msg_free(&m);
}

/* A message built in a buffer the tests fill. */
static char *msg_build(const char *head, const char *part, int copies, const char *tail)
{
	size_t cap = strlen(head) + (size_t)copies * (strlen(part) + 16) + strlen(tail) + 1;
	char *p = malloc(cap);
	assert_non_null(p);
	size_t n = (size_t)snprintf(p, cap, "%s", head);
	for (int i = 0; i < copies; i++)
		n += (size_t)snprintf(p + n, cap - n, part, i);
	snprintf(p + n, cap - n, "%s", tail);
	return p;
}

static void caps_are_kept(void **state)
{
	(void)state;
	char *raw = msg_build("From: a@b.test\nTo: x@y.test", ", u%d@y.test", 150, "\nSubject: many\n\nbody\n");
	struct mail_msg m;
	parse_ok(raw, &m);
	assert_int_equal(m.nto, MAIL_MAX_ADDRS);
	assert_string_equal(m.to[0].address, "x@y.test");
	mail_msg_free(&m);
	free(raw);
	raw = msg_build(
	        "From: a@b.test\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n",
	        "--B\nContent-Type: application/octet-stream; name=f%d.bin\n\nxyz\n", 120, "--B--\n");
	parse_ok(raw, &m);
	assert_int_equal(m.nparts, MAIL_MAX_PARTS);
	assert_int_equal(m.parts_dropped, 20);
	assert_string_equal(m.parts[99].filename, "f99.bin");
	assert_string_equal(m.text, "hi");
	mail_msg_free(&m);
	free(raw);
}

static void cid_reference_makes_a_part_inline(void **state)
{
	(void)state;
	static const char raw[] = "From: a@b.test\n"
	                          "Content-Type: multipart/related; boundary=R\n\n"
	                          "--R\nContent-Type: text/html; charset=utf-8\n\n<p>see <img src=\"cid:Pic1@x\"></p>\n"
	                          "--R\nContent-Type: image/png\nContent-ID: <Pic1@x>\n\nPNG\n"
	                          "--R\nContent-Type: image/png\nContent-ID: <other@x>\n\nPNG\n"
	                          "--R--\n";
	struct mail_msg m;
	parse_ok(raw, &m);
	assert_int_equal(m.nparts, 2);
	assert_string_equal(m.parts[0].content_id, "Pic1@x");
	assert_int_equal(m.parts[0].is_inline, 1);
	assert_int_equal(m.parts[1].is_inline, 0);
	assert_string_equal(m.text, "see"); /* HTML only: text made from it */
	assert_non_null(strstr(m.html, "src=\"cid:Pic1@x\""));
	mail_msg_free(&m);
}

static void forwards_are_recognised(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"From: a@b.test\nSubject: Fwd: parcel\n\nx\n",
		"From: a@b.test\nSubject: FW: parcel\n\nx\n",
		"From: a@b.test\nSubject: =?utf-8?B?6L2s5Y+ROiDljIXoo7k=?=\n\nx\n", /* 转发: 包裹 */
		"From: a@b.test\nSubject: parcel\n\nsee\n\n---------- Forwarded message ---------\nFrom: c@d.test\n",
		"From: a@b.test\nSubject: parcel\n\nsee\n\nBegin forwarded message:\n\n",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct mail_msg m;
		parse_ok(yes[i], &m);
		assert_int_equal(m.is_forward, 1);
		mail_msg_free(&m);
	}
	struct mail_msg m;
	parse_ok("From: a@b.test\nSubject: Re: forward this please\n\nx\n", &m);
	assert_int_equal(m.is_forward, 0);
	mail_msg_free(&m);
}

static void plain_text_bounces(void **state)
{
	(void)state;
	static const char exim[] =
	        "Return-Path: <>\nFrom: Mail Delivery System <Mailer-Daemon@mx.test>\n"
	        "Subject: Mail delivery failed: returning message to sender\n\n"
	        "This message was created automatically by mail delivery software.\n\n"
	        "A message that you sent could not be delivered to one or more of its\n"
	        "recipients. This is a permanent error. The following address(es) failed:\n\n"
	        "  Gone@Customer.test\n    host mx.customer.test [192.0.2.1]\n"
	        "    SMTP error from remote mail server after RCPT TO:<gone@customer.test>:\n"
	        "    550 5.1.1 User unknown\n\n------ This is a copy of the message, including all the headers. ------\n\n"
	        "Message-ID: <kefu-9-abc@kefu.test>\nSubject: Re: x\n";
	struct mail_msg m;
	parse_ok(exim, &m);
	assert_int_equal(m.bounce.is_bounce, 1);
	assert_string_equal(m.bounce.recipient, "gone@customer.test");
	assert_string_equal(m.bounce.status, "5.1.1");
	assert_string_equal(m.bounce.diagnostic, "550 5.1.1 User unknown");
	assert_string_equal(m.bounce.orig_message_id, "kefu-9-abc@kefu.test");
	assert_int_equal(m.auto_flags & MAIL_AUTO_NULL_SENDER, MAIL_AUTO_NULL_SENDER);
	mail_msg_free(&m);
	static const char exchange[] =
	        "From: postmaster@corp.test\nSubject: Undeliverable: order\n\n"
	        "Your message did not reach some or all of the intended recipients.\n\n"
	        "The following recipient(s) cannot be reached:\n\n"
	        "      'Wang Wu' on 12/1/2026 10:00 AM\n"
	        "            wangwu@corp.test\n            550 5.4.1 Recipient address rejected\n";
	parse_ok(exchange, &m);
	assert_int_equal(m.bounce.is_bounce, 1);
	assert_string_equal(m.bounce.recipient, "wangwu@corp.test");
	assert_string_equal(m.bounce.status, "5.4.1");
	mail_msg_free(&m);
	/* A customer who writes about a failed delivery is not a bounce. */
	parse_ok("From: a@b.test\nSubject: my parcel\n\nDelivery failed twice, status 5.1.1?\n", &m);
	assert_int_equal(m.bounce.is_bounce, 0);
	assert_string_equal(m.bounce.recipient, "");
	mail_msg_free(&m);
}

static void format_flowed_is_joined(void **state)
{
	(void)state;
	static const char raw[] = "From: a@b.test\r\n"
	                          "Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
	                          "\xEF\xBB\xBFThe parcel came but the \r\n"
	                          "box was open.\r\n"
	                          "  indented (stuffed)\r\n"
	                          "\r\n"
	                          "-- \r\n"
	                          "Ann\r\n"
	                          "> On Tue you \r\n"
	                          "> wrote:\r\n";
	struct mail_msg m;
	parse_ok(raw, &m);
	assert_string_equal(
	        m.text,
	        "The parcel came but the box was open.\n indented (stuffed)\n\n-- \nAnn\n> On Tue you wrote:\n");
	assert_int_equal(m.quote_at, strlen("The parcel came but the box was open.\n indented (stuffed)\n\n"));
	mail_msg_free(&m);
	static const char delsp[] =
	        "From: a@b.test\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n"
	        "\xe4\xbd\xa0\xe5\xa5\xbd \n\xe4\xb8\x96\xe7\x95\x8c\n";
	parse_ok(delsp, &m);
	assert_string_equal(m.text, "你好世界\n");
	mail_msg_free(&m);
}

/* Parsing in several threads at once gives what one thread gives (GMime state is per call). */
struct thread_arg {
	const char *raw;
	int ok;
};

static void *parse_loop(void *p)
{
	struct thread_arg *a = p;
	a->ok = 1;
	for (int i = 0; i < 40; i++) {
		struct mail_msg m;
		struct kf_error err = KF_ERROR_INIT;
		if (mail_parse(a->raw, strlen(a->raw), &m, &err) != 0 ||
		    strcmp(m.subject, "你好 world") != 0 || m.nparts != 1 || strcmp(m.from.name, "张三") != 0)
			a->ok = 0;
		mail_msg_free(&m);
	}
	return NULL;
}

static void threads_parse_independently(void **state)
{
	(void)state;
	static const char raw[] =
	        "From: =?UTF-8?B?5byg5LiJ?= <z@c.test>\nSubject: =?GB2312?B?xOO6ww==?= world\n"
	        "Content-Type: multipart/mixed; boundary=X\n\n"
	        "--X\nContent-Type: text/html; charset=gbk\n\n<p>\xc4\xe3\xba\xc3</p>\n"
	        "--X\nContent-Type: image/png; name=a.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--X--\n";
	pthread_t t[4];
	struct thread_arg a[4];
	for (int i = 0; i < 4; i++) {
		a[i].raw = raw;
		assert_int_equal(pthread_create(&t[i], NULL, parse_loop, &a[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].ok, 1);
	}
}

/* The corpus check of one message; failures name the file and the key. */
struct expect {
	const char *name;
	const struct mail_msg *m;
	json_t *j;
};

static void fail_key(const struct expect *e, const char *key, const char *got)
{
	fail_msg("%s: %s: got [%s]", e->name, key, got ? got : "(null)");
}

static void expect_str(const struct expect *e, const char *key, const char *got)
{
	json_t *v = json_object_get(e->j, key);
	if (!v)
		return;
	if (json_is_null(v)) {
		if (got)
			fail_key(e, key, got);
		return;
	}
	if (!got || strcmp(json_string_value(v), got) != 0)
		fail_key(e, key, got);
}

static void expect_addr(const struct expect *e, const char *key, json_t *v, const struct mail_addr *a)
{
	const char *name = json_string_value(json_object_get(v, "name"));
	const char *addr = json_string_value(json_object_get(v, "address"));
	if (name && strcmp(name, a->name) != 0)
		fail_key(e, key, a->name);
	if (addr && strcmp(addr, a->address) != 0)
		fail_key(e, key, a->address);
}

static void expect_addrs(const struct expect *e, const char *key, const struct mail_addr *v, size_t n)
{
	json_t *arr = json_object_get(e->j, key);
	if (!arr)
		return;
	if (json_array_size(arr) != n) {
		char got[32];
		snprintf(got, sizeof(got), "%zu addresses", n);
		fail_key(e, key, got);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i);
		if (json_is_string(x)) {
			if (strcmp(json_string_value(x), v[i].address) != 0)
				fail_key(e, key, v[i].address);
		} else
			expect_addr(e, key, x, &v[i]);
	}
}

static void expect_refs(const struct expect *e)
{
	json_t *arr = json_object_get(e->j, "references");
	if (!arr)
		return;
	if (json_array_size(arr) != e->m->nrefs)
		fail_key(e, "references", "a different count");
	for (size_t i = 0; i < e->m->nrefs; i++)
		if (strcmp(json_string_value(json_array_get(arr, i)), e->m->references[i]) != 0)
			fail_key(e, "references", e->m->references[i]);
}

/* text[0, quote_at) without white space at either end. */
static void expect_visible(const struct expect *e)
{
	json_t *v = json_object_get(e->j, "text_visible");
	if (!v)
		return;
	const char *t = e->m->text;
	size_t end = e->m->quote_at;
	assert_true(end <= strlen(t));
	size_t start = 0;
	while (start < end && strchr(" \t\r\n", t[start]))
		start++;
	while (end > start && strchr(" \t\r\n", t[end - 1]))
		end--;
	if (strlen(json_string_value(v)) != end - start ||
	    memcmp(json_string_value(v), t + start, end - start) != 0)
		fail_msg("%s: text_visible: got [%.*s]", e->name, (int)(end - start), t + start);
}

static void expect_contains(const struct expect *e, const char *key, const char *hay, bool want)
{
	json_t *arr = json_object_get(e->j, key);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *needle = json_string_value(json_array_get(arr, i));
		if ((hay && strstr(hay, needle)) != want)
			fail_msg("%s: %s [%s] in [%s]", e->name, key, needle, hay ? hay : "(null)");
	}
}

static void expect_part(const struct expect *e, json_t *x, const struct mail_part *p)
{
	const char *fn = json_string_value(json_object_get(x, "filename"));
	const char *ct = json_string_value(json_object_get(x, "content_type"));
	const char *cid = json_string_value(json_object_get(x, "content_id"));
	const char *has = json_string_value(json_object_get(x, "contains"));
	json_t *size = json_object_get(x, "size");
	json_t *inl = json_object_get(x, "is_inline");
	if (fn && strcmp(fn, p->filename) != 0)
		fail_key(e, "attachments.filename", p->filename);
	if (ct && strcmp(ct, p->content_type) != 0)
		fail_key(e, "attachments.content_type", p->content_type);
	if (cid && strcmp(cid, p->content_id) != 0)
		fail_key(e, "attachments.content_id", p->content_id);
	if (size && (size_t)json_integer_value(size) != p->len)
		fail_key(e, "attachments.size", p->filename);
	if (inl && json_is_true(inl) != (p->is_inline != 0))
		fail_key(e, "attachments.is_inline", p->filename);
	if (has && !memmem(p->data, p->len, has, strlen(has)))
		fail_key(e, "attachments.contains", p->filename);
}

static void expect_parts(const struct expect *e)
{
	json_t *arr = json_object_get(e->j, "attachments");
	json_t *count = json_object_get(e->j, "attachments_count");
	if (count && (size_t)json_integer_value(count) != e->m->nparts)
		fail_key(e, "attachments_count", "a different count");
	if (!arr)
		return;
	if (json_array_size(arr) != e->m->nparts)
		fail_key(e, "attachments", "a different count");
	for (size_t i = 0; i < e->m->nparts; i++)
		expect_part(e, json_array_get(arr, i), &e->m->parts[i]);
}

static void expect_auto(const struct expect *e)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = { { "submitted", MAIL_AUTO_SUBMITTED },
		      { "reply", MAIL_AUTO_REPLY },
		      { "bulk", MAIL_AUTO_BULK },
		      { "null_sender", MAIL_AUTO_NULL_SENDER } };
	json_t *arr = json_object_get(e->j, "auto_flags");
	if (!arr)
		return;
	unsigned want = 0;
	for (size_t i = 0; i < json_array_size(arr); i++)
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(json_string_value(json_array_get(arr, i)), names[k].name) == 0)
				want |= names[k].bit;
	if (want != e->m->auto_flags)
		fail_msg("%s: auto_flags: got %u, want %u", e->name, e->m->auto_flags, want);
}

static void expect_bounce(const struct expect *e)
{
	json_t *b = json_object_get(e->j, "bounce");
	if (!b)
		return;
	if (json_is_null(b)) {
		if (e->m->bounce.is_bounce)
			fail_key(e, "bounce", "a bounce");
		return;
	}
	if (!e->m->bounce.is_bounce)
		fail_key(e, "bounce", "no bounce");
	struct expect sub = { e->name, e->m, b };
	expect_str(&sub, "recipient", e->m->bounce.recipient);
	expect_str(&sub, "action", e->m->bounce.action);
	expect_str(&sub, "status", e->m->bounce.status);
	expect_str(&sub, "diagnostic", e->m->bounce.diagnostic);
	expect_str(&sub, "orig_message_id", e->m->bounce.orig_message_id);
}

static void expect_all(const struct expect *e)
{
	const struct mail_msg *m = e->m;
	json_t *from = json_object_get(e->j, "from");
	if (from)
		expect_addr(e, "from", from, &m->from);
	expect_addrs(e, "to", m->to, m->nto);
	expect_addrs(e, "cc", m->cc, m->ncc);
	expect_addrs(e, "delivered_to", m->delivered_to, m->ndelivered);
	expect_str(e, "subject", m->subject);
	expect_str(e, "message_id", m->message_id);
	expect_str(e, "in_reply_to", m->in_reply_to);
	expect_str(e, "return_path", m->return_path);
	expect_refs(e);
	json_t *date = json_object_get(e->j, "date");
	if (date && json_integer_value(date) != m->date)
		fail_msg("%s: date: got %lld", e->name, (long long)m->date);
	expect_visible(e);
	expect_contains(e, "text_contains", m->text, true);
	json_t *html = json_object_get(e->j, "html");
	if (html && json_is_null(html) && m->html)
		fail_key(e, "html", m->html);
	expect_contains(e, "html_contains", m->html, true);
	expect_contains(e, "html_absent", m->html, false);
	expect_parts(e);
	expect_auto(e);
	json_t *fwd = json_object_get(e->j, "is_forward");
	if (fwd && json_is_true(fwd) != (m->is_forward != 0))
		fail_key(e, "is_forward", m->is_forward ? "true" : "false");
	expect_bounce(e);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s: set KF_DATA_DIR to the test data directory", path);
	char *p = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(p, cap);
			assert_non_null(p);
		}
		size_t r = fread(p + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*len = n;
	return p;
}

static void check_one(const char *dir, const char *name)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);
	if (!j)
		fail_msg("%s: %s", path, jerr.text);
	snprintf(path, sizeof(path), "%s/%s.eml", dir, name);
	size_t len = 0;
	char *raw = slurp(path, &len);
	struct mail_msg m;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(mail_parse(raw, len, &m, &err), 0);
	assert_true(mail_charset_valid(m.text, strlen(m.text)));
	assert_true(!m.html || mail_charset_valid(m.html, strlen(m.html)));
	struct expect e = { name, &m, j };
	expect_all(&e);
	mail_msg_free(&m);
	free(raw);
	json_decref(j);
}

static void corpus_parses_as_expected(void **state)
{
	(void)state;
	const char *base = getenv("KF_DATA_DIR");
	char dir[900];
	snprintf(dir, sizeof(dir), "%s/mail", base && *base ? base : "tests/data");
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	size_t checked = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n <= 5 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(n - 5), de->d_name);
		check_one(dir, name);
		checked++;
	}
	closedir(d);
	assert_true(checked >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(headers_come_out_decoded),
		cmocka_unit_test(gbk_body_and_attachment),
		cmocka_unit_test(alternative_prefers_plain),
		cmocka_unit_test(auto_flags_from_headers),
		cmocka_unit_test(nothing_readable_is_unparsable),
		cmocka_unit_test(caps_are_kept),
		cmocka_unit_test(cid_reference_makes_a_part_inline),
		cmocka_unit_test(forwards_are_recognised),
		cmocka_unit_test(plain_text_bounces),
		cmocka_unit_test(format_flowed_is_joined),
		cmocka_unit_test(threads_parse_independently),
		cmocka_unit_test(corpus_parses_as_expected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
