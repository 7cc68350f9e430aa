/* Unit tests of entity: HTML's named character references, every one of them. */
#include <string.h>

#include "core/entity.h"
#include "harness.h"

static int lookup(const char *name, uint32_t cp[2])
{
    cp[0] = cp[1] = 0xFFFF;
    return entity_named(name, strlen(name), cp);
}

static void the_whole_list(void)
{
    CHECK_INT(entity_count(), 2125);
    uint32_t cp[2];
    /* From the start, the end and the middle of the sorted table. */
    CHECK_INT(lookup("AElig", cp), 1);
    CHECK_INT(cp[0], 0xC6);
    CHECK_INT(lookup("zwnj", cp), 1);
    CHECK_INT(cp[0], 0x200C);
    CHECK_INT(lookup("amp", cp), 1);
    CHECK_INT(cp[0], '&');
    /* Names HTML 4 did not have. */
    CHECK_INT(lookup("Dcaron", cp), 1);
    CHECK_INT(cp[0], 0x10E);
    CHECK_INT(lookup("HilbertSpace", cp), 1);
    CHECK_INT(cp[0], 0x210B);
    CHECK_INT(lookup("DifferentialD", cp), 1);
    CHECK_INT(cp[0], 0x2146);
    CHECK_INT(lookup("ClockwiseContourIntegral", cp), 1);
    CHECK_INT(cp[0], 0x2232);
    CHECK_INT(lookup("Afr", cp), 1);
    CHECK_INT(cp[0], 0x1D504); /* beyond the Basic Multilingual Plane */
    /* Two code points. */
    CHECK_INT(lookup("ngE", cp), 2);
    CHECK_INT(cp[0], 0x2267);
    CHECK_INT(cp[1], 0x338);
}

static void names_that_are_not(void)
{
    uint32_t cp[2];
    CHECK_INT(lookup("", cp), 0);
    CHECK_INT(lookup("nosuch", cp), 0);
    CHECK_INT(lookup("Dcaro", cp), 0);   /* a prefix of a name */
    CHECK_INT(lookup("Dcaronx", cp), 0); /* a name and more */
    CHECK_INT(lookup("dcaron", cp), 1);  /* another name: case counts */
    CHECK_INT(cp[0], 0x10F);
    CHECK_INT(lookup("DCARON", cp), 0);
    CHECK_INT(lookup("amp;", cp), 0); /* the semicolon is not part of the name */
    /* Only len bytes are read. */
    CHECK_INT(entity_named("copyright", 4, cp), 1);
    CHECK_INT(cp[0], 0xA9);
}

int main(void)
{
    RUN(the_whole_list);
    RUN(names_that_are_not);
    return HARNESS_DONE();
}
