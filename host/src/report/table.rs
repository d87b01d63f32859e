//! Table and text layout shared by every report: tables fit the terminal (long
//! cells wrap, no rule between rows) and free text wraps at the same width. Numbers
//! in the cells are written by [`awgsf_core::format`].

use std::io::IsTerminal;

use comfy_table::{CellAlignment, ContentArrangement, LineStyle, Table, TableStyle};

/// Re-exported for the commands that write durations beside their tables.
pub use awgsf_core::format::seconds;

/// Width used when `COLUMNS` is unset and standard output is not a terminal.
pub const DEFAULT_WIDTH: usize = 100;

/// Narrowest width honoured: below it, tables could not show their columns.
const MIN_WIDTH: usize = 40;

/// Rules above and below the table and under the header; none between rows.
const STYLE: TableStyle = TableStyle::new()
    .top_border(LineStyle::none().fill('─').junction('─'))
    .header_separator(LineStyle::none().fill('─').junction('─'))
    .bottom_border(LineStyle::none().fill('─').junction('─'));

/// The width reports are laid out for: `COLUMNS` when set to a number, else the
/// terminal's width when standard output is one, else [`DEFAULT_WIDTH`].
pub fn width() -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| w > 0);
    let w = from_env.or_else(|| {
        let out = std::io::stdout();
        if out.is_terminal() {
            terminal_size::terminal_size_of(&out).map(|(w, _)| usize::from(w.0))
        } else {
            None
        }
    });
    w.unwrap_or(DEFAULT_WIDTH).max(MIN_WIDTH)
}

fn styled(t: &mut Table) {
    t.load_style(STYLE)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width()).unwrap_or(u16::MAX));
}

/// A table with the project's look: header row, light rules, columns aligned as
/// given (`true` = right-aligned, for numbers), as wide as the terminal at most.
pub fn new_table(header: &[&str], right: &[bool]) -> Table {
    let mut t = Table::new();
    styled(&mut t);
    t.set_header(header.iter().copied());
    for (i, r) in right.iter().enumerate() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(if *r {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
        }
    }
    t
}

/// A two-column key/value table without a header row.
pub fn kv_table() -> Table {
    let mut t = Table::new();
    styled(&mut t);
    t
}

/// `text` wrapped at the report width; continuation lines start with `indent`.
/// Existing line breaks are kept; a word longer than a line is split.
pub fn wrap(text: &str, indent: &str) -> String {
    wrap_at(text, indent, width())
}

fn wrap_at(text: &str, indent: &str, width: usize) -> String {
    let indent_w = indent.chars().count();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // The line's own indentation is kept.
        let lead = line.len() - line.trim_start_matches(' ').len();
        out.push_str(&line[..lead]);
        let (mut used, mut has_content) = (lead, false);
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            let chars: Vec<char> = word.chars().collect();
            let mut rest = &chars[..];
            while !rest.is_empty() {
                let sep = usize::from(has_content);
                if used + sep + rest.len() <= width {
                    if has_content {
                        out.push(' ');
                    }
                    out.extend(rest);
                    used += sep + rest.len();
                    has_content = true;
                    break;
                }
                if !has_content {
                    // A word longer than a whole line: split it.
                    let take = width.saturating_sub(used).max(1);
                    out.extend(&rest[..take.min(rest.len())]);
                    rest = &rest[take.min(rest.len())..];
                    if rest.is_empty() {
                        used += take;
                        has_content = true;
                        break;
                    }
                }
                out.push('\n');
                out.push_str(indent);
                used = indent_w;
                has_content = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_the_width_with_a_hanging_indent() {
        let w = wrap_at("notice: one two three four five six", "  ", 16);
        assert_eq!(w, "notice: one two\n  three four\n  five six");
        for l in w.lines() {
            assert!(l.chars().count() <= 16, "{l:?}");
        }
    }

    #[test]
    fn long_words_are_split_and_line_breaks_kept() {
        let w = wrap_at("a\n/very/long/path/name", "", 8);
        assert_eq!(w, "a\n/very/lo\nng/path/\nname");
        assert_eq!(wrap_at("  x y", "    ", 4), "  x\n    y");
    }

    #[test]
    fn tables_fit_the_width_and_have_no_rule_between_rows() {
        let mut t = new_table(&["a", "b"], &[false, true]);
        t.set_width(30);
        t.add_row(vec!["x".repeat(50), "1".to_string()]);
        t.add_row(vec!["y", "2"]);
        let text = t.to_string();
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        assert_eq!(text.lines().filter(|l| l.starts_with('─')).count(), 3);
    }
}
