/* plan: which pages the site has and what each one's template receives, apart from the
 * calendar: the home page, a page per entry, and the paginated lists (activities in 50音
 * groups; by district and by category, their activities and then their events; events upcoming
 * and past; issues). A plan_ function
 * either sets a page up now or notes it for a worker to set up (plan_entry_later, and every
 * page of a list); the lists noted are owned by the page list until plan_free_lists(). */
#ifndef KAIRAN_PLAN_H
#define KAIRAN_PLAN_H

#include <stddef.h>

#include "render/page.h"

/* Sets up the home page. */
void plan_home_page(struct pages *ps);
/* Notes the page of site->all[i], for the worker that renders it. */
void plan_entry_later(struct pages *ps, size_t i);
/* Sets up the page of site->all[i]. */
void plan_entry_page(struct pages *ps, size_t i);
/* Notes the pages of every list, and sets up the districts and categories overviews. */
void plan_lists(struct pages *ps);
/* Sets up page pg (from 0) of list l. */
void plan_list_page(struct pages *ps, const struct list_spec *l, size_t pg);
/* Frees the lists noted. */
void plan_free_lists(struct pages *ps);

#endif
