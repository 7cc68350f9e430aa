# kairan: a static site generator for community mutual-aid magazines.
#
#   make            install missing Debian packages, build build/kairan, build the two example
#                   sites (Tsuruoka into public/, Otaru into public-otaru/)
#   make test       every test; the last line is "N passed, N failed" (ACCEPT=1 make test writes
#                   what a fixture test got as its new expected output: review the diff)
#   make check      the same tests under ASan + UBSan
#   make check-slow the slow suites (tests/slow/): the print edition rendered to PDF and measured
#   make lighthouse Lighthouse (mobile) on both example sites: performance and accessibility of
#                   the home page and an event's page (installs Lighthouse from npm into build/)
#   make valgrind   one build of the example site under valgrind: no memory error, no leak
#   make lint       cppcheck + clang-tidy
#   make print-pdf  the print edition as PDF files in build/print/ (installs its tools)
#   make update-po  the messages of the source into build/po/kairan.pot and merged into
#                   po/ja.po, for the translator (who then fills in what is new or marked fuzzy)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages the build needs; each maps to a pkg-config module below.
DEBS = build-essential pkg-config libxml2-dev libxml2-utils libyaml-dev libjansson-dev \
       libmd4c-dev libmd4c-html0-dev libstb-dev libturbojpeg0-dev libjpeg62-turbo-dev \
       liblcms2-dev libmicrohttpd-dev libqrencode-dev w3c-sgml-lib tzdata python3-icalendar \
       valgrind chromium fonts-noto-cjk libunistring-dev gettext locales libc-l10n \
       python3-feedparser
# The locales the tests run kairan in (LC_ALL=...): messages in Japanese need ja_JP.UTF-8.
LOCALES = ja_JP.UTF-8
# Generates each locale in $(1) that the system does not have (in /etc/locale.gen, so that it
# stays when the system's locales are generated again): as root; otherwise we print the commands.
locale_gen = missing=""; for l in $(1); do \
	    have=$$(echo "$$l" | sed 's/UTF-8$$/utf8/'); \
	    locale -a 2>/dev/null | grep -qx "$$have" || missing="$$missing $$l"; \
	done; \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "kairan: generating the locales$$missing"; \
	        for l in $$missing; do \
	            grep -qx "$$l UTF-8" /etc/locale.gen 2>/dev/null || \
	                echo "$$l UTF-8" >>/etc/locale.gen; \
	        done; \
	        locale-gen >/dev/null || exit 1; \
	    else \
	        echo "kairan: missing locales; run:"; \
	        for l in $$missing; do echo "  echo '$$l UTF-8' | sudo tee -a /etc/locale.gen"; done; \
	        echo "  sudo locale-gen"; exit 1; \
	    fi; \
	fi
# Only `make fuzz` needs these: clang and its libFuzzer runtime (libclang-rt-14-dev on bookworm).
FUZZ_DEBS = clang libclang-rt-dev

# Installs the Debian packages in $(1) that are missing: as root apt-get does it; otherwise we
# print the exact command and fail.
apt_install = missing=""; for p in $(1); do \
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
PKGS = libxml-2.0 yaml-0.1 jansson md4c libturbojpeg lcms2 libmicrohttpd libqrencode stb
# Libraries without a pkg-config module (Debian's libunistring-dev has none).
NOPC_LIBS = -lunistring
TEST_PKGS = md4c-html

