//! Text that speaks of IKE but holds no line the [`knowledge`](crate::knowledge) table knows: a
//! product's log ike-doctor has never seen, a status output, a line reworded in a help thread.
//! Saying "not an IKE log" to it would be wrong, and naming a cause from loose words would be
//! guessing; what it can honestly give is the lines that speak of IKE and the causes their
//! words point at, as candidates to check, never as a decided category.
//!
//! The words are the protocol's own (IKE, ISAKMP, IPsec, phase 1, proxy-ID...) and the
//! failure vocabulary shared by vendors' messages (proposal, pre-shared key, certificate,
//! traffic selector...). They are matched case-insensitively at word boundaries, so that
//! `like` is not `IKE` and `especially` is not `ESP`.
use ike_contract::{Category, FailurePhase};

/// Words that make a line about IKE/IPsec on their own.
const IKE_WORDS: &[&str] = &[
    "ike",
    "ikev1",
    "ikev2",
    "ike_sa",
    "ike-sa",
    "child_sa",
    "child-sa",
    "isakmp",
    "ipsec",
    "ipsec-sa",
    "phase 1",
    "phase-1",
    "phase1",
    "phase 2",
    "phase-2",
    "phase2",
    "main mode",
    "aggressive mode",
    "quick mode",
    "ikemgr",
    "kmd",
    "iked",
    "charon",
    "pluto",
    "racoon",
    "proxy-id",
    "proxy id",
    "crypto map",
    "nat-t",
    "esp",
];

/// Words that speak of a VPN only alongside a failure word ("VPN" alone is prose as often).
const VPN_WORDS: &[&str] = &["vpn", "tunnel", "spi", "sa"];

const FAILURE_WORDS: &[&str] = &[
    "fail",
    "failed",
    "failure",
    "error",
    "denied",
    "reject",
    "rejected",
    "mismatch",
    "invalid",
    "timeout",
    "timed out",
    "unable",
    "cannot",
    "could not",
    "not found",
    "no response",
    "down",
];

/// Words of a second phase (CHILD_SA, IPsec SA, quick mode): a proposal word then speaks of
/// the ESP proposal, not the IKE one.
const CHILD_WORDS: &[&str] = &[
    "phase 2",
    "phase-2",
    "phase2",
    "quick mode",
    "child_sa",
    "child-sa",
    "ipsec sa",
    "ipsec-sa",
    "esp",
    "p2",
    "proxy-id",
    "proxy id",
    "create_child_sa",
];

/// One cause a word points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub phase: FailurePhase,
    pub category: Category,
    /// The word that points at it, as the table writes it.
    pub word: &'static str,
}

impl Hint {
    /// Why the cause is a candidate, for people.
    pub fn why(&self) -> String {
        format!("a line speaks of \"{}\"", self.word)
    }
}

