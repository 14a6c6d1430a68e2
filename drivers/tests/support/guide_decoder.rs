//! An Evolis command-stream reader and `Db` / `Dbc` decoder written from the programming guide
//! A5013 Rev. E alone (section 3 "Communication Protocol", section 4 "Data compression",
//! section 8 `Db` / `Dbc`), for tests. It shares no code with the driver's encoder or the
//! emulator's decoder, so a test that decodes the driver's stream with it checks the driver
//! against the guide rather than against itself.
//!
//! How the guide is read here (strictly; anything else is an error):
//! - A command is `ESC name;param;… CR`. `Db;panel;levels;` is followed by one whole panel
//!   (648 × 1016 dots at 1, 5, 6 or 7 bits per dot, packed so every bit is used, first dot in
//!   the most significant bit), `Dbc;panel;levels;first_line;byte_count;` by `byte_count`
//!   bytes; both then end with CR. Payload bytes are never scanned for CR or ESC.
//! - `Dbc` K / O, per line: `0x00` white line, `0xFF` black line, `N` (1..=81) followed by the
//!   line's first N bytes (8 dots per byte, first dot in the MSB), the rest of the line white.
//! - `Dbc` Y / M / C, per byte: MSB 0 is one dot whose value is the other 7 bits (below the
//!   level count). MSB 1 is a run: the value is in the low 5, 6 or 7 bits, the next byte is the
//!   counter; in 6-bit mode bit 6, in 5-bit mode bits 6 and 5, each add 256 to the counter when
//!   set (at most 255, 511 or 767). A counter byte of 0 marks a white line: only `0x80 0x00`
//!   at the start of a line is accepted. A run may not cross the end of its line.
//! - The data of a `Dbc` covers whole lines from `first_line` on. Lines it does not cover keep
//!   what the printer held (the guide keeps five bitmaps for reprints). [`cards`] follows the
//!   bitmaps through a stream: at its start every line is unknown (an earlier host may have
//!   left anything); `Wcb;p[;v]` (Write clear bitmap; `p` = `y m c k o` or `a` for all) sets a
//!   bitmap to 0, or K / O bytes to `v` (8 dots per byte as in `Db`); the guide gives no dot
//!   format for a dye bitmap, so a dye `Wcb` with a value other than 0 is an error here.
//!   `Wcb` between `Ss` and the card's end (`Se`, `Ser`, `Seb`) is an error: the guide says
//!   it "can not be used between Ss … and Se". A panel printed with an unknown line is
//!   reported with that line, never compared as white.
#![allow(dead_code)] // each test file uses a different subset

use std::collections::BTreeMap;

/// Lines per panel (along the card's long edge).
pub const LINES: usize = 1016;
/// Dots per line.
pub const DOTS: usize = 648;

/// Every command name in the guide's summary tables: printer (section 6, and section 7 for
/// `Pcom`, `Pfm`, `Piem`, `Poc`, `Pos`, `Psm`, `Rcom`, `Rfm`, `Riem`, `Roc`, `Ros`, `Rsm`, `Seb`,
/// `Ser`, `Sic`, `Sie`, `Sis`, `Sk`, `Sds`), magnetic encoding (9), smart card (11),
/// contactless (13), feeder (15), flip-over (17) and output hopper (19).
pub const GUIDE_COMMANDS: &[&str] = &[
    "Ase", "Db", "Dbc", "Dbp", "Dbpc", "Dbmp", "Dm", "Mc", "Mf", "Mh", "Mr", "Pbm", "Pc", "Pcom",
    "Pem", "Pfm", "Piem", "Pkn", "Pl", "Pmbs", "Pmc", "Pmd", "Pmi", "Pmk", "Pml", "Pms", "Pmt",
    "Pmtc", "Pmts", "Pnl", "Pnw", "Poc", "Pos", "Ppk", "Ppn", "Pr", "Prm", "Pro", "Prs", "Ps",
    "Psc", "Psm", "Psp", "Pwb", "Pwcs", "Pwj", "Pwjs", "Pwm", "Pwr", "Px", "Py", "Rbm", "Rc",
    "Rck", "Rco", "Rcom", "Rcr", "Rcs", "Rem", "Rfm", "Rfn", "Rfv", "Riem", "Rkn", "Rks", "Rl",
    "Rlr", "Rmbs", "Rmc", "Rmd", "Rmi", "Rmk", "Rml", "Rmms", "Rms", "Rmt", "Rmtc", "Rmts", "Rnl",
    "Rnw", "Roc", "Ros", "Rpk", "Rpn", "Rps", "Rr", "Rrm", "Rro", "Rrs", "Rs", "Rsc", "Rse", "Rsm",
    "Rsn", "Rsp", "Rtp", "Rx", "Ry", "Sa", "Sc", "Scom", "Scp", "Scs", "Sdm", "Sds", "Sdu", "Se",
    "Seb", "Ser", "Si", "Sib", "Sic", "Sie", "Sis", "Sk", "Smr", "Smw", "Sp", "Sr", "Srs", "Ss",
    "Ssd", "St", "Stt", "Sv", "Wb", "Wcb", "Wl", "Wt",
];

