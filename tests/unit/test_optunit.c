/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The hardening options as systemd 247, 252 and 257 merge unit lines, the
 * rules they load, and the rows systemd-analyze scores for them (read from
 * the sources of Debian's 247.3, 252.39 and 257.13; see data/options.txt). */
#include "testutil.h"

#include <errno.h>
#include <sched.h>
#include <sys/socket.h>

#include "abi.h"
#include "optunit.h"

/* Applies "Key=value" lines (NULL-terminated) as systemd v does. */
static void apply(struct cg_optunit *o, unsigned v, const char *const *kv)
{
	struct cg_opt_line lines[32];
	char keys[32][64];
	size_t n = 0;
	for (; kv[n]; n++) {
		const char *eq = strchr(kv[n], '=');
		assert_non_null(eq);
		snprintf(keys[n], sizeof keys[n], "%.*s", (int)(eq - kv[n]), kv[n]);
		lines[n] = (struct cg_opt_line){keys[n], eq + 1, "u.service", (unsigned)n + 1};
	}
	struct cg_error e = {0};
	assert_int_equal(cg_optunit_apply(lines, n, v, o, &e), 0);
}

static unsigned opt(const char *name)
{
	int i = cg_optbook_find(cg_optbook_builtin(), name);
	assert_true(i >= 0);
	return (unsigned)i;
}

static void assert_format(struct cg_optunit *o, const char *name, const char *want)
{
	char *got = cg_optunit_format(o, opt(name));
	assert_string_equal(got, want);
	free(got);
}

/* What the rules answer for one call (0: it passes). */
static int verdict(struct cg_optunit *o, const char *table, enum cg_abi abi, const char *call,
		   uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct cg_opt_rules r;
	cg_optunit_rules(o, cg_table_builtin_version(table), &r);
	uint64_t args[6] = {a0, a1, a2, a3, 0, 0};
	int err = cg_optunit_verdict(&r, abi, cg_intern(call), args, false, NULL, NULL);
	cg_opt_rules_done(&r);
	return err;
}

static void test_families_merge(void **state)
{
	(void)state;
	struct cg_optunit o;
	/* Allow-list, a later line adds, a ~ line removes. */
	apply(&o, 252,
	      (const char *[]){"RestrictAddressFamilies=AF_UNIX AF_INET",
			       "RestrictAddressFamilies=AF_INET6",
			       "RestrictAddressFamilies=~AF_INET", NULL});
	assert_format(&o, "RestrictAddressFamilies", "AF_UNIX AF_INET6");
	assert_int_equal(o.npitfalls, 1); /* the ~ line after an allow-list */
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socket", AF_INET, 0, 0, 0),
			 EAFNOSUPPORT);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socket", AF_INET6, 0, 0, 0), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socket", AF_UNIX, 0, 0, 0), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socket", 0, 0, 0, 0), EAFNOSUPPORT);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socket", 60, 0, 0, 0), EAFNOSUPPORT);
	/* x86 has socketcall(): nothing filtered; socketpair never. */
	assert_int_equal(verdict(&o, "252", CG_ABI_I386, "socket", AF_INET, 0, 0, 0), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socketpair", AF_INET, 0, 0, 0), 0);
	cg_optunit_done(&o);

	/* Deny-list; empty resets. */
	apply(&o, 252,
	      (const char *[]){"RestrictAddressFamilies=~AF_PACKET AF_NETLINK",
			       "RestrictAddressFamilies=AF_NETLINK", NULL});
	assert_format(&o, "RestrictAddressFamilies", "~AF_PACKET");
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socket", AF_PACKET, 0, 0, 0),
			 EAFNOSUPPORT);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socket", AF_NETLINK, 0, 0, 0), 0);
	cg_optunit_done(&o);
	apply(&o, 252,
	      (const char *[]){"RestrictAddressFamilies=AF_UNIX",
			       "RestrictAddressFamilies=", NULL});
	assert_false(cg_optunit_active(&o, opt("RestrictAddressFamilies")));
	cg_optunit_done(&o);
}

/* "none" is a keyword from 249 on and forgets the mode; 247 takes it as an
 * unknown family, leaving an empty allow-list that a ~ line cannot turn
 * into a deny-list. */
