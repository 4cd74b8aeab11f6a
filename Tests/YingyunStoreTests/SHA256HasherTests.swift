import NIOCore
import Testing
import YingyunStore

/// FIPS 180-2 vectors and a large zero run, fed whole and in uneven pieces.
@Suite struct SHA256HasherTests {
    @Test func knownVectors() {
        #expect(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func oneMebibyteOfZerosInUnevenPieces() {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let hasher = SHA256Hasher()
        var offset = 0
        var piece = 1
        while offset < zeros.count {
            let n = min(piece, zeros.count - offset)
            zeros.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
            offset += n
            piece = piece * 3 + 1
        }
        let expected = "30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58"
        #expect(hasher.finalize().hex == expected)
        #expect(SHA256Hasher.digest(of: ByteBuffer(bytes: zeros)).hex == expected)
    }

    @Test func finalizeResetsForReuse() {
        let hasher = SHA256Hasher()
        hasher.update(ByteBuffer(string: "abc"))
        _ = hasher.finalize()
        #expect(hasher.finalize().hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hashesOnlyReadableBytes() {
        var buffer = ByteBuffer(string: "xxabc")
        buffer.moveReaderIndex(forwardBy: 2)
        #expect(SHA256Hasher.digest(of: buffer).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func digest(_ text: String) -> String {
        SHA256Hasher.digest(of: ByteBuffer(string: text)).hex
    }
}