/// One command of a host's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Command name (`Ss`, `Dbc`, …).
    pub name: String,
    /// Text parameters (for `Db` / `Dbc` the header fields before the data).
    pub params: Vec<String>,
    /// Binary data of `Db` / `Dbc`.
    pub data: Option<Vec<u8>>,
}

const ESC: u8 = 0x1B;
const CR: u8 = 0x0D;

/// Bits per dot for a `levels` parameter the guide lists.
pub fn bits(levels: u16) -> Result<u32, String> {
    match levels {
        2 => Ok(1),
        32 => Ok(5),
        64 => Ok(6),
        128 => Ok(7),
        other => Err(format!("{other} levels: not in the guide")),
    }
}

/// Splits a host's byte stream into commands.
pub fn parse_stream(bytes: &[u8]) -> Result<Vec<Command>, String> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        if bytes[pos] != ESC {
            return Err(format!(
                "byte {pos}: 0x{:02x} where a command (ESC) starts",
                bytes[pos]
            ));
        }
        pos += 1;
        let mut fields: Vec<String> = Vec::new();
        let mut field = Vec::new();
        loop {
            let b = *bytes.get(pos).ok_or("stream ends inside a command")?;
            pos += 1;
            match b {
                CR => {
                    fields.push(text(&field)?);
                    break;
                }
                b';' => {
                    fields.push(text(&field)?);
                    field.clear();
                    let size = match (fields[0].as_str(), fields.len()) {
                        ("Db", 3) => Some(raw_size(fields[2].parse().map_err(|_| "Db levels")?)?),
                        ("Dbc", 5) => Some(fields[4].parse::<usize>().map_err(|_| "Dbc count")?),
                        _ => None,
                    };
                    if let Some(size) = size {
                        let data = bytes
                            .get(pos..pos + size)
                            .ok_or_else(|| format!("{} data cut short", fields[0]))?
                            .to_vec();
                        pos += size;
                        if bytes.get(pos) != Some(&CR) {
                            return Err(format!("{} data not followed by CR", fields[0]));
                        }
                        pos += 1;
                        let name = fields.remove(0);
                        out.push(Command {
                            name,
                            params: fields,
                            data: Some(data),
                        });
                        fields = Vec::new();
                        break;
                    }
                }
                ESC => return Err(format!("byte {pos}: ESC inside a command")),
                _ => field.push(b),
            }
        }
        if !fields.is_empty() {
            let name = fields.remove(0);
            out.push(Command {
                name,
                params: fields,
                data: None,
            });
        }
    }
    Ok(out)
}

fn text(field: &[u8]) -> Result<String, String> {
    if field.iter().all(|b| (0x20..0x7F).contains(b)) {
        Ok(String::from_utf8_lossy(field).into_owned())
    } else {
        Err(format!("control byte in a command field {field:02x?}"))
    }
}

/// Bytes of one uncompressed panel: 648 × 1016 dots at the level count's bits.
pub fn raw_size(levels: u16) -> Result<usize, String> {
    Ok(LINES * DOTS * bits(levels)? as usize / 8)
}

/// A panel as the printer holds it after a download: `values[line * DOTS + dot]`, which lines
/// the download wrote, and which lines of the bitmap nothing in the stream has set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Panel letter (`y m c k o`).
    pub panel: char,
    /// Level count.
    pub levels: u16,
    /// Dot values (unknown lines are 0 here).
    pub values: Vec<u8>,
    /// Lines the download wrote.
    pub lines: std::ops::Range<usize>,
    /// Lines whose content the stream never set (neither a download nor `Wcb`).
    pub unknown: Vec<usize>,
}

