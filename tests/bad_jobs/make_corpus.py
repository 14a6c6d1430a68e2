#!/usr/bin/env python3
"""Regenerates the bad-job corpus from the good samples: each file breaks exactly one rule.

Run from the repository root: python3 tests/bad_jobs/make_corpus.py
Writes tests/bad_jobs/*.json, tests/bad_jobs/images/* and tests/bad_jobs/expected.toml, and the
long-value jobs that must be accepted: tests/good_jobs/*.json and tests/good_jobs/expected.toml.
The committed files are the corpus; this script only documents how they were made.
"""
import base64, copy, json, os, struct, zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
EX = os.path.join(ROOT, "..", "..", "examples", "jobs")
PHOTOS = "../../examples/photos/"

def load(name):
    with open(os.path.join(EX, name)) as f:
        doc = json.load(f)
    # Re-point images from examples/jobs/ to tests/bad_jobs/.
    def fix(img):
        if img and "path" in img:
            img["path"] = img["path"].replace("../photos/", PHOTOS)
    fix(doc.get("photo")); fix(doc.get("signature")); fix(doc["office"].get("head_signature"))
    return doc

KIA = load("kia-5-17.json")
KTP = load("ktp-el.json")
KTP_WNA = load("ktp-el-wna.json")
KIA_WNA = load("kia-wna-5-17.json")
cases = []

def case(file, code, field, doc=None, raw=None, schema=False, policy=None, note=""):
    path = os.path.join(ROOT, file)
    if raw is not None:
        data = raw if isinstance(raw, bytes) else raw.encode()
    else:
        data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()
    with open(path, "wb") as f:
        f.write(data)
    cases.append((file, code, field, schema, policy, note))

def kia(**edits):
    d = copy.deepcopy(KIA)
    return d

def with_(base, fn):
    d = copy.deepcopy(base)
    fn(d)
    return d

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

def png(width, height, idat):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")

os.makedirs(os.path.join(ROOT, "images"), exist_ok=True)
# A 60000 x 60000 RGB PNG header (10.8 GB decoded) with a tiny compressed body.
bomb = png(60000, 60000, zlib.compress(b"\x00" * 4096, 9))
# A real 16x16 PNG whose pixel data is cut short.
# A 16x16 PNG whose compressed pixel data uses the reserved deflate block type 3.
corrupt = png(16, 16, b"\x78\x9c\x07" + b"\x00" * 16)
with open(os.path.join(ROOT, "images", "corrupt.png"), "wb") as f:
    f.write(corrupt)
with open(os.path.join(ROOT, "images", "not-an-image.jpg"), "wb") as f:
    f.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

# Damaged copies of the sample photo and signatures (issue 14 item 2): decoders accept them.
def sample_bytes(name):
    with open(os.path.join(EX, "..", "photos", name), "rb") as f:
        return f.read()
def write_image(name, data):
    with open(os.path.join(ROOT, "images", name), "wb") as f:
        f.write(data)
