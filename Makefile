# splitfail build: every workloads/*.c is one binary (linked with workloads/lib/*.c), every
# harness/*.c and harness/*/*.c go into build/harness/splitfail, every tests/*.c is one test program.
# Adding a file needs no edit here. See docs/protocol.md for the layout and the contracts.

BUILD ?= build
O ?= $(BUILD)
KDIR ?=

CC ?= cc
CFLAGS ?= -std=gnu11 -O2 -g -Wall -Wextra -Werror
CPPFLAGS += -D_GNU_SOURCE -isystem $(O)/kselftest -Iworkloads/lib -MMD -MP
LDLIBS += -lpthread -lm

KSFT_DIR := $(O)/kselftest
KSFT_STAMP := $(KSFT_DIR)/.stamp
KUNIT_DIR := $(O)/kunit
KUNIT_STAMP := $(KUNIT_DIR)/.stamp
KSRC_TAR := $(shell ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)

WORKLOAD_SRCS := $(wildcard workloads/*.c)
LIB_SRCS := $(wildcard workloads/lib/*.c)
LIB_HDRS := $(wildcard workloads/lib/*.h)
HARNESS_SRCS := $(wildcard harness/*.c harness/*/*.c)
HARNESS_LIB_SRCS := $(filter-out harness/main.c,$(HARNESS_SRCS))
TEST_SRCS := $(wildcard tests/*.c)
HARNESS_TEST_SRCS := $(filter tests/harness_%.c,$(TEST_SRCS))
OTHER_TEST_SRCS := $(filter-out tests/harness_%.c,$(TEST_SRCS))

obj = $(patsubst %.c,$(O)/obj/%.o,$(1))
LIB_OBJS := $(call obj,$(LIB_SRCS))
HARNESS_OBJS := $(call obj,$(HARNESS_SRCS))
HARNESS_LIB_OBJS := $(call obj,$(HARNESS_LIB_SRCS))

WORKLOADS := $(patsubst workloads/%.c,$(O)/workloads/%,$(WORKLOAD_SRCS))
HARNESS := $(if $(HARNESS_SRCS),$(O)/harness/splitfail)
HARNESS_TESTS := $(patsubst tests/%.c,$(O)/tests/%,$(HARNESS_TEST_SRCS))
OTHER_TESTS := $(patsubst tests/%.c,$(O)/tests/%,$(OTHER_TEST_SRCS))
TAP_SCRIPTS := $(sort $(wildcard tests/*.t))

# Libraries a source asks for by its includes: -lnuma and liburing only where used.
libs_for = $(if $(shell grep -lE '^\#include <(numa|numaif)\.h>' $(1) 2>/dev/null),-lnuma) \
	$(if $(shell grep -l '^\#include <liburing\.h>' $(1) 2>/dev/null),\
	$(shell pkg-config --libs liburing 2>/dev/null || echo -luring))

# Cheap check for what building and testing need; deps.sh installs only when something is missing.
DEP_FILES := /usr/include/liburing.h /usr/include/numa.h /usr/include/numaif.h \
	/usr/include/hugetlbfs.h
DEP_CMDS := $(CC) pkg-config prove stress-ng xz xmllint python3
DEPS_MISSING := $(strip $(foreach f,$(DEP_FILES),$(if $(wildcard $(f)),,$(f))) \
	$(foreach c,$(DEP_CMDS),$(if $(shell command -v $(c) 2>/dev/null),,$(c))) \
	$(if $(KDIR)$(KSRC_TAR),,linux-source))

.PHONY: all check check-kernels bench bench-guest deps deps-if-missing vm-deps-if-missing clean lint \
	kselftest-headers kunit-tool
.DEFAULT_GOAL := all
# Keep objects: they are intermediate files of the pattern chain.
.SECONDARY:

all: deps-if-missing $(KSFT_STAMP) $(WORKLOADS) $(HARNESS) $(HARNESS_TESTS) $(OTHER_TESTS)

deps-if-missing:
ifneq ($(DEPS_MISSING),)
	@echo "splitfail: missing: $(DEPS_MISSING); running harness/runner/deps.sh build"
	harness/runner/deps.sh build
endif

deps:
	harness/runner/deps.sh build

# The kselftest headers (and the mm selftests bench.sh builds) come from a kernel tree,
# extracted once; the stamp records where they came from.
kselftest-headers: $(KSFT_STAMP)

$(KSFT_STAMP): | deps-if-missing
	@mkdir -p $(KSFT_DIR)
	@set -e; \
	kdir='$(KDIR)'; \
	tar_file=$$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1); \
	if [ -n "$$kdir" ]; then \
		sel="$$kdir/tools/testing/selftests"; \
		cp "$$sel/kselftest_harness.h" "$$sel/kselftest.h" $(KSFT_DIR)/; \
		rm -rf $(KSFT_DIR)/mm && cp -r "$$sel/mm" $(KSFT_DIR)/mm; \
		src="$$kdir"; \
	elif [ -n "$$tar_file" ]; then \
		echo "splitfail: extracting kselftest headers from $$tar_file"; \
		tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
		tar -xJf "$$tar_file" -C "$$tmp" --wildcards \
			'*/tools/testing/selftests/kselftest_harness.h' \
			'*/tools/testing/selftests/kselftest.h' \
			'*/tools/testing/selftests/mm/*'; \
		top=$$(ls "$$tmp"); sel="$$tmp/$$top/tools/testing/selftests"; \
		cp "$$sel/kselftest_harness.h" "$$sel/kselftest.h" $(KSFT_DIR)/; \
		rm -rf $(KSFT_DIR)/mm && cp -r "$$sel/mm" $(KSFT_DIR)/mm; \
		src="$$tar_file"; \
	else \
		echo "splitfail: no kernel tree: set KDIR= or install linux-source-*" >&2; \
		exit 1; \
	fi; \
	echo "$$src" > $@

# The kernel's KTAP parser (tools/testing/kunit: `kunit.py parse`), from the same kernel tree, for
# the tests of ktap.txt (tests/render_ktap.t); they SKIP without it. Never committed. Kept at its
# path in the tree: kunit.py refuses to run outside a .../tools/testing/kunit folder.
kunit-tool: $(KUNIT_STAMP)

$(KUNIT_STAMP): | deps-if-missing
	@set -e; \
	kdir='$(KDIR)'; \
	tar_file=$$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1); \
	dst=$(KUNIT_DIR)/tools/testing/kunit; \
	rm -rf $(KUNIT_DIR) && mkdir -p $$dst; \
	if [ -n "$$kdir" ]; then \
		cp -r "$$kdir/tools/testing/kunit/." $$dst/; \
		src="$$kdir"; \
	elif [ -n "$$tar_file" ]; then \
		echo "splitfail: extracting tools/testing/kunit from $$tar_file"; \
		tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
		tar -xJf "$$tar_file" -C "$$tmp" --wildcards '*/tools/testing/kunit/*'; \
		top=$$(ls "$$tmp"); \
		cp -r "$$tmp/$$top/tools/testing/kunit/." $$dst/; \
		src="$$tar_file"; \
	else \
		echo "splitfail: no kernel tree for kunit.py: set KDIR= or install linux-source-*" >&2; \
		exit 1; \
	fi; \
	echo "$$src" > $@

$(O)/obj/%.o: %.c | $(KSFT_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/workloads/%: $(O)/obj/workloads/%.o $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(call libs_for,workloads/$*.c $(LIB_SRCS) $(LIB_HDRS)) $(LDLIBS)

$(O)/harness/splitfail: $(HARNESS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(call libs_for,$(HARNESS_SRCS)) $(LDLIBS)

$(HARNESS_TESTS): $(O)/tests/%: $(O)/obj/tests/%.o $(HARNESS_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(call libs_for,tests/$*.c $(HARNESS_LIB_SRCS)) $(LDLIBS)

$(OTHER_TESTS): $(O)/tests/%: $(O)/obj/tests/%.o $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(call libs_for,tests/$*.c $(LIB_SRCS) $(LIB_HDRS)) $(LDLIBS)

# tests/guest.t builds and boots a fault-injection kernel: make check needs the runner's set too.
VM_DEP_CMDS := qemu-system-x86_64 flex bison bc cpio jq
VM_DEPS_MISSING := $(strip $(foreach c,$(VM_DEP_CMDS),$(if $(shell command -v $(c) 2>/dev/null),,$(c))) \
	$(if $(wildcard /usr/include/libelf.h),,libelf-dev) \
	$(if $(wildcard /usr/include/openssl/ssl.h),,libssl-dev))

vm-deps-if-missing:
ifneq ($(VM_DEPS_MISSING),)
	@echo "splitfail: missing for the guest tests: $(VM_DEPS_MISSING); running harness/runner/deps.sh vm"
	harness/runner/deps.sh vm
endif

# prove's summary is the last line; the scripts find the binaries through SPLITFAIL_BUILD.
check: all vm-deps-if-missing $(KUNIT_STAMP)
ifneq ($(TAP_SCRIPTS),)
	SPLITFAIL_BUILD=$(abspath $(O)) prove -v $(TAP_SCRIPTS)
else
	@echo "splitfail: no tests/*.t yet"
endif

# The kernel matrix (docs/runner.md): the default and the newest Debian kernel, each built once
# and cached, the same profile on both, verdict counts side by side. Not part of `check`: a cold
# kernel build alone takes 10 to 30 minutes here. PROFILE= and ONLY= choose what runs.
check-kernels: all vm-deps-if-missing
	harness/runner/check-kernels.sh $(if $(PROFILE),--profile $(PROFILE)) $(if $(ONLY),--only $(ONLY)) $(if $(NEWEST_TREE),--newest-tree $(NEWEST_TREE))

# Two benchmarks: results writing per result (bench_record.sh), then the split-cycle rate.
bench: all
	SPLITFAIL_BUILD=$(abspath $(O)) tests/bench_record.sh
	SPLITFAIL_BUILD=$(abspath $(O)) tests/bench.sh

# What a fault point costs in a guest and where its time goes (tests/bench_guest.sh).
bench-guest: all
	tests/bench_guest.sh

OWN_C := $(WORKLOAD_SRCS) $(LIB_SRCS) $(HARNESS_SRCS) $(TEST_SRCS)

# clang-tidy: clang-analyzer's default checks, less the one that asks for C11 Annex K *_s
# functions glibc does not have. Warnings are errors. One file per run: clang-tidy 14 carries
# va_list state from one file into the next and then flags correct va_start/vprintf code.
# cppcheck sees the kselftest macros but reports nothing inside the kernel's headers.
TIDY_CHECKS := -clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling

lint: $(KSFT_STAMP)
	@command -v clang-tidy >/dev/null && command -v cppcheck >/dev/null || \
		harness/runner/deps.sh lint
	@status=0; for f in $(OWN_C); do \
		out=$$(clang-tidy --quiet --checks='$(TIDY_CHECKS)' --warnings-as-errors='*' \
			"$$f" -- $(filter-out -MMD -MP,$(CPPFLAGS)) -std=gnu11 2>&1) || status=1; \
		printf '%s\n' "$$out" | grep -v -e 'warnings\? generated' -e '^$$' || true; \
	done; \
	verdict=$$([ $$status = 0 ] && echo clean || echo FAILED); \
	echo "clang-tidy: $(words $(OWN_C)) files, $$verdict"; \
	exit $$status
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -D_GNU_SOURCE -Iworkloads/lib -I$(KSFT_DIR) \
		--suppress='*:$(KSFT_DIR)/*' --suppress=missingIncludeSystem $(OWN_C)

clean:
	rm -rf $(O)

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
