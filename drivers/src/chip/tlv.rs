//! BER-TLV (ISO/IEC 7816-4 §5.2 / X.690 subset): tags of 1–3 bytes, definite lengths up to
//! 3 length bytes. Decoding never panics and never trusts a length beyond the input.

/// A decoded TLV: its tag (as the raw tag bytes in big-endian, e.g. `0x5F20`) and value bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv {
    /// Tag number as written (1–3 bytes, big-endian).
    pub tag: u32,
    /// Value bytes (for a constructed tag, the nested TLVs).
    pub value: Vec<u8>,
}

/// Why bytes are not valid BER-TLV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlvError {
    /// The input ended inside a tag, length or value.
    #[error("TLV truncated at offset {0}")]
    Truncated(usize),
    /// A tag longer than 3 bytes, or a length form we do not accept.
    #[error("TLV malformed at offset {0}")]
    Malformed(usize),
}

/// True when the tag's first byte marks a constructed encoding.
pub fn is_constructed(tag: u32) -> bool {
    let first = tag.to_be_bytes().into_iter().find(|&b| b != 0).unwrap_or(0);
    first & 0x20 != 0
}

/// Appends the tag bytes.
pub fn put_tag(tag: u32, out: &mut Vec<u8>) {
    let bytes = tag.to_be_bytes();
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(3);
    out.extend_from_slice(&bytes[start..]);
}

/// Appends a definite length.
pub fn put_len(len: usize, out: &mut Vec<u8>) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend_from_slice(&[0x81, len as u8]),
        0x100..=0xFFFF => out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]),
        _ => out.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]),
    }
}

/// Appends a whole TLV.
pub fn put(tag: u32, value: &[u8], out: &mut Vec<u8>) {
    put_tag(tag, out);
    put_len(value.len(), out);
    out.extend_from_slice(value);
}

/// A TLV as bytes.
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    put(tag, value, &mut out);
    out
}

/// Decodes one TLV at the start of `bytes`; returns it and the number of bytes it took.
pub fn parse_one(bytes: &[u8]) -> Result<(Tlv, usize), TlvError> {
    let mut i = 0;
    let first = *bytes.first().ok_or(TlvError::Truncated(0))?;
    let mut tag = first as u32;
    i += 1;
    if first & 0x1F == 0x1F {
        loop {
            let b = *bytes.get(i).ok_or(TlvError::Truncated(i))?;
            tag = (tag << 8) | b as u32;
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            if i >= 3 {
                return Err(TlvError::Malformed(i));
            }
        }
    }
    let l0 = *bytes.get(i).ok_or(TlvError::Truncated(i))?;
    i += 1;
    let len = match l0 {
        0..=0x7F => l0 as usize,
        0x81..=0x83 => {
            let n = (l0 & 0x7F) as usize;
            let lb = bytes.get(i..i + n).ok_or(TlvError::Truncated(i))?;
            i += n;
            lb.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize)
        }
        _ => return Err(TlvError::Malformed(i - 1)),
    };
    let end = i.checked_add(len).ok_or(TlvError::Malformed(i))?;
    let value = bytes.get(i..end).ok_or(TlvError::Truncated(i))?;
    Ok((
        Tlv {
            tag,
            value: value.to_vec(),
        },
        end,
    ))
}

/// Decodes a sequence of TLVs; `00` / `FF` padding between and after them is skipped
/// (ISO/IEC 7816-4 allows it, and a fixed-size file ends with it).
pub fn parse_all(bytes: &[u8]) -> Result<Vec<Tlv>, TlvError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        if bytes[pos] == 0x00 || bytes[pos] == 0xFF {
            pos += 1;
            continue;
        }
        let (tlv, used) = parse_one(&bytes[pos..]).map_err(|e| shift(e, pos))?;
        out.push(tlv);
        pos += used;
    }
    Ok(out)
}

fn shift(e: TlvError, by: usize) -> TlvError {
    match e {
        TlvError::Truncated(o) => TlvError::Truncated(o + by),
        TlvError::Malformed(o) => TlvError::Malformed(o + by),
    }
}

/// The first TLV with `tag` in a sequence.
pub fn find(tlvs: &[Tlv], tag: u32) -> Option<&Tlv> {
    tlvs.iter().find(|t| t.tag == tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_encodings() {
        assert_eq!(encode(0x80, &[0x01, 0x02]), [0x80, 0x02, 0x01, 0x02]);
        assert_eq!(encode(0x5F20, b"A")[..3], [0x5F, 0x20, 0x01]);
        let long = encode(0x53, &[0; 300]);
        assert_eq!(&long[..4], &[0x53, 0x82, 0x01, 0x2C]);
        assert!(is_constructed(0x62));
        assert!(!is_constructed(0xDF01));
        assert!(is_constructed(0x7F21));
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(parse_one(&[]), Err(TlvError::Truncated(0)));
        assert!(parse_one(&[0x80, 0x05, 1]).is_err());
        assert!(parse_one(&[0x80, 0x84, 1, 1, 1, 1]).is_err());
        assert!(parse_one(&[0x5F]).is_err());
        assert!(parse_one(&[0x5F, 0x81, 0x81, 0x81, 0x01, 0x00]).is_err());
        assert_eq!(parse_all(&[0x80, 0x01, 0xAA, 0x00, 0xFF]).unwrap().len(), 1);
    }

    proptest! {
        #[test]
        fn round_trip(
            tag in prop_oneof![0x80u32..0x9F, 0x5F01u32..0x5F7F, 0xDF01u32..0xDF7F, 0x5F8101u32..0x5F8110],
            value in proptest::collection::vec(any::<u8>(), 0..70_000),
        ) {
            let bytes = encode(tag, &value);
            let (tlv, used) = parse_one(&bytes).unwrap();
            prop_assert_eq!(used, bytes.len());
            prop_assert_eq!(tlv.tag, tag);
            prop_assert_eq!(tlv.value, value);
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = parse_all(&bytes);
        }
    }
}
