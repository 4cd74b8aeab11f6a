/// JPEG lossless, process 14 (ISO 10918-1 Annex H): Huffman-coded differences from one of seven
/// predictors, 2–16 bits per sample. Covers DICOM's JPEG Lossless (1.2.840.10008.1.2.4.57) and its
/// first-order-prediction subset SV1 (1.2.840.10008.1.2.4.70). libjpeg-turbo 2.1 cannot do this.
enum JPEGLosslessDecoder {
    struct Output {
        var width: Int
        var height: Int
        var components: Int
        var precision: Int
        /// Interleaved by pixel.
        var samples: [UInt16]
    }

    private struct Component {
        var id: Int
        var plane: [UInt16]
    }

    /// Decodes a complete lossless JPEG stream (SOI … EOI).
    /// - Parameter maxPixels: refuse larger frames.
    /// - Throws: `ImagingError` for damaged streams (`corruptCodestream`) and other processes (`unsupportedImage`).
    static func decode(_ data: [UInt8], maxPixels: Int) throws -> Output {
        try data.withUnsafeBufferPointer { try decode($0, maxPixels: maxPixels) }
    }

    private static func decode(_ d: UnsafeBufferPointer<UInt8>, maxPixels: Int) throws -> Output {
        guard d.count >= 4, d[0] == 0xFF, d[1] == 0xD8 else {
            throw ImagingError(.corruptCodestream, "JPEG stream does not start with SOI (FF D8)")
        }
        var p = 2
        var tables = [JPEGHuffmanTable?](repeating: nil, count: 4)
        var restartInterval = 0
        var width = 0, height = 0, precision = 0
        var components: [Component] = []
        var sawFrame = false
        var scans = 0

        func u16(_ at: Int) throws -> Int {
            guard at + 1 < d.count else { throw ImagingError(.corruptCodestream, "JPEG stream ends inside a marker segment") }
            return Int(d[at]) << 8 | Int(d[at + 1])
        }

        while true {
            // Find the next marker, skipping fill bytes.
            guard p + 1 < d.count else {
                if scans > 0 && sawFrame { break }  // a missing EOI after complete scans is tolerated
                throw ImagingError(.corruptCodestream, "JPEG stream ends before its image data")
            }
            guard d[p] == 0xFF else {
                throw ImagingError(.corruptCodestream, "expected a JPEG marker at byte \(p), found \(d[p])")
            }
            var m = d[p + 1]
            p += 2
            while m == 0xFF, p < d.count {
                m = d[p]
                p += 1
            }
            if m == 0xD9 { break }
            if m == 0x01 || (0xD0...0xD7).contains(m) { continue }  // TEM, stray RSTn: no segment
            let length = try u16(p)
            guard length >= 2, p + length <= d.count else {
                throw ImagingError(.corruptCodestream, "JPEG marker FF\(hex(m)) segment of \(length) bytes overruns the stream")
            }
            let segment = p + 2
            let segmentEnd = p + length
            switch m {
            case 0xC3:
                guard length >= 8 else { throw ImagingError(.corruptCodestream, "short SOF3 segment") }
                // One frame per codestream: a second SOF would redefine the size under planes
                // already allocated for the first (found by fuzzing).
                guard !sawFrame else { throw ImagingError(.corruptCodestream, "a second frame header (SOF3) in one codestream") }
                precision = Int(d[segment])
                height = try u16(segment + 1)
                width = try u16(segment + 3)
                let n = Int(d[segment + 5])
                guard (2...16).contains(precision), n >= 1, n <= 4, length >= 8 + 3 * n else {
                    throw ImagingError(.corruptCodestream, "SOF3 with precision \(precision) and \(n) components")
                }
                guard width > 0, height > 0 else {
                    throw ImagingError(.unsupportedImage, "lossless JPEG with height 0 (DNL marker) is not supported")
                }
                guard width * height <= maxPixels else {
                    throw ImagingError(.tooLarge, "lossless JPEG of \(width)x\(height) pixels exceeds the limit")
                }
                for c in 0..<n {
                    let sampling = d[segment + 7 + 3 * c]
                    guard sampling == 0x11 else {
                        throw ImagingError(.unsupportedImage, "lossless JPEG with subsampled components is not supported")
                    }
                    components.append(Component(id: Int(d[segment + 6 + 3 * c]),
                        plane: [UInt16](repeating: 0, count: width * height)))
                }
                sawFrame = true
            case 0xC0, 0xC1, 0xC2:
                throw ImagingError(.corruptCodestream, "a DCT-based JPEG (SOF\(m - 0xC0)) where lossless was declared")
            case 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
                throw ImagingError(.unsupportedImage, "JPEG process with SOF\(m - 0xC0) (hierarchical or arithmetic) is not supported")
            case 0xC4:
                var q = segment
                while q < segmentEnd {
                    let tc = Int(d[q] >> 4), th = Int(d[q] & 0x0F)
                    guard q + 17 <= segmentEnd, th < 4 else { throw ImagingError(.corruptCodestream, "malformed DHT segment") }
                    let counts = (0..<16).map { Int(d[q + 1 + $0]) }
                    let total = counts.reduce(0, +)
                    guard q + 17 + total <= segmentEnd else { throw ImagingError(.corruptCodestream, "DHT values overrun") }
                    let values = Array(d[(q + 17)..<(q + 17 + total)])
                    if tc == 0 { tables[th] = try JPEGHuffmanTable(counts: counts, values: values) }
                    q += 17 + total
                }
            case 0xDD:
                restartInterval = try u16(segment)
            case 0xDA:
                guard sawFrame else { throw ImagingError(.corruptCodestream, "SOS before SOF") }
                let ns = Int(d[segment])
                guard ns >= 1, ns <= components.count, length == 6 + 2 * ns else {
                    throw ImagingError(.corruptCodestream, "SOS with \(ns) components")
                }
                var scanComponents: [(index: Int, table: JPEGHuffmanTable)] = []
                for k in 0..<ns {
                    let id = Int(d[segment + 1 + 2 * k])
                    let td = Int(d[segment + 2 + 2 * k] >> 4)
                    guard let index = components.firstIndex(where: { $0.id == id }), td < 4, let table = tables[td] else {
                        throw ImagingError(.corruptCodestream, "SOS names component \(id) or Huffman table \(td) that was not defined")
                    }
                    scanComponents.append((index, table))
                }
                let predictor = Int(d[segment + 1 + 2 * ns])
                let pointTransform = Int(d[segment + 3 + 2 * ns] & 0x0F)
                guard (1...7).contains(predictor), pointTransform < precision else {
                    throw ImagingError(.corruptCodestream, "lossless scan with predictor \(predictor), point transform \(pointTransform)")
                }
                p = try decodeScan(d, at: segmentEnd, width: width, height: height, precision: precision,
                    predictor: predictor, pointTransform: pointTransform, restartInterval: restartInterval,
                    scan: scanComponents, components: &components)
                scans += 1
                continue
            default:
                break  // APPn, COM, DQT and others carry nothing lossless decoding needs
            }
            p = segmentEnd
        }
        guard sawFrame, scans > 0 else { throw ImagingError(.corruptCodestream, "JPEG stream without a lossless frame and scan") }

        let n = components.count
        var samples = [UInt16](repeating: 0, count: width * height * n)
        for c in 0..<n {
            let plane = components[c].plane
            for i in 0..<(width * height) { samples[i * n + c] = plane[i] }
        }
        return Output(width: width, height: height, components: n, precision: precision, samples: samples)
    }

