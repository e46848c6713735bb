//! What the host's nftables rule set (`nft -j list ruleset`; iptables-nft rules appear there
//! too) does with one packet: the base chains of its hook in priority order, rules in order,
//! jump/goto/return, policies, anonymous and named sets, prefixes and ranges, `ct state`,
//! interface and address matches. An accept ends one base chain only (the next base chain of
//! the hook still sees the packet); a drop or reject ends it all. An expression not understood
//! makes the verdict "cannot evaluate" with the rule's handle, never a silent pass.
use std::net::IpAddr;

use serde::Serialize;
use serde_json::Value;

/// Deepest jump/goto nesting followed (the kernel allows 16).
const MAX_JUMPS: usize = 16;
/// Most rules looked at for one packet (a hostile rule set with loops is bounded).
const MAX_RULES: usize = 100_000;
/// How deep sets may name sets, and how many values one comparison may read.
const MAX_SET_DEPTH: usize = 8;
const MAX_VALUES: usize = 1_000_000;

/// The packet to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Packet {
    /// `input` (to this host), `output` (from it) or `forward`.
    pub hook: &'static str,
    pub saddr: IpAddr,
    pub daddr: IpAddr,
    /// IP protocol: 17 (UDP) or 50 (ESP).
    pub protocol: u8,
    pub sport: Option<u16>,
    pub dport: Option<u16>,
    pub iif: Option<String>,
    pub oif: Option<String>,
    /// `ct state` as the first packet of a flow has it.
    pub ct_state: &'static str,
    /// Whether the route's interface is known: without, a rule matching an interface name
    /// cannot be evaluated (rather than taken as not matching).
    pub interfaces_known: bool,
}

/// What the rule set does with the packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    Accepted,
    /// Dropped or rejected by a rule or by a base chain's policy.
    Dropped {
        /// The table's family (`inet`, `ip`, `ip6`).
        family: String,
        table: String,
        chain: String,
        /// The rule's handle; `None`: the chain's policy.
        handle: Option<u64>,
        /// The rule as `nft` would list it, approximately (its statements' names).
        rule: String,
    },
    /// A rule whose expression this evaluator does not understand decides it.
    CannotEvaluate {
        family: String,
        table: String,
        chain: String,
        handle: Option<u64>,
        expression: String,
    },
}

/// A rule's handle and expressions.
type RuleExprs = (Option<u64>, Vec<Value>);

/// A chain's identity: family, table, name.
type ChainKey = (String, String, String);

/// A parsed rule set, its rules indexed by chain (a jump costs a lookup, not a scan).
pub struct Ruleset {
    items: Vec<Value>,
    rules: std::collections::HashMap<ChainKey, Vec<usize>>,
    /// `iptables-save` of the same rules: the arguments of iptables' `xt` matches.
    saved: crate::xtables::SavedRules,
}

impl Ruleset {
    /// From `nft -j list ruleset` output.
    pub fn from_json(text: &str) -> Result<Ruleset, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not nft JSON: {e}"))?;
        let items = v
            .get("nftables")
            .and_then(Value::as_array)
            .cloned()
            .ok_or("no `nftables` array")?;
        let mut rules: std::collections::HashMap<ChainKey, Vec<usize>> = Default::default();
        for (i, item) in items.iter().enumerate() {
            let Some(r) = item.get("rule") else { continue };
            let key = |k: &str| {
                r.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            rules
                .entry((key("family"), key("table"), key("chain")))
                .or_default()
                .push(i);
        }
        Ok(Ruleset {
            items,
            rules,
            saved: Default::default(),
        })
    }

    /// Adds `iptables-save` (`family` `ip`) or `ip6tables-save` (`ip6`) output of the same
    /// rule set: the arguments of the `xt` matches nft lists without them.
    pub fn add_iptables_save(&mut self, family: &str, text: &str) {
        self.saved.add(family, text);
    }

    /// Whether any rule rewrites TCP's MSS: nft's `tcp option maxseg size set ...` or
    /// iptables' `-j TCPMSS` (listed as an `xt` target).
    pub fn clamps_mss(&self) -> bool {
        self.of_kind("rule").any(|rule| {
            rule.get("expr")
                .and_then(Value::as_array)
                .is_some_and(|exprs| {
                    exprs.iter().any(|e| {
                        let mangles_mss = e
                            .get("mangle")
                            .and_then(|m| m.get("key"))
                            .and_then(|k| k.get("tcp option"))
                            .and_then(|o| o.get("name"))
                            .and_then(Value::as_str)
                            == Some("maxseg");
                        let xt_tcpmss = e
                            .get("xt")
                            .and_then(|x| x.get("name"))
                            .and_then(Value::as_str)
                            == Some("TCPMSS");
                        mangles_mss || xt_tcpmss
                    })
                })
        })
    }

    fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.items.iter().filter_map(move |i| i.get(kind))
    }

    /// The rules of one chain, in order.
    fn rules<'a>(&'a self, family: &str, table: &str, chain: &str) -> Vec<&'a Value> {
        self.rules
            .get(&(family.to_owned(), table.to_owned(), chain.to_owned()))
            .map(|indexes| {
                indexes
                    .iter()
                    .filter_map(|&i| self.items.get(i).and_then(|item| item.get("rule")))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn set_elements(&self, family: &str, table: &str, name: &str) -> Option<Vec<Value>> {
        self.elements_of("set", family, table, name)
    }

    /// A named map's `[key, value]` pairs.
    fn map_elements(&self, family: &str, table: &str, name: &str) -> Option<Vec<Value>> {
        self.elements_of("map", family, table, name)
    }

    fn elements_of(&self, kind: &str, family: &str, table: &str, name: &str) -> Option<Vec<Value>> {
        self.of_kind(kind)
            .find(|s| {
                s.get("family").and_then(Value::as_str) == Some(family)
                    && s.get("table").and_then(Value::as_str) == Some(table)
                    && s.get("name").and_then(Value::as_str) == Some(name)
            })
            .map(|s| {
                s.get("elem")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
    }

    /// What the rule set does with `packet`.
    pub fn evaluate(&self, packet: &Packet) -> Verdict {
        // The hooks a packet to or from this host crosses, in order: the netdev/inet ingress
        // of its interface, prerouting and input; or output, postrouting and egress.
        let path: &[&str] = match packet.hook {
            "input" => &["ingress", "prerouting", "input"],
            "output" => &["output", "postrouting", "egress"],
            "forward" => &["ingress", "prerouting", "forward", "postrouting", "egress"],
            other => return self.evaluate_hook(packet, other),
        };
        for hook in path {
            // What each hook sees of the interfaces: no output one before routing, no input
            // one after it (the kernel compares those with the empty name).
            let mut at = packet.clone();
            match *hook {
                "ingress" | "prerouting" | "input" => at.oif = None,
                "output" | "postrouting" | "egress" => at.iif = None,
                _ => {}
            }
            // A destination NAT of the packet sends it elsewhere than this host's daemon.
            if *hook == "prerouting" && packet.hook == "input" {
                let family = if packet.saddr.is_ipv4() { "ip" } else { "ip6" };
                match self.nat_at(&at, "prerouting", &["dnat", "redirect"]) {
                    NatVerdict::Translated {
                        table,
                        chain,
                        handle,
                        family,
                    } => {
                        return Verdict::CannotEvaluate {
                            family,
                            table,
                            chain,
                            handle,
                            expression: "dnat/redirect: the packet is sent elsewhere than this host's IKE daemon".into(),
                        }
                    }
                    NatVerdict::CannotEvaluate {
                        table,
                        chain,
                        handle,
                        expression,
                    } => {
                        return Verdict::CannotEvaluate {
                            family: family.to_owned(),
                            table,
                            chain,
                            handle,
                            expression: format!("whether a destination NAT applies: {expression}"),
                        }
                    }
                    NatVerdict::Untouched => {}
                }
            }
            match self.evaluate_hook(&at, hook) {
                Verdict::Accepted => {}
                other => return other,
            }
        }
        Verdict::Accepted
    }

    /// The base chains of one hook (filter and route types) in priority order.
    fn evaluate_hook(&self, packet: &Packet, hook: &str) -> Verdict {
        let v4 = packet.saddr.is_ipv4();
        let mut chains: Vec<(i64, &str, &str, &str, &str, bool)> = self
            .of_kind("chain")
            .filter_map(|c| {
                let family = c.get("family")?.as_str()?;
                let applies = match family {
                    "inet" => true,
                    "ip" => v4,
                    "ip6" => !v4,
                    // The ingress and egress of one device.
                    "netdev" => true,
                    _ => false,
                };
                let kind = c.get("type").and_then(Value::as_str).unwrap_or("filter");
                if !applies || c.get("hook")?.as_str()? != hook || kind == "nat" {
                    return None;
                }
                // Whether the chain's device is the packet's: unknown when the route is, or
                // when the listing leaves the device out (nft 1.0.6 does).
                let mut device_unknown = false;
                if matches!(hook, "ingress" | "egress") {
                    let dev = if hook == "ingress" {
                        &packet.iif
                    } else {
                        &packet.oif
                    };
                    let on = |d: &Value| d.as_str().is_some_and(|d| Some(d) == dev.as_deref());
                    match c.get("dev").or_else(|| c.get("devices")) {
                        Some(_) if !packet.interfaces_known => device_unknown = true,
                        Some(Value::Array(list)) if !list.iter().any(on) => return None,
                        Some(Value::Array(_)) => {}
                        Some(d) if !on(d) => return None,
                        Some(_) => {}
                        None => device_unknown = true,
                    }
                }
                Some((
                    c.get("prio").and_then(Value::as_i64).unwrap_or(0),
                    family,
                    c.get("table")?.as_str()?,
                    c.get("name")?.as_str()?,
                    c.get("policy").and_then(Value::as_str).unwrap_or("accept"),
                    device_unknown,
                ))
            })
            .collect();
        chains.sort_by_key(|c| c.0);
        let mut budget = MAX_RULES;
        for (prio, family, table, chain, policy, device_unknown) in chains {
            // Chains before connection tracking (ingress, and prerouting or output below its
            // priority -200) see no connection: `ct state` is `invalid` there.
            let before_conntrack =
                hook == "ingress" || (matches!(hook, "prerouting" | "output") && prio < -200);
            let early = Packet {
                ct_state: "invalid",
                ..packet.clone()
            };
            let seen = if before_conntrack { &early } else { packet };
            let verdict = self.run_base_chain(seen, family, table, chain, policy, &mut budget);
            match verdict {
                Verdict::Accepted => {}
                // A device's chain would drop it, but whether the packet crosses that device
                // is not known: said, not guessed.
                Verdict::Dropped {
                    family,
                    table,
                    chain,
                    handle,
                    ..
                } if device_unknown => {
                    return Verdict::CannotEvaluate {
                        family,
                        table,
                        chain,
                        handle,
                        expression: "the chain's device (the packet's interface or the chain's device is not known: --interface)".into(),
                    }
                }
                other => return other,
            }
        }
        Verdict::Accepted
    }

    /// One base chain's verdict on the packet (its policy included).
    fn run_base_chain(
        &self,
        packet: &Packet,
        family: &str,
        table: &str,
        chain: &str,
        policy: &str,
        budget: &mut usize,
    ) -> Verdict {
        let ctx = Ctx {
            set: self,
            family,
            table,
            packet,
        };
        match ctx.run_chain(chain, 0, budget) {
            // An accept ends this base chain; the hook's next base chain still sees it.
            Flow::Accept => Verdict::Accepted,
            Flow::Continue | Flow::Return if policy == "drop" => Verdict::Dropped {
                family: family.to_owned(),
                table: table.to_owned(),
                chain: chain.to_owned(),
                handle: None,
                rule: "policy drop".into(),
            },
            Flow::Continue | Flow::Return => Verdict::Accepted,
            Flow::Drop(chain, handle, rule) => Verdict::Dropped {
                family: family.to_owned(),
                table: table.to_owned(),
                chain,
                handle,
                rule,
            },
            Flow::Unknown(chain, handle, expression) => Verdict::CannotEvaluate {
                family: family.to_owned(),
                table: table.to_owned(),
                chain,
                handle,
                expression,
            },
        }
    }
}

/// How a chain ended for the packet.
enum Flow {
    Accept,
    /// Dropped by a rule of the named chain (a jumped-to one included).
    Drop(String, Option<u64>, String),
    /// Fell off the end of the chain (the base chain's policy applies).
    Continue,
    /// `return` from a base chain: its policy applies too.
    Return,
    Unknown(String, Option<u64>, String),
}

struct Ctx<'a> {
    set: &'a Ruleset,
    family: &'a str,
    table: &'a str,
    packet: &'a Packet,
}

/// Whether an expression matched, or what kept it from being evaluated.
enum Match {
    Yes,
    No,
    Unknown(String),
}

impl Ctx<'_> {
    /// The rules of `chain` as (handle, expressions), each counted against the budget; why not
    /// when jumps nest too deep or the budget is spent (a hostile or looping rule set).
    fn chain_rules(
        &self,
        chain: &str,
        depth: usize,
        budget: &mut usize,
    ) -> Result<Vec<RuleExprs>, String> {
        if depth > MAX_JUMPS {
            return Err("jumps nested deeper than 16".into());
        }
        let rules = self.set.rules(self.family, self.table, chain);
        if rules.len() > *budget {
            *budget = 0;
            return Err("too many rules evaluated".into());
        }
        *budget -= rules.len();
        Ok(rules
            .into_iter()
            .map(|rule| {
                let handle = rule.get("handle").and_then(Value::as_u64);
                let exprs = rule
                    .get("expr")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                (handle, exprs)
            })
            .collect())
    }

    fn run_chain(&self, chain: &str, depth: usize, budget: &mut usize) -> Flow {
        let rules = match self.chain_rules(chain, depth, budget) {
            Ok(rules) => rules,
            Err(why) => return Flow::Unknown(chain.to_owned(), None, why),
        };
        let count = rules.len();
        for (index, (handle, exprs)) in rules.into_iter().enumerate() {
            let mut xt_seen: Vec<&str> = Vec::new();
            'rule: for e in &exprs {
                let Some((kind, body)) = e.as_object().and_then(|o| o.iter().next()) else {
                    continue;
                };
                match self.condition(kind, body, chain, index, count, &mut xt_seen) {
                    Some(Match::Yes) => continue,
                    Some(Match::No) => break 'rule,
                    Some(Match::Unknown(what)) => {
                        return Flow::Unknown(chain.to_owned(), handle, what)
                    }
                    None => {}
                }
                match kind.as_str() {
                    // iptables targets that change or log the packet and let it go on.
                    "xt" if body.get("type").and_then(Value::as_str) == Some("target")
                        && matches!(
                            body.get("name").and_then(Value::as_str),
                            Some("TCPMSS" | "LOG" | "NFLOG")
                        ) => {}
                    // Statements that do not decide the packet's fate (`notrack` does: the
                    // packet is then untracked for every later `ct state`, not read here).
                    "counter" | "log" | "comment" | "mangle" => {}
                    "accept" => return Flow::Accept,
                    "drop" | "reject" => {
                        return Flow::Drop(chain.to_owned(), handle, describe(&exprs))
                    }
                    "return" => return Flow::Return,
                    "continue" => {}
                    "jump" | "goto" => {
                        if let Some(flow) = self.jump(kind, body, chain, handle, depth, budget) {
                            return flow;
                        }
                    }
                    // `udp dport vmap { 500 : accept, 4500 : jump ike }`
                    "vmap" => {
                        let Some(key) = body.get("key").and_then(|k| self.field(k)) else {
                            return Flow::Unknown(
                                chain.to_owned(),
                                handle,
                                format!("vmap on {}", short(body)),
                            );
                        };
                        // Its pairs inline (`{ 500 : accept }`) or in a named map (`@ports`).
                        let data = body.get("data");
                        let pairs = match data.and_then(Value::as_str) {
                            Some(name) => name.strip_prefix('@').and_then(|name| {
                                self.set.map_elements(self.family, self.table, name)
                            }),
                            None => data
                                .and_then(|d| d.get("set"))
                                .and_then(Value::as_array)
                                .cloned(),
                        };
                        let Some(pairs) = pairs else {
                            return Flow::Unknown(
                                chain.to_owned(),
                                handle,
                                format!("vmap with {}", data.map(short).unwrap_or_default()),
                            );
                        };
                        for pair in pairs.iter().take(65_536) {
                            let (Some(value), Some(verdict)) = (pair.get(0), pair.get(1)) else {
                                continue;
                            };
                            let values = match self.right_values(value) {
                                Ok(v) => v,
                                Err(why) => return Flow::Unknown(chain.to_owned(), handle, why),
                            };
                            if !values.iter().any(|v| v.contains(&key)) {
                                continue;
                            }
                            let Some((verb, arg)) =
                                verdict.as_object().and_then(|o| o.iter().next())
                            else {
                                continue;
                            };
                            match verb.as_str() {
                                "accept" => return Flow::Accept,
                                "drop" | "reject" => {
                                    return Flow::Drop(chain.to_owned(), handle, "vmap drop".into())
                                }
                                "return" => return Flow::Return,
                                "continue" => {}
                                "jump" | "goto" => {
                                    if let Some(flow) =
                                        self.jump(verb, arg, chain, handle, depth, budget)
                                    {
                                        return flow;
                                    }
                                }
                                other => {
                                    return Flow::Unknown(
                                        chain.to_owned(),
                                        handle,
                                        format!("vmap verdict `{other}`"),
                                    )
                                }
                            }
                            break;
                        }
                    }
                    other => {
                        return Flow::Unknown(
                            chain.to_owned(),
                            handle,
                            format!("statement `{}`", other.chars().take(40).collect::<String>()),
                        )
                    }
                }
            }
        }
        Flow::Continue
    }

    /// A rule's condition (an nft `match`, or an iptables match nft lists by name only, read
    /// from iptables-save's copy of the rule); `None` for a statement. The filter and NAT
    /// walks share it.
    fn condition<'b>(
        &self,
        kind: &str,
        body: &'b Value,
        chain: &str,
        index: usize,
        count: usize,
        xt_seen: &mut Vec<&'b str>,
    ) -> Option<Match> {
        match kind {
            "match" => Some(self.matches(body)),
            "xt" if body.get("type").and_then(Value::as_str) == Some("match") => {
                Some(self.xt_match(body, chain, index, count, xt_seen))
            }
            _ => None,
        }
    }

    /// An iptables match nft lists by name only (`xt`), from iptables-save's copy of the rule:
    /// the `index`th of the chain's `count` rules; `seen` counts this rule's earlier `xt`
    /// matches, so a second `-m multiport` reads its own options.
    fn xt_match<'b>(
        &self,
        body: &'b Value,
        chain: &str,
        index: usize,
        count: usize,
        seen: &mut Vec<&'b str>,
    ) -> Match {
        let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
        let nth = seen.iter().filter(|n| **n == name).count();
        seen.push(name);
        let Some(args) = self
            .set
            .saved
            .rule(self.family, self.table, chain, index, count)
        else {
            return Match::Unknown(format!(
                "iptables match `-m {name}` (its arguments are in iptables-save, not read)"
            ));
        };
        let p = self.packet;
        let seen = crate::xtables::Seen {
            ct_state: p.ct_state,
            sport: p.sport,
            dport: p.dport,
            to_this_host: p.hook == "input",
            from_this_host: p.hook == "output",
        };
        match crate::xtables::evaluate(name, nth, args, &seen) {
            Ok(true) => Match::Yes,
            Ok(false) => Match::No,
            Err(why) => Match::Unknown(why),
        }
    }

    fn run_nat_chain(
        &self,
        chain: &str,
        depth: usize,
        budget: &mut usize,
        translators: &[&str],
    ) -> NatFlow {
        let rules = match self.chain_rules(chain, depth, budget) {
            Ok(rules) => rules,
            Err(why) => return NatFlow::Unknown(chain.to_owned(), None, why),
        };
        let count = rules.len();
        for (index, (handle, exprs)) in rules.into_iter().enumerate() {
            let mut xt_seen: Vec<&str> = Vec::new();
            'rule: for e in &exprs {
                let Some((kind, body)) = e.as_object().and_then(|o| o.iter().next()) else {
                    continue;
                };
                match self.condition(kind, body, chain, index, count, &mut xt_seen) {
                    Some(Match::Yes) => continue,
                    Some(Match::No) => break 'rule,
                    Some(Match::Unknown(what)) => {
                        return NatFlow::Unknown(chain.to_owned(), handle, what)
                    }
                    None => {}
                }
                match kind.as_str() {
                    "counter" | "log" | "comment" => {}
                    k if translators.contains(&k) => {
                        return NatFlow::Translated(chain.to_owned(), handle)
                    }
                    // iptables-nft's NAT targets, listed as `xt` targets: what they do is in
                    // their name (their arguments only say to what).
                    "xt" if body.get("type").and_then(Value::as_str) == Some("target") => {
                        let target = body
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_ascii_lowercase();
                        if translators.contains(&target.as_str()) {
                            return NatFlow::Translated(chain.to_owned(), handle);
                        }
                        return NatFlow::Unknown(
                            chain.to_owned(),
                            handle,
                            format!("iptables target {}", target.to_ascii_uppercase()),
                        );
                    }
                    // The other direction's translation (snat in prerouting is not valid,
                    // dnat in postrouting neither): no effect on this question.
                    "masquerade" | "snat" | "dnat" | "redirect" => {}
                    "accept" => return NatFlow::Accept,
                    "return" => return NatFlow::Return,
                    "jump" | "goto" => {
                        let Some(target) = body.get("target").and_then(Value::as_str) else {
                            return NatFlow::Unknown(
                                chain.to_owned(),
                                handle,
                                "a jump without a target".into(),
                            );
                        };
                        match self.run_nat_chain(target, depth + 1, budget, translators) {
                            NatFlow::Done | NatFlow::Return if kind == "jump" => {}
                            // Back from a goto: the calling chain does not go on.
                            NatFlow::Done | NatFlow::Return => return NatFlow::Done,
                            other => return other,
                        }
                    }
                    other => {
                        return NatFlow::Unknown(
                            chain.to_owned(),
                            handle,
                            format!("statement `{}`", other.chars().take(40).collect::<String>()),
                        )
                    }
                }
            }
        }
        NatFlow::Done
    }

    /// A jump or goto: `None` when the packet comes back and the calling chain goes on.
    fn jump(
        &self,
        kind: &str,
        body: &Value,
        chain: &str,
        handle: Option<u64>,
        depth: usize,
        budget: &mut usize,
    ) -> Option<Flow> {
        let Some(target) = body.get("target").and_then(Value::as_str) else {
            return Some(Flow::Unknown(
                chain.to_owned(),
                handle,
                "a jump without a target".into(),
            ));
        };
        match self.run_chain(target, depth + 1, budget) {
            // A jumped-to chain's end or `return` comes back here; after a goto the calling
            // chain is done (the base chain's policy applies).
            Flow::Continue | Flow::Return if kind == "jump" => None,
            Flow::Continue | Flow::Return => Some(Flow::Continue),
            other => Some(other),
        }
    }

    fn matches(&self, m: &Value) -> Match {
        let op = m.get("op").and_then(Value::as_str).unwrap_or("==");
        let (Some(left), Some(right)) = (m.get("left"), m.get("right")) else {
            return Match::Unknown("a match without two sides".into());
        };
        if let Some(result) = self.tcp_flags(op, left, right) {
            return result;
        }
        let Some(value) = self.field(left) else {
            return Match::Unknown(format!("match on {}", short(left)));
        };
        // A header the packet does not have: nft adds a protocol check before the match
        // (`tcp dport != 22` is `meta l4proto tcp tcp dport != 22`), so the rule does not apply
        // whatever the operator.
        if value == Field::Absent {
            return Match::No;
        }
        let candidates = match self.right_values(right) {
            Ok(c) => c,
            Err(why) => return Match::Unknown(why),
        };
        let hit = candidates.iter().any(|c| c.contains(&value));
        let result = match op {
            "==" | "in" => hit,
            "!=" => !hit,
            _ => return Match::Unknown(format!("operator `{op}`")),
        };
        if result {
            Match::Yes
        } else {
            Match::No
        }
    }

    /// A match on TCP's flags (`tcp flags syn`, `tcp flags & (syn | rst) == syn`), `None` when
    /// the match is on something else. The TCP packets evaluated here are a connection's first
    /// (SYN) or, as an answer, an ACK.
    fn tcp_flags(&self, op: &str, left: &Value, right: &Value) -> Option<Match> {
        let is_flags = |v: &Value| {
            v.get("payload").is_some_and(|p| {
                p.get("protocol").and_then(Value::as_str) == Some("tcp")
                    && p.get("field").and_then(Value::as_str) == Some("flags")
            })
        };
        // The flags themselves, or masked: `{"&": [flags, mask]}`.
        let (masked, mask) = match left.get("&").and_then(Value::as_array) {
            Some(pair) if pair.first().is_some_and(is_flags) => (true, pair.get(1)),
            _ if is_flags(left) => (false, None),
            _ => return None,
        };
        if self.packet.protocol != 6 {
            return Some(Match::No);
        }
        let names = |v: &Value| -> Option<Vec<String>> {
            match v {
                Value::String(s) => Some(vec![s.clone()]),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect(),
                Value::Object(o) => o.get("set").and_then(|set| match set {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                    Value::String(s) => Some(vec![s.clone()]),
                    _ => None,
                }),
                _ => None,
            }
        };
        let has: &[&str] = if self.packet.ct_state == "established" {
            &["ack"]
        } else {
            &["syn"]
        };
        let Some(wanted) = names(right) else {
            return Some(Match::Unknown(format!("tcp flags {}", short(right))));
        };
        let seen: Vec<&str> = match (masked, mask.and_then(names)) {
            (false, _) => has.to_vec(),
            (true, Some(mask)) => has
                .iter()
                .copied()
                .filter(|f| mask.iter().any(|m| m == f))
                .collect(),
            (true, None) => return Some(Match::Unknown("tcp flags with a mask not read".into())),
        };
        let exact =
            seen.len() == wanted.len() && seen.iter().all(|f| wanted.iter().any(|w| w == f));
        let any = seen.iter().any(|f| wanted.iter().any(|w| w == f));
        let result = match (op, masked) {
            // `tcp flags syn`: any of them set.
            ("in", false) => any,
            ("==", _) | ("in", true) => exact,
            ("!=", _) => !exact,
            _ => return Some(Match::Unknown(format!("tcp flags operator `{op}`"))),
        };
        Some(if result { Match::Yes } else { Match::No })
    }

    /// The packet's value of a left-hand side.
    fn field(&self, left: &Value) -> Option<Field> {
        let p = self.packet;
        if let Some(payload) = left.get("payload") {
            let protocol = payload.get("protocol")?.as_str()?;
            let field = payload.get("field")?.as_str()?;
            // The headers the packet has (`th` is either transport header with ports).
            let has_ports = match protocol {
                "udp" => p.protocol == 17,
                "tcp" => p.protocol == 6,
                "th" => matches!(p.protocol, 6 | 17),
                _ => false,
            };
            let has_header = match protocol {
                "ip" => p.saddr.is_ipv4(),
                "ip6" => p.saddr.is_ipv6(),
                "esp" => p.protocol == 50,
                "udp" | "tcp" | "th" => has_ports,
                "icmp" => p.protocol == 1,
                "icmpv6" => p.protocol == 58,
                // The packets evaluated here are UDP, TCP, ESP or ICMP echo requests.
                "sctp" | "ah" | "dccp" | "udplite" | "comp" => false,
                _ => return None,
            };
            if !has_header {
                return Some(Field::Absent);
            }
            return match (protocol, field) {
                ("ip", "saddr") if p.saddr.is_ipv4() => Some(Field::Addr(p.saddr)),
                ("ip", "daddr") if p.daddr.is_ipv4() => Some(Field::Addr(p.daddr)),
                ("ip6", "saddr") if p.saddr.is_ipv6() => Some(Field::Addr(p.saddr)),
                ("ip6", "daddr") if p.daddr.is_ipv6() => Some(Field::Addr(p.daddr)),
                ("ip", "protocol") | ("ip6", "nexthdr") => {
                    Some(Field::Number(u64::from(p.protocol)))
                }
                ("udp" | "tcp" | "th", "dport") if has_ports => {
                    p.dport.map(|x| Field::Number(u64::from(x)))
                }
                ("udp" | "tcp" | "th", "sport") if has_ports => {
                    p.sport.map(|x| Field::Number(u64::from(x)))
                }
                // The only ICMP packet evaluated is an echo request (a ping through a tunnel).
                // ... or, as an answer, its echo reply.
                ("icmp" | "icmpv6", "type") => Some(Field::Name(
                    if p.ct_state == "established" {
                        "echo-reply"
                    } else {
                        "echo-request"
                    }
                    .into(),
                )),
                ("icmp" | "icmpv6", "code") => Some(Field::Number(0)),
                // A field of a header the packet has that is not read here (dscp, length,
                // spi...): cannot be evaluated, never taken as absent.
                _ => None,
            };
        }
        if let Some(meta) = left.get("meta") {
            return match meta.get("key")?.as_str()? {
                "l4proto" => Some(Field::Number(u64::from(p.protocol))),
                // The ethertype (`meta protocol ip`), not the layer-4 protocol.
                "protocol" | "nfproto" => Some(Field::Name(
                    if p.saddr.is_ipv4() { "ip" } else { "ip6" }.to_owned(),
                )),
                "iifname" | "oifname" if !p.interfaces_known => None,
                // No input interface (a packet this host sends), or no output one yet: the
                // kernel compares with the empty name.
                "iifname" => Some(Field::Name(p.iif.clone().unwrap_or_default())),
                "oifname" => Some(Field::Name(p.oif.clone().unwrap_or_default())),
                _ => None,
            };
        }
        if let Some(ct) = left.get("ct") {
            return match ct.get("key")?.as_str()? {
                "state" => Some(Field::Name(p.ct_state.to_owned())),
                _ => None,
            };
        }
        None
    }

    /// The values a right-hand side stands for.
    fn right_values(&self, right: &Value) -> Result<Vec<Right>, String> {
        let mut budget = MAX_VALUES;
        self.right_values_in(right, 0, &mut budget)
    }

    /// [`Self::right_values`] `depth` sets deep, with at most `budget` values in all: a set
    /// naming itself, or sets naming each other, end (a hostile rule set).
    fn right_values_in(
        &self,
        right: &Value,
        depth: usize,
        budget: &mut usize,
    ) -> Result<Vec<Right>, String> {
        if depth > MAX_SET_DEPTH {
            return Err("sets nested deeper than 8".into());
        }
        if *budget == 0 {
            return Err("sets of more than 1,000,000 values".into());
        }
        *budget -= 1;
        match right {
            Value::Number(n) => Ok(vec![Right::Number(n.as_u64().ok_or("a negative number")?)]),
            Value::String(s) => {
                if let Some(name) = s.strip_prefix('@') {
                    let elems = self
                        .set
                        .set_elements(self.family, self.table, name)
                        .ok_or_else(|| format!("set @{name} not in the rule set"))?;
                    let mut out = Vec::new();
                    for e in &elems {
                        out.extend(self.right_values_in(e, depth + 1, budget)?);
                    }
                    return Ok(out);
                }
                Ok(vec![Right::parse(s)])
            }
            Value::Array(items) => {
                let mut out = Vec::new();
                for i in items.iter().take(65_536) {
                    out.extend(self.right_values_in(i, depth + 1, budget)?);
                }
                Ok(out)
            }
            Value::Object(o) => {
                if let Some(items) = o.get("set") {
                    return self.right_values_in(items, depth + 1, budget);
                }
                if let Some(p) = o.get("prefix") {
                    let addr: IpAddr = p
                        .get("addr")
                        .and_then(Value::as_str)
                        .and_then(|a| a.parse().ok())
                        .ok_or("a prefix without an address")?;
                    let len = p
                        .get("len")
                        .and_then(Value::as_u64)
                        .ok_or("a prefix without a length")?;
                    return Ok(vec![Right::Prefix(
                        addr,
                        u8::try_from(len).unwrap_or(u8::MAX),
                    )]);
                }
                if let Some(r) = o.get("range").and_then(Value::as_array) {
                    if let (Some(a), Some(b)) = (r.first(), r.get(1)) {
                        let a = self.right_values_in(a, depth + 1, budget)?;
                        let b = self.right_values_in(b, depth + 1, budget)?;
                        if let (Some(a), Some(b)) = (a.first(), b.first()) {
                            return Ok(vec![Right::Range(
                                Box::new(a.clone()),
                                Box::new(b.clone()),
                            )]);
                        }
                    }
                    return Err("a range this evaluator does not read".into());
                }
                if let Some(e) = o.get("elem") {
                    return self.right_values_in(
                        e.get("val").unwrap_or(&Value::Null),
                        depth + 1,
                        budget,
                    );
                }
                Err(format!("value {}", short(right)))
            }
            _ => Err(format!("value {}", short(right))),
        }
    }
}

