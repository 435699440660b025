/*
 * version.h — the one version string of every tthc-* program.
 */
#ifndef TTHC_VERSION_H
#define TTHC_VERSION_H

#define TTHC_VERSION "0.12.0"

/* Prints "PROGRAM (tthc-etl) VERSION" and the licence lines, GNU style, on
 * stdout. */
void version_print(const char *program);

#endif
