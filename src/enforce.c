/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "enforce.h"

#include "crash.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/netlink.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* ---- semantics ---------------------------------------------------------- */

static bool filter_active(const struct cg_policy *p)
{
	/* systemd loads nothing for a deny-list that denies nothing. */
	return p->filter && p->filter->active &&
	       (p->filter->allow_list || !cg_set_empty(p->filter->set));
}

static bool log_active(const struct cg_policy *p);

static bool options_active(const struct cg_policy *p)
{
	return p->options && (p->options->n || p->options->mdwe_err);
}

bool cg_policy_active(const struct cg_policy *p)
{
	return filter_active(p) || cg_archs_set(&p->archs) || log_active(p) || options_active(p);
}

/* True when an option rule names the call on abi: complain mode stops it
 * so that the supervisor can look at its arguments. */
static bool option_call(const struct cg_policy *p, enum cg_abi abi, cg_name n)
{
	if (!p->options)
		return false;
	for (size_t i = 0; i < p->options->n; i++)
		if (p->options->v[i].name == n && (p->options->v[i].abis & (1u << abi)))
			return true;
	return false;
}

/* Complain mode: a notify rule for every option call of abi not yet in
 * ctx (one already there notifies, or is denied by the default). */
static int add_option_calls(const struct cg_policy *p, scmp_filter_ctx ctx, enum cg_abi abi,
			    bool exact)
{
	if (!p->options)
		return 0;
	for (size_t i = 0; i < p->options->n; i++) {
		const struct cg_opt_crule *c = &p->options->v[i];
		const char *name = cg_name_str(c->name);
		if (!(c->abis & (1u << abi)) || !cg_syscall_on_abi(abi, name))
			continue;
		int nr = seccomp_syscall_resolve_name(name);
		int r = exact ? seccomp_rule_add_exact(ctx, SCMP_ACT_NOTIFY, nr, 0)
			      : seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

unsigned cg_policy_abis(const struct cg_policy *p)
{
	unsigned all = (1u << CG_ABI_COUNT) - 1;
	if (!cg_archs_set(&p->archs))
		return all;
	/* systemd never blocks the native ABI: it has to call execve(). */
	return (cg_archs_mask(&p->archs) | 1u << cg_abi_native()) & all;
}

/* The action for a denied call: its entry's errno, else the unit's. */
static struct cg_verdict deny_verdict(const struct cg_policy *p, cg_name name)
{
	int err = name == CG_NAME_NONE ? CG_ERRNO_NONE : cg_filter_entry_errno(p->filter, name);
	if (err == CG_ERRNO_NONE)
		err = p->errno_action;
	if (err >= 0)
		return (struct cg_verdict){CG_VERDICT_ERRNO, err};
	return (struct cg_verdict){CG_VERDICT_KILL_PROCESS, 0};
}

struct cg_verdict cg_policy_verdict(const struct cg_policy *p, enum cg_abi abi, cg_name name)
{
	if (!(cg_policy_abis(p) & (1u << abi)))
		return (struct cg_verdict){CG_VERDICT_KILL_THREAD, 0};
	if (!filter_active(p))
		return (struct cg_verdict){CG_VERDICT_ALLOW, 0};
	bool allowed =
		name == CG_NAME_NONE ? !p->filter->allow_list : cg_filter_allows(p->filter, name);
	if (allowed)
		return (struct cg_verdict){CG_VERDICT_ALLOW, 0};
	return deny_verdict(p, name);
}

static bool log_active(const struct cg_policy *p)
{
	/* systemd loads nothing for "log only these" with nothing listed. */
	return p->log && p->log->active && (!p->log->allow_list || !cg_set_empty(p->log->set));
}

bool cg_policy_logs(const struct cg_policy *p, enum cg_abi abi, cg_name name)
{
	if (!log_active(p) || cg_policy_verdict(p, abi, name).kind != CG_VERDICT_ALLOW)
		return false;
	return name == CG_NAME_NONE ? !p->log->allow_list
				    : cg_set_has(p->log->set, name) == p->log->allow_list;
}

const char *cg_verdict_name(struct cg_verdict v)
{
	switch (v.kind) {
	case CG_VERDICT_ALLOW:
		return "allow";
	case CG_VERDICT_ERRNO:
		return cg_errno_name(v.err);
	case CG_VERDICT_KILL_PROCESS:
		return "kill";
	case CG_VERDICT_KILL_THREAD:
		return "kill-thread";
	}
	return "?";
}

/* ---- building libseccomp contexts --------------------------------------- */

static void ctx_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}
#define _cleanup_ctx_ _cleanup_(ctx_releasep)

static uint32_t verdict_action(struct cg_verdict v)
{
	switch (v.kind) {
	case CG_VERDICT_ALLOW:
		return SCMP_ACT_ALLOW;
	case CG_VERDICT_ERRNO:
		return SCMP_ACT_ERRNO((uint32_t)v.err);
	case CG_VERDICT_KILL_THREAD:
		return SCMP_ACT_KILL;
	case CG_VERDICT_KILL_PROCESS:
		break;
	}
	return SCMP_ACT_KILL_PROCESS;
}

/* The default action of a filter with the unit's deny action. */
static uint32_t default_deny_action(const struct cg_policy *p)
{
	return p->errno_action >= 0 ? SCMP_ACT_ERRNO((uint32_t)p->errno_action)
				    : SCMP_ACT_KILL_PROCESS;
}

/* A context for one ABI only, as systemd's seccomp_init_for_arch() makes
 * it: other ABIs' calls pass (their own filter judges them). complain: the
 * deny action is a user notification. */
enum ctx_kind { CTX_ENFORCE, CTX_COMPLAIN, CTX_LOG };

static int abi_ctx(const struct cg_policy *p, enum cg_abi abi, enum ctx_kind kind,
		   scmp_filter_ctx *out, struct cg_error *e)
{
	bool complain = kind == CTX_COMPLAIN;
	/* SystemCallLog=: an allow-list logs the listed calls ("log these"),
	 * a deny-list all others; the same per-ABI construction. */
	const struct cg_filter *f = kind == CTX_LOG ? p->log : p->filter;
	uint32_t deny = kind == CTX_LOG ? SCMP_ACT_LOG
			: complain	? SCMP_ACT_NOTIFY
					: default_deny_action(p);
	uint32_t deflt = kind == CTX_LOG ? (f->allow_list ? SCMP_ACT_ALLOW : SCMP_ACT_LOG)
			 : f->allow_list ? deny
					 : SCMP_ACT_ALLOW;
	_cleanup_ctx_ scmp_filter_ctx ctx = seccomp_init(deflt);
	if (!ctx)
		return -ENOMEM;
	int r = 0;
	uint32_t arch = cg_abi_scmp_arch(abi);
	if (arch != seccomp_arch_native()) {
		r = seccomp_arch_remove(ctx, seccomp_arch_native());
		if (r >= 0)
			r = seccomp_arch_add(ctx, arch);
	}
	if (r >= 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (r >= 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0) {
		cg_error_set(e, NULL, 0, "libseccomp: cannot set up a filter for %s: %s",
			     cg_abi_name(abi), strerror(-r));
		return r;
	}
	for (cg_name n = 0; cg_set_next(f->set, &n); n++) {
		const char *name = cg_name_str(n);
		if (!cg_syscall_on_abi(abi, name))
			continue; /* systemd skips names an ABI lacks (-EDOM) */
		uint32_t action = SCMP_ACT_ALLOW;
		if (kind == CTX_LOG)
			action = f->allow_list ? SCMP_ACT_LOG : SCMP_ACT_ALLOW;
		else if (!f->allow_list)
			action = complain ? SCMP_ACT_NOTIFY : verdict_action(deny_verdict(p, n));
		else if (complain && option_call(p, abi, n))
			continue; /* allowed, its arguments may not be: the default
				   * (notify) stops it for the supervisor */
		/* Numbers are given in the native numbering (pseudo numbers
		 * for calls the native ABI lacks); libseccomp translates them
		 * by name, as it does for systemd. */
		r = seccomp_rule_add_exact(ctx, action, seccomp_syscall_resolve_name(name), 0);
		if (r < 0) {
			cg_error_set(e, NULL, 0, "libseccomp: cannot add a rule for %s on %s: %s",
				     name, cg_abi_name(abi), strerror(-r));
			return r;
		}
	}
	if (complain && !f->allow_list) {
		r = add_option_calls(p, ctx, abi, true);
		if (r < 0) {
			cg_error_set(e, NULL, 0,
				     "libseccomp: cannot add the option rules on %s: %s",
				     cg_abi_name(abi), strerror(-r));
			return r;
		}
	}
	*out = steal_pointer(&ctx);
	return 0;
}

/* The SystemCallArchitectures= filter: no rules, the allowed arches, the
 * bad-arch action libseccomp defaults to (SCMP_ACT_KILL, i.e. kill the
 * thread), as systemd's seccomp_restrict_archs() leaves it. */
static int archs_ctx(const struct cg_policy *p, scmp_filter_ctx *out, struct cg_error *e)
{
	_cleanup_ctx_ scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	unsigned abis = cg_policy_abis(p);
	int r = 0;
	for (int a = 0; a < CG_ABI_COUNT && r >= 0; a++)
		if (abis & (1u << a)) {
			r = seccomp_arch_add(ctx, cg_abi_scmp_arch(a));
			if (r == -EEXIST)
				r = 0;
		}
	if (r >= 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0) {
		cg_error_set(e, NULL, 0, "libseccomp: cannot set up the architecture filter: %s",
			     strerror(-r));
		return r;
	}
	*out = steal_pointer(&ctx);
	return 0;
}

/* Everything in one context: each ABI's filter merged, the arch restriction
 * as the bad-arch action. */
static int merged_ctx(const struct cg_policy *p, bool complain, scmp_filter_ctx *out,
		      struct cg_error *e)
{
	unsigned abis = cg_policy_abis(p);
	_cleanup_ctx_ scmp_filter_ctx ctx = NULL;
	int r;
	if (filter_active(p)) {
		/* Native first: seccomp_merge() wants disjoint arches, and
		 * every context starts out with the native one. */
		enum cg_abi order[CG_ABI_COUNT];
		size_t n = 0;
		order[n++] = cg_abi_native();
		for (int a = 0; a < CG_ABI_COUNT; a++)
			if ((enum cg_abi)a != cg_abi_native())
				order[n++] = a;
		for (size_t i = 0; i < n; i++) {
			if (!(abis & (1u << order[i])))
				continue;
			scmp_filter_ctx one = NULL;
			r = abi_ctx(p, order[i], complain ? CTX_COMPLAIN : CTX_ENFORCE, &one, e);
			if (r < 0)
				return r;
			if (!ctx) {
				ctx = one;
				continue;
			}
			r = seccomp_merge(ctx, one);
			if (r < 0) {
				seccomp_release(one);
				cg_error_set(e, NULL, 0,
					     "libseccomp: cannot merge the %s filter: %s",
					     cg_abi_name(order[i]), strerror(-r));
				return r;
			}
		}
	} else {
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (!ctx)
			return -ENOMEM;
		for (int a = 0; a < CG_ABI_COUNT; a++)
			if ((abis & (1u << a)) && (enum cg_abi)a != cg_abi_native()) {
				r = seccomp_arch_add(ctx, cg_abi_scmp_arch(a));
				if (r < 0 && r != -EEXIST)
					return r;
			}
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
		if (complain) {
			/* Added for every arch of the context (x86's socket()
			 * becomes socketcall(), harmless: the supervisor lets
			 * what no option refuses go on). */
			r = add_option_calls(p, ctx, cg_abi_native(), false);
			if (r < 0) {
				cg_error_set(e, NULL, 0,
					     "libseccomp: cannot add the option rules: %s",
					     strerror(-r));
				return r;
			}
		}
	}
	uint32_t badarch = SCMP_ACT_ALLOW; /* only non-x86 arches remain: none */
	if (cg_archs_set(&p->archs))
		badarch = complain ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch);
	if (r < 0) {
		cg_error_set(e, NULL, 0, "libseccomp: cannot set the bad-arch action: %s",
			     strerror(-r));
		return r;
	}
	*out = steal_pointer(&ctx);
	return 0;
}

static int set_nnp(struct cg_error *e)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		int r = -errno;
		cg_error_set(e, NULL, 0, "cannot set no_new_privs: %s", strerror(errno));
		return r;
	}
	return 0;
}

