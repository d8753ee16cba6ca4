#ifndef GT_CCURLSHIMS_H
#define GT_CCURLSHIMS_H
// Typed forwarders for the C calls Swift cannot make: curl_easy_setopt and curl_easy_getinfo
// are variadic ("Variadic function is unavailable" in Swift). One wrapper per value type keeps
// the only type check there is (curl's typecheck-gcc.h is inactive under clang). Only the
// forwarders the HTTP layer calls are here (a test checks each has a caller); drop one when
// Swift can call the C function directly.
#include <curl/curl.h>

typedef size_t (*gt_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode gt_curl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode gt_curl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value);
CURLcode gt_curl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode gt_curl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode gt_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);
CURLcode gt_curl_setopt_data_cb(CURL *h, CURLoption opt, gt_curl_data_cb cb);
CURLcode gt_curl_getinfo_long(CURL *h, CURLINFO info, long *out);

#endif
