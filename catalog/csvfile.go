package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

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
// are comments.
func parseCSV(name string, data []byte) (*csvFile, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	firstLine, rest := []byte(nil), data
	for len(rest) > 0 {
		firstLine, rest, _ = bytes.Cut(rest, []byte("\n"))
		if !bytes.HasPrefix(firstLine, []byte("#")) {
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