# The messages' translations (po/LANG.po), compiled into catalogues that kairan finds beside
# itself in $(BUILD)/locale/ and, installed, in $(PREFIX)/share/locale/.
LINGUAS   = $(patsubst po/%.po,%,$(sort $(wildcard po/*.po)))
CATALOGS  = $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/kairan.mo)
# How messages are marked in the source (core/intl.h): xgettext finds them by these.
XGETTEXT_FLAGS = --language=C --from-code=UTF-8 --keyword= --keyword=_ --keyword=N_ \
                 --keyword=ngettext:1,2 --add-comments=TRANSLATORS: --package-name=kairan \
                 --msgid-bugs-address="the kairan issue tracker" --sort-by-file

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

SRCS     = $(sort $(wildcard generator/*.c generator/*/*.c))
LIB_SRCS = $(filter-out generator/main.c,$(SRCS))
LIB_OBJS = $(LIB_SRCS:generator/%.c=$(BUILD)/obj/%.o)
UNIT_SRCS = $(sort $(wildcard tests/unit/*.c))
UNITS     = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS = $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAYS   = $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/replay/%)
BENCH_SRCS = $(sort $(wildcard bench/*.c))
BENCHES    = $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
FUZZ_SECONDS ?= 60
# FUZZ_RUNS=N: N inputs per target from a fixed seed instead of a time limit, so that a clean
# checkout fuzzes the same inputs every time (what CI does).
FUZZ_RUNS ?=
FUZZ_LIMIT = $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS) -seed=1,-max_total_time=$(FUZZ_SECONDS))

.PHONY: all deps kairan site test check check-slow lighthouse valgrind lint install clean fuzz \
        fuzz-run bench bench-100k print-pdf update-po FORCE
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory -j$(JOBS) kairan
	@$(MAKE) --no-print-directory site

# Install what is missing. As root apt-get does it; otherwise we print the exact command.
deps: $(BUILD)/.deps
$(BUILD)/.deps: Makefile
	@$(call apt_install,$(DEBS))
	@$(call locale_gen,$(LOCALES))
	@mkdir -p $(BUILD) && touch $@

kairan: $(BUILD)/kairan $(CATALOGS)

$(BUILD)/locale/%/LC_MESSAGES/kairan.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# For the translator: every message of the source (build/po/kairan.pot), merged into each
# po/LANG.po; new messages arrive untranslated and changed ones marked fuzzy.
update-po:
	@mkdir -p $(BUILD)/po
	@xgettext $(XGETTEXT_FLAGS) -o $(BUILD)/po/kairan.pot $(sort $(wildcard generator/*.c \
	    generator/*/*.c generator/*.h generator/*/*.h))
	@echo "update-po: $(BUILD)/po/kairan.pot has $$(grep -c '^msgid ' $(BUILD)/po/kairan.pot) entries"
	@for l in $(LINGUAS); do \
	    msgmerge --quiet --update --backup=none --no-fuzzy-matching --sort-by-file \
	        po/$$l.po $(BUILD)/po/kairan.pot || exit 1; \
	    printf 'po/%s.po: ' $$l; msgfmt --statistics -o /dev/null po/$$l.po; \
	done

$(BUILD)/kairan: $(BUILD)/obj/main.o $(BUILD)/libkairan.a
	$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(PKGS)) $(NOPC_LIBS) -lm

$(BUILD)/libkairan.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The installed themes' and catalogues' folders are compiled in; the stamp changes (and the
# objects are rebuilt) when PREFIX does.
$(BUILD)/obj/build.o: CPPFLAGS += -DKAIRAN_THEMES_DIR='"$(PREFIX)/share/kairan"'
$(BUILD)/obj/core/intl.o: CPPFLAGS += -DKAIRAN_LOCALEDIR='"$(PREFIX)/share/locale"'
$(BUILD)/obj/build.o $(BUILD)/obj/core/intl.o: $(BUILD)/.prefix
$(BUILD)/.prefix: FORCE
	@mkdir -p $(BUILD)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
FORCE:

$(BUILD)/obj/%.o: generator/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS)) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/harness.h $(BUILD)/libkairan.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(call pkg_cflags,$(PKGS) $(TEST_PKGS)) -o $@ $< \
	    $(BUILD)/libkairan.a $(LDFLAGS) $(call pkg_libs,$(PKGS) $(TEST_PKGS)) $(NOPC_LIBS) -lm

# A fuzz target built with a plain main() that feeds it files: make test replays the seeds and
# every input a fuzzer ever crashed on (tests/fuzz/regressions/TARGET/).
$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libkairan.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS)) -o $@ $< tests/fuzz/replay.c \
	    $(BUILD)/libkairan.a $(LDFLAGS) $(call pkg_libs,$(PKGS)) $(NOPC_LIBS) -lm

$(BUILD)/bench/%: bench/%.c $(BUILD)/libkairan.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS)) -o $@ $< \
	    $(BUILD)/libkairan.a $(LDFLAGS) $(call pkg_libs,$(PKGS)) $(NOPC_LIBS) -lm

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d)