/* One filter per ABI, in the order of systemd's seccomp_local_archs
 * (x86, x32, the native x86-64 last). */
static int load_per_abi(const struct cg_policy *p, enum ctx_kind kind, struct cg_error *e)
{
	static const enum cg_abi order[] = {CG_ABI_I386, CG_ABI_X32, CG_ABI_X86_64};
	unsigned abis = cg_policy_abis(p);
	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		if (!(abis & (1u << order[i])))
			continue;
		_cleanup_ctx_ scmp_filter_ctx ctx = NULL;
		int r = abi_ctx(p, order[i], kind, &ctx, e);
		if (r < 0)
			return r;
		r = seccomp_load(ctx);
		if (r < 0) {
			cg_error_set(e, NULL, 0, "cannot load the %s %s filter: %s",
				     kind == CTX_LOG ? "SystemCallLog=" : "SystemCallFilter=",
				     cg_abi_name(order[i]), strerror(-r));
			return r;
		}
	}
	return 0;
}

int cg_policy_load(const struct cg_policy *p, struct cg_error *e)
{
	int r = set_nnp(e);
	if (r < 0)
		return r;
	/* The options first, for every ABI: exec_child() applies them
	 * before SystemCallArchitectures= and SystemCallFilter=. */
	if (options_active(p)) {
		r = cg_optunit_load(p->options, (1u << CG_ABI_COUNT) - 1, NULL, e);
		if (r < 0)
			return r;
	}
	/* systemd applies SystemCallArchitectures= before SystemCallFilter=,
	 * and loads the per-ABI filters in the order of its
	 * seccomp_local_archs (x86, x32, native x86-64 last). The kernel runs
	 * every filter and takes the strongest action, so the order changes
	 * nothing but which filter's errno wins a tie. */
	if (cg_archs_set(&p->archs)) {
		_cleanup_ctx_ scmp_filter_ctx ctx = NULL;
		r = archs_ctx(p, &ctx, e);
		if (r < 0)
			return r;
		r = seccomp_load(ctx);
		if (r < 0) {
			cg_error_set(e, NULL, 0, "cannot load the architecture filter: %s",
				     strerror(-r));
			return r;
		}
	}
	if (log_active(p)) {
		r = load_per_abi(p, CTX_LOG, e);
		if (r < 0)
			return r;
	}
	if (filter_active(p))
		return load_per_abi(p, CTX_ENFORCE, e);
	return 0;
}

