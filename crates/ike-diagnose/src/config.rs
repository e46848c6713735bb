//! Predicts, from both ends' configurations, whether their connections establish, and every
//! reason they cannot, in the order the daemons would meet them: IKE version, IKE proposals
//! (algorithm or DH group), identities, pre-shared key, EAP secret, ESP proposals, traffic
//! selectors, virtual IPs, PFS at the first rekey. Each reason is a finding citing the lines
//! of both files, with its fixes from the engine's one fix table ([`crate::fix`]).
use std::net::IpAddr;

use ike_config::model::{
    AuthMethod, AuthRound, ChildConfig, ConfigSet, FrontEnd, IkeVersions, Implementation, Line,
    PeerConfig, Secret, SecretKind, TrafficSelector,
};
use ike_config::proposal::Proposal;
use ike_contract::{Category, End, FailurePhase, Knowledge, Outcome};
use ike_timeline::{Locator, Source, SourceId, SourceKind, Timeline};

use crate::fix::{self, Values};
use crate::model::{Diagnosis, EvidenceRef, Finding, Verdict};

const RULE: &str = "config-check";

/// One end: the files of one host (or a built-in client profile).
#[derive(Debug, Clone)]
pub struct ConfigEnd {
    /// How the end is named in the report (its folder, or the profile).
    pub name: String,
    pub set: ConfigSet,
}

/// The timeline the report cites (one source per configuration file) and the prediction.
pub fn predict(ends: &[ConfigEnd]) -> (Timeline, Diagnosis) {
    let mut timeline = Timeline::default();
    let mut first_source = Vec::new();
    for end in ends {
        first_source.push(timeline.sources.len());
        for file in &end.set.files {
            timeline.sources.push(Source {
                name: file.clone(),
                kind: SourceKind::Config,
                units_read: 0,
                bytes_read: 0,
                coverage: Default::default(),
            });
        }
        timeline
            .notes
            .extend(notes(end, first_source[first_source.len() - 1]));
    }
    let diagnosis = predict_cited(ends, &first_source);
    (timeline, diagnosis)
}

/// What reading an end's files noted, as the report's notes; `first_source` is the source of
/// its first file.
pub fn notes(end: &ConfigEnd, first_source: usize) -> Vec<ike_timeline::IngestNote> {
    end.set
        .notes
        .iter()
        .map(|note| ike_timeline::IngestNote {
            source: Some(SourceId((first_source + note.file) as u32)),
            at: note.line.map(|l| Locator::Line(u64::from(l))),
            message: note.message.clone(),
        })
        .collect()
}

/// The prediction, citing the files of end `i` as sources from `first_source[i]` on (in the
/// order of its `files`).
pub fn predict_cited(ends: &[ConfigEnd], first_source: &[usize]) -> Diagnosis {
    let cite = |end: usize, at: Option<Line>, file: usize, note: String| -> Option<EvidenceRef> {
        Some(EvidenceRef {
            source: SourceId((first_source.get(end)? + at.map_or(file, |l| l.file)) as u32),
            at: at.map(|l| Locator::Line(u64::from(l.line))),
            note,
        })
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut warnings: Vec<Finding> = Vec::new();
    let mut pairs = 0usize;
    let mut unchecked: Vec<String> = Vec::new();
    // Virtual IPs handed out per responder connection, to find a pool too small for all.
    let mut leases: Vec<((usize, usize), u128)> = Vec::new();
    // A Libreswan conn with two fixed ends is read both ways. The second reading of a conn is
    // used only when its first pairs with nothing, and only for ends after the first: the end
    // given first is taken as `left` (ends keep the order they were given in).
    let usable_alternative: Vec<Vec<bool>> = ends
        .iter()
        .enumerate()
        .map(|(e, end)| {
            end.set
                .peers
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    p.alternative
                        && e > 0
                        && i > 0
                        && !pairs_as_written(ends, e, &end.set.peers[i - 1])
                })
                .collect()
        })
        .collect();
    let usable = |end: usize, index: usize, p: &PeerConfig| {
        !p.alternative
            || usable_alternative
                .get(end)
                .and_then(|u| u.get(index))
                .copied()
                .unwrap_or(false)
    };
    for (ie, initiator_end) in ends.iter().enumerate() {
        for (ii, initiator) in initiator_end.set.peers.iter().enumerate() {
            if initiator.responder_only() || !usable(ie, ii, initiator) {
                continue;
            }
            for (re, responder_end) in ends.iter().enumerate() {
                if re == ie {
                    continue;
                }
                let candidates: Vec<(usize, &PeerConfig)> = responder_end
                    .set
                    .peers
                    .iter()
                    .enumerate()
                    .filter(|(ri, r)| {
                        !r.initiator_only && usable(re, *ri, r) && addresses_meet(initiator, r)
                    })
                    .collect();
                // The daemon picks the connection that works when one does (the first of
                // equals, as a daemon takes its connections in order): so do we.
                let best = candidates
                    .iter()
                    .rev()
                    .map(|(ri, r)| {
                        let ctx = Pair {
                            initiator,
                            initiator_set: &initiator_end.set,
                            responder: r,
                            responder_set: &responder_end.set,
                        };
                        let mut not_checked = Vec::new();
                        let problems = ctx.problems(&mut not_checked);
                        (*ri, problems, not_checked)
                    })
                    .max_by_key(|(_, problems, _)| rank(problems));
                let Some((ri, mut problems, not_checked)) = best else {
                    continue;
                };
                unchecked.extend(not_checked);
                pairs += 1;
                let responder = &responder_end.set.peers[ri];
                if problems.is_empty() && !initiator.vips.value.is_empty() {
                    let n = leases
                        .iter_mut()
                        .find(|(k, _)| *k == (re, ri))
                        .map(|(_, n)| {
                            *n += 1;
                            *n
                        })
                        .unwrap_or_else(|| {
                            leases.push(((re, ri), 1));
                            1
                        });
                    let size = pool_size(responder, &responder_end.set);
                    if n > size {
                        problems.push(Problem::new(
                            9,
                            FailurePhase::ChildSa,
                            Category::ConfigOther,
                            format!(
                                "the responder's pool has {size} address(es) and this is connection {n} to ask it for a virtual IP: it gets none"
                            ),
                        ).cite(End::Responder, responder.pools.at, "the pool".into()).cite(End::Initiator, initiator.vips.at, "asks for a virtual IP".into()));
                    }
                }
                if problems.is_empty() {
                    for (what, seconds, at) in rekey_collisions(initiator, responder) {
                        let mut f = Finding::decided(
                            RULE,
                            FailurePhase::Established,
                            Category::ConfigOther,
                            Knowledge::OwnStatement,
                            format!(
                                "`{}` and `{}` both rekey the {what} every {seconds} s without randomization: their rekeys collide (RFC 7296 2.8.1), leaving duplicate SAs to delete",
                                initiator.name, responder.name
                            ),
                        )
                        .warning();
                        for (end, line, file) in
                            [(ie, at[0], initiator.file), (re, at[1], responder.file)]
                        {
                            f.evidence.extend(cite(
                                end,
                                line,
                                file,
                                format!("rekeys the {what} every {seconds} s"),
                            ));
                        }
                        f.fix = vec![fix::Fix::text("let one end rekey clearly earlier (a shorter lifetime), or keep the randomized rekey on both (strongSwan rand_time, Libreswan rekeyfuzz)")];
                        warnings.push(f);
                    }
                }
                for p in problems {
                    findings.push(p.finding(
                        initiator,
                        responder,
                        (ie, re),
                        &cite,
                        (&initiator_end.name, &responder_end.name),
                    ));
                }
            }
        }
    }
    for (e, end) in ends.iter().enumerate() {
        for w in lint(end) {
            let mut f =
                Finding::decided(RULE, w.phase, w.category, Knowledge::OwnStatement, w.title)
                    .warning();
            f.evidence
                .extend(w.at.and_then(|at| cite(e, Some(at), at.file, w.note)));
            warnings.push(f);
        }
    }
    unchecked.sort();
    unchecked.dedup();
    let verdict = match findings.first() {
        Some(first) => Verdict {
            outcome: Outcome::Failed,
            phase: Some(first.phase),
            category: first.category,
            summary: format!("predicted to fail in {}: {}", first.phase.as_str(), first.title),
            candidates: Vec::new(),
            warnings,
        },
        None if pairs == 0 => Verdict {
            warnings,
            ..Verdict::new(
                Outcome::Inconclusive,
                "no connection of one end starts toward a connection of the other: nothing to pair (give both ends' configurations, or --client)",
            )
        },
        None => {
            let mut summary = format!(
                "predicted to establish: no reason in the configurations why {pairs} pair(s) of connections would fail"
            );
            if !unchecked.is_empty() {
                summary.push_str(&format!(" (not checked: {})", unchecked.join("; ")));
            }
            Verdict {
                warnings,
                ..Verdict::new(Outcome::Established, summary)
            }
        }
    };
    Diagnosis {
        verdict,
        findings,
        sessions: Vec::new(),
        peers: Vec::new(),
    }
}

