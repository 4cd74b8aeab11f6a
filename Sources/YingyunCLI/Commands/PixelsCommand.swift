import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import YingyunDICOM
import YingyunDICOMIO
import YingyunImaging

/// `yingyun pixels FILE [--frame N] -o OUT.raw`: one decoded frame as raw samples, for AI users
/// and for comparing decoders with other toolkits.
struct PixelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pixels",
        abstract: "Decode one frame and write its samples raw (little endian, interleaved by pixel).",
        discussion: """
            Prints one line of JSON describing the samples: rows, columns, samples per pixel,
            dtype (uint8, int16, ...), the photometric interpretation after decoding (YBR becomes
            RGB unless --keep-ybr; PALETTE COLOR becomes RGB with --palette), the frame count and
            whether the transfer syntax is lossless. Exit status 3 means the transfer syntax or
            image is not supported, 1 any other failure.
            """)

    @Argument(help: "The DICOM file.")
    var file: String

    @Option(help: "Frame to decode (0-based).")
    var frame = 0

    @Option(name: .shortAndLong, help: "Where to write the raw samples.")
    var output: String

    @Flag(help: "Map PALETTE COLOR indices through the palette to RGB.")
    var palette = false

    @Flag(help: "Leave YBR_FULL / YBR_FULL_422 samples as YBR (no conversion to RGB).")
    var keepYbr = false

    func run() throws {
        do {
            let source = try FileByteSource(path: file)
            let parsed = try DICOMFile.parse(source, options: ParseOptions())
            let decoder = try PixelDataDecoder(file: parsed, source: source)
            let decoded = try decoder.frame(frame,
                options: .init(convertYBRToRGB: !keepYbr, applyPalette: palette))
            try writeOutput(output, decoded.samples)
            var out = StandardOutput()
            out.write(
                "{\"rows\":\(decoded.rows),\"columns\":\(decoded.columns),\"samples\":\(decoded.samplesPerPixel),"
                    + "\"dtype\":\"\(decoded.dataType)\",\"bitsStored\":\(decoded.bitsStored),"
                    + "\"photometric\":\"\(decoded.photometricInterpretation.rawValue)\","
                    + "\"frames\":\(decoder.numberOfFrames),\"frame\":\(frame),"
                    + "\"transferSyntax\":\"\(decoder.transferSyntax.uid)\",\"lossless\":\(decoder.isLossless)}\n")
        } catch let e as ImagingError where e.code == .unsupportedTransferSyntax || e.code == .unsupportedImage {
            reportFailure(path: file, error: e)
            throw ExitCode(3)
        } catch {
            reportFailure(path: file, error: error)
            throw ExitCode(1)
        }
    }
}

/// The output file could not be written.
struct OutputFileError: Error, CustomStringConvertible {
    var operation: String
    var errno: Int32
    var description: String { "\(operation) of the output failed: " + String(cString: strerror(errno)) }
}
