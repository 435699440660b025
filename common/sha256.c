/* sha256.c — see sha256.h. */
#include "sha256.h"

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

/* Fetched once (OpenSSL 3): an implicit fetch per digest costs a lookup
 * and a lock. The extractor digests from several threads. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_md(void)
{
  sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *md(void)
{
  pthread_once(&sha256_once, fetch_md);
  return sha256_md;
}

int sha256_init(struct sha256_ctx *ctx)
{
  ctx->md = md() ? EVP_MD_CTX_new() : NULL;
  ctx->failed = !ctx->md || !EVP_DigestInit_ex(ctx->md, md(), NULL);
  return ctx->failed ? -1 : 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
  if (!ctx->failed && len && !EVP_DigestUpdate(ctx->md, data, len))
    ctx->failed = 1;
}

int sha256_final(struct sha256_ctx *ctx, uint8_t out[32])
{
  int rc = (!ctx->failed && EVP_DigestFinal_ex(ctx->md, out, NULL)) ? 0 : -1;

  EVP_MD_CTX_free(ctx->md);
  ctx->md = NULL;
  return rc;
}

int sha256(const void *data, size_t len, uint8_t out[32])
{
  static const char empty[1];

  return md() && EVP_Digest(data ? data : empty, len, out, NULL, md(), NULL) ? 0 : -1;
}

void sha256_to_hex(const uint8_t digest[32], char out[65])
{
  static const char hex[] = "0123456789abcdef";

  for (int i = 0; i < 32; i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  out[64] = '\0';
}

int sha256_hex(const void *data, size_t len, char out[65])
{
  uint8_t d[32];

  if (sha256(data, len, d)) {
    out[0] = '\0';
    return -1;
  }
  sha256_to_hex(d, out);
  return 0;
}
