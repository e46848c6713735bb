//! Reading IKE daemons' and VPN clients' logs.
//!
//! The responder's log is often the only place where the real cause of a failed IKEv2
//! connection is written, and logs are what most users have first. This crate detects which
//! log a file is from its content ([`detect`]), scans it as a stream ([`scan()`]) and turns every
//! line that matters into a [`LogRecord`]: its line number, its time (in the log's own format and
//! zone, year-less syslog times placed), the SA it belongs to, and the message IDs, addresses and
//! SPIs that join it to captured packets. The [`knowledge`] table says what each canonical line
//! means (phase, category, whether it decides the cause alone) and answers `ike-doctor explain`.
//!
//! Hand-written because no library parses these logs: each implementation prints free-form
//! text through its own printf hooks, and the lines that matter are a few hundred literal
//! strings. One multi-pattern automaton finds them, so unknown lines cost almost nothing and a
//! large log streams at hundreds of megabytes per second in constant memory.
//!
//! Supported: strongSwan charon (filelog with any time format, syslog/daemon.log, `journalctl`
//! text and `-o json`, `swanctl --log`, the Android app's log), Libreswan pluto (log file,
//! syslog, journal; 4.x and 5.x wording), Windows RasClient events (text, XML, CSV), Apple
//! `log show` of the IKEv2 client, FortiGate `diagnose debug application ike -1`, Cisco IOS / IOS
//! XE / ASA `debug crypto ikev2`.

pub mod detect;
pub mod explain;
pub mod knowledge;
pub mod record;
pub mod scan;
pub mod time;
pub mod vocabulary;

pub use detect::{detect, text_kind, Format, TextKind};
pub use knowledge::{Entry, Fact, Implementation, OpenCause, Role};
pub use record::LogRecord;
pub use scan::{scan, ScanConfig, ScanStats};
