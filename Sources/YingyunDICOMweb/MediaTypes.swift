/// Media types of PS3.18 Table 8.7.3-5 for frames stored in a transfer syntax, so compressed
/// frames are served as they are stored.
enum MediaTypes {
    static func frameMediaType(transferSyntaxUID uid: String, encapsulated: Bool) -> String {
        guard encapsulated else { return "application/octet-stream" }
        switch uid {
        case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70":
            return "image/jpeg"
        case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81":
            return "image/jls"
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93":
            return "image/jp2"
        case "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203":
            return "image/jphc"
        case "1.2.840.10008.1.2.5":
            return "image/dicom-rle"
        case "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101":
            return "video/mpeg"
        case "1.2.840.10008.1.2.4.102", "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.104", "1.2.840.10008.1.2.4.105", "1.2.840.10008.1.2.4.106":
            return "video/mp4"
        default:
            return "application/octet-stream"
        }
    }
}
