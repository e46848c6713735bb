//! strongSwan's settings syntax (swanctl.conf, strongswan.conf): nested `name { }` sections,
//! `key = value` lines (a value may be quoted over several lines), `#` comments, `include`
//! of files or globs, and `name : other` sections that take another section's values.
//! Written by hand: the grammar is small and belongs to strongSwan, no crate reads it.
use crate::model::Line;

/// One section: its values and subsections in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    pub name: String,
    pub at: Option<Line>,
    pub values: Vec<(String, String, Line)>,
    pub sections: Vec<Section>,
    /// Sections (siblings) named after `:`, whose values this one takes where it sets none.
    pub refs: Vec<String>,
}

impl Section {
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

    /// Merges sections of the same name (a later file or block adds to an earlier one) and
    /// resolves `: ref` references among siblings, recursively.
    fn settle(&mut self) {
        let mut merged: Vec<Section> = Vec::new();
        for s in std::mem::take(&mut self.sections) {
            match merged.iter_mut().find(|m| m.name == s.name) {
                Some(m) => {
                    m.values.extend(s.values);
                    m.sections.extend(s.sections);
                    m.refs.extend(s.refs);
                }
                None => merged.push(s),
            }
        }
        let snapshot = merged.clone();
        for s in &mut merged {
            for r in s.refs.clone() {
                if let Some(base) = snapshot.iter().find(|b| b.name == r) {
                    let mut values = base.values.clone();
                    values.extend(std::mem::take(&mut s.values));
                    s.values = values;
                    let mut sections = base.sections.clone();
                    sections.extend(std::mem::take(&mut s.sections));
                    s.sections = sections;
                }
            }
            s.settle();
        }
        self.sections = merged;
    }
}

/// A line the parser could not read; reading goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxNote {
    pub at: Line,
    pub message: String,
}

/// How `include` reaches other files: the pattern as written and the including file's index;
/// returns the (file index, text) of every file it names.
pub trait Includes {
    fn include(&mut self, pattern: &str, from: usize) -> Vec<(usize, String)>;
}

/// Files an include chain may open in all, and how deep it may nest: a loop of includes ends.
const MAX_DEPTH: usize = 8;

