#!/usr/bin/env python3
"""Derives the foreign-resident (WNA) layouts from the citizens' ones (issue 14 item 4).

Run from anywhere: python3 scripts/make-wna-layouts.py
The committed SVG/TOML files are the layouts; this script documents how they were made and
keeps them in step when the citizens' layouts move. After editing a WNA layout by hand, stop
using the script for it.

- KTP-el WNA: the orange card, printed in English; "Nationality" (the country) instead of
  "Kewarganegaraan"; validity from the stay permit; the KITAP number on the back.
- KIA WNA (0-5 and 5-17 fronts, one back): the KIA look, labels in English, the same fields.
Values are printed as recorded (vocabulary words such as LAKI-LAKI stay as they are).
"""
import os, re

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "layouts")

def read(name):
    with open(os.path.join(ROOT, name)) as f:
        return f.read()

def write(name, text):
    with open(os.path.join(ROOT, name), "w") as f:
        f.write(text)

def replace_all(text, pairs):
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text

ORANGE = [("#cfe8f7", "#fbd9b5"), ("#eef7fd", "#fff1e2"), ("#6fa8d6", "#e8974a"),
          ("#7fb2d6", "#e39a55"), ("#9fcbe6", "#f5c08a"), ("#5b9bd5", "#e0803a"),
          ("#e9f4fb", "#fdf0e2")]
ORANGE_BACK = [("#d8edf9", "#fbdcbc"), ("#f2f9fe", "#fff4e8"), ("#7fb2d6", "#e39a55"),
               ("#6fa8d6", "#e8974a"), ("#5b9bd5", "#e0803a"),
               ("#9fcbe6", "#f5c08a"), ("#2f6fa8", "#b35a12")]

def labels(pairs):
    return [(f">{a}</text>", f">{b}</text>") for a, b in pairs]

# --- KTP-el WNA front ---
svg = read("ktp-el-front.svg")
svg = replace_all(svg, [("KTP-el front (cetak layout ktp-el-front)",
                         "KTP-el for foreign residents, front (cetak layout ktp-el-wna-front)")]
                  + ORANGE + labels([
    ("Nama", "Name"), ("Tempat/Tgl Lahir", "Place/Date of Birth"), ("Jenis Kelamin", "Sex"),
    ("Alamat", "Address"), ("Kel/Desa", "Village"), ("Kecamatan", "District"),
    ("Agama", "Religion"), ("Status Perkawinan", "Marital Status"), ("Pekerjaan", "Occupation"),
    ("Kewarganegaraan", "Nationality"), ("Berlaku Hingga", "Valid Until"),
    ("Gol. Darah", "Blood Type")]) + [('id="f-kewarganegaraan"', 'id="f-nationality"'),
                                      (">KEWARGANEGARAAN</text>", ">NATIONALITY</text>")])
write("ktp-el-wna-front.svg", svg)
toml = read("ktp-el-front.toml")
toml = replace_all(toml, [('name = "ktp-el-front"', 'name = "ktp-el-wna-front"'),
                          ('svg = "ktp-el-front.svg"', 'svg = "ktp-el-wna-front.svg"'),
                          ('key = "kewarganegaraan"\nid = "f-kewarganegaraan"',
                           'key = "nationality"\nid = "f-nationality"')])
write("ktp-el-wna-front.toml", toml)

# --- KTP-el WNA back: English titles, the KITAP number ---
svg = read("ktp-el-back.svg")
svg = replace_all(svg, [("KTP-el back (cetak layout ktp-el-back)",
                         "KTP-el for foreign residents, back (cetak layout ktp-el-wna-back)"),
                        (">REPUBLIK INDONESIA</text>", ">REPUBLIC OF INDONESIA</text>"),
                        (">KARTU TANDA PENDUDUK ELEKTRONIK</text>",
                         ">ELECTRONIC RESIDENT IDENTITY CARD</text>")] + ORANGE_BACK)
static = ('  <g id="k-static">\n'
          '    <text x="40" y="90" font-family="Liberation Sans" font-size="22" fill="#000000">KITAP No.</text>\n'
          '    <text x="170" y="90" font-family="Liberation Sans" font-size="22" fill="#000000">:</text>\n'
          '  </g>\n')
svg = replace_all(svg, [('  <g id="k-fields">\n', static + '  <g id="k-fields">\n'),
                        ('    <text id="f-nik"',
                         '    <text id="f-no-kitap" x="186" y="90" font-family="Liberation Sans" font-size="22" fill="#000000">NO_KITAP</text>\n    <text id="f-nik"')])
