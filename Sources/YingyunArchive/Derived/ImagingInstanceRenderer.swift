public import YingyunCatalog
import YingyunDICOM
public import YingyunStore
import YingyunImaging

/// `InstanceRenderer` by the imaging module: decode one frame, Modality LUT, VOI (the request's
/// window, else the file's, else from the histogram), MONOCHROME1 inversion, area-averaging resize
/// into the viewport, then JPEG or PNG. Nothing is burned in (PS3.18 §10.4.3.3.4).
public struct ImagingInstanceRenderer: InstanceRenderer {
    /// Part of every derived key: change it when the same input would render differently.
    public let version = "yingyun-render-2"

    public init() {}

    public func render(_ object: any BlobReader, instance: StoredInstance, parameters p: RenderParameters) throws -> EncodedImage {
        let stored = try StoredObject(object)
        let decoder = try PixelDataDecoder(file: stored.file, source: stored.values)
        let frames = decoder.numberOfFrames
        let index = p.frame.map { $0 - 1 } ?? (frames - 1) / 2  // thumbnails show the middle frame
        guard index >= 0, index < frames else { throw RenderingUnavailable("no frame \(index + 1): the instance has \(frames)") }
        var size: Int?
        let rows = decoder.module.rows, columns = decoder.module.columns
        if p.viewportWidth > 0, p.viewportHeight > 0, rows > 0, columns > 0 {
            // The largest image that fits the viewport with the aspect ratio kept.
            let scale = min(Double(p.viewportWidth) / Double(columns), Double(p.viewportHeight) / Double(rows))
            size = max(1, Int((Double(max(rows, columns)) * scale).rounded()))
        }
        let window = p.window.map { w in
            VOIWindow(center: w.center, width: w.width, function: VOIWindow.Function(rawValue: w.function.rawValue) ?? .linear)
        }
        let image = try Renderer.render(decoder, options: RenderOptions(frame: index, window: window, size: size, bitDepth: p.bitDepth))
        switch p.format {
        case .png: return EncodedImage(bytes: try ImageEncoder.png(image), mediaType: "image/png")
        case .jpeg: return EncodedImage(bytes: try ImageEncoder.jpeg(image, quality: p.quality), mediaType: "image/jpeg")
        }
    }
}
