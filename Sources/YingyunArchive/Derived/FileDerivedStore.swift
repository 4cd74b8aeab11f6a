import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Derived images under `derived/ab/<key>.jpg|.png` in the data directory. Written to a
/// temporary name and renamed, never flushed: after a crash a torn file fails the format check
/// in `get` and is simply rendered again. One level of 256 directories: a million thumbnails are
/// ~4,000 files per directory (ext4's hashed directories don't mind), while two levels made
/// nearly every new thumbnail create a directory (a mkdir cost more than the render's encode).
public struct FileDerivedStore: DerivedStore {
    public let root: String

    public init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func path(_ key: DerivedKey, _ format: RenderParameters.Format) -> (directory: String, file: String) {
        let hex = key.hex
        let directory = "\(root)/\(hex.prefix(2))"
        return (directory, "\(directory)/\(hex).\(format == .jpeg ? "jpg" : "png")")
    }

    public func get(_ key: DerivedKey) throws -> EncodedImage? {
        // The key includes the format; the file carries its extension so it can be looked at.
        for format in RenderParameters.Format.allCases where key.format == nil || key.format == format {
            let file = path(key, format).file
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let bytes = [UInt8](data)
            if ImageSignature.isComplete(bytes, format) { return EncodedImage(bytes: bytes, mediaType: format.mediaType) }
            try? FileManager.default.removeItem(atPath: file)  // torn by a crash: make it again
        }
        return nil
    }

    public func put(_ key: DerivedKey, _ image: EncodedImage) throws {
        let format: RenderParameters.Format = image.mediaType == "image/png" ? .png : .jpeg
        let (directory, file) = path(key, format)
        // Temporary name + rename, and no fsync (Foundation's atomic write flushes): a derived
        // image can always be made again, and a torn one fails the check in `get`.
        let temporary = "\(file).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 && errno == ENOENT {
            // The directory is made the first time one of its keys is kept, not tested every time.
            guard mkdir(directory, 0o755) == 0 || errno == EEXIST else { throw CocoaError(.fileWriteUnknown) }
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let written = image.bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == image.bytes.count, rename(temporary, file) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }
}

/// Whether bytes are a whole JPEG (SOI … EOI) or PNG (signature … IEND chunk).
enum ImageSignature {
    static func isComplete(_ b: [UInt8], _ format: RenderParameters.Format) -> Bool {
        switch format {
        case .jpeg:
            return b.count >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[b.count - 2] == 0xFF && b[b.count - 1] == 0xD9
        case .png:
            let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            let iend: [UInt8] = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]  // "IEND" + its CRC
            return b.count >= 20 && Array(b.prefix(8)) == signature && Array(b.suffix(8)) == iend
        }
    }
}
