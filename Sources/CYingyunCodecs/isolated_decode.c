// Runs a decoder in a forked child process, so a library that aborts or crashes on a hostile
// codestream takes down only the child. Found by fuzzing: Debian's OpenJPEG 2.5.0 keeps its
// assert()s, and its HTJ2K block decoder (ht_dec.c, mel_init) asserts on malformed input — in
// the server that would be an abort of the whole process, and a crash loop when the thumbnail
// worker retried the same instance after every restart.
//
// The child inherits the parent's memory copy-on-write, decodes, writes a fixed reply and the
// samples into a pipe and exits with _exit (no atexit handlers, no stdio flush). It calls only
// the C decoder and malloc/free, which glibc keeps usable after fork in a threaded process.
#define _GNU_SOURCE  // pipe2
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "codec_common.h"

typedef struct {
    int32_t status;
    yy_decoded_image image;  // `data` is not sent; `size` bytes of samples follow the reply
    char message[512];
} yy_isolated_reply;

static int yy_write_all(int fd, const void *bytes, size_t count) {
    const uint8_t *p = bytes;
    while (count > 0) {
        ssize_t n = write(fd, p, count);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        count -= (size_t)n;
    }
    return 0;
}

static int64_t yy_now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/// Reads exactly `count` bytes before `deadline` (monotonic ms): 0, or -1 on end of stream,
/// error or timeout (`*timed_out` set for the latter).
static int yy_read_all(int fd, void *bytes, size_t count, int64_t deadline, int *timed_out) {
    uint8_t *p = bytes;
    while (count > 0) {
        int64_t left = deadline - yy_now_ms();
        if (left <= 0) { *timed_out = 1; return -1; }
        struct pollfd pfd = {fd, POLLIN, 0};
        int ready = poll(&pfd, 1, left > 1000000 ? 1000000 : (int)left);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (ready == 0) continue;  // the loop re-checks the deadline
        ssize_t n = read(fd, p, count);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) return -1;
        p += n;
        count -= (size_t)n;
    }
    return 0;
}

int yy_decode_isolated(yy_decode_function decode, const uint8_t *src, size_t length, uint64_t max_pixels,
                       int timeout_ms, yy_decoded_image *out, char *message, size_t message_capacity) {
    memset(out, 0, sizeof(*out));
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "cannot isolate the decoder: pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "cannot isolate the decoder: fork: %s", strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        // The parent's crash handlers (the Swift runtime's backtracer) must not run here: a
        // crash of the child is an answer, not an event to report at length.
        const int fatal[] = {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGPIPE};
        for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) signal(fatal[i], SIG_DFL);
        yy_isolated_reply reply;
        memset(&reply, 0, sizeof(reply));
        reply.status = decode(src, length, max_pixels, &reply.image, reply.message, sizeof(reply.message));
        uint8_t *samples = reply.image.data;
        reply.image.data = NULL;
        if (reply.status != YY_CODEC_OK) reply.image.size = 0;
        if (yy_write_all(fds[1], &reply, sizeof(reply)) != 0) _exit(2);
        if (reply.image.size > 0 && yy_write_all(fds[1], samples, reply.image.size) != 0) _exit(2);
        _exit(0);
    }
    close(fds[1]);
    int64_t deadline = yy_now_ms() + (timeout_ms > 0 ? timeout_ms : 60000);
    int timed_out = 0;
    yy_isolated_reply reply;
    memset(&reply, 0, sizeof(reply));
    int status = YY_CODEC_OK;
    uint8_t *samples = NULL;
    if (yy_read_all(fds[0], &reply, sizeof(reply), deadline, &timed_out) != 0) {
        status = -1;
    } else if (reply.status != YY_CODEC_OK) {
        status = reply.status;
        reply.message[sizeof(reply.message) - 1] = 0;
        yy_fail(status, message, message_capacity, "%s", reply.message);
    } else {
        samples = malloc(reply.image.size ? reply.image.size : 1);
        if (!samples) {
            status = yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "no memory for %zu bytes", reply.image.size);
        } else if (yy_read_all(fds[0], samples, reply.image.size, deadline, &timed_out) != 0) {
            status = -1;
        }
    }
    close(fds[0]);
    if (timed_out) kill(pid, SIGKILL);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}
    if (status == -1) {
        free(samples);
        if (timed_out)
            return yy_fail(YY_CODEC_CORRUPT, message, message_capacity,
                           "the decoder did not finish within %d ms on this codestream (stopped)", timeout_ms);
        if (WIFSIGNALED(wstatus))
            return yy_fail(YY_CODEC_CORRUPT, message, message_capacity,
                           "the decoder crashed on this codestream (signal %d in an isolated process)", WTERMSIG(wstatus));
        return yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "the isolated decoder ended without an answer");
    }
    if (status != YY_CODEC_OK) {
        free(samples);
        return status;
    }
    *out = reply.image;
    out->data = samples;
    return YY_CODEC_OK;
}
