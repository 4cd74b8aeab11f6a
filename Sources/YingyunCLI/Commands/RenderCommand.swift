import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import YingyunDICOM
import YingyunDICOMIO
import YingyunImaging

/// `yingyun render FILE [--frame N] [--window C,W] [--size 128] [--bits 16] -o out.png|jpg`.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one frame to a PNG or JPEG (Modality LUT, VOI, MONOCHROME1 inversion, resize).",
        discussion: """
            The window is the file's first (or its VOI LUT) unless --window gives one; with neither,
            a window covering the central 99% of the values is used. Colour and palette images are
            shown as RGB. The output format follows the extension of -o (.png, .jpg/.jpeg).
            """)

    @Argument(help: "The DICOM file.")
    var file: String

    @Option(help: "Frame to render (0-based).")
    var frame = 0

    @Option(help: "Window as CENTER,WIDTH[,LINEAR|LINEAR_EXACT|SIGMOID].")
    var window: String?

    @Option(help: "Longest side of the output in pixels (aspect kept); default: the image's size.")
    var size: Int?

    @Option(help: "JPEG quality (1-100).")
    var quality = 90

    @Option(help: "Bits per sample: 8, or 16 for a 16-bit grey PNG of a monochrome image.")
    var bits = 8

    @Option(name: .shortAndLong, help: "Output file (.png, .jpg or .jpeg).")
    var output: String

    func validate() throws {
        if let window, Self.parseWindow(window) == nil {
            throw ValidationError("--window must be CENTER,WIDTH[,FUNCTION] with WIDTH > 0")
        }
        let lower = output.lowercased()
        guard lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") else {
            throw ValidationError("-o must end in .png, .jpg or .jpeg")
        }
        if let size, size < 1 || size > 16384 { throw ValidationError("--size must be 1...16384") }
        guard bits == 8 || bits == 16 else { throw ValidationError("--bits must be 8 or 16") }
        if bits == 16 && !lower.hasSuffix(".png") { throw ValidationError("--bits 16 needs a .png output (JPEG is 8-bit)") }
    }

    static func parseWindow(_ text: String) -> VOIWindow? {
        let parts = text.split(separator: ",").map(String.init)
        guard parts.count == 2 || parts.count == 3, let c = Double(parts[0]), let w = Double(parts[1]), w > 0 else {
            return nil
        }
        if parts.count == 3 {
            guard let f = VOIWindow.Function(rawValue: parts[2].uppercased()) else { return nil }
            return VOIWindow(center: c, width: w, function: f)
        }
        return VOIWindow(center: c, width: w)
    }

    func run() throws {
        do {
            let source = try FileByteSource(path: file)
            let parsed = try DICOMFile.parse(source, options: ParseOptions())
            let decoder = try PixelDataDecoder(file: parsed, source: source)
            let image = try Renderer.render(decoder,
                options: RenderOptions(frame: frame, window: window.flatMap(Self.parseWindow), size: size, bitDepth: bits))
            let bytes =
                output.lowercased().hasSuffix(".png")
                ? try ImageEncoder.png(image) : try ImageEncoder.jpeg(image, quality: quality)
            try writeOutput(output, bytes)
            var out = StandardOutput()
            out.write("{\"width\":\(image.width),\"height\":\(image.height),\"components\":\(image.components),\"bits\":\(image.bitDepth),\"bytes\":\(bytes.count)}\n")
        } catch let e as ImagingError where e.code == .unsupportedTransferSyntax || e.code == .unsupportedImage {
            reportFailure(path: file, error: e)
            throw ExitCode(3)
        } catch {
            reportFailure(path: file, error: error)
            throw ExitCode(1)
        }
    }
}

/// Writes `bytes` to `path`, replacing it.
func writeOutput(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OutputFileError(operation: "open", errno: errno) }
    defer { close(fd) }
    var done = 0
    try bytes.withUnsafeBytes { p in
        while done < p.count {
            let n = write(fd, p.baseAddress! + done, p.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(operation: "write", errno: errno)
            }
            done += n
        }
    }
}