/// Decodes a `Db` or `Dbc` command.
pub fn decode(cmd: &Command) -> Result<Decoded, String> {
    let data = cmd.data.as_deref().ok_or("not a download")?;
    let panel = match cmd.params.first().map(String::as_str) {
        Some(p @ ("y" | "m" | "c" | "k" | "o")) => p.chars().next().unwrap_or('?'),
        other => return Err(format!("panel {other:?} not in the guide")),
    };
    let levels: u16 = cmd
        .params
        .get(1)
        .and_then(|l| l.parse().ok())
        .ok_or("levels")?;
    let b = bits(levels)?;
    if (b == 1) != matches!(panel, 'k' | 'o') {
        return Err(format!("{levels} levels for panel {panel}"));
    }
    match cmd.name.as_str() {
        "Db" => Ok(Decoded {
            panel,
            levels,
            values: unpack(data, b),
            lines: 0..LINES,
            unknown: Vec::new(),
        }),
        "Dbc" => {
            let first: usize = cmd
                .params
                .get(2)
                .and_then(|l| l.parse().ok())
                .filter(|l| *l < LINES)
                .ok_or("first line")?;
            let mut values = vec![0u8; LINES * DOTS];
            let mut pos = 0;
            let mut line = first;
            while pos < data.len() {
                if line >= LINES {
                    return Err("data goes past line 1015".into());
                }
                let out = &mut values[line * DOTS..(line + 1) * DOTS];
                pos = if b == 1 {
                    mono_line(data, pos, out)
                } else {
                    colour_line(data, pos, b, levels, out)
                }
                .map_err(|e| format!("{panel} line {line}: {e}"))?;
                line += 1;
            }
            Ok(Decoded {
                panel,
                levels,
                values,
                lines: first..line,
                unknown: (0..first).chain(line..LINES).collect(),
            })
        }
        other => Err(format!("{other} is not a download")),
    }
}

fn unpack(data: &[u8], bits: u32) -> Vec<u8> {
    let mut values = Vec::with_capacity(LINES * DOTS);
    for dot in 0..LINES * DOTS {
        let mut v = 0u8;
        for k in 0..bits as usize {
            let bit = dot * bits as usize + k;
            let set = (data[bit / 8] >> (7 - bit % 8)) & 1;
            v = (v << 1) | set;
        }
        values.push(v);
    }
    values
}

fn mono_line(data: &[u8], pos: usize, out: &mut [u8]) -> Result<usize, String> {
    match data[pos] {
        0x00 => Ok(pos + 1),
        0xFF => {
            out.fill(1);
            Ok(pos + 1)
        }
        n @ 1..=81 => {
            let n = usize::from(n);
            let bytes = data.get(pos + 1..pos + 1 + n).ok_or("line cut short")?;
            for (i, byte) in bytes.iter().enumerate() {
                for k in 0..8 {
                    out[i * 8 + k] = (byte >> (7 - k)) & 1;
                }
            }
            Ok(pos + 1 + n)
        }
        other => Err(format!("line header {other} is not 0, 1..=81 or 255")),
    }
}

fn colour_line(
    data: &[u8],
    mut pos: usize,
    bits: u32,
    levels: u16,
    out: &mut [u8],
) -> Result<usize, String> {
    let value_mask = (1u8 << bits) - 1;
    let spare_mask = 0x7F & !value_mask;
    let mut dot = 0;
    while dot < DOTS {
        let b = *data.get(pos).ok_or("line cut short")?;
        pos += 1;
        if b & 0x80 == 0 {
            if u16::from(b) >= levels {
                return Err(format!("dot value {b} for {levels} levels"));
            }
            out[dot] = b;
            dot += 1;
            continue;
        }
        let counter = *data.get(pos).ok_or("run without its counter")?;
        pos += 1;
        if counter == 0 {
            if dot == 0 && b == 0x80 {
                return Ok(pos); // white line
            }
            return Err(format!(
                "counter 0 (first byte 0x{b:02x}) at dot {dot}: the guide only has it as the white line"
            ));
        }
        let count = usize::from(counter) + 256 * (b & spare_mask).count_ones() as usize;
        if dot + count > DOTS {
            return Err(format!(
                "run of {count} at dot {dot} crosses the end of the line"
            ));
        }
        out[dot..dot + count].fill(b & value_mask);
        dot += count;
    }
    Ok(pos)
}

/// What the downloads of one card side left in the printer's bitmaps, by panel letter.
pub type SidePanels = BTreeMap<char, Decoded>;

