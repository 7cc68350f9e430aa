/* diag: every message the user sees, in one place.
 * A struct diag collects errors and warnings from all threads of a build; diag_print() writes
 * them sorted by file, line and column, one line each:
 *     content/events/kenshu.md:7:12: error: 'start' is not a date (expected YYYY-MM-DD HH:MM)
 * Lines and columns are 1-based; 0 means "not known" and is left out of the message. */
#ifndef KAIRAN_DIAG_H
#define KAIRAN_DIAG_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level { DIAG_WARNING, DIAG_ERROR };

/* What went wrong decides the exit code: the user's input (1) or the file system (3). */
enum diag_kind { DIAG_INPUT, DIAG_IO };

struct diag_msg {
    char *path; /* NULL for messages about no file in particular */
    unsigned line, col;
    enum diag_level level;
    enum diag_kind kind;
    size_t seq; /* arrival order, to keep the sort stable */
    char *text;
};

struct diag {
    pthread_mutex_t lock; /* guards everything below: workers report concurrently */
    struct diag_msg *msgs;
    size_t len, cap;
    size_t errors, io_errors, warnings;
    int werror; /* treat warnings as errors (--strict) */
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);

void diag_error(struct diag *d, const char *path, unsigned line, unsigned col, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));
void diag_warning(struct diag *d, const char *path, unsigned line, unsigned col, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));
/* An error of the file system rather than of the content (exit code 3). */
void diag_io_error(struct diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An I/O error (exit code 3) about a failed system call that set errno err: the message is fmt's
 * text, ": ", strerror(err) and, for the failures an editor can do something about (permissions,
 * a full or read-only disk), what to do, in parentheses:
 *     public/index.html: error: cannot write: No space left on device (the disk is full: ...) */
void diag_errno(struct diag *d, const char *path, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The va_list form of the three above, for modules that report through a function of their own
 * and pass the format and its arguments on: level and kind say which of them it is. */
void diag_vreport(struct diag *d, enum diag_level level, enum diag_kind kind, const char *path,
                  unsigned line, unsigned col, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

/* Adds every message of from to to, unchanged (from is read, not emptied). */
void diag_forward(struct diag *to, const struct diag *from);

size_t diag_error_count(struct diag *d);
/* Sorts the messages and writes them to out, one line each; keeps them collected. */
void diag_print(struct diag *d, FILE *out);
/* Formats one message as the user sees it (no newline); returns a new string, caller frees. */
char *diag_format(const struct diag_msg *m);

/* Warnings kept between builds, so that a build with nothing to do repeats the last one's.
 * diag_save_warnings() returns the warnings from message first on as text, a line each (a new
 * string; the caller frees it). diag_load_warnings() adds the warnings of such a text (len
 * bytes) to d and returns 0; or -1, adding nothing, when the text is not one diag_save_warnings
 * wrote. */
char *diag_save_warnings(struct diag *d, size_t first);
int diag_load_warnings(struct diag *d, const char *text, size_t len);

#endif
