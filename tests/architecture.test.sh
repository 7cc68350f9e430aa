#!/bin/sh
# The shape of generator/ (README, "Architecture"): a file includes only from its own folder
# and the layers below it, no two modules depend on each other, no source file has more than
# 1,600 lines, and each parsing or I/O library is reached through its one module. The checks
# are in tests/tools/architecture.py; this suite also makes sure they can fail, and that the
# generated table of HTML's character names is the one its generator writes.
. tests/lib.sh

python=$(python_with)
[ -n "$python" ] || skip_suite architecture "python3 is not installed"

"$python" tests/tools/architecture.py generator >"$tmp/real" 2>&1
add_results "$tmp/real"

# A copy of generator/ with the rule broken three ways must fail on each of them.
cp -R generator "$tmp/broken"
printf '#include "render/view.h"\n' >>"$tmp/broken/core/buf.c"
printf '#include "content/site.h"\n' >>"$tmp/broken/markup/dom.c"
printf '#include "markup/dom.h"\n' >>"$tmp/broken/content/site.h"
printf '#include <yaml.h>\n' >>"$tmp/broken/render/theme.c"
"$python" tests/tools/architecture.py "$tmp/broken" >"$tmp/out" 2>&1
check "a broken tree fails" [ $? -ne 0 ]
check "an include from a higher layer is found" \
    grep -q 'core/buf.c includes render/view.h' "$tmp/out"
check "an include from a folder beside it is found" \
    grep -q 'markup/dom.c includes content/site.h' "$tmp/out"
check "a cycle between modules is found" \
    grep -q 'modules that depend on each other: .*content/site.*markup/dom' "$tmp/out"
check "a library outside its module is found" \
    grep -q 'render/theme.c includes <yaml.h>, which only content/yamldoc may' "$tmp/out"
# A generated table is what its generator writes from the standard's list.
check "core/entity_table.inc is what tests/tools/make_entities.py writes" \
    "$python" tests/tools/make_entities.py --check

seq 1 1700 | sed 's/.*/\/* line *\//' >"$tmp/broken/core/long.c"
"$python" tests/tools/architecture.py "$tmp/broken" >"$tmp/out" 2>&1
check "a file over 1,600 lines is found" grep -q 'core/long.c has 1700 lines' "$tmp/out"

finish
