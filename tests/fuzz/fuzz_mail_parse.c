/*
 * fuzz_mail_parse.c - libFuzzer harness for channels/mail_parse.c (and
 * through it mail_header, mail_charset, mail_html, mail_quote, mail_dsn):
 * raw messages from the network, parsed with GMime.  Checks: no crash, no
 * leak, no read past the input, and the contract of struct mail_msg —
 * every string valid UTF-8 without NUL, addresses never empty, quote_at
 * within the text, the caps (MAIL_MAX_*) kept.  Seeds: the mail corpus
 * (tests/fuzz/corpus/fuzz_mail_parse links to the .eml files of tests/data/mail).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channels/mail_charset.h"
#include "channels/mail_parse.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s)
{
	if (!s || !mail_charset_valid(s, strlen(s)))
		abort();
}

static void check_addrs(const struct mail_addr *v, size_t n)
{
	if (n > MAIL_MAX_ADDRS)
		abort();
	for (size_t i = 0; i < n; i++) {
		check_str(v[i].name);
		check_str(v[i].address);
		if (!*v[i].address || strlen(v[i].address) > MAIL_ADDR_MAX)
			abort();
	}
}

static void check_msg(const struct mail_msg *m)
{
	check_str(m->from.name);
	check_str(m->from.address);
	check_str(m->reply_to.address);
	check_str(m->sender.address);
	check_addrs(m->to, m->nto);
	check_addrs(m->cc, m->ncc);
	check_addrs(m->delivered_to, m->ndelivered);
	check_str(m->subject);
	check_str(m->text);
	if (m->quote_at > strlen(m->text))
		abort();
	if (m->html)
		check_str(m->html);
	if (m->return_path)
		check_str(m->return_path);
	if (m->message_id && !*m->message_id)
		abort();
	if (m->nrefs > MAIL_MAX_REFS || m->nparts > MAIL_MAX_PARTS)
		abort();
	for (size_t i = 0; i < m->nrefs; i++)
		check_str(m->references[i]);
	for (size_t i = 0; i < m->nparts; i++) {
		check_str(m->parts[i].filename);
		check_str(m->parts[i].content_type);
		check_str(m->parts[i].content_id);
		if (!m->parts[i].data)
			abort();
	}
	check_str(m->bounce.recipient);
	check_str(m->bounce.status);
	check_str(m->bounce.diagnostic);
	check_str(m->bounce.orig_message_id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = malloc(size ? size : 1);
	if (!raw)
		return 0;
	memcpy(raw, data, size); /* an exact-size copy: ASan sees any read past it */
	struct mail_msg m;
	struct kf_error err = KF_ERROR_INIT;
	if (mail_parse(raw, size, &m, &err) == 0)
		check_msg(&m);
	else if (!m.text || !m.subject)
		abort();
	mail_msg_free(&m);
	free(raw);
	return 0;
}
