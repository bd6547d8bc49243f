// CZlib: the system zlib (Debian's zlib1g-dev), for reading gzipped IDX files. Nothing else.
#include <zlib.h>
