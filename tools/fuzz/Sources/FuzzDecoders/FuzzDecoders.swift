import Foundation
import NIOCore
import YingyunDICOM
import YingyunImaging

/// libFuzzer entry point for the pixel decoders: the input picks a transfer syntax and image
/// geometry, the rest is the codestream (or the native pixel bytes). Decoding must return a frame
/// or throw — never crash, hang or touch memory it does not own (ASan).
///   byte 0: codec, 1–2: rows, 3–4: columns (big endian, ≤ 2048), 5: bits/sign/samples, 6…: codestream
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 6 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let syntaxes = [
        "1.2.840.10008.1.2.5",      // RLE Lossless (ours)
        "1.2.840.10008.1.2.4.70",   // JPEG Lossless SV1 (ours)
        "1.2.840.10008.1.2.4.57",   // JPEG Lossless (ours)
        "1.2.840.10008.1.2.4.50",   // JPEG Baseline (libjpeg-turbo)
        "1.2.840.10008.1.2.4.80",   // JPEG-LS (CharLS)
        "1.2.840.10008.1.2.4.90",   // JPEG 2000 (OpenJPEG)
        "1.2.840.10008.1.2.1",      // native
        "1.2.840.10008.1.2.2",      // native big endian
    ]
    let only = FuzzTarget.codec
    let ts = only.map { syntaxes[$0] } ?? syntaxes[Int(input[0]) % syntaxes.count]
    let rows = (Int(input[1]) << 8 | Int(input[2])) % 2048 + 1
    let columns = (Int(input[3]) << 8 | Int(input[4])) % 2048 + 1
    let variant = input[5]
    let bitsAllocated = [8, 16, 16, 32, 1][Int(variant & 7) % 5]
    let bitsStored = bitsAllocated == 1 ? 1 : max(1, bitsAllocated - Int((variant >> 3) & 7))
    let samples = (variant & 0x40) != 0 ? 3 : 1
    let signed = (variant & 0x80) != 0
    let photometric = samples == 3 ? ((variant & 0x20) != 0 ? "YBR_FULL_422" : "RGB") : "MONOCHROME2"
    let payload = Array(input[6...])
    let file = Part10.image(
        transferSyntax: ts, rows: rows, columns: columns, bitsAllocated: bitsAllocated, bitsStored: bitsStored,
        samples: samples, signed: signed, photometric: photometric, pixels: payload)
    do {
        let parsed = try DICOMFile.parse(file)
        let decoder = try PixelDataDecoder(file: parsed, source: parsed.valueSource(BufferByteSource(file)))
        for index in 0..<min(decoder.numberOfFrames, 2) {
            let frame = try decoder.frame(index)
            precondition(frame.samples.count == frame.sampleCount * frame.bytesPerSample, "decoded size disagrees with the frame")
        }
    } catch {
        // Typed errors are the expected answer to bad input.
    }
    return 0
}

/// Optional fixed codec from the environment (YY_FUZZ_CODEC=0…7), so each decoder can be fuzzed on its own.
enum FuzzTarget {
    static let codec: Int? = {
        guard let raw = getenv("YY_FUZZ_CODEC"), let n = Int(String(cString: raw)), (0..<8).contains(n) else { return nil }
        return n
    }()
}