/* The merged program as exported by libseccomp, into a new buffer. */
static int export_program(scmp_filter_ctx ctx, char **out, size_t *len, struct cg_error *e)
{
	_cleanup_close_ int fd = memfd_create("callgroups-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0) {
		cg_error_set(e, NULL, 0, "libseccomp cannot export the filter: %s", strerror(-r));
		return r;
	}
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return -errno;
	char *buf = xmalloc((size_t)size + 1);
	ssize_t got = pread(fd, buf, (size_t)size, 0);
	if (got != size) {
		free(buf);
		return got < 0 ? -errno : -EIO;
	}
	*out = buf;
	*len = (size_t)size;
	return 0;
}

int cg_policy_load_complain(const struct cg_policy *p, int *notify_fd, struct cg_error *e)
{
	/* libseccomp asks for a listener only when a rule or the default
	 * action notifies, not for the bad-arch action; and it keeps the
	 * listener in global state. So the program is exported and loaded
	 * here, asking the kernel for the listener directly. */
	char *prog = NULL; /* not freed once loaded: see below */
	size_t len = 0;
	{
		_cleanup_ctx_ scmp_filter_ctx ctx = NULL;
		int r = merged_ctx(p, true, &ctx, e);
		if (r < 0)
			return r;
		r = export_program(ctx, &prog, &len, e);
		if (r < 0)
			return r;
	}
	int r = set_nnp(e);
	if (r < 0) {
		free(prog);
		return r;
	}
	struct sock_fprog fprog = {
		.len = (unsigned short)(len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)(void *)prog,
	};
	/* From here on no system call may need an answer before the
	 * supervisor holds the listener: nothing but returning (even free()
	 * may trim the heap). prog is left to the caller's execve(). */
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &fprog);
	if (fd < 0) {
		r = -errno;
		cg_error_set(e, NULL, 0, "cannot load the complain filter: %s", strerror(errno));
		free(prog);
		return r;
	}
	*notify_fd = (int)fd;
	return 0;
}

