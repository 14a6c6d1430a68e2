//! What a reader says it can carry: the negotiated protocol (ISO/IEC 7816-3 T=0 / T=1),
//! `SCARD_ATTR_MAXINPUT`, and the PC/SC part 10 property `dwMaxAPDUDataSize` (from the CCID
//! descriptor's exchange level, `dwFeatures`). Parsers are pure functions, tested with bytes;
//! [`read_caps`] asks a connected card's reader.

use pcsc::{Attribute, Card, Protocol as PcscProtocol};

use super::channel::{ChannelCaps, Protocol};

/// PC/SC part 10: `CM_IOCTL_GET_FEATURE_REQUEST` lists the reader's features.
const GET_FEATURE_REQUEST: u32 = 3400;
/// PC/SC part 10 feature tag: `FEATURE_GET_TLV_PROPERTIES`.
const FEATURE_GET_TLV_PROPERTIES: u8 = 0x12;
/// PC/SC part 10 property tag: `dwMaxAPDUDataSize` (0 = short APDUs only).
const PROPERTY_MAX_APDU_DATA_SIZE: u8 = 0x0A;

/// A reader attribute holding a DWORD (host byte order, 4 or 8 bytes).
pub fn parse_dword(bytes: &[u8]) -> Option<usize> {
    match bytes.len() {
        4 => Some(u32::from_ne_bytes(bytes.try_into().ok()?) as usize),
        8 => usize::try_from(u64::from_ne_bytes(bytes.try_into().ok()?)).ok(),
        _ => None,
    }
}

/// The control code of `feature` in a PC/SC part 10 feature list (tag, length 4, code
/// big-endian).
pub fn feature_code(list: &[u8], feature: u8) -> Option<u32> {
    list.chunks(6)
        .filter(|c| c.len() == 6 && c[1] == 4)
        .find(|c| c[0] == feature)
        .map(|c| u32::from_be_bytes([c[2], c[3], c[4], c[5]]))
}

/// A property of a PC/SC part 10 TLV property list (tag, length, value little-endian).
pub fn tlv_property(list: &[u8], tag: u8) -> Option<usize> {
    let mut i = 0;
    while i + 2 <= list.len() {
        let (t, len) = (list[i], list[i + 1] as usize);
        let value = list.get(i + 2..i + 2 + len)?;
        if t == tag && (1..=4).contains(&len) {
            return Some(
                value
                    .iter()
                    .rev()
                    .fold(0usize, |a, &b| (a << 8) | b as usize),
            );
        }
        i += 2 + len;
    }
    None
}

/// What the connected reader and card can carry: the negotiated protocol, and the reader's
/// limits where its driver states them. A driver that answers neither (vpcd, many others)
/// leaves them unknown.
pub fn read_caps(card: &Card) -> ChannelCaps {
    let protocol = card
        .status2_owned()
        .ok()
        .and_then(|s| s.protocol2())
        .map(|p| match p {
            PcscProtocol::T0 => Protocol::T0,
            PcscProtocol::T1 => Protocol::T1,
            _ => Protocol::Other,
        });
    let max_command = card
        .get_attribute_owned(Attribute::Maxinput)
        .ok()
        .and_then(|b| parse_dword(&b));
    let mut buf = [0u8; 256];
    let max_apdu_data = card
        .control(pcsc::ctl_code(GET_FEATURE_REQUEST as _), &[], &mut buf)
        .ok()
        .and_then(|list| feature_code(list, FEATURE_GET_TLV_PROPERTIES))
        .and_then(|code| {
            let mut props = [0u8; 256];
            let list = card.control(code as _, &[], &mut props).ok()?;
            tlv_property(list, PROPERTY_MAX_APDU_DATA_SIZE)
        });
    let caps = ChannelCaps {
        protocol,
        max_command,
        max_apdu_data,
    };
    tracing::debug!(?caps, "reader capabilities");
    caps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_limits_are_parsed() {
        assert_eq!(parse_dword(&261u32.to_ne_bytes()), Some(261));
        assert_eq!(parse_dword(&65_546u64.to_ne_bytes()), Some(65_546));
        assert_eq!(parse_dword(&[1, 2]), None);
        // Feature list: 06 (VERIFY_PIN_DIRECT) then 12 (GET_TLV_PROPERTIES) at 0x42330012.
        let list = [
            6, 4, 0x42, 0x33, 0x00, 0x06, 0x12, 4, 0x42, 0x33, 0x00, 0x12,
        ];
        assert_eq!(feature_code(&list, 0x12), Some(0x4233_0012));
        assert_eq!(feature_code(&list, 0x13), None);
        // Properties: wLcdLayout (01, 2 bytes), then dwMaxAPDUDataSize 0x10000 little-endian.
        let props = [0x01, 2, 0, 0, 0x0A, 4, 0x00, 0x00, 0x01, 0x00];
        assert_eq!(tlv_property(&props, 0x0A), Some(0x10000));
        assert_eq!(tlv_property(&[0x0A, 4, 0, 0, 0, 0], 0x0A), Some(0));
        assert_eq!(tlv_property(&[0x0A, 4, 0], 0x0A), None);
    }
}
