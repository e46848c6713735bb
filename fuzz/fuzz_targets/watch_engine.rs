//! Arbitrary frames and log text through watch mode's engine, with a clock that runs on: no
//! panic, every diagnosis made, nothing tracked left past the end.
#![no_main]

use ike_watch::{Config, Watch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut watch = Watch::new(Config {
        max_sas: 16,
        max_evidence_bytes: 64 * 1024,
        sas_from_logs: true,
        ..Config::default()
    });
    let mut now: i64 = 1_700_000_000_000_000_000;
    // Records: a tag byte (even: a raw IP frame, odd: log text), a length byte, the bytes.
    let mut rest = data;
    while let [tag, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (body, after) = tail.split_at(n);
        now += i64::from(*tag) * 50_000_000;
        if tag % 2 == 0 {
            watch.handle_frame(now, body);
        } else {
            let text = String::from_utf8_lossy(body);
            watch.handle_log(now, ike_logs::Format::Charon, &text);
        }
        if let Some(due) = watch.poll_timeout().filter(|&d| d <= now) {
            watch.handle_timeout(due);
        }
        while watch.poll_event().is_some() {}
        rest = after;
    }
    watch.handle_timeout(i64::MAX);
    while watch.poll_event().is_some() {}
});
