#ifndef C_TELEMETRY_SHIMS_H
#define C_TELEMETRY_SHIMS_H

/// The CPU the calling thread runs on now, or -1 where the platform cannot tell. Recording spreads contended
/// metric series over per-CPU stripes with it.
int c_telemetry_current_cpu(void);

#endif
