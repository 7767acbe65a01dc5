package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"stagebot/fold"
)

// LineError is a line of an input file that was skipped, and why.
type LineError struct {
	File   string // the file's name; empty when the report is about one file
	Line   int    // 1-based; the header is line 1
	Reason string
}

// Error formats the problem as "file:line: reason", or "line N: reason" without a file name.
func (e LineError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}

// csvFile is a parsed CSV file: its header and its records with their line numbers. Lines the
// CSV reader cannot parse, or with the wrong number of fields, are in problems.
type csvFile struct {
	name     string
	header   []string       // the header's names, trimmed
	cols     map[string]int // folded header name → column
	rows     []csvRow
	problems []LineError
}

type csvRow struct {
	line   int
	fields []string
}

// parseCSV reads a whole CSV file: UTF-8 with or without a byte-order mark, separated by ';' or
// ',' (whichever the header line has more of), fields optionally quoted; lines starting with '#'
// are comments, and empty lines are skipped. A file that is not UTF-8 text (a spreadsheet saved
// as Windows-1252 "CSV", or as UTF-16 "Unicode text", full of NUL bytes) is refused as a whole,
// naming its first bad line: every accented line of it would be bad.
func parseCSV(name string, data []byte) (*csvFile, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if line, what := notText(data); line > 0 {
		return nil, fmt.Errorf("%s: line %d: %s: save the file as CSV UTF-8", name, line, what)
	}
	var firstLine []byte // the header's line: the first that is neither empty nor a comment
	for rest := data; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if len(bytes.TrimSuffix(line, []byte("\r"))) > 0 && !bytes.HasPrefix(line, []byte("#")) {
			firstLine = line
			break
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	f := &csvFile{name: name, cols: map[string]int{}}
	for i, h := range header {
		h = strings.TrimSpace(h)
		f.header = append(f.header, h)
		if _, dup := f.cols[headerKey(h)]; !dup {
			f.cols[headerKey(h)] = i
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			f.problems = append(f.problems, LineError{File: name, Line: perr.StartLine, Reason: perr.Err.Error()})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			f.problems = append(f.problems, LineError{File: name, Line: line,
				Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))})
			continue
		}
		f.rows = append(f.rows, csvRow{line: line, fields: rec})
	}
	return f, nil
}

// notText finds the first line of data that is not UTF-8 text, which PostgreSQL would refuse: a
// byte that is not UTF-8, or a NUL. It returns that line's number (0 when all is text) and what is
// wrong with it.
func notText(data []byte) (line int, what string) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			what = fmt.Sprintf("byte 0x%02X is not UTF-8", data[i])
		case r == 0:
			what = "a NUL byte is not text"
		default:
			i += size
			continue
		}
		return bytes.Count(data[:i], []byte("\n")) + 1, what
	}
	return 0, ""
}

// headerKey is the comparable form of a header name: folded, without spaces.
func headerKey(h string) string {
	return strings.Join(strings.Fields(fold.String(h)), " ")
}

// has reports whether the file has all these columns (named by their folded form).
func (f *csvFile) has(keys ...string) bool {
	for _, k := range keys {
		if _, ok := f.cols[k]; !ok {
			return false
		}
	}
	return true
}

// get returns the trimmed field of row in the column named key (folded), "" if there is none.
func (f *csvFile) get(row csvRow, key string) string {
	i, ok := f.cols[key]
	if !ok || i >= len(row.fields) {
		return ""
	}
	return strings.TrimSpace(row.fields[i])
}

// lineError makes a problem report for a row of the file.
func (f *csvFile) lineError(row csvRow, format string, args ...any) LineError {
	return LineError{File: f.name, Line: row.line, Reason: fmt.Sprintf(format, args...)}
}

// isSmallWord tells the words that stay lower case inside a name written in title case.
func isSmallWord(w string) bool {
	switch w {
	case "de", "du", "des", "et", "aux", "sur", "en", "d", "l":
		return true
	}
	return false
}

// isRomanNumeral tells the words that stay upper case ("Henri IV").
func isRomanNumeral(w string) bool {
	switch w {
	case "ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "xiii", "xiv", "xv", "xvi":
		return true
	}
	return false
}

// titleCase turns an upper-case name into title case ("JEAN DE LA FONTAINE" → "Jean de la Fontaine",
// "SAINT-EXUPERY" → "Saint-Exupery", "HENRI IV" → "Henri IV"); other text is returned as is.
func titleCase(s string) string {
	if s != strings.ToUpper(s) {
		return s
	}
	runes := []rune(strings.ToLower(s))
	var out strings.Builder
	prev := ""
	for i := 0; i < len(runes); {
		if !unicode.IsLetter(runes[i]) {
			out.WriteRune(runes[i])
			i++
			continue
		}
		j := i
		for j < len(runes) && unicode.IsLetter(runes[j]) {
			j++
		}
		word := string(runes[i:j])
		switch {
		case isRomanNumeral(word):
			word = strings.ToUpper(word)
		case i > 0 && (isSmallWord(word) || (word == "la" || word == "le" || word == "les") && prev == "de"):
		default:
			r := []rune(word)
			r[0] = unicode.ToUpper(r[0])
			word = string(r)
		}
		out.WriteString(word)
		prev = strings.ToLower(word)
		i = j
	}
	return out.String()
}
