//! The engine driven by a fake clock with the lab's real captures and logs, as a gateway's
//! watch would have seen them: frames and log lines fed in time order, timeouts handled as the
//! clock passes them.
use std::path::{Path, PathBuf};

use super::*;

fn lab(scenario: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/lab")
        .join(scenario)
        .join(file)
}

enum Input {
    Frame(Vec<u8>),
    Line(String),
}

/// Every frame of the capture and every recognised line of the log, with their times.
fn recorded(scenario: &str, side: &str) -> (Vec<(i64, Input)>, ike_logs::Format) {
    let mut inputs = Vec::new();
    let bytes = std::fs::read(lab(scenario, &format!("{side}.pcap"))).expect("capture");
    let mut reader = ike_capture::CaptureReader::new(&bytes[..]).expect("pcap");
    let mut first = None;
    while let Some(frame) = reader.next_frame().expect("frame") {
        first.get_or_insert(frame.ts.0);
        inputs.push((frame.ts.0, Input::Frame(frame.data.to_vec())));
    }
    let text = std::fs::read_to_string(lab(scenario, &format!("{side}.log"))).expect("log");
    let format = ike_logs::detect(text.as_bytes()).expect("a log");
    let config = ike_logs::ScanConfig {
        reference_ns: first,
        ..Default::default()
    };
    let mut lines = Vec::new();
    ike_logs::scan(text.as_bytes(), format, &config, &mut |r| {
        if let Some(t) = r.time_ns {
            lines.push((t, Input::Line(r.text.clone())));
        }
    })
    .expect("scan");
    inputs.extend(lines);
    inputs.sort_by_key(|(t, _)| *t);
    (inputs, format)
}

/// Feeds `inputs` and lets the clock run `after_ns` past the last; returns the events with the
/// time each came out.
fn run(
    config: Config,
    inputs: Vec<(i64, Input)>,
    format: ike_logs::Format,
    after_ns: i64,
) -> (Watch, Vec<Finished>) {
    let mut watch = Watch::new(config);
    let mut out = Vec::new();
    let end = inputs.last().map_or(0, |(t, _)| *t) + after_ns;
    let drain = |watch: &mut Watch, out: &mut Vec<Finished>| {
        while let Some(event) = watch.poll_event() {
            if let Event::Finished(f) = event {
                out.push(*f);
            }
        }
    };
    for (t, input) in inputs {
        while let Some(due) = watch.poll_timeout().filter(|&d| d <= t) {
            watch.handle_timeout(due);
            drain(&mut watch, &mut out);
        }
        match input {
            Input::Frame(data) => watch.handle_frame(t, &data),
            Input::Line(line) => watch.handle_log(t, format, &format!("{line}\n")),
        }
        drain(&mut watch, &mut out);
    }
    while let Some(due) = watch.poll_timeout().filter(|&d| d <= end) {
        watch.handle_timeout(due);
        drain(&mut watch, &mut out);
    }
    (watch, out)
}

fn ethernet() -> Config {
    Config {
        link_type: 1,
        ..Config::default()
    }
}

fn summary(f: &Finished) -> (Kind, Outcome, Option<&'static str>, Option<&'static str>) {
    (
        f.kind,
        f.verdict.outcome,
        f.verdict.phase.map(|p| p.as_str()),
        f.verdict.category.map(|c| c.as_str()),
    )
}

