//! `--enumerate`: which suites (encryption, PRF, integrity, DH) a responder accepts, without
//! trying every combination.
//!
//! # The search
//!
//! An IKEv2 responder answers an offer with *one* suite it accepts from that offer, or with
//! NO_PROPOSAL_CHOSEN when there is none. Sending one offer per combination would take
//! |ENCR| x |PRF| x |INTEG| x |DH| exchanges (21 x 7 x 8 x 12 = 14112 with the standard
//! catalog). Instead the search keeps a stack of disjoint *boxes* (a set of candidates per
//! transform type, offered as one SA payload) and starts with the box of everything:
//!
//! - the responder picks a suite (e, p, i, d) from the box: record it, and replace the box by
//!   four disjoint boxes that together cover the box minus that one suite:
//!   `D\{d}`, then `{d} x E\{e}`, then `{d} x {e} x P\{p}`, then `{d} x {e} x {p} x I\{i}`;
//! - NO_PROPOSAL_CHOSEN: the box holds no accepted suite, drop it;
//! - a box that contains no valid suite (e.g. only AEAD ciphers with only real integrity
//!   algorithms) is dropped without a query.
//!
//! Every query either finds a new suite or closes a box, and each found suite opens at most
//! four boxes, so a responder accepting S suites costs at most 4·S + 1 queries (for one
//! configured proposal `aes256-sha256-modp2048`: 5). Boxes are split on the DH group first so
//! that most boxes have a single group and the KE payload can match it.
//!
//! The KE payload must carry the group the responder picks, or it answers INVALID_KE_PAYLOAD
//! with the group it wants (RFC 7296 section 1.2). When a box still has several groups, the
//! search guesses the group the responder chose last; an INVALID_KE_PAYLOAD costs one cheap
//! exchange (the responder keeps no state) and the box is asked again with the requested
//! group, at most once per group in the box.
use ike_wire::{DhGroup, ProposalRepr};

use crate::algorithms::{members, Catalog, Selection, Suite};

/// Groups tried first when a box has several: cheap and widely configured.
const PREFERRED_GROUPS: [DhGroup; 6] = [
    DhGroup::CURVE_25519,
    DhGroup::ECP_256,
    DhGroup::MODP_2048,
    DhGroup::ECP_384,
    DhGroup::MODP_3072,
    DhGroup::MODP_1024,
];

/// One offer to send.
#[derive(Debug, Clone)]
pub struct Query {
    pub selection: Selection,
    pub proposals: Vec<ProposalRepr>,
    pub ke_group: DhGroup,
}

/// What the responder said to a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryResult {
    Selected(Suite),
    NoProposalChosen,
    InvalidKe(Option<DhGroup>),
    /// No usable answer (no answer, ICMP, unexpected error): the search stops.
    Failed(String),
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    selection: Selection,
    ke: Option<DhGroup>,
    ke_retries: u32,
}

pub struct Search {
    catalog: Catalog,
    stack: Vec<Pending>,
    current: Option<Pending>,
    found: Vec<Suite>,
    last_group: Option<DhGroup>,
    queries: u32,
    budget: u32,
    complete: bool,
    notes: Vec<String>,
}

