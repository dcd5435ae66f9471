/*
 * test_mail_template.c - channels/mail_template.c: the built-in mails
 * render in both languages with every value in place, values are
 * HTML-escaped in the HTML part, an unknown or unclosed placeholder is
 * refused naming it, and an admin's version (SQLite) is versioned and goes
 * back to the built-in one.
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
#include "channels/mail_template.h"
#include "store/db.h"
#include "base/banned.h"

static const struct mail_vars vars = {
	.ticket_number = "#000123",
	.ticket_subject = "订单 8899 的包裹破损",
	.customer_name = "王小明",
	.reply_body = "已为您补发，<b>单号</b> SF123 & 明天到。",
	.survey_link = "https://shop.example/survey/abc",
	.agent_name = "李娜",
	.shop_name = "好物商城",
};

static void builtins_render_with_every_value(void **state)
{
	(void)state;
	static const char *const names[] = { "ack", "reply", "resolved" };
	static const char *const langs[] = { "zh", "en" };
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++) {
			const char *s, *b;
			struct kf_error err = KF_ERROR_INIT;
			struct mail_rendered r;
			assert_int_equal(mail_template_builtin(names[i], langs[j], &s, &b, &err), 0);
			assert_int_equal(mail_template_check(s, "subject", &err), 0);
			assert_int_equal(mail_template_check(b, "body", &err), 0);
			assert_int_equal(mail_template_render(s, b, &vars, &r, &err), 0);
			assert_non_null(strstr(r.subject, vars.ticket_subject));
			assert_non_null(strstr(r.text, "#000123"));
			assert_null(strstr(r.text, "{{"));
			if (strcmp(names[i], "reply") == 0)
				assert_non_null(strstr(r.text, vars.reply_body));
			if (strcmp(names[i], "resolved") == 0)
				assert_non_null(strstr(r.text, vars.survey_link));
			/* "reply to this mail" in each language */
			assert_non_null(strstr(
			        r.text, strcmp(langs[j], "zh") == 0 ? "直接回复此邮件" : "eply to this mail"));
			mail_rendered_release(&r);
		}
}

static void html_part_escapes_values(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct mail_rendered r;
	assert_int_equal(
	        mail_template_render("Re: {{ ticket.subject }}", "a\n{{reply.body}}\n\nb", &vars, &r, &err), 0);
	assert_string_equal(r.subject, "Re: 订单 8899 的包裹破损");
	assert_string_equal(r.text, "a\n已为您补发，<b>单号</b> SF123 & 明天到。\n\nb");
	assert_null(strstr(r.html, "<b>"));
	assert_non_null(strstr(
	        r.html, "a<br>\n已为您补发，&lt;b&gt;单号&lt;/b&gt; SF123 &amp; 明天到。</p>\n<p>b</p>"));
	mail_rendered_release(&r);
	/* quotes too: an attribute-breaking value stays text */
	assert_int_equal(mail_template_render("s", "x\"><img src=x onerror='alert(1)'>", &vars, &r, &err), 0);
	assert_non_null(strstr(r.html, "x&quot;&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;"));
	assert_null(strstr(r.html, "<img"));
	mail_rendered_release(&r);
}

static void subject_stays_on_one_line(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct mail_rendered r;
	struct mail_vars v = vars;
	v.ticket_subject = "two\r\nlines";
	assert_int_equal(mail_template_render("{{ticket.subject}}", "x", &v, &r, &err), 0);
	assert_string_equal(r.subject, "two  lines");
	mail_rendered_release(&r);
}

static void unknown_placeholder_is_named(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct mail_rendered r;
	assert_int_equal(mail_template_render("x", "Dear {{customer.nmae}}", &vars, &r, &err), KF_EINVAL);
	assert_string_equal(err.key, "mail_template_placeholder");
	assert_string_equal(err.field, "body");
	assert_non_null(strstr(err.message, "{{customer.nmae}}"));
	mail_rendered_release(&r);
	struct kf_error e2 = KF_ERROR_INIT;
	assert_int_equal(mail_template_check("Hi {{ticket.number", "subject", &e2), KF_EINVAL);
	assert_string_equal(e2.field, "subject");
	assert_int_equal(mail_template_check("no placeholders {single}", "body", &e2), 0);
}

static void known_names_and_languages(void **state)
{
	(void)state;
	assert_true(mail_template_known("ack", "zh"));
	assert_true(mail_template_known("resolved", "en"));
	assert_false(mail_template_known("ack", "fr"));
	assert_false(mail_template_known("welcome", "en"));
}

static const struct actor tester = { "cli", 0, "test", NULL, NULL };

static void admin_version_is_versioned_and_resets(void **state)
{
	(void)state;
	char dir[] = "/tmp/kefu-test-mailtpl-XXXXXX", url[128];
	assert_non_null(mkdtemp(dir));
	snprintf(url, sizeof(url), "sqlite:%s/kefu.db", dir);
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	struct store *st = NULL;
	opt.create = 1;
	opt.sync_full = 0;
	assert_int_equal(store_open(url, &opt, &st, &err), 0);
	struct db *db = store_db(st, &err);
	struct mail_template t;
	assert_int_equal(mail_template_get(db, "ack", "en", &t, &err), 0);
	assert_int_equal(t.custom, 0);
	assert_int_equal(t.version, 0);
	mail_template_release(&t);
	/* unknown placeholder: nothing stored */
	assert_int_equal(mail_template_put(db, &tester, 100, "ack", "en", "Hi", "{{order.id}}", 0, &t, &err),
	                 KF_EINVAL);
	assert_int_equal(mail_template_put(db, &tester, 100, "ack", "en", "Got it {{ticket.number}}",
	                                   "Thanks", 0, &t, &err),
	                 0);
	assert_int_equal(t.custom, 1);
	assert_int_equal(t.version, 1);
	mail_template_release(&t);
	/* a stale version is refused */
	assert_int_equal(mail_template_put(db, &tester, 101, "ack", "en", "X", "Y", 0, &t, &err), KF_ESTALE);
	assert_int_equal(mail_template_put(db, &tester, 102, "ack", "en", "X", "Y", 1, &t, &err), 0);
	assert_int_equal(t.version, 2);
	assert_string_equal(t.subject, "X");
	mail_template_release(&t);
	assert_int_equal(mail_template_reset(db, &tester, 103, "ack", "en", &err), 0);
	assert_int_equal(mail_template_get(db, "ack", "en", &t, &err), 0);
	assert_int_equal(t.custom, 0);
	assert_non_null(strstr(t.subject, "We have received"));
	mail_template_release(&t);
	json_t *items = NULL;
	assert_int_equal(mail_template_list_json(db, &items, &err), 0);
	assert_int_equal(json_array_size(items), 6);
	json_decref(items);
	store_close(st);
	char path[160];
	snprintf(path, sizeof(path), "%s/kefu.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/kefu.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/kefu.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtins_render_with_every_value),
		cmocka_unit_test(html_part_escapes_values),
		cmocka_unit_test(subject_stays_on_one_line),
		cmocka_unit_test(unknown_placeholder_is_named),
		cmocka_unit_test(known_names_and_languages),
		cmocka_unit_test(admin_version_is_versioned_and_resets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
