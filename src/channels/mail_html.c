/*
 * mail_html.c - see mail_html.h.
 *
 * First version: the text is the HTML with its tags dropped, and the
 * "sanitised" HTML is that text escaped in a <pre>: safe, not pretty.
 * The libxml2 sanitiser replaces it.
 */
#include "channels/mail_html.h"

#include <string.h>

#include "base/buf.h"
#include "channels/mail_charset.h"

char *mail_html_to_text(const char *html, size_t len)
{
	struct buf b = BUF_INIT;
	b.max = (size_t)-1 / 4;
	int in_tag = 0;
	for (size_t i = 0; i < len; i++) {
		if (html[i] == '<')
			in_tag = 1;
		else if (html[i] == '>')
			in_tag = 0;
		else if (!in_tag)
			buf_addch(&b, html[i]);
	}
	char *r = mail_charset_repair(buf_cstr(&b), b.len);
	buf_release(&b);
	return r;
}

char *mail_html_sanitise(const char *html, size_t len)
{
	char *t = mail_html_to_text(html, len);
	struct buf b = BUF_INIT;
	b.max = (size_t)-1 / 4;
	buf_adds(&b, "<pre>");
	for (const char *p = t; *p; p++) {
		if (*p == '<')
			buf_adds(&b, "&lt;");
		else if (*p == '>')
			buf_adds(&b, "&gt;");
		else if (*p == '&')
			buf_adds(&b, "&amp;");
		else
			buf_addch(&b, *p);
	}
	buf_adds(&b, "</pre>");
	free(t);
	return buf_detach(&b, NULL);
}
