# SPDX-License-Identifier: LGPL-2.1-or-later
# callgroups: plain GNU make. `make` builds build/callgroups; `make check`
# runs every test; `make demo` shows the main job on a shipped strace table.
# BUILD=dir keeps a separate build tree (several builds side by side);
# SANITIZE=1 builds everything with ASan+UBSan.

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
PKG_CONFIG ?= pkg-config
VERSION  := 0.1.0

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

ifeq ($(origin CC),default)
CC := cc
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -DCG_VERSION=\"$(VERSION)\" -Isrc -I$(BUILD)/gen
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS)
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=address,undefined
endif

# `make demo` and `make check` (the quick start on a fresh machine) install
# the Debian packages they need first, before the checks below can fail.
ifneq ($(filter demo check check-e2e,$(MAKECMDGOALS)),)
DEPS_FAILED := $(shell tools/install-deps.sh >&2 || echo yes)
ifneq ($(DEPS_FAILED),)
$(error installing the Debian packages callgroups needs failed (see above))
endif
endif

# Every dependency is found with pkg-config, and a missing one names the
# Debian package to install (`make deps` installs them all as root).
define need_pkg
$(if $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo yes),,\
  $(error $(1) not found by pkg-config: install the Debian package $(2) (or run 'make deps' as root)))
endef

NEEDS_LIBS := $(filter-out deps clean distclean help format,$(or $(MAKECMDGOALS),all))
ifneq ($(NEEDS_LIBS),)
$(call need_pkg,libseccomp,libseccomp-dev)
$(call need_pkg,json-c,libjson-c-dev)
endif
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libseccomp json-c 2>/dev/null)
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs libseccomp json-c 2>/dev/null) -lpthread

