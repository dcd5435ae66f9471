/*
 * lang_detect.h - the language of a ticket from its text, for tickets that
 * arrive without one (API, portal): "zh" when Chinese characters dominate,
 * "en" when Latin letters do, the caller's default otherwise (too little
 * text, or an even mix).
 *
 * The measure: each Han character (CJK Unified Ideographs with extension A
 * and the compatibility block) counts LANG_DETECT_CJK_WEIGHT, each Latin
 * letter (A-Z, a-z, Latin-1 and Latin Extended-A/B letters) counts 1: a
 * Chinese character carries about as much as an English word of 4 letters,
 * so "我的 iPhone 没收到" is Chinese and "Hi, I am 王芳, where is my
 * parcel?" is English.  The CJK share of the weighted total decides: at
 * least LANG_DETECT_ZH_SHARE is zh, at most 1 - LANG_DETECT_ZH_SHARE is
 * en, between is the default; digits, punctuation and other scripts do not
 * count.  Pure.
 */
#ifndef KF_LANG_DETECT_H
#define KF_LANG_DETECT_H

#define LANG_DETECT_CJK_WEIGHT 4 /* Latin letters one Han character weighs */
#define LANG_DETECT_ZH_SHARE 0.6 /* CJK share from which text is zh (and up to 1 - this: en) */
#define LANG_DETECT_MIN_WEIGHT 2 /* less weighted text than this: the default */

/* "zh", "en", or fallback for the text of a and b (either may be NULL); a static string or fallback. */
const char *lang_detect(const char *a, const char *b, const char *fallback);

#endif
