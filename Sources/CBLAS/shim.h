// The OpenBLAS C interface: cblas_sgemm plus OpenBLAS's own thread and core queries, and the
// one LAPACK routine GreenNN calls (OpenBLAS exports LAPACK, but Debian ships no lapack.h with
// it, so the Fortran prototype is declared here: every argument by pointer, then the hidden
// length of the character argument).
#include <cblas.h>
#include <stddef.h>

/// Singular value decomposition by divide and conquer (LAPACK SGESDD), column-major.
void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda, float *s, float *u,
             const int *ldu, float *vt, const int *ldvt, float *work, const int *lwork, int *iwork, int *info,
             size_t jobz_length);