LIB_SRCS := $(sort $(wildcard src/*.c))
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/groups_builtin.o \
            $(BUILD)/obj/families_builtin.o $(BUILD)/obj/options_builtin.o \
            $(BUILD)/obj/optbook_builtin.o
CLI_OBJS := $(CLI_SRCS:src/cli/%.c=$(BUILD)/obj/cli/%.o)
LIB      := $(BUILD)/libcallgroups.a
BIN      := $(BUILD)/callgroups
TABLES   := $(sort $(wildcard data/v*.txt))
RULEBOOK := data/rulebook.txt

.PHONY: all deps check check-unit check-cli demo install uninstall clean fuzz fuzz-smoke \
        lint format help progs
all: $(BIN)

help:
	@echo "make            build $(BIN)"
	@echo "make demo       run 'callgroups suggest' on a shipped strace -f -c table"
	@echo "make check      build and run all tests (SANITIZE=1 for ASan+UBSan)"
	@echo "make fuzz-smoke run each fuzz target briefly"
	@echo "make deps       install the Debian packages needed (as root)"
	@echo "make lint       clang-format check and cppcheck; make format rewrites"
	@echo "make install    install into \$$(DESTDIR)\$$(PREFIX)"

deps:
	@tools/install-deps.sh

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/groups_builtin.o: $(BUILD)/gen/groups_builtin.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The group tables are data: generated into C by the same parser the tool
# uses at run time, with the rulebook (scored rows, umbrella groups).
GEN_SRCS := tools/gen-groups.c src/groups_parse.c src/util.c src/names.c
$(BUILD)/gen-groups: $(GEN_SRCS) src/groups.h src/util.h src/names.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $(GEN_SRCS) $(LDFLAGS)

$(BUILD)/gen/groups_builtin.c: $(BUILD)/gen-groups $(RULEBOOK) $(TABLES)
	@mkdir -p $(dir $@)
	$(BUILD)/gen-groups --rules $(RULEBOOK) $(TABLES) > $@.tmp && mv $@.tmp $@

# The families of related calls (upgrade margin), checked against the tables.
$(BUILD)/gen-families: tools/gen-families.c src/groups_parse.c src/util.c src/names.c \
                       src/groups.h src/util.h src/names.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ tools/gen-families.c src/groups_parse.c src/util.c \
	  src/names.c $(LDFLAGS)

$(BUILD)/gen/families_builtin.c: $(BUILD)/gen-families data/families.txt $(TABLES)
	@mkdir -p $(dir $@)
	$(BUILD)/gen-families data/families.txt $(TABLES) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/families_builtin.o: $(BUILD)/gen/families_builtin.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The seccomp-backed options and their evidence rules (data/options.txt),
# read with the fact names of src/evidence_names.c.
$(BUILD)/gen-options: tools/gen-options.c src/evidence_names.c src/evidence_names.h \
                      src/evidence.h src/options.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ tools/gen-options.c src/evidence_names.c $(LDFLAGS)

$(BUILD)/gen/options_builtin.c: $(BUILD)/gen-options data/options.txt
	@mkdir -p $(dir $@)
	$(BUILD)/gen-options data/options.txt > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/options_builtin.o: $(BUILD)/gen/options_builtin.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The option rulebook (data/options.txt), parsed at build time by the
# library's own parser and checked against the tables, compiled in as text.
GEN_OPTBOOK_SRCS := tools/gen-optbook.c src/optbook.c src/groups_parse.c src/util.c src/names.c \
                    src/abi.c src/evidence_names.c
$(BUILD)/gen-optbook: $(GEN_OPTBOOK_SRCS) src/optbook.h src/groups.h src/util.h src/names.h src/abi.h \
                      src/evidence_names.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(ALL_CFLAGS) -o $@ $(GEN_OPTBOOK_SRCS) $(DEP_LIBS) $(LDFLAGS)

$(BUILD)/gen/optbook_builtin.c: $(BUILD)/gen-optbook data/options.txt $(TABLES)
	@mkdir -p $(dir $@)
	$(BUILD)/gen-optbook data/options.txt $(TABLES) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/optbook_builtin.o: $(BUILD)/gen/optbook_builtin.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(DEP_LIBS) $(LDFLAGS)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/cli/*.d $(BUILD)/tests/*.d)

# ---- tests ----------------------------------------------------------------
UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PROG_SRCS  := $(sort $(wildcard tests/progs/*.c))
PROG_BINS  := $(PROG_SRCS:tests/progs/%.c=$(BUILD)/progs/%)
PROG32_SRCS := $(sort $(wildcard tests/progs/m32/*.c))
PROG32_BINS := $(PROG32_SRCS:tests/progs/m32/%.c=$(BUILD)/progs/m32/%)
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
TEST_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIB)
	@$(PKG_CONFIG) --exists cmocka || { echo "cmocka not found: install the Debian package libcmocka-dev (or run 'make deps' as root)"; exit 1; }
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit -DTOP_SRCDIR=\"$(CURDIR)\" -DBUILD_DIR=\"$(abspath $(BUILD))\" \
	  $(DEP_CFLAGS) $(TEST_CFLAGS) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(LIB) $(DEP_LIBS) $(TEST_LIBS) $(LDFLAGS)

# Test programs make exact system calls; they are built without sanitizers
# (which make calls of their own) and statically where exactness needs it.
$(BUILD)/progs/%: tests/progs/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -o $@ $< -lpthread

$(BUILD)/progs/m32/%: tests/progs/m32/%.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -std=gnu11 -O1 -g -Wall -Wextra -Werror -o $@ $< -lpthread

progs: $(PROG_BINS) $(PROG32_BINS)

check: deps $(BIN) $(UNIT_BINS) progs
	@tests/run.sh $(BUILD)

demo: deps $(BIN)
	@echo "# callgroups suggest data/demo/backup-job-strace-f-c.txt  (see data/demo/README)"
	@$(BIN) suggest data/demo/backup-job-strace-f-c.txt

# ---- fuzzing --------------------------------------------------------------
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_CC   ?= clang
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 20
FUZZ_LIB_SRCS := $(LIB_SRCS) $(BUILD)/gen/groups_builtin.c $(BUILD)/gen/families_builtin.c \
                 $(BUILD)/gen/options_builtin.c $(BUILD)/gen/optbook_builtin.c

$(BUILD)/fuzz/%: fuzz/%.c $(LIB_SRCS) $(BUILD)/gen/groups_builtin.c $(BUILD)/gen/families_builtin.c \
                 $(BUILD)/gen/options_builtin.c $(BUILD)/gen/optbook_builtin.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(DEP_CFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	  -o $@ $< $(FUZZ_LIB_SRCS) $(DEP_LIBS)

fuzz: $(FUZZ_BINS)

fuzz-smoke: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	  n=$$(basename $$f); corpus=fuzz/corpus/$${n#fuzz_}; mkdir -p $(BUILD)/fuzz/work-$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 -max_len=65536 \
	    $(BUILD)/fuzz/work-$$n $$corpus >$(BUILD)/fuzz/$$n.log 2>&1 \
	    || { tail -50 $(BUILD)/fuzz/$$n.log; exit 1; }; \
	done

# ---- install --------------------------------------------------------------
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/callgroups
	install -m 0644 doc/callgroups.1 $(DESTDIR)$(PREFIX)/share/man/man1/callgroups.1
	install -m 0644 completion/callgroups.bash \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/callgroups
	install -m 0644 completion/_callgroups \
	  $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_callgroups

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/callgroups $(DESTDIR)$(PREFIX)/share/man/man1/callgroups.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/callgroups \
	  $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_callgroups

# The BPF program (src/bpf/) is C for another target: clang -target bpf
# checks it when it is built.
# Every C file of ours follows the committed .clang-format: `make format`
# rewrites them, `make lint` fails on any difference.
FORMAT_SRCS = $(sort $(wildcard src/*.[ch] src/cli/*.[ch] src/bpf/trace.bpf.c src/bpf/*shared.h \
                tools/*.c tests/unit/*.[ch] tests/progs/*.c tests/progs/m32/*.c \
                tests/e2e/progs/*.c fuzz/*.c bench/*.c))
CLANG_FORMAT ?= clang-format

format:
	$(CLANG_FORMAT) -i $(FORMAT_SRCS)

lint:
	$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRCS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	  --std=c11 -D_GNU_SOURCE -D__x86_64__ -Isrc -I$(BUILD)/gen --suppress=missingIncludeSystem \
	  --inline-suppr $(LIB_SRCS) $(CLI_SRCS) tools/gen-groups.c tools/gen-families.c tools/gen-optbook.c

clean:
	rm -rf $(BUILD)

# ---- eBPF tracer backend (src/trace_bpf.c; owned by the bpf backend) ------
# src/bpf/trace.bpf.c is compiled by clang for the bpf target and embedded by
# `bpftool gen skeleton` in $(BUILD)/gen/trace.skel.h, which trace_bpf.c
# includes. vmlinux.h (the kernel's types, for CO-RE) is dumped from this
# machine's BTF; without BTF the committed src/bpf/vmlinux.h is used.
BPF_CLANG   ?= clang
BPFTOOL     ?= $(or $(shell command -v bpftool 2>/dev/null),$(wildcard /usr/sbin/bpftool),bpftool)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_CFLAGS  := -target bpf -mcpu=v3 -g -O2 -D__TARGET_ARCH_x86 -Wall -Werror
ifneq ($(NEEDS_LIBS),)
$(call need_pkg,libbpf,libbpf-dev)
$(if $(shell command -v $(BPF_CLANG) 2>/dev/null),,\
  $(error $(BPF_CLANG) not found: install the Debian package clang (or run 'make deps' as root)))
$(if $(shell command -v $(BPFTOOL) 2>/dev/null),,\
  $(error bpftool not found: install the Debian package bpftool (or run 'make deps' as root)))
endif
DEP_CFLAGS += $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
DEP_LIBS   += $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null)

$(BUILD)/gen/bpf/vmlinux.h: $(if $(wildcard $(VMLINUX_BTF)),,src/bpf/vmlinux.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(if $(wildcard $(VMLINUX_BTF)),$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c,\
	  cat src/bpf/vmlinux.h) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/bpf/trace.bpf.o: src/bpf/trace.bpf.c src/bpf/trace_bpf_shared.h \
                              $(BUILD)/gen/bpf/vmlinux.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  BPF     $<")
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -I$(BUILD)/gen/bpf -Isrc/bpf -c -o $@.tmp $< \
	  && $(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(BUILD)/gen/trace.skel.h: $(BUILD)/gen/bpf/trace.bpf.o
	@$(if $(Q),echo "  SKEL    $@")
	$(Q)$(BPFTOOL) gen skeleton $< name trace_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/trace_bpf.o: $(BUILD)/gen/trace.skel.h
$(FUZZ_BINS): $(BUILD)/gen/trace.skel.h

# ---- end-to-end tests under real systemd 247/252/257 (owned by e2e) -------
# `make check-e2e` (as root) boots Debian bullseye, bookworm and trixie in
# systemd-nspawn and runs real services under the recommended filters; see
# tests/e2e/README.md. The containers get a static callgroups, since their
# glibc may be older than the host's, and a static test program.
E2E_PKGS := libseccomp json-c $(if $(shell $(PKG_CONFIG) --exists libbpf 2>/dev/null && echo y),libbpf)
E2E_STATIC_LIBS = $(shell $(PKG_CONFIG) --static --libs $(E2E_PKGS) 2>/dev/null) -lpthread

$(BUILD)/e2e/bin/callgroups: $(CLI_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@ (static)")
	$(Q)$(CC) $(ALL_CFLAGS) -static -o $@ $(CLI_OBJS) $(LIB) $(E2E_STATIC_LIBS)

$(BUILD)/e2e/bin/worker: tests/e2e/progs/worker.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@ (static)")
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

$(BUILD)/e2e/bin/optprobe: tests/progs/optprobe.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@ (static)")
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# The long-running service of the harden rows (tests/e2e/harden-inside.sh).
$(BUILD)/e2e/bin/hardend: tests/e2e/progs/hardend.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@ (static)")
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# The host's reader of the kernel's seccomp audit records.
$(BUILD)/e2e/bin/auditlog: tests/e2e/progs/auditlog.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

.PHONY: check-e2e
check-e2e: $(BIN) $(BUILD)/e2e/bin/callgroups $(BUILD)/e2e/bin/worker $(BUILD)/e2e/bin/auditlog \
           $(BUILD)/e2e/bin/optprobe $(BUILD)/e2e/bin/hardend
	@tests/e2e/run.sh $(BUILD)
