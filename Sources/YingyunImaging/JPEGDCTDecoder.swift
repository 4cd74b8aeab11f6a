#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sequential DCT JPEG with Huffman coding (ISO 10918-1 processes 1, 2 and 4), used for 12-bit
/// samples: DICOM's JPEG Extended (1.2.840.10008.1.2.4.51) with Bits Stored 12, which Debian's
/// 8-bit libjpeg-turbo cannot decode. The inverse DCT is the defining formula of §A.3.3 evaluated in
/// double precision (separable, then rounded), so it is at least as exact as libjpeg's integer IDCT.
enum JPEGDCTDecoder {
    struct Output {
        var width: Int
        var height: Int
        var components: Int
        var precision: Int
        /// Interleaved by pixel.
        var samples: [UInt16]
    }

    /// The precision declared by the first SOFn marker, or nil (used to route 12-bit frames here).
    static func framePrecision(_ d: [UInt8]) -> Int? {
        var p = 2
        while p + 4 < d.count {
            guard d[p] == 0xFF else { return nil }
            let m = d[p + 1]
            if m == 0xFF { p += 1; continue }
            if m == 0xD8 || m == 0x01 || (0xD0...0xD7).contains(m) { p += 2; continue }
            let length = Int(d[p + 2]) << 8 | Int(d[p + 3])
            if (0xC0...0xCF).contains(m) && m != 0xC4 && m != 0xC8 && m != 0xCC {
                return p + 4 < d.count ? Int(d[p + 4]) : nil
            }
            p += 2 + length
        }
        return nil
    }

    private struct Component {
        var id: Int
        var h: Int
        var v: Int
        var tq: Int
        var blocksWide = 0
        var blocksHigh = 0
        var plane: [Int32] = []
        var dcTable = 0
        var acTable = 0
        var prediction = 0
    }