#[test]
fn a_psk_mismatch_is_one_failed_attempt_soon_after_the_gateway_refuses() {
    let (inputs, format) = recorded("psk-mismatch", "gateway");
    let refused = inputs
        .iter()
        .find_map(|(t, i)| {
            matches!(i, Input::Line(l) if l.contains("MAC mismatched")).then_some(*t)
        })
        .expect("the refusal line");
    let (_, events) = run(ethernet(), inputs, format, 60_000_000_000);
    assert_eq!(events.len(), 1, "{events:?}");
    let f = &events[0];
    assert_eq!(
        summary(f),
        (
            Kind::Attempt,
            Outcome::Failed,
            Some("IKE_AUTH"),
            Some("auth-psk")
        )
    );
    assert!(
        f.at_ns - refused <= 5_000_000_000,
        "{} ns after",
        f.at_ns - refused
    );
    assert!(f.log.contains("MAC mismatched"));
    // The evidence says the same to a second reading.
    let (again, _, _) = evaluate(&f.evidence_name, &f.pcap, &f.log, None, f.at_ns);
    assert_eq!(again, f.verdict);
}

#[test]
fn a_proposal_mismatch_ends_in_ike_sa_init() {
    let (inputs, format) = recorded("ike-proposal-mismatch", "gateway");
    let (_, events) = run(ethernet(), inputs, format, 60_000_000_000);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        summary(&events[0]),
        (
            Kind::Attempt,
            Outcome::Failed,
            Some("IKE_SA_INIT"),
            Some("proposal-ike")
        )
    );
}

#[test]
fn unanswered_requests_are_diagnosed_once_their_sender_stops() {
    let (inputs, format) = recorded("udp-blocked", "gateway");
    let last = inputs.last().map(|(t, _)| *t).expect("frames");
    let (_, events) = run(ethernet(), inputs, format, 200_000_000_000);
    assert_eq!(events.len(), 1, "{events:?}");
    let f = &events[0];
    assert_eq!(f.kind, Kind::Attempt);
    assert_eq!(f.verdict.outcome, Outcome::Failed);
    assert_eq!(f.verdict.phase.map(|p| p.as_str()), Some("IKE_SA_INIT"));
    assert_eq!(f.retransmits, 3);
    println!("{:?}", f.verdict);
    // The client (retransmit base 1.4) gave up one interval after its last send; the watch
    // says so within twice that interval, not at the 165 s limit.
    assert!(
        f.at_ns - last < 10_000_000_000,
        "{} s",
        (f.at_ns - last) / 1_000_000_000
    );
}

#[test]
fn an_sa_lost_behind_nat_is_reported_after_its_attempt() {
    let (inputs, format) = recorded("nat-mapping-expired", "gateway");
    let (watch, events) = run(ethernet(), inputs, format, 60_000_000_000);
    let kinds: Vec<_> = events.iter().map(summary).collect();
    assert_eq!(
        kinds,
        vec![
            (Kind::Attempt, Outcome::Established, None, None),
            (
                Kind::Lost,
                Outcome::Failed,
                Some("ESTABLISHED"),
                Some("nat")
            ),
        ]
    );
    assert_eq!(watch.tracked(), (0, 0), "the lost SA is forgotten");
}

#[test]
fn an_established_attempt_is_reported_once_and_stays_watched() {
    let (inputs, format) = recorded("psk-ok", "gateway");
    let (watch, events) = run(ethernet(), inputs, format, 30_000_000_000);
    let kinds: Vec<_> = events.iter().map(summary).collect();
    assert_eq!(
        kinds,
        vec![(Kind::Attempt, Outcome::Established, None, None)]
    );
    assert_eq!(watch.tracked(), (1, 1));
}

#[test]
fn attempts_past_the_cap_are_counted_not_tracked() {
    let (inputs, format) = recorded("psk-mismatch", "gateway");
    let config = Config {
        max_sas: 0,
        ..ethernet()
    };
    let (watch, events) = run(config, inputs, format, 10_000_000_000);
    assert!(events.is_empty());
    assert_eq!((watch.attempts, watch.untracked), (1, 1));
}

