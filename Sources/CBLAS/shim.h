// The OpenBLAS C interface: cblas_sgemm plus OpenBLAS's own thread and core queries.
#include <cblas.h>
