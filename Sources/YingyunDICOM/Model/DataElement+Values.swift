public import NIOCore

/// Typed access to element values (PS3.5 §6.2), decoded on demand.
extension DataElement {
    /// The value bytes when they are in memory.
    public var bytes: ByteBuffer? {
        if case .bytes(let b) = value { return b }
        return nil
    }

    /// The items of a sequence, or nil.
    public var items: [DataSet]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// The whole text value with trailing padding removed (leading spaces too, except for the
    /// VRs where they are significant: LT, ST, UT, UR keep them, PS3.5 §6.2).
    public func stringValue(characterSet: SpecificCharacterSet, options: CharacterSetOptions = .default) -> String? {
        guard vr.isString, let b = bytes else { return nil }
        let text =
            vr.usesSpecificCharacterSet
            ? characterSet.decode(b, vr: vr, options: options)
            : String(decoding: b.readableBytesView, as: UTF8.self)
        return DataElement.trimPadding(text, vr: vr)
    }

    /// The values of a text element split on the backslash delimiter (PS3.5 §6.4), each trimmed.
    /// LT, ST, UT and UR always have one value.
    public func stringValues(characterSet: SpecificCharacterSet, options: CharacterSetOptions = .default) -> [String] {
        guard vr.isString, let b = bytes else { return [] }
        if b.readableBytes == 0 { return [] }
        let text =
            vr.usesSpecificCharacterSet
            ? characterSet.decode(b, vr: vr, options: options)
            : String(decoding: b.readableBytesView, as: UTF8.self)
        if vr.isSingleValuedText { return [DataElement.trimPadding(text, vr: vr)] }
        // Split on UTF-8 bytes, not Characters: grapheme breaking is quadratic on hostile input.
        return text.utf8.split(separator: 0x5C, omittingEmptySubsequences: false).map {
            DataElement.trimPadding(String(decoding: $0, as: UTF8.self), vr: vr)
        }
    }

    /// Removes value padding: trailing spaces and NULs; leading spaces where they are not significant.
    /// Works on UTF-8 bytes (padding is ASCII) so it is linear on any input.
    static func trimPadding(_ s: String, vr: VR) -> String {
        let u = s.utf8
        var end = u.endIndex
        var start = u.startIndex
        while end > start {
            let before = u.index(before: end)
            let b = u[before]
            if b == 0x20 || b == 0 { end = before } else { break }
        }
        switch vr {
        case .LT, .ST, .UT, .UR: break
        default:
            while start < end && u[start] == 0x20 { start = u.index(after: start) }
        }
        if start == u.startIndex && end == u.endIndex { return s }
        return String(decoding: u[start..<end], as: UTF8.self)
    }

    /// Reads little-endian fixed-size integers from the value bytes.
    @inline(__always)
    func integers<T: FixedWidthInteger>(_: T.Type) -> [T] {
        guard let b = bytes else { return [] }
        let size = MemoryLayout<T>.size
        let n = b.readableBytes / size
        var out = [T]()
        out.reserveCapacity(n)
        var i = b.readerIndex
        for _ in 0..<n {
            out.append(b.getInteger(at: i, endianness: .little, as: T.self)!)
            i += size
        }
        return out
    }

    public var uint16Values: [UInt16] { integers(UInt16.self) }
    public var int16Values: [Int16] { integers(Int16.self) }
    public var uint32Values: [UInt32] { integers(UInt32.self) }
    public var int32Values: [Int32] { integers(Int32.self) }
    public var uint64Values: [UInt64] { integers(UInt64.self) }
    public var int64Values: [Int64] { integers(Int64.self) }
    public var float32Values: [Float] { integers(UInt32.self).map { Float(bitPattern: $0) } }
    public var float64Values: [Double] { integers(UInt64.self).map { Double(bitPattern: $0) } }

    /// AT values: pairs of little-endian 16-bit group and element numbers.
    public var tagValues: [Tag] {
        let halves = uint16Values
        return stride(from: 0, to: halves.count - 1, by: 2).map { Tag(halves[$0], halves[$0 + 1]) }
    }

    /// The first value of an integer-valued element (US, SS, UL, SL, SV, UV, IS), as Int.
    public var intValue: Int? {
        switch vr {
        case .US: return uint16Values.first.map(Int.init)
        case .SS: return int16Values.first.map(Int.init)
        case .UL: return uint32Values.first.map(Int.init)
        case .SL: return int32Values.first.map(Int.init)
        case .SV: return int64Values.first.map(Int.init)
        case .UV: return uint64Values.first.flatMap { Int(exactly: $0) }
        case .IS, .DS:
            return stringValues(characterSet: .default).first.flatMap { Int($0) }
        default: return nil
        }
    }
}