static void test_families_none(void **state)
{
	(void)state;
	struct cg_optunit o;
	const char *lines[] = {"RestrictAddressFamilies=none", "RestrictAddressFamilies=~AF_INET",
			       NULL};
	apply(&o, 252, lines);
	assert_format(&o, "RestrictAddressFamilies", "~AF_INET");
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "socket", AF_UNIX, 0, 0, 0), 0);
	cg_optunit_done(&o);
	apply(&o, 247, lines);
	assert_format(&o, "RestrictAddressFamilies", "none");
	assert_int_equal(o.nignored, 1);
	assert_int_equal(verdict(&o, "247", CG_ABI_X86_64, "socket", AF_UNIX, 0, 0, 0),
			 EAFNOSUPPORT);
	cg_optunit_done(&o);
	apply(&o, 257, (const char *[]){"RestrictAddressFamilies=none", NULL});
	assert_format(&o, "RestrictAddressFamilies", "none");
	assert_int_equal(verdict(&o, "257", CG_ABI_X32, "socket", AF_UNIX, 0, 0, 0), EAFNOSUPPORT);
	cg_optunit_done(&o);
}

static void test_namespaces(void **state)
{
	(void)state;
	struct cg_optunit o;
	apply(&o, 252, (const char *[]){"RestrictNamespaces=yes", NULL});
	assert_format(&o, "RestrictNamespaces", "yes");
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "unshare", CLONE_NEWUSER, 0, 0, 0),
			 EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "clone", CLONE_NEWNET | 17, 0, 0, 0),
			 EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "clone", 17, 0, 0, 0), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "setns", 3, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "clone3", 0, 0, 0, 0), ENOSYS);
	cg_optunit_done(&o);
	/* 247 leaves clone3() alone. */
	apply(&o, 247, (const char *[]){"RestrictNamespaces=yes", NULL});
	assert_int_equal(verdict(&o, "247", CG_ABI_X86_64, "clone3", 0, 0, 0, 0), 0);
	cg_optunit_done(&o);
	/* A list keeps those kinds; a later ~ line takes one away; setns
	 * with 0 or a refused kind fails. */
	apply(&o, 257,
	      (const char *[]){"RestrictNamespaces=user net mnt", "RestrictNamespaces=~mnt", NULL});
	assert_format(&o, "RestrictNamespaces", "net user");
	assert_int_equal(
		verdict(&o, "257", CG_ABI_X86_64, "unshare", CLONE_NEWUSER | CLONE_NEWNET, 0, 0, 0),
		0);
	assert_int_equal(verdict(&o, "257", CG_ABI_X86_64, "unshare", CLONE_NEWNS, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "257", CG_ABI_X86_64, "setns", 3, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "257", CG_ABI_X86_64, "setns", 3, CLONE_NEWNET, 0, 0), 0);
	assert_int_equal(verdict(&o, "257", CG_ABI_X86_64, "setns", 3, CLONE_NEWPID, 0, 0), EPERM);
	cg_optunit_done(&o);
	/* "time" is unknown to 247 (the line is ignored whole); on 252 the
	 * seven others all kept load no filter at all. */
	apply(&o, 247, (const char *[]){"RestrictNamespaces=time", NULL});
	assert_false(cg_optunit_active(&o, opt("RestrictNamespaces")));
	assert_int_equal(o.nignored, 1);
	cg_optunit_done(&o);
	apply(&o, 252,
	      (const char *[]){"RestrictNamespaces=cgroup ipc net mnt pid user uts", NULL});
	assert_false(cg_optunit_active(&o, opt("RestrictNamespaces")));
	cg_optunit_done(&o);
	/* no replaces everything before it; empty resets */
	apply(&o, 252, (const char *[]){"RestrictNamespaces=yes", "RestrictNamespaces=no", NULL});
	assert_false(cg_optunit_active(&o, opt("RestrictNamespaces")));
	cg_optunit_done(&o);
}