JPEG = sample_bytes("kia-5-17.jpg")
assert JPEG.endswith(b"\xff\xd9")
write_image("truncated-half.jpg", JPEG[: len(JPEG) // 2])
write_image("no-eoi.jpg", JPEG[:-2])
SIG = sample_bytes("signature-head-of-office.png")
assert SIG.endswith(b"IEND\xaeB`\x82")
bad_crc = bytearray(SIG)
bad_crc[8 + 8 + 3] ^= 0x01  # one bit of the IHDR width: IHDR's CRC no longer matches
write_image("bad-crc.png", bytes(bad_crc))
write_image("no-iend.png", SIG[:-12])

# --- Structure (parse stage) ---
case("malformed-json.json", "json.syntax", "", raw='{"version": 1,, "job_id": "X"}\n', schema=True)
case("truncated-json.json", "json.eof", "", raw=json.dumps(KIA)[:200], schema=True)
case("empty-file.json", "json.eof", "", raw="", schema=True)
case("not-json.json", "json.syntax", "", raw="KTP-el untuk Budi\n", schema=True)
case("array-root.json", "json.type", "", raw="[]\n", schema=True)
case("nik-as-number.json", "json.type", "person.nik",
     with_(KIA, lambda d: d["person"].__setitem__("nik", 3273011708150001)), schema=True)
case("version-as-string.json", "json.type", "version",
     with_(KIA, lambda d: d.__setitem__("version", "1")), schema=True)
case("unknown-field.json", "json.unknown_field", "person.nickname",
     with_(KIA, lambda d: d["person"].__setitem__("nickname", "BIMA")), schema=True)
case("missing-name.json", "json.missing_field", "person.name",
     with_(KIA, lambda d: d["person"].pop("name")), schema=True)
case("unknown-document-type.json", "json.invalid_value", "document",
     with_(KIA, lambda d: d.__setitem__("document", "sim")), schema=True)
case("version-2.json", "version.unsupported", "version",
     with_(KIA, lambda d: (d.__setitem__("version", 2), d.__setitem__("hologram", True))), schema=True)
case("date-not-real.json", "date.invalid", "person.date_of_birth",
     with_(KIA, lambda d: d["person"].__setitem__("date_of_birth", "2015-02-30")))
case("date-wrong-format.json", "date.invalid", "office.issue_date",
     with_(KIA, lambda d: d["office"].__setitem__("issue_date", "21-11-2026")), schema=True)
case("deeply-nested.json", "json.type", "job_id",
     raw=json.dumps(KIA).replace('"KIA-2026-11-000102"', "[" * 300 + "]" * 300), schema=True)
case("duplicate-key.json", "json.invalid_value", "",
     raw=json.dumps(KIA).replace('"version": 1,', '"version": 1, "version": 1,'),
     note="duplicate keys are refused rather than last-wins")
case("image-two-sources.json", "json.invalid_value", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"path": "a.jpg", "base64": "AAAA"})), schema=True)

# --- NIK ---
case("nik-short.json", "nik.format", "person.nik",
     with_(KIA, lambda d: d["person"].__setitem__("nik", "327301170815001")), schema=True)
case("nik-letters.json", "nik.format", "person.nik",
     with_(KIA, lambda d: d["person"].__setitem__("nik", "3273O11708150001")), schema=True)
case("nik-date-not-real.json", "nik.date_invalid", "person.nik",
     with_(KIA, lambda d: d["person"].__setitem__("nik", "3273013208150001")))
case("nik-feb-29-no-leap-year.json", "nik.date_invalid", "person.nik",
     with_(KIA, lambda d: d["person"].__setitem__("nik", "3273012902150001")))
case("nik-sex-mismatch.json", "nik.sex_mismatch", "person.nik",
     with_(KIA, lambda d: d["person"].__setitem__("nik", "3273015708150001")))
case("nik-birth-date-mismatch.json", "nik.birth_date_mismatch", "person.nik",
     with_(KIA, lambda d: d["person"].__setitem__("nik", "3273011808150001")))
case("nik-serial-zero.json", "nik.serial_zero", "person.nik",
     with_(KIA, lambda d: d["person"].__setitem__("nik", "3273011708150000")))
case("no-kk-short.json", "no_kk.format", "family.no_kk",
     with_(KIA, lambda d: d["family"].__setitem__("no_kk", "32730105021200")), schema=True)

# --- Age, design, validity ---
def person(d, nik, dob, **kw):
    d["person"]["nik"] = nik
    d["person"]["date_of_birth"] = dob
    d["person"].update(kw)
case("kia-too-old.json", "kia.too_old", "document",
     with_(KIA, lambda d: person(d, "3273010103090001", "2009-03-01")))
case("kia-married.json", "kia.married", "document",
     with_(KIA, lambda d: person(d, "3273011501110001", "2011-01-15", marital_status="KAWIN")))
