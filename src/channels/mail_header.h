/*
 * mail_header.h - raw header values made safe for GMime's decoders.
 *
 * Real clients break RFC 2047 in ways GMime 3 does not repair: an encoded
 * word split in the middle of a multibyte character (the two halves each
 * decode to garbage), an encoded word with no charset ("=?B?...?="), and raw
 * 8-bit GBK, Big5 or Latin-1 bytes in a header.  mail_header_normalise
 * rewrites a raw value so that GMime reads it right: 8-bit text is turned
 * into UTF-8 (mail_charset's guess for the whole value), and every run of
 * adjacent encoded words is decoded, joined per charset and re-encoded as
 * one "=?UTF-8?B?...?=" word.  Structure (quotes, commas, <addresses>) is
 * untouched, so the result still parses as an address list.  Pure.
 */
#ifndef KF_MAIL_HEADER_H
#define KF_MAIL_HEADER_H

/* The unfolded, normalised form of a raw header value (NULL counts as "").  Owned (free()). */
char *mail_header_normalise(const char *raw);

#endif
