#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
// Debian keeps curl's headers under the multiarch include dir; an absolute header path would break.
#include <curl/curl.h>
#endif
