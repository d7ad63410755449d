/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "testutil.h"

#include "filter.h"
#include "recommend.h"

/* The calls of data/demo (a small backup job traced with strace -f -c). */
static const char *demo_calls =
	"wait4 getxattr statx lgetxattr read newfstatat write openat mmap vfork close execve "
	"rt_sigaction mprotect getdents64 readlink lseek munmap brk rt_sigprocmask pread64 "
	"connect ioctl socket prlimit64 arch_prctl set_robust_list set_tid_address "
	"rt_sigreturn rseq geteuid dup2 getrandom fchownat access getegid getgid getpid getuid "
	"getppid fcntl futex dup clone creat statfs clock_nanosleep pipe2";

static struct cg_profile *profile_of(const char *words, enum cg_abi abi)
{
	struct cg_profile *p = cg_profile_new();
	_cleanup_set_ struct cg_set *s = cg_set_new();
	cg_set_add_words(s, words);
	for (cg_name n = 0; cg_set_next(s, &n); n++)
		cg_profile_add(p, abi, n, 1, 0);
	return p;
}

static bool lines_allow(const struct cg_table *t, const struct cg_recommendation *r,
			const char *call)
{
	struct cg_filter f;
	cg_filter_init(&f);
	for (size_t i = 0; i < r->nlines; i++)
		assert_int_equal(cg_filter_add(&f, t, r->lines[i], NULL), 0);
	bool ok = cg_filter_allows(&f, cg_intern(call));
	cg_filter_done(&f);
	return ok;
}

/* Every observed call passes each recommendation, re-checked here with the
 * semantics function independently of the recommender's own check. */
static void assert_all_allowed(const struct cg_table *t, const struct cg_suggestion *s)
{
	const struct cg_recommendation *recs[] = {&s->allow, &s->tight, &s->deny};
	for (size_t i = 0; i < ELEMENTSOF(recs); i++) {
		assert_true(recs[i]->verified);
		for (cg_name n = 0; cg_set_next(s->used, &n); n++)
			if (!cg_set_has(s->unknown, n) && !lines_allow(t, recs[i], cg_name_str(n)))
				fail_msg("%s does not allow %s", recs[i]->kind, cg_name_str(n));
	}
}

static void test_demo_service_pattern(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	_cleanup_profile_ struct cg_profile *p = profile_of(demo_calls, CG_ABI_X86_64);
	struct cg_suggestion s;
	const struct cg_suggest_opts no_margin = {.no_margin = true};
	assert_int_equal(cg_suggest_ex(p, t, &no_margin, &s), 0);
	assert_all_allowed(t, &s);
	assert_true(s.service_covers);
	assert_string_equal(s.allow.lines[0], "@system-service");
	/* fchownat is in @chown and @privileged: denying @privileged must come
	 * with a re-add. */
	assert_true(s.allow.nlines == 3);
	assert_non_null(strstr(s.allow.lines[1], "@privileged"));
	assert_non_null(strstr(s.allow.lines[2], "fchownat"));
	assert_true(s.archs.native);
	/* The tight list allows fewer calls than @system-service does. */
	assert_true(s.tight.nallowed < s.allow.nallowed);
	/* No group listed is a strict subset of another listed one. */
	for (size_t i = 0; i < s.ngroups; i++)
		for (size_t j = 0; j < s.ngroups; j++)
			if (i != j && cg_set_is_subset(s.groups[i].used, s.groups[j].used))
				assert_true(cg_set_equal(s.groups[i].used, s.groups[j].used));
	cg_suggestion_done(&s);
}

/* @resources, which @system-service holds whole, stays allowed by the
 * @system-service-based lines on every shipped version (nginx 1.26 on
 * Debian 13 calls sched_setaffinity where a trace of nginx 1.18 shows no
 * call of @resources); @privileged, held only in part, is denied; the
 * tight alternative leaves both out. */
static void test_service_keeps_whole_groups(void **state)
{
	(void)state;
	for (size_t i = 0; i < cg_table_builtin_count(); i++) {
		const struct cg_table *t = cg_table_builtin(i);
		_cleanup_profile_ struct cg_profile *p = profile_of(demo_calls, CG_ABI_X86_64);
		struct cg_suggestion s;
		assert_int_equal(cg_suggest(p, t, &s), 0);
		assert_true(s.service_covers);
		assert_all_allowed(t, &s);
		for (size_t l = 0; l < s.allow.nlines; l++)
			assert_null(strstr(s.allow.lines[l], "@resources"));
		assert_true(lines_allow(t, &s.allow, "sched_setaffinity"));
		assert_true(lines_allow(t, &s.allow, "setpriority"));
		assert_false(lines_allow(t, &s.allow, "setuid"));
		assert_false(lines_allow(t, &s.allow, "chroot"));
		assert_false(lines_allow(t, &s.tight, "sched_setaffinity"));
		assert_false(lines_allow(t, &s.deny, "sched_setaffinity"));
		cg_suggestion_done(&s);
	}
}

