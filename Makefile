# SPDX-License-Identifier: GPL-2.0
#
# mpnic: the human-facing wrapper around Kbuild, the tests and the VM.
#   make              build drivers/net/mpnic/mpnic.ko for $(KVER)
#   make demo         boot a VM, wire a card to a peer, ping, iperf3, counters
#   make check        everything CI runs: deps, builds, sparse, unit, selftests
#   make bench        veth against mpnic, side by side (tools/bench/)
#   make check-debug  the selftests on a KASAN/lockdep/kmemleak kernel
#   make check-long   the tests too long for make check (MPNIC_LONG=1)
#   make soak         SOAK_SECS (600) of traffic under configuration churn
#   make install      the module, mpnicctl, uapi headers, YNL spec, man page
#   make uninstall    what install put there
#   make deb          mpnic-dkms and mpnic-tools packages, lintian-checked
#   make check-deb    the packages installed and used in a VM on each kernel
# KVER selects the target kernel (default: newest installed with headers).

KVERS ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V)
KVER ?= $(lastword $(KVERS))
KDIR ?= /lib/modules/$(KVER)/build
# Objects go to a per-kernel copy of the tree, so both kernels' builds coexist
BUILD := build/$(KVER)
KSRC ?= /var/cache/mpnic/linux-source-6.12

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

SRCS := Kbuild dkms.conf $(shell git ls-files --cached --others --exclude-standard drivers include 2>/dev/null || find drivers include -type f)

.PHONY: all modules clean deps unit sparse style style-update demo check regen regen-check mpnicctl \
	bench debug-kernel check-debug check-long soak install install-module install-tools \
	uninstall deb check-deb

all: modules

modules:
	$(Q)test -d $(KDIR) || { echo "no headers for kernel '$(KVER)' (make deps)"; exit 1; }
	$(Q)mkdir -p $(BUILD)
	$(Q)tar -cf - $(SRCS) | tar -xf - -C $(BUILD)
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR)/$(BUILD) W=1 $(if $(C),C=$(C)) \
		$(if $(WERROR),KCFLAGS=-Werror) modules
	$(Q)cp $(BUILD)/drivers/net/mpnic/mpnic.ko drivers/net/mpnic/mpnic.ko 2>/dev/null || true

# C=2 checks every file; with the flags of the build (W=1, WERROR) it
# compiles none again
sparse:
	$(Q)mkdir -p $(BUILD)
	$(Q)tar -cf - $(SRCS) | tar -xf - -C $(BUILD)
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR)/$(BUILD) W=1 $(if $(WERROR),KCFLAGS=-Werror) \
		C=2 CF="-D__CHECK_ENDIAN__" modules 2>&1 | \
		tee $(BUILD)/sparse.log | grep -E 'warning|error' | grep -v '^  ' | \
		grep -E 'drivers/net/mpnic|include/uapi' && { echo "sparse: reports above"; exit 1; } || \
		echo "sparse ($(KVER)): clean"

# checkpatch --strict: fails on a finding tools/checkpatch-known.txt does
# not accept (make style-update records the current ones)
STYLE_FILES = $(filter-out $(GENERATED),$(wildcard drivers/net/mpnic/*.[ch] \
	drivers/net/mpnic/compat/*.c include/uapi/linux/*.h)) tools/mpnicctl/mpnicctl.c
style:
	$(Q)KSRC=$(KSRC) bash tools/style.sh $(STYLE_FILES)

style-update:
	$(Q)KSRC=$(KSRC) bash tools/style.sh --update $(STYLE_FILES)

# The netlink family's code and uapi header, generated from its YNL spec
GENERATED := drivers/net/mpnic/mpnic_nl.c drivers/net/mpnic/mpnic_nl.h include/uapi/linux/mpnic.h
regen:
	$(Q)KSRC=$(KSRC) bash tools/ynl-regen.sh

regen-check:
	$(Q)KSRC=$(KSRC) bash tools/ynl-regen.sh --check

mpnicctl:
	$(Q)$(MAKE) -C tools/mpnicctl

unit:
	$(Q)$(MAKE) -C tools/unit run

deps:
	$(Q)bash tools/deps.sh

clean:
	$(Q)rm -rf build drivers/net/mpnic/mpnic.ko
	$(Q)$(MAKE) -C tools/unit clean

demo:
	$(Q)bash tools/demo.sh

check:
	$(Q)bash tools/check.sh

bench:
	$(Q)bash tools/bench/bench.sh

debug-kernel:
	$(Q)bash tools/debug-kernel/build.sh

check-debug:
	$(Q)bash tools/debug-kernel/check.sh

# In a VM on LONG_KERNEL (6.12): MTU 9000 integrity, hostile configuration
LONG_KERNEL ?= 6.12
check-long:
	$(Q)tools/vm/run --kernel $(LONG_KERNEL) --timeout 2400 -- \
		"env MPNIC_LONG=1 bash -c 'cd $(CURDIR)/selftests/drivers/net/mpnic && ./integrity.sh && ./hostile.sh'"

SOAK_SECS ?= 600
soak:
	$(Q)tools/vm/run --kernel $(LONG_KERNEL) --timeout $$(($(SOAK_SECS) + 900)) -- \
		"env SOAK_SECS=$(SOAK_SECS) $(if $(SOAK_SEED),SOAK_SEED=$(SOAK_SEED)) $(if $(SOAK_CHANGES),SOAK_CHANGES='$(SOAK_CHANGES)') $(CURDIR)/selftests/drivers/net/mpnic/soak.sh"

# Installation: DESTDIR stages it (no depmod then), KVER picks the kernel
PREFIX ?= /usr
MODDIR = $(DESTDIR)/lib/modules/$(KVER)/updates
# What install-tools puts under $(DESTDIR)$(PREFIX); uninstall removes it
TOOLS_FILES := sbin/mpnicctl include/linux/mpnic.h include/linux/if_mpnic.h \
	share/ynl/specs/mpnic.yaml share/man/man8/mpnicctl.8

install: install-module install-tools

install-module: modules
	$(Q)install -D -m 644 $(BUILD)/drivers/net/mpnic/mpnic.ko $(MODDIR)/mpnic.ko
	$(Q)$(if $(DESTDIR),true,depmod -a $(KVER))

install-tools: mpnicctl
	$(Q)install -D -m 755 tools/mpnicctl/mpnicctl $(DESTDIR)$(PREFIX)/sbin/mpnicctl
	$(Q)install -D -m 644 -t $(DESTDIR)$(PREFIX)/include/linux include/uapi/linux/mpnic.h \
		include/uapi/linux/if_mpnic.h
	$(Q)install -D -m 644 Documentation/netlink/specs/mpnic.yaml \
		$(DESTDIR)$(PREFIX)/share/ynl/specs/mpnic.yaml
	$(Q)install -D -m 644 Documentation/man/mpnicctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/mpnicctl.8

uninstall:
	$(Q)rm -f $(MODDIR)/mpnic.ko $(addprefix $(DESTDIR)$(PREFIX)/,$(TOOLS_FILES))
	$(Q)$(if $(DESTDIR),true,depmod -a $(KVER))

deb:
	$(Q)bash tools/deb/build.sh

check-deb:
	$(Q)bash tools/deb/check.sh
