/*
 * sha256 — SHA-256 digests (FIPS 180-4) through OpenSSL's libcrypto (EVP),
 * used to fingerprint raw payloads and files so re-runs can detect
 * unchanged input. The digests are the standard ones: a stored hash never
 * depends on which implementation computed it.
 */
#ifndef TTHC_SHA256_H
#define TTHC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct evp_md_ctx_st;

struct sha256_ctx {
  struct evp_md_ctx_st *md; /* libcrypto's context; NULL after final */
  int failed;               /* out of memory: final writes no digest */
};

/* Start a new digest. Returns 0, or -1 when out of memory (then update is
 * a no-op and final returns -1). */
int sha256_init(struct sha256_ctx *ctx) __attribute__((warn_unused_result));

/* Feed len bytes (data may be NULL when len is 0). */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);

/* Write the 32-byte digest to out and free the context's memory; the
 * context must be re-initialised before reuse. 0, or -1 on failure. */
int sha256_final(struct sha256_ctx *ctx, uint8_t out[32]) __attribute__((warn_unused_result));

/* One-shot digest of data. 0, or -1 when libcrypto fails (out of memory). */
int sha256(const void *data, size_t len, uint8_t out[32]) __attribute__((warn_unused_result));

/* One-shot digest as 64 lower-case hex digits plus NUL; "" on failure. */
int sha256_hex(const void *data, size_t len, char out[65]) __attribute__((warn_unused_result));

/* 32-byte digest to 64 lower-case hex digits plus NUL. */
void sha256_to_hex(const uint8_t digest[32], char out[65]);

#endif
