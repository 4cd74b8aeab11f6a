#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import NIOCore
public import YingyunDICOM

/// A `ByteSource` over a file, read with `pread` on demand: the parser's window is all that is
/// ever in memory, so parsing a 2 GB file's header costs a few kilobytes.
public final class FileByteSource: ByteSource {
    private let fd: Int32
    public let size: Int
    public let path: String

    /// Opens `path` read-only.
    /// - Throws: `FileIOError` when the file cannot be opened or measured.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError(path: path, errno: errno, operation: "open") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw FileIOError(path: path, errno: e, operation: "stat")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FileIOError(path: path, errno: EISDIR, operation: "open")
        }
        self.fd = fd
        self.size = Int(st.st_size)
        self.path = path
    }

    deinit { close(fd) }

    public func bytes(at offset: Int, count: Int) throws -> ByteBuffer {
        let n = max(0, min(count, size - offset))
        var buffer = ByteBufferAllocator().buffer(capacity: n)
        var done = 0
        while done < n {
            let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: n - done) { dst in
                pread(fd, dst.baseAddress, n - done, off_t(offset + done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileIOError(path: path, errno: errno, operation: "read")
            }
            if got == 0 { break }
            done += got
        }
        return buffer
    }

    /// Reads the whole file into memory (for small files and the in-memory benchmarks).
    public static func readAll(path: String) throws -> ByteBuffer {
        let f = try FileByteSource(path: path)
        return try f.bytes(at: 0, count: f.size)
    }
}

/// A file could not be opened or read.
public struct FileIOError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var errno: Int32
    public var operation: String

    public var description: String {
        "\(operation) failed: " + String(cString: strerror(errno))
    }
}
