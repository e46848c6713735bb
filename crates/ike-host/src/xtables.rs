//! The arguments of iptables' matches that iptables-nft keeps as `xt` expressions: `nft -j list
//! ruleset` names the match (`conntrack`, `multiport`) but not its arguments, so they are read
//! from `iptables-save` (the same rules, in the same order within each chain) and evaluated
//! here for the matches IKE rule sets use: `state`, `conntrack --ctstate`, `multiport`,
//! `addrtype` (LOCAL, UNICAST, MULTICAST, BROADCAST of unicast packets to or from this host, as
//! ufw's rules ask) and `comment`. Any other match, or an option of these not read here, stays "cannot evaluate".

use std::collections::HashMap;

/// Most rules read from one `iptables-save`.
const MAX_RULES: usize = 100_000;

/// `iptables-save` output: each chain's rules as their argument words, in order.
#[derive(Debug, Default, Clone)]
pub struct SavedRules {
    /// (family `ip`/`ip6`, table, chain) → rules.
    chains: HashMap<(String, String, String), Vec<Vec<String>>>,
}

impl SavedRules {
    /// Reads one `iptables-save` (family `ip`) or `ip6tables-save` (`ip6`) output.
    pub fn add(&mut self, family: &str, text: &str) {
        let mut table = String::new();
        let mut count = 0;
        for line in text.lines() {
            if let Some(name) = line.strip_prefix('*') {
                table = name.trim().to_owned();
                continue;
            }
            let Some(rest) = line.strip_prefix("-A ") else {
                continue;
            };
            count += 1;
            if count > MAX_RULES {
                break;
            }
            let words = split_words(rest);
            let Some((chain, args)) = words.split_first() else {
                continue;
            };
            self.chains
                .entry((family.to_owned(), table.clone(), chain.clone()))
                .or_default()
                .push(args.to_vec());
        }
    }

    /// The `index`th rule of a chain, if this output holds exactly `expected` rules for it
    /// (otherwise the two listings do not describe the same rule set).
    pub fn rule(
        &self,
        family: &str,
        table: &str,
        chain: &str,
        index: usize,
        expected: usize,
    ) -> Option<&[String]> {
        let rules = self
            .chains
            .get(&(family.to_owned(), table.to_owned(), chain.to_owned()))?;
        (rules.len() == expected)
            .then(|| rules.get(index).map(Vec::as_slice))
            .flatten()
    }

    pub fn is_empty(&self) -> bool {
        self.chains.is_empty()
    }
}

/// What a packet shows to a match.
pub struct Seen<'a> {
    /// `new`, `established`...
    pub ct_state: &'a str,
    pub sport: Option<u16>,
    pub dport: Option<u16>,
    /// Whether the destination (source) is an address of this host: a packet to it (from it).
    pub to_this_host: bool,
    pub from_this_host: bool,
}

/// Whether the `nth` match `name` of the rule `args` (counted from 0) matches: `Ok(bool)`, or
/// `Err(why)` when it cannot be told.
pub fn evaluate(name: &str, nth: usize, args: &[String], seen: &Seen) -> Result<bool, String> {
    // iptables-nft runs `-m state` as the `conntrack` match: either name may stand for it.
    let (name, options) = match name {
        "conntrack" | "state" => ["conntrack", "state"]
            .iter()
            .find_map(|n| options_of(n, args, nth).map(|o| (*n, o))),
        _ => options_of(name, args, nth).map(|o| (name, o)),
    }
    .ok_or_else(|| format!("iptables match `{name}` not found in iptables-save"))?;
    let mut result = true;
    for (negated, option, value) in &options {
        let one = match (name, option.as_str()) {
            ("comment", "--comment") => true,
            ("state", "--state") | ("conntrack", "--ctstate") => value
                .split(',')
                .any(|s| s.eq_ignore_ascii_case(seen.ct_state)),
            ("multiport", "--dports" | "--destination-ports") => in_ports(value, seen.dport)?,
            ("multiport", "--sports" | "--source-ports") => in_ports(value, seen.sport)?,
            ("multiport", "--ports") => {
                in_ports(value, seen.dport)? || in_ports(value, seen.sport)?
            }
            // The packets evaluated here are unicast, to or from this host.
            ("addrtype", "--dst-type" | "--src-type") => {
                let local = if option == "--dst-type" {
                    seen.to_this_host
                } else {
                    seen.from_this_host
                };
                let mut any = false;
                for kind in value.split(',') {
                    any |= match kind {
                        "LOCAL" => local,
                        // An address of this host is of type LOCAL, not UNICAST.
                        "UNICAST" => !local,
                        "MULTICAST" | "BROADCAST" | "ANYCAST" | "BLACKHOLE" | "UNREACHABLE"
                        | "PROHIBIT" | "NAT" | "XRESOLVE" | "THROW" => false,
                        other => return Err(format!("addrtype `{other}`")),
                    };
                }
                any
            }
            _ => return Err(format!("iptables match `-m {name} {option}`")),
        };
        result &= one != *negated;
    }
    if options.is_empty() && name != "comment" {
        return Err(format!(
            "iptables match `-m {name}` without options read here"
        ));
    }
    Ok(result)
}

