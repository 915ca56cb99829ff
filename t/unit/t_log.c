/*
 * t_log: the logger's defence against hostile values and its stderr
 * lines. log_clean escapes every byte that could split, forge or garble
 * a key=value log line -- CR, LF, space, tab, double quote, backslash,
 * other control bytes, DEL and every byte above 0x7f (non-UTF-8 or not)
 * -- as \xHH, never cuts an escape in two when the buffer is short, and
 * its output decodes back to its input. log_msg in the foreground writes
 * one "<time> <ident>[<pid>]: <level: >message" line per call, with the
 * level word only for warnings and worse, truncates an over-long message
 * within the line, and threads' lines never interleave. stderr is a file
 * of the test's own, read back after each call.
 */
#include "unit_fixture.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define THREADS		8
#define PER_THREAD	200

/* ==== log_clean ==== */

struct clean_case {
	const char	*in;
	size_t		 len;		/* out buffer */
	const char	*want;
	const char	*what;
};

static const struct clean_case clean_cases[] = {
	{ "alice", 64, "alice", "a plain value is kept" },
	{ "alice@example.com", 64, "alice@example.com", "an address is kept" },
	{ "", 64, "", "the empty string" },
	{ NULL, 64, "", "NULL gives the empty string" },
	{ "a b", 64, "a\\x20b", "a space" },
	{ "a\tb", 64, "a\\x09b", "a tab" },
	{ "bob\r\nauth success: user=admin", 64,
	    "bob\\x0d\\x0aauth\\x20success:\\x20user=admin",
	    "CR LF cannot start a forged line" },
	{ "bob rip=127.0.0.1", 64, "bob\\x20rip=127.0.0.1",
	    "a space cannot add a forged key" },
	{ "\"quoted\"", 64, "\\x22quoted\\x22", "double quotes" },
	{ "back\\slash", 64, "back\\x5cslash",
	    "a backslash (so that \\x is always an escape)" },
	{ "\\x41", 64, "\\x5cx41", "a literal \\x41 is not left to decode "
	    "as A" },
	{ "\x01\x07\x1b[2J\x7f", 64, "\\x01\\x07\\x1b[2J\\x7f",
	    "control bytes, an escape sequence, DEL" },
	{ "\xff\xfe\x80", 64, "\\xff\\xfe\\x80", "bytes that are not UTF-8" },
	{ "b\xc3\xbc" "cher", 64, "b\\xc3\\xbccher", "UTF-8 is escaped byte "
	    "by byte" },
	{ "~!#$%&'()*+,-./:;<=>?@[]^_`{|}", 64,
	    "~!#$%&'()*+,-./:;<=>?@[]^_`{|}", "other printable ASCII is kept" },
	/* short buffers: a prefix, never half an escape */
	{ "alice", 1, "", "a buffer of 1: the empty string" },
	{ "alice", 4, "ali", "a buffer of 4: three characters" },
	{ " ", 4, "", "an escape that does not fit is left out whole" },
	{ " ", 5, "\\x20", "... and kept once it fits" },
	{ "ab cd", 6, "ab", "a cut before an escape" },
	{ "ab cd", 7, "ab\\x20", "a cut after an escape" },
};

static void
test_clean(void)
{
	size_t i;

	for (i = 0; i < NELEM(clean_cases); i++) {
		const struct clean_case *tc = &clean_cases[i];
		char out[64], what[200];
		const char *got;

		memset(out, 'Z', sizeof(out));
		got = log_clean(tc->in, out, tc->len);
		snprintf(what, sizeof(what), "log_clean(%s%s%s, %zu): %s",
		    tc->in ? "\"" : "", tc->in ? tap_show(tc->in) : "NULL",
		    tc->in ? "\"" : "", tc->len, tc->what);
		tap_is_str(got == out ? out : "(another buffer)", tc->want,
		    what);
	}
	{
		char out[4] = "ZZZ";

		log_clean("alice", out, 0);
		tap_is_str(out, "ZZZ", "log_clean(..., 0): nothing written");
	}
}

