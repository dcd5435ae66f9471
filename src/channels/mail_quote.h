/*
 * mail_quote.h - where quoted history and the signature begin in the text
 * of a mail, so the agent sees the new part and the rest one click away.
 *
 * Recognised (Chinese and English clients): reply headers "在 … 写道：" and
 * "On … wrote:" (possibly wrapped over two lines), "-----原始邮件-----",
 * QQ Mail's "------------------ 原始邮件 ------------------", Foxmail's
 * "------------------ Original ------------------", Outlook's header blocks
 * "发件人: …" + "发送时间: …" / "From: …" + "Sent: …" (ASCII or full-width
 * colon), "-----Original Message-----", a trailing block of ">" lines, the
 * signature delimiter "-- " and the mobile footers "发自我的iPhone" /
 * "Sent from my iPhone".  Pure; docs/internals/mail-parsing.md lists them.
 */
#ifndef KF_MAIL_QUOTE_H
#define KF_MAIL_QUOTE_H

#include <stddef.h>

/* Offset in text (UTF-8, LF line ends) where the quote or signature begins; strlen(text) when none. */
size_t mail_quote_start(const char *text);

#endif
