//! Ties a printer's encoder station to virtual cards: a card is in the vpcd reader only while a
//! card is parked at the station, as with a real printer whose reader sees the chip only there.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::config::CardConfig;
use super::vpcd::{Inserted, ReaderLink, VirtualCard};
use crate::printer::station::{EncoderStation, StationCard};

/// A [`StationCard`] that inserts a fresh virtual card (a new blangko) into a vpcd reader each
/// time a card is parked, and takes it out when the card leaves.
pub struct VcardStation {
    link: ReaderLink,
    plan: Vec<CardConfig>,
    fallback: CardConfig,
    cards: Arc<Mutex<Vec<VirtualCard>>>,
    inserted: Option<Inserted>,
}

/// Read access to the cards a [`VcardStation`] has used, in order (for tests and demos).
#[derive(Clone)]
pub struct StationCards(Arc<Mutex<Vec<VirtualCard>>>);

impl StationCards {
    /// Every card parked so far (the n-th blangko is index n).
    pub fn all(&self) -> Vec<VirtualCard> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The last card parked.
    pub fn last(&self) -> Option<VirtualCard> {
        self.all().pop()
    }
}

impl VcardStation {
    /// Every parked card gets `config`.
    pub fn new(link: impl Into<ReaderLink>, config: CardConfig) -> (Self, StationCards) {
        VcardStation::with_plan(link, Vec::new(), config)
    }

    /// The n-th parked card gets `plan[n]` (e.g. a faulty first blangko), later ones `fallback`.
    pub fn with_plan(
        link: impl Into<ReaderLink>,
        plan: Vec<CardConfig>,
        fallback: CardConfig,
    ) -> (Self, StationCards) {
        let cards = Arc::new(Mutex::new(Vec::new()));
        (
            VcardStation {
                link: link.into(),
                plan,
                fallback,
                cards: cards.clone(),
                inserted: None,
            },
            StationCards(cards),
        )
    }
}

impl StationCard for VcardStation {
    fn card_parked(&mut self, station: EncoderStation) {
        self.inserted.take();
        let mut cards = self.cards.lock().unwrap_or_else(|p| p.into_inner());
        let config = self
            .plan
            .get(cards.len())
            .cloned()
            .unwrap_or_else(|| self.fallback.clone());
        let card = VirtualCard::new(config);
        cards.push(card.clone());
        drop(cards);
        match card.insert(self.link, Duration::from_secs(2)) {
            Ok(i) => self.inserted = Some(i),
            // The encoder will then report "no card" and reject the blangko.
            Err(e) => {
                tracing::warn!(?station, error = %e, "virtual card could not enter its reader")
            }
        }
    }

    fn card_left(&mut self) {
        if let Some(i) = self.inserted.take() {
            i.remove();
        }
    }
}
