import Testing
@testable import YingyunCatalog

/// The normalised forms names are indexed and matched by: groups upper-cased, words upper-cased
/// with accents removed (Latin, Vietnamese, kana voicing marks); CJK ideographs unchanged.
@Suite struct PersonNameKeyTests {
    @Test(arguments: [
        ("wang", "WANG"), ("O'Brien-Smith", "O'BRIEN-SMITH"), ("王伟", "王伟"), ("𠀋", "𠀋"),
        ("José", "JOSE"), ("Müller", "MULLER"), ("Đặng", "ĐANG"), ("ガク", "カク"), ("한", "한"),
        ("\u{F900}", "\u{8C48}"),  // a compatibility ideograph: decomposes to its unified twin
        ("wangé", "WANGE"), ("王é", "王E"),
    ])
    func foldWord(input: String, expected: String) {
        #expect(PersonNameKey.foldWord(input) == expected)
    }

    @Test func keyOfAThreeGroupName() {
        let key = PersonNameKey("Wang^Wei^^^=王^伟=おう^い")
        #expect(key.alphabetic == "WANG^WEI")
        #expect(key.ideographic == "王^伟")
        #expect(key.phonetic == "おう^い")
        #expect(key.words == " WANG WEI 王 伟 おう い ")
        #expect(PersonNameKey(nil).words == nil && PersonNameKey("").alphabetic == nil)
    }
}