/// Lets the configurations decide what the other evidence leaves open: a failure whose
/// category is open between candidates takes the configurations' reason when it is one of
/// them (same phase), and cites its lines; a decided failure the configurations explain the
/// same way cites them too, and gives their fixes first. The configurations never overrule a decided category: the peer's
/// own statement and the wire outrank a prediction.
pub fn refine(diagnosis: &mut Diagnosis, prediction: &Diagnosis, by: &str) {
    let reasons: Vec<&Finding> = prediction
        .findings
        .iter()
        .filter(|f| f.category.is_some())
        .collect();
    if reasons.is_empty() {
        return;
    }
    let fitting = |phase: FailurePhase, candidates: &[crate::model::Candidate]| {
        reasons.iter().copied().find(|r| {
            candidates
                .iter()
                .any(|c| c.phase == phase && r.phase == phase && Some(c.category) == r.category)
        })
    };
    for f in &mut diagnosis.findings {
        match f.category {
            None => {
                if let Some(r) = fitting(f.phase, &f.candidates) {
                    f.category = r.category;
                    f.candidates.clear();
                    f.title = format!("{}; {by}: {}", f.title, r.title);
                    f.evidence.extend(r.evidence.iter().cloned());
                    f.fix = r.fix.clone();
                }
            }
            Some(category) => {
                if let Some(r) = reasons
                    .iter()
                    .find(|r| r.phase == f.phase && r.category == Some(category))
                {
                    f.evidence.extend(r.evidence.iter().cloned());
                    // Both files name the lines to change; a log names one end's view of them
                    // (charon's lookup line reads the same whichever identity is wrong).
                    let from_logs = std::mem::replace(&mut f.fix, r.fix.clone());
                    for fix in from_logs {
                        if !f.fix.contains(&fix) {
                            f.fix.push(fix);
                        }
                    }
                }
            }
        }
    }
    let decide = |v: &mut Verdict| {
        if v.category.is_some() || v.outcome != Outcome::Failed {
            return;
        }
        let Some(phase) = v.phase else {
            return;
        };
        if let Some(r) = fitting(phase, &v.candidates) {
            v.category = r.category;
            v.candidates.clear();
            v.summary = format!("{}; {by}: {}", v.summary, r.title);
        }
    };
    decide(&mut diagnosis.verdict);
    for v in &mut diagnosis.sessions {
        decide(v);
    }
}

/// The SAs both ends rekey at the same moment: the same lifetime on both, randomized on
/// neither. Each with the seconds and the line of each end's lifetime (or of the setting that
/// turned randomization off).
fn rekey_collisions(i: &PeerConfig, r: &PeerConfig) -> Vec<(&'static str, u64, [Option<Line>; 2])> {
    if i.rekey_randomized.value || r.rekey_randomized.value {
        return Vec::new();
    }
    let mut out = Vec::new();
    let same = |a: &ike_config::model::Setting<Option<u64>>,
                b: &ike_config::model::Setting<Option<u64>>| match (a.value, b.value)
    {
        (Some(x), Some(y)) if x == y && x > 0 => Some((
            x,
            [
                a.at.or(i.rekey_randomized.at),
                b.at.or(r.rekey_randomized.at),
            ],
        )),
        _ => None,
    };
    if let Some((seconds, at)) = same(&i.rekey_seconds, &r.rekey_seconds) {
        out.push(("IKE SA", seconds, at));
    }
    for ci in &i.children {
        if let Some((seconds, at)) = r
            .children
            .iter()
            .find_map(|cr| same(&ci.rekey_seconds, &cr.rekey_seconds))
        {
            out.push(("CHILD_SA", seconds, at));
            break;
        }
    }
    out
}

