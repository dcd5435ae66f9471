/*
 * mail_html.c - see mail_html.h.
 *
 * libxml2's HTML parser (the one browsers' quirks are modelled on, with
 * recovery on) builds a tree from whatever the mail holds; both functions
 * walk that tree and write their own output, so nothing the parser kept
 * (comments, processing instructions, unknown elements, attributes) reaches
 * the result unless a table below lets it.  The declared <meta charset> is
 * ignored: the input is already UTF-8 (mail_parse converted it).
 */
#include "channels/mail_html.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "channels/mail_charset.h"

#define HTML_MAX_DEPTH 200 /* elements deeper than this are skipped */

/* Elements dropped with everything inside them. */
static const char *const dropped[] = { "script",  "style",    "iframe", "frame",    "frameset", "object",
	                               "embed",   "applet",   "head",   "title",    "template", "form",
	                               "input",   "button",   "select", "textarea", "svg",      "math",
	                               "link",    "meta",     "base",   "audio",    "video",    "canvas",
	                               "noembed", "noframes", "param",  "source",   "track",    NULL };

/* Elements kept (with the attributes of attr_allowed); every other element is unwrapped. */
static const char *const kept[] = { "p",  "br", "div", "span",  "b",          "i",   "u",    "strong",
	                            "em", "ul", "ol",  "li",    "blockquote", "pre", "code", "table",
	                            "tr", "td", "th",  "thead", "tbody",      "a",   "img",  "h1",
	                            "h2", "h3", "h4",  "h5",    "h6",         "hr",  NULL };

/* Elements that end a line in the text rendering. */
static const char *const blocks[] = { "p",      "div",        "table",   "tr",     "ul",      "ol",
	                              "li",     "blockquote", "pre",     "h1",     "h2",      "h3",
	                              "h4",     "h5",         "h6",      "hr",     "section", "article",
	                              "header", "footer",     "address", "center", "dl",      "dt",
	                              "dd",     "caption",    "figure",  "main",   "nav",     "aside",
	                              "thead",  "tbody",      "tfoot",   NULL };

static bool in_list(const char *const *list, const char *name)
{
	for (size_t i = 0; list[i]; i++)
		if (strcasecmp(list[i], name) == 0)
			return true;
	return false;
}

static bool is_void(const char *name)
{
	return strcmp(name, "br") == 0 || strcmp(name, "hr") == 0 || strcmp(name, "img") == 0;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
	xmlInitParser();
}

/* Parse html[0, len) (UTF-8) into a tree, or NULL. */
static htmlDocPtr html_parse(const char *html, size_t len)
{
	pthread_once(&init_once, init_libxml);
	if (!html || len == 0 || len > (size_t)INT32_MAX)
		return NULL;
	int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
	        HTML_PARSE_IGNORE_ENC;
	return htmlReadMemory(html, (int)len, NULL, "UTF-8", opts);
}

/* A URL value with leading space and control characters skipped (as browsers do). */
static const char *url_start(const char *v)
{
	while (*v && (unsigned char)*v <= 0x20)
		v++;
	return v;
}

/* Whether the scheme of url is one of the allowed; browsers ignore tabs/newlines inside it. */
static bool scheme_is(const char *url, const char *const *schemes)
{
	char s[16];
	size_t n = 0;
	for (const char *p = url_start(url); *p && *p != ':' && n + 1 < sizeof(s); p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r')
			continue;
		s[n++] = (char)tolower((unsigned char)*p);
	}
	s[n] = '\0';
	if (!strchr(url, ':'))
		return false;
	for (size_t i = 0; schemes[i]; i++)
		if (strcmp(s, schemes[i]) == 0)
			return true;
	return false;
}

static bool href_ok(const char *v)
{
	static const char *const schemes[] = { "http", "https", "mailto", NULL };
	return scheme_is(v, schemes);
}

static bool src_ok(const char *v)
{
	static const char *const images[] = { "data:image/png;",
		                              "data:image/jpeg;",
		                              "data:image/jpg;",
		                              "data:image/gif;",
		                              "data:image/webp;",
		                              "data:image/bmp;",
		                              NULL };
	const char *u = url_start(v);
	if (strncasecmp(u, "cid:", 4) == 0)
		return true;
	for (size_t i = 0; images[i]; i++)
		if (strncasecmp(u, images[i], strlen(images[i])) == 0)
			return true;
	return false;
}

static bool number_ok(const char *v)
{
	size_t n = strlen(v);
	return n > 0 && n <= 3 && strspn(v, "0123456789") == n;
}

