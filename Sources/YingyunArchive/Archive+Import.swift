import Foundation
#if canImport(Glibc)
import Glibc
#endif
import YingyunCatalog
import NIOCore
import YingyunDICOMIO

extension Archive {
    /// Reads a file in 1 MiB chunks through the same ingest path as STOW-RS.
    public func importFile(atPath path: String) async -> Result<IngestedInstance, IngestFailure> {
        let file: FileByteSource
        do {
            file = try FileByteSource(path: path)
        } catch {
            return .failure(IngestFailure(reason: .processingFailure, message: "cannot read: \(error)"))
        }
        let session: IngestSession
        do {
            session = try beginIngest(source: "IMPORT")
        } catch {
            return .failure(IngestFailure(reason: .outOfResources, message: "cannot stage: \(error)"))
        }
        let chunk = 1 << 20
        var offset = 0
        do {
            while offset < file.size {
                let buffer = try file.bytes(at: offset, count: chunk)
                guard buffer.readableBytes > 0 else { break }
                try await session.write(buffer)
                offset += buffer.readableBytes
            }
        } catch let e as IngestFailure {
            return .failure(e)
        } catch {
            session.abort()
            return .failure(IngestFailure(reason: .processingFailure, message: "read failed: \(error)"))
        }
        return await session.finish()
    }

    /// Files under `paths` (folders walked recursively, symbolic links followed), each
    /// argument's files sorted. A path that cannot be read is returned as is, so its reader
    /// reports the error.
    public static func files(under paths: [String]) -> [String] {
        var out: [String] = []
        for path in paths {
            var found: [String] = []
            walk(path, into: &found)
            out += found.sorted()
        }
        return out
    }

    private static func walk(_ path: String, into files: inout [String]) {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            files.append(path)
            return
        }
        guard let dir = opendir(path) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            walk(path + "/" + name, into: &files)
        }
    }
}
