/*
 * t_conf_files: the config model from files: @include and the file:line
 * of errors in included files, files and folders others may write, the
 * warnings for risky settings and for readable plaintext passwords,
 * local.transports, the embedded default, conf_user_find and reference
 * counting (conf_unref(NULL) included).
 */
#include "conf_fixture.h"

/* ==== files and @include ==== */

static char tmpdir[256];

static void
write_file(const char *name, const char *text, mode_t mode, char *path,
    size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		printf("# cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

struct file_case {
	const char	*what;
	const char	*main_text;	/* written as main-N.conf */
	const char	*inc_name;	/* written too, or NULL */
	const char	*inc_text;
	int		 ok;
	const char	*err_file;	/* "main" or "inc" */
	int		 line;
	const char	*needle;
};

static const struct file_case file_cases[] = {
	{ "a good @include",
	    "# main\nlocal = { domains = [ \"example.com\" ]; };\n"
	    "@include \"users-ok.inc\"\nrelay = { smtp_auth = true; };\n",
	    "users-ok.inc",
	    "users = (\n  { name = \"alice\"; password = \"" PW_SCRAM "\";\n"
	    "    relay = true; }\n);\n", 1, NULL, 0, NULL },
	{ "an error in the main file",
	    "# main\nrelay = {\n  smtp_auth = yes;\n};\n", NULL, NULL, 0,
	    "main", 3, "syntax error" },
	{ "an unknown key in the main file",
	    "# main\n\nrelay = {\n  smtp_auth = true;\n  smtpauth = true;\n};\n",
	    NULL, NULL, 0, "main", 5, "smtpauth" },
	{ "a bad password in an included file",
	    "# main\nlocal = { domains = [ \"example.com\" ]; };\n"
	    "@include \"users-bad.inc\"\n",
	    "users-bad.inc",
	    "users = (\n  { name = \"alice\"; password = \"{PLAIN}a\"; },\n"
	    "  { name = \"bob\";\n    password = \"{MD5}x\"; }\n);\n", 0, "inc",
	    4, "bob" },
	{ "an unknown key in an included file",
	    "@include \"users-key.inc\"\n",
	    "users-key.inc",
	    "users = (\n  { name = \"a\"; password = \"{PLAIN}a\";\n"
	    "    rely = true; }\n);\n", 0, "inc", 3, "rely" },
	{ "a duplicate user across main and include",
	    "users = (\n  { name = \"a\"; password = \"{PLAIN}a\"; }\n);\n"
	    "@include \"users-dup.inc\"\n",
	    "users-dup.inc",
	    "\nusers = (\n  { name = \"a\"; password = \"{PLAIN}b\"; }\n);\n", 0,
	    "inc", 2, NULL },
	{ "a bad CIDR in an included file",
	    "# main\n@include \"local-bad.inc\"\n",
	    "local-bad.inc",
	    "local = {\n  domains = [ \"example.com\" ];\n"
	    "  lan = [ \"10.0.0.1/8\" ];\n};\n", 0, "inc", 3, "10.0.0.1/8" },
	{ "a syntax error in an included file",
	    "# main\n\n@include \"syntax.inc\"\n",
	    "syntax.inc",
	    "users = (\n  { name = \"a\" password }\n);\n", 0, "inc", 2,
	    "syntax error" },
	{ "an error in the main file after an @include",
	    "local = { domains = [ \"example.com\" ]; };\n"
	    "@include \"users-ok2.inc\"\nrelay = {\n  smtp_auth = \"yes\";\n};\n",
	    "users-ok2.inc",
	    "users = (\n  { name = \"a\"; password = \"" PW_SCRAM "\"; }\n);\n",
	    0, "main", 4, "smtp_auth" },
};

static void
test_files(void)
{
	size_t i;

	for (i = 0; i < NELEM(file_cases); i++) {
		const struct file_case *tc = &file_cases[i];
		char main_path[512], inc_path[512] = "", name[32];
		char err[CONF_ERRLEN] = "";
		struct conf *c;

		snprintf(name, sizeof(name), "main-%zu.conf", i);
		write_file(name, tc->main_text, 0600, main_path,
		    sizeof(main_path));
		if (tc->inc_name != NULL)
			write_file(tc->inc_name, tc->inc_text, 0600, inc_path,
			    sizeof(inc_path));
		c = conf_load(main_path, err, sizeof(err));
		if (tc->ok) {
			tap_ok(c != NULL, "loads: %s", tc->what);
			if (c == NULL)
				printf("#   %s\n", err);
			else {
				tap_is_str(c->path, main_path, "path kept");
				tap_is_int((long)c->nwarnings, 0,
				    "no warning (mode 0600)");
			}
			conf_unref(c);
			continue;
		}
		tap_ok(c == NULL, "refused: %s", tc->what);
		conf_unref(c);
		if (strcmp(tc->err_file, "inc") == 0) {
			/*
			 * The included file may be named by its path or as
			 * the @include line wrote it (relative to the main
			 * file's directory); either names the file.
			 */
			size_t n = strlen(tc->inc_name);

			check_error(tc->what, err, strncmp(err, tc->inc_name,
			    n) == 0 && err[n] == ':' ? tc->inc_name : inc_path,
			    tc->line, tc->needle);
		} else
			check_error(tc->what, err, main_path, tc->line,
			    tc->needle);
	}
}

static void
test_file_misc(void)
{
	char path[512], inc[512], err[CONF_ERRLEN];
	struct conf *c;

	/* A file that does not exist. */
	snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
	err[0] = '\0';
	c = conf_load(path, err, sizeof(err));
	tap_ok(c == NULL, "a missing file is refused");
	tap_ok(strncmp(err, path, strlen(path)) == 0,
	    "... and the message names it (%s)", err);

	/* An @include of a file that does not exist. */
	write_file("inc-absent.conf", "# x\n@include \"nowhere.inc\"\n", 0600,
	    path, sizeof(path));
	err[0] = '\0';
	c = conf_load(path, err, sizeof(err));
	tap_ok(c == NULL, "a missing @include file is refused");
	conf_unref(c);
	tap_ok(err[0] != '\0', "... with a message (%s)", err);

	/* Plaintext passwords in a file readable by others: a warning. */
	write_file("users-plain.inc",
	    "users = ( { name = \"a\"; password = \"{PLAIN}a\"; } );\n", 0644,
	    inc, sizeof(inc));
	write_file("warn.conf", "@include \"users-plain.inc\"\n", 0600, path,
	    sizeof(path));
	c = conf_load(path, err, sizeof(err));
	tap_ok(c != NULL, "world-readable {PLAIN} file still loads");
	if (c != NULL) {
		tap_ok(c->nwarnings >= 1, "... with a warning");
		tap_ok(c->nwarnings >= 1 && strstr(c->warnings[0], inc) != NULL,
		    "... naming the file (%s)",
		    c->nwarnings ? c->warnings[0] : "none");
		tap_ok(c->nwarnings >= 1 && strstr(c->warnings[0], "{PLAIN}a")
		    == NULL, "... without the password");
	}
	conf_unref(c);

	/* The same when the main file itself holds them. */
	write_file("warn-main.conf",
	    "users = ( { name = \"a\"; password = \"{PLAIN}a\"; } );\n",
	    0644, path, sizeof(path));
	c = conf_load(path, err, sizeof(err));
	tap_ok(c != NULL && c->nwarnings >= 1 && strstr(c->warnings[0],
	    path) != NULL, "world-readable main file with {PLAIN}: a warning "
	    "naming it (%s)", c && c->nwarnings ? c->warnings[0] : "none");
	conf_unref(c);
	write_file("warn.conf", "@include \"users-plain.inc\"\n", 0600, path,
	    sizeof(path));

	chmod(inc, 0600);
	c = conf_load(path, err, sizeof(err));
	tap_ok(c != NULL && c->nwarnings == 0,
	    "the same file at mode 0600: no warning");
	conf_unref(c);

	write_file("users-scram.inc",
	    "users = ( { name = \"a\"; password = \"" PW_SCRAM "\"; } );\n",
	    0644, inc, sizeof(inc));
	write_file("warn2.conf", "@include \"users-scram.inc\"\n", 0644, path,
	    sizeof(path));
	c = conf_load(path, err, sizeof(err));
	tap_ok(c != NULL && c->nwarnings == 0,
	    "a readable file of hashed passwords: no warning");
	conf_unref(c);
}

/* conf_load(path) fails with a message that starts with want. */
static void
perm_refused(const char *path, const char *want, const char *what)
{
	char err[CONF_ERRLEN] = "";
	struct conf *c = conf_load(path, err, sizeof(err));

	tap_ok(c == NULL, "%s: refused", what);
	conf_unref(c);
	tap_ok(strncmp(err, want, strlen(want)) == 0, "%s: says \"%s...\" (%s)",
	    what, want, err);
}

/*
 * Who may change the files: a file, @include or folder every local user
 * may write is refused with the file's name; a file its group may write
 * draws a warning. conf_load only: a string load has no file.
 */
static void
test_file_perms(void)
{
	static const char good[] = "local = { domains = [ \"a.test\" ]; };\n";
	char path[512], inc[512], dir[300], real[512], err[CONF_ERRLEN];
	char want[1200];
	struct conf *c;

	write_file("perm-main.conf", good, 0666, path, sizeof(path));
	snprintf(want, sizeof(want), "%s: every local user may write it (mode "
	    "0666)", path);
	perm_refused(path, want, "a config file every user may write");
	chmod(path, 0602);
	snprintf(want, sizeof(want), "%s: every local user may write it (mode "
	    "0602)", path);
	perm_refused(path, want, "... at mode 0602");

	write_file("perm-inc.inc", "users = ( );\n", 0646, inc, sizeof(inc));
	write_file("perm-inc.conf", "# main\n@include \"perm-inc.inc\"\n", 0600,
	    path, sizeof(path));
	snprintf(want, sizeof(want), "%s: every local user may write it", inc);
	perm_refused(path, want, "an @include every user may write");
	write_file("perm-inc.inc", "", 0666, inc, sizeof(inc));
	perm_refused(path, want, "... even an empty one");

	chmod(inc, 0664);
	c = conf_load(path, err, sizeof(err));
	tap_ok(c != NULL, "an @include its group may write loads");
	snprintf(want, sizeof(want), "%s: group ", inc);
	tap_ok(c != NULL && c->nwarnings == 1 && strncmp(c->warnings[0], want,
	    strlen(want)) == 0 && strstr(c->warnings[0], "may write it (mode "
	    "0664)") != NULL, "... with a warning naming it (%s)",
	    c && c->nwarnings ? c->warnings[0] : "none");
	conf_unref(c);

	/* Both warnings: the group may write it, others may read {PLAIN}. */
	write_file("perm-plain.conf", "users = ( { name = \"a\"; password = "
	    "\"{PLAIN}a\"; } );\n", 0664, path, sizeof(path));
	c = conf_load(path, err, sizeof(err));
	tap_ok(c != NULL && c->nwarnings == 2 && strstr(c->warnings[0],
	    "group ") != NULL && strstr(c->warnings[1], "plaintext") != NULL,
	    "group-writable {PLAIN} file readable by others: both warnings");
	conf_unref(c);

	/* The folder: anyone could put another file in its place. */
	snprintf(dir, sizeof(dir), "%s/ww", tmpdir);
	mkdir(dir, 0755);
	chmod(dir, 0777);
	write_file("ww/perm.conf", good, 0644, path, sizeof(path));
	snprintf(want, sizeof(want), "%s: its folder %s may be written by "
	    "every local user (mode 0777, no sticky bit)", path, dir);
	perm_refused(path, want, "a config file in a folder every user may "
	    "write");
	snprintf(real, sizeof(real), "%s", path);
	snprintf(path, sizeof(path), "%s/perm-link.conf", tmpdir);
	if (symlink(real, path) != 0)
		printf("# symlink: %s\n", strerror(errno));
	snprintf(want, sizeof(want), "%s: its folder %s", real, dir);
	perm_refused(path, want, "... through a link from a safe folder");
	chmod(dir, 01777);
	c = conf_load(path, err, sizeof(err));
	tap_ok(c != NULL && c->nwarnings == 0, "the same folder with the "
	    "sticky bit (as /tmp): loads (%s)", c ? "no warning" : err);
	conf_unref(c);

	/* The same text as a string: no file, no check. */
	c = load(good, path);
	tap_ok(c != NULL, "conf_load_string does not look at files");
	conf_unref(c);
}

static void
cleanup_tmpdir(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
}

/* ==== warnings: legal but risky settings ==== */

struct warn_case {
	const char	*what;
	const char	*text;
	size_t		 n;		/* warnings wanted */
	const char	*needle;	/* in the first one (with "file:line: ") */
};

#define SAFE_LOCAL "local = { lan = [ \"10.0.0.0/8\", \"fc00::/7\" ]; };\n"

static const struct warn_case warn_cases[] = {
	{ "a careful config", SAFE_LOCAL "relay = {\n  always_allow_from = [ "
	    "\"192.0.2.0/24\", \"198.18.0.0/16\", \"2001:db8::/32\", "
	    "\".partner.test\" ];\n};\nservices = ( { daemon_name = \"s\"; "
	    "smtp_auth = true; relay_for_client_machines = true; } );\n",
	    0, NULL },
	{ "dry_run on", "\ndry_run = true;\n", 1,
	    "warn.conf:2: dry_run is on" },
	{ "always_allow_from wider than /16",
	    "relay = {\n  always_allow_from = [\n    \"192.0.2.1\",\n"
	    "    \"10.0.0.0/15\" ];\n};\n", 1,
	    "warn.conf:4: relay.always_allow_from: \"10.0.0.0/15\" is wider "
	    "than /16" },
	{ "always_allow_from wider than /32 (IPv6)",
	    "relay = { always_allow_from = [ \"2001:db8::/31\" ]; };\n", 1,
	    "relay.always_allow_from: \"2001:db8::/31\" is wider than /32" },
	{ "always_allow_from in a services entry",
	    "services = (\n  { daemon_name = \"x\";\n"
	    "    always_allow_from = [ \"::ffff:16.0.0.0/100\" ]; }\n);\n",
	    1, "warn.conf:3: services[x].always_allow_from:" },
	{ "LAN wider than /8", "local = { lan = [ \"10.0.0.0/7\" ]; };\n", 1,
	    "local.lan: \"10.0.0.0/7\" is wider than /8" },
	{ "LAN wider than /32 (IPv6)",
	    "local = { lan = [ \"2001::/16\" ]; };\n", 1,
	    "local.lan: \"2001::/16\" is wider than /32" },
	{ "LAN: link-local and unique local are private",
	    "local = { lan = [ \"fe80::/10\", \"fd00::/8\" ]; };\n", 0, NULL },
	{ "relay_for_client_machines without AUTH: open relay",
	    "relay = {\n  relay_for_client_machines = true;\n};\n", 1,
	    "warn.conf:2: relay: relay_for_client_machines is on and neither "
	    "smtp_auth nor pop_before_smtp is: any client may relay to "
	    "anywhere" },
	{ "... with relay_for_non_local_senders off: a forgeable sender",
	    "relay = { relay_for_client_machines = true;\n"
	    "  relay_for_non_local_senders = false; };\n", 1,
	    "the sender is not verified" },
	{ "... with smtp_auth on: step 5 never applies",
	    "relay = { relay_for_client_machines = true; smtp_auth = true; };\n",
	    0, NULL },
	{ "... with pop_before_smtp on: step 5 never applies",
	    "relay = { relay_for_client_machines = true; pop_before_smtp = "
	    "true; };\n", 0, NULL },
	{ "... per service, inherited where not overridden",
	    "relay = { relay_for_client_machines = true; };\n"
	    "services = ( { daemon_name = \"a\"; smtp_auth = true; },\n"
	    "  { daemon_name = \"b\"; } );\n", 2, "relay: " },
	{ "sockets on loopback, unix and localhost",
	    "socket = \"inet6:8895@[::1]\";\ncontrol = \"unix:/run/r.ctl\";\n"
	    "auth = { dovecot = \"inet:3659@127.0.0.2\";\n"
	    "  saslauthd = \"inet:3660@localhost\"; };\n"
	    "postfix_policy = \"inet6:10040@[::1]\";\n"
	    "sendmail_socketmap = \"inet6:8897@[::1]\";\n", 0, NULL },
	{ "milter socket on every address",
	    "\nsocket = \"inet:8895@0.0.0.0\";\n", 1,
	    "warn.conf:2: socket \"inet:8895@0.0.0.0\" is not on a loopback "
	    "address: every host that reaches the port may talk to the milter" },
	{ "milter socket on a LAN address",
	    "socket = \"inet6:8895@[2001:db8::25]\";\n", 1,
	    "warn.conf:1: socket \"inet6:8895@[2001:db8::25]\" is not on a "
	    "loopback address" },
	{ "control_mode 0660 without control_group",
	    "control = \"unix:/run/r.ctl\";\ncontrol_mode = \"0660\";\n", 1,
	    "warn.conf:2: control_mode \"0660\" lets the group connect, but "
	    "control_group is not set" },
	{ "... with control_group", "control = \"unix:/run/r.ctl\";\n"
	    "control_mode = \"0660\";\ncontrol_group = \"adm\";\n", 0, NULL },
	{ "... without a control socket", "control_mode = \"0660\";\n", 0,
	    NULL },
	{ "control_mode 0644 without control_group",
	    "control = \"unix:/run/r.ctl\";\ncontrol_mode = \"0644\";\n", 0,
	    NULL },
	{ "control_mode unset (0660) without control_group",
	    "control = \"unix:/run/r.ctl\";\n", 0, NULL },
	{ "socket_mode 0660 without socket_group, unix milter socket",
	    "socket = \"unix:/run/r.sock\";\n\nsocket_mode = \"0660\";\n", 1,
	    "warn.conf:3: socket_mode \"0660\" lets the group connect, but "
	    "socket_group is not set" },
	{ "... a unix auth socket",
	    "socket_mode = \"0670\";\n"
	    "auth = { saslauthd = \"unix:/run/r/mux\"; };\n", 1,
	    "warn.conf:1: socket_mode \"0670\"" },
	{ "... a unix socket map",
	    "socket_mode = \"0660\";\n"
	    "sendmail_socketmap = \"unix:/run/r/smap\";\n", 1,
	    "warn.conf:1: socket_mode \"0660\"" },
	{ "... with socket_group (smmsp for Sendmail)",
	    "socket_mode = \"0660\";\nsocket_group = \"smmsp\";\n"
	    "sendmail_socketmap = \"unix:/run/r/smap\";\n", 0, NULL },
	{ "... a unix policy socket",
	    "postfix_policy = \"unix:/run/r/policy\";\n"
	    "socket_mode = \"0660\";\n", 1,
	    "warn.conf:2: socket_mode \"0660\" lets the group connect" },
	{ "... with socket_group (postfix for Postfix)",
	    "postfix_policy = \"unix:/run/r/policy\";\n"
	    "socket_mode = \"0660\";\nsocket_group = \"postfix\";\n", 0,
	    NULL },
	{ "... inet sockets only (the mode applies to none)",
	    "socket_mode = \"0660\";\n", 0, NULL },
	{ "... a service turning it on",
	    "services = ( { daemon_name = \"open\";\n"
	    "  relay_for_client_machines = true; } );\n", 1,
	    "warn.conf:2: services[open]: relay_for_client_machines" },
};

static void
test_warnings(void)
{
	char text[8192];
	struct conf *c;
	size_t i, n;

	for (i = 0; i < NELEM(warn_cases); i++) {
		const struct warn_case *tc = &warn_cases[i];
		char what[300];

		c = load(tc->text, "warn.conf");
		snprintf(what, sizeof(what), "warnings: %s: loads", tc->what);
		tap_ok(c != NULL, "%s", what);
		if (c == NULL)
			continue;
		snprintf(what, sizeof(what), "warnings: %s: %zu warning(s)",
		    tc->what, tc->n);
		tap_is_int((long)c->nwarnings, (long)tc->n, what);
		for (n = 0; n < c->nwarnings; n++)
			printf("#   %s\n", c->warnings[n]);
		if (tc->needle != NULL) {
			snprintf(what, sizeof(what), "warnings: %s: says \"%s\"",
			    tc->what, tc->needle);
			tap_ok(c->nwarnings > 0 && strstr(c->warnings[0],
			    tc->needle) != NULL, "%s", what);
		}
		conf_unref(c);
	}

	/* Many wide entries: 16 warnings kept, the rest counted. */
	n = (size_t)snprintf(text, sizeof(text), "relay = { always_allow_from "
	    "= [ \"10.0.0.0/8\"");
	for (i = 1; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", \"%zu.0.0.0/"
		    "8\"", 10 + i);
	snprintf(text + n, sizeof(text) - n, " ]; };\n");
	c = load(text, "many.conf");
	tap_ok(c != NULL && c->nwarnings == 17, "40 wide entries: 16 warnings "
	    "and a count (%zu)", c ? c->nwarnings : 0);
	tap_ok(c != NULL && c->nwarnings == 17 && strcmp(c->warnings[16],
	    "24 more warnings like these not shown") == 0,
	    "... \"24 more warnings like these not shown\"");
	conf_unref(c);
}

/* local.transports: the {rcpt_mailer} values that deliver here. */
static void
test_transports(void)
{
	struct conf *c = load("", "t.conf");

	tap_ok(c != NULL && c->nlocal_transports == 9 &&
	    strcmp(c->local_transports[0], "local") == 0 &&
	    strcmp(c->local_transports[1], "virtual") == 0 &&
	    strcmp(c->local_transports[2], "lmtp") == 0 &&
	    strcmp(c->local_transports[3], "relay") == 0 &&
	    strcmp(c->local_transports[4], "dovecot") == 0 &&
	    strcmp(c->local_transports[8], "cyrusv2") == 0,
	    "local.transports defaults to the usual local delivery names");
	conf_unref(c);
	c = load("local = { domains = [ \"example.com\" ]; };\n", "t.conf");
	tap_ok(c != NULL && c->nlocal_transports == 9,
	    "... also when local is given without it");
	conf_unref(c);
	c = load("local = { transports = [ \"dovecot\", \"*file*\", "
	    "\"DOVECOT\", \"cyrus.v2\" ]; };\n", "t.conf");
	tap_ok(c != NULL && c->nlocal_transports == 3 &&
	    strcmp(c->local_transports[0], "dovecot") == 0 &&
	    strcmp(c->local_transports[2], "cyrus.v2") == 0,
	    "a list replaces the default; duplicates (any case) kept once");
	conf_unref(c);
	c = load("local = { transports = [ ]; };\n", "t.conf");
	tap_ok(c != NULL && c->nlocal_transports == 0,
	    "an empty list turns the cross-check off");
	conf_unref(c);
}

/* ==== conf_default ==== */

static void
test_default(void)
{
	char err[CONF_ERRLEN] = "";
	struct conf *c = conf_default(err, sizeof(err));

	tap_ok(c != NULL, "conf_default loads (%s)", c ? "ok" : err);
	if (c == NULL)
		return;
	tap_is_int(c->embedded, 1, "embedded");
	tap_is_int(domset_match(&c->local_domains, "localhost"), 1,
	    "localhost is local");
	tap_is_int(has_addr(&c->lan, "127.0.0.1"), 1, "127.0.0.1 is LAN");
	tap_is_int(has_addr(&c->lan, "127.255.255.254"), 1,
	    "127.255.255.254 is LAN");
	tap_is_int(has_addr(&c->lan, "::1"), 1, "::1 is LAN");
	tap_is_int(has_addr(&c->lan, "192.168.1.1"), 0, "192.168.1.1 is not");
	tap_is_int(has_addr(&c->lan, "10.0.0.1"), 0, "10.0.0.1 is not");
	tap_is_int(c->relay.relay_for_non_local_senders, 1,
	    "relay_for_non_local_senders default");
	tap_is_int(c->relay.relay_for_client_machines, 0,
	    "relay_for_client_machines default");
	tap_is_int(c->relay.smtp_auth, 0, "smtp_auth default");
	tap_is_int(c->relay.pop_before_smtp, 0, "pop_before_smtp default");
	tap_is_str(c->socket, "inet:8895@127.0.0.1", "default socket");
	tap_is_int(c->on_error, CONF_ON_ERROR_TEMPFAIL, "on_error default");
	tap_is_int(c->pop_window, 300, "pop.window default");
	tap_is_int(domset_count(c->relay.allow_to), 0,
	    "always_allow_to empty");
	tap_is_int(netset_empty(c->relay.allow_from_nets) &&
	    domset_count(c->relay.allow_from_names) == 0, 1,
	    "always_allow_from empty");
	conf_unref(c);
}

/* ==== conf_user_find ==== */

static void
test_user_find(void)
{
	static const char text[] =
	    "users = (\n"
	    "  { name = \"alice\"; password = \"{PLAIN}a\"; relay = true; },\n"
	    "  { name = \"Bob\"; password = \"{PLAIN}b\"; },\n"
	    "  { name = \"carol@example.com\"; password = \"{PLAIN}c\"; }\n"
	    ");\n"
	    "auth = { realms = [ \"example.com\", \"Corp.Test\" ]; };\n";
	static const struct { const char *in, *want; } cases[] = {
		{ "alice", "alice" },
		{ "alice@example.com", "alice" },
		{ "alice@EXAMPLE.COM", "alice" },
		{ "alice@corp.test", "alice" },
		{ "alice@other.test", NULL },
		{ "alice@sub.example.com", NULL },
		{ "alice@example.com.evil", NULL },
		{ "Alice", NULL },
		{ "ALICE@example.com", NULL },
		{ "alice ", NULL },
		{ " alice", NULL },
		{ "Bob", "Bob" },
		{ "bob", NULL },
		{ "Bob@corp.test", "Bob" },
		{ "carol@example.com", "carol@example.com" },
		{ "carol", NULL },
		{ "", NULL },
		{ "@example.com", NULL },
		{ "alice@", NULL },
		{ "mallory", NULL },
		{ NULL, NULL },
	};
	struct conf *c = load(text, "users.conf");
	size_t i;

	if (c == NULL) {
		tap_ok(0, "user config loads");
		return;
	}
	for (i = 0; i < NELEM(cases); i++) {
		const struct conf_user *u = conf_user_find(c, cases[i].in);
		char what[128];

		snprintf(what, sizeof(what), "conf_user_find(\"%s\")",
		    cases[i].in ? cases[i].in : "(null)");
		tap_is_str(u ? u->name : NULL, cases[i].want, what);
	}
	conf_unref(c);

	/* Without auth.realms, nothing is stripped. */
	c = load("users = ( { name = \"alice\"; password = \"{PLAIN}a\"; } );\n",
	    "norealm.conf");
	if (c != NULL) {
		tap_ok(conf_user_find(c, "alice@example.com") == NULL,
		    "no realms: alice@example.com is not alice");
		tap_ok(conf_user_find(c, "alice") != NULL,
		    "no realms: alice is alice");
		conf_unref(c);
	}
}

/* ==== references ==== */

static void
test_refs(void)
{
	struct conf *a, *b, *cur, *pin;

	tap_ok(conf_current() == NULL, "no running config before install");
	a = load("", "a.conf");
	b = load("dry_run = true;\n", "b.conf");
	if (a == NULL || b == NULL) {
		tap_ok(0, "configs load");
		conf_unref(a);
		conf_unref(b);
		return;
	}
	tap_is_int(a->refs, 1, "a new conf has one reference");
	tap_ok(conf_ref(a) == a, "conf_ref returns its argument");
	tap_is_int(a->refs, 2, "conf_ref adds one");
	conf_unref(a);
	tap_is_int(a->refs, 1, "conf_unref drops one");

	conf_install(a);		/* the install takes a's reference */
	cur = conf_current();
	tap_ok(cur == a, "conf_current returns the installed conf");
	tap_is_int(a->refs, 2, "conf_current adds a reference");
	pin = cur;			/* a connection keeps a pinned */

	conf_install(b);
	tap_is_int(pin->refs, 1, "the old conf lives on while pinned");
	tap_is_str(pin->path, "a.conf", "... and is still readable");
	cur = conf_current();
	tap_ok(cur == b, "conf_current now returns the new conf");
	tap_is_int(cur->dry_run, 1, "... with its values");
	conf_unref(cur);
	conf_unref(pin);		/* frees a */

	conf_install(NULL);		/* frees b */
	tap_ok(conf_current() == NULL, "nothing running after install(NULL)");

	/* conf_unref(NULL) must leave a running, pinned config alone. */
	a = load("dry_run = true;\n", "c.conf");
	if (a == NULL) {
		tap_ok(0, "a third config loads");
		return;
	}
	conf_install(a);
	pin = conf_current();
	conf_unref(NULL);
	tap_is_int(a->refs, 2, "conf_unref(NULL) takes no reference from "
	    "the running conf");
	cur = conf_current();
	tap_ok(cur == a, "... which is still the running conf");
	tap_is_int(cur != NULL ? cur->dry_run : -1, 1, "... and readable");
	conf_unref(cur);
	conf_unref(pin);
	tap_is_int(a->refs, 1, "... and its install reference is the last");
	conf_install(NULL);		/* frees a */
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/t_conf.XXXXXX",
	    base && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_files();
	test_file_misc();
	test_file_perms();
	test_warnings();
	test_transports();
	test_default();
	test_user_find();
	test_refs();
	cleanup_tmpdir();
	return tap_done();
}