/* A call outside @system-service: a cover of finer groups plus singles. */
static void test_not_covered(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	_cleanup_profile_ struct cg_profile *p =
		profile_of("read write openat mount close", CG_ABI_X86_64);
	struct cg_suggestion s;
	assert_int_equal(cg_suggest(p, t, &s), 0);
	assert_false(s.service_covers);
	assert_all_allowed(t, &s);
	/* @mount is risky: mount comes in alone, not with the whole group. */
	assert_true(lines_allow(t, &s.allow, "mount"));
	assert_false(lines_allow(t, &s.allow, "umount2"));
	assert_false(lines_allow(t, &s.allow, "chown"));
	cg_suggestion_done(&s);
}

static void test_i386_names(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("257");
	_cleanup_profile_ struct cg_profile *p =
		profile_of("read mmap2 ugetrlimit socketcall", CG_ABI_I386);
	cg_profile_add(p, CG_ABI_X86_64, cg_intern("execve"), 1, 0);
	struct cg_suggestion s;
	assert_int_equal(cg_suggest(p, t, &s), 0);
	assert_all_allowed(t, &s);
	assert_false(s.archs.native);
	assert_int_equal(s.archs.mask, (1u << CG_ABI_X86_64) | (1u << CG_ABI_I386));
	cg_suggestion_done(&s);
}

static void test_unknown_and_ungrouped(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	_cleanup_profile_ struct cg_profile *p = profile_of("read made_up_call", CG_ABI_X86_64);
	struct cg_suggestion s;
	assert_int_equal(cg_suggest(p, t, &s), 0);
	assert_true(cg_set_has(s.unknown, cg_intern("made_up_call")));
	/* Reported as unknown, not as a call that merely has no group. */
	assert_false(cg_set_has(s.ungrouped, cg_intern("made_up_call")));
	cg_suggestion_done(&s);
	/* A real call outside every group but @known stays ungrouped. */
	_cleanup_set_ struct cg_set *grouped = cg_set_new();
	for (size_t i = 0; i < t->ngroups; i++)
		if (strcmp(t->groups[i].name, "@known") != 0)
			(void)cg_table_expand(t, t->groups[i].name, grouped);
	_cleanup_set_ struct cg_set *known = cg_set_new();
	cg_table_known(t, known);
	cg_set_subtract(known, grouped);
	cg_name lone = CG_NAME_NONE;
	for (cg_name n = 0; cg_set_next(known, &n); n++)
		if (cg_syscall_known(cg_name_str(n))) {
			lone = n;
			break;
		}
	if (lone == CG_NAME_NONE)
		skip();
	_cleanup_profile_ struct cg_profile *q = profile_of(cg_name_str(lone), CG_ABI_X86_64);
	assert_int_equal(cg_suggest(q, t, &s), 0);
	assert_true(cg_set_has(s.ungrouped, lone));
	cg_suggestion_done(&s);
}

/* Property: for random profiles over every shipped table, every
 * recommendation allows every observed call. Seeded, so a failure repeats. */
static void test_random_profiles(void **state)
{
	(void)state;
	unsigned seed = 12345;
	for (size_t ti = 0; ti < cg_table_builtin_count(); ti++) {
		const struct cg_table *t = cg_table_builtin(ti);
		_cleanup_set_ struct cg_set *known = cg_set_new();
		cg_table_known(t, known);
		const char **names;
		size_t nk = cg_set_sorted(known, &names);
		for (int round = 0; round < 40; round++) {
			_cleanup_profile_ struct cg_profile *p = cg_profile_new();
			size_t want = 1 + (size_t)rand_r(&seed) % 80;
			for (size_t k = 0; k < want; k++)
				cg_profile_add(p, CG_ABI_X86_64,
					       cg_intern(names[(size_t)rand_r(&seed) % nk]), 1, 0);
			struct cg_suggestion s;
			int r = cg_suggest(p, t, &s);
			if (r != 0)
				fail_msg("systemd %s round %d: a recommendation failed its check",
					 t->version, round);
			assert_all_allowed(t, &s);
			cg_suggestion_done(&s);
		}
		free(names);
	}
}

/* Upgrade margin: a call named on its own brings its relatives (fchownat:
 * chown, fchown, lchown), on a line of their own, and says so. */
static void test_margin(void **state)
{
	(void)state;
	const struct cg_table *t = cg_table_builtin_version("252");
	_cleanup_profile_ struct cg_profile *p = profile_of(demo_calls, CG_ABI_X86_64);
	struct cg_suggestion s;
	assert_int_equal(cg_suggest(p, t, &s), 0);
	assert_all_allowed(t, &s);
	assert_int_equal(s.allow.nlines, 4);
	assert_string_equal(s.allow.lines[3], "chown fchown lchown");
	assert_int_equal(cg_set_size(s.allow.margin), 3);
	assert_true(lines_allow(t, &s.allow, "lchown"));
	/* Relatives a group of the lines already allows are not repeated: the
	 * tight list's @file-system holds openat's relatives. */
	assert_false(cg_set_has(s.tight.margin, cg_intern("open")));
	assert_true(lines_allow(t, &s.tight, "open"));
	cg_suggestion_done(&s);

	const struct cg_suggest_opts off = {.no_margin = true};
	assert_int_equal(cg_suggest_ex(p, t, &off, &s), 0);
	assert_null(s.allow.margin);
	assert_false(lines_allow(t, &s.allow, "lchown"));
	cg_suggestion_done(&s);
}

