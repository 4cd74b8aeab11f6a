// Physical limits of this machine for the DICOMweb benchmarks: how fast loopback TCP moves bytes
// (from memory, from the page cache with pread+write, with sendfile) and what writing 512 KiB
// objects into the page cache costs when the cache grows (new pages) or reuses pages.
// Built and run by tools/bench/limits.sh; prints one "name value unit" line per figure.
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { CHUNK = 512 * 1024 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

struct sender { int socket, mode, file; long total, fileSize; };

static void *send_all(void *arg) {
    struct sender *s = arg;
    char *buffer = malloc(CHUNK);
    memset(buffer, 7, CHUNK);
    for (long sent = 0; sent < s->total;) {
        ssize_t k;
        off_t at = sent % s->fileSize;
        if (s->mode == 0) k = write(s->socket, buffer, CHUNK);
        else if (s->mode == 1) { k = pread(s->file, buffer, CHUNK, at); if (k > 0) k = write(s->socket, buffer, k); }
        else k = sendfile(s->socket, s->file, &at, CHUNK);
        if (k <= 0) break;
        sent += k;
    }
    close(s->socket);
    free(buffer);
    return NULL;
}

// Loopback TCP throughput in MB/s; mode 0 from memory, 1 pread+write from a cached file, 2 sendfile.
static double loopback(int mode, const char *path, long fileSize) {
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t len = sizeof a;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bind(listener, (void *)&a, sizeof a);
    getsockname(listener, (void *)&a, &len);
    listen(listener, 1);
    struct sender s = {.socket = socket(AF_INET, SOCK_STREAM, 0), .mode = mode, .total = 2L << 30,
                       .file = open(path, O_RDONLY), .fileSize = fileSize};
    connect(s.socket, (void *)&a, sizeof a);
    int receiver = accept(listener, NULL, NULL);
    pthread_t thread;
    double t0 = now();
    pthread_create(&thread, NULL, send_all, &s);
    char *buffer = malloc(1 << 20);
    long received = 0;
    for (ssize_t k; (k = read(receiver, buffer, 1 << 20)) > 0;) received += k;
    double seconds = now() - t0;
    pthread_join(thread, NULL);
    close(receiver); close(listener); close(s.file); free(buffer);
    return received / seconds / 1e6;
}

// Mean milliseconds to write one 512 KiB object into a new file (page cache only, no flush).
static double page_cache_write(const char *dir, const char *tag, int count) {
    char *buffer = malloc(CHUNK), path[4096];
    memset(buffer, 3, CHUNK);
    double total = 0;
    for (int i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/%s-%d", dir, tag, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        double t = now();
        if (write(fd, buffer, CHUNK) != CHUNK) { perror("write"); exit(1); }
        total += now() - t;
        close(fd);
    }
    free(buffer);
    return total * 1000 / count;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: limits DIR FILE_OF_100MB\n"); return 2; }
    const char *dir = argv[1], *file = argv[2];
    long size = 100L << 20;
    printf("loopback_tcp_from_memory %.0f MB/s\n", loopback(0, file, size));
    printf("loopback_tcp_pread_write %.0f MB/s\n", loopback(1, file, size));
    printf("loopback_tcp_sendfile %.0f MB/s\n", loopback(2, file, size));
    // 2,000 new objects grow the cache by 1 GB; rewriting the same names reuses freed pages.
    printf("page_cache_write_new_512k %.3f ms\n", page_cache_write(dir, "new", 2000));
    printf("page_cache_write_reused_512k %.3f ms\n", page_cache_write(dir, "new", 2000));
    return 0;
}
