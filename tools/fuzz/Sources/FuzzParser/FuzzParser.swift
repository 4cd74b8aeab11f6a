import NIOCore
import YingyunDICOM

/// libFuzzer entry point: any bytes must parse or throw `DICOMParseError` — never crash or hang.
/// Exercises both full parses (small bulk threshold so references are made) and header-only parses,
/// then walks every value accessor the CLI uses.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    var options = ParseOptions()
    options.bulkDataThreshold = 64
    for stop in [false, true] {
        options.stopBeforePixelData = stop
        do {
            let file = try DICOMFile.parse(buffer, options: options)
            touch(file.dataSet, depth: 0)
            touch(file.fileMetaInformation, depth: 0)
        } catch is DICOMParseError {
        } catch {
            fatalError("unexpected error type: \(error)")
        }
    }
    return 0
}

func touch(_ ds: DataSet, depth: Int) {
    let charset = ds[.specificCharacterSet].map { SpecificCharacterSet(terms: $0.stringValues(characterSet: .default)) }
        ?? .default
    for e in ds.elements {
        switch e.value {
        case .sequence(let items): for i in items { touch(i, depth: depth + 1) }
        case .encapsulated(let px): for f in px.frames.indices { _ = px.frameByteRanges(f) }
        case .bytes:
            _ = e.stringValues(characterSet: charset)
            _ = e.intValue
            _ = e.float64Values
            _ = e.tagValues
        case .bulkData: break
        }
    }
}
