import Foundation
import Hummingbird
import NIOCore
import YingyunArchive
import YingyunDICOM

/// A series as one volume for AI services (a Yingyun extension beside WADO-RS):
/// `…/series/{series}/volume` is the raw little-endian array, `…/volume/header` its JSON header
/// (shape, dtype, spacing, origin, direction, slice order). Slices are decoded as the array streams.
struct VolumeHandler: Sendable {
    let archive: Archive
    let baseURL: String
    let transcoder: Transcoder

    private func plan(_ study: String, _ series: String) async throws -> SeriesVolume {
        do {
            return try await SeriesVolume.plan(archive: archive, study: study, series: series)
        } catch let e as VolumeError {
            if e.message == "no such series" { throw DICOMwebError.notFound(e.message) }
            throw DICOMwebError(.unprocessableContent, "this series is not one volume: \(e.message)")
        }
    }

    func header(study: String, series: String) async throws -> Response {
        let volume = try await plan(study, series)
        let header = volume.header(study: study, series: series, dataURL: "\(baseURL)/studies/\(study)/series/\(series)/volume")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(header))))
    }

    func data(study: String, series: String) async throws -> Response {
        let volume = try await plan(study, series)
        guard transcoder.decoder != nil else { throw DICOMwebError(.notImplemented, "no pixel decoder is configured") }
        let archive = archive, transcoder = transcoder
        let shape = volume.geometry.shape.map(String.init).joined(separator: ",")
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .contentLength: String(volume.byteCount),
                .init("X-Volume-Shape")!: shape,
                .init("X-Volume-Dtype")!: volume.sampleType.rawValue,
            ],
            body: ResponseBody(contentLength: volume.byteCount) { writer in
                let pipe = SinkPipe(depth: 2) { sink in try volume.write(archive: archive, transcoder: transcoder, sink: sink) }
                try await pipe.forEach { try await writer.write($0) }
                try await writer.finish(nil)
            })
    }
}