/// Whether the first reading `p` of end `e` pairs, either way, with a first reading of
/// another end.
fn pairs_as_written(ends: &[ConfigEnd], e: usize, p: &PeerConfig) -> bool {
    ends.iter().enumerate().any(|(o, other)| {
        o != e
            && other.set.peers.iter().filter(|q| !q.alternative).any(|q| {
                (!p.responder_only() && !q.initiator_only && addresses_meet(p, q))
                    || (!q.responder_only() && !p.initiator_only && addresses_meet(q, p))
            })
    })
}

/// Whether the initiator's connection is toward the responder's: its remote address among the
/// responder's local ones (or the responder takes any), and the reverse where both are written.
fn addresses_meet(initiator: &PeerConfig, responder: &PeerConfig) -> bool {
    use ike_config::model::address_matches;
    let local = &responder.local_addrs.value;
    let toward = local.is_empty()
        || initiator.remote_addrs.value.iter().any(|r| {
            local
                .iter()
                .any(|l| address_matches(l, r) || address_matches(r, l))
        });
    let back = initiator.local_addrs.value.is_empty()
        || responder.remote_addrs.value.is_empty()
        || responder.remote_addrs.value.iter().any(|spec| {
            initiator
                .local_addrs
                .value
                .iter()
                .any(|a| address_matches(spec, a))
        });
    toward && back
}

fn pool_size(responder: &PeerConfig, set: &ConfigSet) -> u128 {
    let mut size: u128 = 0;
    for name in &responder.pools.value {
        match set.pools.iter().find(|p| &p.name == name) {
            Some(p) => size = size.saturating_add(p.size),
            // Libreswan writes the range itself.
            None => size = size.saturating_add(ike_config::swanctl::pool_size_of(name)),
        }
    }
    size
}

/// A reason a pair cannot establish.
struct Problem {
    /// Where the daemons meet it: smaller first.
    order: usize,
    phase: FailurePhase,
    category: Category,
    title: String,
    evidence: Vec<(End, Option<Line>, String)>,
    values: Values,
    /// Two EAP methods, with the initiator's: its fixes are the method, not the password.
    eap_methods: Option<Option<String>>,
}

impl Problem {
    fn new(order: usize, phase: FailurePhase, category: Category, title: String) -> Problem {
        Problem {
            order,
            phase,
            category,
            title,
            evidence: Vec::new(),
            values: Values::default(),
            eap_methods: None,
        }
    }

    fn cite(mut self, end: End, at: Option<Line>, note: String) -> Problem {
        self.evidence.push((end, at, note));
        self
    }

    fn finding(
        mut self,
        initiator: &PeerConfig,
        responder: &PeerConfig,
        (ie, re): (usize, usize),
        cite: &impl Fn(usize, Option<Line>, usize, String) -> Option<EvidenceRef>,
        (iname, rname): (&str, &str),
    ) -> Finding {
        self.values.initiator = Some(implementation(initiator.implementation));
        self.values.responder = Some(implementation(responder.implementation));
        self.values.initiator_syntax = written_in(initiator);
        self.values.responder_syntax = written_in(responder);
        self.values.initiator_conn = Some(initiator.name.clone());
        self.values.responder_conn = Some(responder.name.clone());
        let title = format!(
            "{} ({} `{}`) to {} ({} `{}`): {}",
            iname,
            initiator.implementation.as_str(),
            initiator.name,
            rname,
            responder.implementation.as_str(),
            responder.name,
            self.title
        );
        let mut f = Finding::decided(
            RULE,
            self.phase,
            self.category,
            Knowledge::OwnStatement,
            title,
        );
        for (end, at, note) in self.evidence {
            let e = if end == End::Initiator { ie } else { re };
            let peer = if end == End::Initiator {
                initiator
            } else {
                responder
            };
            let default = at.is_none();
            // A built-in profile has no file: its values are cited by the profile's name alone.
            let at = at.or(Some(peer.at)).filter(|l| l.line > 0);
            let note = if default {
                format!("{note} ({})", peer.implementation.defaults_assumed())
            } else {
                note
            };
            f.evidence.extend(cite(e, at, peer.file, note));
        }
        f.fix = match &self.eap_methods {
            Some(client) => fix::eap_method_mismatch(&self.values, client.as_deref()),
            None => fix::for_category(self.category, &self.values),
        };
        f
    }
}

/// The syntax of `peer`'s file when it is not its implementation's own.
fn written_in(peer: &PeerConfig) -> Option<fix::Syntax> {
    match (peer.front_end?, peer.implementation) {
        (FrontEnd::NetworkManager, Implementation::Libreswan) => {
            Some(fix::Syntax::NetworkManagerLibreswan)
        }
        (FrontEnd::NetworkManager, _) => Some(fix::Syntax::NetworkManagerStrongswan),
        (FrontEnd::AppleProfile, _) => Some(fix::Syntax::AppleProfile),
    }
}

fn implementation(i: Implementation) -> ike_logs::Implementation {
    match i {
        Implementation::StrongSwan => ike_logs::Implementation::StrongSwan,
        Implementation::Libreswan => ike_logs::Implementation::Libreswan,
        Implementation::Windows => ike_logs::Implementation::Windows,
        Implementation::Apple => ike_logs::Implementation::Apple,
        // Android's client has no setting to write: the fixes go to the gateway.
        Implementation::Android => ike_logs::Implementation::AnyIkev2,
        Implementation::Aws => ike_logs::Implementation::Aws,
        Implementation::Azure => ike_logs::Implementation::Azure,
        Implementation::GoogleCloud => ike_logs::Implementation::GoogleCloud,
    }
}