/// Words that point at a cause, most specific first: a line's hints follow this order.
const HINTS: &[(&str, Option<FailurePhase>, Category)] = {
    use Category::*;
    use FailurePhase::*;
    &[
        ("pre-shared", Some(IkeAuth), AuthPsk),
        ("preshared", Some(IkeAuth), AuthPsk),
        ("psk", Some(IkeAuth), AuthPsk),
        ("shared key", Some(IkeAuth), AuthPsk),
        ("shared secret", Some(IkeAuth), AuthPsk),
        ("traffic selector", Some(ChildSa), TrafficSelectors),
        ("traffic selectors", Some(ChildSa), TrafficSelectors),
        ("ts_unacceptable", Some(ChildSa), TrafficSelectors),
        ("proxy-id", Some(ChildSa), TrafficSelectors),
        ("proxy id", Some(ChildSa), TrafficSelectors),
        ("proxy ids", Some(ChildSa), TrafficSelectors),
        ("diffie-hellman", None, ProposalDh),
        ("dh group", None, ProposalDh),
        ("dh-group", None, ProposalDh),
        ("ke payload", Some(IkeSaInit), ProposalDh),
        ("invalid_ke_payload", Some(IkeSaInit), ProposalDh),
        ("pfs", Some(ChildSa), ProposalDh),
        ("proposal", None, ProposalIke),
        ("proposals", None, ProposalIke),
        ("no_proposal_chosen", None, ProposalIke),
        ("transform", None, ProposalIke),
        ("transforms", None, ProposalIke),
        ("certificate", Some(IkeAuth), AuthCert),
        ("certificates", Some(IkeAuth), AuthCert),
        ("cert", Some(IkeAuth), AuthCert),
        ("x509", Some(IkeAuth), AuthCert),
        ("x.509", Some(IkeAuth), AuthCert),
        ("signature", Some(IkeAuth), AuthCert),
        ("identity", Some(IkeAuth), AuthId),
        ("peer id", Some(IkeAuth), AuthId),
        ("peer-id", Some(IkeAuth), AuthId),
        ("ike id", Some(IkeAuth), AuthId),
        ("ike-id", Some(IkeAuth), AuthId),
        ("remote id", Some(IkeAuth), AuthId),
        ("local id", Some(IkeAuth), AuthId),
        ("eap", Some(IkeAuth), AuthEap),
        ("radius", Some(IkeAuth), AuthEap),
        ("xauth", Some(IkeAuth), AuthEap),
        ("password", Some(IkeAuth), AuthEap),
        ("username", Some(IkeAuth), AuthEap),
        ("nat-t", Some(IkeSaInit), Nat),
        ("nat traversal", Some(IkeSaInit), Nat),
        ("nat", Some(IkeSaInit), Nat),
        ("fragment", Some(IkeAuth), MtuFragmentation),
        ("fragments", Some(IkeAuth), MtuFragmentation),
        ("fragmentation", Some(IkeAuth), MtuFragmentation),
        ("mtu", Some(IkeAuth), MtuFragmentation),
        ("no response", Some(IkeSaInit), UdpBlocked),
        ("not responding", Some(IkeSaInit), UdpBlocked),
        ("timed out", Some(IkeSaInit), UdpBlocked),
        ("timeout", Some(IkeSaInit), UdpBlocked),
        ("retransmit", Some(IkeSaInit), UdpBlocked),
        ("retransmits", Some(IkeSaInit), UdpBlocked),
        ("retransmission", Some(IkeSaInit), UdpBlocked),
        ("unreachable", Some(IkeSaInit), UdpBlocked),
    ]
};

/// Most lines kept as evidence of one text.
pub const MAX_LINES: usize = 20;

/// A line that speaks of IKE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordedLine {
    /// 1-based.
    pub line: u64,
    /// The line, cut at [`crate::record::TEXT_KEPT`] bytes.
    pub text: String,
    /// Causes its words point at, most specific first.
    pub hints: Vec<Hint>,
}

/// What an unknown text says in IKE's words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wording {
    /// The first [`MAX_LINES`] lines that speak of IKE.
    pub lines: Vec<WordedLine>,
    /// Lines that speak of IKE, counted past the kept ones too.
    pub count: u64,
}

impl Wording {
    /// The causes the lines point at, each once, most specific first, at most `max`.
    pub fn hints(&self, max: usize) -> Vec<Hint> {
        let mut all: Vec<Hint> = self.lines.iter().flat_map(|l| l.hints.clone()).collect();
        // A stable sort on the table's order keeps the lines' order among equals.
        all.sort_by_key(|h| rank(h.category));
        let mut out: Vec<Hint> = Vec::new();
        for h in all {
            if !out.iter().any(|o| o.category == h.category) {
                out.push(h);
            }
        }
        out.truncate(max);
        out
    }
}

fn rank(category: Category) -> usize {
    // The ESP proposal is the table's proposal word read in a phase-2 line.
    let listed = match category {
        Category::ProposalEsp => Category::ProposalIke,
        other => other,
    };
    HINTS
        .iter()
        .position(|(_, _, c)| *c == listed)
        .unwrap_or(usize::MAX)
}

/// True when `word` occurs in `lower` (ASCII-lowercased) with no letter or digit either side.
fn has_word(lower: &str, word: &str) -> bool {
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(off) = lower.get(from..).and_then(|s| s.find(word)) {
        let at = from + off;
        let end = at + word.len();
        let before = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let after = end >= bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if before && after {
            return true;
        }
        from = at + 1;
    }
    false
}

fn any_word(lower: &str, words: &[&str]) -> bool {
    words.iter().any(|w| has_word(lower, w))
}

