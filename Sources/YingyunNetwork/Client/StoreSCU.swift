public import YingyunDICOM

/// Sending Part 10 files with C-STORE on one association (`yingyun send`, tests): each file's
/// own transfer syntax is proposed, so its data set bytes go out unchanged.
public enum StoreSCU {
    /// One file ready to send.
    public struct Item: Sendable {
        public var name: String
        public var source: any ByteSource
        public var sopClassUID: String
        public var sopInstanceUID: String
        public var transferSyntaxUID: String
        /// The data set's bytes in `source` (after the File Meta Information).
        public var dataSet: Range<Int>

        public init(name: String, source: any ByteSource, sopClassUID: String, sopInstanceUID: String, transferSyntaxUID: String, dataSet: Range<Int>) {
            self.name = name
            self.source = source
            self.sopClassUID = sopClassUID
            self.sopInstanceUID = sopInstanceUID
            self.transferSyntaxUID = transferSyntaxUID
            self.dataSet = dataSet
        }
    }

    /// The result of one C-STORE.
    public struct Result: Sendable {
        public var name: String
        public var sopInstanceUID: String
        public var status: DIMSEStatus
        public var comment: String?
    }

    /// Reads what a C-STORE needs from a Part 10 file (header only).
    /// - Throws: `DICOMParseError`; `DIMSEError` (`.malformedCommand`) when the SOP UIDs are missing.
    public static func item(name: String, source: any ByteSource) throws -> Item {
        let file = try DICOMFile.parse(source, options: ParseOptions(stopBeforePixelData: true))
        func uid(_ tag: Tag, _ metaTag: Tag) -> String? {
            let v = (file.dataSet[tag] ?? file.fileMetaInformation[metaTag])?.stringValue(characterSet: .default)
            return v.map(UID.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let sopClass = uid(.sopClassUID, .mediaStorageSOPClassUID),
            let sopInstance = uid(.sopInstanceUID, .mediaStorageSOPInstanceUID)
        else {
            throw DIMSEError(.malformedCommand, "\(name): no SOP Class/Instance UID")
        }
        return Item(
            name: name, source: source, sopClassUID: sopClass, sopInstanceUID: sopInstance,
            transferSyntaxUID: file.transferSyntax.uid, dataSet: file.dataSetOffset..<source.size)
    }

    /// The presentation contexts for `items`: one per (SOP class, transfer syntax), plus
    /// Verification. At most 128 (PS3.8 §9.3.2.2: odd IDs 1...255).
    /// - Throws: `DIMSEError` when more than 127 combinations are needed.
    public static func presentationContexts(for items: [Item]) throws -> [ProposedPresentationContext] {
        var contexts = [ProposedPresentationContext(id: 1, abstractSyntax: SOPClasses.verification, transferSyntaxes: ["1.2.840.10008.1.2"])]
        var seen = Set<[String]>()
        for item in items where seen.insert([item.sopClassUID, item.transferSyntaxUID]).inserted {
            guard contexts.count < 128 else {
                throw DIMSEError(.noAcceptedContext, "more than 127 SOP class/transfer syntax combinations: send in several runs")
            }
            contexts.append(ProposedPresentationContext(
                id: UInt8(contexts.count * 2 + 1), abstractSyntax: item.sopClassUID, transferSyntaxes: [item.transferSyntaxUID]))
        }
        return contexts
    }

    /// Sends every item on one association.
    /// - Returns: one result per item, in order (a context the peer refused is reported as 0x0122).
    /// - Throws: connection and association errors.
    public static func send(
        _ items: [Item], host: String, port: Int, callingAETitle: String, calledAETitle: String,
        progress: @Sendable (Result) -> Void = { _ in }
    ) async throws -> [Result] {
        guard AETitle.isValid(callingAETitle), AETitle.isValid(calledAETitle) else {
            throw DIMSEError(.invalidAETitle, "AE titles are 1-16 characters without backslash")
        }
        let request = AssociateRequest(
            calledAETitle: calledAETitle, callingAETitle: callingAETitle,
            presentationContexts: try presentationContexts(for: items), userInformation: UserInformation())
        return try await DIMSEClient.withAssociation(host: host, port: port, request: request) { association in
            var results: [Result] = []
            for item in items {
                let result: Result
                if let id = association.contextID(abstractSyntax: item.sopClassUID, transferSyntax: item.transferSyntaxUID) {
                    let rsp = try await association.store(
                        sopClassUID: item.sopClassUID, sopInstanceUID: item.sopInstanceUID, contextID: id,
                        source: item.source, range: item.dataSet)
                    result = Result(name: item.name, sopInstanceUID: item.sopInstanceUID, status: rsp.status ?? .processingFailure, comment: rsp.errorComment)
                } else {
                    result = Result(name: item.name, sopInstanceUID: item.sopInstanceUID, status: .sopClassNotSupported, comment: "presentation context not accepted by the peer")
                }
                progress(result)
                results.append(result)
            }
            return results
        }
    }
}
