#include <libpq-fe.h>

/// Notices (warnings from the server) are dropped instead of printed on stderr.
static inline void cachewarm_ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}
