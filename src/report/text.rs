//! Numbers in Indonesian words for the BAST (the reports' operator texts are catalogue rows,
//! `csv.*` and `report.*`).

const UNITS: [&str; 12] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
];

/// A count in Indonesian words (terbilang): 12 → `dua belas`, 1_250 → `seribu dua ratus lima
/// puluh`.
pub fn terbilang(n: u64) -> String {
    fn words(n: u64) -> String {
        match n {
            0..=11 => UNITS[n as usize].to_string(),
            12..=19 => format!("{} belas", UNITS[(n - 10) as usize]),
            20..=99 => join(format!("{} puluh", UNITS[(n / 10) as usize]), n % 10),
            100..=199 => join("seratus".into(), n - 100),
            200..=999 => join(format!("{} ratus", UNITS[(n / 100) as usize]), n % 100),
            1_000..=1_999 => join("seribu".into(), n - 1_000),
            2_000..=999_999 => join(format!("{} ribu", words(n / 1_000)), n % 1_000),
            1_000_000..=999_999_999 => {
                join(format!("{} juta", words(n / 1_000_000)), n % 1_000_000)
            }
            _ => join(
                format!("{} miliar", words(n / 1_000_000_000)),
                n % 1_000_000_000,
            ),
        }
    }
    fn join(head: String, rest: u64) -> String {
        if rest == 0 {
            head
        } else {
            format!("{head} {}", words(rest))
        }
    }
    words(n)
}

#[cfg(test)]
mod tests {
    use super::terbilang;

    #[test]
    fn numbers_in_words() {
        assert_eq!(terbilang(0), "nol");
        assert_eq!(terbilang(11), "sebelas");
        assert_eq!(terbilang(12), "dua belas");
        assert_eq!(terbilang(20), "dua puluh");
        assert_eq!(terbilang(105), "seratus lima");
        assert_eq!(terbilang(1_250), "seribu dua ratus lima puluh");
        assert_eq!(terbilang(100_000), "seratus ribu");
        assert_eq!(terbilang(2_000_001), "dua juta satu");
    }
}
