/*
 * ctlproto: parsing of control command lines. Every byte is checked: the
 * socket may be reachable by any member of its group.
 */
#include "config.h"

#include <string.h>

#include "ctlproto.h"

int
ctlproto_split(char *line, char **argv)
{
	size_t len = strlen(line);
	int n = 0;
	char *p;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	for (p = line; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -1;
	}
	for (p = line; *p; ) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == CTL_ARGS_MAX)
			return -1;
		argv[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n > 0 ? n : -1;
}
