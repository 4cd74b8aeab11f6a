import Foundation
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

    /// Regular files under `paths` (folders walked recursively), sorted for a stable order.
    public static func files(under paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { out.append(path); continue }
            if !isDir.boolValue { out.append(path); continue }
            guard let walker = fm.enumerator(atPath: path) else { continue }
            var found: [String] = []
            while let rel = walker.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(rel)
                var d: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &d), !d.boolValue { found.append(full) }
            }
            out += found.sorted()
        }
        return out
    }
}
