import ArgumentParser
import YingyunDICOM
import YingyunDICOMIO

/// `yingyun dump FILE...`: a dcmdump-like listing of each file.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "List the data elements of DICOM files (tag, VR, length, value, keyword).")

    @Argument(help: "DICOM files to list.")
    var files: [String]

    @Flag(help: "Stop before pixel data without reading it.")
    var stopBeforePixels = false

    @Flag(help: "Also print the parser's warnings.")
    var warnings = false

    @Option(help: "Show at most this many characters of each value.")
    var maxValueLength = 64

    @OptionGroup var decoding: TextDecodingOptions

    func run() throws {
        var failed = false
        var output = StandardOutput()
        for path in files {
            do {
                let source = try FileByteSource(path: path)
                var options = ParseOptions()
                options.stopBeforePixelData = stopBeforePixels
                let file = try DICOMFile.parse(source, options: options)
                var text = ""
                DumpFormatter(
                    maxValueLength: maxValueLength, textOptions: decoding.characterSetOptions,
                    reportFallbacks: warnings).format(file, path: path, into: &text)
                if warnings {
                    for w in file.warnings { text += "# warning: \(w)\n" }
                }
                output.write(text)
            } catch {
                failed = true
                reportFailure(path: path, error: error)
            }
        }
        if failed { throw ExitCode(1) }
    }
}