case("ktp-el-too-young.json", "ktp_el.too_young", "document",
     with_(KTP, lambda d: person(d, "3204124505100005", "2010-05-05", marital_status="BELUM KAWIN")))
case("birth-after-issue.json", "date_of_birth.after_issue", "person.date_of_birth",
     with_(KIA, lambda d: person(d, "3273010101270001", "2027-01-01")))
case("valid-until-mismatch.json", "valid_until.mismatch", "valid_until",
     with_(KIA, lambda d: d.__setitem__("valid_until", "2032-08-17")))
case("ktp-wni-valid-until-date.json", "valid_until.mismatch", "valid_until",
     with_(KTP, lambda d: d.__setitem__("valid_until", "2031-11-21")))
# Foreign residents (WNA): nationality and stay permit (KITAP) required; validity from the permit.
case("ktp-wna-without-stay-permit.json", "field.missing", "stay_permit",
     with_(KTP_WNA, lambda d: d.pop("stay_permit")), schema=True)
case("ktp-wna-without-nationality.json", "field.missing", "person.nationality",
     with_(KTP_WNA, lambda d: d["person"].pop("nationality")), schema=True)
case("ktp-wna-stay-permit-expired.json", "stay_permit.expired", "stay_permit.valid_until",
     with_(KTP_WNA, lambda d: d["stay_permit"].__setitem__("valid_until", "2026-11-20")),
     note="the permit ended the day before the issue date")
case("ktp-wna-valid-until-after-permit.json", "valid_until.after_permit", "valid_until",
     with_(KTP_WNA, lambda d: d.__setitem__("valid_until", "2031-10-01")),
     note="one day after the permit's end")
case("ktp-wna-valid-until-before-issue.json", "valid_until.before_issue", "valid_until",
     with_(KTP_WNA, lambda d: d.__setitem__("valid_until", "2026-01-31")))
case("kia-wna-valid-until-beyond-17.json", "valid_until.beyond_limit", "valid_until",
     with_(KIA_WNA, lambda d: (d["stay_permit"].__setitem__("valid_until", "2035-01-01"),
                               d.__setitem__("valid_until", "2033-01-01"))),
     note="the permit runs longer, the KIA still ends the day before the 17th birthday")
case("kia-wna-stay-permit-expired.json", "stay_permit.expired", "stay_permit.valid_until",
     with_(KIA_WNA, lambda d: d["stay_permit"].__setitem__("valid_until", "2025-12-31")))
case("ktp-wna-lifetime-validity.json", "valid_until.mismatch", "valid_until",
     with_(KTP_WNA, lambda d: d.__setitem__("valid_until", "SEUMUR HIDUP")))

# --- Vocabularies and formats ---
case("sex-unknown.json", "vocab.unknown", "person.sex",
     with_(KIA, lambda d: d["person"].__setitem__("sex", "L")), schema=True)
case("religion-unknown.json", "vocab.unknown", "person.religion",
     with_(KIA, lambda d: d["person"].__setitem__("religion", "KEPERCAYAAN")), schema=True)
case("marital-status-lower-case.json", "vocab.unknown", "person.marital_status",
     with_(KIA, lambda d: d["person"].__setitem__("marital_status", "belum kawin")), schema=True)
case("blood-group-unknown.json", "vocab.unknown", "person.blood_group",
     with_(KIA, lambda d: d["person"].__setitem__("blood_group", "A+")), schema=True)
case("citizenship-unknown.json", "vocab.unknown", "person.citizenship",
     with_(KIA, lambda d: d["person"].__setitem__("citizenship", "INDONESIA")), schema=True)
case("rt-rw-format.json", "rt_rw.format", "person.address.rt_rw",
     with_(KIA, lambda d: d["person"]["address"].__setitem__("rt_rw", "3/7")), schema=True)