/// True when a line (ASCII-lowercased) speaks of IKE.
fn speaks(lower: &str) -> bool {
    any_word(lower, IKE_WORDS) || (any_word(lower, VPN_WORDS) && any_word(lower, FAILURE_WORDS))
}

fn hints_of(lower: &str) -> Vec<Hint> {
    let child = any_word(lower, CHILD_WORDS);
    let mut out: Vec<Hint> = Vec::new();
    for &(word, phase, category) in HINTS {
        if !has_word(lower, word) {
            continue;
        }
        let (phase, category) = match (category, phase) {
            (Category::ProposalIke, _) if child => (FailurePhase::ChildSa, Category::ProposalEsp),
            (Category::ProposalIke, _) => (FailurePhase::IkeSaInit, category),
            (Category::ProposalDh, None) if child => (FailurePhase::ChildSa, category),
            (_, Some(p)) => (p, category),
            (_, None) => (FailurePhase::IkeSaInit, category),
        };
        if !out.iter().any(|h| h.category == category) {
            out.push(Hint {
                phase,
                category,
                word,
            });
        }
    }
    out
}

/// True when `text` holds a line that speaks of IKE.
pub fn speaks_of_ike(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n')
        .any(|line| speaks(&String::from_utf8_lossy(line).to_ascii_lowercase()))
}

/// The lines of `text` that speak of IKE, with the causes their words point at.
pub fn wording(text: &[u8]) -> Wording {
    let mut out = Wording::default();
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        let shown = String::from_utf8_lossy(line);
        let lower = shown.to_ascii_lowercase();
        if !speaks(&lower) {
            continue;
        }
        out.count += 1;
        if out.lines.len() < MAX_LINES {
            out.lines.push(WordedLine {
                line: i as u64 + 1,
                text: crate::record::cut_str(
                    shown.trim_end_matches('\r'),
                    crate::record::TEXT_KEPT,
                )
                .to_owned(),
                hints: hints_of(&lower),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_count_only_whole() {
        assert!(speaks_of_ike(b"IKE phase-1 negotiation is failed"));
        assert!(speaks_of_ike(b"ipsec-sa for tunnel t1 not found"));
        assert!(!speaks_of_ike(b"I like especially this one"));
        assert!(!speaks_of_ike(b"Dear diary,\ntoday was fine.\n"));
        // "VPN" is prose unless something failed.
        assert!(!speaks_of_ike(b"We use a VPN at work"));
        assert!(speaks_of_ike(b"VPN tunnel down"));
    }

    #[test]
    fn proposal_words_follow_the_phase_the_line_names() {
        let w = wording(b"IKE phase-2 negotiation failed: no suitable proposal found\n");
        assert_eq!(w.lines.len(), 1);
        assert_eq!(w.lines[0].line, 1);
        let h = w.hints(3);
        assert_eq!(h[0].category, Category::ProposalEsp);
        assert_eq!(h[0].phase, FailurePhase::ChildSa);
        let w = wording(b"IKE phase-1 negotiation failed: proposal mismatch\n");
        assert_eq!(w.hints(3)[0].category, Category::ProposalIke);
    }

    #[test]
    fn hints_are_unique_ordered_and_bounded() {
        let w = wording(
            b"IKE: peer not responding\nIKE: certificate rejected, pre-shared key? nat\nIKE SA: peer id\n",
        );
        let cats: Vec<Category> = w.hints(3).iter().map(|h| h.category).collect();
        assert_eq!(
            cats,
            vec![Category::AuthPsk, Category::AuthCert, Category::AuthId]
        );
        assert_eq!(w.count, 3);
        assert!(w.hints(10).len() <= HINTS.len());
    }

    #[test]
    fn an_esp_proposal_ranks_as_the_proposal_word_it_comes_from() {
        let w = wording(b"IKE phase 2 timed out\nIKE phase 2: no proposal chosen\n");
        let cats: Vec<Category> = w.hints(3).iter().map(|h| h.category).collect();
        assert_eq!(cats, vec![Category::ProposalEsp, Category::UdpBlocked]);
    }

    #[test]
    fn lines_kept_are_bounded() {
        let text = "IKE failed\n".repeat(MAX_LINES * 3);
        let w = wording(text.as_bytes());
        assert_eq!(w.lines.len(), MAX_LINES);
        assert_eq!(w.count, (MAX_LINES * 3) as u64);
    }
}
