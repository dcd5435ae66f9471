/*
 * test_mail_compose.c - channels/mail_compose.c: a composed mail parsed
 * back with GMime has each header right (display names RFC 2047-encoded,
 * Reply-To with the token, Message-ID, In-Reply-To, References, the
 * subject tag once, Auto-Submitted only on automatic mail), the body is
 * multipart/alternative text + HTML in UTF-8, attachments come back byte
 * for byte, and every line ends in CRLF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "base/err.h"
#include "channels/mail_compose.h"
#include "base/banned.h"

static const struct mail_addr cc[] = { { "", "boss@customer.test" }, { "Zhang San", "zs@customer.test" } };
static const unsigned char png[] = { 0x89, 'P', 'N', 'G', 0, 1, 2, 3, 0xff, '\n', '.', '\r' };

static struct mail_compose_in sample(void)
{
	static const struct mail_file files[] = { { "发票 照片.png", "image/png", png, sizeof(png) } };
	return (struct mail_compose_in){
		.from = { "好物商城客服", "support@kefu.test" },
		.reply_to = "support+abcd2345efgh@kefu.test",
		.to = { "王小明", "wang@customer.test" },
		.cc = cc,
		.ncc = 2,
		.message_id = "kefu.0123456789abcdef.12@kefu.test",
		.in_reply_to = "orig-1@customer.test",
		.references = "root@customer.test orig-1@customer.test",
		.subject = "Re: 包裹破损 [#000012]",
		.text = "您好，\n已补发。\n",
		.html = "<p>您好，<br>已补发。</p>",
		.auto_submitted = 0,
		.ticket_number = "#000012",
		.date = 1790000000,
		.files = files,
		.nfiles = 1,
	};
}

static GMimeMessage *parse(const char *raw, size_t len)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(raw, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	assert_non_null(m);
	return m;
}

static char *compose(const struct mail_compose_in *in, size_t *len)
{
	struct kf_error err = KF_ERROR_INIT;
	char *raw = NULL;
	assert_int_equal(mail_compose(in, &raw, len, &err), 0);
	return raw;
}

static void headers_parse_back(void **state)
{
	(void)state;
	struct mail_compose_in in = sample();
	size_t len;
	char *raw = compose(&in, &len);
	/* names are encoded on the wire, not raw UTF-8 */
	assert_non_null(strstr(raw, "From: =?"));
	assert_null(strstr(raw, "From: 好物"));
	GMimeMessage *m = parse(raw, len);
	InternetAddressMailbox *from = INTERNET_ADDRESS_MAILBOX(
	        internet_address_list_get_address(g_mime_message_get_from(m), 0));
	assert_string_equal(internet_address_get_name(INTERNET_ADDRESS(from)), "好物商城客服");
	assert_string_equal(internet_address_mailbox_get_addr(from), "support@kefu.test");
	InternetAddressMailbox *rt = INTERNET_ADDRESS_MAILBOX(
	        internet_address_list_get_address(g_mime_message_get_reply_to(m), 0));
	assert_string_equal(internet_address_mailbox_get_addr(rt), "support+abcd2345efgh@kefu.test");
	InternetAddressList *to = g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_TO);
	assert_int_equal(internet_address_list_length(to), 1);
	assert_string_equal(internet_address_get_name(internet_address_list_get_address(to, 0)), "王小明");
	InternetAddressList *ccl = g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_CC);
	assert_int_equal(internet_address_list_length(ccl), 2);
	assert_string_equal(g_mime_message_get_message_id(m), "kefu.0123456789abcdef.12@kefu.test");
	assert_string_equal(g_mime_message_get_subject(m), "Re: 包裹破损 [#000012]");
	GMimeObject *o = GMIME_OBJECT(m);
	assert_string_equal(g_mime_object_get_header(o, "In-Reply-To"), "<orig-1@customer.test>");
	assert_string_equal(g_mime_object_get_header(o, "References"),
	                    "<root@customer.test> <orig-1@customer.test>");
	assert_string_equal(g_mime_object_get_header(o, "X-Kefu-Ticket"), "#000012");
	assert_null(g_mime_object_get_header(o, "Auto-Submitted"));
	GDateTime *d = g_mime_message_get_date(m);
	assert_int_equal(g_date_time_to_unix(d), 1790000000);
	g_object_unref(m);
	free(raw);
}

static void body_is_alternative_with_file(void **state)
{
	(void)state;
	struct mail_compose_in in = sample();
	size_t len;
	char *raw = compose(&in, &len);
	GMimeMessage *m = parse(raw, len);
	GMimeObject *top = g_mime_message_get_mime_part(m);
	assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(top), "multipart", "mixed"));
	GMimeMultipart *mixed = GMIME_MULTIPART(top);
	assert_int_equal(g_mime_multipart_get_count(mixed), 2);
	GMimeObject *alt = g_mime_multipart_get_part(mixed, 0);
	assert_true(
	        g_mime_content_type_is_type(g_mime_object_get_content_type(alt), "multipart", "alternative"));
	GMimeTextPart *plain = GMIME_TEXT_PART(g_mime_multipart_get_part(GMIME_MULTIPART(alt), 0));
	GMimeTextPart *html = GMIME_TEXT_PART(g_mime_multipart_get_part(GMIME_MULTIPART(alt), 1));
	char *t = g_mime_text_part_get_text(plain);
	assert_string_equal(t, "您好，\r\n已补发。\r\n"); /* canonical CRLF */
	g_free(t);
	assert_string_equal(g_mime_text_part_get_charset(html), "utf-8");
	t = g_mime_text_part_get_text(html);
	assert_non_null(strstr(t, "已补发"));
	g_free(t);
	GMimePart *file = GMIME_PART(g_mime_multipart_get_part(mixed, 1));
	assert_string_equal(g_mime_part_get_filename(file), "发票 照片.png");
	GMimeStream *out = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(file), out);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	assert_int_equal(ba->len, sizeof(png));
	assert_memory_equal(ba->data, png, sizeof(png));
	g_object_unref(out);
	g_object_unref(m);
	free(raw);
}

