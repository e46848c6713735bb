//! The timeline: every piece of evidence (captured packets today; log lines, configurations,
//! certificates and probe answers as they are added) becomes one kind of [`Event`] on one
//! time-ordered list, and the IKE SAs ([`Session`]s) are reconstructed from that list alone.
//! The diagnosis reads the timeline, never a source format.
//!
//! Memory is bounded whatever the input: events, sessions and flows have caps
//! ([`Limits`]); what goes past a cap is counted and reported, never silently lost.

pub mod builder;
pub mod cert;
pub mod chunked;
pub mod clock;
pub mod coverage;
pub mod event;
pub mod flows;
pub mod ingest;
pub mod ingest_log;
pub mod inner;
pub mod join;
pub mod log;
pub mod selection;
pub mod session;
pub mod time;

pub use builder::{IngestNote, Limits, Source, SourceKind, Timeline, TimelineBuilder};
pub use chunked::ChunkedVec;
pub use clock::ClockOffset;
pub use coverage::{Coverage, Filter, Truncation};
pub use event::{
    Endpoints, Event, EventKind, IkeMessage, IkeV1Message, Locator, MessageInterner,
    NotifiesAndVendorIds, PayloadList, ProposalList, RareParts, SourceId,
};
pub use flows::{EspFlow, KeepaliveFlow};
pub use ike_capture::Timestamp;
pub use ike_contract::End;
pub use join::{JoinedBy, LogGroup};
pub use log::LogEvent;
pub use selection::Selection;
pub use session::{Direction, EndpointChange, MessageRef, Phase, Restart, Session};
