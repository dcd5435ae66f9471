/*
 * mail_html.h - the HTML of a mail made safe to show, and made into text.
 *
 * mail_html_sanitise keeps an allowlist of tags (p br div span b i u
 * strong em ul ol li blockquote pre code table tr td th thead tbody a img
 * h1-h6 hr) and attributes (href with http/https/mailto, src with cid: or
 * data:image, alt, title, colspan, rowspan); script, style, iframe, object,
 * form and their contents, on* handlers, javascript: URLs and CSS are gone.
 * mail_html_to_text gives readable text: block elements end lines, <br> is
 * a line break, list items start with "- ", links read "text (url)",
 * entities decoded.  Both return valid UTF-8 without NUL, never NULL, and
 * are pure (libxml2's HTML parser, no network, no global state of ours).
 */
#ifndef KF_MAIL_HTML_H
#define KF_MAIL_HTML_H

#include <stddef.h>

#include "base/buf.h"

/* Sanitised HTML (a fragment: no html/head/body) of html[0, len) in UTF-8.  Owned (free()). */
char *mail_html_sanitise(const char *html, size_t len);

/* Readable text of html[0, len) in UTF-8, LF line ends.  Owned (free()). */
char *mail_html_to_text(const char *html, size_t len);

/* Append s[0, len) to b with & < > " ' escaped (text and attribute values alike). */
void mail_html_escape(struct buf *b, const char *s, size_t len);

#endif