case("kabupaten-kota-without-kind.json", "kabupaten_kota.kind", "person.address.kabupaten_kota",
     with_(KIA, lambda d: d["person"]["address"].__setitem__("kabupaten_kota", "BANDUNG")), schema=True)
case("job-id-path.json", "id.format", "job_id",
     with_(KIA, lambda d: d.__setitem__("job_id", "../../etc/passwd")), schema=True)

# --- Text ---
case("hostile-name.json", "text.forbidden_char", "person.name",
     with_(KIA, lambda d: d["person"].__setitem__("name", "<script>alert(\"x\")&'</script>")),
     note="markup characters are not name characters; in street/occupation they are accepted")
case("very-long-name.json", "text.too_long", "person.name",
     with_(KIA, lambda d: d["person"].__setitem__("name", "BIMA " * 40)), schema=True)
case("emoji-name.json", "text.emoji", "person.name",
     with_(KIA, lambda d: d["person"].__setitem__("name", "BIMA \U0001F600 NUGRAHA")))
case("right-to-left-name.json", "text.right_to_left", "person.name",
     with_(KIA, lambda d: d["person"].__setitem__("name", "\u0645\u062d\u0645\u062f \u0639\u0644\u064a")))
case("bidi-override-street.json", "text.right_to_left", "person.address.street",
     with_(KIA, lambda d: d["person"]["address"].__setitem__("street", "JL. MAWAR \u202eNO. 5")))
case("control-char-name.json", "text.control_char", "person.name",
     with_(KIA, lambda d: d["person"].__setitem__("name", "BIMA\tARYA")))
case("nul-in-occupation.json", "text.control_char", "person.occupation",
     with_(KIA, lambda d: d["person"].__setitem__("occupation", "PELAJAR\u0000")))
case("blank-name.json", "text.empty", "person.name",
     with_(KIA, lambda d: d["person"].__setitem__("name", "    ")))
case("cjk-place-of-birth.json", "text.unsupported_char", "person.place_of_birth",
     with_(KIA, lambda d: d["person"].__setitem__("place_of_birth", "\u5317\u4eac")))
case("barcode-non-ascii.json", "text.forbidden_char", "barcode_payload",
     with_(KIA, lambda d: d.__setitem__("barcode_payload", "KIA-\u00c9-0001")), schema=True)
case("pickup-code-control-char.json", "text.control_char", "pickup_code",
     with_(KIA, lambda d: d.__setitem__("pickup_code", "QR-2026\t0001")), schema=True)

# --- Required per document type ---
case("kia-5-17-without-photo.json", "field.missing", "photo",
     with_(KIA, lambda d: d.pop("photo")))
case("kia-without-family.json", "field.missing", "family",
     with_(KIA, lambda d: d.pop("family")), schema=True)
case("kia-without-head-signature.json", "field.missing", "office.head_signature",
     with_(KIA, lambda d: d["office"].pop("head_signature")), schema=True)
case("ktp-without-signature.json", "field.missing", "signature",
     with_(KTP, lambda d: d.pop("signature")), schema=True)
case("ktp-without-occupation.json", "field.missing", "person.occupation",
     with_(KTP, lambda d: d["person"].pop("occupation")), schema=True)

# --- Images ---
case("photo-not-found.json", "image.not_found", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"path": "images/does-not-exist.jpg"})))
case("photo-corrupt.json", "image.corrupt", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"path": "images/corrupt.png"})))
case("photo-not-an-image.json", "image.format", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"path": "images/not-an-image.jpg"})))
case("photo-bad-base64.json", "image.base64", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"base64": "/9j/4AAQ*not*base64!"})))
case("photo-pixel-bomb.json", "image.too_many_pixels", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"base64": base64.b64encode(bomb).decode()})))
case("photo-too-large.json", "image.too_large", "photo", KIA,
     policy={"max_image_bytes": 8000}, note="the 13 KB sample photo against an 8 KB limit (the signatures are smaller)")
