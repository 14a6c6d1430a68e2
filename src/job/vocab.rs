//! Closed vocabularies printed on the cards. The job carries them as the exact upper-case words
//! the card prints; anything else is refused rather than guessed.

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* #[doc = $text] $variant),+
        }

        impl $name {
            /// Every word the vocabulary accepts, as printed.
            pub const ALL: &'static [&'static str] = &[$($text),+];

            /// The exact printed word, or `None` for anything else (case matters).
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The word the card prints.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }
    };
}

vocabulary!(
    /// Jenis Kelamin.
    Sex {
        LakiLaki => "LAKI-LAKI",
        Perempuan => "PEREMPUAN",
    }
);

vocabulary!(
    /// Agama, including the belief option recognised since 2017.
    Religion {
        Islam => "ISLAM",
        Kristen => "KRISTEN",
        Katolik => "KATOLIK",
        Hindu => "HINDU",
        Buddha => "BUDDHA",
        Konghucu => "KONGHUCU",
        Kepercayaan => "KEPERCAYAAN TERHADAP TUHAN YME",
    }
);

vocabulary!(
    /// Status Perkawinan.
    MaritalStatus {
        BelumKawin => "BELUM KAWIN",
        Kawin => "KAWIN",
        CeraiHidup => "CERAI HIDUP",
        CeraiMati => "CERAI MATI",
    }
);

vocabulary!(
    /// Golongan Darah; "-" when unknown.
    BloodGroup {
        A => "A",
        B => "B",
        Ab => "AB",
        O => "O",
        Unknown => "-",
    }
);

vocabulary!(
    /// Kewarganegaraan.
    Citizenship {
        Wni => "WNI",
        Wna => "WNA",
    }
);

impl MaritalStatus {
    /// Has been married at some time: what makes a person under 17 an adult for the KTP-el and
    /// ineligible for a KIA.
    pub fn ever_married(self) -> bool {
        !matches!(self, MaritalStatus::BelumKawin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_word() {
        for w in Sex::ALL {
            assert_eq!(Sex::parse(w).unwrap().as_str(), *w);
        }
        for w in Religion::ALL {
            assert_eq!(Religion::parse(w).unwrap().as_str(), *w);
        }
        for w in MaritalStatus::ALL {
            assert_eq!(MaritalStatus::parse(w).unwrap().as_str(), *w);
        }
        for w in BloodGroup::ALL {
            assert_eq!(BloodGroup::parse(w).unwrap().as_str(), *w);
        }
        for w in Citizenship::ALL {
            assert_eq!(Citizenship::parse(w).unwrap().as_str(), *w);
        }
    }

    #[test]
    fn refuses_near_misses() {
        assert_eq!(Sex::parse("laki-laki"), None);
        assert_eq!(Sex::parse("L"), None);
        assert_eq!(Religion::parse("KEPERCAYAAN"), None);
        assert_eq!(BloodGroup::parse("A+"), None);
        assert_eq!(BloodGroup::parse(""), None);
        assert_eq!(Citizenship::parse("WNI "), None);
        assert_eq!(
            Religion::parse("KEPERCAYAAN TERHADAP TUHAN YME"),
            Some(Religion::Kepercayaan)
        );
    }

    #[test]
    fn married_means_ever_married() {
        assert!(!MaritalStatus::BelumKawin.ever_married());
        assert!(MaritalStatus::Kawin.ever_married());
        assert!(MaritalStatus::CeraiHidup.ever_married());
        assert!(MaritalStatus::CeraiMati.ever_married());
    }
}