static void test_booleans(void **state)
{
	(void)state;
	struct cg_optunit o;
	apply(&o, 252,
	      (const char *[]){"MemoryDenyWriteExecute=YES", "LockPersonality=on",
			       "RestrictRealtime=1", "RestrictSUIDSGID=true", "ProtectClock=y",
			       "ProtectHostname=t", "ProtectKernelLogs=yes",
			       "ProtectKernelTunables=yes", "ProtectKernelTunables=", NULL});
	/* An empty boolean is ignored (logged), not a reset. */
	assert_true(cg_optunit_active(&o, opt("ProtectKernelTunables")));
	assert_int_equal(o.nignored, 1);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "mmap", 0, 4096, 7, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "mmap", 0, 4096, 5, 0), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "mprotect", 0, 4096, 5, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_I386, "mmap2", 0, 4096, 6, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "personality", 0, 0, 0, 0), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "personality", 0x0008, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "sched_setscheduler", 0, 1, 0, 0),
			 EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "sched_setscheduler", 0, 3, 0, 0), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "sched_setscheduler", 0, 6, 0, 0),
			 EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "chmod", 0, 04755, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "chmod", 0, 0755, 0, 0), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "openat", 0, 0, 0x41, 02755), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "openat", 0, 0, 0x01, 02755), 0);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "openat2", 0, 0, 0, 0), ENOSYS);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "clock_settime", 0, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "sethostname", 0, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "syslog", 0, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X86_64, "_sysctl", 0, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "252", CG_ABI_X32, "_sysctl", 0, 0, 0, 0), 0);
	cg_optunit_done(&o);
	/* 247: openat2 is EPERM and fchmodat2 not filtered; 257 checks
	 * fchmodat2's mode. */
	apply(&o, 247, (const char *[]){"RestrictSUIDSGID=yes", NULL});
	assert_int_equal(verdict(&o, "247", CG_ABI_X86_64, "openat2", 0, 0, 0, 0), EPERM);
	assert_int_equal(verdict(&o, "247", CG_ABI_X86_64, "fchmodat2", 0, 0, 04755, 0), 0);
	cg_optunit_done(&o);
	apply(&o, 257, (const char *[]){"RestrictSUIDSGID=yes", NULL});
	assert_int_equal(verdict(&o, "257", CG_ABI_X86_64, "fchmodat2", 0, 0, 04755, 0), EPERM);
	assert_int_equal(verdict(&o, "257", CG_ABI_X86_64, "fchmodat2", 0, 0, 0755, 0), 0);
	cg_optunit_done(&o);
}

/* Rows as systemd-analyze security scores them. */
static void test_score(void **state)
{
	(void)state;
	struct cg_optunit o;
	struct cg_opt_score s[64];
	uint64_t exp, weight;
	apply(&o, 252, (const char *[]){NULL});
	size_t n = cg_optunit_score(&o, s, 64, &exp, &weight);
	assert_int_equal(n, 20);
	/* Tunables, logs, clock, SUID/SGID; hostname; personality, MDWE;
	 * realtime; namespaces; families. */
	assert_int_equal(weight, 1000 * 4 + 50 + 100 * 2 + 500 + 1500 + 500 * 5 + 100 + 1500 + 25 +
					 200 + 1000 + 1250);
	assert_int_equal(exp, weight);
	cg_optunit_done(&o);
	apply(&o, 252,
	      (const char *[]){"RestrictAddressFamilies=AF_UNIX AF_INET", "RestrictNamespaces=yes",
			       "LockPersonality=yes", NULL});
	n = cg_optunit_score(&o, s, 64, &exp, &weight);
	uint64_t bad = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].badness)
			bad += s[i].row->weight;
	/* INET and UNIX rows bad, netlink, packet, other good; namespaces
	 * all good; LockPersonality good. */
	assert_int_equal(bad, 1000 * 4 + 50 + 100 + 500 + 1500 + 25);
	assert_int_equal(exp, bad);
	cg_optunit_done(&o);
	/* A deny-list naming one "other" family makes that row good. */
	apply(&o, 252, (const char *[]){"RestrictAddressFamilies=~AF_BLUETOOTH", NULL});
	n = cg_optunit_score(&o, s, 64, &exp, &weight);
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].row->id, "RestrictAddressFamilies=~AF_UNIX") == 0)
			assert_int_equal(s[i].badness, 1);
		else if (strcmp(s[i].row->json_field, "RestrictAddressFamilies_OTHER") == 0)
			assert_int_equal(s[i].badness, 0);
	cg_optunit_done(&o);
}

static void test_unknown_key(void **state)
{
	(void)state;
	struct cg_optunit o;
	struct cg_opt_line l = {"ProtectSystem", "yes", "u.service", 3};
	struct cg_error e = {0};
	assert_int_equal(cg_optunit_apply(&l, 1, 252, &o, &e), -EINVAL);
	assert_int_equal(e.line, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families_merge), cmocka_unit_test(test_families_none),
		cmocka_unit_test(test_namespaces),     cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_score),	       cmocka_unit_test(test_unknown_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
