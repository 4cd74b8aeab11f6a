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
            let source = file.valueSource(BufferByteSource(buffer))
            _ = try? DICOMJSONEncoder(inlineAll: true).encode(file.dataSet, source: source)
            if !stop { checkWriteRoundTrip(file, source: source) }
        } catch is DICOMParseError {
        } catch {
            fatalError("unexpected error type: \(error)")
        }
    }
    return 0
}

/// Invariant: whatever the writer accepts, the parser reads back with the same element count.
func checkWriteRoundTrip(_ file: DICOMFile, source: any ByteSource) {
    let syntax: TransferSyntax = file.transferSyntax.isEncapsulated ? file.transferSyntax : .explicitVRLittleEndian
    guard let writer = try? DataSetWriter(transferSyntax: syntax),
        let written = try? writer.write(file.dataSet, bulkDataSource: source)
    else { return }
    do {
        let reparsed = try DataSetParser.parse(source: BufferByteSource(written), transferSyntax: syntax)
        precondition(reparsed.dataSet.count == file.dataSet.count, "round trip changed the element count")
    } catch {
        fatalError("writer output does not parse: \(error)")
    }
}

func touch(_ ds: DataSet, depth: Int) {
    let charset = SpecificCharacterSet(element: ds[.specificCharacterSet])
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

// SwiftPM links executables with `main` aliased to `<Module>_main`; route it into libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

@_cdecl("FuzzParser_main")
public func fuzzMain(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) }
}
