/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Argument evidence (evidence.h) and the option rules (options.h): the fact
 * store, decoding of registers and of strace's rendering, the evidence
 * section of the profile file, and the advice per systemd version. */
#include "testutil.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "evidence.h"
#include "groups.h"
#include "options.h"
#include "profile.h"

static void test_store(void **state)
{
	(void)state;
	_cleanup_evidence_ struct cg_evidence *a = cg_evidence_new(), *b = cg_evidence_new();
	cg_name sock = cg_intern("socket");
	cg_evidence_add(a, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, sock, AF_INET, 2, 10, "nginx");
	cg_evidence_add(a, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, sock, AF_INET, 1, 11, "other");
	cg_evidence_add(b, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, sock, AF_INET, 4, 20, "later");
	cg_evidence_add(b, CG_ABI_I386, CG_FACT_SOCKET_FAMILY, sock, AF_INET, 1, 0, NULL);
	cg_evidence_add(b, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, sock, AF_UNIX, 1, 0, NULL);
	cg_evidence_add(b, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, sock, AF_UNIX, 1, 30,
			"a-comm-longer-than-fifteen");
	cg_evidence_input(a, CG_FACT_ALL);
	cg_evidence_input(b, CG_FACT_BIT(CG_FACT_SOCKET_FAMILY));
	cg_evidence_merge(a, b);
	assert_int_equal(cg_evidence_count(a), 3);
	const struct cg_fact *f =
		cg_evidence_find(a, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, sock, AF_INET);
	assert_non_null(f);
	assert_int_equal(f->count, 7);
	assert_int_equal(f->pid, 10); /* the first process stays */
	assert_string_equal(f->comm, "nginx");
	/* an unknown first process is filled in by the first known one */
	f = cg_evidence_find(a, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, sock, AF_UNIX);
	assert_int_equal(f->pid, 30);
	assert_string_equal(f->comm, "a-comm-longer-t");
	assert_non_null(cg_evidence_find(a, CG_ABI_I386, CG_FACT_SOCKET_FAMILY, sock, AF_INET));
	/* known kinds: those every input could see */
	assert_int_equal(cg_evidence_inputs(a), 2);
	assert_int_equal(cg_evidence_known(a), CG_FACT_BIT(CG_FACT_SOCKET_FAMILY));
	cg_evidence_input(a, 0);
	assert_int_equal(cg_evidence_known(a), 0);
	size_t i = 0, n = 0;
	while (cg_evidence_next(a, CG_FACT_SOCKET_FAMILY, &i))
		n++;
	assert_int_equal(n, 3);
	i = 0;
	assert_null(cg_evidence_next(a, CG_FACT_NAMESPACE, &i));
	/* a profile carries evidence and merges it with the calls */
	_cleanup_profile_ struct cg_profile *p = cg_profile_new(), *q = cg_profile_new();
	cg_evidence_merge(cg_profile_evidence(q), a);
	cg_profile_merge(p, q);
	assert_int_equal(cg_evidence_count(cg_profile_evidence_c(p)), 3);
}

static size_t decode(const char *call, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		     const char *path, struct cg_fact_raw *out)
{
	struct cg_call_args a = {.abi = CG_ABI_X86_64, .arg = {a0, a1, a2, a3}, .path = path};
	return cg_evidence_decode_call(call, strlen(call), &a, out);
}

