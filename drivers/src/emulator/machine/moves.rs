//! The moves of the emulated printer: sequences, feeding, turning, panel downloads and prints,
//! ejecting and rejecting, and the bitmaps `Wcb` clears.

use std::collections::HashMap;
use std::time::Duration;

use super::{CurrentCard, Machine, Outcome, Place};
use crate::emulator::{CardOutcome, DownloadRecord, PrintedCard, PrintedSide};
use crate::printer::evolis::answer::{NackCode, RibbonType};
use crate::printer::evolis::commands::Request;
use crate::printer::layers::Side;
use crate::printer::panel::{dequantise, quantise, Panel, PanelImage, DOTS};

impl Machine {
    /// Commands that move the card or fill the bitmaps (what is not a read).
    pub(super) fn mechanical(&mut self, req: Request) -> Outcome {
        let zero = Duration::ZERO;
        if matches!(req, Request::StartSequence) {
            self.sequence_open = true;
            return (zero, Ok(None)); // opens a sequence; nothing moves
        }
        if self.jam {
            return (zero, Err(NackCode::Mechanical));
        }
        if self.cover_open {
            return (zero, Err(NackCode::Cover));
        }
        match req {
            Request::Insert => self.insert(Place::Print),
            Request::InsertToStation(station) => self.insert(Place::Station(station)),
            Request::Recto => self.turn_to(Side::Front),
            Request::Verso => self.turn_to(Side::Back),
            Request::Download {
                panel,
                levels,
                data,
            } => match PanelImage::unpack(panel, levels, &data) {
                Some(img) => self.download(img, data.len() + 16, false),
                None => (zero, Err(NackCode::Parameter)),
            },
            Request::DownloadCompressed {
                panel,
                levels,
                first_line,
                data,
            } => self.download_compressed(panel, levels, first_line, &data),
            Request::EndSequence => self.card_out(CardOutcome::Ejected),
            Request::Reject(_) => self.card_out(CardOutcome::Rejected),
            _ => (zero, Err(NackCode::Command)),
        }
    }

    /// `Sr` / `Sv`: the side the next panels print on; the card turns if it is inside.
    fn turn_to(&mut self, side: Side) -> Outcome {
        let zero = Duration::ZERO;
        if side == Side::Back && !self.config.dual_side {
            return (zero, Err(NackCode::Command));
        }
        let turn = self.card.is_some() && self.side != side;
        self.side = side;
        if let Some(card) = self.card.as_mut() {
            card.side_started = false;
        }
        self.leave_station();
        (if turn { self.config.timings.flip } else { zero }, Ok(None))
    }

    /// `Dbc`: compressed lines into the panel's bitmap, then printed like a raw download.
    fn download_compressed(
        &mut self,
        panel: Panel,
        levels: u16,
        first_line: usize,
        data: &[u8],
    ) -> Outcome {
        // Lines the download does not cover keep what the bitmap held.
        let mut img = self
            .bitmaps
            .get(&panel)
            .cloned()
            .unwrap_or_else(|| PanelImage::blank(panel, levels));
        if img.levels != levels && panel.is_colour() && levels != 2 {
            // The kept lines keep their density at the new level count.
            for v in img.values.iter_mut() {
                *v = quantise(dequantise(*v, img.levels), levels);
            }
            img.levels = levels;
        }
        match crate::printer::evolis::compress::decompress_into(&mut img, levels, first_line, data)
        {
            Ok(_) => self.download(img, data.len() + 24, true),
            Err(e) => {
                tracing::debug!(error = %e, "emulator refuses Dbc data");
                (Duration::ZERO, Err(NackCode::Parameter))
            }
        }
    }

    /// `Se` (to the hopper) or `Ser` / `Seb` (to the reject box): the card leaves, unless there
    /// is none or its box is full.
    fn card_out(&mut self, outcome: CardOutcome) -> Outcome {
        let zero = Duration::ZERO;
        if self.card.is_none() {
            return (zero, Err(NackCode::Command));
        }
        let (count, capacity) = match outcome {
            CardOutcome::Ejected => (&mut self.hopper, self.config.hopper_capacity),
            _ => (&mut self.reject_box, self.config.reject_capacity),
        };
        if *count >= capacity {
            return (zero, Err(NackCode::Mechanical));
        }
        *count += 1;
        self.sequence_open = false;
        self.finish_card(outcome);
        (self.config.timings.eject, Ok(None))
    }

