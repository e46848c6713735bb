//! strongSwan's settings syntax (swanctl.conf, strongswan.conf): nested `name { }` sections,
//! `key = value` lines (a value may be quoted over several lines), `#` comments, `include`
//! of files or globs, and `name : other.section` sections that take the values and
//! subsections of others, named by their absolute dotted path (strongswan.conf(5)).
//! Written by hand: the grammar is small and belongs to strongSwan, no crate reads it.
//!
//! Bounded on any input: the scan is linear in the text; nesting, references, notes and
//! includes have limits, and what they cut is noted.
use crate::model::Line;

/// One section: its values and subsections in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    pub name: String,
    pub at: Option<Line>,
    pub values: Vec<(String, String, Line)>,
    pub sections: Vec<Section>,
    /// Absolute names (`connections.base`) of the sections whose values and subsections this
    /// one takes where it sets none.
    pub refs: Vec<String>,
}

impl Section {
    /// The value of `key` (the last one written).
    pub fn value(&self, key: &str) -> Option<(&str, Line)> {
        self.values
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, at)| (v.as_str(), *at))
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The section at a dotted path below this one.
    fn path(&self, dotted: &str) -> Option<&Section> {
        dotted
            .split('.')
            .try_fold(self, |s, part| s.section(part.trim()))
    }

    /// Levels of sections below and including this one.
    fn height(&self) -> usize {
        1 + self.sections.iter().map(Section::height).max().unwrap_or(0)
    }

    /// Values and sections in this section, all levels down.
    fn size(&self) -> usize {
        self.values.len() + self.sections.iter().map(|s| 1 + s.size()).sum::<usize>()
    }

    /// Merges sections of the same name (a later file or block adds to an earlier one),
    /// recursively; linear in the sections (a map by name per level).
    fn merge(&mut self) {
        let mut merged: Vec<Section> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        for s in std::mem::take(&mut self.sections) {
            match index.get(&s.name) {
                Some(&i) => {
                    let m = &mut merged[i];
                    m.values.extend(s.values);
                    m.sections.extend(s.sections);
                    m.refs.extend(s.refs);
                }
                None => {
                    index.insert(s.name.clone(), merged.len());
                    merged.push(s);
                }
            }
        }
        for s in &mut merged {
            s.merge();
        }
        self.sections = merged;
    }

    /// Resolves `: ref` references against `root` as written (references are not followed
    /// through the sections they copy). What they copy is taken from `budget`; a reference
    /// that would exceed it, or names no section, is returned in `missed`.
    /// `depth` is this section's level: a copy never makes the tree deeper than
    /// [`MAX_NESTING`], so every walk of it stays shallow.
    fn resolve(
        &mut self,
        root: &Section,
        budget: &mut usize,
        missed: &mut Vec<String>,
        depth: usize,
    ) {
        for r in std::mem::take(&mut self.refs) {
            let Some(base) = root.path(&r) else {
                missed.push(format!("`{}` names no section", cut(&r)));
                continue;
            };
            if depth + base.height() > MAX_NESTING {
                missed.push(format!("`{}` would nest sections too deep", cut(&r)));
                continue;
            }
            let cost = base.size();
            if cost > *budget {
                missed.push(format!("`{}` copies more than the limit", cut(&r)));
                continue;
            }
            *budget -= cost;
            let mut values = base.values.clone();
            values.append(&mut self.values);
            self.values = values;
            let mut sections = base.sections.clone();
            sections.append(&mut self.sections);
            self.sections = sections;
            // What a reference copied may repeat a subsection this one writes too.
            self.merge();
        }
        for s in &mut self.sections {
            s.resolve(root, budget, missed, depth + 1);
        }
    }
}

/// Most values and sections `: ref` references may copy in one file: references chained
/// through each other would otherwise grow without bound.
const MAX_COPIED: usize = 20_000;
/// Deepest nesting of sections read (swanctl.conf needs five).
const MAX_NESTING: usize = 32;
/// Most notes one file gives: a file that is not one gives one per line otherwise.
pub const MAX_NOTES: usize = 100;
/// Deepest chain of `include`s followed: a loop of includes ends.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// A line the parser could not read; reading goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxNote {
    pub at: Line,
    pub message: String,
}