    /// Decodes one scan's entropy-coded data; returns the position of the marker that ends it.
    private static func decodeScan(
        _ d: UnsafeBufferPointer<UInt8>, at start: Int, width: Int, height: Int, precision: Int, predictor: Int,
        pointTransform: Int, restartInterval: Int, scan: [(index: Int, table: JPEGHuffmanTable)],
        components: inout [Component]
    ) throws -> Int {
        var reader = JPEGBitReader(d, position: start)
        let initial = 1 << (precision - pointTransform - 1)
        let mask = 0xFFFF
        // Planes are taken out of the array so the inner loop writes them without copy-on-write.
        var planes = scan.map { components[$0.index].plane }
        guard planes.allSatisfy({ $0.count == width * height }) else {
            throw ImagingError(.corruptCodestream, "scan component planes do not match the frame size")
        }
        defer { for (k, s) in scan.enumerated() { components[s.index].plane = planes[k] } }
        var resetRow = 0, resetColumn = 0
        var mcusLeft = restartInterval
        for y in 0..<height {
            for x in 0..<width {
                if restartInterval > 0 {
                    if mcusLeft == 0 {
                        guard let m = reader.alignToMarker(), (0xD0...0xD7).contains(m) else {
                            throw ImagingError(.corruptCodestream, "restart marker missing at row \(y)")
                        }
                        mcusLeft = restartInterval
                        resetRow = y
                        resetColumn = x
                    }
                    mcusLeft -= 1
                }
                let i = y * width + x
                for k in 0..<scan.count {
                    let category = try reader.decode(scan[k].table)
                    var diff: Int
                    switch category {
                    case 0: diff = 0
                    case 1...15:
                        diff = reader.bits(category)
                        if diff < 1 << (category - 1) { diff += 1 - (1 << category) }
                    case 16: diff = 32768
                    default: throw ImagingError(.corruptCodestream, "lossless difference category \(category)")
                    }
                    let prediction: Int
                    if y == resetRow && x == resetColumn {
                        prediction = initial
                    } else if y == resetRow {
                        prediction = Int(planes[k][i - 1])
                    } else if x == 0 {
                        prediction = Int(planes[k][i - width])
                    } else {
                        let a = Int(planes[k][i - 1]), b = Int(planes[k][i - width]), c = Int(planes[k][i - width - 1])
                        switch predictor {
                        case 1: prediction = a
                        case 2: prediction = b
                        case 3: prediction = c
                        case 4: prediction = a + b - c
                        case 5: prediction = a + ((b - c) >> 1)
                        case 6: prediction = b + ((a - c) >> 1)
                        default: prediction = (a + b) >> 1
                        }
                    }
                    planes[k][i] = UInt16((prediction + diff) & mask)
                }
            }
            if reader.overrunBits > 0 {
                throw ImagingError(.corruptCodestream, "lossless JPEG data ends at row \(y) of \(height)")
            }
        }
        if pointTransform > 0 {
            for k in 0..<planes.count {
                for i in 0..<planes[k].count { planes[k][i] = UInt16((Int(planes[k][i]) << pointTransform) & mask) }
            }
        }
        // The scan ends at the next marker.
        var p = reader.position
        while p + 1 < d.count && !(d[p] == 0xFF && d[p + 1] != 0x00 && !(0xD0...0xD7).contains(d[p + 1])) { p += 1 }
        return min(p, d.count)
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}
