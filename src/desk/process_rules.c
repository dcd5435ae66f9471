/*
 * process_rules.c - see process_rules.h.
 */
#include "desk/process_rules.h"

#include <string.h>

/* Index of s in a NULL-free table of n names, or -1. */
int process_rules_name_index(const char *const *names, size_t n, const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *process_rules_name_at(const char *const *names, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? names[i] : "";
}

int process_rules_currency_valid(const char *s)
{
	if (!s || strlen(s) != 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}