/// Notes of one file, capped at [`MAX_NOTES`] (the rest counted).
#[derive(Debug, Default)]
pub struct Notes {
    pub kept: Vec<SyntaxNote>,
    pub dropped: usize,
}

impl Notes {
    /// Moves the notes into `set` (`file`: the file they were read from, for the count of the
    /// notes not kept).
    pub fn flush_into(self, set: &mut crate::model::ConfigSet, file: usize) {
        for n in self.kept {
            set.note(n.at.file, Some(n.at.line), n.message);
        }
        if self.dropped > 0 {
            set.note(file, None, format!("{} more notes not shown", self.dropped));
        }
    }

    pub fn push(&mut self, at: Line, message: impl Into<String>) {
        if self.kept.len() < MAX_NOTES {
            self.kept.push(SyntaxNote {
                at,
                message: message.into(),
            });
        } else {
            self.dropped += 1;
        }
    }
}

/// How `include` reaches other files: the pattern as written and the including file's index;
/// returns the (file index, text) of every file it names.
pub trait Includes {
    fn include(&mut self, pattern: &str, from: usize) -> Vec<(usize, String)>;
}

/// The files an `include` line names, or a note why none are read (too deep, none found).
pub fn follow_include(
    includes: &mut dyn Includes,
    pattern: &str,
    at: Line,
    depth: usize,
    notes: &mut Notes,
) -> Vec<(usize, String)> {
    if depth >= MAX_INCLUDE_DEPTH {
        notes.push(at, "includes nested too deep; not followed");
        return Vec::new();
    }
    let found = includes.include(pattern, at.file);
    if found.is_empty() {
        notes.push(
            at,
            format!(
                "include `{}`: no such file here; not followed",
                cut(pattern)
            ),
        );
    }
    found
}

/// Parses `text` (file `file`) into its root section.
pub fn parse(text: &str, file: usize, includes: &mut dyn Includes, notes: &mut Notes) -> Section {
    let mut root = Section::default();
    let mut stack: Vec<Section> = Vec::new();
    parse_into(text, file, includes, notes, &mut root, &mut stack, 0);
    while let Some(open) = stack.pop() {
        if let Some(at) = open.at {
            notes.push(at, format!("section `{}` is not closed", cut(&open.name)));
        }
        if !open.name.is_empty() {
            current(&mut root, &mut stack).sections.push(open);
        }
    }
    root.merge();
    if root.size() > 0 && has_refs(&root) {
        let snapshot = root.clone();
        let mut budget = MAX_COPIED;
        let mut missed = Vec::new();
        root.resolve(&snapshot, &mut budget, &mut missed, 0);
        for m in missed {
            notes.push(
                Line { file, line: 1 },
                format!("section reference {m}; not followed"),
            );
        }
    }
    root
}

fn has_refs(s: &Section) -> bool {
    !s.refs.is_empty() || s.sections.iter().any(has_refs)
}

