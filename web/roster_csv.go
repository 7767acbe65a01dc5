package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"stagebot/fold"
	"stagebot/store"
)

// A class list is what a collège's information system exports: one student a line, with at least
// the class, the last name and the first name, and often the date of birth. Its separator (; , or a
// tab), its encoding (UTF-8, UTF-16 or Windows-1252) and the order of its columns vary: they are
// found, not assumed. A bad line is reported by its number and skipped.

// rosterProblem is a line of a class list that could not be read.
type rosterProblem struct {
	Line   int
	Reason string // a message id
}

// errRosterHeader is a list whose header names no class, last name or first name.
var errRosterHeader = errors.New("web: class list without the columns it needs")

// maxRosterLines bounds a class list: a whole collège is a few hundred students.
const maxRosterLines = 5000

// parseRoster reads a class list.
func parseRoster(raw []byte) ([]store.RosterLine, []rosterProblem, error) {
	text, err := decodeText(raw)
	if err != nil {
		return nil, nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = separatorOf(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, errRosterHeader
	}
	col := columnsOf(header)
	if col.class < 0 || col.last < 0 || col.first < 0 {
		return nil, nil, errRosterHeader
	}
	var lines []store.RosterLine
	var problems []rosterProblem
	for n := 2; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, rosterProblem{n, "web_roster_bad_line"})
			continue
		}
		if blank(rec) {
			continue
		}
		if len(lines) >= maxRosterLines {
			problems = append(problems, rosterProblem{n, "web_roster_too_many"})
			break
		}
		get := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.Join(strings.Fields(rec[i]), " ")
		}
		l := store.RosterLine{Class: get(col.class), LastName: get(col.last), FirstName: get(col.first)}
		switch {
		case l.Class == "" || l.LastName == "" || l.FirstName == "":
			problems = append(problems, rosterProblem{n, "web_roster_missing"})
			continue
		case utf8.RuneCountInString(l.Class) > 40 || utf8.RuneCountInString(l.LastName) > 80 || utf8.RuneCountInString(l.FirstName) > 80:
			problems = append(problems, rosterProblem{n, "web_roster_too_long"})
			continue
		}
		if birth := get(col.birth); birth != "" {
			m, ok := birthMonth(birth)
			if !ok {
				problems = append(problems, rosterProblem{n, "web_roster_bad_date"})
				continue
			}
			l.BirthMonth = &m
		}
		lines = append(lines, l)
	}
	return lines, problems, nil
}

// decodeText reads a file's bytes as text: UTF-8 (with or without its byte order mark), UTF-16 with
// its byte order mark, or else Windows-1252 (what spreadsheets save as "CSV" in France).
func decodeText(raw []byte) (string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		out, _, err := transform.Bytes(unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder(), raw)
		return string(out), err
	}
	if utf8.Valid(raw) {
		return string(raw), nil
	}
	out, _, err := transform.Bytes(charmap.Windows1252.NewDecoder(), raw)
	return string(out), err
}

// separatorOf is the separator the header line uses most: ; , or a tab.
func separatorOf(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	best, count := ';', -1
	for _, sep := range []rune{';', ',', '\t'} {
		if n := strings.Count(first, string(sep)); n > count {
			best, count = sep, n
		}
	}
	return best
}

// rosterColumns are the positions of the columns a class list needs (-1: absent).
type rosterColumns struct{ class, last, first, birth int }

// columnsOf finds the columns in a header, by their usual names in French and English.
func columnsOf(header []string) rosterColumns {
	c := rosterColumns{-1, -1, -1, -1}
	for i, h := range header {
		name := fold.String(strings.TrimSpace(h))
		switch {
		case c.class < 0 && (strings.Contains(name, "classe") || strings.Contains(name, "division") || name == "class" || name == "div"):
			c.class = i
		case c.first < 0 && (strings.Contains(name, "prenom") || strings.Contains(name, "first")):
			c.first = i
		case c.birth < 0 && (strings.Contains(name, "naiss") || strings.Contains(name, "birth") || strings.Contains(name, "ne(e)") || strings.HasPrefix(name, "ne le")):
			c.birth = i
		case c.last < 0 && (strings.HasPrefix(name, "nom") || strings.Contains(name, "last") || name == "surname"):
			c.last = i
		}
	}
	return c
}

// birthMonth reads a date of birth as lists write it (15/03/2012, 2012-03-15, 03/2012) and keeps
// its month.
func birthMonth(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	var y, m int
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' || r == ' ' })
	atoi := func(p string) int {
		n, err := strconv.Atoi(p)
		if err != nil {
			return -1
		}
		return n
	}
	d := 1
	switch {
	case len(parts) == 3 && len(parts[0]) == 4:
		y, m, d = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	case len(parts) == 3:
		y, m, d = atoi(parts[2]), atoi(parts[1]), atoi(parts[0])
	case len(parts) == 2:
		y, m = atoi(parts[1]), atoi(parts[0])
	default:
		return time.Time{}, false
	}
	if y < 100 && y >= 0 {
		y += 2000
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2100 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), true
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