write("ktp-el-wna-back.svg", svg)
toml = read("ktp-el-back.toml")
toml = replace_all(toml, [('name = "ktp-el-back"', 'name = "ktp-el-wna-back"'),
                          ('svg = "ktp-el-back.svg"', 'svg = "ktp-el-wna-back.svg"'),
                          ('k = ["k-fields"]', 'k = ["k-static", "k-fields"]')])
toml += '''
[[field]]
key = "no_kitap"
id = "f-no-kitap"
family = "Liberation Sans"
size = 22.0
min_size = 16.0
width = 480.0
fit = ["shrink", "tighten", "condense"]
min_letter_spacing = -0.04
condensed_family = "Liberation Sans Narrow"
'''
write("ktp-el-wna-back.toml", toml)

# --- KIA WNA fronts ---
KIA_LABELS = labels([
    ("Nama", "Name"), ("Tempat/Tgl Lahir", "Place/Date of Birth"), ("Jenis Kelamin", "Sex"),
    ("Agama", "Religion"), ("Kewarganegaraan", "Nationality"), ("No. KK", "Family Card No."),
    ("Nama Kepala Keluarga", "Head of Family"), ("No. Akta Kelahiran", "Birth Certificate No."),
    ("Gol. Darah", "Blood Type"), ("Berlaku Hingga", "Valid Until"),
    ("KARTU IDENTITAS ANAK", "CHILD IDENTITY CARD (KIA)")])
for age in ["0-5", "5-17"]:
    svg = read(f"kia-{age}-front.svg")
    title = re.search(r"<title>([^<]*)</title>", svg).group(1)
    svg = replace_all(svg, [(title, f"KIA for foreign children {age}, front (cetak layout kia-wna-{age}-front)")]
                      + KIA_LABELS + [('id="f-kewarganegaraan"', 'id="f-nationality"')])
    write(f"kia-wna-{age}-front.svg", svg)
    toml = read(f"kia-{age}-front.toml")
    toml = replace_all(toml, [(f'name = "kia-{age}-front"', f'name = "kia-wna-{age}-front"'),
                              (f'svg = "kia-{age}-front.svg"', f'svg = "kia-wna-{age}-front.svg"'),
                              ('key = "kewarganegaraan"\nid = "f-kewarganegaraan"',
                               'key = "nationality"\nid = "f-nationality"')])
    write(f"kia-wna-{age}-front.toml", toml)

# --- KIA WNA back ---
svg = read("kia-back.svg")
title = re.search(r"<title>([^<]*)</title>", svg).group(1)
svg = replace_all(svg, [(title, "KIA for foreign children, back (cetak layout kia-wna-back)")] + labels([
    ("Alamat", "Address"), ("Kel/Desa", "Village"), ("Kecamatan", "District"),
    ("Kartu ini milik Pemerintah Republik Indonesia.", "This card is the property of the"),
    ("Bila menemukan kartu ini, harap", "Government of the Republic of Indonesia."),
    ("dikembalikan ke Dinas Kependudukan", "If found, please return it to the local"),
    ("dan Pencatatan Sipil setempat.", "Population and Civil Registration Office."),
    ("KEPALA DINAS KEPENDUDUKAN", "HEAD OF THE POPULATION AND"),
    ("DAN PENCATATAN SIPIL", "CIVIL REGISTRATION OFFICE")]))
m = re.search(r'( *)<text x="300" y="194"[^>]*>District</text>\n *<text x="470" y="194"[^>]*>:</text>\n', svg)
row = m.group(0).replace('y="194"', 'y="226"').replace(">District<", ">KITAP No.<")
svg = svg[:m.end()] + row + svg[m.end():]
m = re.search(r' *<text id="f-kecamatan"[^\n]*\n', svg)
field = m.group(0).replace('id="f-kecamatan"', 'id="f-no-kitap"').replace('y="194"', 'y="226"').replace(">KECAMATAN<", ">NO_KITAP<")
svg = svg[:m.end()] + field + svg[m.end():]
write("kia-wna-back.svg", svg)
toml = read("kia-back.toml")
toml = replace_all(toml, [('name = "kia-back"', 'name = "kia-wna-back"'),
                          ('svg = "kia-back.svg"', 'svg = "kia-wna-back.svg"')])
block = re.search(r'\[\[field\]\]\nkey = "kecamatan"\n.*?(?=\n\n|\Z)', toml, re.S).group(0)
toml = toml.rstrip("\n") + "\n\n" + block.replace('key = "kecamatan"', 'key = "no_kitap"').replace('id = "f-kecamatan"', 'id = "f-no-kitap"') + "\n"
write("kia-wna-back.toml", toml)
print("wrote 5 WNA layouts")