/* ---- export --------------------------------------------------------------- */

int cg_policy_export_bpf(const struct cg_policy *p, char **out, size_t *len, struct cg_error *e)
{
	_cleanup_ctx_ scmp_filter_ctx ctx = NULL;
	int r = merged_ctx(p, false, &ctx, e);
	if (r < 0)
		return r;
	return export_program(ctx, out, len, e);
}

static const char *oci_arch(enum cg_abi abi)
{
	static const char *const names[CG_ABI_COUNT] = {
		[CG_ABI_X86_64] = "SCMP_ARCH_X86_64",
		[CG_ABI_I386] = "SCMP_ARCH_X86",
		[CG_ABI_X32] = "SCMP_ARCH_X32",
	};
	return names[abi];
}

static json_object *oci_rule(const char *const *names, size_t n, struct cg_verdict v)
{
	json_object *rule = json_object_new_object();
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(names[i]));
	json_object_object_add(rule, "names", arr);
	switch (v.kind) {
	case CG_VERDICT_ALLOW:
		json_object_object_add(rule, "action", json_object_new_string("SCMP_ACT_ALLOW"));
		break;
	case CG_VERDICT_ERRNO:
		json_object_object_add(rule, "action", json_object_new_string("SCMP_ACT_ERRNO"));
		json_object_object_add(rule, "errnoRet", json_object_new_int(v.err));
		break;
	default:
		json_object_object_add(rule, "action",
				       json_object_new_string("SCMP_ACT_KILL_PROCESS"));
		break;
	}
	return rule;
}

