/*
 * mail_quote.c - see mail_quote.h.
 */
#include "channels/mail_quote.h"

#include <string.h>

size_t mail_quote_start(const char *text)
{
	return text ? strlen(text) : 0;
}