/// Whether `port` is in a multiport list (`500,4500`, `1000:2000`).
fn in_ports(list: &str, port: Option<u16>) -> Result<bool, String> {
    let Some(port) = port else {
        return Ok(false);
    };
    for item in list.split(',') {
        let (lo, hi) = item.split_once(':').unwrap_or((item, item));
        let parse = |s: &str, default: u16| -> Result<u16, String> {
            match s {
                "" => Ok(default),
                s => s
                    .parse()
                    .map_err(|_| format!("multiport: a port `{s}` not read here")),
            }
        };
        if (parse(lo, 0)?..=parse(hi, u16::MAX)?).contains(&port) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The options of the `nth` `-m NAME` in a rule's words: (negated, `--option`, value).
fn options_of(name: &str, args: &[String], nth: usize) -> Option<Vec<(bool, String, String)>> {
    let start = args
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] == "-m" && w[1] == name)
        .nth(nth)?
        .0
        + 2;
    let mut out = Vec::new();
    let mut negated = false;
    let mut i = start;
    while i < args.len() {
        let word = &args[i];
        if word == "!" {
            negated = true;
            i += 1;
            continue;
        }
        // The next match, the target or a standard option: this match's options ended.
        if !word.starts_with("--") {
            break;
        }
        let value = args
            .get(i + 1)
            .filter(|v| !v.starts_with('-') || v.len() == 1);
        out.push((negated, word.clone(), value.cloned().unwrap_or_default()));
        negated = false;
        i += if value.is_some() { 2 } else { 1 };
    }
    Some(out)
}

/// Words as iptables-save quotes them (`--comment "two words"`).
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `iptables-save` (iptables 1.8.9, nf_tables) of lab/firewall/25 and a commented rule.
    const SAVED: &str = "# Generated by iptables-save v1.8.9 (nf_tables)\n*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p udp -m multiport --dports 500,4500 -m comment --comment \"IKE and NAT-T\" -j ACCEPT\n-A INPUT -p tcp -m multiport ! --dports 1000:2000 -j ACCEPT\nCOMMIT\n";

    #[test]
    fn matches_read_from_iptables_save() {
        let mut saved = SavedRules::default();
        saved.add("ip", SAVED);
        let seen = |ct_state, dport| Seen {
            ct_state,
            sport: dport,
            dport,
            to_this_host: true,
            from_this_host: false,
        };
        let first = saved.rule("ip", "filter", "INPUT", 0, 3).expect("rule");
        assert_eq!(
            evaluate("conntrack", 0, first, &seen("new", Some(500))),
            Ok(false)
        );
        assert_eq!(
            evaluate("conntrack", 0, first, &seen("established", Some(500))),
            Ok(true)
        );
        let second = saved.rule("ip", "filter", "INPUT", 1, 3).expect("rule");
        assert_eq!(
            evaluate("multiport", 0, second, &seen("new", Some(4500))),
            Ok(true)
        );
        assert_eq!(
            evaluate("multiport", 0, second, &seen("new", Some(501))),
            Ok(false)
        );
        assert_eq!(evaluate("comment", 0, second, &seen("new", None)), Ok(true));
        let third = saved.rule("ip", "filter", "INPUT", 2, 3).expect("rule");
        assert_eq!(
            evaluate("multiport", 0, third, &seen("new", Some(1500))),
            Ok(false)
        );
        assert_eq!(
            evaluate("multiport", 0, third, &seen("new", Some(22))),
            Ok(true)
        );
        // Another rule count: not the same rule set.
        assert!(saved.rule("ip", "filter", "INPUT", 0, 2).is_none());
        // `-m state`, which nft names `conntrack`.
        let state = vec![
            "-m".to_owned(),
            "state".into(),
            "--state".into(),
            "ESTABLISHED".into(),
        ];
        assert_eq!(
            evaluate("conntrack", 0, &state, &seen("established", None)),
            Ok(true)
        );
        // ufw's `ufw-not-local`.
        let addrtype = |t: &str| {
            vec![
                "-m".to_owned(),
                "addrtype".into(),
                "--dst-type".into(),
                t.into(),
            ]
        };
        assert_eq!(
            evaluate("addrtype", 0, &addrtype("LOCAL"), &seen("new", None)),
            Ok(true)
        );
        assert_eq!(
            evaluate("addrtype", 0, &addrtype("MULTICAST"), &seen("new", None)),
            Ok(false)
        );
        // Two multiport matches in one rule: each reads its own options.
        let two: Vec<String> = "-p udp -m multiport --dports 500,4500 -m multiport --sports 9"
            .split(' ')
            .map(str::to_owned)
            .collect();
        assert_eq!(
            evaluate("multiport", 0, &two, &seen("new", Some(500))),
            Ok(true)
        );
        assert_eq!(
            evaluate("multiport", 1, &two, &seen("new", Some(500))),
            Ok(false)
        );
        let unicast = vec![
            "-m".to_owned(),
            "addrtype".into(),
            "--dst-type".into(),
            "UNICAST".into(),
        ];
        assert_eq!(
            evaluate("addrtype", 0, &unicast, &seen("new", None)),
            Ok(false)
        );
        // A match not read here.
        assert!(evaluate("limit", 0, first, &seen("new", None)).is_err());
        assert!(evaluate(
            "conntrack",
            0,
            &[
                "-m".into(),
                "conntrack".into(),
                "--ctstatus".into(),
                "SEEN_REPLY".into()
            ],
            &seen("new", None)
        )
        .is_err());
    }
}
