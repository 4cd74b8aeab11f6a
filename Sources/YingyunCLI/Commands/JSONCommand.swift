import ArgumentParser
import YingyunDICOM
import YingyunDICOMIO

/// `yingyun json FILE`: the PS3.18 Annex F JSON object of one file's data set on stdout.
struct JSONCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json",
        abstract: "Print the DICOM JSON (PS3.18 Annex F) of one file's data set.",
        discussion: """
            Binary values up to --bulk-data-threshold bytes are inline (base64); larger ones become a
            BulkDataURI naming the file and the value's byte range (file://PATH#offset=N&length=M),
            or are inline too with --inline. Values of a deflated data set are always inline: their
            offsets exist only after inflation.
            """)

    @Argument(help: "The DICOM file.")
    var file: String

    @Flag(help: "Put every binary value inline as base64.")
    var inline = false

    @Option(help: "Binary values longer than this many bytes become BulkDataURIs (unless --inline).")
    var bulkDataThreshold = 1024

    @Flag(help: "Include the File Meta Information group (0002) in the object.")
    var includeMeta = false

    @OptionGroup var decoding: TextDecodingOptions

    func run() throws {
        do {
            let source = try FileByteSource(path: file)
            let parsed = try DICOMFile.parse(source, options: ParseOptions())
            var dataSet = parsed.dataSet
            if includeMeta {
                for e in parsed.fileMetaInformation.elements { dataSet[e.tag] = e }
            }
            let absolute = file.hasPrefix("/") ? file : currentDirectory() + "/" + file
            let deflated = parsed.inflatedDataSet != nil
            var uri: (@Sendable (BulkDataContext) -> String?)? = nil
            if !inline && !deflated {
                uri = { context in
                    guard context.valueOffset >= 0 else { return nil }
                    return "file://\(absolute)#offset=\(context.valueOffset)&length=\(context.length)"
                }
            }
            let encoder = DICOMJSONEncoder(
                bulkDataThreshold: bulkDataThreshold, bulkDataURI: uri, inlineAll: inline,
                characterSetOptions: decoding.characterSetOptions)
            var out = StandardOutput()
            out.write(bytes: try encoder.encode(dataSet, source: parsed.valueSource(source)))
            out.write("\n")
        } catch {
            reportFailure(path: file, error: error)
            throw ExitCode(1)
        }
    }
}
