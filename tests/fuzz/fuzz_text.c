/*
 * fuzz_text.c - libFuzzer harness for the parsers of short user text:
 * dates and times (calendar_parse_date, calendar_parse_iso: API ?at=, CLI --at,
 * holidays) and full-text search (textsearch_terms on indexed text,
 * textsearch_query_parse on ?q=).  Checks: no crash, no leak, and a
 * parsed ISO time round-trips through its date part.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/textsearch.h"
#include "desk/calendar.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kf_error err = KF_ERROR_INIT;
	struct textsearch_query q;
	struct buf terms = BUF_INIT;
	char *s = malloc(size + 1);
	int64_t day = 0, at = 0;
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)calendar_parse_date(s, &day, &err);
	if (calendar_parse_iso(s, &at) == 0) {
		char date[11];
		memcpy(date, s, 10); /* an accepted time starts with its date */
		date[10] = '\0';
		if (calendar_parse_date(date, &day, &err) != 0)
			abort();
	}
	(void)textsearch_terms(s, size, &terms);
	textsearch_query_parse(s, &q);
	buf_release(&terms);
	free(s);
	return 0;
}
