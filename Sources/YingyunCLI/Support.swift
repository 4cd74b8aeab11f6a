#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import YingyunDICOM
import YingyunDICOMIO

/// Buffered standard output: many small prints would cost a syscall each.
struct StandardOutput {
    mutating func write(_ s: String) {
        var s = s
        s.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    mutating func write(bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Writes all of `p` to fd 1, retrying short writes and EINTR.
    private func write(_ p: UnsafeRawBufferPointer) {
        var off = 0
        while off < p.count {
            let n = Glibc.write(1, p.baseAddress! + off, p.count - off)
            if n <= 0 { if errno == EINTR { continue } else { return } }
            off += n
        }
    }
}

/// One line on stderr naming file, offset and reason (the contract for failures).
func reportFailure(path: String, error: any Error) {
    let message: String
    switch error {
    case let e as DICOMParseError:
        message = "offset \(e.offset)" + (e.tag.map { " \($0)" } ?? "") + ": \(e.code): \(e.message)"
    case let e as FileIOError:
        message = e.description
    default:
        message = "\(error)"
    }
    let line = "yingyun: \(path): \(message)\n"
    var l = line
    l.withUTF8 { p in _ = Glibc.write(2, p.baseAddress, p.count) }
}

/// Names for UIDs in listings, from the generated PS3.6 UID table; falls back to the UID itself.
enum UIDDictionaryName {
    static func name(for uid: String) -> String { knownName(for: uid) ?? uid }
    static func knownName(for uid: String) -> String? { UIDDictionary.entry(for: uid)?.name }
}

func currentDirectory() -> String {
    var buf = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buf, buf.count) != nil else { return "." }
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
