//! CSV as RFC 4180 (comma, CRLF, quotes doubled). A cell that a spreadsheet would take for a
//! formula (`=`, `+`, `-`, `@` first) is prefixed with `'`, so a name or note can never run as
//! one.

/// A CSV table being written.
#[derive(Debug, Default)]
pub struct Csv {
    out: String,
}

impl Csv {
    /// A table with this heading row.
    pub fn new<S: AsRef<str>>(heading: &[S]) -> Csv {
        let mut c = Csv::default();
        c.row(heading);
        c
    }

    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let cell = cell.as_ref();
            let cell = if cell.starts_with(['=', '+', '-', '@']) {
                format!("'{cell}")
            } else {
                cell.to_string()
            };
            if cell.contains([',', '"', '\n', '\r']) {
                self.out.push('"');
                self.out.push_str(&cell.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(&cell);
            }
        }
        self.out.push_str("\r\n");
    }

    /// The text.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::Csv;

    #[test]
    fn quotes_and_formulas() {
        let mut c = Csv::new(&["a".to_string(), "b".to_string()]);
        c.row(&["x,y", "say \"hi\""]);
        c.row(&["=SUM(A1)", "-3"]);
        assert_eq!(
            c.finish(),
            "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n'=SUM(A1),'-3\r\n"
        );
    }
}
