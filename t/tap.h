/*
 * tap.h: a minimal TAP producer for the unit tests. Each check prints
 * "ok N - what" or "not ok N - what" with the got/want values, and the
 * plan comes last, so a table of cases needs no count kept by hand.
 */
#ifndef RELAYMILTER_TAP_H
#define RELAYMILTER_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static int tap_ok(int pass, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));

/* tap_ok -- one check; returns pass, so a failed one can add details. */
static int
tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass)
		tap_failed++;
	fflush(stdout);
	return pass;
}

/* Compare strings; on failure print both as a TAP diagnostic. */
static int __attribute__((unused))
tap_is_str(const char *got, const char *want, const char *what)
{
	int pass = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);

	tap_ok(pass, "%s", what);
	if (!pass)
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",
		    got ? got : "(null)", want ? want : "(null)");
	return pass;
}

static int __attribute__((unused))
tap_is_int(long got, long want, const char *what)
{
	tap_ok(got == want, "%s", what);
	if (got != want)
		printf("#   got:  %ld\n#   want: %ld\n", got, want);
	return got == want;
}

/*
 * tap_show -- s with control and non-ASCII bytes escaped as \xHH, for
 * one-line TAP output. Returns one of four rotating static buffers.
 */
static __attribute__((unused)) const char *
tap_show(const char *s)
{
	static char bufs[4][512];
	static int which;
	char *b = bufs[which++ & 3];
	size_t o = 0;

	for (; *s && o + 5 < sizeof(bufs[0]); s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(b + o, 5, "\\x%02x", c);
		else
			b[o++] = (char)c;
	}
	b[o] = '\0';
	return b;
}

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