static void test_decode_registers(void **state)
{
	(void)state;
	struct cg_fact_raw r[CG_CALL_FACTS_MAX];
	assert_int_equal(decode("socket", AF_NETLINK, SOCK_RAW, 0, 0, NULL, r), 1);
	assert_int_equal(r[0].kind, CG_FACT_SOCKET_FAMILY);
	assert_int_equal(r[0].value, AF_NETLINK);
	/* clone: the low byte is the exit signal, not a flag */
	assert_int_equal(decode("clone", CLONE_NEWUSER | CLONE_NEWNET | 17, 0, 0, 0, NULL, r), 2);
	assert_int_equal(decode("clone", CLONE_VM | CLONE_THREAD | 0xff, 0, 0, 0, NULL, r), 0);
	assert_int_equal(decode("setns", 3, 0, 0, 0, NULL, r), 1);
	assert_int_equal(r[0].value, 0); /* nstype 0: any kind */
	assert_int_equal(decode("mmap", 0, 4096, PROT_READ | PROT_EXEC, 0, NULL, r), 0);
	assert_int_equal(decode("mmap", 0, 4096, PROT_WRITE | PROT_EXEC, 0, NULL, r), 1);
	assert_int_equal(decode("mprotect", 0, 4096, PROT_READ | PROT_EXEC, 0, NULL, r), 1);
	assert_int_equal(decode("mprotect", 0, 4096, PROT_READ | PROT_WRITE, 0, NULL, r), 0);
	/* set-id bits: only with O_CREAT for openat */
	assert_int_equal(decode("openat", AT_FDCWD, 0, O_RDONLY, 04755, NULL, r), 0);
	assert_int_equal(decode("openat", AT_FDCWD, 0, O_WRONLY | O_CREAT, 04755, NULL, r), 1);
	assert_int_equal(r[0].value, 04000);
	assert_int_equal(decode("mkdirat", AT_FDCWD, 0, 02775, 0, NULL, r), 1);
	assert_int_equal(decode("chmod", 0, 0755, 0, 0, NULL, r), 0);
	/* paths */
	assert_int_equal(decode("openat", AT_FDCWD, 0, O_RDONLY, 0, "/dev/kmsg", r), 1);
	assert_int_equal(r[0].value, CG_PATH_DEV_KMSG);
	assert_int_equal(decode("openat", AT_FDCWD, 0, O_RDONLY, 0, "/proc/sys/kernel/x", r), 0);
	assert_int_equal(decode("openat", AT_FDCWD, 0, O_RDWR, 0, "/proc/sys/kernel/x", r), 1);
	assert_int_equal(r[0].value, CG_PATH_PROC_SYS_WRITE);
	assert_int_equal(decode("open", 0, O_WRONLY, 0, 0, "/sys/power/state", r), 1);
	assert_int_equal(decode("open", 0, O_WRONLY, 0, 0, "/system", r), 0);
	assert_int_equal(decode("open", 0, O_WRONLY, 0, 0, "sys/relative", r), 0);
	assert_int_equal(decode("creat", 0, 0644, 0, 0, "/dev/rtc0", r), 1);
	assert_int_equal(r[0].value, CG_PATH_DEV_RTC_WRITE);
	/* calls that show nothing, and the needs of those that do */
	assert_int_equal(decode("read", 0, 0, 0, 0, NULL, r), 0);
	assert_int_equal(cg_evidence_call_needs(CG_ABI_X86_64, cg_intern("read"), NULL),
			 CG_NEED_NONE);
	unsigned pa = 9;
	assert_true(cg_evidence_call_needs(CG_ABI_X86_64, cg_intern("openat2"), &pa) &
		    CG_NEED_OPEN_HOW);
	assert_int_equal(pa, 1);
	assert_true(cg_evidence_call_needs(CG_ABI_X86_64, cg_intern("clone3"), NULL) &
		    CG_NEED_CLONE_ARGS);
}

static size_t strace_facts(const char *call, const char *args, struct cg_fact_raw *out)
{
	/* an exact-size copy: nothing past the end may be read */
	size_t n = strlen(args);
	char *copy = xmalloc(n + 1);
	memcpy(copy, args, n);
	struct cg_call_args a = {.abi = CG_ABI_X86_64};
	char path[64];
	size_t k = 0;
	if (cg_evidence_decode_strace(call, strlen(call), copy, copy + n, &a, path, sizeof path))
		k = cg_evidence_decode_call(call, strlen(call), &a, out);
	free(copy);
	return k;
}

