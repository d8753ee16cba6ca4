#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H
// OpenSSL's libcrypto (already loaded by libcurl): AES-256-GCM and HMAC-SHA256 for sealing
// cache entries, RAND_bytes for their nonces; gt-serve's HS256 tokens (HMAC-SHA256, compared
// with CRYPTO_memcmp in constant time).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#endif
