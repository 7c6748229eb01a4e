# rawload - build the loader, the shipped BPF programs, the tests and the fuzzer.
#
#   make            ./rawload and bpf/*.bpf.o
#   make deps       apt-get everything needed to build and test (Debian)
#   make demo       the XDP demo in a private network namespace (root)
#   make check      unit tests (no root) + integration tests (root) + a short fuzz
#   make unit       unit tests only (no root)
#   make fuzz       the libFuzzer targets (build/fuzz_object, fuzz_btf, fuzz_btf_ext)
#   make corpus-check  rawload vs libbpf (bpftool) on Debian's BPF objects (root)
#   make check-kernel KVER=6.1 [TESTS="test_xdp ..."]
#                   integration tests on Debian's KVER kernel in QEMU (TCG), tests/vm/
#   make bench      benchmarks under tools/bench
#   make install    /usr/local/sbin/rawload + rawload.8

CC      ?= gcc
CLANG   ?= clang
ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine)
CFLAGS  ?= -O2 -g
# One folder per stage (README "How it is built"); includes name bare headers and
# every folder is on the quote path.  tests/check-layers.sh keeps the order.
LOADER_DIRS := loader/object loader/core loader/explain loader/kernel loader/attach loader/lifecycle
SRC_DIRS    := $(LOADER_DIRS) netlink
INC_FLAGS   := $(addprefix -iquote ,$(SRC_DIRS))
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-field-initializers $(INC_FLAGS)
LDLIBS  += -lmnl
BUILD   := build
PREFIX  ?= /usr/local

LOADER_SRCS  := $(sort $(foreach d,$(LOADER_DIRS),$(wildcard $(d)/*.c)))
NETLINK_SRCS := $(sort $(wildcard netlink/*.c))
CLI_SRCS     := $(sort $(wildcard tools/cli/*.c))
LIB_OBJS     := $(patsubst %.c,$(BUILD)/%.o,$(LOADER_SRCS) $(NETLINK_SRCS))
CLI_OBJS     := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRCS))
ALL_HDRS     := $(foreach d,$(SRC_DIRS) tools/cli,$(wildcard $(d)/*.h))

BPF_SRCS  := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJS  := $(BPF_SRCS:.c=.o)
# Reproducible objects: the build directory must not leak into the BTF/DWARF
# strings (line_info file names), or the same source builds a different object
# in every checkout.
BPF_CFLAGS := -O2 -g -target bpf -Wall -Wno-unused-function -I$(ARCH_INC) -Ibpf \
	-fdebug-prefix-map=$(CURDIR)=.
# the seed tutorial's two-object layout (contrack + redirect sharing sock_ops_map)
SEED_OBJS := $(patsubst %.c,%.o,$(sort $(wildcard bpf/seed/*.bpf.c)))

TEST_BPF_SRCS := $(sort $(wildcard tests/objects/*.bpf.c))
TEST_BPF_OBJS := $(patsubst tests/objects/%.c,$(BUILD)/tests/objects/%.o,$(TEST_BPF_SRCS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all deps check check-kernel unit integration fuzz bench install clean demo demo-sockops corpus-check
all: rawload $(BPF_OBJS) $(SEED_OBJS)

rawload: $(CLI_OBJS) $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(ALL_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

bpf/seed/%.bpf.o: bpf/seed/%.bpf.c $(wildcard bpf/*.h bpf/seed/*.h)
	$(CLANG) $(BPF_CFLAGS) -Ibpf/seed -c -o $@ $<

bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h)
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BUILD)/tests/objects/%.bpf.o: tests/objects/%.bpf.c $(wildcard bpf/*.h tests/objects/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Itests/objects -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -iquote tests/unit -o $@ $< $(LIB_OBJS) $(LDLIBS)

# A test build: honours RAWLOAD_FAULT="N:ERRNO|SIGINT" (bpf calls) and
# RAWLOAD_NL_FAULT="N:ERRNO" (netlink); production builds ignore both.
FAULT_OBJS := $(patsubst %.c,$(BUILD)/fault/%.o,$(LOADER_SRCS) $(NETLINK_SRCS) $(CLI_SRCS))
$(BUILD)/fault/%.o: %.c $(ALL_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DRL_FAULT_INJECTION -c -o $@ $<
$(BUILD)/rawload-fault: $(FAULT_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

deps:
	tests/install-deps.sh

# The README's main job: XDP drop-ping in a private netns + veth pair.
demo: all
	tools/demo-xdp.sh

demo-sockops: all
	tools/demo-sockops.sh

unit: all $(TEST_BPF_OBJS) $(UNIT_BINS)
	tests/run-unit.sh $(UNIT_BINS)

# a small client/server for the sockops tests and demo
$(BUILD)/tests/xfer: tests/tools/xfer.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -pthread -o $@ $<

$(BUILD)/tests/stress: tests/tools/stress.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -pthread -o $@ $<

TEST_TOOLS := $(BUILD)/tests/xfer $(if $(wildcard tests/tools/stress.c),$(BUILD)/tests/stress)
integration: all $(TEST_BPF_OBJS) $(TEST_TOOLS) $(BUILD)/rawload-fault
	ONLY=integration tests/run-all.sh

check: all $(TEST_BPF_OBJS) $(UNIT_BINS) $(TEST_TOOLS) $(BUILD)/rawload-fault fuzz
	tests/run-all.sh

# The integration tests (all, or TESTS) on another kernel: Debian's KVER package
# booted under QEMU TCG with this tree shared read-only (tests/vm/run.sh).
KVER ?= 6.1
check-kernel: all $(TEST_BPF_OBJS) $(TEST_TOOLS) $(BUILD)/rawload-fault
	tests/vm/run.sh $(KVER) $(TESTS)

# The pure half of the loader: bytes in, object model out; no syscalls, no
# fds (tests/unit/test_purity.sh checks it).  Fuzzed with libFuzzer + ASan + UBSan.
PURE_SRCS := $(wildcard loader/object/*.c loader/core/*.c)
FUZZ_SRCS := $(PURE_SRCS)
FUZZ_TARGETS := object btf btf_ext
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz_%,$(FUZZ_TARGETS))
fuzz: $(FUZZ_BINS)
$(BUILD)/fuzz_%: tools/fuzz/fuzz_%.c $(FUZZ_SRCS) $(ALL_HDRS)
	@mkdir -p $(BUILD)
	$(CLANG) -std=c11 -D_GNU_SOURCE -g -O1 $(INC_FLAGS) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ $< $(FUZZ_SRCS)

# rawload vs libbpf on the BPF objects Debian packages ship (root; also part of
# `make check` as integration/test_corpus)
corpus-check: all
	bash tests/integration/test_corpus.sh

bench: all
	tools/bench/run-all.sh

install: rawload
	install -D -m 0755 rawload $(DESTDIR)$(PREFIX)/sbin/rawload
	install -D -m 0644 docs/rawload.8 $(DESTDIR)$(PREFIX)/share/man/man8/rawload.8

clean:
	rm -rf $(BUILD) rawload bpf/*.bpf.o bpf/seed/*.bpf.o