/* Whether attribute name=value may stay on element tag. */
static bool attr_allowed(const char *tag, const char *name, const char *value)
{
	if (strcasecmp(name, "alt") == 0 || strcasecmp(name, "title") == 0)
		return true;
	if (strcasecmp(name, "colspan") == 0 || strcasecmp(name, "rowspan") == 0)
		return number_ok(value);
	if (strcasecmp(name, "href") == 0)
		return strcmp(tag, "a") == 0 && href_ok(value);
	if (strcasecmp(name, "src") == 0)
		return strcmp(tag, "img") == 0 && src_ok(value);
	return false;
}

static int escaped(char c)
{
	return c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
}

void mail_html_escape(struct buf *b, const char *s, size_t len)
{
	const char *end = s + len;
	while (s < end) {
		size_t n = 0;
		while (s + n < end && !escaped(s[n]))
			n++;
		buf_add(b, s, n);
		s += n;
		if (s == end)
			return;
		switch (*s++) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_adds(b, "&#39;");
		}
	}
}

/* Append s (NUL-terminated) HTML-escaped: text and attribute values alike. */
static void mail_html_escape_str(struct buf *b, const char *s)
{
	mail_html_escape(b, s, strlen(s));
}

static void attrs_write(struct buf *b, xmlNodePtr n, const char *tag)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		const char *name = (const char *)a->name;
		xmlChar *value = xmlNodeGetContent((xmlNodePtr)a);
		const char *v = value ? (const char *)value : "";
		if (attr_allowed(tag, name, v)) {
			buf_addf(b, " %s=\"", name);
			mail_html_escape_str(b, url_start(v) == v ? v : url_start(v));
			buf_addch(b, '"');
		}
		xmlFree(value);
	}
	if (strcmp(tag, "a") == 0)
		buf_adds(b, " rel=\"noopener noreferrer nofollow\"");
}

/* Whether an <img> has a src we keep; when not, its alt text stands in for it. */
static bool img_ok(xmlNodePtr n, struct buf *b)
{
	xmlChar *src = xmlGetProp(n, (const xmlChar *)"src");
	bool ok = src && src_ok((const char *)src);
	xmlFree(src);
	if (!ok) {
		xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
		if (alt)
			mail_html_escape_str(b, (const char *)alt);
		xmlFree(alt);
	}
	return ok;
}

static void sanitise_node(struct buf *b, xmlNodePtr n, int depth);

static void sanitise_children(struct buf *b, xmlNodePtr n, int depth)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		sanitise_node(b, c, depth + 1);
}

static void sanitise_node(struct buf *b, xmlNodePtr n, int depth)
{
	if (depth > HTML_MAX_DEPTH)
		return;
	if (n->type == XML_TEXT_NODE) {
		mail_html_escape_str(b, n->content ? (const char *)n->content : "");
		return;
	}
	if (n->type != XML_ELEMENT_NODE) {
		if (n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE)
			sanitise_children(b, n, depth);
		return;
	}
	const char *tag = (const char *)n->name;
	if (in_list(dropped, tag))
		return;
	if (!in_list(kept, tag)) {
		sanitise_children(b, n, depth);
		return;
	}
	if (strcmp(tag, "img") == 0 && !img_ok(n, b))
		return;
	buf_addf(b, "<%s", tag);
	attrs_write(b, n, tag);
	buf_addch(b, '>');
	if (is_void(tag))
		return;
	sanitise_children(b, n, depth);
	buf_addf(b, "</%s>", tag);
}

char *mail_html_sanitise(const char *html, size_t len)
{
	struct buf b = BUF_INIT;
	b.max = (size_t)-1 / 4;
	htmlDocPtr doc = html_parse(html, len);
	if (doc) {
		sanitise_node(&b, (xmlNodePtr)doc, 0);
		xmlFreeDoc(doc);
	}
	char *r = mail_charset_repair(buf_cstr(&b), b.len);
	buf_release(&b);
	return r;
}

/* The text rendering under way. */
struct text {
	struct buf b;
	int pre; /* inside <pre>: white space kept */
	int space; /* a collapsed space is pending */
	int quote; /* <blockquote> depth: lines start with "> " that many times */
};

/* At the start of a line inside a blockquote, write its "> " marks. */
static void text_bol(struct text *t)
{
	if (t->quote == 0 || (t->b.len > 0 && t->b.p[t->b.len - 1] != '\n'))
		return;
	for (int i = 0; i < t->quote; i++)
		buf_adds(&t->b, "> ");
}