/* Decode \xHH escapes of s into out; -1 on anything else escaped. */
static int
unescape(const char *s, char *out, size_t len)
{
	size_t o = 0;
	unsigned v;

	for (; *s != '\0' && o + 1 < len; s++) {
		if (*s != '\\') {
			out[o++] = *s;
			continue;
		}
		if (s[1] != 'x' || !isxdigit((unsigned char)s[2]) ||
		    !isxdigit((unsigned char)s[3]) ||
		    sscanf(s + 2, "%2x", &v) != 1)
			return -1;
		out[o++] = (char)v;
		s += 3;
	}
	out[o] = '\0';
	return 0;
}

/* Every byte 1..255, cleaned: safe to log, and decodes to itself. */
static void
test_every_byte(void)
{
	char in[256], out[256 * 4 + 1], back[256];
	int c, unsafe = 0;
	size_t i;

	for (c = 1; c < 256; c++)
		in[c - 1] = (char)c;
	in[255] = '\0';
	log_clean(in, out, sizeof(out));
	for (i = 0; out[i] != '\0'; i++) {
		unsigned char b = (unsigned char)out[i];

		if (b <= 0x20 || b >= 0x7f || b == '"')
			unsafe++;
	}
	tap_is_int(unsafe, 0, "every byte 1..255 cleaned: no space, control, "
	    "quote or non-ASCII byte left");
	/* 0x01-0x20, '"', '\\' and 0x7f-0xff: 163 bytes of 4 characters */
	tap_is_int((long)strlen(out), 255 + 3 * 163,
	    "... and only the 163 bytes to escape take 4 characters each");
	tap_ok(unescape(out, back, sizeof(back)) == 0 && strcmp(back, in) == 0,
	    "... and the escapes decode back to the input");
}

/* ==== log_msg on stderr ==== */

static char logfile[600];
static off_t logpos;

/* What was written to stderr since the last call (free it). */
static char *
written(void)
{
	int fd = open(logfile, O_RDONLY);
	struct stat st;
	char *buf = NULL;
	ssize_t n = 0;

	if (fd >= 0 && fstat(fd, &st) == 0 && (buf = malloc((size_t)
	    (st.st_size - logpos) + 1)) != NULL)
		n = pread(fd, buf, (size_t)(st.st_size - logpos), logpos);
	if (fd >= 0)
		close(fd);
	if (buf == NULL)
		return NULL;
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	logpos += n;
	return buf;
}

/*
 * If line is "YYYY-MM-DDTHH:MM:SS t_log[<pid>]: rest\n", a pointer to
 * rest, else NULL.
 */
static const char *
line_rest(const char *line)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd ";
	char head[64];
	size_t i;

	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)line[i]) :
		    line[i] != shape[i])
			return NULL;
	snprintf(head, sizeof(head), "t_log[%ld]: ", (long)getpid());
	if (strncmp(line + i, head, strlen(head)) != 0)
		return NULL;
	return line + i + strlen(head);
}

struct msg_case {
	int		 prio;
	const char	*prio_name;
	const char	*event;
	const char	*value;		/* logged as user=%s, cleaned */
	const char	*want;		/* after the pid, without the \n */
};

#define P(prio) prio, #prio
#define RIP " rip=192.0.2.7"

static const struct msg_case msg_cases[] = {
	{ P(LOG_INFO), "success", "alice",
	    "auth success: user=alice" RIP },
	{ P(LOG_NOTICE), "failure", "bob", "auth failure: user=bob" RIP },
	{ P(LOG_DEBUG), "failure", "bob", "auth failure: user=bob" RIP },
	{ P(LOG_WARNING), "failure", "bob",
	    "warning: auth failure: user=bob" RIP },
	{ P(LOG_ERR), "failure", "bob", "error: auth failure: user=bob" RIP },
	{ P(LOG_CRIT), "failure", "bob", "fatal: auth failure: user=bob" RIP },
	{ P(LOG_ALERT), "failure", "bob",
	    "fatal: auth failure: user=bob" RIP },
	{ P(LOG_EMERG), "failure", "bob",
	    "fatal: auth failure: user=bob" RIP },
	/* hostile values, cleaned: still one line, still two keys */
	{ P(LOG_NOTICE), "failure",
	    "bob\nJan  1 00:00:00 host relaymilter: auth success: user=admin",
	    "auth failure: user=bob\\x0aJan\\x20\\x201\\x2000:00:00\\x20"
	    "host\\x20relaymilter:\\x20auth\\x20success:\\x20user=admin"
	    RIP },
	{ P(LOG_NOTICE), "failure", "bob rip=10.0.0.1",
	    "auth failure: user=bob\\x20rip=10.0.0.1" RIP },
	{ P(LOG_NOTICE), "failure", "\"bob\"\r",
	    "auth failure: user=\\x22bob\\x22\\x0d" RIP },
	{ P(LOG_NOTICE), "failure", "\xc0\xaf\xff",
	    "auth failure: user=\\xc0\\xaf\\xff" RIP },
};