struct Pair<'a> {
    initiator: &'a PeerConfig,
    initiator_set: &'a ConfigSet,
    responder: &'a PeerConfig,
    responder_set: &'a ConfigSet,
}

fn charon(list: &[Proposal]) -> Vec<String> {
    list.iter().map(Proposal::charon).collect()
}

fn short(list: &[Proposal]) -> String {
    list.iter()
        .map(|p| p.strongswan().unwrap_or_else(|| p.charon()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Pair<'_> {
    fn problems(&self, unchecked: &mut Vec<String>) -> Vec<Problem> {
        let (i, r) = (self.initiator, self.responder);
        let mut out = Vec::new();
        // The daemons listen on 4500 beside 500 (NAT-T): a client sending there is answered.
        let (sent_to, listens) = (i.remote_port.value, r.local_port.value);
        if sent_to != listens && !(listens == 500 && sent_to == 4500) {
            out.push(
                Problem::new(
                    0,
                    FailurePhase::IkeSaInit,
                    Category::ConfigOther,
                    format!(
                        "the initiator sends IKE to UDP port {sent_to} and the responder's connection uses port {listens}: no answer"
                    ),
                )
                .cite(End::Initiator, i.remote_port.at, format!("sends to port {sent_to}"))
                .cite(End::Responder, r.local_port.at, format!("port {listens}")),
            );
            return out;
        }
        if !i.version.value.meets(r.version.value) {
            let mut p = Problem::new(
                0,
                FailurePhase::IkeSaInit,
                Category::ConfigOther,
                format!(
                    "the initiator speaks {} and the responder's connection only {}",
                    i.version.value.as_str(),
                    r.version.value.as_str()
                ),
            )
            .cite(
                End::Initiator,
                i.version.at,
                i.version.value.as_str().to_owned(),
            )
            .cite(
                End::Responder,
                r.version.at,
                r.version.value.as_str().to_owned(),
            );
            p.values.version_wanted = match i.version.value {
                IkeVersions::V1 => Some(1),
                _ => Some(2),
            };
            out.push(p);
            return out;
        }
        let offered = &i.ike_proposals.value;
        let accepted = &r.ike_proposals.value;
        let full = offered
            .iter()
            .any(|o| accepted.iter().any(|a| a.accepts(o, true)));
        if !full {
            let without_groups = offered
                .iter()
                .any(|o| accepted.iter().any(|a| a.accepts(o, false)));
            let category = if without_groups {
                Category::ProposalDh
            } else {
                Category::ProposalIke
            };
            let what = if without_groups {
                "no common Diffie-Hellman group"
            } else {
                "no common IKE proposal"
            };
            let mut p = Problem::new(
                1,
                FailurePhase::IkeSaInit,
                category,
                format!(
                    "{what}: the initiator offers {}, the responder accepts {}",
                    short(offered),
                    short(accepted)
                ),
            )
            .cite(
                End::Initiator,
                i.ike_proposals.at,
                format!("offers {}", short(offered)),
            )
            .cite(
                End::Responder,
                r.ike_proposals.at,
                format!("accepts {}", short(accepted)),
            );
            p.values.ike_offered = charon(offered);
            p.values.ike_accepted = charon(accepted);
            out.push(p);
            return out;
        }
        // Identities, both ways: the responder's expectation of the initiator, then the reverse.
        let i_local = own_id(i);
        let r_local = own_id(r);
        // A built-in client profile leaves authentication to the user's connection.
        if let (Some(i_round), Some(r_round)) = (i.local_auth.first(), r.remote_auth.first()) {
            if let Some(stop) = self.auth_problems(i_round, r_round, &i_local, &r_local, unchecked)
            {
                out.push(stop);
                return out;
            }
        }
        // CHILD_SAs: each of the initiator's, against the responder child that fits best.
        let ike_group = first_common_group(offered, accepted);
        for child in &i.children {
            let mut best: Option<Vec<Problem>> = None;
            for theirs in &r.children {
                let problems = self.child_problems(child, theirs, ike_group.as_deref());
                if best.as_ref().is_none_or(|b| rank(&problems) > rank(b)) {
                    best = Some(problems);
                }
            }
            if let Some(problems) = best {
                out.extend(problems);
                if !out.is_empty() {
                    return out;
                }
            }
        }
        if !i.vips.value.is_empty() && r.pools.value.is_empty() {
            out.push(
                Problem::new(9, FailurePhase::ChildSa, Category::ConfigOther, "the initiator asks for a virtual IP and the responder's connection has no address pool".into())
                    .cite(End::Initiator, i.vips.at, "asks for a virtual IP".into())
                    .cite(End::Responder, r.pools.at, "no pool".into()),
            );
        }
        out
    }

    /// The first reason the authentication round fails (method, identity both ways, PSK, EAP
    /// password), or `None`; what cannot be checked goes to `unchecked`.
    fn auth_problems(
        &self,
        i_round: &AuthRound,
        r_round: &AuthRound,
        i_local: &Option<String>,
        r_local: &Option<String>,
        unchecked: &mut Vec<String>,
    ) -> Option<Problem> {
        if !methods_meet(&i_round.method.value, &r_round.method.value) {
            let mut p = Problem::new(
                2,
                FailurePhase::IkeAuth,
                method_category(&i_round.method.value, &r_round.method.value),
                format!(
                    "the initiator authenticates with {} and the responder expects {}",
                    i_round.method.value.describe(),
                    r_round.method.value.describe()
                ),
            )
            .cite(
                End::Initiator,
                i_round.method.at,
                "its authentication".into(),
            )
            .cite(End::Responder, r_round.method.at, "what it expects".into());
            if let (true, AuthMethod::Eap(client)) = (
                eap_methods_differ(&i_round.method.value, &r_round.method.value),
                &i_round.method.value,
            ) {
                p.eap_methods = Some(client.clone());
            }
            return Some(p);
        }
        // The other way: how the responder proves itself against what the initiator expects.
        if let (Some(r_own), Some(i_expects)) = (
            self.responder.local_auth.first(),
            self.initiator.remote_auth.first(),
        ) {
            if !methods_meet(&r_own.method.value, &i_expects.method.value) {
                let mut p = Problem::new(
                    2,
                    FailurePhase::IkeAuth,
                    method_category(&r_own.method.value, &i_expects.method.value),
                    format!(
                        "the responder authenticates with {} and the initiator expects {}: the initiator rejects the gateway",
                        r_own.method.value.describe(),
                        i_expects.method.value.describe()
                    ),
                )
                .cite(End::Responder, r_own.method.at, "its authentication".into())
                .cite(End::Initiator, i_expects.method.at, "what it expects".into());
                p.values.change_on = Some(End::Initiator);
                if eap_methods_differ(&r_own.method.value, &i_expects.method.value) {
                    p.eap_methods = Some(None);
                }
                return Some(p);
            }
        }
        match (i_local, &r_round.id.value) {
            (Some(presented), Some(wanted)) if !id_matches(wanted, presented) => {
                return Some(identity_mismatch(
                    3,
                    End::Initiator,
                    (presented, i_round.id.at),
                    (wanted, r_round.id.at),
                ));
            }
            (None, Some(w)) if w != "%any" => unchecked.push(
                "identities taken from certificates (give the certificates with `cert`)".into(),
            ),
            _ => {}
        }
        if let (Some(i_remote), Some(r_round_local)) = (
            self.initiator.remote_auth.first(),
            self.responder.local_auth.first(),
        ) {
            if let (Some(wanted), Some(presented)) = (&i_remote.id.value, r_local) {
                if !id_matches(wanted, presented) {
                    return Some(identity_mismatch(
                        4,
                        End::Responder,
                        (presented, r_round_local.id.at),
                        (wanted, i_remote.id.at),
                    ));
                }
            }
        }
        // Secrets.
        if i_round.method.value == AuthMethod::Psk {
            let mine = find_secret(
                self.initiator_set,
                SecretKind::Ike,
                &[
                    i_local.clone(),
                    self.initiator
                        .remote_auth
                        .first()
                        .and_then(|r| r.id.value.clone()),
                ],
            );
            let theirs = find_secret(
                self.responder_set,
                SecretKind::Ike,
                &[r_local.clone(), i_local.clone()],
            );
            match (mine, theirs) {
                (Some(a), Some(b)) if a.fingerprint != b.fingerprint => {
                    return Some(secrets_differ(
                        5,
                        Category::AuthPsk,
                        "the two ends' pre-shared keys for this pair of identities differ (the keys are not printed)".into(),
                        (a, b),
                    ));
                }
                (Some(_), Some(_)) => {}
                _ => unchecked.push("pre-shared keys (one end's secrets were not given)".into()),
            }
        }
        if let AuthMethod::Eap(method) = &i_round.method.value {
            let eap_id = i_round
                .eap_id
                .as_ref()
                .map(|e| e.value.clone())
                .or(i_local.clone());
            let radius = method.as_deref() == Some("radius")
                || matches!(&r_round.method.value, AuthMethod::Eap(Some(m)) if m == "radius");
            let mine = find_secret(
                self.initiator_set,
                SecretKind::Eap,
                std::slice::from_ref(&eap_id),
            );
            let theirs = find_secret(
                self.responder_set,
                SecretKind::Eap,
                std::slice::from_ref(&eap_id),
            );
            match (mine, theirs) {
                (Some(a), Some(b)) if !radius && a.fingerprint != b.fingerprint => {
                    return Some(secrets_differ(
                        6,
                        Category::AuthEap,
                        format!(
                            "the EAP password of `{}` differs between the two ends (not printed)",
                            eap_id.unwrap_or_default()
                        ),
                        (a, b),
                    ));
                }
                (Some(_), Some(_)) => {}
                _ => unchecked.push("EAP passwords (not in both ends' secrets)".into()),
            }
        }
        None
    }

    fn child_problems(
        &self,
        mine: &ChildConfig,
        theirs: &ChildConfig,
        ike_group: Option<&str>,
    ) -> Vec<Problem> {
        let (i, r) = (self.initiator, self.responder);
        let offered = &mine.esp_proposals.value;
        let accepted = &theirs.esp_proposals.value;
        let with_values = |mut p: Problem| {
            p.values.esp_offered = charon(offered);
            p.values.esp_accepted = charon(accepted);
            // The responder's CHILD_SA is where a gateway's line goes.
            p.values.child = Some(theirs.name.clone());
            p
        };
        // Traffic selectors: what the initiator proposes (TSi, TSr) against what the
        // responder allows for the peer and for itself.
        let initiator_addr = i
            .local_addrs
            .value
            .first()
            .and_then(|a| a.parse::<IpAddr>().ok());
        let responder_addr = i
            .remote_addrs
            .value
            .iter()
            .chain(&r.local_addrs.value)
            .find_map(|a| a.parse::<IpAddr>().ok());
        let vip = !i.vips.value.is_empty();
        let tsi = resolve(
            &mine.local_ts.value,
            if vip {
                Resolved::Everything
            } else {
                Resolved::from(initiator_addr)
            },
        );
        let tsr = resolve(&mine.remote_ts.value, Resolved::from(responder_addr));
        // A strongSwan responder whose connection hands out virtual IPs and an initiator that
        // asks for none: it sends FAILED_CP_REQUIRED, resolves `dynamic` to the peer's address,
        // picks the CHILD_SA's configuration by its selectors, then refuses it
        // ("configuration payload negotiation failed", child_create.c).
        let no_lease = !r.pools.value.is_empty()
            && !vip
            && r.implementation == Implementation::StrongSwan
            && theirs.remote_ts.value == [TrafficSelector::Dynamic];
        let allowed_remote = resolve(
            &theirs.remote_ts.value,
            if no_lease {
                Resolved::from(initiator_addr)
            } else if !r.pools.value.is_empty() || vip {
                Resolved::Any
            } else {
                Resolved::from(initiator_addr)
            },
        );
        let allowed_local = resolve(&theirs.local_ts.value, Resolved::from(responder_addr));
        let narrowing = r.implementation == Implementation::StrongSwan || r.narrowing;
        let fits = |proposed: &Option<Vec<(IpAddr, IpAddr)>>,
                    allowed: &Option<Vec<(IpAddr, IpAddr)>>|
         -> bool {
            let (Some(p), Some(a)) = (proposed, allowed) else {
                return true;
            };
            if narrowing {
                p.iter().any(|x| a.iter().any(|y| overlaps(*x, *y)))
            } else {
                p.iter().all(|x| a.iter().any(|y| equal(*x, *y)))
            }
        };
        if !fits(&tsr, &allowed_local) || !fits(&tsi, &allowed_remote) {
            let mut p = with_values(
                Problem::new(
                    7,
                    FailurePhase::ChildSa,
                    Category::TrafficSelectors,
                    format!(
                        "the initiator asks for {} <=> {} and the responder allows {} <=> {}{}",
                        describe(&mine.local_ts.value),
                        describe(&mine.remote_ts.value),
                        describe(&theirs.remote_ts.value),
                        describe(&theirs.local_ts.value),
                        if narrowing {
                            ""
                        } else if r.implementation == Implementation::Libreswan {
                            " without narrowing (`narrowing=no`)"
                        } else {
                            " without narrowing"
                        }
                    ),
                )
                .cite(
                    End::Initiator,
                    mine.remote_ts.at.or(mine.local_ts.at).or(Some(mine.at)),
                    format!(
                        "asks for {} <=> {}",
                        describe(&mine.local_ts.value),
                        describe(&mine.remote_ts.value)
                    ),
                )
                .cite(
                    End::Responder,
                    theirs
                        .local_ts
                        .at
                        .or(theirs.remote_ts.at)
                        .or(Some(theirs.at)),
                    format!(
                        "allows {} <=> {}",
                        describe(&theirs.remote_ts.value),
                        describe(&theirs.local_ts.value)
                    ),
                ),
            );
            p.values.ts_asked = mine.remote_ts.value.iter().map(|t| t.describe()).collect();
            p.values.ts_allowed = theirs.local_ts.value.iter().map(|t| t.describe()).collect();
            return vec![p];
        }
        if no_lease {
            let mut p = with_values(
                Problem::new(
                    7,
                    FailurePhase::ChildSa,
                    Category::ConfigOther,
                    "the responder's connection hands out virtual IPs and the initiator asks for none: the responder answers FAILED_CP_REQUIRED and builds no CHILD_SA".into(),
                )
                .cite(End::Initiator, i.vips.at.or(Some(i.at)), "asks for no virtual IP".into())
                .cite(End::Responder, r.pools.at.or(Some(r.at)), "hands out virtual IPs".into()),
            );
            p.values.vip_wanted = true;
            return vec![p];
        }
        // The daemons pick the CHILD_SA configuration by its traffic selectors first, then
        // its proposals: an ESP mismatch shows only once the selectors fit.
        if !offered
            .iter()
            .any(|o| accepted.iter().any(|a| a.accepts(o, false)))
        {
            return vec![with_values(
                Problem::new(
                    8,
                    FailurePhase::ChildSa,
                    Category::ProposalEsp,
                    format!(
                        "no common ESP proposal: the initiator offers {}, the responder accepts {}",
                        short(offered),
                        short(accepted)
                    ),
                )
                .cite(
                    End::Initiator,
                    mine.esp_proposals.at.or(Some(mine.at)),
                    format!("offers {}", short(offered)),
                )
                .cite(
                    End::Responder,
                    theirs.esp_proposals.at.or(Some(theirs.at)),
                    format!("accepts {}", short(accepted)),
                ),
            )];
        }
        // PFS at the first rekey: the groups each side puts in its ESP proposals.
        let groups_of = |c: &ChildConfig| -> Vec<Proposal> {
            c.esp_proposals
                .value
                .iter()
                .map(|p| {
                    let mut p = p.clone();
                    if c.pfs_from_ike && p.real_groups().next().is_none() {
                        p.groups = ike_group.map(|g| vec![g.to_owned()]).unwrap_or_default();
                    }
                    p
                })
                .collect()
        };
        let (o, a) = (groups_of(mine), groups_of(theirs));
        if !o.iter().any(|x| a.iter().any(|y| y.accepts(x, true))) {
            let mut p = with_values(
                Problem::new(10, FailurePhase::ChildSa, Category::ProposalDh, format!(
                    "the ESP proposals agree except in the PFS group: the initiator wants {}, the responder {}; the first CHILD_SA comes up and its first rekey fails",
                    groups_text(&o), groups_text(&a)
                ))
                .cite(End::Initiator, mine.esp_proposals.at.or(Some(mine.at)), format!("offers {}", short(offered)))
                .cite(End::Responder, theirs.esp_proposals.at.or(Some(theirs.at)), format!("accepts {}", short(accepted))),
            );
            p.values.esp_offered = charon(&o);
            p.values.esp_accepted = charon(&a);
            return vec![p];
        }
        Vec::new()
    }
}

/// One end presents an identity the other's connection does not expect. `presenter` is the
/// end that presents it; the other rejects it.
fn identity_mismatch(
    order: usize,
    presenter: End,
    (presented, presented_at): (&str, Option<Line>),
    (wanted, wanted_at): (&str, Option<Line>),
) -> Problem {
    let (who, other) = match presenter {
        End::Responder => ("responder", "initiator"),
        _ => ("initiator", "responder's connection"),
    };
    // Who refuses depends on the responder: charon refuses an IDr it holds no connection for,
    // pluto answers and the initiator refuses its identity.
    let rejects = if presenter == End::Responder {
        ": the initiator's connection names the gateway by another identity"
    } else {
        ""
    };
    let expecting = if presenter == End::Responder {
        End::Initiator
    } else {
        End::Responder
    };
    let mut p = Problem::new(
        order,
        FailurePhase::IkeAuth,
        Category::AuthId,
        format!("the {who} presents the identity `{presented}` and the {other} expects `{wanted}`{rejects}"),
    )
    .cite(presenter, presented_at, format!("identity `{presented}`"))
    .cite(expecting, wanted_at, format!("expects `{wanted}`"));
    p.values.id_expected = Some(wanted.to_owned());
    p.values.id_presented = Some(presented.to_owned());
    if presenter == End::Responder {
        p.values.change_on = Some(End::Initiator);
    }
    p
}

/// The two ends hold different secrets (initiator's, responder's): cited by their lines and
/// byte lengths, never their text.
fn secrets_differ(
    order: usize,
    category: Category,
    title: String,
    (a, b): (&Secret, &Secret),
) -> Problem {
    Problem::new(order, FailurePhase::IkeAuth, category, title)
        .cite(
            End::Initiator,
            Some(a.at),
            format!("a secret of {} bytes", a.length),
        )
        .cite(
            End::Responder,
            Some(b.at),
            format!("a secret of {} bytes", b.length),
        )
}

/// How far a pair of children gets: no problem beats any; a later problem beats an earlier.
fn rank(problems: &[Problem]) -> usize {
    problems.first().map_or(usize::MAX, |p| p.order)
}

fn groups_text(list: &[Proposal]) -> String {
    let mut groups: Vec<&str> = list.iter().flat_map(|p| p.real_groups()).collect();
    groups.dedup();
    if groups.is_empty() {
        "no PFS".into()
    } else {
        groups.join(" or ")
    }
}

fn first_common_group(offered: &[Proposal], accepted: &[Proposal]) -> Option<String> {
    for o in offered {
        for a in accepted {
            if a.accepts(o, true) {
                return o
                    .real_groups()
                    .find(|g| a.groups.iter().any(|x| x == g))
                    .map(str::to_owned);
            }
        }
    }
    None
}

/// A traffic selector list resolved to ranges; `None` when it cannot be (an address the
/// files do not give).
#[derive(Clone, Copy)]
enum Resolved {
    Address(IpAddr),
    /// A virtual IP request: 0.0.0.0/0 until assigned.
    Everything,
    /// Whatever the peer proposes fits (a pool lease, an unknown address).
    Any,
}

impl From<Option<IpAddr>> for Resolved {
    fn from(a: Option<IpAddr>) -> Resolved {
        a.map_or(Resolved::Any, Resolved::Address)
    }
}

fn resolve(list: &[TrafficSelector], dynamic: Resolved) -> Option<Vec<(IpAddr, IpAddr)>> {
    let mut out = Vec::new();
    for ts in list {
        match ts {
            TrafficSelector::Range(a, b) => out.push((*a, *b)),
            // Not read here: not checked.
            TrafficSelector::Unknown(_) => return None,
            TrafficSelector::Dynamic => match dynamic {
                Resolved::Address(a) => out.push((a, a)),
                Resolved::Everything => out.push((
                    IpAddr::from([0, 0, 0, 0]),
                    IpAddr::from([255, 255, 255, 255]),
                )),
                Resolved::Any => return None,
            },
        }
    }
    Some(out)
}

/// Both ranges as numbers, when of one address family.
fn bounds(x: (IpAddr, IpAddr), y: (IpAddr, IpAddr)) -> Option<[u128; 4]> {
    let n = |a: IpAddr| match a {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    };
    (x.0.is_ipv4() == y.0.is_ipv4()).then(|| [n(x.0), n(x.1), n(y.0), n(y.1)])
}

fn overlaps(x: (IpAddr, IpAddr), y: (IpAddr, IpAddr)) -> bool {
    bounds(x, y).is_some_and(|[a, b, c, d]| a <= d && c <= b)
}

/// Libreswan without narrowing wants the proposed selector to equal the configured one.
fn equal(x: (IpAddr, IpAddr), y: (IpAddr, IpAddr)) -> bool {
    bounds(x, y).is_some_and(|[a, b, c, d]| a == c && b == d)
}

fn describe(list: &[TrafficSelector]) -> String {
    list.iter()
        .map(|t| t.describe())
        .collect::<Vec<_>>()
        .join(",")
}

/// The identity a connection presents: written, or its address (strongSwan's and Libreswan's
/// default with a PSK); `None` when it would come from a certificate.
fn own_id(p: &PeerConfig) -> Option<String> {
    let round = p.local_auth.first()?;
    if let Some(id) = &round.id.value {
        return Some(id.clone());
    }
    if round.method.value == AuthMethod::PublicKey {
        return None;
    }
    p.local_addrs.value.first().cloned()
}

/// The category of two authentication methods that do not meet: the key, the EAP method or
/// the certificate side of the mismatch.
fn method_category(presented: &AuthMethod, expected: &AuthMethod) -> Category {
    match (presented, expected) {
        (AuthMethod::Psk, _) | (_, AuthMethod::Psk) => Category::AuthPsk,
        (AuthMethod::Eap(_), _) | (_, AuthMethod::Eap(_)) => Category::AuthEap,
        _ => Category::AuthCert,
    }
}

/// Both ends do EAP, with two different methods named.
fn eap_methods_differ(presented: &AuthMethod, expected: &AuthMethod) -> bool {
    matches!(
        (presented, expected),
        (AuthMethod::Eap(Some(_)), AuthMethod::Eap(Some(_)))
    ) && !methods_meet(presented, expected)
}

fn methods_meet(presented: &AuthMethod, expected: &AuthMethod) -> bool {
    match (presented, expected) {
        (AuthMethod::Eap(a), AuthMethod::Eap(b)) => {
            // A responder's `radius` or `dynamic` method takes what the client does.
            a.is_none()
                || b.is_none()
                || a == b
                || matches!(b.as_deref(), Some("radius" | "dynamic"))
        }
        (a, b) => a == b,
    }
}

/// Whether `id` satisfies the expected identity `pattern` (`%any`, `*` wildcards, type
/// prefixes such as `fqdn:` and Libreswan's `@` left out, case-insensitive).
fn id_matches(pattern: &str, id: &str) -> bool {
    let norm = |s: &str| -> String {
        let s = s.trim().trim_start_matches('@');
        let s = s
            .split_once(':')
            .filter(|(t, _)| {
                [
                    "fqdn", "email", "ipv4", "ipv6", "keyid", "asn1dn", "rfc822", "userfqdn",
                ]
                .contains(&t.to_ascii_lowercase().as_str())
            })
            .map_or(s, |(_, v)| v);
        s.to_ascii_lowercase()
    };
    let (p, i) = (norm(pattern), norm(id));
    if p == "%any" || p == "*" || p.is_empty() {
        return true;
    }
    if let Some((head, tail)) = p.split_once('*') {
        return i.starts_with(head) && i.ends_with(tail) && i.len() >= head.len() + tail.len();
    }
    p == i
}

/// The secret a daemon picks for these identities: the one naming most of them; one naming
/// none of them only when it names no identity at all.
fn find_secret<'s>(
    set: &'s ConfigSet,
    kind: SecretKind,
    ids: &[Option<String>],
) -> Option<&'s Secret> {
    set.secrets
        .iter()
        .filter(|s| s.kind == kind)
        .filter_map(|s| {
            let hits = s
                .ids
                .iter()
                .filter(|sid| ids.iter().flatten().any(|id| id_matches(sid, id)))
                .count();
            (hits > 0 || s.ids.is_empty()).then_some((hits, s))
        })
        // The first of equally good secrets, as charon and pluto take it.
        .rev()
        .max_by_key(|(hits, _)| *hits)
        .map(|(_, s)| s)
}