#[test]
fn past_the_lines_of_a_window_diagnoses_are_counted_into_one_aggregate() {
    let (inputs, format) = recorded("psk-mismatch", "gateway");
    let config = Config {
        lines_per_window: 0,
        ..ethernet()
    };
    let mut watch = Watch::new(config);
    let start = inputs.first().map(|(t, _)| *t).expect("inputs");
    for (t, input) in inputs {
        match input {
            Input::Frame(data) => watch.handle_frame(t, &data),
            Input::Line(line) => watch.handle_log(t, format, &format!("{line}\n")),
        }
    }
    let mut events = Vec::new();
    let end = start + 120_000_000_000;
    while let Some(due) = watch.poll_timeout().filter(|&d| d <= end) {
        watch.handle_timeout(due);
        while let Some(e) = watch.poll_event() {
            events.push(e);
        }
    }
    let finished: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            Event::Finished(f) => Some(f.suppressed),
            Event::Aggregate(_) => None,
        })
        .collect();
    assert_eq!(finished, vec![true], "counted, not reported alone");
    let aggregates: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Aggregate(a) => Some((a.kind, a.outcome, a.phase, a.category, a.count)),
            Event::Finished(_) => None,
        })
        .collect();
    assert_eq!(
        aggregates,
        vec![(
            Kind::Attempt,
            Outcome::Failed,
            Some("IKE_AUTH"),
            Some("auth-psk"),
            1
        )]
    );
}

#[test]
fn evidence_past_the_budget_is_counted_not_kept() {
    let (inputs, format) = recorded("psk-mismatch", "gateway");
    let config = Config {
        max_evidence_bytes: 600,
        ..ethernet()
    };
    let (watch, events) = run(config, inputs, format, 10_000_000_000);
    assert!(watch.frames_not_kept > 0);
    assert_eq!(events.len(), 1);
}

/// With no evidence budget at all, a failed attempt is still one the watch saw: inconclusive
/// for want of evidence, never "no IKE traffic".
#[test]
fn an_attempt_none_of_whose_frames_were_kept_is_not_called_no_traffic() {
    let (inputs, format) = recorded("psk-mismatch", "gateway");
    let frames: Vec<(i64, Input)> = inputs
        .into_iter()
        .filter(|(_, i)| matches!(i, Input::Frame(_)))
        .collect();
    let config = Config {
        max_evidence_bytes: 0,
        ..ethernet()
    };
    let (watch, events) = run(config, frames, format, 200_000_000_000);
    assert!(watch.frames_not_kept > 0);
    assert_eq!(events.len(), 1, "{events:?}");
    let f = &events[0];
    assert_eq!(f.verdict.outcome, Outcome::Inconclusive);
    assert!(
        f.verdict.summary.contains("none kept") && f.verdict.summary.contains("budget"),
        "{}",
        f.verdict.summary
    );
    assert_eq!(f.verdict_json["outcome"], "inconclusive");
    assert!(f.pcap.is_empty());
}

#[test]
fn an_idle_established_sa_is_forgotten() {
    let (inputs, format) = recorded("psk-ok", "gateway");
    let config = Config {
        idle_expire_ns: 5_000_000_000,
        window_ns: 1_000_000_000,
        ..ethernet()
    };
    let (watch, _) = run(config, inputs, format, 30_000_000_000);
    assert_eq!((watch.tracked(), watch.expired), ((0, 0), 1));
}

#[test]
fn a_log_alone_is_enough_for_an_sa_known_from_it() {
    let (inputs, format) = recorded("psk-mismatch", "gateway");
    let lines: Vec<(i64, Input)> = inputs
        .into_iter()
        .filter(|(_, i)| matches!(i, Input::Line(_)))
        .collect();
    let config = Config {
        sas_from_logs: true,
        ..ethernet()
    };
    let (_, events) = run(config, lines, format, 10_000_000_000);
    assert_eq!(events.len(), 1, "{events:?}");
    let f = &events[0];
    assert_eq!(
        summary(f),
        (
            Kind::Attempt,
            Outcome::Failed,
            Some("IKE_AUTH"),
            Some("auth-psk")
        )
    );
    assert!(f.pcap.is_empty(), "no capture");
    assert_eq!(f.initiator.ip().to_string(), "10.99.2.3");
}

