/*
 * dynbuf - bounded growable byte buffer.
 *
 * Every buffer has a hard maximum size so that hostile or broken input
 * (a 4 GiB HTTP body, an endless line) fails cleanly with DYNBUF_TOO_BIG
 * instead of exhausting memory.  The content is always followed by a NUL
 * byte, so text can be used as a C string directly.
 *
 * Usage:
 *
 *     struct dynbuf b;
 *     dynbuf_init(&b, 1 << 20);
 *     if (dynbuf_addstr(&b, "hello") != DYNBUF_OK) goto out;
 *     puts(dynbuf_ptr(&b));
 *   out:
 *     dynbuf_release(&b);
 */
#ifndef TTHC_DYNBUF_H
#define TTHC_DYNBUF_H

#include <stddef.h>

typedef enum {
  DYNBUF_OK = 0,
  DYNBUF_TOO_BIG, /* the result would exceed the buffer's max */
  DYNBUF_NOMEM    /* allocation or formatting failure */
} dynbuf_result;

struct dynbuf {
  char *buf;    /* NULL until the first byte is added */
  size_t len;   /* bytes of content, excluding the trailing NUL */
  size_t alloc; /* bytes allocated for buf */
  size_t max;   /* upper bound for len + 1 (the NUL counts) */
};

/*
 * Initialise an empty buffer that may hold at most max - 1 bytes of
 * content (the terminating NUL counts towards max).  Allocates nothing,
 * so an initialised buffer needs no release if nothing was added.
 */
void dynbuf_init(struct dynbuf *b, size_t max);

/*
 * Free the memory and return to the init state; max is kept, so the
 * buffer can be reused at once.  Safe to call repeatedly.
 */
void dynbuf_release(struct dynbuf *b);

/* Drop the content (len = 0) but keep the allocation for reuse. */
void dynbuf_reset(struct dynbuf *b);

/*
 * Append len bytes from mem (may contain NULs; mem may be NULL when len
 * is 0).  Errors: DYNBUF_TOO_BIG when len + existing + NUL exceeds max,
 * DYNBUF_NOMEM when realloc fails.  On error the content is unchanged.
 */
dynbuf_result dynbuf_add(struct dynbuf *b, const void *mem, size_t len);

/* Append a C string; same errors as dynbuf_add. s must not be NULL. */
dynbuf_result dynbuf_addstr(struct dynbuf *b, const char *s);

/* Append one byte; same errors as dynbuf_add. */
dynbuf_result dynbuf_addc(struct dynbuf *b, char c);

/*
 * Append printf-formatted text.  Errors as dynbuf_add; a vsnprintf
 * failure (e.g. an encoding error) is reported as DYNBUF_NOMEM.  On
 * error the content is unchanged.
 */
dynbuf_result dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* The content, NUL terminated; "" when empty, never NULL.  Borrowed:
 * valid until the next modifying call. */
const char *dynbuf_ptr(const struct dynbuf *b);

/* Content length in bytes, excluding the NUL. */
size_t dynbuf_len(const struct dynbuf *b);

/*
 * Hand the content over to the caller, who must free() it.  The buffer
 * returns to the init state (max kept).  An empty buffer yields a newly
 * allocated "" so that NULL only ever means out of memory.
 */
char *dynbuf_detach(struct dynbuf *b);

/* Shorten the content to len bytes (no-op if already shorter).  Added. */
void dynbuf_truncate(struct dynbuf *b, size_t len);

/* Static English description of r; never NULL. */
const char *dynbuf_strerror(dynbuf_result r);

#endif
