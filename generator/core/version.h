/* version: the one place the version number lives (also part of cache keys). */
#ifndef KAIRAN_VERSION_H
#define KAIRAN_VERSION_H

#define KAIRAN_VERSION "0.1.0"

#endif