static void lines_end_in_crlf(void **state)
{
	(void)state;
	struct mail_compose_in in = sample();
	size_t len;
	char *raw = compose(&in, &len);
	for (size_t i = 0; i < len; i++)
		if (raw[i] == '\n')
			assert_true(i > 0 && raw[i - 1] == '\r');
	free(raw);
}

static void auto_submitted_on_automatic_mail(void **state)
{
	(void)state;
	struct mail_compose_in in = sample();
	in.auto_submitted = 1;
	in.nfiles = 0;
	in.ncc = 0;
	in.in_reply_to = NULL;
	in.references = NULL;
	size_t len;
	char *raw = compose(&in, &len);
	GMimeMessage *m = parse(raw, len);
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(m), "Auto-Submitted"), "auto-replied");
	assert_null(g_mime_object_get_header(GMIME_OBJECT(m), "In-Reply-To"));
	GMimeObject *top = g_mime_message_get_mime_part(m);
	assert_true(
	        g_mime_content_type_is_type(g_mime_object_get_content_type(top), "multipart", "alternative"));
	g_object_unref(m);
	free(raw);
}

static void bad_address_is_refused(void **state)
{
	(void)state;
	struct mail_compose_in in = sample();
	struct kf_error err = KF_ERROR_INIT;
	char *raw = NULL;
	size_t len;
	in.to.address = "not an address";
	assert_int_equal(mail_compose(&in, &raw, &len, &err), KF_EINVAL);
	assert_string_equal(err.field, "to");
	assert_null(raw);
}

static void subject_tag_once(void **state)
{
	(void)state;
	char out[64];
	mail_compose_subject("Re: 包裹破损", "[#000012]", out, sizeof(out));
	assert_string_equal(out, "Re: 包裹破损 [#000012]");
	mail_compose_subject("Re: 包裹破损 [#000012]", "[#000012]", out, sizeof(out));
	assert_string_equal(out, "Re: 包裹破损 [#000012]");
	mail_compose_subject("", "[#000012]", out, sizeof(out));
	assert_string_equal(out, "[#000012]");
	/* a long subject is cut between characters and keeps its tag */
	mail_compose_subject("一二三四五六七八九十一二三四五六七八九十", "[#000012]", out, 32);
	assert_string_equal(out, "一二三四五六七 [#000012]"); /* 21 + 10 bytes + NUL */
}

static void references_chain_capped(void **state)
{
	(void)state;
	char out[MAIL_COMPOSE_REFS_BYTES];
	mail_compose_references("<a@x> <b@x>", "<c@x>", out);
	assert_string_equal(out, "a@x b@x c@x");
	mail_compose_references("a@x b@x", "b@x", out);
	assert_string_equal(out, "a@x b@x");
	mail_compose_references(NULL, "c@x", out);
	assert_string_equal(out, "c@x");
	char refs[2048] = "";
	size_t used = 0;
	for (int i = 0; i < 40; i++)
		used += (size_t)snprintf(refs + used, sizeof(refs) - used, "<m%d@x>", i);
	mail_compose_references(refs, "last@x", out);
	int n = 1;
	for (const char *p = out; *p; p++)
		n += *p == ' ';
	assert_int_equal(n, MAIL_COMPOSE_REFS_MAX);
	assert_int_equal(strncmp(out, "m0@x m22@x", 10), 0); /* the root, then the newest */
	assert_non_null(strstr(out, "m39@x last@x"));
}

static void message_ids_are_random(void **state)
{
	(void)state;
	char a[MAIL_COMPOSE_ID_MAX], b[MAIL_COMPOSE_ID_MAX];
	mail_compose_message_id("kefu.test", 12, a);
	mail_compose_message_id("kefu.test", 12, b);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), strlen("kefu.0123456789abcdef.12@kefu.test"));
	assert_int_equal(strncmp(a, "kefu.", 5), 0);
	assert_non_null(strstr(a, ".12@kefu.test"));
	assert_string_equal(mail_compose_domain("support@kefu.test"), "kefu.test");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(headers_parse_back),      cmocka_unit_test(body_is_alternative_with_file),
		cmocka_unit_test(lines_end_in_crlf),       cmocka_unit_test(auto_submitted_on_automatic_mail),
		cmocka_unit_test(bad_address_is_refused),  cmocka_unit_test(subject_tag_once),
		cmocka_unit_test(references_chain_capped), cmocka_unit_test(message_ids_are_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
