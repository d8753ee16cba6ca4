#ifndef GT_CCURLSHIMS_H
#define GT_CCURLSHIMS_H
// Typed forwarders for the C calls Swift cannot make: curl_easy_setopt, curl_easy_getinfo and
// curl_multi_setopt are variadic ("Variadic function is unavailable" in Swift). One wrapper per value type keeps the only type check
// there is (curl's typecheck-gcc.h is inactive under clang). Drop a wrapper when Swift can call
// the C function directly.
#include <curl/curl.h>

typedef size_t (*gt_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode gt_curl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode gt_curl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value);
CURLcode gt_curl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode gt_curl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode gt_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);
CURLcode gt_curl_setopt_data_cb(CURL *h, CURLoption opt, gt_curl_data_cb cb);
CURLcode gt_curl_getinfo_long(CURL *h, CURLINFO info, long *out);
CURLcode gt_curl_getinfo_string(CURL *h, CURLINFO info, const char **out);
CURLcode gt_curl_getinfo_pointer(CURL *h, CURLINFO info, void **out);
CURLMcode gt_curl_multi_setopt_long(CURLM *m, CURLMoption opt, long value);

#endif