case("photo-png-in-collective-programme.json", "image.jpeg_required", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"path": PHOTOS + "signature-holder.png"})),
     policy={"max_image_bytes": 102400, "photo_jpeg_only": True})
# --- Batches (docs/job.md "Batches"): the programme a batch names picks the policy ---
SCHOOL = {"id": "SDN-CONTOH-01", "name": "SD Negeri Contoh 01", "note": "Kelas 5A", "programme": "sekolah"}
def school(d):
    d["batch"] = copy.deepcopy(SCHOOL)
case("school-batch-png-photo.json", "image.jpeg_required", "photo",
     with_(KIA, lambda d: (school(d), d.__setitem__("photo", {"path": PHOTOS + "signature-holder.png"}))),
     note="a PNG photo in a school batch: the collective programme takes JPEG only (seed 004 §5b)")
# The sample photo with a 96 KB trailer after its end marker (as phones append): a sound JPEG
# of about 109 KB, over the programme's 100 KB.
with open(os.path.join(ROOT, "..", "..", "examples", "photos", "kia-5-17.jpg"), "rb") as f:
    big = f.read() + bytes((i * 7) & 0xff for i in range(96 * 1024))
with open(os.path.join(ROOT, "images", "photo-109kb.jpg"), "wb") as f:
    f.write(big)
case("school-batch-photo-over-100kb.json", "image.too_large", "photo",
     with_(KIA, lambda d: (school(d), d.__setitem__("photo", {"path": "images/photo-109kb.jpg"}))),
     note="a 109 KB JPEG in a school batch: the collective programme takes at most 100 KB; the same file passes without the batch")
case("school-batch-not-first-issuance.json", "batch.first_issuance_only", "issuance",
     with_(KIA, lambda d: (school(d), d.__setitem__("issuance", "lost"))),
     note="a lost KIA in a school batch: lost, damaged and changed-data cards are applied for individually (seed 004 §8d-e)")
case("batch-programme-unknown.json", "batch.programme_unknown", "batch.programme",
     with_(KIA, lambda d: (school(d), d["batch"].__setitem__("programme", "pesantren"))),
     note="a programme the station's configuration does not name")
case("photo-wrong-background.json", "photo.background", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"path": PHOTOS + "kia-5-17-wrong-background.jpg"})),
     policy={"photo_background": "reject"})
case("signature-corrupt.json", "image.corrupt", "signature",
     with_(KTP, lambda d: d.__setitem__("signature", {"path": "images/corrupt.png"})))
case("photo-truncated-half.json", "image.truncated", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"path": "images/truncated-half.jpg"})),
     note="the first half of the sample photo: the decoder shows a grey band, the station refuses")
case("photo-jpeg-without-eoi.json", "image.truncated", "photo",
     with_(KTP, lambda d: d.__setitem__("photo", {"path": "images/no-eoi.jpg"})),
     note="the sample photo without its last two bytes (FF D9)")
case("head-signature-png-bad-crc.json", "image.checksum", "office.head_signature",
     with_(KIA, lambda d: d["office"].__setitem__("head_signature", {"path": "images/bad-crc.png"})))
case("head-signature-png-without-iend.json", "image.truncated", "office.head_signature",
     with_(KIA, lambda d: d["office"].__setitem__("head_signature", {"path": "images/no-iend.png"})))
