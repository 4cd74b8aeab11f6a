// Linux calls the store's group commit needs. Swift's Glibc module is built without _GNU_SOURCE,
// so these GNU extensions are not visible from Swift; the prototypes match glibc's.
#if defined(__linux__)
// One flush of the whole filesystem holding `fd`: file data, renames and directories together.
int syncfs(int fd);
#endif