fn current<'a>(root: &'a mut Section, stack: &'a mut [Section]) -> &'a mut Section {
    match stack.last_mut() {
        Some(s) => s,
        None => root,
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_into(
    text: &str,
    file: usize,
    includes: &mut dyn Includes,
    notes: &mut Notes,
    root: &mut Section,
    stack: &mut Vec<Section>,
    depth: usize,
) {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut pending_name: Option<(String, Vec<String>, Line)> = None;
    while i < lines.len() {
        let at = Line {
            file,
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        // `rest` moves along the line: no copy per token.
        let mut rest: &str = strip_comment(lines[i]).trim();
        i += 1;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('}') {
                match stack.pop() {
                    // A skipped level (see MAX_NESTING) leaves nothing behind.
                    Some(done) if done.name.is_empty() => {}
                    Some(done) => current(root, stack).sections.push(done),
                    None => notes.push(at, "`}` without an open section"),
                }
                rest = after.trim_start();
                continue;
            }
            if let Some(after) = rest.strip_prefix('{') {
                match pending_name.take() {
                    Some(_)
                        if stack.len() >= MAX_NESTING
                            || stack.last().is_some_and(|s| s.name.is_empty()) =>
                    {
                        if stack.last().is_none_or(|s| !s.name.is_empty()) {
                            notes.push(
                                at,
                                format!(
                                    "sections nested deeper than {MAX_NESTING}; their content skipped"
                                ),
                            );
                        }
                        // An unnamed section stands for a skipped level (its `}` closes one).
                        stack.push(Section::default());
                    }
                    Some((name, refs, at)) => stack.push(Section {
                        name,
                        at: Some(at),
                        refs,
                        ..Default::default()
                    }),
                    None => notes.push(at, "`{` without a section name"),
                }
                rest = after.trim_start();
                continue;
            }
            if let Some(pattern) = rest
                .strip_prefix("include")
                .filter(|r| r.starts_with(char::is_whitespace))
            {
                for (child, child_text) in
                    follow_include(includes, pattern.trim(), at, depth, notes)
                {
                    parse_into(&child_text, child, includes, notes, root, stack, depth + 1);
                }
                break;
            }
            let eq = rest.find('=');
            let brace = rest.find('{');
            if let Some(eq) = eq.filter(|e| brace.is_none_or(|b| *e < b)) {
                let key = rest[..eq].trim().to_owned();
                let value_start = rest[eq + 1..].trim_start();
                let value;
                if let Some(inner) = value_start.strip_prefix('"') {
                    // A quoted value may run over several lines; what follows its closing
                    // quote (a `}`) is read on. The quote state is kept as lines are added.
                    let mut quoted = QuotedValue::default();
                    let mut end = quoted.feed(inner);
                    let mut tail = inner;
                    while end.is_none() && i < lines.len() {
                        quoted.text.push('\n');
                        tail = lines[i];
                        i += 1;
                        end = quoted.feed(tail);
                    }
                    value = quoted.text;
                    rest = match end {
                        // `end` is the byte after the closing quote in the last piece fed.
                        Some(e) => tail[e..].trim_start(),
                        None => "",
                    };
                } else {
                    // An unquoted value ends at the line's end or at a `}` closing sections.
                    let end = value_start.find('}').unwrap_or(value_start.len());
                    value = value_start[..end].trim().to_owned();
                    rest = &value_start[end..];
                }
                current(root, stack).values.push((key, value, at));
                continue;
            }
            let (head, after) = match brace {
                Some(b) => (rest[..b].trim(), &rest[b..]),
                None => (rest, ""),
            };
            let (name, refs) = match head.split_once(':') {
                Some((n, r)) => (
                    n.trim(),
                    r.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
                None => (head.trim(), Vec::new()),
            };
            if name.is_empty() || name.contains(char::is_whitespace) {
                // The line's content is not quoted: it may be a mistyped secret.
                notes.push(at, "neither a `key = value` setting nor a section");
                break;
            }
            pending_name = Some((name.to_owned(), refs, at));
            rest = after;
        }
    }
}

/// A quoted value read piece by piece: escapes applied, the closing quote found once.
#[derive(Default)]
struct QuotedValue {
    text: String,
    escaped: bool,
}

impl QuotedValue {
    /// Adds `piece` (after the opening quote, or a following line); returns the byte just past
    /// the closing quote in `piece` once it is found.
    fn feed(&mut self, piece: &str) -> Option<usize> {
        for (i, c) in piece.char_indices() {
            match c {
                '\\' if !self.escaped => self.escaped = true,
                '"' if !self.escaped => return Some(i + 1),
                'n' if self.escaped => {
                    self.text.push('\n');
                    self.escaped = false
                }
                _ => {
                    self.text.push(c);
                    self.escaped = false
                }
            }
        }
        None
    }
}

/// The line without its `#` comment (a `#` inside quotes is kept).
pub(crate) fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The start of a name or path, for a note.
pub(crate) fn cut(text: &str) -> String {
    clip(text, 60)
}

/// The first `chars` characters of `text`, for a note or a name (never a secret).
pub(crate) fn clip(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// The largest char boundary of `text` at or below `at`: where to cut a head for a cheap look.
pub(crate) fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Includes that find nothing: for one file read alone (a test, a conn a reader wrote).
pub(crate) struct NoIncludes;

impl Includes for NoIncludes {
    fn include(&mut self, _: &str, _: usize) -> Vec<(usize, String)> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (Section, Notes) {
        let mut notes = Notes::default();
        let root = parse(text, 0, &mut NoIncludes, &mut notes);
        (root, notes)
    }

    #[test]
    fn sections_values_quotes_and_refs() {
        let text = "connections {\n  base { version = 2\n proposals = aes256-sha256-modp2048 # c\n local { id = base }\n }\n  rw : connections.base\n  {\n    local {\n      auth = psk\n    }\n  }\n}\nsecrets { ike { secret = \"a\nb\" } }\n";
        let (root, notes) = parse_str(text);
        assert!(notes.kept.is_empty(), "{:?}", notes.kept);
        let conns = root.section("connections").unwrap();
        let rw = conns.section("rw").unwrap();
        assert_eq!(rw.value("version").map(|v| v.0), Some("2"));
        assert_eq!(
            rw.value("proposals").map(|v| v.0),
            Some("aes256-sha256-modp2048")
        );
        // The copied `local` and rw's own are one section.
        let local = rw.section("local").unwrap();
        assert_eq!(local.value("id").map(|v| v.0), Some("base"));
        assert_eq!(local.value("auth").map(|v| v.0), Some("psk"));
        let secret = root.section("secrets").unwrap().section("ike").unwrap();
        assert_eq!(secret.value("secret").map(|v| v.0), Some("a\nb"));
        assert_eq!(secret.value("secret").map(|v| v.1.line), Some(13));
    }

    #[test]
    fn a_reference_by_short_name_is_noted() {
        let (root, notes) =
            parse_str("connections {\n base { version = 2 }\n rw : base {\n }\n}\n");
        assert!(notes
            .kept
            .iter()
            .any(|n| n.message.contains("names no section")));
        let rw = root.section("connections").unwrap().section("rw").unwrap();
        assert_eq!(rw.value("version"), None);
    }

    #[test]
    fn broken_input_is_noted_not_fatal() {
        let (root, notes) = parse_str("a {\n } }\n what is this\n b {");
        assert_eq!(notes.kept.len(), 3, "{:?}", notes.kept);
        assert!(root.section("a").is_some());
        assert!(root.section("b").is_some());
    }

    /// A line that is not a setting may be a mistyped secret: its content never reaches a note.
    #[test]
    fn notes_do_not_quote_content() {
        let (_, notes) = parse_str("secrets {\n ike {\n secret \"hunter2 pass\"\n }\n}\n");
        assert!(!notes.kept.is_empty());
        assert!(notes.kept.iter().all(|n| !n.message.contains("hunter2")));
    }

    /// References that double at every level, sections nested without end and a line of
    /// thousands of braces stay bounded: the fuzz target found such inputs.
    #[test]
    fn references_nesting_and_long_lines_are_bounded() {
        // Each level copies the one below twice: 2^30 sections without a bound.
        let mut text = String::from("v = 1\n");
        let mut path = String::from("top");
        for _ in 0..30 {
            path.push_str(".x");
        }
        for level in (0..30).rev() {
            let here: String = path
                .split('.')
                .take(level + 2)
                .collect::<Vec<_>>()
                .join(".");
            text = format!("x {{\n{text}}}\nz : {here}, {here} {{\n}}\n");
        }
        text = format!("top {{\n{text}}}\n");
        text.push_str(&"n {\n".repeat(10_000));
        text.push_str(&"}".repeat(200_000));
        text.push('\n');
        let started = std::time::Instant::now();
        let (root, notes) = parse_str(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(root.size() <= MAX_COPIED + text.lines().count());
        assert!(notes.kept.len() <= MAX_NOTES);
        assert!(notes.dropped > 0);
        assert!(notes
            .kept
            .iter()
            .any(|n| n.message.contains("nested deeper")));
    }
    /// A reference from deep inside a section to the section itself would copy it into
    /// itself level after level (a stack overflow the fuzz target found): refused.
    #[test]
    fn references_never_nest_deeper() {
        let mut inner = String::from("loop : a");
        let mut path = String::from("a");
        for _ in 0..20 {
            path.push_str(".b");
            inner = format!("b {{\n{inner} {{\n}}\n}}\n");
        }
        let text = format!("a {{\n{inner}}}\nc : {path} {{\n}}\n");
        let (root, notes) = parse_str(&text);
        assert!(root.height() <= MAX_NESTING + 1);
        assert!(
            notes.kept.iter().any(|n| n.message.contains("too deep")),
            "{:?}",
            notes.kept
        );
    }
}