/// A stream's cards: what each side's panels left in the printer's bitmaps when they were
/// printed (`Sr` front, `Sv` back), between the start of a card and its end (`Se`, `Ser`,
/// `Seb`), each panel decoded over the bitmap it was downloaded into.
#[derive(Debug, Default)]
pub struct StreamCard {
    /// Front side (`Sr`).
    pub front: SidePanels,
    /// Back side (`Sv`).
    pub back: SidePanels,
    /// How the card ended (`Se`, `Ser`, `Seb`), if it did.
    pub end: Option<String>,
    /// Card moves seen (`Si`, `Sis`, `Sic`).
    pub inserts: Vec<String>,
    /// `Wcb` commands sent before the card's `Ss`, since the previous card ended.
    pub clears: Vec<String>,
}

/// One of the printer's bitmaps as the stream has set it.
#[derive(Debug, Clone)]
struct Bitmap {
    levels: u16,
    values: Vec<u8>,
    known: Vec<bool>,
}

impl Bitmap {
    fn unknown() -> Self {
        Bitmap {
            levels: 0,
            values: vec![0; LINES * DOTS],
            known: vec![false; LINES],
        }
    }
}

/// `Wcb;p[;v]` over the bitmaps.
fn clear(bitmaps: &mut BTreeMap<char, Bitmap>, cmd: &Command) -> Result<(), String> {
    let (p, v) = match cmd.params.as_slice() {
        [p] => (p.as_str(), 0u8),
        [p, v] => (
            p.as_str(),
            v.parse::<u8>()
                .map_err(|_| format!("Wcb value {v:?} not in 0..=255"))?,
        ),
        other => return Err(format!("Wcb with parameters {other:?}")),
    };
    let panels: Vec<char> = match p {
        "a" => vec!['y', 'm', 'c', 'k', 'o'],
        "y" | "m" | "c" | "k" | "o" => vec![p.chars().next().unwrap_or('?')],
        other => return Err(format!("Wcb on bitmap {other:?}, not in the guide")),
    };
    for panel in panels {
        let bitmap = bitmaps.entry(panel).or_insert_with(Bitmap::unknown);
        if matches!(panel, 'k' | 'o') {
            for (i, d) in bitmap.values.iter_mut().enumerate() {
                *d = (v >> (7 - i % 8)) & 1;
            }
            bitmap.levels = 2;
        } else if v != 0 {
            return Err(format!(
                "Wcb;{p};{v}: the guide gives no dot format for a dye bitmap"
            ));
        } else {
            bitmap.values.fill(0);
        }
        bitmap.known.fill(true);
    }
    Ok(())
}

/// A download written over its bitmap: the lines it covers replaced, the others kept (known
/// only if the stream set them, and only at the same level count unless white).
fn download(bitmaps: &mut BTreeMap<char, Bitmap>, d: Decoded) -> Decoded {
    let bitmap = bitmaps.entry(d.panel).or_insert_with(Bitmap::unknown);
    for line in 0..LINES {
        let row = line * DOTS..(line + 1) * DOTS;
        if d.lines.contains(&line) {
            bitmap.values[row.clone()].copy_from_slice(&d.values[row]);
            bitmap.known[line] = true;
        } else if bitmap.levels != d.levels && bitmap.values[row].iter().any(|&v| v != 0) {
            // Ink at another level count: the guide does not say how it reads now.
            bitmap.known[line] = false;
        }
    }
    bitmap.levels = d.levels;
    Decoded {
        panel: d.panel,
        levels: d.levels,
        values: bitmap.values.clone(),
        lines: d.lines,
        unknown: (0..LINES).filter(|l| !bitmap.known[*l]).collect(),
    }
}