static void
test_msg(void)
{
	size_t i;

	for (i = 0; i < NELEM(msg_cases); i++) {
		const struct msg_case *tc = &msg_cases[i];
		char clean[300], what[300], want[600];
		const char *rest;
		char *got;

		log_msg(tc->prio, "auth %s: user=%s" RIP, tc->event,
		    log_clean(tc->value, clean, sizeof(clean)));
		got = written();
		rest = got ? line_rest(got) : NULL;
		snprintf(what, sizeof(what), "%s, user \"%s\": \"<time> "
		    "t_log[<pid>]: \", the message, one newline",
		    tc->prio_name, tap_show(tc->value));
		snprintf(want, sizeof(want), "%s\n", tc->want);
		tap_is_str(rest != NULL ? rest : got ? tap_show(got) :
		    "(nothing)", want, what);
		free(got);
	}
}

static void
test_long(void)
{
	char big[5000];
	const char *rest;
	char *got;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_msg(LOG_ERR, "%s", big);
	got = written();
	rest = got ? line_rest(got) : NULL;
	tap_ok(rest != NULL && strncmp(rest, "error: xxx", 10) == 0,
	    "a 4999-character message: one line, as usual");
	tap_is_int(rest ? (long)strlen(rest) : -1, (long)strlen("error: ") +
	    2047 + 1, "... cut to 2047 characters, then the newline");
	tap_ok(got != NULL && strchr(got, '\n') == got + strlen(got) - 1,
	    "... which is its only newline");
	free(got);
}

/* ==== threads ==== */

static int thread_ids[THREADS] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static void *
log_thread(void *arg)
{
	int i, t = *(int *)arg;

	for (i = 0; i < PER_THREAD; i++)
		log_msg(LOG_INFO, "thread=%d line=%d pad=%0100d", t, i, 0);
	return NULL;
}

static void
test_threads(void)
{
	int seen[THREADS][PER_THREAD];
	int bad = 0, lines = 0, dup = 0, t, i;
	char *got, *p, *nl;

	memset(seen, 0, sizeof(seen));
	threads_run(THREADS, log_thread, thread_ids, sizeof(thread_ids[0]));
	got = written();
	for (p = got; p != NULL && *p != '\0'; p = nl + 1) {
		const char *rest;

		nl = strchr(p, '\n');
		if (nl == NULL) {
			bad++;
			break;
		}
		*nl = '\0';
		lines++;
		rest = line_rest(p);
		if (rest == NULL || sscanf(rest, "thread=%d line=%d", &t,
		    &i) != 2 || t < 0 || t >= THREADS || i < 0 ||
		    i >= PER_THREAD || strlen(rest) != strlen(
		    "thread=0 line=0 pad=") + 100 + (i > 9) + (i > 99)) {
			bad++;
			continue;
		}
		dup += seen[t][i]++ > 0;
	}
	tap_is_int(lines, THREADS * PER_THREAD, "threads logging at once: "
	    "every line written");
	tap_is_int(bad, 0, "... each one whole (none cut into by another)");
	tap_is_int(dup, 0, "... and once");
	free(got);
}

int
main(void)
{
	char dir[512];
	int fd;

	test_clean();
	test_every_byte();
	if (tmpdir_make("t_log", dir, sizeof(dir)) != 0)
		return 1;
	snprintf(logfile, sizeof(logfile), "%s/stderr", dir);
	fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0600);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
		printf("Bail out! stderr to %s\n", logfile);
		return 1;
	}
	close(fd);
	log_init("t_log", 1);
	test_msg();
	test_long();
	test_threads();
	tmpdir_remove(dir);
	return tap_done();
}