/// Hand-encoded Part 10 files around fuzz input (Explicit VR; the data set in the file's syntax).
enum Part10 {
    static func image(
        transferSyntax ts: String, rows: Int, columns: Int, bitsAllocated: Int, bitsStored: Int,
        samples: Int, signed: Bool, photometric: String, pixels: [UInt8]
    ) -> ByteBuffer {
        var meta = ByteBuffer()
        element(&meta, 0x0002, 0x0001, "OB", [0, 1], little: true)
        text(&meta, 0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7", little: true)
        text(&meta, 0x0002, 0x0003, "UI", "2.25.1", little: true)
        text(&meta, 0x0002, 0x0010, "UI", ts, little: true)
        var out = ByteBuffer(repeating: 0, count: 128)
        out.writeString("DICM")
        element(&out, 0x0002, 0x0000, "UL", le32(meta.readableBytes), little: true)
        out.writeBuffer(&meta)
        let little = ts != "1.2.840.10008.1.2.2"
        text(&out, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7", little: little)
        text(&out, 0x0008, 0x0018, "UI", "2.25.1", little: little)
        us(&out, 0x0028, 0x0002, samples, little: little)
        text(&out, 0x0028, 0x0004, "CS", photometric, little: little)
        if samples > 1 { us(&out, 0x0028, 0x0006, 0, little: little) }
        text(&out, 0x0028, 0x0008, "IS", "1", little: little)
        us(&out, 0x0028, 0x0010, rows, little: little)
        us(&out, 0x0028, 0x0011, columns, little: little)
        us(&out, 0x0028, 0x0100, bitsAllocated, little: little)
        us(&out, 0x0028, 0x0101, bitsStored, little: little)
        us(&out, 0x0028, 0x0102, bitsStored - 1, little: little)
        us(&out, 0x0028, 0x0103, signed ? 1 : 0, little: little)
        if ts == "1.2.840.10008.1.2.1" || ts == "1.2.840.10008.1.2.2" {
            var p = pixels
            if p.count % 2 == 1 { p.append(0) }
            element(&out, 0x7FE0, 0x0010, bitsAllocated > 8 ? "OW" : "OB", p, little: little)
            return out
        }
        header(&out, 0x7FE0, 0x0010, "OB", 0xFFFF_FFFF, little: true)
        item(&out, 0xE000, [])                       // empty Basic Offset Table
        var fragment = pixels
        if fragment.count % 2 == 1 { fragment.append(0) }
        item(&out, 0xE000, fragment)
        item(&out, 0xE0DD, [])                       // Sequence Delimitation Item
        return out
    }

    static func le32(_ n: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(n).littleEndian, Array.init) }

    static func us(_ b: inout ByteBuffer, _ g: UInt16, _ e: UInt16, _ v: Int, little: Bool) {
        let value = UInt16(truncatingIfNeeded: v)
        element(&b, g, e, "US", little ? [UInt8(value & 0xFF), UInt8(value >> 8)] : [UInt8(value >> 8), UInt8(value & 0xFF)], little: little)
    }

    static func text(_ b: inout ByteBuffer, _ g: UInt16, _ e: UInt16, _ vr: String, _ s: String, little: Bool) {
        var bytes = Array(s.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr == "UI" ? 0 : 0x20) }
        element(&b, g, e, vr, bytes, little: little)
    }

    static func element(_ b: inout ByteBuffer, _ g: UInt16, _ e: UInt16, _ vr: String, _ value: [UInt8], little: Bool) {
        header(&b, g, e, vr, UInt32(value.count), little: little)
        b.writeBytes(value)
    }

    static func header(_ b: inout ByteBuffer, _ g: UInt16, _ e: UInt16, _ vr: String, _ length: UInt32, little: Bool) {
        let order: Endianness = little ? .little : .big
        b.writeInteger(g, endianness: order)
        b.writeInteger(e, endianness: order)
        b.writeString(vr)
        if ["OB", "OW", "OF", "SQ", "UT", "UN"].contains(vr) {
            b.writeInteger(UInt16(0))
            b.writeInteger(length, endianness: order)
        } else {
            b.writeInteger(UInt16(length), endianness: order)
        }
    }

    static func item(_ b: inout ByteBuffer, _ element: UInt16, _ value: [UInt8]) {
        b.writeInteger(UInt16(0xFFFE), endianness: .little)
        b.writeInteger(element, endianness: .little)
        b.writeInteger(UInt32(value.count), endianness: .little)
        b.writeBytes(value)
    }
}

// SwiftPM links executables with `main` aliased to `<Module>_main`; route it into libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

@_cdecl("FuzzDecoders_main")
public func fuzzMain(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) }
}