# The editor's page, script and stylesheet (generator/serve/editor/) become arrays in the
# program: kairan serve needs no installed files for them. od and sed write one array per file.
EDITOR_FILES = $(sort $(wildcard generator/serve/editor/*))
$(BUILD)/gen/serve/editor_files.inc: $(EDITOR_FILES) Makefile
	@mkdir -p $(dir $@)
	@{ for f in $(EDITOR_FILES); do \
	     n=$$(basename $$f | tr -c 'a-z0-9\n' '_'); \
	     echo "static const unsigned char file_$$n[] = {"; \
	     od -An -v -tx1 $$f | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	     echo "};"; \
	   done; \
	   echo "static const struct editor_file files[] = {"; \
	   for f in $(EDITOR_FILES); do b=$$(basename $$f); n=$$(echo $$b | tr -c 'a-z0-9\n' '_'); \
	     echo "    {\"$$b\", file_$$n, sizeof file_$$n},"; \
	   done; \
	   echo "};"; } >$@.tmp && mv $@.tmp $@
$(BUILD)/obj/serve/editor_page.o: $(BUILD)/gen/serve/editor_files.inc
$(BUILD)/obj/serve/editor_page.o: CPPFLAGS += -I$(BUILD)/gen

# The default theme's Japanese words become an array in the program too: a theme without
# catalogues of its own still builds a Japanese site (render/i18n.c).
$(BUILD)/gen/render/i18n_builtin.inc: themes/default/i18n/ja.yaml Makefile
	@mkdir -p $(dir $@)
	@{ echo "static const unsigned char i18n_builtin_ja[] = {"; \
	   od -An -v -tx1 $< | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	   echo "};"; } >$@.tmp && mv $@.tmp $@
$(BUILD)/obj/render/i18n.o: $(BUILD)/gen/render/i18n_builtin.inc
$(BUILD)/obj/render/i18n.o: CPPFLAGS += -I$(BUILD)/gen

# The two example magazines. Tsuruoka's is the repository itself (content/, themes/, assets/).
# Otaru's (examples/otaru) has its own theme, which extends default: KAIRAN_THEMES_DIR points at
# this repository so that default is found there, as it would be among the installed themes.
# Its output is a sibling of public/, not inside it: a build of Tsuruoka's site swaps in a new
# public/ and would take a folder nested in it away.
site: $(BUILD)/kairan
	@$(BUILD)/kairan build -s . -o public
	@KAIRAN_THEMES_DIR="$(CURDIR)" $(BUILD)/kairan build -s examples/otaru -o public-otaru

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/kairan $(CATALOGS) $(UNITS) $(REPLAYS)
	@sh tests/run.sh $(BUILD)

check: deps
	@$(MAKE) --no-print-directory test BUILD=build/san OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

# The suites that take minutes (tests/slow/*.test.sh): the print edition rendered by Vivliostyle
# (installed into $(BUILD)/print-tools on first use, as make print-pdf does) and measured.
check-slow: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/kairan $(CATALOGS)
	@sh tests/run.sh $(BUILD) tests/slow

# Lighthouse (tests/measure/): its scores move with the machine's load, so it is not among the
# suites CI runs, whose verdict must be the same on every run of a commit. Installs Lighthouse from npm into
# $(BUILD)/lighthouse-tools on first use, as print-pdf installs Vivliostyle into print-tools.
lighthouse: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/kairan
	@KAIRAN=$(CURDIR)/$(BUILD)/kairan BUILD=$(CURDIR)/$(BUILD) sh tests/measure/lighthouse.test.sh

# JSIMD_FORCENONE=1 has libjpeg-turbo decode with its plain C code: memcheck cannot follow
# definedness through the library's hand-written SIMD and reports reads there that are not ours.
VALGRIND = valgrind --quiet --error-exitcode=1 --leak-check=full \
           --show-leak-kinds=definite,indirect,possible \
           --errors-for-leak-kinds=definite,indirect,possible
valgrind: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/kairan
	@rm -rf $(BUILD)/valgrind
	JSIMD_FORCENONE=1 $(VALGRIND) $(BUILD)/kairan build -s . -o $(BUILD)/valgrind/public \
	    --cache-dir $(BUILD)/valgrind/cache --now "2026-11-23 09:00" --quiet
	@echo "valgrind: the example build has no memory errors and no leaks"

lint: deps $(BUILD)/gen/serve/editor_files.inc
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --std=c11 --suppress=missingIncludeSystem -Igenerator -I$(BUILD)/gen generator
	clang-tidy --quiet $(SRCS) -- $(CPPFLAGS) -I$(BUILD)/gen -std=c11 $(call pkg_cflags,$(PKGS))

# libFuzzer targets, built with clang; each runs FUZZ_SECONDS or FUZZ_RUNS (FUZZ_TARGETS=fuzz_x
# picks some).
# Corpora grow under build/fuzz/corpus/TARGET; an input that crashes, hangs, leaks or runs out
# of memory is copied to tests/fuzz/regressions/TARGET/ (make test replays it from then on) and
# the run fails once every target has had its turn. Logs: build/fuzz/TARGET.log.
FUZZ_TARGETS ?= $(FUZZ_SRCS:tests/fuzz/%.c=%)
# (fuzz-run is a separate make so that pkg-config is asked only once the packages are in.)
fuzz:
	@$(call apt_install,$(FUZZ_DEBS))
	@$(MAKE) --no-print-directory BUILD=build/fuzz build/fuzz/.deps
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/fuzz CC=clang OPT=-O1 \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined" build/fuzz/libkairan.a
	@$(MAKE) --no-print-directory fuzz-run

fuzz-run:
	@crashed=""; for t in $(FUZZ_TARGETS); do \
	    clang $(CPPFLAGS) -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined \
	        $(call pkg_cflags,$(PKGS)) -o build/fuzz/$$t tests/fuzz/$$t.c build/fuzz/libkairan.a \
	        $(call pkg_libs,$(PKGS)) $(NOPC_LIBS) -lm -pthread || exit 1; \
	    mkdir -p build/fuzz/corpus/$$t build/fuzz/artifacts/$$t; \
	    rm -f build/fuzz/artifacts/$$t/*; \
	    echo "fuzz: $$t for $(if $(FUZZ_RUNS),$(FUZZ_RUNS) inputs (seed 1),$(FUZZ_SECONDS) s)"; \
	    build/fuzz/$$t $(FUZZ_LIMIT) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$$t/ \
	        build/fuzz/corpus/$$t \
	        $$(ls -d tests/fuzz/seeds/$$t tests/fuzz/regressions/$$t 2>/dev/null) \
	        >build/fuzz/$$t.log 2>&1; \
	    status=$$?; \
	    grep -E '^#[0-9]+.DONE|^Done [0-9]+ runs|^stat::' build/fuzz/$$t.log; \
	    if [ $$status != 0 ] || [ -n "$$(ls build/fuzz/artifacts/$$t)" ]; then \
	        grep -E -A 12 '^==[0-9]+==ERROR|^SUMMARY|deadly signal|timeout after' \
	            build/fuzz/$$t.log | head -n 40; \
	        mkdir -p tests/fuzz/regressions/$$t; \
	        for a in build/fuzz/artifacts/$$t/*; do \
	            [ -f "$$a" ] && cp "$$a" tests/fuzz/regressions/$$t/ && \
	                echo "fuzz: kept tests/fuzz/regressions/$$t/$$(basename $$a)"; \
	        done; \
	        crashed="$$crashed $$t"; \
	    fi; \
	done; \
	if [ -n "$$crashed" ]; then echo "fuzz: failed:$$crashed"; exit 1; fi

# The print edition as PDF (not part of `make`): installs Chromium, the BIZ UD fonts and the
# Vivliostyle CLI on first use. PDF_FLAGS adds Vivliostyle options, for example
#   make print-pdf PDF_FLAGS="--cmyk --preflight press-ready-local"
# Each PDF is also left in the site's cache with the document it was made from, and the sites
# built again: public/print/N/N.pdf appears beside the document, linked from the issue's page.
# Otaru's issues go to $(BUILD)/print/otaru/.
PDF_FLAGS ?=
print-pdf: all
	@PDF_STORE=.cache/kairan/print-pdf \
	    sh generator/print/print-pdf.sh $(BUILD)/print $(BUILD)/print-tools $(PDF_FLAGS)
	@PRINT_DIR=public-otaru/print PDF_STORE=examples/otaru/.cache/kairan/print-pdf \
	    sh generator/print/print-pdf.sh $(BUILD)/print/otaru $(BUILD)/print-tools $(PDF_FLAGS)
	@$(MAKE) --no-print-directory site

bench: all $(BENCHES)
	@for b in $(BENCHES); do $$b >$$b.out 2>&1; s=$$?; cat $$b.out; [ $$s = 0 ] || exit 1; done
	@for s in bench/*.sh; do [ -f $$s ] && KAIRAN=$(CURDIR)/$(BUILD)/kairan sh $$s; done; true

# 100,000 entries: longer than the rest of make bench together (bench/results-100k.md).
bench-100k: all $(BENCHES)
	@KAIRAN=$(CURDIR)/$(BUILD)/kairan sh bench/site.sh --big 100000

install: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/kairan $(CATALOGS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/ja/man1 $(DESTDIR)$(PREFIX)/share/kairan/themes
	install -m 755 $(BUILD)/kairan $(DESTDIR)$(PREFIX)/bin/kairan
	install -m 644 generator/kairan.1 $(DESTDIR)$(PREFIX)/share/man/man1/kairan.1
	install -m 644 generator/kairan.ja.1 $(DESTDIR)$(PREFIX)/share/man/ja/man1/kairan.1
	@for l in $(LINGUAS); do \
	    install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES && \
	    install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/kairan.mo \
	        $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/kairan.mo || exit 1; \
	done
	cp -R themes/. $(DESTDIR)$(PREFIX)/share/kairan/themes/

clean:
	rm -rf $(BUILD) build/san public public-otaru