static void test_decode_strace(void **state)
{
	(void)state;
	struct cg_fact_raw r[CG_CALL_FACTS_MAX];
	assert_int_equal(strace_facts("socket", "AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 3", r), 1);
	assert_int_equal(r[0].value, AF_INET6);
	assert_int_equal(strace_facts("socket", "0xa, 0x2, 0) = 3", r), 1);
	assert_int_equal(r[0].value, AF_INET6);
	assert_int_equal(strace_facts("clone",
				      "child_stack=NULL, flags=0x1200000|17, "
				      "child_tidptr=0x1d9ad690) = 12564",
				      r),
			 0);
	assert_int_equal(
		strace_facts("clone3",
			     "{flags=CLONE_NEWNS|CLONE_NEWIPC, exit_signal=SIGCHLD, stack=NULL, "
			     "stack_size=0}, 88) = 12583",
			     r),
		2);
	/* clone3 whose struct strace could not read: nothing known */
	assert_int_equal(strace_facts("clone3", "0x7ffd1234, 88) = -1 EFAULT", r), 0);
	assert_int_equal(strace_facts("unshare", "0x4000000) = 0", r), 1);
	assert_int_equal(r[0].value, CLONE_NEWUTS);
	assert_int_equal(strace_facts("mmap",
				      "NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, "
				      "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f",
				      r),
			 1);
	assert_int_equal(strace_facts("chmod", "\"/tmp/a, b\", 04755) = 0", r), 1);
	assert_int_equal(r[0].value, 04000);
	assert_int_equal(strace_facts("mknod", "\"/x\", S_IFREG|02755, makedev(0, 0)) = 0", r), 1);
	assert_int_equal(strace_facts("openat", "AT_FDCWD, \"/dev/\\x6bmsg\", O_RDONLY) = 3", r),
			 1);
	assert_int_equal(r[0].value, CG_PATH_DEV_KMSG);
	assert_int_equal(strace_facts("openat2",
				      "AT_FDCWD, \"/proc/sys/x\", {flags=O_WRONLY, resolve=0}, 24",
				      r),
			 2);
	assert_int_equal(
		strace_facts("sched_setattr",
			     "0, {size=56, sched_policy=SCHED_FIFO, sched_flags=0}, 0) = 0", r),
		1);
	assert_int_equal(r[0].value, 1);
	assert_int_equal(strace_facts("syslog", "10 /* SYSLOG_ACTION_SIZE_BUFFER */) = 131072", r),
			 1);
	assert_int_equal(r[0].value, 10);
	/* cut short by <unfinished ...>: the flags are there, the rest not */
	assert_int_equal(strace_facts("mprotect", "0x7f00, 4096 <unfinished ...>", r), 0);
	assert_int_equal(strace_facts("unshare", "CLONE_NEWNET <unfinished ...>", r), 0);
	assert_int_equal(strace_facts("personality", "PER_LINUX32) = 0 (PER_LINUX)", r), 1);
	assert_int_equal(r[0].value, 8);
}

static void test_section(void **state)
{
	(void)state;
	_cleanup_evidence_ struct cg_evidence *a = cg_evidence_new(), *b = cg_evidence_new();
	char *empty = cg_evidence_format(a);
	assert_string_equal(empty, ""); /* no input declared: no section */
	free(empty);
	cg_evidence_input(a, CG_FACT_ALL & ~CG_FACT_BIT(CG_FACT_PATH));
	cg_evidence_add(a, CG_ABI_X32, CG_FACT_WX_MEMORY, cg_intern("mprotect"), 7, 3, 42,
			"my jit%");
	char *s = cg_evidence_format(a);
	for (char *l = s; *l;) {
		char *e = strchr(l, '\n');
		assert_non_null(e);
		const char *why;
		assert_int_equal(cg_evidence_parse_line(b, l, e, &why), 1);
		l = e + 1;
	}
	free(s);
	assert_int_equal(cg_evidence_known(b), cg_evidence_known(a));
	const struct cg_fact *f =
		cg_evidence_find(b, CG_ABI_X32, CG_FACT_WX_MEMORY, cg_intern("mprotect"), 7);
	assert_non_null(f);
	assert_int_equal(f->count, 3);
	assert_string_equal(f->comm, "my jit%");
	const char *why;
	static const char *const bad[] = {
		"# fact x86-64 socket socket-family 10 count=1 pid=1 comm=x",
		"# fact x86-64 socket no-such-kind 0xa count=1 pid=1 comm=x",
		"# fact mips socket socket-family 0xa count=1 pid=1 comm=x",
		"# fact x86-64 socket socket-family 0xa count=1 pid=1 comm=%00",
		"# fact x86-64 socket socket-family 0xa count=1 pid=1 comm=x trailing",
		"# callgroups-evidence 2 inputs=1 known=none",
		"# callgroups-evidence 1 inputs=0 known=none",
		"# callgroups-evidence 1 inputs=1 known=socket-family,bogus",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		why = NULL;
		assert_int_equal(cg_evidence_parse_line(b, bad[i], bad[i] + strlen(bad[i]), &why),
				 -EINVAL);
		assert_non_null(why);
	}
	const char *other = "# refused by an inherited seccomp filter: keyctl 1";
	assert_int_equal(cg_evidence_parse_line(b, other, other + strlen(other), &why), 0);
}

static const struct cg_option_advice *advice_of(struct cg_option_advice *v, const char *name)
{
	for (size_t i = 0; i < cg_option_count(); i++)
		if (strcmp(v[i].def->name, name) == 0)
			return &v[i];
	fail_msg("no option %s", name);
	return NULL;
}

