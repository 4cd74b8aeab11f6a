import NIOCore
import YingyunDICOM

/// Formats a parsed file as dcmdump does: one line per element, sequences indented.
struct DumpFormatter {
    var maxValueLength: Int
    var textOptions: CharacterSetOptions
    /// Also report values whose bytes did not fit the declared character set (decoded by the fallback).
    var reportFallbacks = false

    func format(_ file: DICOMFile, path: String, into out: inout String) {
        out += "# File: \(path)\n"
        if !file.fileMetaInformation.isEmpty {
            out += "# Dicom-Meta-Information-Header\n"
            format(file.fileMetaInformation, charset: .default, depth: 0, into: &out)
        }
        let tsName = UIDDictionaryName.name(for: file.transferSyntax.uid)
        out += "# Dicom-Data-Set\n# Used TransferSyntax: \(tsName)\n"
        format(file.dataSet, charset: .default, depth: 0, into: &out)
        if let at = file.pixelDataOffset {
            out += "# (stopped before pixel data at offset \(at))\n"
        }
    }

    func format(_ ds: DataSet, charset inherited: SpecificCharacterSet, depth: Int, into out: inout String) {
        // An item's own (0008,0005) replaces the inherited one (PS3.3 C.12.1.1.2).
        let charset = ds.contains(.specificCharacterSet)
            ? SpecificCharacterSet(element: ds[.specificCharacterSet]) : inherited
        let indent = String(repeating: "  ", count: depth)
        for e in ds.elements {
            let keyword = keyword(for: e.tag, in: ds)
            switch e.value {
            case .sequence(let items):
                let kind = e.length.isUndefined ? "undefined length" : "explicit length"
                line(indent, e, "(Sequence with \(kind) #=\(items.count))", keyword, into: &out)
                for item in items {
                    out += indent + "  (fffe,e000) na (Item #=\(item.count))" + "\n"
                    format(item, charset: charset, depth: depth + 2, into: &out)
                    out += indent + "  (fffe,e00d) na (ItemDelimitationItem)\n"
                }
                out += indent + "(fffe,e0dd) na (SequenceDelimitationItem)\n"
            case .encapsulated(let px):
                line(indent, e,
                    "(PixelSequence #=\(px.fragments.count + 1): \(px.frames.count) frame(s) by \(px.frameSource.rawValue))",
                    keyword, into: &out)
                out += indent + "  (fffe,e000) pi (BasicOffsetTable #=\(px.basicOffsetTable.count))\n"
                for f in px.fragments {
                    out += indent + "  (fffe,e000) pi (fragment at offset \(f.offset), \(f.length) bytes)\n"
                }
            case .bulkData(let ref):
                line(indent, e, "(not loaded: \(ref.length) bytes at offset \(ref.offset))", keyword, into: &out)
            case .bytes(let b):
                line(indent, e, render(e, charset: charset), keyword, into: &out)
                if reportFallbacks, e.vr.usesSpecificCharacterSet,
                    charset.decodeReportingFallback(b, vr: e.vr, options: textOptions).usedFallback
                {
                    out += indent + "# warning: characterSetFallback in \(e.tag): bytes do not fit "
                        + "(0008,0005) \"\(charset)\"; decoded by the fallback (--charset strict to disable)\n"
                }
            }
        }
    }

    private func line(_ indent: String, _ e: DataElement, _ value: String, _ keyword: String, into out: inout String) {
        var s = indent + e.tag.description.lowercased() + " " + e.vr.rawValue + " " + value
        let pad = 52 - DumpFormatter.displayWidth(s)
        if pad > 0 { s += String(repeating: " ", count: pad) }
        out += s + " # " + e.length.description + ", " + keyword + "\n"
    }

    /// Terminal columns: East Asian wide characters take two (so CJK names keep the columns aligned).
    static func displayWidth(_ s: String) -> Int {
        var width = 0
        for u in s.unicodeScalars {
            switch u.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
                0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                width += 2
            default:
                width += 1
            }
        }
        return width
    }

    private func keyword(for tag: Tag, in ds: DataSet) -> String {
        if tag.isPrivate {
            if tag.isPrivateCreator { return "PrivateCreator" }
            if let creator = ds.privateCreator(for: tag),
                let entry = DataDictionary.entry(for: tag, privateCreator: creator)
            {
                return entry.keyword.isEmpty ? entry.name : entry.keyword
            }
            return "Unknown Tag & Data"
        }
        return DataDictionary.entry(for: tag)?.keyword ?? "Unknown Tag & Data"
    }

    private func render(_ e: DataElement, charset: SpecificCharacterSet) -> String {
        guard let b = e.bytes else { return "" }
        if b.readableBytes == 0 { return "(no value available)" }
        var text: String
        switch e.vr {
        case _ where e.vr.isString:
            text = "[" + e.stringValues(characterSet: charset, options: textOptions).joined(separator: "\\") + "]"
            if e.vr == .UI, let name = UIDDictionaryName.knownName(for: e.stringValue(characterSet: .default) ?? "") {
                text = "=" + name
            }
        case .US: text = e.uint16Values.map(String.init).joined(separator: "\\")
        case .SS: text = e.int16Values.map(String.init).joined(separator: "\\")
        case .UL: text = e.uint32Values.map(String.init).joined(separator: "\\")
        case .SL: text = e.int32Values.map(String.init).joined(separator: "\\")
        case .UV: text = e.uint64Values.map(String.init).joined(separator: "\\")
        case .SV: text = e.int64Values.map(String.init).joined(separator: "\\")
        case .FL: text = e.float32Values.map { "\($0)" }.joined(separator: "\\")
        case .FD: text = e.float64Values.map { "\($0)" }.joined(separator: "\\")
        case .AT: text = e.tagValues.map { $0.description.lowercased() }.joined(separator: "\\")
        default:
            // Binary: the first bytes in hex, as dcmdump does.
            let view = b.readableBytesView.prefix(24)
            text = view.map { hex2($0) }.joined(separator: "\\")
            if b.readableBytes > 24 { text += "..." }
        }
        if text.count > maxValueLength { text = String(text.prefix(maxValueLength)) + "..." }
        return text
    }

    private func hex2(_ b: UInt8) -> String {
        let d = Array("0123456789abcdef")
        return String([d[Int(b >> 4)], d[Int(b & 0xF)]])
    }
}