/// A packet's value of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Addr(IpAddr),
    Number(u64),
    Name(String),
    /// The packet has no such header or interface.
    Absent,
}

/// A value a rule compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Right {
    Addr(IpAddr),
    Number(u64),
    Name(String),
    Prefix(IpAddr, u8),
    Range(Box<Right>, Box<Right>),
}

impl Right {
    fn parse(s: &str) -> Right {
        if let Ok(a) = s.parse::<IpAddr>() {
            return Right::Addr(a);
        }
        // Protocol names as nft prints them.
        match s {
            "udp" => Right::Number(17),
            "tcp" => Right::Number(6),
            "esp" => Right::Number(50),
            "ah" => Right::Number(51),
            "icmp" => Right::Number(1),
            "ipv6-icmp" | "icmpv6" => Right::Number(58),
            "ipv4" => Right::Name("ip".into()),
            "ipv6" => Right::Name("ip6".into()),
            "isakmp" => Right::Number(500),
            "ipsec-nat-t" => Right::Number(4500),
            _ => Right::Name(s.to_owned()),
        }
    }

    fn contains(&self, value: &Field) -> bool {
        match (self, value) {
            (_, Field::Absent) => false,
            (Right::Addr(a), Field::Addr(b)) => a == b,
            (Right::Number(a), Field::Number(b)) => a == b,
            (Right::Name(a), Field::Name(b)) => name_matches(a, b),
            (Right::Prefix(net, len), Field::Addr(a)) => in_prefix(*a, *net, *len),
            (Right::Range(lo, hi), v) => match (lo.as_ref(), hi.as_ref(), v) {
                (Right::Number(l), Right::Number(h), Field::Number(x)) => l <= x && x <= h,
                (Right::Addr(l), Right::Addr(h), Field::Addr(x)) => {
                    bits(*l) <= bits(*x) && bits(*x) <= bits(*h) && l.is_ipv4() == x.is_ipv4()
                }
                _ => false,
            },
            _ => false,
        }
    }
}