/* End the current line unless the text is empty or already ends one. */
static void text_newline(struct text *t)
{
	t->space = 0;
	if (t->b.len > 0 && t->b.p[t->b.len - 1] != '\n')
		buf_addch(&t->b, '\n');
}

/* Append a text node's content, collapsing white space outside <pre>; NBSP is a space. */
static void text_add(struct text *t, const char *s)
{
	for (; *s; s++) {
		bool nbsp = (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0;
		bool ws = nbsp || *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f';
		if (nbsp)
			s++;
		if (t->pre) {
			if (*s != '\n')
				text_bol(t);
			buf_addch(&t->b, ws && *s != '\n' ? ' ' : *s);
			continue;
		}
		if (ws) {
			t->space = t->b.len > 0 && t->b.p[t->b.len - 1] != '\n';
			continue;
		}
		text_bol(t);
		if (t->space)
			buf_addch(&t->b, ' ');
		t->space = 0;
		buf_addch(&t->b, *s);
	}
}

static void text_node(struct text *t, xmlNodePtr n, int depth);

static void text_children(struct text *t, xmlNodePtr n, int depth)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		text_node(t, c, depth + 1);
}

/* An <a>: its text, then " (url)" when the link goes somewhere else than it says. */
static void text_link(struct text *t, xmlNodePtr n, int depth)
{
	size_t start = t->b.len;
	text_children(t, n, depth);
	xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
	if (href && href_ok((const char *)href)) {
		const char *u = url_start((const char *)href);
		const char *shown = t->b.p ? t->b.p + start : "";
		const char *bare = strncasecmp(u, "mailto:", 7) == 0 ? u + 7 : u;
		if (strcmp(shown, u) != 0 && strcmp(shown, bare) != 0) {
			buf_addf(&t->b, " (%s)", bare);
			t->space = 0;
		}
	}
	xmlFree(href);
}

static void text_element(struct text *t, xmlNodePtr n, int depth)
{
	const char *tag = (const char *)n->name;
	if (in_list(dropped, tag))
		return;
	if (strcasecmp(tag, "br") == 0) {
		buf_addch(&t->b, '\n');
		t->space = 0;
		return;
	}
	bool block = in_list(blocks, tag);
	if (block)
		text_newline(t);
	if (strcasecmp(tag, "li") == 0) {
		text_bol(t);
		buf_adds(&t->b, "- ");
	} else if (strcasecmp(tag, "td") == 0 || strcasecmp(tag, "th") == 0)
		t->space = t->b.len > 0 && t->b.p[t->b.len - 1] != '\n';
	if (strcasecmp(tag, "a") == 0)
		text_link(t, n, depth);
	else if (strcasecmp(tag, "pre") == 0) {
		t->pre++;
		text_children(t, n, depth);
		t->pre--;
	} else if (strcasecmp(tag, "blockquote") == 0) {
		t->quote++;
		text_children(t, n, depth);
		t->quote--;
	} else
		text_children(t, n, depth);
	if (block)
		text_newline(t);
	if (strcasecmp(tag, "p") == 0 || (tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6' && !tag[2]))
		buf_addch(&t->b, '\n'); /* a paragraph is followed by an empty line */
}

static void text_node(struct text *t, xmlNodePtr n, int depth)
{
	if (depth > HTML_MAX_DEPTH)
		return;
	if (n->type == XML_TEXT_NODE)
		text_add(t, n->content ? (const char *)n->content : "");
	else if (n->type == XML_ELEMENT_NODE)
		text_element(t, n, depth);
	else if (n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE)
		text_children(t, n, depth);
}

/* Trailing spaces off every line, at most one empty line in a row, none at either end. */
static char *text_tidy(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	b.max = (size_t)-1 / 4;
	int newlines = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			while (b.len > 0 && b.p[b.len - 1] == ' ')
				b.len--;
			if (b.len > 0 && newlines < 2)
				buf_addch(&b, '\n');
			newlines++;
			continue;
		}
		newlines = 0;
		buf_addch(&b, s[i]);
	}
	while (b.len > 0 && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == ' '))
		b.len--;
	char *r = mail_charset_repair(buf_cstr(&b), b.len);
	buf_release(&b);
	return r;
}

char *mail_html_to_text(const char *html, size_t len)
{
	struct text t = { .b = BUF_INIT };
	t.b.max = (size_t)-1 / 4;
	htmlDocPtr doc = html_parse(html, len);
	if (doc) {
		text_node(&t, (xmlNodePtr)doc, 0);
		xmlFreeDoc(doc);
	}
	char *r = text_tidy(buf_cstr(&t.b), t.b.len);
	buf_release(&t.b);
	return r;
}