int cg_policy_export_oci(const struct cg_policy *p, char **out, struct cg_error *e)
{
	json_object *root = json_object_new_object();
	unsigned abis = cg_policy_abis(p);
	const struct cg_filter *f = filter_active(p) ? p->filter : NULL;
	struct cg_verdict deflt = {CG_VERDICT_ALLOW, 0};
	if (f && f->allow_list)
		deflt = deny_verdict(p, CG_NAME_NONE);
	if (deflt.kind == CG_VERDICT_ERRNO) {
		json_object_object_add(root, "defaultAction",
				       json_object_new_string("SCMP_ACT_ERRNO"));
		json_object_object_add(root, "defaultErrnoRet", json_object_new_int(deflt.err));
	} else {
		json_object_object_add(root, "defaultAction",
				       json_object_new_string(deflt.kind == CG_VERDICT_ALLOW
								      ? "SCMP_ACT_ALLOW"
								      : "SCMP_ACT_KILL_PROCESS"));
	}
	/* The runtime adds these to its filter; calls of other arches get
	 * its bad-arch action (runc and crun: kill or ENOSYS), which is what
	 * SystemCallArchitectures= asks for. Without it every x86 ABI is
	 * listed so that no ABI slips around the rules. */
	json_object *arches = json_object_new_array();
	json_object_array_add(arches, json_object_new_string(oci_arch(cg_abi_native())));
	for (int a = 0; a < CG_ABI_COUNT; a++)
		if ((abis & (1u << a)) && (enum cg_abi)a != cg_abi_native())
			json_object_array_add(arches, json_object_new_string(oci_arch(a)));
	json_object_object_add(root, "architectures", arches);

	json_object *rules = json_object_new_array();
	if (f) {
		_cleanup_free_ const char **names = NULL;
		size_t n = cg_set_sorted(f->set, &names);
		/* One rule per distinct action, names sorted. */
		_cleanup_free_ const char **batch = xcalloc(n ? n : 1, sizeof *batch);
		_cleanup_free_ bool *done = xcalloc(n ? n : 1, sizeof *done);
		for (size_t i = 0; i < n; i++) {
			if (done[i])
				continue;
			struct cg_verdict vi = f->allow_list
						       ? (struct cg_verdict){CG_VERDICT_ALLOW, 0}
						       : deny_verdict(p, cg_intern(names[i]));
			size_t nb = 0;
			for (size_t j = i; j < n; j++) {
				if (done[j])
					continue;
				struct cg_verdict vj =
					f->allow_list ? (struct cg_verdict){CG_VERDICT_ALLOW, 0}
						      : deny_verdict(p, cg_intern(names[j]));
				if (vj.kind == vi.kind && vj.err == vi.err) {
					batch[nb++] = names[j];
					done[j] = true;
				}
			}
			json_object_array_add(rules, oci_rule(batch, nb, vi));
		}
	}
	json_object_object_add(root, "syscalls", rules);
	const char *s = json_object_to_json_string_ext(
		root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	*out = xasprintf("%s\n", s);
	json_object_put(root);
	(void)e;
	return 0;
}

/* ---- complain supervisor ------------------------------------------------ */

void cg_complaints_done(struct cg_complaints *c)
{
	free(c->v);
	*c = (struct cg_complaints){0};
}

static int complaint_cmp(const void *a, const void *b)
{
	const struct cg_complaint *x = a, *y = b;
	if (x->abi != y->abi)
		return x->abi < y->abi ? -1 : 1;
	const char *nx = x->name == CG_NAME_NONE ? "" : cg_name_str(x->name);
	const char *ny = y->name == CG_NAME_NONE ? "" : cg_name_str(y->name);
	int r = strcmp(nx, ny);
	if (r)
		return r;
	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	if (x->option != y->option)
		return x->option < y->option ? -1 : 1;
	return x->fact < y->fact ? -1 : x->fact > y->fact;
}

void cg_complaints_sort(struct cg_complaints *c)
{
	if (c->n)
		qsort(c->v, c->n, sizeof *c->v, complaint_cmp);
}

void cg_complaints_add(struct cg_complaints *c, uint32_t arch, long nr, pid_t pid)
{
	enum cg_abi abi;
	if (cg_abi_from_audit(arch, nr, &abi) < 0)
		abi = cg_abi_native(); /* not an x86 arch: cannot happen here */
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].abi == abi && c->v[i].nr == nr && c->v[i].option < 0) {
			c->v[i].count++;
			return;
		}
	xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v);
	c->v[c->n++] = (struct cg_complaint){
		.abi = abi,
		.nr = nr,
		.name = cg_abi_syscall_name(abi, nr),
		.count = 1,
		.first_pid = pid,
		.option = -1,
	};
}