/// `iifname "eth*"`: nft's trailing wildcard.
fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

fn bits(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

fn in_prefix(a: IpAddr, net: IpAddr, len: u8) -> bool {
    let width: u32 = if net.is_ipv4() { 32 } else { 128 };
    if a.is_ipv4() != net.is_ipv4() || u32::from(len) > width {
        return false;
    }
    let shift = width - u32::from(len);
    let mask = if shift >= 128 { 0 } else { u128::MAX << shift };
    bits(a) & mask == bits(net) & mask
}

fn short(v: &Value) -> String {
    v.to_string().chars().take(80).collect()
}

/// A rule's statements, for the report (`udp dport 500 drop` reads as `match, drop`).
fn describe(exprs: &[Value]) -> String {
    exprs
        .iter()
        .filter_map(|e| e.as_object().and_then(|o| o.keys().next().cloned()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the NAT chains of the postrouting hook do with a packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "nat", rename_all = "kebab-case")]
pub enum NatVerdict {
    /// No masquerade or snat applies.
    Untouched,
    /// Rewritten by a `masquerade` or `snat` rule.
    Translated {
        family: String,
        table: String,
        chain: String,
        handle: Option<u64>,
    },
    CannotEvaluate {
        table: String,
        chain: String,
        handle: Option<u64>,
        expression: String,
    },
}

/// Tunnel traffic (see [`crate::facts::TunnelTraffic`]) and what source NAT does to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TunnelNat {
    pub tunnel: crate::facts::TunnelTraffic,
    /// The interface its route leaves by, when known.
    pub oif: Option<String>,
    #[serde(flatten)]
    pub verdict: NatVerdict,
}

impl Ruleset {
    /// Whether a postrouting NAT chain rewrites `packet`'s source: each NAT base chain of the
    /// hook in priority order; in a NAT chain `accept` (or `return` from the base chain) ends
    /// that chain without translating, the first `masquerade`/`snat` translates.
    pub fn source_nat(&self, packet: &Packet) -> NatVerdict {
        self.nat_at(packet, "postrouting", &["masquerade", "snat"])
    }

    /// Whether a NAT chain of `hook` applies one of `translators` to `packet`.
    fn nat_at(&self, packet: &Packet, hook: &str, translators: &[&str]) -> NatVerdict {
        let v4 = packet.saddr.is_ipv4();
        let mut chains: Vec<(i64, &str, &str, &str)> = self
            .of_kind("chain")
            .filter_map(|c| {
                let family = c.get("family")?.as_str()?;
                let applies = match family {
                    "inet" => true,
                    "ip" => v4,
                    "ip6" => !v4,
                    _ => false,
                };
                if !applies
                    || c.get("hook")?.as_str()? != hook
                    || c.get("type").and_then(Value::as_str) != Some("nat")
                {
                    return None;
                }
                Some((
                    c.get("prio").and_then(Value::as_i64).unwrap_or(0),
                    family,
                    c.get("table")?.as_str()?,
                    c.get("name")?.as_str()?,
                ))
            })
            .collect();
        chains.sort_by_key(|c| c.0);
        let mut budget = MAX_RULES;
        for (_, family, table, chain) in chains {
            let ctx = Ctx {
                set: self,
                family,
                table,
                packet,
            };
            match ctx.run_nat_chain(chain, 0, &mut budget, translators) {
                NatFlow::Translated(chain_name, handle) => {
                    return NatVerdict::Translated {
                        family: family.to_owned(),
                        table: table.to_owned(),
                        chain: chain_name,
                        handle,
                    }
                }
                NatFlow::Unknown(chain_name, handle, expression) => {
                    return NatVerdict::CannotEvaluate {
                        table: table.to_owned(),
                        chain: chain_name,
                        handle,
                        expression,
                    }
                }
                NatFlow::Done | NatFlow::Return | NatFlow::Accept => {}
            }
        }
        NatVerdict::Untouched
    }
}

/// How a NAT chain ended for a packet.
enum NatFlow {
    Translated(String, Option<u64>),
    /// `accept`: the base chain ends here, untranslated (even from a jumped-to chain).
    Accept,
    /// `return`: the chain ends, its caller goes on.
    Return,
    /// Fell off the end: no translation in this chain.
    Done,
    Unknown(String, Option<u64>, String),
}

/// Source NAT of each tunnel's traffic; `oif_of` gives the interface a destination's route
/// leaves by.
pub fn tunnels_nat(
    ruleset: &Ruleset,
    tunnels: &[crate::facts::TunnelTraffic],
    oif_of: impl Fn(IpAddr) -> Option<String>,
) -> Vec<TunnelNat> {
    tunnels
        .iter()
        .map(|t| {
            let oif = oif_of(t.to);
            let packet = Packet {
                hook: "postrouting",
                saddr: t.from,
                daddr: t.to,
                protocol: 17,
                sport: Some(40_000),
                dport: Some(53),
                iif: None,
                oif: oif.clone(),
                ct_state: "new",
                interfaces_known: oif.is_some(),
            };
            TunnelNat {
                tunnel: t.clone(),
                oif,
                verdict: ruleset.source_nat(&packet),
            }
        })
        .collect()
}

/// What the filter chains do with a tunnel's traffic forwarded through this host: one probe
/// (a ping, a TCP connection to 443, a UDP datagram to 53) each way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TunnelForward {
    pub connection: String,
    /// `ping from 10.2.0.1 to 10.1.0.2`, `TCP 443 from 10.1.0.2 to 10.2.0.1`.
    pub packet: String,
    /// From the remote network (decapsulated) to the local one.
    pub inbound: bool,
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The verdict as an answer (`ct state established`), when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when_established: Option<Verdict>,
}