/// Walks a parsed stream: checks every command is in the guide, follows the bitmaps and
/// decodes every panel over them.
pub fn cards(cmds: &[Command]) -> Result<Vec<StreamCard>, String> {
    let mut cards = Vec::new();
    let mut card: Option<StreamCard> = None;
    let mut clears = Vec::new();
    let mut bitmaps: BTreeMap<char, Bitmap> = BTreeMap::new();
    let mut back = false;
    let mut in_sequence = false;
    for cmd in cmds {
        if !GUIDE_COMMANDS.contains(&cmd.name.as_str()) {
            return Err(format!("{} is not a command of the guide", cmd.name));
        }
        match cmd.name.as_str() {
            "Ss" => {
                in_sequence = true;
                card.get_or_insert_with(StreamCard::default)
                    .clears
                    .append(&mut clears);
            }
            "Wcb" => {
                if in_sequence {
                    return Err("Wcb between Ss and Se: the guide forbids it".into());
                }
                clear(&mut bitmaps, cmd)?;
                clears.push(format!("Wcb;{}", cmd.params.join(";")));
            }
            "Si" | "Sis" | "Sic" => card
                .get_or_insert_with(StreamCard::default)
                .inserts
                .push(cmd.name.clone()),
            "Sr" => back = false,
            "Sv" => back = true,
            "Db" | "Dbc" => {
                let d = download(&mut bitmaps, decode(cmd)?);
                let c = card.get_or_insert_with(StreamCard::default);
                let side = if back { &mut c.back } else { &mut c.front };
                if side.insert(d.panel, d).is_some() {
                    return Err(format!("{} sent twice on one side", cmd.params[0]));
                }
            }
            "Se" | "Ser" | "Seb" => {
                let mut c = card.take().unwrap_or_default();
                c.end = Some(cmd.name.clone());
                cards.push(c);
                back = false;
                in_sequence = false;
            }
            "Srs" => in_sequence = false,
            _ => {}
        }
    }
    Ok(cards)
}

/// The panels a landscape side should leave in the printer, built from the layers alone with
/// the project's documented choices (docs/printer.md "Panels"): frame `(line, dot)` shows
/// landscape pixel `(x = line, y = 647 − dot)`; Y = 255 − blue, M = 255 − green,
/// C = 255 − red, rounded to the nearest of `levels` levels; K and O 1 where set. Panels
/// without ink are left out (they are not sent).
pub fn expected_panels(
    layers: &cetak_drivers::printer::layers::SideLayers,
    levels: u16,
) -> BTreeMap<char, Vec<u8>> {
    let mut out = BTreeMap::new();
    let at = |line: usize, dot: usize| (line as u32, (DOTS - 1 - dot) as u32);
    if let Some(rgb) = &layers.colour {
        for (panel, channel) in [('y', 2usize), ('m', 1), ('c', 0)] {
            let mut values = vec![0u8; LINES * DOTS];
            for line in 0..LINES {
                for dot in 0..DOTS {
                    let (x, y) = at(line, dot);
                    let density = 255.0 - f64::from(rgb.get_pixel(x, y).0[channel]);
                    values[line * DOTS + dot] =
                        (density * f64::from(levels - 1) / 255.0).round() as u8;
                }
            }
            if values.iter().any(|&v| v != 0) {
                out.insert(panel, values);
            }
        }
    }
    for (panel, plane) in [('k', &layers.k), ('o', &layers.overlay)] {
        if let Some(plane) = plane {
            let mut values = vec![0u8; LINES * DOTS];
            for line in 0..LINES {
                for dot in 0..DOTS {
                    let (x, y) = at(line, dot);
                    values[line * DOTS + dot] = u8::from(plane.get(x, y));
                }
            }
            if values.iter().any(|&v| v != 0) {
                out.insert(panel, values);
            }
        }
    }
    out
}

/// Compares what the stream left for one side with the layers: the same panels, every line of
/// each known from the stream, 0 differing dots. The error names the panel and counts the
/// differences.
pub fn compare_side(
    got: &SidePanels,
    layers: &cetak_drivers::printer::layers::SideLayers,
    levels: u16,
) -> Result<(), String> {
    let want = expected_panels(layers, levels);
    let got_panels: Vec<char> = got.keys().copied().collect();
    let want_panels: Vec<char> = want.keys().copied().collect();
    if got_panels != want_panels {
        return Err(format!(
            "panels sent {got_panels:?}, expected {want_panels:?}"
        ));
    }
    for (panel, values) in &want {
        let d = &got[panel];
        if let Some(first) = d.unknown.first() {
            return Err(format!(
                "{panel}: {} lines printed from a bitmap the stream never set (first: line {first}; download wrote {:?})",
                d.unknown.len(),
                d.lines
            ));
        }
        if d.panel.is_ascii_lowercase() && !matches!(panel, 'k' | 'o') && d.levels != levels {
            return Err(format!("{panel}: {} levels, expected {levels}", d.levels));
        }
        let diff = d.values.iter().zip(values).filter(|(a, b)| a != b).count();
        if diff != 0 {
            let first = d
                .values
                .iter()
                .zip(values)
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            return Err(format!(
                "{panel}: {diff} dots differ (first at line {} dot {}: got {} want {})",
                first / DOTS,
                first % DOTS,
                d.values[first],
                values[first]
            ));
        }
    }
    Ok(())
}
