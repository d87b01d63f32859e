//! Typed access to a parsed TOML document whose every table and value knows its
//! place in the file, so that each error names the file, line, column, segment, op
//! and field.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::program::error::{Location, ProgramError, TextPosition};
use crate::program::numeric::linspace;
use crate::program::source_map::{json_name_hint, NodePositions};
use crate::program::suggest::did_you_mean;
use crate::program::units::{parse_quantity, Quantity};

/// A TOML value with its byte span.
pub(super) type SValue<'i> = Spanned<DeValue<'i>>;

/// The text of a program file, its name, and where its lines start.
pub(super) struct Doc<'t> {
    text: &'t str,
    source: Option<String>,
    line_starts: Vec<usize>,
}

impl<'t> Doc<'t> {
    pub(super) fn new(text: &'t str, source: &str) -> Doc<'t> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Doc {
            text,
            source: (!source.is_empty()).then(|| source.to_string()),
            line_starts,
        }
    }

    /// Line and column (in characters) of a byte offset.
    pub(super) fn position(&self, offset: usize) -> TextPosition {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        TextPosition { line, column }
    }

    /// An error at a byte offset.
    pub(super) fn error_at(
        &self,
        loc: &Location,
        offset: usize,
        msg: impl Into<String>,
    ) -> ProgramError {
        let mut loc = loc.clone();
        loc.source = self.source.clone();
        loc.position = Some(self.position(offset));
        ProgramError::new(loc, msg)
    }
}

/// A TOML table being read, with the location its errors name.
pub(super) struct Table<'a, 'i> {
    pub(super) doc: &'a Doc<'a>,
    pub(super) table: &'a DeTable<'i>,
    pub(super) span: Range<usize>,
    /// Definition, segment and op of the table; `field` is the path to the table.
    pub(super) loc: Location,
}

/// One value of a table (or element of a list), with its field path.
pub(super) struct Field<'a, 'i> {
    doc: &'a Doc<'a>,
    value: &'a SValue<'i>,
    /// The location, `field` being this value's path (`amps`, `idxs[2]`).
    loc: Location,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

impl<'a, 'i> Table<'a, 'i> {
    /// The document's top-level table.
    pub(super) fn root(doc: &'a Doc<'a>, root: &'a Spanned<DeTable<'i>>) -> Table<'a, 'i> {
        Table {
            doc,
            table: root.get_ref(),
            span: root.span(),
            loc: Location::default(),
        }
    }

    /// An error about the table as a whole, at its start.
    pub(super) fn error(&self, msg: impl Into<String>) -> ProgramError {
        self.doc.error_at(&self.loc, self.span.start, msg)
    }

    /// Rejects keys not in `keys`, suggesting the closest allowed one.
    pub(super) fn allow_only(&self, what: &str, keys: &[&str]) -> Result<(), ProgramError> {
        for (k, _) in self.table.iter() {
            let name = k.get_ref().as_ref();
            if keys.contains(&name) {
                continue;
            }
            let hint = match json_name_hint(name) {
                Some(t) if t != name && keys.contains(&t) => {
                    format!("; `{name}` is the JSON layout's name, in TOML write `{t}`")
                }
                _ => did_you_mean(name, keys.iter().copied()),
            };
            let mut loc = self.loc.clone();
            loc.field = join(&self.loc.field, name);
            return Err(self.doc.error_at(
                &loc,
                k.span().start,
                format!(
                    "unknown key `{}`{hint} ({what} takes: {})",
                    crate::program::error::printable(name),
                    keys.join(", ")
                ),
            ));
        }
        Ok(())
    }

    /// The value of `key`, if present.
    pub(super) fn get(&self, key: &str) -> Option<Field<'a, 'i>> {
        self.table.get(key).map(|value| {
            let mut loc = self.loc.clone();
            loc.field = join(&self.loc.field, key);
            Field {
                doc: self.doc,
                value,
                loc,
            }
        })
    }

    /// The value of `key`, which must be present.
    pub(super) fn req(&self, key: &str) -> Result<Field<'a, 'i>, ProgramError> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    /// The error for a missing `key`, at the start of the table.
    pub(super) fn missing(&self, key: &str) -> ProgramError {
        let mut loc = self.loc.clone();
        loc.field = join(&self.loc.field, key);
        self.doc.error_at(
            &loc,
            self.span.start,
            format!("missing required key `{key}`"),
        )
    }

