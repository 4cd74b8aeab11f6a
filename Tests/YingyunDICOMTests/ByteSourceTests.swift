import NIOCore
import Testing
import YingyunDICOMIO

@testable import YingyunDICOM

/// Parsing through a file's small pread windows gives exactly what parsing the whole buffer gives.
@Suite struct ByteSourceTests {
    @Test(arguments: Fixtures.dicomFiles + Fixtures.pydicomFiles)
    func fileWindowsAndMemoryAgree(path: String) throws {
        let fromFile: Result<DICOMFile, DICOMParseError>
        let fromMemory: Result<DICOMFile, DICOMParseError>
        var options = ParseOptions()
        options.bulkDataThreshold = 1024
        do { fromFile = .success(try DICOMFile.parse(try FileByteSource(path: path), options: options)) } catch let e as DICOMParseError { fromFile = .failure(e) }
        let buffer = try FileByteSource.readAll(path: path)
        do { fromMemory = .success(try DICOMFile.parse(buffer, options: options)) } catch let e as DICOMParseError { fromMemory = .failure(e) }
        switch (fromFile, fromMemory) {
        case (.success(let a), .success(let b)):
            #expect(signature(a.dataSet) == signature(b.dataSet))
            #expect(a.warnings == b.warnings)
        case (.failure(let a), .failure(let b)):
            #expect(a.offset == b.offset && a.code == b.code && a.tag == b.tag)
        default:
            Issue.record("file and memory parses disagree: \(fromFile) vs \(fromMemory)")
        }
    }

    @Test func fileSourceReadsRanges() throws {
        guard let path = (Fixtures.dicomFiles + Fixtures.pydicomFiles).first else { return }
        let source = try FileByteSource(path: path)
        let all = try FileByteSource.readAll(path: path)
        let mid = try source.bytes(at: 100, count: 50)
        #expect(Array(mid.readableBytesView) == Array(all.readableBytesView[100..<150]))
        #expect(try source.bytes(at: source.size - 3, count: 50).readableBytes == 3)
        #expect(throws: FileIOError.self) { try FileByteSource(path: "/nonexistent/file.dcm") }
    }

    /// Tags, VRs, offsets and value bytes, recursively.
    func signature(_ ds: DataSet) -> [String] {
        var out: [String] = []
        for e in ds.elements {
            var s = "\(e.tag) \(e.vr) \(e.length) @\(e.valueOffset)"
            switch e.value {
            case .bytes(let b): s += " " + String(b.readableBytesView.hashValue)
            case .bulkData(let r): s += " ref \(r.offset)+\(r.length)"
            case .encapsulated(let p): s += " px \(p.fragments.count) \(p.frames)"
            case .sequence(let items):
                s += " sq \(items.count)"
                for i in items { out += signature(i).map { "  " + $0 } }
            }
            out.append(s)
        }
        return out
    }
}