struct Lint {
    phase: FailurePhase,
    category: Category,
    title: String,
    at: Option<Line>,
    note: String,
}

/// What does not stop a connection but should change: weak algorithms, short pre-shared keys,
/// certificates without IKEv2 fragmentation.
fn lint(end: &ConfigEnd) -> Vec<Lint> {
    let mut out = Vec::new();
    for p in &end.set.peers {
        let mut weak: Vec<&str> = p
            .ike_proposals
            .value
            .iter()
            .flat_map(|x| x.weak_algorithms())
            .collect();
        weak.sort();
        weak.dedup();
        if !weak.is_empty() && p.ike_proposals.at.is_some() {
            out.push(Lint {
                phase: FailurePhase::IkeSaInit,
                category: Category::ProposalIke,
                title: format!(
                    "connection `{}` allows weak IKE algorithms: {}",
                    p.name,
                    weak.join(", ")
                ),
                at: p.ike_proposals.at,
                note: "IKE proposals".into(),
            });
        }
        // Home routers drop idle UDP mappings after as little as 30 s; RFC 3948 suggests
        // keepalives every 20 s.
        if let (Some(seconds), Some(at)) =
            (p.nat_keepalive_seconds.value, p.nat_keepalive_seconds.at)
        {
            if seconds > 25 {
                out.push(Lint {
                    phase: FailurePhase::Established,
                    category: Category::Nat,
                    title: format!("connection `{}` sends NAT keepalives every {seconds} s: longer than the 30 s after which many NAT routers forget an idle UDP mapping", p.name),
                    at: Some(at),
                    note: "NAT keepalive interval".into(),
                });
            }
        }
        let pubkey = p
            .local_auth
            .iter()
            .any(|r| r.method.value == AuthMethod::PublicKey);
        if pubkey && p.fragmentation.value == "no" {
            out.push(Lint {
                phase: FailurePhase::IkeAuth,
                category: Category::MtuFragmentation,
                title: format!("connection `{}` authenticates with certificates and has IKEv2 fragmentation off: IKE_AUTH with a certificate chain is often larger than a path's MTU", p.name),
                at: p.fragmentation.at,
                note: "fragmentation".into(),
            });
        }
    }
    for s in &end.set.secrets {
        if s.kind == SecretKind::Ike && s.length < 20 {
            out.push(Lint {
                phase: FailurePhase::IkeAuth,
                category: Category::AuthPsk,
                title: format!("a pre-shared key of {} bytes: shorter than 20, open to offline guessing from one captured exchange", s.length),
                at: Some(s.at),
                note: "the key (not printed)".into(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decided failure the configurations explain the same way gives their lines first: they
    /// read both files, where a log reads one end's view.
    #[test]
    fn configurations_explaining_a_decided_failure_give_their_fixes_first() {
        let finding = |rule, fixes: &[&str]| {
            Finding::decided(
                rule,
                FailurePhase::IkeAuth,
                Category::AuthId,
                Knowledge::OwnStatement,
                "t",
            )
            .fix(fixes.iter().map(|f| fix::Fix::text(*f)))
        };
        let diagnosis = |findings| Diagnosis {
            verdict: Verdict::new(Outcome::Failed, "s"),
            findings,
            sessions: Vec::new(),
            peers: Vec::new(),
        };
        let mut d = diagnosis(vec![finding("log", &["responder line", "general"])]);
        let prediction = diagnosis(vec![finding(RULE, &["initiator line", "general"])]);
        refine(&mut d, &prediction, "the configurations decide");
        let texts: Vec<&str> = d.findings[0].fix.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["initiator line", "general", "responder line"]);
    }

    #[test]
    fn identities() {
        assert!(id_matches("%any", "x"));
        assert!(id_matches("@gw.example", "gw.example"));
        assert!(id_matches("fqdn:GW.example", "gw.example"));
        assert!(id_matches("*@example.com", "alice@example.com"));
        assert!(!id_matches("client.test", "laptop.test"));
    }

    #[test]
    fn ranges() {
        let r = |a: &str, b: &str| (a.parse().unwrap(), b.parse().unwrap());
        assert!(overlaps(
            r("10.0.0.0", "10.0.0.255"),
            r("10.0.0.5", "10.0.0.5")
        ));
        assert!(!overlaps(
            r("10.0.0.0", "10.0.0.255"),
            r("10.0.1.0", "10.0.1.255")
        ));
        assert!(equal(
            r("10.0.0.0", "10.0.0.255"),
            r("10.0.0.0", "10.0.0.255")
        ));
        assert!(!equal(
            r("10.0.0.5", "10.0.0.5"),
            r("10.0.0.0", "10.0.0.255")
        ));
    }
}
