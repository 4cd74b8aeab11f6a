// Linux calls the store's group commit needs. Swift's Glibc module is built without _GNU_SOURCE,
// so these GNU extensions are not visible from Swift; the prototypes match glibc's.
#if defined(__linux__)
// One flush of the whole filesystem holding `fd`: file data, renames and directories together.
int syncfs(int fd);
// Starts writeback of a file range without waiting for it (SYNC_FILE_RANGE_WRITE = 2), so the
// commit's flush finds most of an object's pages already on their way to the disk.
int sync_file_range(int fd, long long offset, long long nbytes, unsigned int flags);
#endif
