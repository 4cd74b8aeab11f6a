#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import YingyunDICOMIO

/// Locates the repository's Fixtures/ and the pydicom wheel's test files (when installed).
enum Fixtures {
    static let root: String = {
        var path = #filePath
        // …/Tests/YingyunDICOMTests/Support/Fixtures.swift → repository root
        for _ in 0..<4 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Fixtures"
    }()

    /// Every *.dcm under Fixtures/dicom (recursively).
    static var dicomFiles: [String] { files(under: root + "/dicom") }

    /// pydicom's bundled test files, if pydicom is installed (the test command installs it).
    static var pydicomFiles: [String] {
        guard let dir = pydicomDataDirectory else { return [] }
        return files(under: dir + "/test_files") + files(under: dir + "/charset_files")
    }

    static let pydicomDataDirectory: String? = {
        if let env = getenv("YINGYUN_PYDICOM_DATA") { return String(cString: env) }
        guard let pipe = popen("python3 -c 'import pydicom,os;print(os.path.dirname(pydicom.__file__))' 2>/dev/null", "r")
        else { return nil }
        defer { pclose(pipe) }
        var buf = [CChar](repeating: 0, count: 4096)
        guard fgets(&buf, 4096, pipe) != nil else { return nil }
        let line = String(decoding: buf.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return line.isEmpty ? nil : line + "/data"
    }()

    static func read(_ path: String) throws -> [UInt8] {
        let b = try FileByteSource.readAll(path: path)
        return Array(b.readableBytesView)
    }

    static func files(under dir: String) -> [String] {
        var out: [String] = []
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            let path = dir + "/" + name
            if entry.pointee.d_type == UInt8(DT_DIR) {
                out += files(under: path)
            } else if name.hasSuffix(".dcm") {
                out.append(path)
            }
        }
        return out.sorted()
    }
}