/* A finer-group cover made on 257 leans on @default for mprotect, which
 * 247's @default lacks (DESIGN.md): aimed at 247 too, the lines name it. */
static void test_targets(void **state)
{
	(void)state;
	const struct cg_table *t257 = cg_table_builtin_version("257");
	const struct cg_table *t247 = cg_table_builtin_version("247");
	/* A call outside @system-service forces the finer cover. */
	_cleanup_profile_ struct cg_profile *p =
		profile_of("read write openat close mmap mprotect getrandom exit_group "
			   "sched_getaffinity arch_prctl brk ioperm",
			   CG_ABI_X86_64);
	struct cg_suggestion s;
	const struct cg_suggest_opts alone = {.no_margin = true};
	assert_int_equal(cg_suggest_ex(p, t257, &alone, &s), 0);
	assert_false(s.service_covers);
	/* Aimed at 257 alone, the report still says 247 would lose mprotect. */
	const struct cg_version_check *v247 = NULL;
	for (size_t i = 0; i < s.tight.nversions; i++)
		if (strcmp(s.tight.versions[i].table->version, "247") == 0)
			v247 = &s.tight.versions[i];
	assert_non_null(v247);
	assert_false(v247->target);
	assert_true(cg_set_has(v247->missing, cg_intern("mprotect")));
	assert_true(s.tight.versions[0].table == t257 && s.tight.versions[0].target);
	assert_true(cg_set_empty(s.tight.versions[0].missing));
	cg_suggestion_done(&s);

	const struct cg_table *targets[] = {t247};
	const struct cg_suggest_opts both = {.targets = targets, .ntargets = 1, .no_margin = true};
	assert_int_equal(cg_suggest_ex(p, t257, &both, &s), 0);
	const struct cg_recommendation *recs[] = {&s.allow, &s.tight, &s.deny};
	for (size_t r = 0; r < ELEMENTSOF(recs); r++) {
		assert_true(recs[r]->verified);
		for (cg_name n = 0; cg_set_next(s.used, &n); n++) {
			if (!lines_allow(t247, recs[r], cg_name_str(n)))
				fail_msg("%s does not allow %s on 247", recs[r]->kind,
					 cg_name_str(n));
			if (!lines_allow(t257, recs[r], cg_name_str(n)))
				fail_msg("%s does not allow %s on 257", recs[r]->kind,
					 cg_name_str(n));
		}
		for (size_t i = 0; i < recs[r]->nversions; i++)
			if (recs[r]->versions[i].target)
				assert_true(cg_set_empty(recs[r]->versions[i].missing));
	}
	assert_true(cg_set_has(s.tight.version_readds, cg_intern("mprotect")));
	cg_suggestion_done(&s);
}

/* Property: aimed at every shipped version at once, random profiles get
 * lines that allow every observed call under each. */
static void test_random_profiles_all_versions(void **state)
{
	(void)state;
	unsigned seed = 777;
	size_t nt = cg_table_builtin_count();
	const struct cg_table **all = xcalloc(nt, sizeof *all);
	for (size_t i = 0; i < nt; i++)
		all[i] = cg_table_builtin(i);
	const struct cg_table *t = cg_table_builtin_newest();
	_cleanup_set_ struct cg_set *known = cg_set_new();
	cg_table_known(cg_table_builtin(0), known);
	const char **names;
	size_t nk = cg_set_sorted(known, &names);
	const struct cg_suggest_opts o = {.targets = all, .ntargets = nt};
	for (int round = 0; round < 30; round++) {
		_cleanup_profile_ struct cg_profile *p = cg_profile_new();
		size_t want = 1 + (size_t)rand_r(&seed) % 60;
		for (size_t k = 0; k < want; k++)
			cg_profile_add(p, CG_ABI_X86_64,
				       cg_intern(names[(size_t)rand_r(&seed) % nk]), 1, 0);
		struct cg_suggestion s;
		if (cg_suggest_ex(p, t, &o, &s) != 0)
			fail_msg("round %d: a recommendation failed its check", round);
		for (size_t i = 0; i < nt; i++)
			assert_all_allowed(all[i], &s);
		cg_suggestion_done(&s);
	}
	free(names);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_service_pattern),
		cmocka_unit_test(test_service_keeps_whole_groups),
		cmocka_unit_test(test_not_covered),
		cmocka_unit_test(test_i386_names),
		cmocka_unit_test(test_unknown_and_ungrouped),
		cmocka_unit_test(test_random_profiles),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_random_profiles_all_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
