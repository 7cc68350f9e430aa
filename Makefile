# kairan: a static site generator for community mutual-aid magazines.
#
#   make            install missing Debian packages, build build/kairan, build the example site
#   make test       every test; the last line is "N passed, N failed"
#   make check      the same tests under ASan + UBSan
#   make lint       cppcheck + clang-tidy
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages the build needs; each maps to a pkg-config module below.
DEBS = build-essential pkg-config libxml2-dev libxml2-utils libyaml-dev libjansson-dev \
       libmd4c-dev libmd4c-html0-dev libstb-dev libturbojpeg0-dev libjpeg62-turbo-dev \
       liblcms2-dev libmicrohttpd-dev w3c-sgml-lib
PKGS = libxml-2.0 yaml-0.1 jansson md4c libturbojpeg lcms2 libmicrohttpd stb
TEST_PKGS = md4c-html

CC       ?= cc
OPT      ?= -O2
WARN      = -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter
SAN      ?=
CPPFLAGS += -D_XOPEN_SOURCE=700 -Igenerator
CFLAGS   += -std=c11 $(OPT) -g $(WARN) $(SAN) -pthread
LDFLAGS  += $(SAN) -pthread

# Library headers are system headers: their warnings are not ours.
pkg_cflags = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(1) 2>/dev/null))
pkg_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

SRCS     = $(sort $(wildcard generator/*.c))
LIB_SRCS = $(filter-out generator/main.c,$(SRCS))
LIB_OBJS = $(LIB_SRCS:generator/%.c=$(BUILD)/obj/%.o)
UNIT_SRCS = $(sort $(wildcard tests/unit/*.c))
UNITS     = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps kairan site test check lint install clean fuzz bench print-pdf
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory -j$(JOBS) kairan
	@$(MAKE) --no-print-directory site

# Install what is missing. As root apt-get does it; otherwise we print the exact command.
deps: $(BUILD)/.deps
$(BUILD)/.deps: Makefile
	@missing=""; for p in $(DEBS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' \
	        || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "kairan: installing$$missing"; \
	        DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
	            >/dev/null || exit 1; \
	    else \
	        echo "kairan: missing packages; run:"; \
	        echo "  sudo apt-get install$$missing"; exit 1; \
	    fi; \
	fi
	@mkdir -p $(BUILD) && touch $@

kairan: $(BUILD)/kairan

$(BUILD)/kairan: $(BUILD)/obj/main.o $(BUILD)/libkairan.a
	$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(PKGS)) -lm

$(BUILD)/libkairan.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: generator/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS)) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/harness.h $(BUILD)/libkairan.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(call pkg_cflags,$(PKGS) $(TEST_PKGS)) -o $@ $< \
	    $(BUILD)/libkairan.a $(LDFLAGS) $(call pkg_libs,$(PKGS) $(TEST_PKGS)) -lm

-include $(wildcard $(BUILD)/obj/*.d)

site: $(BUILD)/kairan
	@$(BUILD)/kairan build -s . -o public

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/kairan $(UNITS)
	@sh tests/run.sh $(BUILD)

check: deps
	@$(MAKE) --no-print-directory test BUILD=build/san OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

lint: deps
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --std=c11 --suppress=missingIncludeSystem -Igenerator generator
	clang-tidy --quiet $(SRCS) -- $(CPPFLAGS) -std=c11 $(call pkg_cflags,$(PKGS))

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/kairan/themes
	install -m 755 $(BUILD)/kairan $(DESTDIR)$(PREFIX)/bin/kairan
	install -m 644 generator/kairan.1 $(DESTDIR)$(PREFIX)/share/man/man1/kairan.1
	cp -R themes/. $(DESTDIR)$(PREFIX)/share/kairan/themes/

clean:
	rm -rf $(BUILD) build/san public