/// The probes of [`tunnels_forward`]: protocol, port, name.
const FORWARD_PROBES: [(u8, Option<u16>, &str); 3] = [
    (1, None, "ping"),
    (6, Some(443), "TCP 443"),
    (17, Some(53), "UDP 53"),
];

/// Each known tunnel's traffic through the forward hook (and the prerouting and postrouting
/// filter chains around it), both ways, as the first packet of a flow and as an answer.
pub fn tunnels_forward(
    ruleset: &Ruleset,
    paths: &[crate::facts::ReversePath],
) -> Vec<TunnelForward> {
    let mut out = Vec::new();
    for path in paths.iter().take(64) {
        let Some(lan_if) = path.local_via.clone() else {
            continue;
        };
        for inbound in [true, false] {
            // Out of the tunnel by the route to the remote network (the TUN's, or with the
            // kernel's XFRM the interface toward the peer).
            let tunnel_out = path.routed_back_via.as_ref().unwrap_or(&path.arrives_on);
            let (saddr, daddr, iif, oif) = match inbound {
                true => (path.source, path.local_host, &path.arrives_on, &lan_if),
                false => (path.local_host, path.source, &lan_if, tunnel_out),
            };
            for (protocol, port, name) in FORWARD_PROBES {
                let protocol = match (protocol, saddr.is_ipv6()) {
                    (1, true) => 58,
                    (p, _) => p,
                };
                let packet = Packet {
                    hook: "forward",
                    saddr,
                    daddr,
                    protocol,
                    sport: port.map(|_| 40_000),
                    dport: port,
                    iif: Some(iif.clone()),
                    oif: Some(oif.clone()),
                    ct_state: "new",
                    interfaces_known: true,
                };
                let verdict = ruleset.evaluate(&packet);
                // The same way as an answer: the ports swapped, an echo reply.
                let established = ruleset.evaluate(&Packet {
                    ct_state: "established",
                    sport: packet.dport,
                    dport: packet.sport,
                    ..packet
                });
                out.push(TunnelForward {
                    connection: path.connection.clone(),
                    packet: format!("{name} from {saddr} to {daddr}"),
                    inbound,
                    when_established: (established != verdict).then_some(established),
                    verdict,
                });
            }
        }
    }
    out
}

