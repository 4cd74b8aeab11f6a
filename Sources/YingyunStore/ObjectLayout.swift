/// Where a file store keeps things under its root:
/// `objects/ab/cd/<hex>` (ab, cd = the digest's first two pairs of hex digits, so no directory
/// holds more than a few thousand entries even at a billion objects) and `tmp/` for objects being
/// written (on the same volume, so commit is a rename).
struct ObjectLayout: Sendable {
    let root: String
    let objects: String
    let temporaries: String

    init(root: String) {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = trimmed
        objects = trimmed + "/objects"
        temporaries = trimmed + "/tmp"
    }

    /// `objects/ab` and `objects/ab/cd` for a digest.
    func directories(for digest: BlobDigest) -> (outer: String, inner: String) {
        let hex = digest.hex.utf8
        let ab = String(decoding: hex.prefix(2), as: UTF8.self)
        let cd = String(decoding: hex.dropFirst(2).prefix(2), as: UTF8.self)
        let outer = objects + "/" + ab
        return (outer, outer + "/" + cd)
    }

    func path(for digest: BlobDigest) -> String {
        directories(for: digest).inner + "/" + digest.hex
    }
}
