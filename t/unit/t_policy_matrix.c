/*
 * t_policy_matrix: the decision procedure of relaymilter(8), "Decision procedure", checked
 * against a reference implementation written here from the design text,
 * for every combination of the four relaying booleans and of the request
 * (client, sender, auth user, POP answer, recipient); and every outcome
 * of the reference is reached by some combination.
 */
#include "policy_fixture.h"

/* ==== part 1: every combination against the reference ==== */

enum user { U_NONE, U_RELAY, U_NORELAY, U_UNKNOWN };
enum sender { S_LOCAL, S_REMOTE, S_NULL };
enum rcpt { R_REMOTE, R_ROUTED, R_LOCAL };

static const char *const user_names[] = { NULL, "alice", "bob", "mallory" };
static const char *const sender_addrs[] = { SLOC, SREM, "<>" };
static const char *const rcpt_addrs[] = {
	RREM, "<@remote.test:u@example.com>", "u@example.com"
};

struct ref_case {
	int		 smtp_auth, pop_before_smtp;
	int		 nonlocal_senders, client_machines;
	int		 lan;
	enum sender	 sender;
	enum user	 user;
	int		 pop;
	enum rcpt	 rcpt;
};

/*
 * The reference: relaymilter(8), "Decision procedure", read literally. The config of the
 * combinations has empty always_allow lists, so steps 2 and 3 never
 * match; "authenticated" is any {auth_authen}; a user not in users has no
 * relay privilege; 4c applies only with smtp_auth; the null sender is
 * not a local sender; a routed recipient is not local.
 */
static const char *
reference(const struct ref_case *k)
{
	int authed = k->user != U_NONE;
	int local_sender = k->sender == S_LOCAL;

	/* 1 */
	if (k->rcpt == R_LOCAL)
		return "accept local";
	/* 4 */
	if (k->smtp_auth || k->pop_before_smtp) {
		if (k->smtp_auth && k->user == U_RELAY)
			return "accept auth";
		if (k->pop_before_smtp) {
			if (k->pop == 1)
				return "accept pop-before-smtp";
			if (k->pop < 0)
				return "tempfail pop-store-unavailable";
		}
		if (k->smtp_auth && authed)
			return "reject no-relay-privilege";
		return "reject auth-required";
	}
	/* 5 */
	if (!k->nonlocal_senders && !local_sender)
		return "reject non-local-sender";
	if (!k->client_machines && !k->lan)
		return "reject outside-lan";
	return "accept serial";
}

static const char combo_conf_fmt[] =
    "local = {\n"
    "  domains = [ \"example.com\" ];\n"
    "  lan = [ \"192.168.1.0/24\", \"::1/128\" ];\n"
    "};\n"
    "relay = {\n"
    "  smtp_auth = %s;\n"
    "  pop_before_smtp = %s;\n"
    "  relay_for_non_local_senders = %s;\n"
    "  relay_for_client_machines = %s;\n"
    "};\n"
    "users = (\n"
    "  { name = \"alice\"; password = \"{PLAIN}a\"; relay = true; },\n"
    "  { name = \"bob\"; password = \"{PLAIN}b\"; relay = false; }\n"
    ");\n";

#define TF(x) ((x) ? "true" : "false")

/*
 * Every outcome of the reference, each of which the combinations must
 * reach: a matrix that never gets to a step does not test it.
 */
static const char *const outcomes[] = {
	"accept local", "accept auth", "accept pop-before-smtp",
	"tempfail pop-store-unavailable", "reject no-relay-privilege",
	"reject auth-required", "reject non-local-sender",
	"reject outside-lan", "accept serial",
};

/* Count want under its outcome; returns 0 if it is none of them. */
static int
count_outcome(const char *want, long *reached)
{
	size_t i;

	for (i = 0; i < NELEM(outcomes); i++)
		if (strcmp(want, outcomes[i]) == 0) {
			reached[i]++;
			return 1;
		}
	return 0;
}

static void
test_combinations(void)
{
	int bits;
	long reached[NELEM(outcomes)] = { 0 }, stray = 0;
	size_t i;

	for (bits = 0; bits < 16; bits++) {
		struct ref_case k;
		char text[2048];
		struct conf *c;
		int lan, s, u, pop, r;

		memset(&k, 0, sizeof(k));
		k.smtp_auth = !!(bits & 1);
		k.pop_before_smtp = !!(bits & 2);
		k.nonlocal_senders = !!(bits & 4);
		k.client_machines = !!(bits & 8);
		snprintf(text, sizeof(text), combo_conf_fmt, TF(k.smtp_auth),
		    TF(k.pop_before_smtp), TF(k.nonlocal_senders),
		    TF(k.client_machines));
		c = load(text, "combo.conf");
		if (c == NULL) {
			tap_ok(0, "combination config %d loads", bits);
			continue;
		}
		for (lan = 0; lan < 2; lan++)
		for (s = S_LOCAL; s <= S_NULL; s++)
		for (u = U_NONE; u <= U_UNKNOWN; u++)
		for (pop = -1; pop <= 1; pop++)
		for (r = R_REMOTE; r <= R_LOCAL; r++) {
			struct req_spec rs;
			struct policy_decision d;
			struct popctx pc;
			char got[128], what[512];
			const char *want;

			k.lan = lan;
			k.sender = (enum sender)s;
			k.user = (enum user)u;
			k.pop = pop;
			k.rcpt = (enum rcpt)r;
			memset(&rs, 0, sizeof(rs));
			rs.client = lan ? LAN : OUT;
			rs.auth = user_names[u];
			rs.sender = sender_addrs[s];
			rs.rcpt = rcpt_addrs[r];
			rs.pop = pop;
			run(c, &rs, &d, &pc);
			outcome(&d, got, sizeof(got));
			want = reference(&k);
			snprintf(what, sizeof(what), "smtp_auth=%d "
			    "pop_before_smtp=%d non_local_senders=%d "
			    "client_machines=%d client=%s sender=%s auth=%s "
			    "pop=%d rcpt=%s", k.smtp_auth, k.pop_before_smtp,
			    k.nonlocal_senders, k.client_machines, rs.client,
			    rs.sender, rs.auth ? rs.auth : "-", pop, rs.rcpt);
			stray += !count_outcome(want, reached);
			tap_is_str(got, want, what);
		}
		conf_unref(c);
	}
	for (i = 0; i < NELEM(outcomes); i++)
		tap_ok(reached[i] > 0, "the combinations reach \"%s\" (%ld)",
		    outcomes[i], reached[i]);
	tap_is_int(stray, 0, "the reference gives no other outcome");
}

int
main(void)
{
	test_combinations();
	return tap_done();
}