/// The packets IKE and ESP between this host and a peer are made of, each way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PacketVerdict {
    /// `UDP 500 from 10.99.2.3`, `ESP to 10.99.2.3`.
    pub packet: String,
    pub inbound: bool,
    /// IP protocol (17 UDP, 50 ESP) and UDP port.
    pub protocol: u8,
    pub port: Option<u16>,
    #[serde(skip)]
    pub packet_is_ipv6: bool,
    /// The verdict on the first packet of a flow (`ct state new`).
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The verdict on a packet of a flow the other way started (`ct state established`),
    /// when it differs: a rule set that lets only one end start the exchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when_established: Option<Verdict>,
}

/// What the rule set does with UDP 500, UDP 4500 and ESP from `peer` to `local` (arriving on
/// `dev`) and back.
pub fn for_peer(
    ruleset: &Ruleset,
    peer: IpAddr,
    local: IpAddr,
    dev: Option<&str>,
) -> Vec<PacketVerdict> {
    let mut out = Vec::new();
    for inbound in [true, false] {
        for (protocol, port) in [(17u8, Some(500u16)), (17, Some(4500)), (50, None)] {
            let (saddr, daddr) = if inbound {
                (peer, local)
            } else {
                (local, peer)
            };
            let packet = Packet {
                hook: if inbound { "input" } else { "output" },
                saddr,
                daddr,
                protocol,
                sport: port,
                dport: port,
                iif: if inbound {
                    dev.map(str::to_owned)
                } else {
                    None
                },
                oif: if inbound {
                    None
                } else {
                    dev.map(str::to_owned)
                },
                ct_state: "new",
                interfaces_known: dev.is_some(),
            };
            let name = match port {
                Some(p) => format!("UDP {p}"),
                None => "ESP".to_owned(),
            };
            let verdict = ruleset.evaluate(&packet);
            let established = ruleset.evaluate(&Packet {
                ct_state: "established",
                ..packet
            });
            out.push(PacketVerdict {
                packet: format!("{name} {} {peer}", if inbound { "from" } else { "to" }),
                inbound,
                protocol,
                port,
                packet_is_ipv6: peer.is_ipv6(),
                when_established: (established != verdict).then_some(established),
                verdict,
            });
        }
    }
    out
}

