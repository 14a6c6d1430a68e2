use super::*;

fn sample(panel: Panel, levels: u16) -> PanelImage {
    let mut img = PanelImage::blank(panel, levels);
    let max = (levels - 1) as usize;
    for line in 100..900 {
        for dot in 0..DOTS {
            let v = match line % 4 {
                0 => (dot * 13 + line) % (max + 1),       // noisy
                1 => max,                                 // full line
                2 if dot < 300 => (line / 7) % (max + 1), // run then blank
                _ => 0,
            };
            img.values[line * DOTS + dot] = v as u8;
        }
    }
    img
}

#[test]
fn round_trip_every_depth() {
    for (panel, levels) in [
        (Panel::Black, 2),
        (Panel::Overlay, 2),
        (Panel::Yellow, 32),
        (Panel::Magenta, 64),
        (Panel::Cyan, 128),
    ] {
        let img = sample(panel, levels);
        let data = compress(&img);
        let back = decompress(panel, levels, 0, &data).unwrap();
        assert_eq!(back, img, "{panel:?} {levels}");
    }
}

#[test]
fn pack8_is_the_msb_first_fold() {
    for n in 0..=255u8 {
        for high in [0u8, 2, 0xFE] {
            let dots: Vec<u8> = (0..8).map(|i| ((n >> (7 - i)) & 1) | high).collect();
            let fold = dots.iter().fold(0u8, |acc, &d| (acc << 1) | (d & 1));
            assert_eq!(pack8(&dots), fold, "{n:08b} {high}");
            assert_eq!(fold, n);
        }
    }
}

#[test]
fn used_len_is_the_length_without_trailing_zeros() {
    for len in [0usize, 1, 7, 8, 9, 648, 651] {
        for last in 0..len.min(40) {
            for at in [last, len - 1 - last] {
                let mut v = vec![0u8; len];
                v[at] = 1 + (at % 200) as u8;
                if at > 3 {
                    v[at - 3] = 9;
                }
                let want = v.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
                assert_eq!(used_len(&v), want, "len {len} at {at}");
            }
        }
        assert_eq!(used_len(&vec![0u8; len]), 0);
    }
}

#[test]
fn every_line_is_sent_a_white_line_costs_one_or_two_bytes() {
    let data = compress(&PanelImage::blank(Panel::Black, 2));
    assert_eq!(data, vec![0u8; LINES]);
    let data = compress(&PanelImage::blank(Panel::Cyan, 32));
    assert_eq!(data, [0x80, 0x00].repeat(LINES));
    assert_eq!(
        decompress(Panel::Cyan, 32, 0, &data).unwrap(),
        PanelImage::blank(Panel::Cyan, 32)
    );
}

#[test]
fn spare_bits_add_256_each() {
    // 5 bits: one spare bit (either) = +256, both = +512; the largest run is 767.
    for (head, count) in [
        (0x80 | 0x40 | 7, 44 + 256),
        (0x80 | 0x20 | 7, 44 + 256),
        (0x80 | 0x60 | 7, 44 + 512),
    ] {
        let mut data = vec![head, 44];
        let rest = DOTS - count; // 348 or 92 blank dots
        let spare = if rest > 255 { 0x40 } else { 0 };
        data.extend_from_slice(&[0x80 | spare, (rest % 256) as u8]);
        let img = decompress(Panel::Yellow, 32, 0, &data).unwrap();
        assert_eq!(img.at(0, count - 1), 7, "{head:02x}");
        assert_eq!(img.at(0, count), 0, "{head:02x}");
    }
    // 6 bits: bit 6 is the only spare bit; bit 5 belongs to the value.
    let img = decompress(
        Panel::Magenta,
        64,
        0,
        &[0x80 | 0x40 | 0x21, 100, 0x80 | 0x40, 36],
    )
    .unwrap();
    assert_eq!(
        (img.at(0, 0), img.at(0, 355), img.at(0, 356)),
        (0x21, 0x21, 0)
    );
    assert_eq!(max_run(5), 767);
    assert_eq!(max_run(6), 511);
    assert_eq!(max_run(7), 255);
}