#[test]
fn a_forgotten_sa_leaves_no_due_time_nor_daemon_number_behind() {
    let (inputs, format) = recorded("psk-mismatch", "gateway");
    let (watch, events) = run(ethernet(), inputs, format, 10_000_000_000);
    assert_eq!(events.len(), 1);
    assert!(watch.sas.is_empty());
    assert!(watch.dues.is_empty(), "{:?}", watch.dues);
    assert!(watch.by_ref.is_empty(), "{:?}", watch.by_ref);
}

/// `count` half-open SAs, all begun at `t`: the gateway capture's first IKE_SA_INIT request
/// with its initiator's SPI changed.
fn half_open_flood(count: u64) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(lab("psk-mismatch", "gateway.pcap")).expect("capture");
    let mut reader = ike_capture::CaptureReader::new(&bytes[..]).expect("pcap");
    let first = reader.next_frame().expect("frame").expect("a frame");
    // Ethernet, IPv4 without options, UDP 500: the IKE header at 42.
    const IKE: usize = 14 + 20 + 8;
    let request = first.data.to_vec();
    assert_eq!(request[IKE + 18], 34, "IKE_SA_INIT");
    assert_eq!(request[IKE + 19] & 0x20, 0, "a request");
    (1..=count)
        .map(|n| {
            let mut frame = request.clone();
            frame[IKE..IKE + 8].copy_from_slice(&n.to_be_bytes());
            frame
        })
        .collect()
}

#[test]
fn sas_due_at_once_are_diagnosed_a_bounded_batch_a_call() {
    let count = 3 * DUE_PER_CALL as u64 + 5;
    let mut watch = Watch::new(ethernet());
    for frame in half_open_flood(count) {
        watch.handle_frame(1_000_000_000, &frame);
    }
    assert_eq!(watch.tracked(), (count as usize, 0));
    let due = watch.poll_timeout().expect("a due time");
    let mut batches = Vec::new();
    while watch.is_due(due) {
        watch.handle_timeout(due);
        let mut finished = 0;
        while let Some(event) = watch.poll_event() {
            finished += usize::from(matches!(event, Event::Finished(_)));
        }
        batches.push(finished);
    }
    assert_eq!(
        batches,
        vec![DUE_PER_CALL, DUE_PER_CALL, DUE_PER_CALL, 5],
        "at most a batch waits to be taken"
    );
    assert_eq!(watch.tracked(), (0, 0));
    assert!(watch.dues.is_empty());
}

/// At the end of input every established SA is idle: one still due is diagnosed before the
/// sweep forgets it, though more than a batch of SAs is due before it.
#[test]
fn an_established_sa_still_due_is_not_swept_before_its_diagnosis() {
    let (inputs, format) = recorded("psk-ok", "gateway");
    let (mut watch, _) = run(ethernet(), inputs, format, 10_000_000_000);
    assert_eq!(watch.tracked(), (1, 1));
    let key = *watch.sas.keys().next().expect("the established SA");
    let t = 1_000_000_000_000;
    for frame in half_open_flood(DUE_PER_CALL as u64 + 10) {
        watch.handle_frame(t, &frame);
    }
    let sa = watch.sas.get_mut(&key).expect("tracked");
    set_due(
        &mut watch.dues,
        key,
        sa,
        Some((t + 6_000_000_000, Due::GaveUp)),
    );
    watch.handle_timeout(i64::MAX);
    assert!(watch.sas.contains_key(&key), "swept while still due");
    assert_eq!(watch.expired, 0);
    while watch.is_due(i64::MAX) {
        watch.handle_timeout(i64::MAX);
    }
    assert!(
        watch.sas.get(&key).is_none_or(|s| s.due.is_none()),
        "diagnosed"
    );
}
