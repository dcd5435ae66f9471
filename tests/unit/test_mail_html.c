/*
 * test_mail_html.c - channels/mail_html.c: the sanitiser keeps only the
 * allowlist (no script, handler, javascript: URL, CSS or remote image gets
 * through), and the text rendering reads like the mail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "channels/mail_charset.h"
#include "channels/mail_html.h"
#include "base/banned.h"

static char *san(const char *html)
{
	char *r = mail_html_sanitise(html, strlen(html));
	assert_non_null(r);
	assert_true(mail_charset_valid(r, strlen(r)));
	return r;
}

static char *txt(const char *html)
{
	char *r = mail_html_to_text(html, strlen(html));
	assert_non_null(r);
	assert_true(mail_charset_valid(r, strlen(r)));
	return r;
}

static void sanitise_cases(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "<p>Hi <b>there</b></p>", "<p>Hi <b>there</b></p>" },
		/* libxml2 puts text that follows head content in a <p>, as it may. */
		{ "<script>alert(1)</script>ok", "<p>ok</p>" },
		{ "<SCRIPT SRC=//x.test/a.js></SCRIPT>ok", "<p>ok</p>" },
		{ "<style>p{}</style><p style=\"color:red\" class=x id=y>t</p>", "<p>t</p>" },
		{ "<body onload=\"x()\"><div onclick=x onmouseover=y>t</div></body>", "<div>t</div>" },
		{ "<a href=\"javascript:alert(1)\">x</a>", "<a rel=\"noopener noreferrer nofollow\">x</a>" },
		{ "<a href=\" JaVa&#x09;ScRiPt:alert(1)\">x</a>",
		  "<a rel=\"noopener noreferrer nofollow\">x</a>" },
		{ "<a href=\"vbscript:x\">x</a>", "<a rel=\"noopener noreferrer nofollow\">x</a>" },
		{ "<a href=\"data:text/html,<script>x</script>\">x</a>",
		  "<a rel=\"noopener noreferrer nofollow\">x</a>" },
		{ "<a href=\"https://shop.test/?a=1&amp;b=2\" target=_blank>x</a>",
		  "<a href=\"https://shop.test/?a=1&amp;b=2\" rel=\"noopener noreferrer nofollow\">x</a>" },
		{ "<a href=\"mailto:a@b.test\">m</a>",
		  "<a href=\"mailto:a@b.test\" rel=\"noopener noreferrer nofollow\">m</a>" },
		{ "<img src=\"cid:part1@x\" alt=\"photo\" onerror=\"x()\">",
		  "<img src=\"cid:part1@x\" alt=\"photo\">" },
		{ "<img src=\"data:image/png;base64,iVBO\">", "<img src=\"data:image/png;base64,iVBO\">" },
		{ "<img src=\"https://tracker.test/p.gif\" alt=\"logo\">", "logo" },
		{ "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "" },
		{ "<iframe src=\"https://x.test\">in</iframe><object data=x>o</object><embed src=x>", "" },
		{ "<form action=x><input name=a><button>b</button>secret</form>ok", "ok" },
		{ "<svg><script>alert(1)</script></svg><math><mi>x</mi></math>", "" },
		{ "<font color=red><center>c</center></font>", "c" },
		{ "<!-- a comment --><p>t</p>", "<p>t</p>" },
		{ "<table><tr><td colspan=\"2\" rowspan=\"x\" width=9>a</td></tr></table>",
		  "<table><tr><td colspan=\"2\">a</td></tr></table>" },
		{ "<p title='\"><script>x</script>'>t</p>",
		  "<p title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">t</p>" },
		{ "a &lt;b&gt; &amp; c", "<p>a &lt;b&gt; &amp; c</p>" },
		{ "<p>未闭合的<b>标签", "<p>未闭合的<b>标签</b></p>" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = san(cases[i].in);
		if (strcmp(r, cases[i].out) != 0)
			print_error("case %zu: %s\n", i, cases[i].in);
		assert_string_equal(r, cases[i].out);
		free(r);
	}
}

static void sanitised_output_has_no_active_content(void **state)
{
	(void)state;
	static const char *const evil[] = {
		"<scr<script>ipt>alert(1)</script>",
		"<IMG SRC=JaVaScRiPt:alert('XSS')>",
		"<IMG SRC=`javascript:alert(1)`>",
		"<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
		"<BODY BACKGROUND=\"javascript:alert('XSS')\">",
		"<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
		"<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
		"<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert(1);\">",
		"<base href=\"javascript:alert(1)//\">",
		"<link rel=stylesheet href=\"https://x.test/a.css\">",
		"<details open ontoggle=alert(1)>",
		"<p/onmouseover=alert(1)>x",
	};
	for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		char *r = san(evil[i]);
		for (char *p = r; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		if (strstr(r, "<script") || strstr(r, "javascript:") || strstr(r, " on") ||
		    strstr(r, "style") || strstr(r, "<meta") || strstr(r, "<base") || strstr(r, "<link"))
			fail_msg("case %zu kept active content: %s", i, r);
		free(r);
	}
}

static void text_cases(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "<p>one</p><p>two</p>", "one\n\ntwo" },
		{ "a<br>b<br/>c", "a\nb\nc" },
		{ "<div>x</div><div>y</div>", "x\ny" },
		{ "<ul><li>one</li><li>two</li></ul>", "- one\n- two" },
		{ "<ol><li>first</li></ol>after", "- first\nafter" },
		{ "see <a href=\"https://shop.test/o/1\">your order</a>.",
		  "see your order (https://shop.test/o/1)." },
		{ "<a href=\"https://shop.test/\">https://shop.test/</a>", "https://shop.test/" },
		{ "<a href=\"mailto:a@b.test\">a@b.test</a>", "a@b.test" },
		{ "<a href=\"javascript:x\">click</a>", "click" },
		{ "&lt;tag&gt; &amp; &quot;q&quot; &#20320;&#x597D; caf&eacute;&nbsp;!",
		  "<tag> & \"q\" 你好 café !" },
		{ "  lots   of \n\n  space  ", "lots of space" },
		{ "<pre>  a\n    b</pre>", "  a\n    b" },
		{ "<script>x()</script><style>p{}</style>body", "body" },
		{ "<h1>Title</h1>text", "Title\n\ntext" },
		{ "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "a b\nc d" },
		{ "<p>a</p>\n\n\n<p>b</p>", "a\n\nb" },
		{ "<blockquote>quoted</blockquote>", "> quoted" },
		{ "reply<blockquote>a<br>b<blockquote>c</blockquote></blockquote>", "reply\n\n> a\n> b\n> > c" },
		{ "<blockquote><ul><li>x</li></ul></blockquote>", "> - x" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = txt(cases[i].in);
		if (strcmp(r, cases[i].out) != 0)
			print_error("case %zu: %s\n", i, cases[i].in);
		assert_string_equal(r, cases[i].out);
		free(r);
	}
}

static void bad_bytes_come_out_valid(void **state)
{
	(void)state;
	static const char in[] = "<p>ok \xff\xfe <b>\xe4\xbd</b> \xc0\x80</p>";
	char *r = mail_html_sanitise(in, sizeof(in) - 1);
	assert_true(mail_charset_valid(r, strlen(r)));
	free(r);
	r = mail_html_to_text(in, sizeof(in) - 1);
	assert_true(mail_charset_valid(r, strlen(r)));
	free(r);
	static const char nul[] = "<p>a\0b</p>";
	r = mail_html_to_text(nul, sizeof(nul) - 1);
	assert_true(mail_charset_valid(r, strlen(r)));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sanitise_cases),
		cmocka_unit_test(sanitised_output_has_no_active_content),
		cmocka_unit_test(text_cases),
		cmocka_unit_test(bad_bytes_come_out_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
