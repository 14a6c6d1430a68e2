//! Strict stream parser for the printer side: bytes in, commands out. Payload sizes come from
//! the command header (fixed for `Db`, explicit for `Dbc`); payload bytes are never scanned for
//! CR or ESC.

use crate::printer::evolis::answer::{NackCode, CR, ESC};
use crate::printer::evolis::commands::Request;
use crate::printer::panel::{bits_for_levels, raw_size, Panel, DOTS, LINES};

/// Longest header (command name and text parameters) accepted.
const MAX_HEADER: usize = 64;
/// Largest `Dbc` byte count accepted (twice a 7-bit panel: worse than raw is already wrong).
pub const MAX_COMPRESSED: usize = 2 * LINES * DOTS;

/// What the parser produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A well-formed command.
    Request(Request),
    /// A malformed command, to be refused with this NACK code.
    Malformed(NackCode),
}

#[derive(Debug)]
enum State {
    /// Between commands; collects stray bytes.
    Idle { junk: usize },
    /// After ESC.
    Header(Vec<u8>),
    /// Binary payload.
    Payload {
        head: PayloadHead,
        data: Vec<u8>,
        need: usize,
    },
    /// Payload complete, the CR must follow.
    Trailer { head: PayloadHead, data: Vec<u8> },
    /// After a framing error: drop bytes until the next ESC.
    Skip,
}

#[derive(Debug, Clone, Copy)]
struct PayloadHead {
    panel: Panel,
    levels: u16,
    first_line: Option<usize>,
}

/// The parser; feed it bytes as they arrive.
#[derive(Debug)]
pub struct Parser {
    state: State,
}

impl Default for Parser {
    fn default() -> Self {
        Parser {
            state: State::Idle { junk: 0 },
        }
    }
}

impl Parser {
    /// Consumes `input`, appending every finished command to `out`.
    pub fn feed(&mut self, mut input: &[u8], out: &mut Vec<Parsed>) {
        while !input.is_empty() {
            let state = std::mem::replace(&mut self.state, State::Skip);
            self.state = match state {
                State::Idle { junk } => {
                    let b = input[0];
                    input = &input[1..];
                    if b == ESC {
                        State::Header(Vec::new())
                    } else if b == CR && junk > 0 {
                        out.push(Parsed::Malformed(NackCode::Command));
                        State::Idle { junk: 0 }
                    } else if b == CR {
                        State::Idle { junk: 0 }
                    } else {
                        State::Idle { junk: junk + 1 }
                    }
                }
                State::Skip => {
                    let b = input[0];
                    input = &input[1..];
                    if b == ESC {
                        State::Header(Vec::new())
                    } else {
                        State::Skip
                    }
                }
                State::Header(mut h) => {
                    let b = input[0];
                    input = &input[1..];
                    self.header_byte(&mut h, b, out).unwrap_or(State::Header(h))
                }
                State::Payload {
                    head,
                    mut data,
                    need,
                } => {
                    let take = need.min(input.len());
                    data.extend_from_slice(&input[..take]);
                    input = &input[take..];
                    if take == need {
                        State::Trailer { head, data }
                    } else {
                        State::Payload {
                            head,
                            data,
                            need: need - take,
                        }
                    }
                }
                State::Trailer { head, data } => {
                    let b = input[0];
                    input = &input[1..];
                    if b == CR {
                        out.push(Parsed::Request(match head.first_line {
                            None => Request::Download {
                                panel: head.panel,
                                levels: head.levels,
                                data,
                            },
                            Some(first_line) => Request::DownloadCompressed {
                                panel: head.panel,
                                levels: head.levels,
                                first_line,
                                data,
                            },
                        }));
                        State::Idle { junk: 0 }
                    } else {
                        out.push(Parsed::Malformed(NackCode::Command));
                        if b == ESC {
                            State::Header(Vec::new())
                        } else {
                            State::Skip
                        }
                    }
                }
            };
        }
    }

    /// One header byte; `Some(state)` when the header is finished or refused.
    fn header_byte(&mut self, h: &mut Vec<u8>, b: u8, out: &mut Vec<Parsed>) -> Option<State> {
        if b == CR {
            return Some(match text_command(h) {
                Ok(r) => {
                    out.push(Parsed::Request(r));
                    State::Idle { junk: 0 }
                }
                Err(code) => {
                    out.push(Parsed::Malformed(code));
                    State::Idle { junk: 0 }
                }
            });
        }
        if b == ESC {
            // A new command before this one ended: refuse this one, start the next.
            out.push(Parsed::Malformed(NackCode::Command));
            return Some(State::Header(Vec::new()));
        }
        if !(0x20..0x7F).contains(&b) || h.len() >= MAX_HEADER {
            out.push(Parsed::Malformed(NackCode::Command));
            return Some(State::Skip);
        }
        h.push(b);
        if b != b';' {
            return None;
        }
        let semis = h.iter().filter(|&&c| c == b';').count();
        let name_is = |n: &[u8]| h.starts_with(n) && h.get(n.len()) == Some(&b';');
        let (is_db, is_dbc) = (name_is(b"Db"), name_is(b"Dbc"));
        if (is_db && semis == 3) || (is_dbc && semis == 5) {
            return Some(match payload_head(h, is_dbc) {
                Ok((head, need)) => State::Payload {
                    head,
                    data: Vec::with_capacity(need),
                    need,
                },
                Err(code) => {
                    out.push(Parsed::Malformed(code));
                    State::Skip
                }
            });
        }
        None
    }
}

