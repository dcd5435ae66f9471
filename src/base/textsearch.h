/*
 * textsearch.h - turning text into search terms, for Chinese and English
 * alike, and queries into term lists.  PURE.
 *
 * Chinese has no spaces between words and most words are two characters
 * long (退款, 物流, 破损), so word tokenizers find nothing (the peers'
 * full-text indexes find 0 of ~620 tickets with 退款: see
 * ../shared/reference/peers-measured.md) and a trigram index cannot
 * serve two-character words.  kefu indexes overlapping BIGRAMS of every
 * run of CJK characters and each of its characters on its own (退款申请
 * → 退款 款申 申请 退 款 申 请), and lower-cased words of letters and
 * digits for other scripts; a change of script ends a run (等zeppelin is
 * 等 and zeppelin).  A query is tokenized into bigrams (a one-character
 * run into that character) and every query term must match: 退款 matches
 * the bigram, 鑫 the character anywhere; 退款申请 needs all three bigrams
 * (a phrase check is left to ranking); an English word matches as a
 * prefix (zeppelin finds zeppelins).  The same term string
 * feeds SQLite FTS5 (unicode61 tokenizer) and PostgreSQL tsvector
 * ('simple' configuration) through store/search.c.
 */
#ifndef KF_TEXTSEARCH_H
#define KF_TEXTSEARCH_H

#include <stddef.h>

#include "base/buf.h"

#define TEXTSEARCH_MAX_TERMS 16 /* query terms kept (the rest are dropped) */
#define TEXTSEARCH_TERM_MAX 64 /* bytes of one query term */

/* Append the index terms of text (n bytes of UTF-8) to out, space-separated. */
int textsearch_terms(const char *text, size_t n, struct buf *out);

struct textsearch_query {
	int nterms;
	char terms[TEXTSEARCH_MAX_TERMS][TEXTSEARCH_TERM_MAX]; /* lower-cased, no quotes */
	int prefix[TEXTSEARCH_MAX_TERMS]; /* 1 = match as a prefix (words) */
};

/* Split a user's query into terms; 0 terms when it has nothing searchable. */
void textsearch_query_parse(const char *q, struct textsearch_query *out);

#endif
