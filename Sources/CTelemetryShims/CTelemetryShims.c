#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#endif

#include "CTelemetryShims.h"

int c_telemetry_current_cpu(void) {
#if defined(__linux__)
    // glibc reads the CPU from the thread's rseq area or the vDSO: no system call.
    return sched_getcpu();
#else
    return -1;
#endif
}