impl Search {
    /// A search over `catalog` that sends at most `budget` queries.
    pub fn new(catalog: Catalog, budget: u32) -> Search {
        let all = catalog.all();
        Search {
            catalog,
            stack: vec![Pending {
                selection: all,
                ke: None,
                ke_retries: 0,
            }],
            current: None,
            found: Vec::new(),
            last_group: None,
            queries: 0,
            budget,
            complete: true,
            notes: Vec::new(),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The responder's answer to the box of everything, obtained earlier (the plain probe
    /// sends exactly that offer): saves one query.
    pub fn seed(&mut self, suite: Suite) {
        if self.queries == 0 && self.current.is_none() && self.found.is_empty() {
            if let Some(first) = self.stack.pop() {
                self.current = Some(first);
                self.record(QueryResult::Selected(suite));
                self.queries = 0;
            }
        }
    }

    /// The next offer to send, `None` when the search is over.
    pub fn next_query(&mut self) -> Option<Query> {
        loop {
            if self.current.is_none() {
                let next = self.stack.pop()?;
                if self.catalog.proposals(&next.selection).is_empty() {
                    continue;
                }
                self.current = Some(next);
            }
            let pending = self.current?;
            if self.queries >= self.budget {
                self.complete = false;
                self.notes.push(format!(
                    "stopped after {} queries (the exchange budget); the list may be incomplete",
                    self.queries
                ));
                self.current = None;
                self.stack.clear();
                return None;
            }
            let proposals = self.catalog.proposals(&pending.selection);
            let ke_group = pending
                .ke
                .unwrap_or_else(|| self.guess_group(&pending.selection));
            self.queries += 1;
            return Some(Query {
                selection: pending.selection,
                proposals,
                ke_group,
            });
        }
    }

    fn guess_group(&self, selection: &Selection) -> DhGroup {
        let groups = members(selection.dh, &self.catalog.dh);
        if let Some(last) = self.last_group.filter(|g| groups.contains(g)) {
            return last;
        }
        PREFERRED_GROUPS
            .iter()
            .copied()
            .find(|g| groups.contains(g))
            .or_else(|| groups.first().copied())
            .unwrap_or(DhGroup::CURVE_25519)
    }

    /// The answer to the last query.
    pub fn record(&mut self, result: QueryResult) {
        let Some(mut pending) = self.current.take() else {
            return;
        };
        let sel = pending.selection;
        match result {
            QueryResult::Selected(suite) => {
                let Some([e, p, i, d]) = self.catalog.locate(&suite) else {
                    self.complete = false;
                    self.notes.push(format!(
                        "the responder selected {} which is not among the offered algorithms",
                        suite.notation()
                    ));
                    return;
                };
                let inside = sel.encr & (1 << e) != 0
                    && sel.prf & (1 << p) != 0
                    && sel.integ & (1 << i) != 0
                    && sel.dh & (1 << d) != 0;
                if !inside || self.found.contains(&suite) {
                    self.complete = false;
                    self.notes.push(format!(
                        "the responder selected {} which was not in that offer",
                        suite.notation()
                    ));
                    return;
                }
                self.found.push(suite);
                self.last_group = Some(suite.dh);
                let (be, bp, bi, bd) = (1u64 << e, 1u64 << p, 1u64 << i, 1u64 << d);
                let boxes = [
                    Selection {
                        dh: sel.dh & !bd,
                        ..sel
                    },
                    Selection {
                        encr: sel.encr & !be,
                        dh: bd,
                        ..sel
                    },
                    Selection {
                        encr: be,
                        prf: sel.prf & !bp,
                        dh: bd,
                        ..sel
                    },
                    Selection {
                        encr: be,
                        prf: bp,
                        integ: sel.integ & !bi,
                        dh: bd,
                    },
                ];
                // Pushed in reverse so that the DH split is explored first.
                for selection in boxes.into_iter().rev() {
                    if !selection.is_empty() {
                        self.stack.push(Pending {
                            selection,
                            ke: None,
                            ke_retries: 0,
                        });
                    }
                }
            }
            QueryResult::NoProposalChosen => {}
            QueryResult::InvalidKe(Some(group))
                if members(sel.dh, &self.catalog.dh).contains(&group)
                    && pending.ke_retries < sel.dh_count() =>
            {
                pending.ke = Some(group);
                pending.ke_retries += 1;
                self.last_group = Some(group);
                self.current = Some(pending);
            }
            QueryResult::InvalidKe(group) => {
                self.complete = false;
                self.notes.push(match group {
                    Some(g) => format!("the responder asked for {g}, which was not in that offer"),
                    None => "INVALID_KE_PAYLOAD without a group".to_string(),
                });
            }
            QueryResult::Failed(why) => {
                self.complete = false;
                self.notes.push(format!(
                    "stopped: {why} after {} accepted suite(s); a per-peer limit on half-open IKE SAs (strongSwan's charon.block_threshold, 5 by default) stops answering this way",
                    self.found.len()
                ));
                self.stack.clear();
            }
        }
    }

    pub fn found(&self) -> &[Suite] {
        &self.found
    }

    pub fn queries(&self) -> u32 {
        self.queries
    }

    pub fn is_complete(&self) -> bool {
        self.complete
    }

    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithms::Encr;
    use std::collections::HashSet;

    /// A responder model: accepts `suites`, prefers them in order, asks for the group of the
    /// suite it picks when the KE does not match.
    fn respond(accepted: &[Suite], catalog: &Catalog, q: &Query) -> QueryResult {
        for suite in accepted {
            let Some([e, p, i, d]) = catalog.locate(suite) else {
                continue;
            };
            let s = q.selection;
            if s.encr & (1 << e) != 0
                && s.prf & (1 << p) != 0
                && s.integ & (1 << i) != 0
                && s.dh & (1 << d) != 0
            {
                if suite.dh != q.ke_group {
                    return QueryResult::InvalidKe(Some(suite.dh));
                }
                return QueryResult::Selected(*suite);
            }
        }
        QueryResult::NoProposalChosen
    }

    fn run(accepted: &[Suite]) -> (Vec<Suite>, u32) {
        let catalog = Catalog::standard();
        let mut search = Search::new(catalog.clone(), 500);
        while let Some(q) = search.next_query() {
            let result = respond(accepted, &catalog, &q);
            search.record(result);
        }
        assert!(search.is_complete(), "{:?}", search.notes());
        (search.found().to_vec(), search.queries())
    }

    fn suite(id: u16, bits: u16, prf: u16, integ: u16, dh: DhGroup) -> Suite {
        Suite {
            encr: Encr {
                id,
                key_bits: Some(bits),
            },
            prf,
            integ,
            dh,
        }
    }

    #[test]
    fn finds_exactly_the_accepted_suites_with_few_queries() {
        let accepted = [
            suite(12, 256, 5, 12, DhGroup::MODP_2048),
            suite(20, 128, 5, 0, DhGroup::ECP_256),
            suite(12, 128, 2, 2, DhGroup::CURVE_25519),
            suite(12, 128, 2, 2, DhGroup::MODP_2048),
        ];
        let (found, queries) = run(&accepted);
        let found: HashSet<Suite> = found.into_iter().collect();
        assert_eq!(found, accepted.iter().copied().collect());
        // 4 suites: at most 4*4+1 box queries plus one INVALID_KE retry per box with groups.
        assert!(queries <= 30, "{queries} queries");
    }

    #[test]
    fn a_single_proposal_costs_a_handful_of_queries() {
        let accepted = [suite(12, 256, 5, 12, DhGroup::MODP_2048)];
        let (found, queries) = run(&accepted);
        assert_eq!(found, accepted);
        assert!(queries <= 7, "{queries} queries");
    }

    #[test]
    fn nothing_accepted_is_one_query() {
        let (found, queries) = run(&[]);
        assert!(found.is_empty());
        assert_eq!(queries, 1);
    }

    #[test]
    fn a_failure_stops_the_search_and_marks_it_incomplete() {
        let mut search = Search::new(Catalog::standard(), 100);
        assert!(search.next_query().is_some());
        search.record(QueryResult::Failed("no answer".into()));
        assert!(search.next_query().is_none());
        assert!(!search.is_complete());
    }

    #[test]
    fn seeding_skips_the_first_query() {
        let accepted = [suite(12, 256, 5, 12, DhGroup::MODP_2048)];
        let catalog = Catalog::standard();
        let mut search = Search::new(catalog.clone(), 100);
        search.seed(accepted[0]);
        let mut queries = 0;
        while let Some(q) = search.next_query() {
            queries += 1;
            search.record(respond(&accepted, &catalog, &q));
        }
        assert_eq!(search.found(), accepted);
        assert!(queries <= 6);
    }
}