static void test_options(void **state)
{
	(void)state;
	assert_int_equal(cg_option_count(), 10);
	assert_non_null(cg_option_find("ProtectClock"));
	assert_non_null(cg_option_find("ProtectClock="));
	assert_null(cg_option_find("ProtectNothing="));
	struct cg_option_advice v[16];
	_cleanup_evidence_ struct cg_evidence *ev = cg_evidence_new();
	/* nothing known: every option unknown */
	cg_options_advise(ev, 252, v);
	for (size_t i = 0; i < cg_option_count(); i++)
		assert_int_equal(v[i].state, CG_ADVICE_UNKNOWN);
	/* everything known, nothing seen: the tightest values */
	cg_evidence_input(ev, CG_FACT_ALL);
	cg_options_advise(ev, 252, v);
	assert_string_equal(advice_of(v, "RestrictAddressFamilies=")->value, "none");
	assert_string_equal(advice_of(v, "RestrictNamespaces=")->value, "yes");
	assert_string_equal(advice_of(v, "ProtectClock=")->value, "yes");
	const struct cg_option_advice *af = advice_of(v, "RestrictAddressFamilies=");
	assert_int_equal(af->before, 1500 + 25 + 200 + 1000 + 1250);
	assert_int_equal(af->after, 0);
	/* facts */
	cg_evidence_add(ev, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, cg_intern("socket"), AF_UNIX, 1,
			1, "a");
	cg_evidence_add(ev, CG_ABI_X86_64, CG_FACT_SOCKET_FAMILY, cg_intern("socket"), AF_ALG, 1, 1,
			"a");
	cg_evidence_add(ev, CG_ABI_X86_64, CG_FACT_NAMESPACE, cg_intern("unshare"), CLONE_NEWUSER,
			1, 1, "a");
	cg_evidence_add(ev, CG_ABI_X86_64, CG_FACT_PERSONALITY, cg_intern("personality"), 0, 1, 1,
			"a");
	cg_evidence_add(ev, CG_ABI_X86_64, CG_FACT_SCHED_POLICY, cg_intern("sched_setattr"), 1, 1,
			1, "a");
	cg_evidence_add(ev, CG_ABI_X86_64, CG_FACT_OPENAT2, cg_intern("openat2"), 0, 1, 1, "a");
	cg_options_advise(ev, 252, v);
	af = advice_of(v, "RestrictAddressFamilies=");
	assert_string_equal(af->value, "AF_UNIX AF_ALG");
	assert_int_equal(af->after, 25 + 1250); /* UNIX and OTHER stay open */
	assert_string_equal(advice_of(v, "RestrictNamespaces=")->value, "user");
	/* PER_LINUX is what systemd locks: still yes */
	assert_int_equal(advice_of(v, "LockPersonality=")->state, CG_ADVICE_SET);
	/* sched_setattr is not filtered by RestrictRealtime= */
	assert_int_equal(advice_of(v, "RestrictRealtime=")->state, CG_ADVICE_SET);
	/* openat2: ENOSYS from 252 on (a note), EPERM on 247 (blocks) */
	assert_int_equal(advice_of(v, "RestrictSUIDSGID=")->state, CG_ADVICE_SET);
	cg_options_advise(ev, 247, v);
	assert_int_equal(advice_of(v, "RestrictSUIDSGID=")->state, CG_ADVICE_OFF);
	/* setns with nstype 0 keeps RestrictNamespaces= off */
	cg_evidence_add(ev, CG_ABI_X86_64, CG_FACT_NAMESPACE, cg_intern("setns"), 0, 1, 1, "a");
	cg_options_advise(ev, 252, v);
	assert_int_equal(advice_of(v, "RestrictNamespaces=")->state, CG_ADVICE_OFF);
	/* a version before an option: unavailable */
	cg_options_advise(ev, 230, v);
	assert_int_equal(advice_of(v, "ProtectClock=")->state, CG_ADVICE_UNAVAILABLE);
	assert_int_equal(cg_version_number("252.39-1~deb12u2"), 252);
	assert_int_equal(cg_version_number("v257"), 257);
	assert_int_equal(cg_version_number("local"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store),	      cmocka_unit_test(test_decode_registers),
		cmocka_unit_test(test_decode_strace), cmocka_unit_test(test_section),
		cmocka_unit_test(test_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