    /// Every key with its value, in file order.
    pub(super) fn entries(&self) -> Vec<(&'a str, Field<'a, 'i>)> {
        self.table
            .iter()
            .map(|(k, value)| {
                let name: &'a str = k.get_ref().as_ref();
                let mut loc = self.loc.clone();
                loc.field = join(&self.loc.field, name);
                (
                    name,
                    Field {
                        doc: self.doc,
                        value,
                        loc,
                    },
                )
            })
            .collect()
    }

    /// Where the table and its keys are written.
    pub(super) fn positions(&self) -> NodePositions {
        NodePositions {
            at: Some(self.doc.position(self.span.start)),
            keys: self
                .table
                .iter()
                .map(|(k, _)| (k.get_ref().to_string(), self.doc.position(k.span().start)))
                .collect(),
            children: Vec::new(),
        }
    }
}

impl<'a, 'i> Field<'a, 'i> {
    /// An error located at this value.
    pub(super) fn error(&self, msg: impl Into<String>) -> ProgramError {
        self.doc.error_at(&self.loc, self.value.span().start, msg)
    }

    fn got(&self) -> String {
        match self.value.get_ref() {
            DeValue::String(s) => format!("the string {s:?}"),
            DeValue::Integer(i) => format!("the integer {i}"),
            DeValue::Float(f) => format!("the number {f}"),
            DeValue::Boolean(b) => format!("the boolean {b}"),
            DeValue::Datetime(d) => format!("the date-time {d}"),
            DeValue::Array(_) => "a list".into(),
            DeValue::Table(_) => "a table".into(),
        }
    }

    fn type_error(&self, expected: &str) -> ProgramError {
        self.error(format!("expected {expected}, got {}", self.got()))
    }

    /// True if the value is a list or a table (not a single value).
    pub(super) fn is_compound(&self) -> bool {
        matches!(self.value.get_ref(), DeValue::Array(_) | DeValue::Table(_))
    }

    /// True if the value is the string `s`.
    pub(super) fn is_string(&self, s: &str) -> bool {
        self.value.get_ref().as_str() == Some(s)
    }

    pub(super) fn string(&self) -> Result<&'a str, ProgramError> {
        self.value
            .get_ref()
            .as_str()
            .ok_or_else(|| self.type_error("a string"))
    }

    pub(super) fn boolean(&self) -> Result<bool, ProgramError> {
        self.value
            .get_ref()
            .as_bool()
            .ok_or_else(|| self.type_error("true or false"))
    }

    /// A non-negative integer.
    pub(super) fn uint(&self, expected: &str) -> Result<u64, ProgramError> {
        match self.value.get_ref() {
            DeValue::Integer(i) => {
                u64::from_str_radix(i.as_str(), i.radix()).map_err(|_| self.type_error(expected))
            }
            _ => Err(self.type_error(expected)),
        }
    }

    /// A tone index.
    pub(super) fn index(&self) -> Result<usize, ProgramError> {
        let expected = "a tone index (an integer >= 0)";
        let u = self.uint(expected)?;
        usize::try_from(u).map_err(|_| self.type_error(expected))
    }

    /// A number: plain (seconds, hertz, or the unit of amplitudes and phases), or,
    /// for times and frequencies, a string with a unit.
    pub(super) fn number(&self, unit: Option<Quantity>) -> Result<f64, ProgramError> {
        let expected = || match unit {
            Some(q) => format!(
                "a {} (a number in {} or a string with a unit such as {})",
                q.noun(),
                q.base_unit(),
                match q {
                    Quantity::Time => "\"40 us\"",
                    Quantity::Frequency => "\"92 MHz\"",
                }
            ),
            None => "a number".into(),
        };
        match self.value.get_ref() {
            DeValue::Float(f) => f.as_str().parse().map_err(|_| self.type_error(&expected())),
            DeValue::Integer(i) if i.radix() == 10 => {
                i.as_str().parse().map_err(|_| self.type_error(&expected()))
            }
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .map(|v| v as f64)
                .map_err(|_| self.type_error(&expected())),
            DeValue::String(s) => match unit {
                Some(q) => parse_quantity(s, q).map_err(|m| self.error(m)),
                None => Err(self.error(format!(
                    "expected a plain number, got the string \"{s}\" (units are only for times and frequencies)"
                ))),
            },
            _ => Err(self.type_error(&expected())),
        }
    }