    /// The zig-zag order of §A.3.6: entry k of a coded block is coefficient natural[k].
    private static let natural: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
        21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60,
        61, 54, 47, 55, 62, 63,
    ]

    /// cos((2x+1)uπ/16) · C(u)/2, indexed [x * 8 + u].
    private static let basis: [Double] = (0..<64).map { i in
        let x = i / 8, u = i % 8
        let c = u == 0 ? 1 / 2.0.squareRoot() : 1.0
        return c / 2 * cos(Double(2 * x + 1) * Double(u) * Double.pi / 16)
    }

    static func decode(_ data: [UInt8], maxPixels: Int) throws -> Output {
        try data.withUnsafeBufferPointer { try decode($0, maxPixels: maxPixels) }
    }

    private static func decode(_ d: UnsafeBufferPointer<UInt8>, maxPixels: Int) throws -> Output {
        guard d.count >= 4, d[0] == 0xFF, d[1] == 0xD8 else {
            throw ImagingError(.corruptCodestream, "JPEG stream does not start with SOI (FF D8)")
        }
        var p = 2
        var quant = [[Int]](repeating: [], count: 4)
        var dcTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
        var acTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
        var restartInterval = 0
        var width = 0, height = 0, precision = 0
        var components: [Component] = []
        var hMax = 1, vMax = 1
        var scans = 0

        func u16(_ at: Int) throws -> Int {
            guard at + 1 < d.count else { throw ImagingError(.corruptCodestream, "JPEG stream ends inside a marker segment") }
            return Int(d[at]) << 8 | Int(d[at + 1])
        }

        markers: while true {
            guard p + 1 < d.count else {
                if scans > 0 { break }
                throw ImagingError(.corruptCodestream, "JPEG stream ends before its image data")
            }
            guard d[p] == 0xFF else { throw ImagingError(.corruptCodestream, "expected a JPEG marker at byte \(p)") }
            var m = d[p + 1]
            p += 2
            while m == 0xFF, p < d.count {
                m = d[p]
                p += 1
            }
            if m == 0xD9 { break markers }
            if m == 0x01 || (0xD0...0xD7).contains(m) { continue }
            let length = try u16(p)
            guard length >= 2, p + length <= d.count else {
                throw ImagingError(.corruptCodestream, "JPEG marker segment of \(length) bytes overruns the stream")
            }
            let s = p + 2, end = p + length
            switch m {
            case 0xC0, 0xC1:
                guard length >= 8 else { throw ImagingError(.corruptCodestream, "short SOF segment") }
                precision = Int(d[s])
                height = try u16(s + 1)
                width = try u16(s + 3)
                let n = Int(d[s + 5])
                guard precision == 8 || precision == 12, n >= 1, n <= 4, length >= 8 + 3 * n, width > 0, height > 0 else {
                    throw ImagingError(.corruptCodestream, "SOF with precision \(precision), \(n) components, \(width)x\(height)")
                }
                guard width * height <= maxPixels else {
                    throw ImagingError(.tooLarge, "JPEG of \(width)x\(height) pixels exceeds the limit")
                }
                for c in 0..<n {
                    let hv = d[s + 7 + 3 * c]
                    let comp = Component(id: Int(d[s + 6 + 3 * c]), h: Int(hv >> 4), v: Int(hv & 15), tq: Int(d[s + 8 + 3 * c] & 3))
                    guard (1...4).contains(comp.h), (1...4).contains(comp.v) else {
                        throw ImagingError(.corruptCodestream, "sampling factors \(comp.h)x\(comp.v)")
                    }
                    components.append(comp)
                }
                hMax = components.map(\.h).max() ?? 1
                vMax = components.map(\.v).max() ?? 1
                for i in components.indices {
                    // Padded to whole MCUs so interleaved scans never write outside the plane.
                    components[i].blocksWide = ((width + 8 * hMax - 1) / (8 * hMax)) * components[i].h
                    components[i].blocksHigh = ((height + 8 * vMax - 1) / (8 * vMax)) * components[i].v
                    components[i].plane = [Int32](repeating: 0, count: components[i].blocksWide * components[i].blocksHigh * 64)
                }
            case 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
                throw ImagingError(.unsupportedImage, "JPEG SOF\(m - 0xC0) (progressive, lossless, hierarchical or arithmetic) with 12-bit samples is not supported")
            case 0xDB:
                var q = s
                while q < end {
                    let pq = Int(d[q] >> 4), tq = Int(d[q] & 15)
                    let size = pq == 0 ? 64 : 128
                    guard tq < 4, q + 1 + size <= end else { throw ImagingError(.corruptCodestream, "malformed DQT segment") }
                    var table = [Int](repeating: 0, count: 64)
                    for k in 0..<64 {
                        table[natural[k]] = pq == 0 ? Int(d[q + 1 + k]) : Int(d[q + 1 + 2 * k]) << 8 | Int(d[q + 2 + 2 * k])
                    }
                    quant[tq] = table
                    q += 1 + size
                }
            case 0xC4:
                var q = s
                while q < end {
                    let tc = Int(d[q] >> 4), th = Int(d[q] & 0x0F)
                    guard q + 17 <= end, th < 4, tc < 2 else { throw ImagingError(.corruptCodestream, "malformed DHT segment") }
                    let counts = (0..<16).map { Int(d[q + 1 + $0]) }
                    let total = counts.reduce(0, +)
                    guard q + 17 + total <= end else { throw ImagingError(.corruptCodestream, "DHT values overrun") }
                    let table = try JPEGHuffmanTable(counts: counts, values: Array(d[(q + 17)..<(q + 17 + total)]))
                    if tc == 0 { dcTables[th] = table } else { acTables[th] = table }
                    q += 17 + total
                }
            case 0xDD:
                restartInterval = try u16(s)
            case 0xDA:
                guard !components.isEmpty else { throw ImagingError(.corruptCodestream, "SOS before SOF") }
                let ns = Int(d[s])
                guard ns >= 1, ns <= components.count, length == 6 + 2 * ns else {
                    throw ImagingError(.corruptCodestream, "SOS with \(ns) components")
                }
                var indices: [Int] = []
                for k in 0..<ns {
                    let id = Int(d[s + 1 + 2 * k])
                    guard let i = components.firstIndex(where: { $0.id == id }) else {
                        throw ImagingError(.corruptCodestream, "SOS names unknown component \(id)")
                    }
                    components[i].dcTable = Int(d[s + 2 + 2 * k] >> 4) & 3
                    components[i].acTable = Int(d[s + 2 + 2 * k] & 15) & 3
                    components[i].prediction = 0
                    guard dcTables[components[i].dcTable] != nil, acTables[components[i].acTable] != nil,
                        quant[components[i].tq].count == 64
                    else {
                        throw ImagingError(.corruptCodestream, "component \(id) uses a table that was not defined")
                    }
                    indices.append(i)
                }
                p = try decodeScan(d, at: end, scan: indices, components: &components, dc: dcTables, ac: acTables,
                    quant: quant, restartInterval: restartInterval, width: width, height: height, hMax: hMax, vMax: vMax)
                scans += 1
                continue markers
            default:
                break
            }
            p = end
        }
        guard scans > 0 else { throw ImagingError(.corruptCodestream, "JPEG stream without a scan") }

        // Level shift, clamp and (for subsampled components) replicate to full size.
        let n = components.count
        let top = (1 << precision) - 1
        let shift = 1 << (precision - 1)
        var samples = [UInt16](repeating: 0, count: width * height * n)
        for (c, comp) in components.enumerated() {
            let stride = comp.blocksWide * 8
            for y in 0..<height {
                let sy = y * comp.v / vMax
                for x in 0..<width {
                    let sx = x * comp.h / hMax
                    let v = Int(comp.plane[sy * stride + sx]) + shift
                    samples[(y * width + x) * n + c] = UInt16(v < 0 ? 0 : (v > top ? top : v))
                }
            }
        }
        return Output(width: width, height: height, components: n, precision: precision, samples: samples)
    }

    private static func decodeScan(
        _ d: UnsafeBufferPointer<UInt8>, at start: Int, scan: [Int], components: inout [Component],
        dc: [JPEGHuffmanTable?], ac: [JPEGHuffmanTable?], quant: [[Int]], restartInterval: Int,
        width: Int, height: Int, hMax: Int, vMax: Int
    ) throws -> Int {
        var reader = JPEGBitReader(d, position: start)
        var block = [Double](repeating: 0, count: 64)
        var temp = [Double](repeating: 0, count: 64)
        let interleaved = scan.count > 1
        let mcusWide: Int, mcusHigh: Int
        if interleaved {
            mcusWide = (width + 8 * hMax - 1) / (8 * hMax)
            mcusHigh = (height + 8 * vMax - 1) / (8 * vMax)
        } else {
            let c = components[scan[0]]
            mcusWide = ((width * c.h + hMax - 1) / hMax + 7) / 8
            mcusHigh = ((height * c.v + vMax - 1) / vMax + 7) / 8
        }
        var mcusLeft = restartInterval

        func decodeBlock(_ ci: Int, bx: Int, by: Int) throws {
            for k in 0..<64 { block[k] = 0 }
            let q = quant[components[ci].tq]
            let s = try reader.decode(dc[components[ci].dcTable]!)
            guard s <= 16 else { throw ImagingError(.corruptCodestream, "DC category \(s)") }
            var diff = reader.bits(s)
            if s > 0 && diff < 1 << (s - 1) { diff += 1 - (1 << s) }
            components[ci].prediction += diff
            block[0] = Double(components[ci].prediction * q[0])
            let acTable = ac[components[ci].acTable]!
            var k = 1
            while k < 64 {
                let rs = try reader.decode(acTable)
                let r = rs >> 4, size = rs & 15
                if size == 0 {
                    if r == 15 { k += 16; continue }
                    break
                }
                k += r
                guard k < 64 else { throw ImagingError(.corruptCodestream, "AC coefficients run past the block") }
                var v = reader.bits(size)
                if v < 1 << (size - 1) { v += 1 - (1 << size) }
                let z = natural[k]
                block[z] = Double(v * q[z])
                k += 1
            }
            // Separable inverse DCT (§A.3.3): rows, then columns.
            for y in 0..<8 {
                for x in 0..<8 {
                    var sum = 0.0
                    for u in 0..<8 { sum += basis[x * 8 + u] * block[y * 8 + u] }
                    temp[y * 8 + x] = sum
                }
            }
            let stride = components[ci].blocksWide * 8
            let origin = by * 8 * stride + bx * 8
            guard by < components[ci].blocksHigh, bx < components[ci].blocksWide else { return }
            for x in 0..<8 {
                for y in 0..<8 {
                    var sum = 0.0
                    for v in 0..<8 { sum += basis[y * 8 + v] * temp[v * 8 + x] }
                    components[ci].plane[origin + y * stride + x] = Int32(sum.rounded(.toNearestOrAwayFromZero))
                }
            }
        }

        for my in 0..<mcusHigh {
            for mx in 0..<mcusWide {
                if restartInterval > 0 {
                    if mcusLeft == 0 {
                        guard let m = reader.alignToMarker(), (0xD0...0xD7).contains(m) else {
                            throw ImagingError(.corruptCodestream, "restart marker missing")
                        }
                        for i in scan { components[i].prediction = 0 }
                        mcusLeft = restartInterval
                    }
                    mcusLeft -= 1
                }
                if interleaved {
                    for ci in scan {
                        for v in 0..<components[ci].v {
                            for h in 0..<components[ci].h {
                                try decodeBlock(ci, bx: mx * components[ci].h + h, by: my * components[ci].v + v)
                            }
                        }
                    }
                } else {
                    try decodeBlock(scan[0], bx: mx, by: my)
                }
            }
            if reader.overrunBits > 0 {
                throw ImagingError(.corruptCodestream, "JPEG data ends at block row \(my) of \(mcusHigh)")
            }
        }
        var p = reader.position
        while p + 1 < d.count && !(d[p] == 0xFF && d[p + 1] != 0x00 && !(0xD0...0xD7).contains(d[p + 1])) { p += 1 }
        return min(p, d.count)
    }
}
