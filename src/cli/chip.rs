//! `cetak encode`, `cetak chip read|readers` and `cetak vcard`: the chip side by hand.

use std::net::ToSocketAddrs;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use cetak_drivers::chip::{self, PcscChannel, PcscConfig, Profile};
use cetak_drivers::vcard::{CardConfig, VirtualCard};

use super::card::{chip_fail, load};
use super::{fail, EncodeArgs, Lang, VcardArgs};
use crate::messages::{MessageText as _, Plain};

/// The card profile at `path`, else the built-in one.
pub(super) fn profile(path: Option<&Path>, lang: Lang) -> Result<Profile, ExitCode> {
    match path {
        Some(p) => Profile::load(p),
        None => Profile::default_profile(),
    }
    .map_err(|e| chip_fail(lang, &e))
}

fn channel(
    reader: &str,
    wait: u64,
    profile: &Profile,
    lang: Lang,
) -> Result<PcscChannel, ExitCode> {
    let mut cfg = PcscConfig::new(reader);
    cfg.card_wait = Duration::from_secs(wait);
    cfg.apdu_timeout = Duration::from_millis(profile.transfer.apdu_timeout_ms);
    PcscChannel::open(cfg).map_err(|e| chip_fail(lang, &e))
}

pub(super) fn encode(args: &EncodeArgs, lang: Lang) -> ExitCode {
    let loaded = match load(&args.job, lang, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let profile = match profile(args.profile.as_deref(), lang) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut ch = match channel(&args.reader, args.wait, &profile, lang) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let content = crate::chip_content::chip_content(&loaded.job);
    match chip::encode(&mut ch, &profile, &content) {
        Ok(report) => {
            let m = Plain::new("cli.chip_written").with("job", loaded.job.job_id());
            println!("{}", m.message(lang));
            match serde_json::to_string_pretty(&report) {
                Ok(json) => println!("{json}"),
                Err(e) => eprintln!("report: {e}"),
            }
            ExitCode::SUCCESS
        }
        Err(e) => chip_fail(lang, &e),
    }
}

pub(super) fn read(reader: &str, profile_path: Option<&Path>, wait: u64, lang: Lang) -> ExitCode {
    let profile = match profile(profile_path, lang) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut ch = match channel(reader, wait, &profile, lang) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match chip::read_card(&mut ch, &profile) {
        Ok(readout) => {
            for line in readout.to_lines() {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => chip_fail(lang, &e),
    }
}

pub(super) fn readers(lang: Lang) -> ExitCode {
    match chip::pcsc_backend::list_readers() {
        Ok(list) if list.is_empty() => fail(lang, &Plain::new("cli.no_readers")),
        Ok(list) => {
            for r in list {
                println!("{r}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => chip_fail(lang, &e),
    }
}

pub(super) fn vcard(args: &VcardArgs, lang: Lang) -> ExitCode {
    let mut config = if args.generic {
        CardConfig::generic()
    } else {
        CardConfig::cetak()
    };
    for f in &args.fault {
        if let Err(e) = config.faults.add(f) {
            let m = Plain::new("cli.fault_invalid")
                .with("fault", f)
                .with("detail", e);
            return fail(lang, &m);
        }
    }
    let addr = match (args.host.as_str(), args.port)
        .to_socket_addrs()
        .map(|mut a| a.next())
    {
        Ok(Some(a)) => a,
        _ => {
            let m = Plain::new("cli.vpcd_address_invalid")
                .with("host", &args.host)
                .with("port", args.port);
            return fail(lang, &m);
        }
    };
    let m = Plain::new("cli.virtual_card_connecting_to_vpcd").with("addr", addr);
    eprintln!("{}", m.message(lang));
    let stop = AtomicBool::new(false);
    match VirtualCard::new(config).run(addr, &stop) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(lang, &Plain::new("cli.vcard_failed").with("detail", e)),
    }
}
