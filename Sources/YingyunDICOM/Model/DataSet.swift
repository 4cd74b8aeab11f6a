/// An ordered collection of data elements: a whole data set, the file meta group, or a sequence item.
///
/// Elements are kept sorted by tag (PS3.5 §7.1 requires ascending order); lookups are binary searches.
public struct DataSet: Sendable {
    public private(set) var elements: [DataElement]
    /// Absolute offset of this item's (FFFE,E000) header in the source, or -1 for a top-level set.
    public var itemOffset: Int = -1

    public init() { self.elements = [] }

    /// Builds a data set from elements in any order; later duplicates replace earlier ones.
    public init(_ elements: [DataElement]) {
        self.elements = []
        self.elements.reserveCapacity(elements.count)
        for e in elements { self[e.tag] = e }
    }

    /// Builds a data set from elements the caller guarantees are already in ascending tag order.
    init(sortedElements: [DataElement]) { self.elements = sortedElements }

    public var count: Int { elements.count }

    mutating func reserveCapacity(_ n: Int) { elements.reserveCapacity(n) }
    public var isEmpty: Bool { elements.isEmpty }

    /// Index of `tag`, or where it would be inserted.
    @inline(__always)
    func index(of tag: Tag) -> (index: Int, found: Bool) {
        var lo = 0
        var hi = elements.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let t = elements[mid].tag
            if t == tag { return (mid, true) }
            if t < tag { lo = mid + 1 } else { hi = mid }
        }
        return (lo, false)
    }

    public subscript(tag: Tag) -> DataElement? {
        get {
            let r = index(of: tag)
            return r.found ? elements[r.index] : nil
        }
        set {
            let r = index(of: tag)
            switch (r.found, newValue) {
            case (true, let e?): elements[r.index] = e
            case (true, nil): elements.remove(at: r.index)
            case (false, let e?):
                if r.index == elements.count { elements.append(e) } else { elements.insert(e, at: r.index) }
            case (false, nil): break
            }
        }
    }

    public func contains(_ tag: Tag) -> Bool { index(of: tag).found }

    /// Appends an element whose tag is greater than every tag present (the parser's fast path);
    /// falls back to a sorted insert otherwise.
    @inline(__always)
    mutating func appendOrInsert(_ e: DataElement) -> Bool {
        if !elements.isEmpty, elements[elements.count - 1].tag >= e.tag {
            let dup = contains(e.tag)
            self[e.tag] = e
            return dup
        }
        elements.append(e)
        return false
    }

    /// The private creator (gggg,00xx) string that reserves the block of a private tag, if present.
    public func privateCreator(for tag: Tag) -> String? {
        guard let creatorTag = tag.privateCreatorTag, let e = self[creatorTag] else { return nil }
        return e.stringValue(characterSet: .default)
    }
}