    /// `Wcb`: a bitmap (or all five) set to `fill`. [choice] K / O: each byte is 8 dots, first
    /// dot in the MSB (as `Db` packs them), so 255 is full resin / varnish; Y / M / C: every
    /// dot gets the density `fill` (0 none, 255 full) at the bitmap's level count (32 when it
    /// never had a download). Refused (NACK `1`) between `Ss` and `Se`, as the guide says,
    /// whatever the `Pem` mode (stricter than the guide, which names `Pem;0`).
    pub(super) fn clear_bitmap(&mut self, panel: Option<Panel>, fill: u8) -> Outcome {
        if self.sequence_open {
            return (Duration::ZERO, Err(NackCode::Command));
        }
        let panels: Vec<Panel> = match panel {
            Some(p) => vec![p],
            None => Panel::ALL.to_vec(),
        };
        for p in panels {
            let img = if p.is_colour() {
                let levels = self.bitmaps.get(&p).map_or(32, |b| b.levels);
                PanelImage {
                    panel: p,
                    levels,
                    values: vec![quantise(fill, levels); crate::printer::panel::LINES * DOTS],
                }
            } else {
                let mut img = PanelImage::blank(p, 2);
                for (i, v) in img.values.iter_mut().enumerate() {
                    *v = (fill >> (7 - i % 8)) & 1;
                }
                img
            };
            self.bitmaps.insert(p, img);
        }
        (Duration::ZERO, Ok(None))
    }

    /// Takes a card from the feeder to `place`.
    fn insert(&mut self, place: Place) -> Outcome {
        let t = self.config.timings;
        let zero = Duration::ZERO;
        if self.card.is_some() {
            return (zero, Err(NackCode::Mechanical)); // a second card into the mechanism
        }
        if self.ribbon_ended() || self.config.ribbon == RibbonType::None {
            return (zero, Err(NackCode::Ribbon));
        }
        if self.feeder == 0 {
            self.no_card = true;
            return (t.feed, Err(NackCode::Feeder));
        }
        self.no_card = false;
        self.feeder -= 1;
        self.cards_inserted = self.cards_inserted.wrapping_add(1);
        self.cards_since_cleaning = self.cards_since_cleaning.saturating_add(1);
        self.card = Some(CurrentCard {
            card: PrintedCard {
                number: self.cards_inserted,
                sides: HashMap::new(),
                stations: Vec::new(),
                outcome: CardOutcome::InPrinter,
            },
            place,
            panels: 0,
            side_started: false,
        });
        let mut delay = t.feed;
        if let Place::Station(station) = place {
            if let Some(card) = self.card.as_mut() {
                card.card.stations.push(station);
            }
            if let Some(s) = self.station.as_mut() {
                s.card_parked(station);
            }
            delay += t.station;
        }
        (delay, Ok(None))
    }

    /// A panel arrived in its bitmap: print it on the card, taking one from the feeder first
    /// when none is inside (the guide's example sequence has no `Si`).
    fn download(&mut self, img: PanelImage, wire_bytes: usize, compressed: bool) -> Outcome {
        let zero = Duration::ZERO;
        let mut delay = zero;
        if self.card.is_none() {
            match self.insert(Place::Print) {
                (d, Ok(_)) => delay = d,
                refused => return refused,
            }
        }
        let (d, result) = self.print_panel(img, wire_bytes, compressed);
        (delay + d, result)
    }

    fn print_panel(&mut self, img: PanelImage, wire_bytes: usize, compressed: bool) -> Outcome {
        let zero = Duration::ZERO;
        let t = self.config.timings;
        if !self.ribbon_setting.has_panel(img.panel) || !self.config.ribbon.has_panel(img.panel) {
            return (zero, Err(NackCode::Ribbon));
        }
        if self.ribbon_ended() {
            return (zero, Err(NackCode::Ribbon));
        }
        self.leave_station();
        let jam_at = self.faults.jam_at_panel;
        let side_now = self.side;
        let Some(card) = self.card.as_mut() else {
            return (zero, Err(NackCode::Command));
        };
        let side = card
            .card
            .sides
            .entry(side_now)
            .or_insert_with(PrintedSide::default);
        if side.panels.contains_key(&img.panel) {
            return (zero, Err(NackCode::Parameter));
        }
        card.panels += 1;
        if jam_at.is_some_and(|n| card.panels >= n) {
            self.faults.jam_at_panel = None;
            self.jam = true;
            return (t.colour_panel / 2, Err(NackCode::Mechanical));
        }
        if !card.side_started {
            card.side_started = true;
            self.ribbon_left = self.ribbon_left.saturating_sub(1);
        }
        let delay = if img.panel.is_colour() {
            t.colour_panel
        } else {
            t.mono_panel
        };
        side.downloads.push(DownloadRecord {
            panel: img.panel,
            compressed,
            wire_bytes,
        });
        side.panels.insert(img.panel, img.clone());
        self.bitmaps.insert(img.panel, img);
        self.panels_printed = self.panels_printed.wrapping_add(1);
        self.panels_since_start += 1;
        (delay, Ok(None))
    }

    fn leave_station(&mut self) {
        if let Some(card) = self.card.as_mut() {
            if matches!(card.place, Place::Station(_)) {
                card.place = Place::Print;
                if let Some(s) = self.station.as_mut() {
                    s.card_left();
                }
            }
        }
    }

    pub(super) fn finish_card(&mut self, outcome: CardOutcome) {
        self.leave_station();
        if let Some(mut current) = self.card.take() {
            current.card.outcome = outcome;
            if self.config.out_dir.is_some() {
                self.to_write.push(current.card.clone());
            }
            if !self.config.keep_panels {
                for side in current.card.sides.values_mut() {
                    side.panels.clear();
                }
            }
            self.cards.push(current.card);
        }
        self.side = Side::Front;
    }
}
