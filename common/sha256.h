/*
 * sha256 - self-contained SHA-256 (FIPS 180-4), used to fingerprint raw
 * payloads and files so re-runs can detect unchanged input.  No OpenSSL
 * dependency on purpose: the extractor must stay small and static.
 */
#ifndef TTHC_SHA256_H
#define TTHC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256_ctx {
  uint32_t state[8];
  uint64_t bits; /* message length so far, in bits */
  uint8_t block[64];
  size_t used; /* bytes pending in block */
};

/* Start a new digest.  The context holds no heap memory. */
void sha256_init(struct sha256_ctx *ctx);

/* Feed len bytes (data may be NULL when len is 0). */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);

/* Write the 32-byte digest to out; the context must be re-initialised
 * before reuse. */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[32]);

/* One-shot digest of data. */
void sha256(const void *data, size_t len, uint8_t out[32]);

/* One-shot digest as 64 lower-case hex digits plus NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

/* Added: 32-byte digest to 64 lower-case hex digits plus NUL. */
void sha256_to_hex(const uint8_t digest[32], char out[65]);

#endif
