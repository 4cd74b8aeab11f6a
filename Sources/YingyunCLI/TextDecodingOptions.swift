import ArgumentParser
import YingyunDICOM

/// How text that does not fit its declared Specific Character Set is shown (see `CharacterSetOptions`).
struct TextDecodingOptions: ParsableArguments {
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        /// GBK/GB18030 or UTF-8 bytes mislabelled as the default repertoire or ISO_IR 100 are recovered.
        case lenient
        /// Only the declared character set; bytes it does not define become U+FFFD.
        case strict
    }

    @Option(name: .customLong("charset"), help: "Text decoding: lenient (recover mislabelled GBK/UTF-8) or strict.")
    var mode: Mode = .lenient

    var characterSetOptions: CharacterSetOptions { mode == .strict ? .strict : .default }
}