    /// The elements of a list.
    pub(super) fn list(&self) -> Result<Vec<Field<'a, 'i>>, ProgramError> {
        let DeValue::Array(items) = self.value.get_ref() else {
            return Err(self.type_error("a list"));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| Field {
                doc: self.doc,
                value,
                loc: self.loc.with_field(format!("{}[{i}]", self.loc.field)),
            })
            .collect())
    }

    /// A table, whose keys are named below this field.
    pub(super) fn table(&self, loc: Location) -> Result<Table<'a, 'i>, ProgramError> {
        match self.value.get_ref() {
            DeValue::Table(table) => Ok(Table {
                doc: self.doc,
                table,
                span: self.value.span(),
                loc,
            }),
            _ => Err(self.type_error("a table")),
        }
    }

    /// This field as a sub-table whose keys are named `path.key`.
    fn sub_table(&self) -> Result<Table<'a, 'i>, ProgramError> {
        self.table(self.loc.clone())
    }

    pub(super) fn strings(&self) -> Result<Vec<String>, ProgramError> {
        self.list()?
            .iter()
            .map(|f| f.string().map(str::to_string))
            .collect()
    }

    pub(super) fn indices(&self) -> Result<Vec<usize>, ProgramError> {
        self.list()?.iter().map(Field::index).collect()
    }

    /// A list of numbers, written as
    /// - a list: `[0.1, 0.2]`, `["92 MHz", "94 MHz"]`;
    /// - `{ linspace = [start, stop, n] }`: bit-identical to `numpy.linspace`;
    /// - `{ values = [...] }`;
    ///
    /// the two tables optionally with `scale = k`, which multiplies every value
    /// (`k * x` in `f64`, as `k * numpy.array(...)`); or, where `broadcast` gives the
    /// count, a single value used for every element.
    pub(super) fn numbers(
        &self,
        unit: Option<Quantity>,
        broadcast: Option<usize>,
    ) -> Result<Vec<f64>, ProgramError> {
        match self.value.get_ref() {
            DeValue::Array(_) => self.list()?.iter().map(|f| f.number(unit)).collect(),
            DeValue::Table(_) => self.generated_numbers(unit),
            _ => match broadcast {
                Some(n) => Ok(vec![self.number(unit)?; n]),
                None => Err(self.type_error(
                    "a list of numbers, { linspace = [start, stop, n] } or { values = [...], scale = k }",
                )),
            },
        }
    }

    fn generated_numbers(&self, unit: Option<Quantity>) -> Result<Vec<f64>, ProgramError> {
        let t = self.sub_table()?;
        t.allow_only("a number list table", &["linspace", "values", "scale"])?;
        let values = match (t.get("linspace"), t.get("values")) {
            (Some(_), Some(v)) => {
                return Err(v.error("give either `linspace` or `values`, not both"));
            }
            (None, None) => {
                return Err(t.error(
                    "a number list table needs `linspace = [start, stop, n]` or `values = [...]`",
                ))
            }
            (None, Some(v)) => v
                .list()?
                .iter()
                .map(|f| f.number(unit))
                .collect::<Result<_, _>>()?,
            (Some(l), None) => {
                let items = l.list()?;
                if items.len() != 3 {
                    return Err(l.error(format!(
                        "expected [start, stop, n] (3 values), got {} values",
                        items.len()
                    )));
                }
                let n = items[2].uint("a count n (an integer >= 0)")?;
                let n = crate::program::limits::check_list_len(n).map_err(|e| items[2].error(e))?;
                linspace(items[0].number(unit)?, items[1].number(unit)?, n)
            }
        };
        match t.get("scale") {
            None => Ok(values),
            Some(s) => {
                let k = s.number(None)?;
                Ok(values.into_iter().map(|x| k * x).collect())
            }
        }
    }
}