/* The comm of pid, "" when it is gone. */
static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	buf[0] = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

void cg_complaints_add_option(struct cg_complaints *c, enum cg_abi abi, long nr, int option,
			      int err, uint64_t fact, pid_t pid)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].abi == abi && c->v[i].nr == nr && c->v[i].option == option &&
		    c->v[i].fact == fact) {
			c->v[i].count++;
			return;
		}
	xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v);
	c->v[c->n] = (struct cg_complaint){
		.abi = abi,
		.nr = nr,
		.name = cg_abi_syscall_name(abi, nr),
		.count = 1,
		.first_pid = pid,
		.option = option,
		.err = err,
		.fact = fact,
	};
	comm_of(pid, c->v[c->n].comm, sizeof c->v[c->n].comm);
	c->n++;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* What one notification is: a denial of p's filter, an option's
 * refusal, or neither (an option's call with harmless arguments). */
static void classify(const struct cg_policy *p, const struct seccomp_notif *req,
		     struct cg_complaints *out)
{
	if (!p) {
		cg_complaints_add(out, req->data.arch, req->data.nr, (pid_t)req->pid);
		return;
	}
	enum cg_abi abi;
	if (cg_abi_from_audit(req->data.arch, req->data.nr, &abi) < 0)
		abi = cg_abi_native();
	cg_name name = cg_abi_syscall_name(abi, req->data.nr);
	if (cg_policy_verdict(p, abi, name).kind != CG_VERDICT_ALLOW) {
		cg_complaints_add(out, req->data.arch, req->data.nr, (pid_t)req->pid);
		return;
	}
	if (!p->options)
		return;
	unsigned opt = 0;
	uint64_t fact = 0, args[6];
	for (int i = 0; i < 6; i++)
		args[i] = req->data.args[i];
	int err = cg_optunit_verdict(p->options, abi, name, args, p->options->mdwe_err != 0, &opt,
				     &fact);
	if (err)
		cg_complaints_add_option(out, abi, req->data.nr, (int)opt, err, fact,
					 (pid_t)req->pid);
}

int cg_complain_serve(int notify_fd, pid_t child, const struct cg_policy *p, int *status,
		      struct cg_complaints *out)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	int r = seccomp_notify_alloc(&req, &resp);
	if (r < 0)
		return r;
	_cleanup_close_ int pidfd = pidfd_open_(child);
	if (pidfd < 0) {
		r = -errno;
		seccomp_notify_free(req, resp);
		return r;
	}
	bool reaped = false, hup = false;
	r = 0;
	while (!(reaped && hup)) {
		struct pollfd fds[2] = {
			{.fd = hup ? -1 : notify_fd, .events = POLLIN},
			{.fd = reaped ? -1 : pidfd, .events = POLLIN},
		};
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (fds[0].revents & POLLIN) {
			memset(req, 0, sizeof *req);
			if (seccomp_notify_receive(notify_fd, req) == 0) {
				classify(p, req, out);
				memset(resp, 0, sizeof *resp);
				resp->id = req->id;
				resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
				/* -ENOENT: the caller was interrupted or died
				 * meanwhile; it will ask again if it retries. */
				(void)seccomp_notify_respond(notify_fd, resp);
			}
		} else if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			hup = true; /* no task uses the filter any more */
		}
		if (fds[1].revents & POLLIN) {
			pid_t w = waitpid(child, status, WNOHANG);
			if (w == child)
				reaped = true;
			else if (w < 0 && errno != EINTR) {
				r = -errno;
				break;
			}
		}
	}
	seccomp_notify_free(req, resp);
	return r;
}

