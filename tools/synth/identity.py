"""Synthetic people, hospitals and identifiers.

Every person is invented. Resident identity numbers follow the GB 11643-1999 layout
(6-digit region code, 8-digit birth date, 3-digit sequence whose last digit is odd for men
and even for women, ISO 7064 MOD 11-2 check character) so a validator can be tested on them.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field

# Namespace for deterministic "2.25.<uuid>" UIDs (PS3.5 §B.2): UUID 5 of a label.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_OID, "yingyun-synth-uids")


def make_uid(seed: int, *labels: object) -> str:
    """A deterministic UID under 2.25 derived from the seed and labels (at most 44 chars)."""
    name = f"{seed}:" + ":".join(str(label) for label in labels)
    return f"2.25.{uuid.uuid5(UID_NAMESPACE, name).int}"


# GB 11643-1999 / ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, check map of the sum mod 11.
RESIDENT_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
RESIDENT_ID_CHECK = "10X98765432"


def resident_id_check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS))
    return RESIDENT_ID_CHECK[total % 11]


def is_valid_resident_id(value: str) -> bool:
    return (len(value) == 18 and value[:17].isdigit()
            and resident_id_check_character(value[:17]) == value[17].upper())


def make_resident_id(region: str, birth_date: str, sequence: int, sex: str) -> str:
    # The 17th digit is odd for men, even for women.
    sequence = sequence % 1000
    if (sequence % 2 == 1) != (sex == "M"):
        sequence = (sequence + 1) % 1000
    first17 = f"{region}{birth_date}{sequence:03d}"
    return first17 + resident_id_check_character(first17)


# County-level administrative region codes (GB/T 2260).
REGIONS = ["110101", "310104", "440305", "330106", "510107", "420106"]

SURNAMES = [("Zhang", "张"), ("Wang", "王"), ("Li", "李"), ("Liu", "刘"), ("Chen", "陈"),
            ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴")]
GIVEN_NAMES = {
    "M": [("Wei", "伟"), ("Qiang", "强"), ("Lei", "磊"), ("Jun", "军"), ("Yong", "勇"), ("Jie", "杰"),
          ("Tao", "涛"), ("Ming", "明"), ("Chao", "超"), ("Jianhua", "建华")],
    "F": [("Fang", "芳"), ("Na", "娜"), ("Min", "敏"), ("Jing", "静"), ("Li", "丽"), ("Yan", "艳"),
          ("Juan", "娟"), ("Xiuying", "秀英"), ("Guilan", "桂兰"), ("Yuzhen", "玉珍")],
}
PHYSICIANS = [("Li", "Ming", "李", "明"), ("Sun", "Hong", "孙", "红"), ("Ma", "Lin", "马", "林"),
              ("Guo", "Ping", "郭", "平")]


@dataclass(frozen=True)
class Hospital:
    code: str                 # directory name and IssuerOfPatientID, e.g. "HOSP-A"
    name: str                 # InstitutionName (LO)
    id_format: str            # format of the local PatientID, given an integer
    charset: str              # SpecificCharacterSet
    universal_entity_id: str | None  # IssuerOfPatientIDQualifiersSequence, when the hospital has one
    name_style: str           # how this hospital writes names: "pinyin", "upper" or "ideographic"
    chinese_descriptions: bool

    def local_patient_id(self, number: int) -> str:
        return self.id_format.format(number)


HOSPITAL_TEMPLATES = [
    ("HOSP-A", "影云第一人民医院", "A{:08d}", "GB18030", True, "pinyin", True),
    ("HOSP-B", "Yingyun Synthetic Central Hospital", "MRN-{:06d}", "GB18030", False, "upper", False),
    ("HOSP-C", "影云市中医院", "{:010d}", "ISO_IR 192", True, "ideographic", True),
    ("HOSP-D", "影云儿童医院", "ZY{:07d}", "GB18030", False, "pinyin", True),
    ("HOSP-E", "Yingyun Synthetic East Clinic", "E-{:05d}-X", "GB18030", True, "upper", False),
    ("HOSP-F", "影云肿瘤医院", "F{:06d}", "GB18030", False, "pinyin", True),
]


def make_hospitals(count: int, seed: int) -> list[Hospital]:
    hospitals = []
    for index in range(count):
        code, name, fmt, charset, has_qualifiers, style, chinese = HOSPITAL_TEMPLATES[index % len(HOSPITAL_TEMPLATES)]
        if index >= len(HOSPITAL_TEMPLATES):
            code = f"{code}{index // len(HOSPITAL_TEMPLATES) + 1}"
            name = f"{name} {index // len(HOSPITAL_TEMPLATES) + 1}"
        entity = make_uid(seed, "issuer", code) if has_qualifiers else None
        hospitals.append(Hospital(code, name, fmt, charset, entity, style, chinese))
    return hospitals


@dataclass
class Person:
    index: int
    family_pinyin: str
    given_pinyin: str
    family_hanzi: str
    given_hanzi: str
    sex: str
    birth_date: str           # YYYYMMDD
    resident_id: str
    local_ids: dict[str, str] = field(default_factory=dict)  # hospital code -> PatientID

    def patient_name(self, style: str) -> str:
        """PN with an alphabetic and an ideographic component group (PS3.5 §6.2.1)."""
        ideographic = f"{self.family_hanzi}^{self.given_hanzi}"
        if style == "upper":
            return f"{self.family_pinyin.upper()}^{self.given_pinyin.upper()}={ideographic}"
        if style == "ideographic":
            return f"={ideographic}"
        return f"{self.family_pinyin}^{self.given_pinyin}={ideographic}"

    def age_on(self, date: str) -> str:
        years = int(date[:4]) - int(self.birth_date[:4])
        if date[4:] < self.birth_date[4:]:
            years -= 1
        return f"{years:03d}Y"


def make_people(count: int, seed: int) -> list[Person]:
    rng = random.Random(f"people:{seed}")
    people = []
    used = set()
    for index in range(count):
        sex = "M" if index % 2 == 0 else "F"
        while True:
            family = rng.choice(SURNAMES)
            given = rng.choice(GIVEN_NAMES[sex])
            if (family, given) not in used or len(used) > 90:
                used.add((family, given))
                break
        year = rng.randint(1940, 2005)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        birth = f"{year:04d}{month:02d}{day:02d}"
        resident = make_resident_id(rng.choice(REGIONS), birth, rng.randint(0, 999), sex)
        assert is_valid_resident_id(resident)
        people.append(Person(index, family[0], given[0], family[1], given[1], sex, birth, resident))
    return people


def stable_int(*labels: object) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, labels)).encode()).digest()[:8], "big")
