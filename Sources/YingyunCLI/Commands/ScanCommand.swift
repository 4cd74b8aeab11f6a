import ArgumentParser
import YingyunArchive
import NIOCore
import YingyunDICOM
import YingyunDICOMIO

#if canImport(Glibc)
import Glibc
#endif

/// `yingyun scan PATH...`: parses every file under the paths and reports failures and throughput.
/// Operators use it to check a directory of files before import; tools/bench uses it to time the parser.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Parse every DICOM file under the given paths; report failures and parse speed.")

    @Argument(help: "Files or directories (searched recursively).")
    var paths: [String]

    @Flag(help: "Stop before pixel data (header parse).")
    var stopBeforePixels = false

    @Option(name: .customLong("repeat"), help: "Parse the whole set this many times (for timing).")
    var repetitions: Int = 1

    @Flag(help: "Read each file into memory first, then parse the buffer (in-memory parse speed).")
    var inMemory = false

    @Flag(help: "Count files that are not DICOM at all as failures (default: skip them).")
    var strict = false

    @Flag(help: "Read every byte of each file into memory (timed), then parse that buffer.")
    var readWholeFile = false

    func run() throws {
        let files = Archive.files(under: paths).sorted()
        var options = ParseOptions()
        options.stopBeforePixelData = stopBeforePixels
        var failures = 0
        var skipped = 0
        var bytes = 0
        var elements = 0
        let buffers = inMemory ? try files.map { try FileByteSource.readAll(path: $0) } : []
        let start = monotonicSeconds()
        for _ in 0..<max(1, repetitions) {
            for (i, path) in files.enumerated() {
                do {
                    let file: DICOMFile
                    if readWholeFile {
                        let buffer = try FileByteSource.readAll(path: path)
                        file = try DICOMFile.parse(buffer, options: options)
                        bytes += buffer.readableBytes
                    } else if inMemory {
                        file = try DICOMFile.parse(buffers[i], options: options)
                        bytes += buffers[i].readableBytes
                    } else {
                        let source = try FileByteSource(path: path)
                        file = try DICOMFile.parse(source, options: options)
                        bytes += source.size
                    }
                    elements += file.dataSet.count
                } catch let e as DICOMParseError where e.code == .notDICOM && !strict {
                    skipped += 1  // a manifest or README beside the images, not a broken image
                } catch {
                    failures += 1
                    if repetitions <= 1 { reportFailure(path: path, error: error) }
                }
            }
        }
        let seconds = monotonicSeconds() - start
        let parsed = files.count * max(1, repetitions)
        var out = StandardOutput()
        out.write(
            "files=\(files.count) parses=\(parsed) failures=\(failures) skipped_not_dicom=\(skipped) elements=\(elements) bytes=\(bytes) "
                + "seconds=\(seconds) files_per_s=\(Double(parsed) / seconds) "
                + "MB_per_s=\(Double(bytes) / seconds / 1e6)\n")
        if failures > 0 { throw ExitCode(1) }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
