#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H
// OpenSSL's libcrypto (already loaded by libcurl): AES-256-GCM and HMAC-SHA256 for sealing
// cache entries, RAND_bytes for their nonces.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#endif