/* ---- kernel log records ------------------------------------------------- */

/* One parser of seccomp audit records for the whole tool: crash.c's. */
int cg_seccomp_record_parse(const char *line, struct cg_seccomp_record *out)
{
	struct cg_crash_record *v = NULL;
	size_t n = 0;
	int r = cg_crash_parse(line, strlen(line), "record", &v, &n, NULL);
	if (r < 0 || n == 0 || v[0].source != CG_CRASH_AUDIT || !v[0].have_abi || v[0].pid < 0) {
		free(v);
		return -EINVAL;
	}
	*out = (struct cg_seccomp_record){
		.pid = (pid_t)v[0].pid,
		.sig = v[0].sig < 0 ? 0 : v[0].sig,
		.abi = v[0].abi,
		.nr = v[0].nr,
		.name = v[0].name,
	};
	snprintf(out->comm, sizeof out->comm, "%s", v[0].comm);
	free(v);
	return 0;
}

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Reading needs CAP_SYSLOG (or dmesg_restrict=0): find out now. */
	if (lseek(fd, 0, SEEK_END) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	char buf[8192];
	if (read(fd, buf, sizeof buf) < 0 && errno != EAGAIN) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static int audit_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1),
	};
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int cg_seccomp_watch_open(struct cg_seccomp_watch *w)
{
	w->netlink = true;
	w->fd = audit_open();
	if (w->fd >= 0)
		return 0;
	w->netlink = false;
	w->fd = kmsg_open();
	if (w->fd >= 0)
		return 0;
	int r = w->fd;
	w->fd = -1;
	return r;
}