/// Parses `text` (file `file`) into its root section.
pub fn parse(
    text: &str,
    file: usize,
    includes: &mut dyn Includes,
    notes: &mut Vec<SyntaxNote>,
) -> Section {
    let mut root = Section::default();
    let mut stack: Vec<Section> = Vec::new();
    parse_into(text, file, includes, notes, &mut root, &mut stack, 0);
    while let Some(open) = stack.pop() {
        if let Some(at) = open.at {
            notes.push(SyntaxNote {
                at,
                message: format!("section `{}` is not closed", open.name),
            });
        }
        current(&mut root, &mut stack).sections.push(open);
    }
    root.settle();
    root
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
    notes: &mut Vec<SyntaxNote>,
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
        let mut line = strip_comment(lines[i]).trim().to_owned();
        i += 1;
        while !line.is_empty() {
            if let Some(rest) = line.strip_prefix('}') {
                match stack.pop() {
                    Some(done) => current(root, stack).sections.push(done),
                    None => notes.push(SyntaxNote {
                        at,
                        message: "`}` without an open section".into(),
                    }),
                }
                line = rest.trim().to_owned();
                continue;
            }
            if let Some(rest) = line.strip_prefix('{') {
                match pending_name.take() {
                    Some((name, refs, at)) => stack.push(Section {
                        name,
                        at: Some(at),
                        refs,
                        ..Default::default()
                    }),
                    None => notes.push(SyntaxNote {
                        at,
                        message: "`{` without a section name".into(),
                    }),
                }
                line = rest.trim().to_owned();
                continue;
            }
            if let Some(pattern) = line
                .strip_prefix("include")
                .filter(|rest| rest.starts_with(char::is_whitespace))
            {
                if depth >= MAX_DEPTH {
                    notes.push(SyntaxNote {
                        at,
                        message: "includes nested too deep; not followed".into(),
                    });
                } else {
                    let found = includes.include(pattern.trim(), file);
                    if found.is_empty() {
                        notes.push(SyntaxNote {
                            at,
                            message: format!(
                                "include `{}`: no such file here; not followed",
                                cut(pattern.trim())
                            ),
                        });
                    }
                    for (child, child_text) in found {
                        parse_into(&child_text, child, includes, notes, root, stack, depth + 1);
                    }
                }
                break;
            }
            let eq = line.find('=');
            let brace = line.find('{');
            if let Some(eq) = eq.filter(|e| brace.is_none_or(|b| *e < b)) {
                let key = line[..eq].trim().to_owned();
                let mut value = line[eq + 1..].trim().to_owned();
                let rest;
                if value.starts_with('"') {
                    // A quoted value may run over several lines; what follows its closing
                    // quote (a `}`) is read on.
                    while closed_quote(&value).is_none() && i < lines.len() {
                        value.push('\n');
                        value.push_str(strip_comment(lines[i]));
                        i += 1;
                    }
                    let end = closed_quote(&value).unwrap_or(value.len());
                    rest = value[end..].trim().to_owned();
                    value = unquote(&value[..end]);
                } else {
                    // An unquoted value ends at the line's end or at a `}` closing sections.
                    let end = value.find('}').unwrap_or(value.len());
                    rest = value[end..].to_owned();
                    value = value[..end].trim().to_owned();
                }
                current(root, stack).values.push((key, value, at));
                line = rest;
                continue;
            }
            let (head, rest) = match brace {
                Some(b) => (line[..b].trim().to_owned(), line[b..].to_owned()),
                None => (line.clone(), String::new()),
            };
            let (name, refs) = match head.split_once(':') {
                Some((n, r)) => (
                    n.trim().to_owned(),
                    r.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
                None => (head.trim().to_owned(), Vec::new()),
            };
            if name.is_empty() || name.contains(char::is_whitespace) {
                notes.push(SyntaxNote {
                    at,
                    message: format!("not a setting or section: `{}`", cut(&line)),
                });
                break;
            }
            pending_name = Some((name, refs, at));
            line = rest;
        }
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

/// The byte just past the closing quote of a value that starts with one.
fn closed_quote(value: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in value.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i + 1),
            _ => escaped = false,
        }
    }
    None
}

fn unquote(value: &str) -> String {
    let mut out = String::new();
    let mut escaped = false;
    for c in value.chars().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => break,
            'n' if escaped => {
                out.push('\n');
                escaped = false
            }
            _ => {
                out.push(c);
                escaped = false
            }
        }
    }
    out
}

/// The start of a line, for a note.
pub(crate) fn cut(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Includes that find nothing: for tests of one file.
#[cfg(test)]
pub(crate) struct NoIncludes;

#[cfg(test)]
impl Includes for NoIncludes {
    fn include(&mut self, _: &str, _: usize) -> Vec<(usize, String)> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_values_quotes_and_refs() {
        let text = "connections {\n  base { version = 2\n proposals = aes256-sha256-modp2048 # c\n }\n  rw : base\n  {\n    local {\n      id = \"gw # 1\"\n    }\n  }\n}\nsecrets { ike { secret = \"a\nb\" } }\n";
        let mut notes = Vec::new();
        let root = parse(text, 0, &mut NoIncludes, &mut notes);
        assert!(notes.is_empty(), "{notes:?}");
        let conns = root.section("connections").unwrap();
        let rw = conns.section("rw").unwrap();
        assert_eq!(rw.value("version").map(|v| v.0), Some("2"));
        assert_eq!(
            rw.value("proposals").map(|v| v.0),
            Some("aes256-sha256-modp2048")
        );
        assert_eq!(
            rw.section("local").unwrap().value("id").map(|v| v.0),
            Some("gw # 1")
        );
        let secret = root.section("secrets").unwrap().section("ike").unwrap();
        assert_eq!(secret.value("secret").map(|v| v.0), Some("a\nb"));
        assert_eq!(secret.value("secret").map(|v| v.1.line), Some(12));
    }

    #[test]
    fn broken_input_is_noted_not_fatal() {
        let mut notes = Vec::new();
        let root = parse(
            "a {\n } }\n what is this\n b {",
            0,
            &mut NoIncludes,
            &mut notes,
        );
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(root.section("a").is_some());
        assert!(root.section("b").is_some());
    }
}
