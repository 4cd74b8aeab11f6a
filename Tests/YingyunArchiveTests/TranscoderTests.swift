import Foundation
import NIOCore
import Testing
import YingyunArchive
import YingyunDICOM
import YingyunDICOMIO
import YingyunStore

/// Re-encoding stored objects for WADO-RS: what can be produced, and that values survive.
@Suite struct TranscoderTests {
    static let explicitLE = "1.2.840.10008.1.2.1", implicitLE = "1.2.840.10008.1.2"
    static let bigEndian = "1.2.840.10008.1.2.2", deflated = "1.2.840.10008.1.2.1.99", jpeg = "1.2.840.10008.1.2.4.50"

    @Test func plansFollowWhatTheWriterAndDecoderCanDo() {
        let t = Transcoder()
        #expect(t.plan(from: Self.explicitLE, to: Self.explicitLE) == .asStored)
        #expect(t.plan(from: Self.implicitLE, to: Self.explicitLE) == .rewrite)
        #expect(t.plan(from: Self.bigEndian, to: Self.explicitLE) == .rewrite)
        #expect(t.plan(from: Self.deflated, to: Self.implicitLE) == .rewrite)
        #expect(t.plan(from: Self.explicitLE, to: Self.deflated) == .rewrite)
        // Never compressed, never big endian; compressed sources only with a decoder.
        #expect(t.plan(from: Self.explicitLE, to: Self.jpeg) == nil)
        #expect(t.plan(from: Self.explicitLE, to: Self.bigEndian) == nil)
        #expect(t.plan(from: Self.jpeg, to: Self.explicitLE) == nil)
        #expect(t.plan(from: Self.jpeg, to: Self.jpeg) == .asStored)
    }

    /// Each native fixture re-encoded as Explicit VR LE parses to the same elements, with
    /// big-endian pixel data swapped to the very bytes of the little-endian fixture.
    @Test(arguments: ["ct_implicit_le.dcm", "ct_explicit_be.dcm", "ct_deflated.dcm", "sq_nested_implicit.dcm"])
    func nativeObjectsBecomeExplicitLittleEndian(_ name: String) async throws {
        let store = InMemoryBlobStore()
        let source = try FileByteSource.readAll(path: IngestTests.fixtures + "/" + name)
        let writer = try store.makeWriter()
        try await writer.write(source)
        let digest = try await writer.commit().digest
        var out = ByteBuffer()
        try Transcoder().transcode(try store.reader(for: digest), to: Self.explicitLE) { chunk in
            var c = chunk
            out.writeBuffer(&c)
        }
        let original = try DICOMFile.parse(source)
        let result = try DICOMFile.parse(out)
        #expect(result.transferSyntax.uid == Self.explicitLE)
        #expect(result.fileMetaInformation[.transferSyntaxUID]?.stringValue(characterSet: .default).map(UID.trimmed) == Self.explicitLE)
        #expect(result.dataSet.elements.map(\.tag) == original.dataSet.elements.map(\.tag))
        if name.hasPrefix("ct_") {
            let reference = try DICOMFile.parse(try FileByteSource.readAll(path: IngestTests.fixtures + "/ct_explicit_le.dcm"))
            #expect(result.dataSet[.pixelData]?.bytes == reference.dataSet[.pixelData]?.bytes)
            #expect(result.dataSet[.patientName]?.bytes == reference.dataSet[.patientName]?.bytes)
        }
    }
}