void cg_seccomp_watch_close(struct cg_seccomp_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next record's text into line ("" for one of another kind). Returns
 * 1, 0 when nothing is waiting, or a negative errno. */
static int next_record(const struct cg_seccomp_watch *w, char *line, size_t len)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t n = w->netlink ? recv(w->fd, buf, sizeof buf, 0) : read(w->fd, buf, sizeof buf - 1);
	if (n < 0) {
		if (errno == EAGAIN)
			return 0;
		if (errno == EINTR || errno == EPIPE || errno == ENOBUFS)
			return 1; /* kmsg records overwritten, or the socket overran */
		return -errno;
	}
	line[0] = 0;
	if (!w->netlink) {
		buf[n] = 0;
		const char *msg = strchr(buf, ';');
		snprintf(line, len, "%s", msg ? msg + 1 : buf);
		return 1;
	}
	/* One datagram may carry several messages; only seccomp ones count,
	 * and their text lacks the "type=" that kmsg and audit.log show. */
	for (size_t off = 0; off + NLMSG_HDRLEN <= (size_t)n;) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(void *)(buf + off);
		if (h->nlmsg_len < NLMSG_HDRLEN || off + h->nlmsg_len > (size_t)n)
			break;
		if (h->nlmsg_type == AUDIT_SECCOMP) {
			snprintf(line, len, "type=1326 %.*s", (int)(h->nlmsg_len - NLMSG_HDRLEN),
				 (const char *)NLMSG_DATA(h));
			break;
		}
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return 1;
}

int cg_seccomp_watch_find_kill(const struct cg_seccomp_watch *w, pid_t pid, int timeout_ms,
			       struct cg_seccomp_record *out)
{
	long deadline = now_ms() + timeout_ms;
	for (;;) {
		long left = deadline - now_ms();
		int r = cg_seccomp_watch_next(w, pid, left > 0 ? (int)left : 0, out);
		if (r < 0 || out->sig == 31)
			return r;
	}
}

int cg_seccomp_watch_next(const struct cg_seccomp_watch *w, pid_t pid, int timeout_ms,
			  struct cg_seccomp_record *out)
{
	if (w->fd < 0)
		return -EBADF;
	long deadline = now_ms() + timeout_ms;
	char line[8192];
	for (;;) {
		int r = next_record(w, line, sizeof line);
		if (r < 0)
			return r;
		if (r > 0) {
			struct cg_seccomp_record rec;
			if (cg_seccomp_record_parse(line, &rec) == 0 &&
			    (pid <= 0 || rec.pid == pid)) {
				*out = rec;
				return 0;
			}
			continue;
		}
		long left = deadline - now_ms();
		if (left <= 0)
			return -ENOENT;
		struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
		poll(&pfd, 1, (int)left);
	}
}