/// `verdicts` with the legacy iptables tables (`ip filter`) in view: a packet nft lets through
/// may still be dropped by their rules, which nft does not list, so it cannot be said to pass.
pub fn with_legacy_tables(verdicts: Vec<PacketVerdict>, legacy: &[String]) -> Vec<PacketVerdict> {
    verdicts
        .into_iter()
        .map(|mut v| {
            let family = match v.packet_is_ipv6 {
                true => "ip6",
                false => "ip",
            };
            let tables: Vec<&str> = legacy
                .iter()
                .filter_map(|t| t.strip_prefix(family)?.strip_prefix(' '))
                .collect();
            if !tables.is_empty() {
                // Their rules may drop an answer as well.
                v.when_established = None;
            }
            if v.verdict == Verdict::Accepted && !tables.is_empty() {
                v.verdict = Verdict::CannotEvaluate {
                    family: family.to_owned(),
                    table: tables.join(","),
                    chain: "(legacy iptables)".into(),
                    handle: None,
                    expression: format!(
                        "legacy iptables tables ({}) whose rules nft does not list (iptables-legacy-save shows them)",
                        tables.join(", ")
                    ),
                };
                v.when_established = None;
            }
            v
        })
        .collect()
}

/// The tunnels' forwarded traffic and NAT verdicts with legacy iptables tables in view (see
/// [`with_legacy_tables`]): what nft lets through or leaves untranslated may not be.
pub fn forward_and_nat_with_legacy_tables(
    forward: &mut [TunnelForward],
    nat: &mut [TunnelNat],
    legacy: &[String],
) {
    if legacy.is_empty() {
        return;
    }
    let tables = legacy.join(", ");
    let expression =
        format!("legacy iptables tables ({tables}) whose rules nft does not list (iptables-legacy-save shows them)");
    for f in forward.iter_mut() {
        f.when_established = None;
        if f.verdict == Verdict::Accepted {
            f.verdict = Verdict::CannotEvaluate {
                family: "ip".into(),
                table: tables.clone(),
                chain: "(legacy iptables)".into(),
                handle: None,
                expression: expression.clone(),
            };
        }
    }
    for n in nat.iter_mut() {
        if n.verdict == NatVerdict::Untouched {
            n.verdict = NatVerdict::CannotEvaluate {
                table: tables.clone(),
                chain: "(legacy iptables)".into(),
                handle: None,
                expression: expression.clone(),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `nft -j list ruleset` of a rule set applied in a throw-away namespace with nft 1.0.6
    /// (Debian 12): policy drop, ct state, an interval set of peers, a jump for ESP, a rule
    /// with `limit` (not evaluated; only reached by TCP 22).
    const RULESET: &str = include_str!("../tests/data/nft-input-set-jump.json");

    fn packet(protocol: u8, dport: Option<u16>, saddr: &str) -> Packet {
        Packet {
            hook: "input",
            saddr: saddr.parse().expect("ip"),
            daddr: "10.99.2.2".parse().expect("ip"),
            protocol,
            sport: dport,
            dport,
            iif: Some("eth0".into()),
            oif: None,
            ct_state: "new",
            interfaces_known: true,
        }
    }

    #[test]
    fn sets_jumps_and_policies() {
        let r = Ruleset::from_json(RULESET).expect("nft JSON");
        assert_eq!(
            r.evaluate(&packet(17, Some(500), "10.99.2.3")),
            Verdict::Accepted
        );
        assert_eq!(
            r.evaluate(&packet(17, Some(4500), "192.0.2.7")),
            Verdict::Accepted
        );
        // Not in the set: the policy drops it.
        assert_eq!(
            r.evaluate(&packet(17, Some(500), "198.51.100.1")),
            Verdict::Dropped {
                family: "inet".into(),
                table: "filter".into(),
                chain: "input".into(),
                handle: None,
                rule: "policy drop".into()
            }
        );
        // ESP jumps to esp_in, whose first rule drops this peer.
        assert!(matches!(
            r.evaluate(&packet(50, None, "10.99.2.3")),
            Verdict::Dropped {
                handle: Some(10),
                ..
            }
        ));
        assert_eq!(
            r.evaluate(&packet(50, None, "10.99.2.4")),
            Verdict::Accepted
        );
        // TCP 22 reaches the `limit` rule: said so, not guessed.
        let mut ssh = packet(6, Some(22), "10.99.2.3");
        ssh.protocol = 6;
        assert!(matches!(
            r.evaluate(&ssh),
            Verdict::CannotEvaluate {
                handle: Some(9),
                ..
            }
        ));
    }

    /// 20,000 chains each jumping to the next, 50,000 rules: bounded by the jump depth and
    /// the rule budget, and fast (chains are looked up, not scanned).
    #[test]
    fn a_large_rule_set_is_evaluated_quickly() {
        let mut items = vec![r#"{"chain":{"family":"inet","table":"t","name":"c0","type":"filter","hook":"input","prio":0,"policy":"accept"}}"#.to_owned()];
        for i in 0..20_000 {
            items.push(format!(r#"{{"rule":{{"family":"inet","table":"t","chain":"c{i}","handle":{i},"expr":[{{"match":{{"op":"==","left":{{"payload":{{"protocol":"udp","field":"dport"}}}},"right":501}}}},{{"drop":null}}]}}}}"#));
            items.push(format!(r#"{{"rule":{{"family":"inet","table":"t","chain":"c{i}","handle":{},"expr":[{{"jump":{{"target":"c{}"}}}}]}}}}"#, i + 100_000, i + 1));
        }
        let text = format!(r#"{{"nftables":[{}]}}"#, items.join(","));
        let r = Ruleset::from_json(&text).expect("json");
        let started = std::time::Instant::now();
        assert!(matches!(
            r.evaluate(&packet(17, Some(500), "10.0.0.1")),
            Verdict::CannotEvaluate { .. }
        ));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    /// `nft -j list ruleset` of a NAT table made in a throw-away namespace: traffic to
    /// 10.3.0.0/16 is exempted, everything else leaving eth0 is masqueraded.
    #[test]
    fn source_nat_of_tunnel_traffic() {
        let r = Ruleset::from_json(include_str!(
            "../tests/data/nft-nat-masquerade-one-exemption.json"
        ))
        .expect("json");
        let tunnel = |to: &str| crate::facts::TunnelTraffic {
            connection: "net".into(),
            local_ts: "10.1.0.0/16".into(),
            remote_ts: format!("{to}/16"),
            from: "10.1.0.1".parse().expect("ip"),
            to: to.parse().expect("ip"),
            peer: None,
        };
        let out = tunnels_nat(&r, &[tunnel("10.2.0.1"), tunnel("10.3.0.1")], |_| {
            Some("eth0".into())
        });
        assert!(
            matches!(
                out[0].verdict,
                NatVerdict::Translated {
                    handle: Some(_),
                    ..
                }
            ),
            "{out:?}"
        );
        assert_eq!(out[1].verdict, NatVerdict::Untouched);
        // Leaving by another interface: the masquerade rule does not apply.
        let other = tunnels_nat(&r, &[tunnel("10.2.0.1")], |_| Some("eth1".into()));
        assert_eq!(other[0].verdict, NatVerdict::Untouched);
        // The route unknown (a copied rule set): the interface match cannot be evaluated.
        let unknown = tunnels_nat(&r, &[tunnel("10.2.0.1")], |_| None);
        assert!(matches!(
            unknown[0].verdict,
            NatVerdict::CannotEvaluate { .. }
        ));
    }

    /// `nft -j list ruleset` (nft 1.0.6, which leaves a netdev chain's device out) of a rule
    /// set applied in a throw-away namespace: a netdev ingress chain on `lo` dropping UDP 500,
    /// a prerouting filter dropping ESP from 192.0.2.9, a prerouting DNAT of UDP 4500 from
    /// 198.51.100.0/24, and a postrouting filter dropping UDP from port 500 to 203.0.113.5.
    #[test]
    fn every_hook_on_the_path() {
        let r =
            Ruleset::from_json(include_str!("../tests/data/nft-hook-paths.json")).expect("json");
        // The ingress chain's device is not listed: its drop is said, not guessed.
        assert!(matches!(
            r.evaluate(&packet(17, Some(500), "10.0.0.1")),
            Verdict::CannotEvaluate { ref chain, .. } if chain == "in0"
        ));
        // Prerouting's filter.
        assert!(matches!(
            r.evaluate(&packet(50, None, "192.0.2.9")),
            Verdict::Dropped { ref chain, handle: Some(_), .. } if chain == "pre"
        ));
        assert_eq!(
            r.evaluate(&packet(50, None, "192.0.2.10")),
            Verdict::Accepted
        );
        // Sent elsewhere by DNAT: never reaches this host's daemon.
        assert!(matches!(
            r.evaluate(&packet(17, Some(4500), "198.51.100.7")),
            Verdict::CannotEvaluate { ref chain, .. } if chain == "nat"
        ));
        assert_eq!(
            r.evaluate(&packet(17, Some(4500), "10.0.0.1")),
            Verdict::Accepted
        );
        // Outbound: postrouting's filter sees what output let through.
        let reply = |to: &str| Packet {
            hook: "output",
            saddr: "10.99.2.2".parse().expect("ip"),
            daddr: to.parse().expect("ip"),
            protocol: 17,
            sport: Some(500),
            dport: Some(500),
            iif: None,
            oif: Some("eth0".into()),
            ct_state: "new",
            interfaces_known: true,
        };
        assert!(matches!(
            r.evaluate(&reply("203.0.113.5")),
            Verdict::Dropped { ref chain, .. } if chain == "post"
        ));
        assert_eq!(r.evaluate(&reply("203.0.113.6")), Verdict::Accepted);
        // With the device listed, a chain on another device does not apply.
        let listed = include_str!("../tests/data/nft-hook-paths.json").replace(
            r#""hook": "ingress","#,
            r#""hook": "ingress", "dev": "lo","#,
        );
        let r = Ruleset::from_json(&listed).expect("json");
        assert_eq!(
            r.evaluate(&packet(17, Some(500), "10.0.0.1")),
            Verdict::Accepted
        );
        let mut on_lo = packet(17, Some(500), "10.0.0.1");
        on_lo.iif = Some("lo".into());
        assert!(matches!(r.evaluate(&on_lo), Verdict::Dropped { .. }));
    }

    /// `nft -j list ruleset` of an nft clamp and an iptables `-j TCPMSS --clamp-mss-to-pmtu`
    /// applied in a throw-away namespace; neither in the other rule sets.
    #[test]
    fn mss_clamping_is_seen() {
        let r = Ruleset::from_json(include_str!("../tests/data/nft-mss-clamp.json")).expect("json");
        assert!(r.clamps_mss());
        let r = Ruleset::from_json(RULESET).expect("json");
        assert!(!r.clamps_mss());
    }

    #[test]
    fn hostile_rule_sets_end() {
        // A chain that jumps to itself: bounded, said.
        let text = r#"{"nftables":[{"chain":{"family":"ip","table":"t","name":"c","type":"filter","hook":"input","prio":0,"policy":"accept"}},{"rule":{"family":"ip","table":"t","chain":"c","handle":1,"expr":[{"jump":{"target":"c"}}]}}]}"#;
        let r = Ruleset::from_json(text).expect("json");
        assert!(matches!(
            r.evaluate(&packet(17, Some(500), "10.0.0.1")),
            Verdict::CannotEvaluate { .. }
        ));
        // A set naming itself: said, not a stack overflow.
        let text = r#"{"nftables":[{"set":{"family":"ip","table":"t","name":"s","elem":["@s","@s"]}},{"chain":{"family":"ip","table":"t","name":"c","type":"filter","hook":"input","prio":0,"policy":"accept"}},{"rule":{"family":"ip","table":"t","chain":"c","handle":1,"expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"saddr"}},"right":"@s"}},{"drop":null}]}}]}"#;
        let r = Ruleset::from_json(text).expect("json");
        assert!(matches!(
            r.evaluate(&packet(17, Some(500), "10.0.0.1")),
            Verdict::CannotEvaluate { .. }
        ));
        assert!(Ruleset::from_json("not json").is_err());
        assert!(Ruleset::from_json("{}").is_err());
        assert!(in_prefix(
            "10.1.2.3".parse().expect("ip"),
            "10.0.0.0".parse().expect("ip"),
            8
        ));
        assert!(!in_prefix(
            "11.1.2.3".parse().expect("ip"),
            "10.0.0.0".parse().expect("ip"),
            8
        ));
        assert!(in_prefix(
            "10.1.2.3".parse().expect("ip"),
            "0.0.0.0".parse().expect("ip"),
            0
        ));
        assert!(name_matches("eth*", "eth0") && !name_matches("eth0", "eth1"));
    }
}