#[test]
fn runs_never_carry_a_zero_counter() {
    for (levels, bits) in [(32u16, 5u32), (64, 6), (128, 7)] {
        for len in [3usize, 255, 256, 257, 511, 512, 513, 647, 648] {
            let mut img = PanelImage::blank(Panel::Cyan, levels);
            img.values[5 * DOTS..5 * DOTS + len].fill(1);
            let data = compress(&img);
            let back = decompress(Panel::Cyan, levels, 0, &data).unwrap();
            assert_eq!(back, img, "{levels} levels, run {len}");
            // Line 5 alone: its codes never hold a counter of 0.
            let line: Vec<u8> = data[10..].to_vec();
            let mut i = 0;
            let mut dots = 0;
            while dots < DOTS {
                if line[i] & 0x80 != 0 {
                    assert_ne!(line[i + 1], 0, "{levels} levels, run {len}");
                    let spare = (line[i] & 0x7F) >> bits;
                    dots += usize::from(line[i + 1]) + 256 * spare.count_ones() as usize;
                    i += 2;
                } else {
                    dots += 1;
                    i += 1;
                }
            }
            assert_eq!(dots, DOTS);
        }
    }
}

#[test]
fn lines_outside_a_download_keep_the_bitmap() {
    let mut img = sample(Panel::Black, 2);
    let before = img.clone();
    let range = decompress_into(&mut img, 2, 10, &[0x00, 0xFF]).unwrap();
    assert_eq!(range, 10..12);
    assert!((0..DOTS).all(|d| img.at(10, d) == 0 && img.at(11, d) == 1));
    assert_eq!(img.values[..10 * DOTS], before.values[..10 * DOTS]);
    assert_eq!(img.values[12 * DOTS..], before.values[12 * DOTS..]);
}

#[test]
fn refuses_malformed() {
    use DecodeError::*;
    assert!(matches!(
        decompress(Panel::Black, 2, 0, &[82]),
        Err(BadLineHeader { .. })
    ));
    assert!(matches!(
        decompress(Panel::Black, 2, 0, &[5, 1, 2]),
        Err(Truncated(0))
    ));
    assert!(matches!(
        decompress(Panel::Black, 32, 0, &[]),
        Err(BadLevels { .. })
    ));
    assert!(matches!(
        decompress(Panel::Cyan, 2, 0, &[]),
        Err(BadLevels { .. })
    ));
    assert!(matches!(
        decompress(Panel::Cyan, 32, 0, &[0x20]),
        Err(BadValue { .. })
    ));
    assert!(matches!(
        decompress(Panel::Cyan, 128, 0, &[0xFF, 255, 0xFF, 255, 0xFF, 255]),
        Err(RunOverflow { .. })
    ));
    assert!(matches!(
        decompress(Panel::Cyan, 32, 0, &[0x01]),
        Err(Truncated(0))
    ));
    assert!(matches!(
        decompress(Panel::Black, 2, 1015, &[0, 0]),
        Err(TooManyLines)
    ));
    assert!(matches!(
        decompress(Panel::Black, 2, 1016, &[]),
        Err(BadFirstLine(1016))
    ));
    // A counter of 0 after dots, with spare bits (a run of 256), or with a value.
    for data in [&[0x01, 0x80, 0x00][..], &[0xC0, 0x00], &[0x85, 0x00]] {
        assert!(
            matches!(
                decompress(Panel::Yellow, 32, 0, data),
                Err(ZeroCount { .. })
            ),
            "{data:02x?}"
        );
    }
    assert!(matches!(
        decompress(Panel::Black, 2, 2000, &[]),
        Err(BadFirstLine(2000))
    ));
}