fn text_command(h: &[u8]) -> Result<Request, NackCode> {
    let text = std::str::from_utf8(h).map_err(|_| NackCode::Command)?;
    let mut parts = text.split(';');
    let name = parts.next().unwrap_or("");
    let params: Vec<&str> = parts.collect();
    if name == "Db" || name == "Dbc" {
        return Err(NackCode::Parameter); // a download header ended by CR: no payload
    }
    Request::from_text(name, &params)
}

/// Parses `Db;p;levels;` or `Dbc;p;levels;first;count;` into the payload size.
fn payload_head(h: &[u8], compressed: bool) -> Result<(PayloadHead, usize), NackCode> {
    let text = std::str::from_utf8(h).map_err(|_| NackCode::Command)?;
    let fields: Vec<&str> = text.trim_end_matches(';').split(';').collect();
    let panel = match fields.get(1).map(|f| f.as_bytes()) {
        Some([c]) => Panel::from_letter(*c).ok_or(NackCode::Parameter)?,
        _ => return Err(NackCode::Parameter),
    };
    let levels: u16 = fields
        .get(2)
        .and_then(|f| f.parse().ok())
        .ok_or(NackCode::Parameter)?;
    let bits = bits_for_levels(levels).ok_or(NackCode::Parameter)?;
    if (bits == 1) == panel.is_colour() {
        return Err(NackCode::Parameter);
    }
    if !compressed {
        let need = raw_size(levels).ok_or(NackCode::Parameter)?;
        return Ok((
            PayloadHead {
                panel,
                levels,
                first_line: None,
            },
            need,
        ));
    }
    let num = |i: usize| -> Result<usize, NackCode> {
        let f = fields.get(i).ok_or(NackCode::Parameter)?;
        if f.is_empty() || f.len() > 7 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NackCode::Parameter);
        }
        f.parse().map_err(|_| NackCode::Parameter)
    };
    let first_line = num(3)?;
    let count = num(4)?;
    if first_line > LINES || count > MAX_COMPRESSED {
        return Err(NackCode::Parameter);
    }
    Ok((
        PayloadHead {
            panel,
            levels,
            first_line: Some(first_line),
        },
        count,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::evolis::commands::{Command, Download, DownloadCompressed, StartSequence};

    fn parse_all(chunks: &[&[u8]]) -> Vec<Parsed> {
        let mut p = Parser::default();
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut out);
        }
        out
    }

    #[test]
    fn payload_with_cr_and_esc_inside_byte_by_byte() {
        let data = vec![CR; 82_296];
        let mut bytes = Download {
            panel: Panel::Black,
            levels: 2,
            data: &data,
        }
        .to_bytes();
        bytes.extend(StartSequence.to_bytes());
        let compressed = DownloadCompressed {
            panel: Panel::Cyan,
            levels: 64,
            first_line: 5,
            data: &[ESC, CR, 0x80, 0],
        }
        .to_bytes();
        bytes.extend(&compressed);
        let chunks: Vec<&[u8]> = bytes.chunks(7).collect();
        let out = parse_all(&chunks);
        assert_eq!(out.len(), 3);
        assert!(
            matches!(&out[0], Parsed::Request(Request::Download { panel: Panel::Black, levels: 2, data: d }) if d.len() == 82_296)
        );
        assert_eq!(out[1], Parsed::Request(Request::StartSequence));
        assert_eq!(
            out[2],
            Parsed::Request(Request::DownloadCompressed {
                panel: Panel::Cyan,
                levels: 64,
                first_line: 5,
                data: vec![ESC, CR, 0x80, 0]
            })
        );
    }

    #[test]
    fn malformed_commands_are_refused() {
        use NackCode::*;
        let cases: &[(&[u8], NackCode)] = &[
            (b"\x1bZz\r", Command),
            (b"junk\r", Command),
            (b"\x1bSs;9\r", Parameter),
            (b"\x1bDb;q;2;", Parameter),
            (b"\x1bDb;k;32;", Parameter),
            (b"\x1bDb;y;2;", Parameter),
            (b"\x1bDb;k\r", Parameter),
            (b"\x1bDbc;k;2;0;99999999;", Parameter),
            (b"\x1bDbc;k;2;2000;1;", Parameter),
            (b"\x1bDbc;k;2;x;1;", Parameter),
            (b"\x1bS\x01s\r", Command),
            (b"\x1bDbc;k;2;0;1;\x00X", Command),
        ];
        for (bytes, code) in cases {
            assert_eq!(
                parse_all(&[bytes]),
                vec![Parsed::Malformed(*code)],
                "{bytes:?}"
            );
        }
        let long = [&[ESC][..], &[b'A'; 100]].concat();
        assert_eq!(parse_all(&[&long]), vec![Parsed::Malformed(Command)]);
    }

    #[test]
    fn recovers_after_errors() {
        let out = parse_all(&[b"\x1bDb;k;9;\x00\x00\x1bSs\r"]);
        assert_eq!(
            out,
            vec![
                Parsed::Malformed(NackCode::Parameter),
                Parsed::Request(Request::StartSequence)
            ]
        );
        let out = parse_all(&[b"\x1bSs\x1bSe\r"]);
        assert_eq!(
            out,
            vec![
                Parsed::Malformed(NackCode::Command),
                Parsed::Request(Request::EndSequence)
            ]
        );
    }
}
