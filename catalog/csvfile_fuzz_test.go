package catalog

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// headOf is the first n lines of data.
func headOf(data []byte, n int) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > n {
		lines = lines[:n]
	}
	return bytes.Join(lines, nil)
}

// addCSVSeeds seeds a fuzz target taking a file's bytes with the real files (their first lines: a
// mutation of a 30 kB file is slow), the sample offers, and the files that break CSV readers.
func addCSVSeeds(f *testing.F) {
	for _, name := range []string{embeddedREPList, embeddedParisColleges, embeddedSeedSchools, embeddedSectors} {
		data, err := embedded.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(headOf(data, 8))
	}
	sample := sampleOffers(f)
	f.Add(headOf(sample, 4))
	for _, s := range []string{
		"",
		"\ufeff",
		"\n",
		"# only a comment\n",
		"# a comment\n# another\nuai;name;dnb_admitted_2022;ips\n0755433Y;AIME CESAIRE;63;85,5\n",
		"\ufeffuai,name,dnb_admitted_2022,ips\r\n0755433Y,AIME CESAIRE,63,85.5\r\n0750607C,ALAIN FOURNIER,129\r\n",
		"a,b\n\"unterminated,1\n2,3\n",
		"a,b\n1,\"x\"y\n3,4\n5\n",
		"a;b,c;d\n1;2,3;4\n",
		"uai,name\n\x00,\xff\xfe\n0755433Y,\"multi\nline\"\n",
		"name,onisep_url\n" + strings.Repeat("Mode,http://www.onisep.fr/Mode\n", 160), // 5 kB
	} {
		f.Add([]byte(s))
	}
}

// FuzzParseCSV checks parseCSV on any bytes: no panic; an error for an empty file or a header the
// CSV reader rejects, and otherwise a file whose header names are trimmed, whose rows all have as
// many fields as the header, with line numbers after the header's and within the file, rows in
// increasing order, and whose problems are LineErrors with the file's name, a line in the file and
// a reason, formatted "file:line: reason". The separator is the one the header line has more of:
// with no quotes in the file, the header has as many fields as its line has of that separator,
// plus one.
func FuzzParseCSV(f *testing.F) {
	addCSVSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parseCSV("f.csv", data)
		if err != nil {
			if file != nil {
				t.Fatalf("parseCSV returned a file and the error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "f.csv: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(file.header) == 0 {
			t.Fatalf("no header in %q", data)
		}
		for _, h := range file.header {
			if strings.TrimSpace(h) != h {
				t.Fatalf("header name %q is not trimmed", h)
			}
		}
		prev := 1
		for _, row := range file.rows {
			if len(row.fields) != len(file.header) {
				t.Fatalf("line %d has %d fields, the header %d", row.line, len(row.fields), len(file.header))
			}
			if row.line <= prev || row.line > lines {
				t.Fatalf("row on line %d after line %d, file of %d lines", row.line, prev, lines)
			}
			prev = row.line
		}
		for _, p := range file.problems {
			checkLineError(t, p, "f.csv", lines)
			if p.Line < 2 {
				t.Fatalf("problem %v on the header's line", p)
			}
		}
		if bytes.ContainsAny(data, "\"\r") {
			return
		}
		// Without quotes, the header is its line cut at the separator it has more of.
		text := string(bytes.TrimPrefix(data, []byte("\ufeff")))
		for _, line := range strings.Split(text, "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue // the lines the CSV reader skips
			}
			sep := ","
			if strings.Count(line, ";") > strings.Count(line, ",") {
				sep = ";"
			}
			if want := strings.Count(line, sep) + 1; len(file.header) != want {
				t.Fatalf("header line %q read as %d fields %q, want %d separated by %q", line, len(file.header), file.header, want, sep)
			}
			break
		}
	})
}

// checkLineError checks a problem report: the file's name, a line of the file, a reason, and its
// text.
func checkLineError(t *testing.T, p LineError, file string, lines int) {
	t.Helper()
	if p.File != file || p.Line < 1 || p.Line > lines || strings.TrimSpace(p.Reason) == "" {
		t.Fatalf("problem %+v in a file of %d lines", p, lines)
	}
	var want string
	if file != "" {
		want = file + ":" + strconv.Itoa(p.Line) + ": " + p.Reason
	} else {
		want = "line " + strconv.Itoa(p.Line) + ": " + p.Reason
	}
	if p.Error() != want {
		t.Fatalf("problem reads %q, want %q", p.Error(), want)
	}
}

// FuzzTitleCase checks titleCase on any text: no panic; text that is not all upper case comes back
// as is; the result is valid UTF-8 for valid input, has as many characters, is the same text but
// for case (ASCII text), and title-casing it again changes nothing.
func FuzzTitleCase(f *testing.F) {
	for _, s := range []string{"JEAN DE LA FONTAINE", "SAINT-EXUPERY", "HENRI IV", "Jean de la Fontaine", "",
		"COLLEGE D'ARSONVAL", "ÉVARISTE GALOIS", "LYCÉE DU PARC DES BUTTES-CHAUMONT", "PARIS 18E", "IV", "DE",
		"L'ÉCOLE", "123", "中文", "\x00\xff", "ǅ", "ß", "ΣΊΣΥΦΟΣ", strings.Repeat("LA FONTAINE ", 400)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := titleCase(s)
		if s != strings.ToUpper(s) && got != s {
			t.Fatalf("titleCase(%q) = %q, changed text that is not upper case", s, got)
		}
		if !utf8.ValidString(s) {
			return
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) != utf8.RuneCountInString(strings.ToLower(s)) {
			t.Fatalf("titleCase(%q) = %q", s, got)
		}
		if isASCIIText(s) && !strings.EqualFold(got, s) {
			t.Fatalf("titleCase(%q) = %q, not the same text", s, got)
		}
		if again := titleCase(got); again != got {
			t.Fatalf("titleCase(%q) = %q, then %q", s, got, again)
		}
	})
}

func isASCIIText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