case("photo-truncated-base64.json", "image.truncated", "photo",
     with_(KIA, lambda d: d.__setitem__("photo", {"base64": base64.b64encode(JPEG[: len(JPEG) // 2]).decode()})),
     note="the same cut, sent inline")

# --- The layout fit check (after validation) ---
case("ktp-name-of-widest-letters.json", "layout.text_no_fit", "person.name",
     with_(KTP, lambda d: d["person"].__setitem__("name", "W" * 29 + " " + "W" * 30)),
     note="60 characters as the law allows, but all of the widest letter: past the KTP-el name's "
          "floor (one line, 16 px Liberation Sans Narrow at -0.04 em); no real name comes close")

# --- Long values the rules allow: every one must be accepted and print (issue 14 item 1) ---
GOOD = os.path.join(ROOT, "..", "good_jobs")
os.makedirs(GOOD, exist_ok=True)
goods = []
def good(file, doc, design, warnings=(), note=""):
    with open(os.path.join(GOOD, file), "wb") as f:
        f.write((json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode())
    goods.append((file, design, list(warnings), note))

# Realistic values at the limits (synthetic people; real place names).
NAME_60 = "MUHAMMAD RIZKY ANANDA PUTRA KUSUMA WARDHANA SETIABUDI NUGRAH"
NAME_60_WIDE = "MUHAMMAD WAHYU HIDAYAT MAHMUD WARDHANA MAHENDRA WIDODO MAWAN"
HEAD_60 = "ANDI MUHAMMAD AMMAR WIDYA WARDHANA MAMBO MAHMUDAH UMAR WAHID"
OFFICIAL_60 = "PROF. DR. H. MUHAMMAD WAHYU HIDAYAT MAHMUD, S.H., M.SI., M.M"
PLACE = "KEPULAUAN SIAU TAGULANDANG BIARO"
PLACE_40 = "KABUPATEN PENUKAL ABAB LEMATANG ILIR MMW"
STREET_100 = "JL. KOMPLEK PERUMAHAN GRIYA PERMATA HIJAU BLOK AA-12 NO. 123 GANG MELATI WANGI RT 03 KEL SUKAMAJU BR"
STREET_100_WIDE = "JALAN MAYOR JENDERAL WAHYU WIDODO MUHAMMAD HATTA NOMOR 1234 BLOK WW KOMPLEK MAWAR MERAH MEKAR MAKMUR"
REGION_40 = "MAMBERAMO RAYA WAROPEN MAMUJU MUARA EMIM"
KAB_LONGEST = "KABUPATEN KEPULAUAN SIAU TAGULANDANG BIARO"
KAB_50 = "KABUPATEN MAMBERAMO RAYA WAROPEN MAMUJU MUARA EMIM"
OCCUPATION_40 = "ANGGOTA DEWAN PERWAKILAN RAKYAT (DPR-RI)"
AKTA_40 = "WWWW-MMMM-2015-0117/KAB.BANYUMAS/MMMMMMM"
for v, n in [(NAME_60, 60), (NAME_60_WIDE, 60), (HEAD_60, 60), (OFFICIAL_60, 60), (PLACE_40, 40),
             (STREET_100, 100), (STREET_100_WIDE, 100), (REGION_40, 40), (KAB_50, 50),
             (OCCUPATION_40, 40), (AKTA_40, 40)]:
    assert len(v) == n, (v, len(v))

def long_person(d, name, street, province="SULAWESI UTARA"):
    p = d["person"]
    p["name"] = name
    p["place_of_birth"] = PLACE
    a = p["address"]
    a["street"] = street
    a["kel_desa"] = REGION_40
    a["kecamatan"] = REGION_40
    a["kabupaten_kota"] = KAB_LONGEST
    a["province"] = province
    d["office"]["city"] = KAB_LONGEST

def long_ktp(d, name=NAME_60, street=STREET_100):
    long_person(d, name, street)
    d["person"]["occupation"] = OCCUPATION_40

def long_kia(d, name=NAME_60, street=STREET_100):
    long_person(d, name, street)
    d["family"]["head_of_family"] = HEAD_60
    d["family"]["no_akta"] = AKTA_40
    d["office"]["head_name"] = OFFICIAL_60

KIA05 = load("kia-0-5.json")
KIA_WNA05 = load("kia-wna-0-5.json")
good("ktp-el-long-values.json", with_(KTP, long_ktp), "ktp-el")
good("ktp-el-long-values-wide.json",
     with_(KTP, lambda d: (long_ktp(d, NAME_60_WIDE, STREET_100_WIDE),
                           d["person"]["address"].__setitem__("kabupaten_kota", KAB_50),
                           d["office"].__setitem__("city", KAB_50))), "ktp-el",
     note="the widest realistic name and street, the 50-character limit of kabupaten/kota")
good("kia-5-17-long-values.json", with_(KIA, long_kia), "kia5-to17")
good("kia-5-17-long-values-wide.json", with_(KIA, lambda d: long_kia(d, NAME_60_WIDE, STREET_100_WIDE)), "kia5-to17")
good("kia-0-5-long-values.json", with_(KIA05, lambda d: long_kia(d, NAME_60_WIDE, STREET_100_WIDE)), "kia0-to5")
good("ktp-el-wna-long-values.json",
     with_(KTP_WNA, lambda d: (long_ktp(d, NAME_60_WIDE, STREET_100_WIDE),
                               d["person"].__setitem__("nationality", "SAINT VINCENT AND THE GRENADINES"),
                               d["stay_permit"].__setitem__("number", "2C11AB1234567890-XYZ/2026-MMWW"))),
     "ktp-el-wna")
good("kia-wna-5-17-long-values.json",
     with_(KIA_WNA, lambda d: (long_kia(d, NAME_60_WIDE, STREET_100_WIDE),
                               d["person"].__setitem__("nationality", "SAINT VINCENT AND THE GRENADINES"),
                               d["stay_permit"].__setitem__("number", "2C11AB1234567890-XYZ/2026-MMWW"))),
     "kia5-to17-wna")
good("kia-wna-0-5-long-values.json",
     with_(KIA_WNA05, lambda d: long_kia(d, NAME_60, STREET_100)), "kia0-to5-wna")
good("ktp-el-wna-sample.json", KTP_WNA, "ktp-el-wna", note="the sample as the corpus sees it")
good("kia-5-17-pickup-code.json",
     with_(KIA, lambda d: d.__setitem__("pickup_code", ("KIA-PICKUP-" + "0123456789ABCDEF" * 4)[:64])),
     "kia5-to17", note="a pickup code of 64 printable characters: checked, not printed")

with open(os.path.join(GOOD, "expected.toml"), "w") as f:
    f.write("# Jobs the station must accept and print: values at the limits the rules allow.\n")
    f.write("# `design`: the card design chosen; `warnings`: the exact warning codes. Generated by\n")
    f.write("# tests/bad_jobs/make_corpus.py.\n")
    for file, design, warnings, note in goods:
        f.write(f"\n[[case]]\nfile = {json.dumps(file)}\ndesign = {json.dumps(design)}\n")
        f.write(f"warnings = {json.dumps(warnings)}\n")
        if note:
            f.write(f"note = {json.dumps(note)}\n")

def toml_str(s):
    return json.dumps(s, ensure_ascii=False)

with open(os.path.join(ROOT, "expected.toml"), "w") as f:
    f.write("# Each bad job and the one error it must produce (code and field). `schema = true`:\n")
    f.write("# docs/job.schema.json must reject the file too. `policy`: validation policy overrides.\n")
    f.write("# Generated by make_corpus.py.\n")
    for file, code, field, schema, policy, note in cases:
        f.write("\n[[case]]\n")
        f.write(f"file = {toml_str(file)}\ncode = {toml_str(code)}\nfield = {toml_str(field)}\n")
        if schema:
            f.write("schema = true\n")
        if policy:
            items = ", ".join(f"{k} = {toml_str(v) if isinstance(v, str) else str(v).lower()}" for k, v in policy.items())
            f.write(f"policy = {{ {items} }}\n")
        if note:
            f.write(f"note = {toml_str(note)}\n")
print(len(cases), "cases,", len(goods), "good jobs")
