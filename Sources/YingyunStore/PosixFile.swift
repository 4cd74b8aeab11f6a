#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The few POSIX file operations the file store is built from, with EINTR and short transfers
/// handled once, here.
enum PosixFile {
    static func error(_ operation: String, _ path: String, _ code: Int32 = errno) -> BlobStoreError {
        .io(operation: operation, path: path, errno: code)
    }

    /// Writes all of `bytes` at `offset` (pwrite may transfer less than asked).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw error("write", path)
            }
            done += n
        }
    }

    /// Up to `count` bytes at `offset`; fewer only at end of file.
    static func read(_ fd: Int32, at offset: Int, count: Int, path: String) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        try read(fd, at: offset, count: count, path: path, into: &buffer)
        return buffer
    }

    /// Appends up to `count` bytes at `offset` to `buffer` (reusing its storage when it is
    /// uniquely held and large enough).
    static func read(_ fd: Int32, at offset: Int, count: Int, path: String, into buffer: inout ByteBuffer) throws {
        guard offset >= 0, count >= 0 else { throw error("read", path, EINVAL) }
        let start = buffer.readableBytes
        var failure: Int32 = 0
        while buffer.readableBytes - start < count {
            let wanted = count - (buffer.readableBytes - start)
            let position = off_t(offset + buffer.readableBytes - start)
            let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { dst -> Int in
                let n = pread(fd, dst.baseAddress, wanted, position)
                if n < 0 { failure = errno; return 0 }
                return n
            }
            if failure == EINTR { failure = 0; continue }
            if failure != 0 { throw error("read", path, failure) }
            if got == 0 { break }
        }
    }

    static func size(_ fd: Int32, path: String) throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw error("stat", path) }
        return Int(st.st_size)
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Size of the file at `path`, nil when there is none.
    static func size(of path: String) -> Int? {
        var st = stat()
        return lstat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    /// - Returns: whether the directory was created (false when it already existed).
    @discardableResult
    static func makeDirectory(_ path: String) throws -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        if errno == EEXIST { return false }
        throw error("mkdir", path)
    }

    /// Flushes a directory's entries (a rename is durable only once its directory is).
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw error("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    static func rename(_ from: String, _ to: String) throws {
        #if canImport(Glibc)
        guard Glibc.rename(from, to) == 0 else { throw error("rename", to) }
        #else
        guard Darwin.rename(from, to) == 0 else { throw error("rename", to) }
        #endif
    }

    /// Removes a file; a missing one is not an error.
    static func removeFile(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw error("unlink", path) }
    }

    /// Names in a directory, without "." and "..". A missing directory has none.
    static func entries(of path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw error("opendir", path)
        }
        defer { closedir(dir) }
        var names = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
